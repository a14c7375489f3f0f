// Numbers as the figure writes them: fixed decimals; the engine sends
// non-finite numbers as the strings "NaN", "Infinity", "-Infinity".
// Values may be vectors and matrices (nested lists): these functions only
// lay them out, they never compute with them.

export function formatNumber(value, precision = 2) {
  if (typeof value === "string") return value;
  if (typeof value !== "number") return String(value);
  const text = value.toFixed(precision);
  // -0.00 reads as a mistake on a slide; a tiny negative rounds to plain zero.
  return /^-0\.?0*$/.test(text) ? text.slice(1) : text;
}

export function formatValue(value, precision = 2) {
  if (Array.isArray(value)) {
    return `[${value.map((item) => formatValue(item, precision)).join(", ")}]`;
  }
  return formatNumber(value, precision);
}

// Arrays with at most this many entries are written out in full in compact
// places (the result strip, the input's gradient); larger ones as their shape
// and the first few entries, like the wires in the drawing.
export const SMALL_ARRAY = 6;
const PREVIEW = 3;

// [] for a number, [n] for a vector, [n, m] for a matrix.
export function shapeOf(value) {
  if (!Array.isArray(value)) return [];
  if (value.length && Array.isArray(value[0])) return [value.length, value[0].length];
  return [value.length];
}

// The engine's spelling of a shape: "()", "(3,)", "(2,3)".
export function shapeText(shape) {
  if (!shape || shape.length === 0) return "()";
  if (shape.length === 1) return `(${shape[0]},)`;
  return `(${shape.join(",")})`;
}

// A shape in words: "a number", "a vector of 3", "a 2×3 matrix".
export function shapeWords(shape) {
  if (!shape || shape.length === 0) return "a number";
  if (shape.length === 1) return `a vector of ${shape[0]}`;
  return `a ${shape[0]}\u00D7${shape[1]} matrix`;
}

export function entryCount(value) {
  if (!Array.isArray(value)) return 1;
  return value.reduce((n, item) => n + entryCount(item), 0);
}

function leaves(value) {
  return Array.isArray(value) ? value.flatMap(leaves) : [value];
}

// A value in one short line: small arrays in full, larger ones as
// "(2,4) [1.00, 2.00, 3.00, …]".
export function formatCompact(value, precision = 2, small = SMALL_ARRAY) {
  if (!Array.isArray(value) || entryCount(value) <= small) return formatValue(value, precision);
  const preview = leaves(value).slice(0, PREVIEW).map((x) => formatNumber(x, precision));
  return `${shapeText(shapeOf(value))} [${preview.join(", ")}, \u2026]`;
}

// The symbolic part of a vectorized backward entry, with the upstream
// gradient written as "dout":
//   text "dL/dW = dL/d(W @ x) xᵀ (outer product) = [[-1, 1], [-3, 3]]"
//   ->   {lhs: "dW", rhs: "dout xᵀ (outer product)"}
// The engine's numbers at the end are dropped (the page shows them itself).
// Returns null when the text does not have that form.
export function ruleParts(entry, outputName) {
  const text = (entry && entry.text) || "";
  const first = text.indexOf(" = ");
  const last = text.lastIndexOf(" = ");
  if (first < 0 || last <= first) return null;
  let lhs = text.slice(0, first).replace(/ \(part \d+ of \d+\)$/, "");
  let rhs = text.slice(first + 3, last);
  if (entry.upstream_name) rhs = rhs.split(entry.upstream_name).join("dout");
  const prefix = `d${outputName}/`;
  if (outputName && lhs.startsWith(prefix) && lhs.length > prefix.length) lhs = lhs.slice(prefix.length);
  return { lhs, rhs };
}

// The "(summed over the broadcast axes back to shape ())" note of an entry, if any.
export function broadcastNote(entry) {
  const match = /\((summed over the broadcast axes.*)\)\s*$/.exec((entry && entry.text) || "");
  return match ? match[1] : null;
}
