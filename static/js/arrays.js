// Vectors and matrices as small aligned tables (DOM).  Only layout: the
// numbers are the engine's, formatted to the chosen number of decimals.  A
// large array the server summarised is shown by its shape and first entries
// (and, in the side panel, its min, max and mean).

import { h } from "./dom.js";
import {
  entryCount, formatFull, formatNumber, formatValue, isSummary, shapeOf, shapeText,
} from "./format.js";
import { t } from "./i18n.js";

// A value as an element: a number as text, a vector as one bracketed row,
// a matrix as bracketed rows with the columns aligned.  Arrays with more than
// `limit` entries (and summaries) are shown compactly ("(8,8) [1.00, 2.00,
// 3.00, …]") with what there is of them in the tooltip.
export function valueView(value, precision, { limit = Infinity, className = "" } = {}) {
  if (!Array.isArray(value) && !isSummary(value)) {
    return h("span", `scalar ${className}`.trim(), formatNumber(value, precision));
  }
  if (isSummary(value) || entryCount(value) > limit) {
    const span = h("span", `array-compact ${className}`.trim(), formatValue(value, precision, 0));
    span.title = isSummary(value) ? summaryLine(value, precision) : formatFull(value, precision);
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

// "min -1.00, max 3.00, mean 0.50 (2 entries inf or nan)": what a summary tells of all its entries.
export function summaryLine(summary, precision) {
  const line = t("summary.stats", {
    min: formatNumber(summary.min, precision),
    max: formatNumber(summary.max, precision),
    mean: formatNumber(summary.mean, precision),
  });
  return summary.nonfinite ? `${line} ${t("summary.nonfinite", { n: summary.nonfinite })}` : line;
}

// The value in a scroll box, for the side panel where arrays are shown in
// full; a summary as its first entries over its min, max and mean.
export function fullValueView(value, precision, className) {
  if (isSummary(value)) {
    return h("div", `summary ${className || ""}`.trim(),
      h("span", "summary-first", formatValue(value, precision)),
      h("span", "summary-note", t("summary.first", { n: (value.first || []).length, size: value.size })),
      h("span", "summary-stats", summaryLine(value, precision)));
  }
  const view = valueView(value, precision, { className });
  return Array.isArray(value) ? h("div", "matrix-scroll", view) : view;
}
