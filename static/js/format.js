// Numbers as the engine writes them (engine/numbers.py, the one formatter; a
// browser test compares both on the same table):
//   * `precision` decimals in fixed notation: -2.00, 0.73;
//   * scientific, with `precision` decimals and a two-digit exponent, from 1e5
//     up (also when rounding reaches 1e5) and below 10**-precision, which fixed
//     notation would show as zero: 1.23e+05, 1.00e-10;
//   * rounding half away from zero on the exact binary value, which is what
//     toFixed and toExponential do;
//   * zero and -0 are 0.00; inf, -inf and nan, also when the JSON carries
//     "Infinity", "-Infinity", "NaN".
// Values may be vectors and matrices (nested lists), or for a large array a
// summary the server sends instead ({summary: true, shape, size, first, min,
// max, mean, nonfinite}): these functions only lay them out, they never
// compute with them.

const NONFINITE_JSON = { Infinity: Infinity, "-Infinity": -Infinity, NaN: NaN };
const LARGEST_FIXED = 1e5;

// A number from the JSON contract: a number, or one of the three strings.
function asNumber(value) {
  if (typeof value === "string" && Object.hasOwn(NONFINITE_JSON, value)) return NONFINITE_JSON[value];
  return value;
}

// 10**-precision as the literal "1e-p" reads, the float the engine compares with.
function smallestFixed(precision) {
  return Number(`1e-${precision}`);
}

// toExponential writes "1.23e+5"; the engine (Python) pads the exponent to two digits.
function scientific(x, precision) {
  const [mantissa, exponent] = x.toExponential(precision).split("e");
  const sign = exponent[0];
  return `${mantissa}e${sign}${exponent.slice(1).padStart(2, "0")}`;
}

export function formatNumber(value, precision = 2) {
  const x = asNumber(value);
  if (typeof x !== "number") return String(x);
  if (Number.isNaN(x)) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (x === 0) return (0).toFixed(precision); // also turns -0 into 0.00
  const magnitude = Math.abs(x);
  if (magnitude >= smallestFixed(precision) && magnitude < LARGEST_FIXED) {
    const text = x.toFixed(precision);
    if (Math.abs(Number(text)) < LARGEST_FIXED) return text;
  }
  return scientific(x, precision);
}

// A number as Python's "{:g}" writes it (the engine's constants in formulas and
// in messages): `digits` significant digits, no trailing zeros, an exponent
// below 1e-4 and from 10**digits up: 2, 0.5, 3.14159, 1e-07, 1.5e+06.
export function formatGeneral(value, digits = 6) {
  const x = asNumber(value);
  if (typeof x !== "number") return String(x);
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0" : "0";
  const [mantissa, exponentText] = x.toExponential(digits - 1).split("e");
  const exponent = Number(exponentText);
  const trim = (text) => (text.includes(".") ? text.replace(/\.?0+$/, "") : text);
  if (exponent < -4 || exponent >= digits) {
    const sign = exponent < 0 ? "-" : "+";
    return `${trim(mantissa)}e${sign}${String(Math.abs(exponent)).padStart(2, "0")}`;
  }
  return trim(x.toFixed(Math.max(0, digits - 1 - exponent)));
}

// Arrays with at most this many entries are written out in full (as the
// engine writes a wire); larger ones as their shape and the first few entries.
export const SMALL_ARRAY = 6;
const PREVIEW = 3;

// A large array the server sent as its summary (shape, first entries, min, max, mean).
export function isSummary(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value) && value.summary === true;
}

// Whether a value is a vector or a matrix (in full or as a summary).
export function isArrayValue(value) {
  return Array.isArray(value) || isSummary(value);
}

// [] for a number, [n] for a vector, [n, m] for a matrix.
export function shapeOf(value) {
  if (isSummary(value)) return value.shape || [];
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

export function entryCount(value) {
  if (isSummary(value)) return value.size;
  if (!Array.isArray(value)) return 1;
  return value.reduce((n, item) => n + entryCount(item), 0);
}

function leaves(value) {
  return Array.isArray(value) ? value.flatMap(leaves) : [value];
}

// Every entry: "[[1.00, 2.00], [3.00, 4.00]]" (tooltips, where the whole array
// fits); a summary as its shape and the entries it has: "(40,40) [1.00, 1.00, …]".
export function formatFull(value, precision = 2) {
  if (isSummary(value)) return summaryText(value, precision, (value.first || []).length);
  if (Array.isArray(value)) return `[${value.map((item) => formatFull(item, precision)).join(", ")}]`;
  return formatNumber(value, precision);
}

// A value in one short line, as engine.numbers.format_value writes it: a number,
// an array of at most `small` entries in full, a larger one as its shape and
// first entries, "(2,4) [1.00, 2.00, 3.00, …]".
export function formatValue(value, precision = 2, small = SMALL_ARRAY) {
  if (isSummary(value)) return summaryText(value, precision, PREVIEW);
  if (!Array.isArray(value) || entryCount(value) <= small) return formatFull(value, precision);
  const preview = leaves(value).slice(0, PREVIEW).map((x) => formatNumber(x, precision));
  return `${shapeText(shapeOf(value))} [${preview.join(", ")}, \u2026]`;
}

function summaryText(summary, precision, count) {
  const preview = (summary.first || []).slice(0, count).map((x) => formatNumber(x, precision));
  return `${shapeText(summary.shape)} [${[...preview, "\u2026"].join(", ")}]`;
}
