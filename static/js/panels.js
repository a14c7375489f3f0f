// The text panels: the chain-rule explanation of a step, and the details of a
// hovered gate or wire.  They only lay out what the engine sent; `fmt` formats
// a number for display.

import { h } from "./dom.js";
import { phaseTitle } from "./timeline.js";

export function outputName(result) {
  return result.output.label || result.output.name || "f";
}

// The explanation under the player for a visibleAt() view.
export function explanation(model, view, { result, fmt, gateLabel }) {
  const title = h("p", "explain-title", phaseTitle(model, view.k));
  const step = view.step;
  if (!step) {
    const text = view.all
      ? `Green above each wire: its value on the way forward. Red below: the gradient of ${
        outputName(result)} with respect to it, found on the way back.`
      : "The inputs carry their values (green, above the wires). Step forward (\u2192) to "
        + "compute each gate, then backward to see the gradients (red, below the wires).";
    return [title, h("p", "explain-text", text)];
  }
  if (step.phase === "forward") {
    return [title, h("code", "explain-formula forward", step.text)];
  }
  title.append(" \u2014 through ", h("code", "inline", gateLabel(step.node)));
  const parts = [title, chainTable(model, step, fmt)];
  for (const sum of step.completes || []) {
    if ((sum.parts || []).length < 2) continue;
    const used = model.nodes[sum.node];
    parts.push(h("p", "explain-text fanout",
      `${used.name || used.text} is used ${sum.parts.length} times, so its gradients add up: `,
      h("code", "inline", sum.text)));
  }
  return parts;
}

// local gradient x upstream gradient = downstream gradient, one row per input wire.
function chainTable(model, step, fmt) {
  const table = h("table", "chain");
  const head = table.createTHead().insertRow();
  for (const [text, className] of [["wire", "wire"], ["local gradient", "term-local"], ["", "op"],
    ["upstream gradient", "term-upstream"], ["", "op"], ["downstream gradient", "term-grad"]]) {
    head.append(h("th", className, text));
  }
  const body = table.createTBody();
  for (const entry of step.edges || []) {
    const source = model.nodes[entry.source];
    const row = h("tr", null,
      h("td", "wire", `from ${source.name || source.text}`),
      term(fmt(entry.local), entry.local_name, "term-local"),
      h("td", "op", "\u00D7"),
      term(fmt(entry.upstream), entry.upstream_name, "term-upstream"),
      h("td", "op", "="),
      term(fmt(entry.grad), entry.grad_name, "term-grad"));
    row.title = entry.text;
    body.append(row);
  }
  return table;
}

// A number over its name (df/dq).
function term(number, name, className) {
  const nameSpan = h("span", "term-name", name);
  nameSpan.title = name;
  return h("td", className, h("span", "term-number", number), nameSpan);
}

// The side panel for a node or a wire: {span to mark in the program, content}.
export function describeTarget(model, target, { result, fmt }) {
  if (target.edge === "out") target = { node: model.outputNode };
  if (target.node !== undefined) {
    const node = model.nodes[target.node];
    const heading = node.kind === "op"
      ? `Gate ${node.symbol}${node.name ? ` (${node.name})` : ""}`
      : `${node.kind === "const" ? "Constant" : "Input"} ${node.name || node.symbol}`;
    const rows = [
      ["expression", node.text, "code"],
      ["value", fmt(node.value), "value"],
      [`gradient d${outputName(result)}/d(this)`, fmt(node.grad), "grad"],
    ];
    for (const edgeId of model.inEdges[node.id]) {
      const entry = model.backwardEntry.get(edgeId);
      if (entry) rows.push([`local ${entry.local_name}`, fmt(entry.local), "local"]);
    }
    return { span: node.span, content: [h("h3", null, heading), detailTable(rows)] };
  }
  const edge = model.edges[target.edge];
  const source = model.nodes[edge.source];
  const into = model.nodes[edge.target];
  const entry = model.backwardEntry.get(edge.id);
  const rows = [
    ["carries", source.text, "code"],
    ["value", fmt(edge.value), "value"],
    ["gradient on this wire", fmt(edge.grad), "grad"],
  ];
  if (entry) {
    rows.push([`local ${entry.local_name}`, fmt(entry.local), "local"]);
    rows.push(["chain rule", entry.text, "code"]);
  }
  const heading = `Wire ${source.name || source.symbol} \u2192 ${into.symbol}`;
  return { span: source.span, content: [h("h3", null, heading), detailTable(rows)] };
}

function detailTable(rows) {
  const table = h("table", "detail");
  for (const [label, value, kind] of rows) {
    const shown = kind === "code" ? h("code", "inline", value) : value;
    table.append(h("tr", null, h("td", "detail-label", label), h("td", `detail-value is-${kind}`, shown)));
  }
  return table;
}
