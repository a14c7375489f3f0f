// Forward mode on the figure: the tangent d(wire)/d(input) of every wire
// (the answer's `tangents`), in a style of its own: blue, in a box, after a
// "d/dx" marker, so it reads neither as a value (green, above the wire) nor
// as a gradient (red, below).  Each box goes above its wire's value, or below
// its gradient when that place is taken, never over another label or gate.

import { h } from "./dom.js";
import * as F from "./formula.js";
import { formatValue } from "./format.js";
import { t } from "./i18n.js";

const SVG_NS = "http://www.w3.org/2000/svg";
const GAP = 1; // pt between a box and the label it sits by
const PAD = 1.5;
// What a box must not cover: the labels (values, gradients, names, totals) and the gates.
const TAKEN = ["value-edge-", "grad-edge-", "total-node-", "name-node-", "start-node-", "node-"]
  .map((prefix) => `[id^="${prefix}"]`).join(", ");

// "d/dx", or "d/dW[3]" for one entry of an array.
export function tangentMarker(tangents) {
  const entry = tangents.entry === null || tangents.entry === undefined ? "" : `[${tangents.entry}]`;
  return `d/d${tangents.input}${entry}`;
}

// The wires of the figure (not the folded constants), with the node each carries: [{key, node}].
export function figureWires(model) {
  const wires = model.edges.filter((edge) => !edge.folded && model.nodes[edge.source].drawn !== false)
    .map((edge) => ({ key: edge.id, node: edge.source }));
  if (model.outputNode !== null) wires.push({ key: "out", node: model.outputNode });
  return wires;
}

// A node's tangent: the answer's number or array; null (independent of the input) is 0.
export function tangentOf(tangents, nodeId) {
  const value = tangents.nodes[nodeId];
  return value === null || value === undefined ? 0 : value;
}

function svgElement(tag, attributes = {}) {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  return element;
}

// How much two boxes {x, y, width, height} cover each other (0: they do not meet).
function overlap(a, b) {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const hgt = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && hgt > 0 ? w * hgt : 0;
}

// Put the tangent boxes on the drawing (`svg`, the page's), or take them away (tangents null).
export function drawTangentOverlay(svg, model, tangents, precision) {
  if (!svg) return;
  for (const old of svg.querySelectorAll(".tangent-overlay")) old.remove();
  if (!tangents || !model) return;
  const root = svg.querySelector("g.graph") || svg;
  const layer = svgElement("g", { class: "tangent-overlay", "aria-hidden": "true" });
  root.append(layer);
  const taken = [...root.querySelectorAll(TAKEN)].map((el) => el.getBBox());
  const marker = tangentMarker(tangents);
  for (const { key, node } of figureWires(model)) {
    const value = svg.querySelector(`[id="value-edge-${key}"]`);
    const grad = svg.querySelector(`[id="grad-edge-${key}"]`);
    if (!value) continue;
    const box = svgElement("g", { class: "tangent", id: `tangent-edge-${key}` });
    box.dataset.node = String(node);
    const text = svgElement("text", { class: "tangent-text" });
    const prefix = svgElement("tspan", { class: "tangent-marker" });
    prefix.textContent = `${marker} `;
    const number = svgElement("tspan", { class: "tangent-value" });
    number.textContent = formatValue(tangentOf(tangents, node), precision, 3);
    text.append(prefix, number);
    box.append(text);
    layer.append(box);
    const valueBox = value.getBBox();
    const size = text.getBBox();
    const w = size.width + 2 * PAD;
    const hgt = size.height + 2 * PAD;
    // Above the value, below the gradient, else beside either: the first place
    // free of every label and gate, or the one that covers least.
    const places = [{ x: valueBox.x, y: valueBox.y - GAP - hgt }];
    const gradBox = grad ? grad.getBBox() : null;
    if (gradBox) places.push({ x: gradBox.x, y: gradBox.y + gradBox.height + GAP });
    places.push({ x: valueBox.x + valueBox.width + 2 * GAP, y: valueBox.y + (valueBox.height - hgt) / 2 });
    if (gradBox) places.push({ x: gradBox.x + gradBox.width + 2 * GAP, y: gradBox.y + (gradBox.height - hgt) / 2 });
    const covered = (p) => taken.reduce((sum, other) => sum + overlap({ ...p, width: w, height: hgt }, other), 0);
    const place = places.find((p) => covered(p) === 0)
      || places.reduce((best, p) => (covered(p) < covered(best) ? p : best));
    const rect = svgElement("rect", { class: "tangent-box", x: place.x, y: place.y, width: w, height: hgt, rx: 3 });
    box.insertBefore(rect, text);
    // Measured at the origin: the baseline goes its ascent (-size.y) below the box's top.
    text.setAttribute("x", String(place.x + PAD - size.x));
    text.setAttribute("y", String(place.y + PAD - size.y));
    taken.push({ x: place.x, y: place.y, width: w, height: hgt });
  }
}

// The same numbers as a table, for the side panel (and for reading aloud):
// each wire's label, its value and its tangent, "dq/dx = 1.00".
export function tangentTable(model, result, tangents, precision) {
  const ctx = F.formulaContext(result, precision);
  const inputNode = model.nodes.find((n) => n.kind === "input" && n.name === tangents.input);
  const table = h("table", "tangent-table");
  const head = table.createTHead().insertRow();
  for (const [key, className] of [["learn.tangents.col.wire", "wire"], ["learn.tangents.col.value", "value"],
    ["learn.tangents.col.tangent", "tangent"]]) {
    const th = h("th", className, t(key, { marker: tangentMarker(tangents) }));
    th.scope = "col";
    head.append(th);
  }
  const body = table.createTBody();
  const seen = new Set();
  for (const { node } of figureWires(model)) {
    if (seen.has(node)) continue;
    seen.add(node);
    const label = F.labelOf(ctx, node);
    const name = inputNode ? F.localName(ctx, node, inputNode.id, false) : label;
    const entry = tangents.entry === null || tangents.entry === undefined ? "" : `[${tangents.entry}]`;
    const row = h("tr", null, h("th", "wire", label),
      h("td", "value", formatValue(model.nodes[node].value, precision, 3)),
      h("td", "tangent", h("span", "tangent-name", `${name}${entry} = `),
        h("span", "tangent-value", formatValue(tangentOf(tangents, node), precision, 3))));
    row.dataset.node = String(node);
    row.cells[0].scope = "row";
    body.append(row);
  }
  return table;
}
