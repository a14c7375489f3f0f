// Numbers as the figure writes them: fixed decimals; the engine sends
// non-finite numbers as the strings "NaN", "Infinity", "-Infinity".

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
