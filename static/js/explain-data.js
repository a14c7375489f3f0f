// The facts the explanation panels need, read from the answer's structured
// fields only (never from its sentences, never from the drawing): the text in
// a gate's circle, the wires the figure draws, and where a hidden sign went.

// The label the figure writes in a gate's circle (`*-1`, `+1`, `1/x`); a
// value that is not a gate by its label.
export function gateLabel(model, nodeId) {
  const node = model.nodes[nodeId];
  if (!node) return "";
  return node.gate ? node.gate.label : node.label ?? node.symbol;
}

// The entries of a backward step that are wires of the figure: a constant
// folded into its gate (`+1`, `*2`, `1/x`) has no wire, so no row.
export function shownEntries(step) {
  return ((step && step.edges) || []).filter((entry) => !entry.folded);
}

// Whether a step's rows are vectorized rules (matmul, sum, ...) rather than
// local gradient x upstream gradient.
export function isVectorized(entries) {
  return entries.some((entry) => entry.kind === "rule");
}

// The gate a node not drawn in the figure (the sign of a signed number) is
// folded into: the gate its value goes to, or null.
export function foldedInto(model, nodeId) {
  const edgeId = (model.outEdges[nodeId] || [])[0];
  return edgeId === undefined ? null : model.edges[edgeId].target;
}
