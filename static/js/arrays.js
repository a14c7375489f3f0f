// Vectors and matrices as small aligned tables (DOM).  Only layout: the
// numbers are the engine's, formatted to the chosen number of decimals.

import { h } from "./dom.js";
import { entryCount, formatFull, formatNumber, formatValue, shapeOf, shapeText } from "./format.js";

// A value as an element: a number as text, a vector as one bracketed row,
// a matrix as bracketed rows with the columns aligned.  Arrays with more than
// `limit` entries are shown compactly ("(8,8) [1.00, 2.00, 3.00, …]") with
// the full text in the tooltip.
export function valueView(value, precision, { limit = Infinity, className = "" } = {}) {
  if (!Array.isArray(value)) return h("span", `scalar ${className}`.trim(), formatNumber(value, precision));
  if (entryCount(value) > limit) {
    const span = h("span", `array-compact ${className}`.trim(), formatValue(value, precision, 0));
    span.title = formatFull(value, precision);
    return span;
  }
  const rows = Array.isArray(value[0]) ? value : [value];
  const table = h("table", `matrix ${className}`.trim());
  table.dataset.shape = shapeText(shapeOf(value));
  const body = table.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    for (const entry of row) tr.append(h("td", null, formatNumber(entry, precision)));
  }
  return table;
}

// The value in a scroll box, for the side panel where arrays are shown in full.
export function fullValueView(value, precision, className) {
  const view = valueView(value, precision, { className });
  return Array.isArray(value) ? h("div", "matrix-scroll", view) : view;
}
