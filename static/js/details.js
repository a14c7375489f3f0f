// The side panel ("Selected"): a hovered or clicked gate, value or wire, with
// its full subexpression, its value and gradient (arrays in full, a summary
// by its first entries, min, max and mean), and the local derivatives or
// rules of the wires into it.  Composed from the answer's structured fields.

import { fullValueView } from "./arrays.js";
import { h } from "./dom.js";
import { foldedInto, gateLabel } from "./explain-data.js";
import * as F from "./formula.js";
import { formatNumber, isArrayValue, isSummary, shapeText } from "./format.js";
import { t } from "./i18n.js";
import { shapeWords } from "./messages.js";
import { chainLine, entryNotes, hasArrays, localDerivative, ruleParts } from "./panels.js";

// The side panel for a node or a wire: {span to mark in the program, content}.
// `reveal` (learner.revealAt) keeps what the steps have not reached yet a "?".
export function describeTarget(model, target, { result, precision, reveal = null }) {
  if (target.edge === "out") target = { node: model.outputNode };
  const ctx = F.formulaContext(result, precision);
  const arrays = hasArrays(model);
  const seen = (kind, id) => !reveal || reveal[kind](id);
  const shown = (value, kind) => (isArrayValue(value) ? fullValueView(value, precision, kind) : formatNumber(value, precision));
  const full = (value, kind, visible = true) => (visible ? shown(value, kind) : h("span", "learn-pending", t("learn.pending")));
  if (target.node !== undefined) {
    const node = model.nodes[target.node];
    const rows = [[t("details.expression"), node.text, "code"]];
    if (arrays || isSummary(node.value)) rows.push([t("details.shape"), shapeLine(node.shape), "shape"]);
    rows.push([t("details.value"), full(node.value, "value", seen("value", node.id)), "value"]);
    rows.push([t("details.gradient", { name: F.gradName(ctx, node.id) }), full(node.grad, "grad", seen("grad", node.id)),
      "grad"]);
    for (const edgeId of model.inEdges[node.id]) {
      const entry = model.backwardEntry.get(edgeId);
      if (!entry || entry.folded || !seen("value", node.id)) continue;
      const step = { node: node.id };
      if (entry.kind === "rule") {
        rows.push([t("details.rule_for", { name: model.nodes[entry.source].label }),
          h("span", null, ...ruleParts(entry, ctx)), "rule"]);
      } else {
        rows.push([t("details.local", { name: F.localName(ctx, node.id, entry.source, entry.partial) }),
          h("span", null, full(entry.local, "local"), F.toNode(localDerivative(step, entry, ctx), "formula detail-note")),
          "local"]);
      }
    }
    const content = [h("h3", null, nodeHeading(model, node)), detailTable(rows)];
    if (node.drawn === false) {
      const into = foldedInto(model, node.id);
      content.push(h("p", "detail-note", t("details.not_drawn", { gate: into === null ? "" : gateLabel(model, into) })));
    }
    return { span: node.span, content };
  }
  const edge = model.edges[target.edge];
  const source = model.nodes[edge.source];
  const entry = model.backwardEntry.get(edge.id);
  const rows = [[t("details.carries"), source.text, "code"]];
  if (arrays || isSummary(edge.value)) rows.push([t("details.shape"), shapeLine(source.shape), "shape"]);
  rows.push([t("details.value"), full(edge.value, "value", seen("value", edge.source)), "value"]);
  rows.push([t("details.wire_gradient"), full(edge.grad, "grad", seen("edgeGrad", edge.id)), "grad"]);
  if (entry && seen("edgeGrad", edge.id)) {
    const step = { node: edge.target };
    if (entry.kind === "rule") {
      rows.push([t("details.rule"), h("span", null, ...ruleParts(entry, ctx)), "rule"]);
    } else {
      rows.push([t("details.local", { name: F.localName(ctx, edge.target, entry.source, entry.partial) }),
        h("span", null, full(entry.local, "local"), F.toNode(localDerivative(step, entry, ctx), "formula detail-note")),
        "local"]);
      rows.push([t("details.chain"), F.toNode(chainLine(step, entry, ctx), "formula inline"), "formula"]);
    }
    for (const note of entryNotes(entry)) rows.push(["", note, "note"]);
  }
  const heading = t("details.wire", { source: source.label, gate: gateLabel(model, edge.target) });
  return { span: source.span, content: [h("h3", null, heading), detailTable(rows)] };
}

// "Gate + (q)", "Input x", "Constant 2".
function nodeHeading(model, node) {
  if (node.kind === "op") {
    const gate = gateLabel(model, node.id);
    return node.label && node.label !== gate ? t("details.gate_named", { gate, label: node.label }) : t("details.gate", { gate });
  }
  return t(node.kind === "const" ? "details.constant" : "details.input", { label: node.label ?? node.symbol });
}

function shapeLine(shape) {
  return `${shapeText(shape)}  ${shapeWords(shape)}`;
}

function detailTable(rows) {
  const table = h("table", "detail");
  for (const [label, value, kind] of rows) {
    const shown = kind === "code" ? h("code", "inline", value) : value;
    table.append(h("tr", null, h("td", "detail-label", label), h("td", `detail-value is-${kind}`, shown)));
  }
  return table;
}
