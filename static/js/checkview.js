// The gradient check beside a gradient: the numeric gradient (central
// differences, the answer's `check`) and a mark that says in words, not by
// colour alone, whether the two agree: "✓ matches", "✗ differs", a kink ("not
// differentiable here"), an inf or nan, or "not checked" (past the check's budget).

import { h } from "./dom.js";
import { formatGeneral, formatNumber, formatValue, isArrayValue } from "./format.js";
import { t } from "./i18n.js";

// A check entry (check[name] or check["per node"][id]) as {kind, ...}: kind
// "pass" (every entry checked agrees), "fail" (one differs), "kink" (not
// differentiable where it was checked), "nonfinite" (inf or nan: nothing to
// compare), or "unchecked"; kinks and nonfinite list flat indices of an array.
export function classify(entry) {
  if (!entry) return { kind: "unchecked", kinks: [], nonfinite: [] };
  const kinks = entry.kinks || [];
  const nonfinite = entry.nonfinite || [];
  let kind = "unchecked";
  if (entry.ok === false) kind = "fail";
  else if (entry.ok === true) kind = "pass";
  else if (kinks.length) kind = "kink";
  else if (nonfinite.length) kind = "nonfinite";
  return { kind, kinks, nonfinite, relError: entry.rel_error, numeric: entry.numeric, sampled: Boolean(entry.checked) };
}

const SYMBOL = { pass: "\u2713", fail: "\u2717", kink: "\u26A0", nonfinite: "\u26A0", unchecked: "\u2013" };

// The check's entry for a node, or undefined (no check, or left out of it).
export function checkOfNode(result, nodeId) {
  const perNode = result && result.check && result.check["per node"];
  return perNode && Object.hasOwn(perNode, String(nodeId)) ? perNode[String(nodeId)] : undefined;
}

// "✓ matches  numeric -0.20": the mark and the numeric gradient, as one element
// (for an array, its kinks and inf/nan entries named by their flat index).
export function checkMark(entry, precision) {
  const found = classify(entry);
  const { kind } = found;
  const mark = h("span", `check-mark is-${kind}`);
  mark.dataset.check = kind;
  mark.append(h("span", "check-symbol", SYMBOL[kind]), " ", h("span", "check-word", t(`learn.check.${kind}`)));
  if (entry && kind !== "unchecked") {
    const numeric = isArrayValue(entry.numeric) ? formatValue(entry.numeric, precision, 3)
      : formatNumber(entry.numeric, precision);
    const number = h("span", "check-numeric", t("learn.check.numeric", { value: numeric }));
    mark.append(" ", number);
  }
  const notes = checkNotes(found, Array.isArray(entry && entry.numeric));
  if (notes.length) mark.append(" ", h("span", "check-note", notes.join(" ")));
  mark.title = [t("learn.check.how"), ...notes].join(" ");
  if (found.relError !== null && found.relError !== undefined) {
    mark.title += ` ${t("learn.check.rel_error", { error: formatGeneral(found.relError, 2) })}`;
  }
  return mark;
}

// What an array's check says beyond its mark: which entries are kinks or inf/nan, and sampling.
function checkNotes(found, array) {
  const notes = [];
  if (array && found.kinks.length) notes.push(t("learn.check.kink_entries", { list: found.kinks.join(", "), n: found.kinks.length }));
  if (array && found.nonfinite.length) {
    notes.push(t("learn.check.nonfinite_entries", { list: found.nonfinite.join(", "), n: found.nonfinite.length }));
  }
  if (found.sampled) notes.push(t("learn.check.sampled"));
  return notes;
}

// The check's rows for the side panel ("Selected"): a table like the panel's own.
export function checkRows(result, nodeId, precision) {
  if (!result || !result.check) return [];
  const entry = checkOfNode(result, nodeId);
  const table = h("table", "detail check-detail");
  table.append(h("tr", null, h("td", "detail-label", t("learn.check.label")),
    h("td", "detail-value is-check", checkMark(entry, precision))));
  return [table];
}

// The line over the inputs: how many gradients pass, in words.
export function checkSummary(result) {
  if (!result || !result.check) return null;
  const counts = { pass: 0, fail: 0, kink: 0, nonfinite: 0, unchecked: 0 };
  for (const name of result.inputs || []) counts[classify(result.check[name]).kind] += 1;
  return t("learn.check.summary", { ...counts, n: (result.inputs || []).length });
}
