// The page's words, in English and Korean: message catalogs are plain files
// (static/i18n/en.json, ko.json), one template per key, loaded once per
// language.  t(key, params) writes a template with its parameters;
// nodes(key, params) does the same but lets a parameter be an element (a
// <code>, a typeset formula), for text that holds markup.
//
// Templates: "{name}" is a parameter; "{n|entry|entries}" is the first word
// when params.n is 1, else the second (English needs it, Korean does not).

export const LANGUAGES = ["en", "ko"];
export const DEFAULT_LANGUAGE = "en";

const catalogs = new Map(); // language -> {key: template}
let current = DEFAULT_LANGUAGE;
// Where the catalogs are served (a file exported with no server gets them inlined instead).
let catalogBase = "/static/i18n/";

export function setCatalogBase(base) {
  catalogBase = base;
}

// The language for a link's `l=` field (null: none) and the browser's
// languages (navigator.languages): the link's, else the first one the page
// speaks (ko, ko-KR ... -> Korean), else English.
export function chooseLanguage(linked, browserLanguages = []) {
  if (LANGUAGES.includes(linked)) return linked;
  for (const tag of browserLanguages || []) {
    const base = String(tag).toLowerCase().split("-")[0];
    if (LANGUAGES.includes(base)) return base;
  }
  return DEFAULT_LANGUAGE;
}

// Fetch a language's catalog (and English, the fallback) once.
export async function loadLanguage(language) {
  const wanted = LANGUAGES.includes(language) ? language : DEFAULT_LANGUAGE;
  await Promise.all([DEFAULT_LANGUAGE, wanted].map(async (lang) => {
    if (catalogs.has(lang)) return;
    const response = await fetch(`${catalogBase}${lang}.json`);
    if (!response.ok) throw new Error(`no catalog for ${lang} (${response.status})`);
    catalogs.set(lang, await response.json());
  }));
  return wanted;
}

// Use a loaded language (or a catalog given directly, for tests).
export function setLanguage(language, catalog = null) {
  if (catalog) catalogs.set(language, catalog);
  current = catalogs.has(language) ? language : DEFAULT_LANGUAGE;
  return current;
}

export function language() {
  return current;
}

export function has(key) {
  return template(key) !== null;
}

function template(key) {
  for (const lang of [current, DEFAULT_LANGUAGE]) {
    const catalog = catalogs.get(lang);
    if (catalog && Object.hasOwn(catalog, key)) return catalog[key];
  }
  return null;
}

const PLACE = /\{(\w+)(?:\|([^|}]*)\|([^}]*))?\}/g;

// The template's pieces: strings, and the parameters (any value) in their places.
function pieces(key, params) {
  const text = template(key);
  if (text === null) return [key]; // a missing key shows itself (the tests keep the catalogs whole)
  const out = [];
  let last = 0;
  for (const match of text.matchAll(PLACE)) {
    out.push(text.slice(last, match.index));
    const [, name, one, many] = match;
    const value = params && Object.hasOwn(params, name) ? params[name] : undefined;
    if (one !== undefined) out.push(Number(value) === 1 ? one : many);
    else out.push(value === undefined ? match[0] : value);
    last = match.index + match[0].length;
  }
  out.push(text.slice(last));
  return out.filter((piece) => piece !== "");
}

// The text of a key: t("step.counter", {k: 3, total: 12}).
export function t(key, params) {
  return pieces(key, params).map((piece) => (piece instanceof Node ? piece.textContent : String(piece))).join("");
}

// The same as nodes to append: a parameter that is a Node goes in as it is.
export function nodes(key, params) {
  return pieces(key, params).map((piece) => (piece instanceof Node ? piece : String(piece)));
}

// Translate the page's own markup: [data-i18n] elements get their key's
// text, with their element children (a <code>, say) as the parameters {0},
// {1} ... in order; [data-i18n-title], [data-i18n-aria-label] set attributes.
const originals = new WeakMap();

export function translateStatic(root) {
  for (const element of root.querySelectorAll("[data-i18n]")) {
    if (!originals.has(element)) originals.set(element, [...element.children]);
    const params = Object.fromEntries(originals.get(element).map((child, i) => [i, child]));
    element.replaceChildren(...nodes(element.dataset.i18n, params));
  }
  for (const [data, attribute] of [["i18nTitle", "title"], ["i18nAriaLabel", "aria-label"]]) {
    const selector = `[data-${attribute === "title" ? "i18n-title" : "i18n-aria-label"}]`;
    for (const element of root.querySelectorAll(selector)) element.setAttribute(attribute, t(element.dataset[data]));
  }
}
