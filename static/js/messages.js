// The words of errors and warnings, in the page's language.  The server
// sends what went wrong as data (`code` and `params`, engine/messages.py);
// the catalogs hold a template per code ("engine.<code>"), and this module
// writes the parameters by the engine's conventions: a key ending in `shape`
// (or `left`, `right`) is a shape, written (2,3); `actual` is a shape in words;
// `found` is a token ("" the end of the program, "\n" the end of a line);
// `char` a character with its code point; a list is written with commas (and
// `<key>_count` is its length, for plurals); a fraction as Python's {:g}.
// The page's own messages (network, values typed) have codes "page.*".

import { formatGeneral, shapeText } from "./format.js";
import { has, t } from "./i18n.js";

const SHAPE_KEYS = new Set(["left", "right", "shape"]);
const KINDS = { null: "kind.null", "true/false": "kind.boolean", "a string": "kind.string",
  "a list": "kind.list", "an object": "kind.object" };

// A shape in words: a number, a vector of 3 entries, a 2×3 matrix.
export function shapeWords(shape) {
  if (!shape || shape.length === 0) return t("shape.number");
  if (shape.length === 1) return t("shape.vector", { n: shape[0] });
  return t("shape.matrix", { rows: shape[0], cols: shape[1] });
}

function foundText(found) {
  if (found === "") return t("words.end_of_program");
  if (found === "\n") return t("words.end_of_line");
  return `'${found}'`;
}

// '$' (U+0024); a quote, a space or an unprintable character by its code point.
function charText(char) {
  const point = `U+${char.codePointAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
  if (char === "'") return `"'" (${point})`;
  return /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(char) ? `'${char}' (${point})` : point;
}

function words(params) {
  const out = {};
  for (const [key, value] of Object.entries(params || {})) {
    if (SHAPE_KEYS.has(key) || key.endsWith("_shape")) out[key] = shapeText(value);
    else if (key === "actual") out[key] = shapeWords(value);
    else if (key === "found") out[key] = foundText(String(value));
    else if (key === "char") out[key] = charText(String(value));
    else if (key === "kind" && Object.hasOwn(KINDS, value)) out[key] = t(KINDS[value]);
    else if (Array.isArray(value)) {
      out[key] = value.join(", ");
      out[`${key}_count`] = value.length;
    } else if (typeof value === "number" && !Number.isInteger(value)) out[key] = formatGeneral(value);
    else out[key] = value;
  }
  return out;
}

// The sentence for an engine code and its params, or null when the catalog has no such code.
export function engineMessage(code, params) {
  const key = `engine.${code}`;
  return code && has(key) ? t(key, words(params)) : null;
}

// What an error says: {message, hint} (hint null), in the page's language.  A
// code the catalogs know is written from its params; a limit names the server
// setting that raises it; the page's own codes are its catalogs'.  An error
// without a code is the server's words, except for the statuses whose words
// are always the same (the front's 413/429/502/504, 503 busy: "http.<status>"),
// which the catalogs say in the page's language.
export function errorText(error) {
  let message = null;
  if (error.code && error.code.startsWith("page.")) message = t(error.code, error.params);
  else message = engineMessage(error.code, error.params);
  if (message !== null && error.params && error.params.setting) {
    message += t("error.limit_setting", { setting: error.params.setting });
  }
  if (message === null && error.status && has(`http.${error.status}`)) message = t(`http.${error.status}`);
  if (message === null) message = error.message || t("page.failed");
  const hint = error.hint ? engineMessage(error.hint.code, error.hint.params) ?? error.hint.message : null;
  return { message, hint };
}

// The answer's warnings, in the page's language (warning_data beside the English warnings).
export function warningTexts(result) {
  const [english, data] = [result.warnings || [], result.warning_data || []]; // same order
  return english.map((text, i) => (data[i] && engineMessage(data[i].code, data[i].params)) ?? text);
}
