// The text panels: the chain-rule explanation of a step, and the details of a
// hovered gate or wire.  They only lay out what the engine sent, with the
// page's one number formatter (format.js) at `precision` decimals.

import { h } from "./dom.js";
import { fullValueView, valueView } from "./arrays.js";
import { broadcastOf, gateLabel, ruleOf, shapesOf } from "./explain-data.js";
import { formatNumber, shapeOf, shapeText, shapeWords } from "./format.js";
import { phaseTitle } from "./timeline.js";

export function outputName(result) {
  return result.output.label || result.output.name || "f";
}

// Whether the answer has any vector or matrix in it (then shapes are shown).
export function hasArrays(model) {
  return model.nodes.some((node) => (node.shape || []).length > 0);
}

// The explanation under the player for a visibleAt() view; `svg` is the drawing (or null).
export function explanation(model, view, { result, precision, svg }) {
  const title = h("p", "explain-title", phaseTitle(model, view.k));
  const step = view.step;
  const arrays = hasArrays(model);
  if (!step) {
    let text = view.all
      ? `Green above each wire: its value on the way forward. Red below: the gradient of ${
        outputName(result)} with respect to it, found on the way back.`
      : "The inputs carry their values (green, above the wires). Step forward (\u2192) to "
        + "compute each gate, then backward to see the gradients (red, below the wires).";
    if (arrays) {
      text += " A wire shows a small array in full and a larger one as its shape and first "
        + "entries; hover or click it to see the whole array in the side panel.";
    }
    return [title, h("p", "explain-text", text)];
  }
  if (step.phase === "forward") {
    const parts = [title, h("code", "explain-formula forward", step.text)];
    if (arrays) parts.push(h("p", "explain-shapes", forwardShapes(model, step.node)));
    return parts;
  }
  title.append(" \u2014 through ", h("code", "inline", gateLabel(model, step.node, svg)));
  const ctx = { model, step, precision, arrays, output: outputName(result) };
  const vectorized = (step.edges || []).some((entry) => entry.local === null);
  const parts = [title, vectorized ? ruleTable(ctx) : chainTable(ctx)];
  for (const sum of step.completes || []) {
    if ((sum.parts || []).length < 2) continue;
    const used = model.nodes[sum.node];
    parts.push(h("p", "explain-text fanout",
      `${used.name || used.text} is used ${sum.parts.length} times, so its gradients add up: `,
      h("code", "inline", sum.text)));
  }
  return parts;
}

const INFIX = new Set(["add", "sub", "mul", "div", "matmul", "pow"]);

// "shapes: (2,3) @ (3,) → (2,)" for a gate, from the engine's node shapes.
function forwardShapes(model, nodeId) {
  const node = model.nodes[nodeId];
  const operands = node.inputs.map((id) => shapeText(model.nodes[id].shape));
  const result = shapeText(node.shape);
  const applied = INFIX.has(node.op) && operands.length === 2
    ? `${operands[0]} ${node.symbol} ${operands[1]}`
    : `${node.symbol}${operands.length ? ` ${operands.join(", ")}` : ""}`;
  return `shapes: ${applied} \u2192 ${result}`;
}

// The first cell of a row: the wire the gradient goes down (full text in the tooltip).
function sourceCell(model, entry) {
  const source = model.nodes[entry.source];
  const td = h("td", "wire", `from ${source.name || source.text}`);
  td.title = `from ${source.text}`;
  return td;
}

function tableWithHead(columns) {
  const table = h("table", "chain");
  const head = table.createTHead().insertRow();
  for (const [text, className] of columns) head.append(h("th", className, text));
  return table;
}

// local gradient x upstream gradient = downstream gradient, one row per input wire.
function chainTable({ model, step, precision, arrays }) {
  const table = tableWithHead([["wire", "wire"], ["local gradient", "term-local"], ["", "op"],
    ["upstream gradient", "term-upstream"], ["", "op"], ["downstream gradient", "term-grad"]]);
  const body = table.createTBody();
  const upShape = model.nodes[step.node].shape;
  for (const entry of step.edges || []) {
    const elementwise = Array.isArray(entry.local) && Array.isArray(entry.upstream);
    const times = h("td", "op", elementwise ? "\u2299" : "\u00D7");
    if (elementwise) times.title = "entry by entry (elementwise product)";
    const grad = term(cell(entry.grad, precision), entry.grad_name, "term-grad",
      arrays ? model.nodes[entry.source].shape : null);
    const note = broadcastOf(entry);
    if (note) grad.append(h("span", "term-note", note));
    const row = h("tr", null,
      sourceCell(model, entry),
      term(cell(entry.local, precision), entry.local_name, "term-local",
        arrays ? shapeOf(entry.local) : null),
      times,
      term(cell(entry.upstream, precision), entry.upstream_name, "term-upstream",
        arrays ? upShape : null),
      h("td", "op", "="),
      grad);
    row.title = entry.text;
    body.append(row);
  }
  return table;
}

// For the vectorized rules (matmul, sum, mean, dot, transpose) there is no
// local gradient to multiply by: the row shows the rule with the operand
// names, the upstream gradient dout and the result, each with its shape.
function ruleTable({ model, step, precision, output }) {
  const table = tableWithHead([["wire", "wire"], ["rule", "term-rule"],
    ["upstream gradient (dout)", "term-upstream"], ["", "op"], ["downstream gradient", "term-grad"]]);
  table.classList.add("vectorized");
  const body = table.createTBody();
  const upShape = model.nodes[step.node].shape;
  for (const entry of step.edges || []) {
    const rule = ruleOf(entry, output);
    const ruleText = rule ? `${rule.lhs} = ${rule.rhs}` : `${entry.grad_name} = ${entry.rule}`;
    const ruleCell = h("td", "term-rule", h("code", "rule-text", ruleText));
    const shapes = shapesOf(entry);
    if (shapes) ruleCell.append(h("span", "term-shape", `shapes ${shapes}`));
    const grad = term(cell(entry.grad, precision), entry.grad_name, "term-grad",
      model.nodes[entry.source].shape);
    const note = broadcastOf(entry);
    if (note) grad.append(h("span", "term-note", note));
    const row = h("tr", null,
      sourceCell(model, entry),
      ruleCell,
      term(cell(entry.upstream, precision), entry.upstream_name, "term-upstream", upShape),
      h("td", "op", "="),
      grad);
    row.title = entry.chain || entry.text;
    body.append(row);
  }
  return table;
}

// What goes in a term's number slot: text for a number, a small matrix for an array.
function cell(value, precision) {
  if (!Array.isArray(value)) return formatNumber(value, precision);
  return valueView(value, precision, { limit: 12 });
}

// A number (or array) over its name (df/dq), and its shape when arrays are about.
function term(content, name, className, shape) {
  const nameSpan = h("span", "term-name", name);
  nameSpan.title = name;
  const number = h(typeof content === "string" ? "span" : "div", "term-number", content);
  const td = h("td", className, number, nameSpan);
  if (shape) td.append(h("span", "term-shape", `shape ${shapeText(shape)}`));
  return td;
}

// The side panel for a node or a wire: {span to mark in the program, content}.
export function describeTarget(model, target, { result, precision }) {
  if (target.edge === "out") target = { node: model.outputNode };
  const arrays = hasArrays(model);
  const output = outputName(result);
  const full = (value, kind) => (Array.isArray(value)
    ? fullValueView(value, precision, kind) : formatNumber(value, precision));
  if (target.node !== undefined) {
    const node = model.nodes[target.node];
    const heading = node.kind === "op"
      ? `Gate ${node.symbol}${node.name ? ` (${node.name})` : ""}`
      : `${node.kind === "const" ? "Constant" : "Input"} ${node.name || node.symbol}`;
    const rows = [["expression", node.text, "code"]];
    if (arrays) rows.push(["shape", shapeLine(node.shape), "shape"]);
    rows.push(["value", full(node.value, "value"), "value"]);
    rows.push([`gradient d${output}/d(this)`, full(node.grad, "grad"), "grad"]);
    for (const edgeId of model.inEdges[node.id]) {
      const entry = model.backwardEntry.get(edgeId);
      if (!entry) continue;
      if (entry.local === null) rows.push([`rule for ${shortName(model, entry)}`, ruleLine(entry, output), "rule"]);
      else rows.push([`local ${entry.local_name}`, full(entry.local, "local"), "local"]);
    }
    return { span: node.span, content: [h("h3", null, heading), detailTable(rows)] };
  }
  const edge = model.edges[target.edge];
  const source = model.nodes[edge.source];
  const into = model.nodes[edge.target];
  const entry = model.backwardEntry.get(edge.id);
  const rows = [["carries", source.text, "code"]];
  if (arrays) rows.push(["shape", shapeLine(source.shape), "shape"]);
  rows.push(["value", full(edge.value, "value"), "value"]);
  rows.push(["gradient on this wire", full(edge.grad, "grad"), "grad"]);
  if (entry) {
    if (entry.local === null) rows.push(["rule", ruleLine(entry, output), "rule"]);
    else rows.push([`local ${entry.local_name}`, full(entry.local, "local"), "local"]);
    rows.push(["chain rule", entry.local === null ? (entry.chain || entry.text) : entry.text, "code"]);
  }
  const heading = `Wire ${source.name || source.symbol} \u2192 ${into.symbol}`;
  return { span: source.span, content: [h("h3", null, heading), detailTable(rows)] };
}

function shapeLine(shape) {
  return `${shapeText(shape)}  ${shapeWords(shape)}`;
}

function shortName(model, entry) {
  const source = model.nodes[entry.source];
  return source.name || source.text;
}

// A vectorized rule with the operand names, and what dout stands for.
function ruleLine(entry, output) {
  const rule = ruleOf(entry, output);
  if (!rule) return h("code", "inline", entry.rule);
  return h("span", null, h("code", "inline", `${rule.lhs} = ${rule.rhs}`),
    h("span", "detail-note", `dout = ${entry.upstream_name}`));
}

function detailTable(rows) {
  const table = h("table", "detail");
  for (const [label, value, kind] of rows) {
    const shown = kind === "code" ? h("code", "inline", value) : value;
    table.append(h("tr", null, h("td", "detail-label", label), h("td", `detail-value is-${kind}`, shown)));
  }
  return table;
}
