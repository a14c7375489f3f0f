// The view in the URL hash: #p=<program>&v=x:-2,y:5&s=7  (pure functions).
// Values are a Map from input name to value: a name is any identifier,
// `__proto__` and `constructor` included, which a plain object would mistake
// for its own machinery.

export function encodeHash({ program, values, step }) {
  const parts = [`p=${encodeURIComponent(program)}`];
  const pairs = [...(values || new Map())]
    .filter(([, value]) => isInputValue(value))
    .map(([name, value]) => `${encodeURIComponent(name)}:${encodeValue(value)}`);
  if (pairs.length) parts.push(`v=${pairs.join(",")}`);
  if (Number.isInteger(step)) parts.push(`s=${step}`);
  return `#${parts.join("&")}`;
}

// Returns {program, values (a Map), step} or null when the hash holds no
// program.  step is null when absent (meaning: the whole figure).
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
  return { program, values, step };
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

const EXAMPLES = "a number such as -2, a vector such as [2, -3], or a matrix such as [[1, 2], [3, 4]]";

// An input's value as typed, or what is wrong with it in plain words:
// {value} or {error}.  Vectors and matrices are written like JSON lists.
export function readValue(text) {
  const source = String(text).trim();
  if (!source) return { error: `Type ${EXAMPLES}.` };
  if (!source.startsWith("[")) {
    const number = parseNumber(source);
    if (number !== null) return { value: number };
    const parts = source.split(/[\s,]+/).filter(Boolean);
    if (parts.length > 1 && parts.every((part) => parseNumber(part) !== null)) {
      return { error: `Put a vector in brackets, like [${parts.join(", ")}].` };
    }
    return { error: notANumber(source) };
  }
  try {
    const reader = new ListReader(source);
    const value = reader.list(1);
    reader.end();
    return { value };
  } catch (error) {
    if (error instanceof ValueError) return { error: error.message };
    throw error;
  }
}

class ValueError extends Error {}

// Written like a number (but maybe too large for one).
function isNumeral(token) {
  return NUMERAL.test(token);
}

function notANumber(token) {
  if (isNumeral(token)) return `${token} is too large to be a number here.`;
  return `"${token}" is not a number: type ${EXAMPLES}.`;
}

// A tiny reader for [..] and [[..], ..] with messages that say what is wrong.
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

  fail(message) {
    throw new ValueError(message);
  }

  // A list at nesting level `level` (1: the value itself, 2: a row of a matrix).
  list(level) {
    this.next(); // "["
    if (this.peek() === "]") {
      this.fail(level === 1 ? "An empty list [] has no entries: give at least one number."
        : `Row ${this.rowIndex} is empty: give each row at least one number.`);
    }
    const items = [];
    for (;;) {
      const token = this.peek();
      if (token === undefined) this.fail("A closing ] is missing.");
      if (token === "[") {
        if (level >= 2) {
          this.fail("Lists nest at most two deep: a vector [1, 2] or a matrix [[1, 2], [3, 4]].");
        }
        this.rowIndex = items.length + 1;
        items.push(this.list(level + 1));
      } else if (token === "," || token === "]") {
        this.fail(`An entry is missing ${token === "," ? "before a comma" : "before the ]"}.`);
      } else {
        this.next();
        const number = parseNumber(token);
        if (number === null) {
          const where = level === 2 ? ` in row ${this.rowIndex}` : "";
          const what = isNumeral(token) ? "is too large" : "is not a number";
          this.fail(`Entry ${items.length + 1}${where}, "${token}", ${what}.`);
        }
        items.push(number);
      }
      const after = this.next();
      if (after === "]") break;
      if (after === undefined) this.fail("A closing ] is missing.");
      if (after !== ",") this.fail(`A comma is missing before "${after}".`);
    }
    if (level === 1) checkRows(items);
    return items;
  }

  end() {
    const extra = this.peek();
    if (extra !== undefined) this.fail(`Unexpected "${extra}" after the closing ].`);
  }
}

function checkRows(items) {
  const rows = items.filter(Array.isArray).length;
  if (rows && rows !== items.length) {
    throw new ValueError("This list mixes numbers and lists: a matrix is a list of rows, "
      + "like [[1, 2], [3, 4]].");
  }
  for (let i = 1; i < rows; i += 1) {
    if (items[i].length !== items[0].length) {
      throw new ValueError(`The rows differ in length: row 1 has ${items[0].length} `
        + `${items[0].length === 1 ? "entry" : "entries"} but row ${i + 1} has ${items[i].length}.`);
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
