// The view in the URL hash: #p=<program>&v=x:-2,y:5&s=7&l=ko&d=4&c=0  (pure functions).
// `l` is the page's language when the reader chose one (absent: the browser's);
// `d` the decimals and `c=0` constants drawn as their own wires, each written only
// when it is not the default, so a link without them opens as links always did
// (2 decimals, constants folded).
// Values are a Map from input name to value: a name is any identifier,
// `__proto__` and `constructor` included, which a plain object would mistake
// for its own machinery.

export const DEFAULT_PRECISION = 2;
export const MAX_PRECISION = 10; // the API's limit (app/options.py)

export function encodeHash({ program, values, step, language = null, precision = DEFAULT_PRECISION, fold = true }) {
  const parts = [`p=${encodeURIComponent(program)}`];
  const pairs = [...(values || new Map())]
    .filter(([, value]) => isInputValue(value))
    .map(([name, value]) => `${encodeURIComponent(name)}:${encodeValue(value)}`);
  if (pairs.length) parts.push(`v=${pairs.join(",")}`);
  if (Number.isInteger(step)) parts.push(`s=${step}`);
  if (language) parts.push(`l=${encodeURIComponent(language)}`);
  if (Number.isInteger(precision) && precision !== DEFAULT_PRECISION) parts.push(`d=${precision}`);
  if (fold === false) parts.push("c=0");
  return `#${parts.join("&")}`;
}

// Returns {program, values (a Map), step, language, precision, fold} or null
// when the hash holds no program.  step is null when absent (meaning: the
// whole figure); language is null when absent or not a language tag;
// precision and fold are the defaults when absent or not understood.
export function decodeHash(hash) {
  const text = (hash || "").replace(/^#/, "");
  if (!text) return null;
  const fields = new Map();
  for (const part of text.split("&")) {
    const eq = part.indexOf("=");
    if (eq > 0) fields.set(part.slice(0, eq), part.slice(eq + 1));
  }
  if (!fields.has("p")) return null;
  let program;
  try {
    program = decodeURIComponent(fields.get("p"));
  } catch {
    return null;
  }
  const values = new Map();
  for (const pair of (fields.get("v") || "").split(",")) {
    const colon = pair.lastIndexOf(":");
    if (colon <= 0) continue;
    let name;
    try {
      name = decodeURIComponent(pair.slice(0, colon));
    } catch {
      continue;
    }
    let value;
    try {
      value = parseValue(decodeURIComponent(pair.slice(colon + 1)));
    } catch {
      continue;
    }
    if (value !== null) values.set(name, value);
  }
  const stepText = fields.get("s");
  const step = stepText && /^\d+$/.test(stepText) ? Number(stepText) : null;
  const languageText = fields.get("l");
  const language = languageText && /^[a-z]{2,3}$/.test(languageText) ? languageText : null;
  const decimalsText = fields.get("d");
  const precision = decimalsText && /^\d{1,2}$/.test(decimalsText) && Number(decimalsText) <= MAX_PRECISION
    ? Number(decimalsText) : DEFAULT_PRECISION;
  const fold = fields.get("c") !== "0";
  return { program, values, step, language, precision, fold };
}

const NUMERAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

// A finite number from user text ("-2", "1e-3", " 0.5 "), or null.
export function parseNumber(text) {
  const trimmed = String(text).trim();
  if (!trimmed || !NUMERAL.test(trimmed)) return null;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : null;
}

// An input's value as typed: a number, or a vector/matrix in JSON ("[1, 2]"), or null.
export function parseValue(text) {
  const read = readValue(text);
  return read.error ? null : read.value;
}

// An input's value as typed, or what is wrong with it as a message code of
// the catalogs (static/i18n, "page.value.*") and its params: {value} or
// {error: {code, params}}.  Vectors and matrices are written like JSON lists.
export function readValue(text) {
  const source = String(text).trim();
  if (!source) return problem("page.value.empty");
  if (!source.startsWith("[")) {
    const number = parseNumber(source);
    if (number !== null) return { value: number };
    const parts = source.split(/[\s,]+/).filter(Boolean);
    if (parts.length > 1 && parts.every((part) => parseNumber(part) !== null)) {
      return problem("page.value.brackets", { list: parts.join(", ") });
    }
    return problem(isNumeral(source) ? "page.value.too_large" : "page.value.not_a_number", { token: source });
  }
  try {
    const reader = new ListReader(source);
    const value = reader.list(1);
    reader.end();
    return { value };
  } catch (error) {
    if (error instanceof ValueError) return problem(error.code, error.params);
    throw error;
  }
}

function problem(code, params = {}) {
  return { error: { code, params } };
}

class ValueError extends Error {
  constructor(code, params = {}) {
    super(code);
    this.code = code;
    this.params = params;
  }
}

// Written like a number (but maybe too large for one).
function isNumeral(token) {
  return NUMERAL.test(token);
}

// A tiny reader for [..] and [[..], ..] that says what is wrong.
class ListReader {
  constructor(source) {
    this.tokens = source.match(/\[|\]|,|[^\s[\],]+/g) || [];
    this.at = 0;
  }

  peek() {
    return this.tokens[this.at];
  }

  next() {
    const token = this.tokens[this.at];
    this.at += 1;
    return token;
  }

  fail(code, params) {
    throw new ValueError(code, params);
  }

  // A list at nesting level `level` (1: the value itself, 2: a row of a matrix).
  list(level) {
    this.next(); // "["
    if (this.peek() === "]") {
      if (level === 1) this.fail("page.value.empty_list");
      this.fail("page.value.empty_row", { row: this.rowIndex });
    }
    const items = [];
    for (;;) {
      const token = this.peek();
      if (token === undefined) this.fail("page.value.unclosed");
      if (token === "[") {
        if (level >= 2) this.fail("page.value.too_deep");
        this.rowIndex = items.length + 1;
        items.push(this.list(level + 1));
      } else if (token === "," || token === "]") {
        this.fail(token === "," ? "page.value.missing_before_comma" : "page.value.missing_before_end");
      } else {
        this.next();
        const number = parseNumber(token);
        if (number === null) {
          const what = isNumeral(token) ? "too_large" : "not_a_number";
          const where = level === 2 ? "_in_row" : "";
          const params = level === 2 ? { n: items.length + 1, row: this.rowIndex, token } : { n: items.length + 1, token };
          this.fail(`page.value.entry_${what}${where}`, params);
        }
        items.push(number);
      }
      const after = this.next();
      if (after === "]") break;
      if (after === undefined) this.fail("page.value.unclosed");
      if (after !== ",") this.fail("page.value.missing_comma", { token: after });
    }
    if (level === 1) checkRows(items);
    return items;
  }

  end() {
    const extra = this.peek();
    if (extra !== undefined) this.fail("page.value.after_end", { token: extra });
  }
}

function checkRows(items) {
  const rows = items.filter(Array.isArray).length;
  if (rows && rows !== items.length) throw new ValueError("page.value.mixed");
  for (let i = 1; i < rows; i += 1) {
    if (items[i].length !== items[0].length) {
      throw new ValueError("page.value.ragged", { first: items[0].length, row: i + 1, n: items[i].length });
    }
  }
}

// A finite number, or a non-empty list of them, or a list of such lists.
export function isInputValue(value, depth = 0) {
  if (typeof value === "number") return Number.isFinite(value);
  if (!Array.isArray(value) || value.length === 0 || depth >= 2) return false;
  return value.every((item) => isInputValue(item, depth + 1));
}

// A value as a field shows it: "-2", "[2, -3]", "[[1, 2], [3, 4]]".
export function valueText(value) {
  if (Array.isArray(value)) return `[${value.map(valueText).join(", ")}]`;
  return String(value);
}

function encodeValue(value) {
  return Array.isArray(value) ? encodeURIComponent(JSON.stringify(value)) : String(value);
}

// Program and values only: what decides whether a change deserves a history entry.
export function documentKey({ program, values }) {
  return encodeHash({ program, values, step: null });
}
