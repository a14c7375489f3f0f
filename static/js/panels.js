// The explanation under the player: what a step does, composed from the
// structured step (node ids, numbers, formula trees) in the page's language,
// with the formula typesetter (formula.js) and the one number formatter
// (format.js) at `precision` decimals.  The chain-rule table shows exactly
// the wires of the figure: a constant folded into its gate has no row.

import { valueView } from "./arrays.js";
import { h } from "./dom.js";
import { foldedInto, gateLabel, isVectorized, shownEntries } from "./explain-data.js";
import * as F from "./formula.js";
import { formatNumber, formatValue, isArrayValue, shapeOf, shapeText } from "./format.js";
import { nodes as tn, t } from "./i18n.js";
import { phaseOf } from "./timeline.js";

export function outputName(result) {
  return result.output.label || result.output.name || "f";
}

// Whether the answer has any vector or matrix in it (then shapes are shown).
export function hasArrays(model) {
  return model.nodes.some((node) => (node.shape || []).length > 0);
}

export function phaseTitle(model, k) {
  const phase = phaseOf(model, k);
  return t(`phase.${phase.kind}`, phase);
}

const code = (text) => h("code", "inline", text);
const formula = (box, className) => F.toNode(box, className);

// The explanation for a visibleAt() view.
export function explanation(model, view, { result, precision }) {
  const ctx = F.formulaContext(result, precision);
  const title = h("p", "explain-title", phaseTitle(model, view.k));
  const step = view.step;
  const arrays = hasArrays(model);
  if (!step) {
    const text = [t(view.all ? "intro.done" : "intro.start", { out: ctx.out })];
    if (arrays) text.push(t("intro.arrays"));
    return [title, h("p", "explain-text", text.join(" "))];
  }
  if (step.phase === "forward") return [title, ...forwardParts(model, step, ctx, arrays)];
  title.append(" \u2014 ", ...tn("explain.through", { gate: code(gateLabel(model, step.node)) }));
  const entries = shownEntries(step);
  const parts = [title];
  if (entries.length) {
    parts.push(isVectorized(entries) ? ruleTable(model, step, entries, ctx) : chainTable(model, step, entries, ctx, arrays));
  }
  if (!step.drawn) parts.push(signNote(model, step.node, "explain.sign_backward"));
  else if (step.stops) {
    parts.push(h("p", "explain-text", ...tn("explain.stops", {
      name: code(F.gradName(ctx, step.node)), value: code(formatValue(step.upstream, precision)),
    })));
  }
  for (const sum of step.completes || []) {
    if ((sum.parts || []).length < 2) continue;
    const line = [F.gradName(ctx, sum.node), " = ", sum.parts.map((p) => formatValue(p, precision)).join(" + "),
      " = ", formatValue(sum.total, precision)];
    parts.push(h("p", "explain-text fanout", ...tn("explain.fanout", {
      name: code(F.labelOf(ctx, sum.node)), n: sum.parts.length, sum: formula(line, "formula inline"),
    })));
  }
  return parts;
}

// A step of a node the figure does not draw: the sign of a signed number, folded into the next gate.
function signNote(model, nodeId, key) {
  const into = foldedInto(model, nodeId);
  return h("p", "explain-text folded-note", ...tn(key, {
    label: code(model.nodes[nodeId].label), gate: code(into === null ? "" : gateLabel(model, into)),
  }));
}

// "t1 = (w0*x0 + w1*x1) + w2 = 4.00 + -3.00 = 1.00": the gate's formula, then
// with its operands' values, then its value (each written once).
export function forwardLine(model, step, ctx) {
  const node = model.nodes[step.node];
  const named = node.name || step.node === ctx.outputNode || node.label !== node.text;
  const symbolic = F.formulaBox(step.formula, ctx);
  const numbers = F.formulaBox(step.formula, ctx, { refs: "value" });
  const value = formatValue(step.value, ctx.precision);
  const line = named ? [node.label, " = ", symbolic] : [symbolic];
  const seen = new Set([F.toText(symbolic)]);
  for (const box of [numbers, value]) {
    if (box === null || seen.has(F.toText(box))) continue;
    seen.add(F.toText(box));
    line.push(" = ", box);
  }
  return line;
}

function forwardParts(model, step, ctx, arrays) {
  const parts = [formula(forwardLine(model, step, ctx), "formula explain-formula forward")];
  if (!step.drawn) parts.push(signNote(model, step.node, "explain.sign_forward"));
  if (arrays) {
    const shapes = [F.formulaBox(step.formula, ctx, { refs: "shape" }), " \u2192 ", shapeText(model.nodes[step.node].shape)];
    parts.push(h("p", "explain-shapes", ...tn("explain.shapes_forward", { shapes: formula(shapes) })));
  }
  return parts;
}

// The row header of a wire: where the gradient goes ("from q", the full
// subexpression on hover) and, for a local gradient, its formula with its
// value: ∂(q * z)/∂q = z = -4.00.
function wireHeader(model, step, entry, ctx) {
  const source = model.nodes[entry.source];
  const name = h("span", "wire-name", t("explain.from", { name: source.label }));
  name.title = source.text;
  const th = h("th", "wire", name);
  th.scope = "row";
  if (entry.kind === "local") th.append(formula(localDerivative(step, entry, ctx), "formula local-formula"));
  return th;
}

// ∂(gate)/∂source = its formula = its value (the value left out when the
// formula is a constant, d(-t1)/dt1 = -1, and for an array, shown beside it).
export function localDerivative(step, entry, ctx) {
  const formula = F.formulaBox(entry.formula, ctx);
  const line = [F.derivativeBox(ctx, step.node, entry.source, entry.partial), " = ", formula];
  if (!CONSTANT.test(F.toText(formula)) && !isArrayValue(entry.local)) {
    line.push(" = ", formatValue(entry.local, ctx.precision));
  }
  return line;
}

const CONSTANT = /^-?\(?-?[\d.]+(e[+-]?\d+)?\)?$/;

function tableWithHead(columns) {
  const table = h("table", "chain");
  const head = table.createTHead().insertRow();
  for (const [key, className] of columns) {
    if (!key) {
      head.append(h("td", className)); // the × and = between the terms: no header
      continue;
    }
    const th = h("th", className, t(key));
    th.scope = "col";
    head.append(th);
  }
  return table;
}

// local gradient x upstream gradient = downstream gradient, one row per wire of the figure.
function chainTable(model, step, entries, ctx, arrays) {
  const table = tableWithHead([["explain.col.wire", "wire"], ["explain.col.local", "term-local"], [null, "op"],
    ["explain.col.upstream", "term-upstream"], [null, "op"], ["explain.col.downstream", "term-grad"]]);
  const body = table.createTBody();
  const upShape = model.nodes[step.node].shape;
  for (const entry of entries) {
    const elementwise = isArrayValue(entry.local) && isArrayValue(entry.upstream);
    const times = h("td", "op", elementwise ? "\u2299" : "\u00D7");
    if (elementwise) times.title = t("explain.elementwise");
    const row = h("tr", null,
      wireHeader(model, step, entry, ctx),
      term(cell(entry.local, ctx), F.localName(ctx, step.node, entry.source, entry.partial), "term-local",
        arrays ? shapeOf(entry.local) : null),
      times,
      term(cell(entry.upstream, ctx), F.gradName(ctx, step.node), "term-upstream", arrays ? upShape : null),
      h("td", "op", "="),
      gradTerm(model, entry, ctx, arrays ? model.nodes[entry.source].shape : null));
    row.title = F.toText(chainLine(step, entry, ctx));
    body.append(row);
  }
  return table;
}

// For the vectorized rules (matmul, sum, mean, dot, transpose) there is no
// local gradient to multiply by: the row shows the rule over the operands'
// names and the upstream gradient, and the result, each with its shape.
function ruleTable(model, step, entries, ctx) {
  const table = tableWithHead([["explain.col.wire", "wire"], ["explain.col.rule", "term-rule"],
    ["explain.col.upstream", "term-upstream"], [null, "op"], ["explain.col.downstream", "term-grad"]]);
  table.classList.add("vectorized");
  const body = table.createTBody();
  for (const entry of entries) {
    const row = h("tr", null,
      wireHeader(model, step, entry, ctx),
      h("td", "term-rule", ...ruleParts(entry, ctx)),
      term(cell(entry.upstream, ctx), F.gradName(ctx, step.node), "term-upstream", model.nodes[step.node].shape),
      h("td", "op", "="),
      gradTerm(model, entry, ctx, model.nodes[entry.source].shape));
    row.title = F.toText(ruleLine(entry, ctx));
    body.append(row);
  }
  return table;
}

// dL/dW = dL/d(W @ x) xᵀ: a vectorized rule over the upstream gradient.
export function ruleLine(entry, ctx) {
  return [F.gradName(ctx, entry.source), " = ", F.formulaBox(entry.formula, ctx)];
}

export function ruleParts(entry, ctx) {
  const rule = h("code", "rule-text", formula(ruleLine(entry, ctx)));
  if (entry.formula[0] === "outer") rule.append(" ", t("explain.outer"));
  const parts = [rule];
  if (entry.shapes) {
    parts.push(h("span", "term-shape", t("explain.shapes_rule", {
      source: shapeText(entry.shapes.source), gate: shapeText(entry.shapes.gate),
    })));
  }
  return parts;
}

// df/dx = df/dq * dq/dx = -4.00 * 1.00 = -4.00: one wire's chain rule in a line.
export function chainLine(step, entry, ctx) {
  const p = ctx.precision;
  return [F.gradName(ctx, entry.source), " = ", F.gradName(ctx, step.node), " * ",
    F.localName(ctx, step.node, entry.source, entry.partial), " = ", formatValue(entry.upstream, p), " * ",
    formatValue(entry.local, p), " = ", formatValue(entry.grad, p)];
}

// The downstream gradient, with the wire's part of a fan-out and a broadcast sum noted.
function gradTerm(model, entry, ctx, shape) {
  const td = term(cell(entry.grad, ctx), F.gradName(ctx, entry.source), "term-grad", shape);
  for (const note of entryNotes(entry)) td.append(h("span", "term-note", note));
  return td;
}

// "part 1 of 2", "summed over the broadcast axes back to shape ()".
export function entryNotes(entry) {
  const notes = [];
  if (entry.part) notes.push(t("explain.part", { k: entry.part[0], n: entry.part[1] }));
  if (entry.broadcast) notes.push(t("explain.broadcast", { shape: shapeText(entry.broadcast.to) }));
  return notes;
}

// What goes in a term's number slot: text for a number, a small matrix for an array.
function cell(value, ctx) {
  if (!isArrayValue(value)) return formatNumber(value, ctx.precision);
  return valueView(value, ctx.precision, { limit: 12 });
}

// A number (or array) over its name (df/dq), and its shape when arrays are about.
function term(content, name, className, shape) {
  const nameSpan = h("span", "term-name", name);
  nameSpan.title = name;
  const number = h(typeof content === "string" ? "span" : "div", "term-number", content);
  const td = h("td", className, number, nameSpan);
  if (shape) td.append(h("span", "term-shape", t("explain.shape", { shape: shapeText(shape) })));
  return td;
}
