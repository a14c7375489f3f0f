// Pure functions over the engine's answer: which parts of the figure are
// revealed at step k.  No DOM here; graph.js applies the result as CSS classes.
//
// States run from 0 to total = steps.length + 1:
//   0            the start: input and constant wires carry their green values,
//   1..F         forward steps, one gate each (its output value appears),
//   F+1..F+B     backward steps, one gate each (its input wires' red gradients appear),
//   total        done: the whole static figure, nothing highlighted.
// A program without steps (the output is an input) has the one state 0 = done.

// SVG ids used by the renderer (engine/render/figure.py and compact.py; the
// README's "The picture"): gates, wires, their value and gradient labels, the
// start label of a fanned-out value with its total gradient, and the Graphviz
// edges into and out of each wire.
export const svgIds = {
  gate: (node) => `node-${node}`,
  wire: (edge) => `edge-${edge}`,
  value: (edge) => `value-edge-${edge}`,
  grad: (edge) => `grad-edge-${edge}`,
  start: (node) => `start-node-${node}`,
  total: (node) => `total-node-${node}`,
};
const OUT = "out"; // the output wire's key: edge-out, value-edge-out, grad-edge-out

// Labels the player hides until their step; everything else is always drawn,
// faint until its value is known.
const LABEL = /^(value-edge-|grad-edge-|total-node-)/;
export function isLabelId(id) {
  return LABEL.test(id);
}

// The piece an SVG element belongs to, for "is it computed yet" (the Graphviz
// edges into and out of a wire go with the wire), or null when not managed.
export function ownerKey(id) {
  let m = /^(?:tail-|head-)?(edge-(?:\d+|out))$/.exec(id);
  if (m) return m[1];
  m = /^(?:tail-node|start-node)-(\d+)$/.exec(id);
  if (m) return svgIds.start(m[1]);
  if (/^node-\d+$/.test(id)) return id;
  return null;
}

// What an SVG id points at in the result: {node} or {edge} (edge "out" is the output wire).
export function targetOfId(id) {
  let m = /^(?:tail-|head-|value-|grad-)?edge-(\d+|out)$/.exec(id);
  if (m) return m[1] === OUT ? { edge: OUT } : { edge: Number(m[1]) };
  m = /^(?:node|name-node|start-node|total-node|tail-node)-(\d+)$/.exec(id);
  if (m) return { node: Number(m[1]) };
  return null;
}

// Index the answer once: wires in and out of each node, and each edge's backward entry.
export function buildModel(result) {
  const nodes = result.nodes || [];
  const edges = result.edges || [];
  const steps = result.steps || [];
  const outputNode = result.output ? result.output.node : null;
  const outEdges = nodes.map(() => []);
  const inEdges = nodes.map(() => []);
  for (const edge of edges) {
    if (outEdges[edge.source]) outEdges[edge.source].push(edge.id);
    if (inEdges[edge.target]) inEdges[edge.target].push(edge.id);
  }
  const backwardEntry = new Map(); // edge id -> its entry in the backward step
  for (const step of steps) {
    if (step.phase !== "backward") continue;
    for (const entry of step.edges || []) backwardEntry.set(entry.edge, entry);
  }
  const forwardCount = steps.filter((s) => s.phase === "forward").length;
  return {
    nodes, edges, steps, outputNode, outEdges, inEdges, backwardEntry, forwardCount,
    total: steps.length ? steps.length + 1 : 0,
  };
}

// The keys of the wires leaving node n (the output also has its own wire).
function wireKeysOf(model, node) {
  const keys = [...model.outEdges[node]];
  if (node === model.outputNode) keys.push(OUT);
  return keys;
}

export function clampStep(model, k) {
  if (!Number.isFinite(k)) return model.total;
  return Math.max(0, Math.min(model.total, Math.trunc(k)));
}

// The step being shown at state k, or null at the start and at the end.
export function stepAt(model, k) {
  return k >= 1 && k <= model.steps.length ? model.steps[k - 1] : null;
}

// What the figure shows at state k:
//   shown    labels (value, gradient, total) that are visible,
//   lit      pieces (ownerKey) whose value is known; the rest are drawn faint,
//   active   what the current step is about (gate, its wires, its new labels),
//   upstream the red labels the current backward step multiplies by,
//   step     the current step (null at the start and at the end),
//   all      true at the last state: the whole figure is shown.
export function visibleAt(model, k) {
  k = clampStep(model, k);
  const shown = new Set();
  const lit = new Set();
  const active = new Set();
  const upstream = new Set();

  const computed = (node, current) => {
    lit.add(svgIds.gate(node));
    lit.add(svgIds.start(node));
    for (const key of wireKeysOf(model, node)) {
      lit.add(svgIds.wire(key));
      shown.add(svgIds.value(key));
      if (current) active.add(svgIds.value(key));
    }
  };

  for (const node of model.nodes) {
    if (node.kind !== "op") computed(node.id, false);
  }
  const applied = Math.min(k, model.steps.length);
  for (let i = 0; i < applied; i += 1) {
    const step = model.steps[i];
    const current = i === k - 1;
    if (step.phase === "forward") {
      computed(step.node, current);
      if (current) {
        active.add(svgIds.gate(step.node));
        for (const edge of model.inEdges[step.node]) active.add(svgIds.wire(edge));
      }
      continue;
    }
    // The output's own gradient (1) appears with its step, as the upstream of that step.
    if (step.node === model.outputNode) shown.add(svgIds.grad(OUT));
    const fresh = (step.edges || []).map((entry) => svgIds.grad(entry.edge));
    for (const completed of step.completes || []) fresh.push(svgIds.total(completed.node));
    for (const id of fresh) shown.add(id);
    if (current) {
      active.add(svgIds.gate(step.node));
      for (const entry of step.edges || []) active.add(svgIds.wire(entry.edge));
      for (const id of fresh) active.add(id);
      for (const key of wireKeysOf(model, step.node)) upstream.add(svgIds.grad(key));
      upstream.add(svgIds.total(step.node));
    }
  }
  return { k, shown, lit, active, upstream, all: k === model.total, step: stepAt(model, k) };
}

// Where the animation is, as data (the panels word it): {kind: "none" (no
// steps: the output is an input), "start", "done", "forward" or "backward",
// index (the gate's number in its pass), count (the gates in that pass)}.
export function phaseOf(model, k) {
  k = clampStep(model, k);
  if (model.total === 0) return { kind: "none", index: 0, count: 0 };
  if (k === 0) return { kind: "start", index: 0, count: 0 };
  if (k === model.total) return { kind: "done", index: 0, count: 0 };
  if (stepAt(model, k).phase === "forward") return { kind: "forward", index: k, count: model.forwardCount };
  return { kind: "backward", index: k - model.forwardCount, count: model.steps.length - model.forwardCount };
}

// The node of smallest span containing offset (ties: the later node, i.e. the gate over its operand).
export function nodeAtOffset(nodes, offset) {
  let best = null;
  for (const node of nodes) {
    if (!node.span) continue;
    const [start, end] = node.span;
    if (offset < start || offset > end) continue;
    const width = end - start;
    if (best === null || width < best.width || (width === best.width && node.id > best.node.id)) {
      best = { node, width };
    }
  }
  return best ? best.node : null;
}
