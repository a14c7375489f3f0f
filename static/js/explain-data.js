// What the explanation panels need but the engine's answer says only in
// words (or only in its drawing).  Each function here reads that text today;
// when the answer carries the fact as a field, only this module changes.

// The label the drawing gives a gate (`*-1`, `+1`, `1/x`), else the engine's
// symbol.  Read from the drawn SVG (`svg` may be null: no drawing).
export function gateLabel(model, nodeId, svg) {
  const text = svg && svg.querySelector(`[id="node-${nodeId}"] text`);
  return text ? text.textContent : model.nodes[nodeId].symbol;
}

// The symbolic rule of a vectorized backward entry, with the upstream
// gradient written as "dout", from the entry's text:
//   "dL/dW = dL/d(W @ x) xᵀ (outer product) = [[-1, 1], [-3, 3]]"
//   ->   {lhs: "dW", rhs: "dout xᵀ (outer product)"}
// The numbers at the end are dropped (the page shows them itself).
// Null when the text does not have that form.
export function ruleOf(entry, outputName) {
  const text = (entry && entry.text) || "";
  const first = text.indexOf(" = ");
  const last = text.lastIndexOf(" = ");
  if (first < 0 || last <= first) return null;
  let lhs = text.slice(0, first).replace(/ \(part \d+ of \d+\)$/, "");
  let rhs = text.slice(first + 3, last);
  if (entry.upstream_name) rhs = rhs.split(entry.upstream_name).join("dout");
  const prefix = `d${outputName}/`;
  if (outputName && lhs.startsWith(prefix) && lhs.length > prefix.length) lhs = lhs.slice(prefix.length);
  return { lhs, rhs };
}

// "summed over the broadcast axes back to shape ()" when the entry's gradient
// was summed back to its operand's shape, else null.
export function broadcastOf(entry) {
  const match = /\((summed over the broadcast axes.*)\)\s*$/.exec((entry && entry.text) || "");
  return match ? match[1] : null;
}

// The shapes of a vectorized entry, downstream ← upstream: "(2,3) ← (2,)", or null.
export function shapesOf(entry) {
  const match = /shapes: (.*)$/.exec((entry && entry.chain) || "");
  return match ? match[1].replace("<-", "\u2190") : null;
}
