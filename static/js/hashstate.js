// The view in the URL hash: #p=<program>&v=x:-2,y:5&s=7  (pure functions).

export function encodeHash({ program, values, step }) {
  const parts = [`p=${encodeURIComponent(program)}`];
  const pairs = Object.entries(values || {})
    .filter(([, value]) => isInputValue(value))
    .map(([name, value]) => `${encodeURIComponent(name)}:${encodeValue(value)}`);
  if (pairs.length) parts.push(`v=${pairs.join(",")}`);
  if (Number.isInteger(step)) parts.push(`s=${step}`);
  return `#${parts.join("&")}`;
}

// Returns {program, values, step} or null when the hash holds no program.
// step is null when absent (meaning: the whole figure).
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
  const values = {};
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
    if (value !== null) values[name] = value;
  }
  const stepText = fields.get("s");
  const step = stepText && /^\d+$/.test(stepText) ? Number(stepText) : null;
  return { program, values, step };
}

// A finite number from user text ("-2", "1e-3", " 0.5 "), or null.
export function parseNumber(text) {
  const trimmed = String(text).trim();
  if (!trimmed || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) return null;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : null;
}

// An input's value as typed: a number, or a vector/matrix in JSON ("[1, 2]").
export function parseValue(text) {
  const trimmed = String(text).trim();
  if (!trimmed.startsWith("[")) return parseNumber(trimmed);
  try {
    const value = JSON.parse(trimmed);
    return isInputValue(value) ? value : null;
  } catch {
    return null;
  }
}

// A finite number, or a non-empty list of them, or a list of such lists.
export function isInputValue(value, depth = 0) {
  if (typeof value === "number") return Number.isFinite(value);
  if (!Array.isArray(value) || value.length === 0 || depth >= 2) return false;
  return value.every((item) => isInputValue(item, depth + 1));
}

export function valueText(value) {
  return Array.isArray(value) ? JSON.stringify(value) : String(value);
}

function encodeValue(value) {
  return Array.isArray(value) ? encodeURIComponent(JSON.stringify(value)) : String(value);
}

// Program and values only: what decides whether a change deserves a history entry.
export function documentKey({ program, values }) {
  return encodeHash({ program, values, step: null });
}
