// The formula typesetter: a formula tree of the answer (["mul", ["ref", 2],
// ["ref", 3]], see the contract) becomes DOM, or plain text for titles and
// tooltips.  How each op is written comes from the answer's `notation` table
// (symbol, infix/prefix/call/relation/alias, binding power, associativity);
// the page keeps no op table of its own.  Typesetting only: a power is a
// superscript, `transpose(a)` is aᵀ, `outer(u, v)` is u vᵀ, a relation is the
// Iverson bracket [a > 0], `["ref", id]` is the node's label and `["grad", id]`
// is d<out>/d<label>.  A ref may also be written as its node's value (the
// formula with the numbers put in) or its shape (the shapes of a step).

import { formatGeneral, formatNumber, formatValue, isArrayValue, isSummary, shapeText } from "./format.js";

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
const TIGHTEST = 5; // binds tighter than any op: the operand of ᵀ or of juxtaposition
const SUPERSCRIPT = { "0": "⁰", "1": "¹", "2": "²", "3": "³", "4": "⁴", "5": "⁵", "6": "⁶", "7": "⁷", "8": "⁸", "9": "⁹", "-": "⁻" };

// A label that reads as one symbol (x, t3) needs no parentheses (engine/labels.is_plain).
export function isPlain(label) {
  return IDENTIFIER.test(label);
}

// "dq", or "d(w0*x0)": a label as the denominator of a derivative.
function dOf(label, d = "d") {
  return isPlain(label) ? `${d}${label}` : `${d}(${label})`;
}

// What the typesetter needs to know about one answer.
export function formulaContext(result, precision = 2) {
  const nodes = result.nodes || [];
  const outputNode = result.output ? result.output.node : null;
  const out = result.output ? result.output.label || result.output.name || "f" : "f";
  return { notation: result.notation || {}, nodes, outputNode, out, precision };
}

export function labelOf(ctx, id) {
  const node = ctx.nodes[id];
  return node ? node.label ?? node.text : String(id);
}

// d<out>/d<label>: the gradient of the output with respect to node `id`.
export function gradName(ctx, id) {
  return `d${ctx.out}/${dOf(labelOf(ctx, id))}`;
}

// The local derivative's name: ∂f/∂q (`partial`) or dq/dx, between two nodes' labels.
export function localName(ctx, gateId, sourceId, partial) {
  const d = partial ? "\u2202" : "d";
  return `${dOf(labelOf(ctx, gateId), d)}/${dOf(labelOf(ctx, sourceId), d)}`;
}

// --- boxes: what is typeset, before it is DOM or text ------------------------------
// A box is a string, an array (a row of boxes) or {sup: [base, exponent]}.

export function row(...items) {
  return items;
}

// A derivative of a gate's formula: ∂(q * z)/∂q, d(1/t4)/dt4.
export function derivativeBox(ctx, gateId, sourceId, partial) {
  const d = partial ? "\u2202" : "d";
  const gate = ctx.nodes[gateId];
  const top = gate && gate.formula ? formulaBox(gate.formula, ctx) : labelOf(ctx, gateId);
  return [d, "(", top, ")/", dOf(labelOf(ctx, sourceId), d)];
}

// A formula tree as a box.  `refs` says how a node is written: "label", its
// "value" or its "shape".  By value the box is null when a value cannot be
// written in a formula: a summary (its entries are not all there) or, with
// `scalarOnly`, any array.
export function formulaBox(tree, ctx, { refs = "label", scalarOnly = false } = {}) {
  try {
    return build(tree, { ...ctx, refs, scalarOnly }, 0, false).box;
  } catch (error) {
    if (error === NO_NUMBERS) return null;
    throw error;
  }
}

const NO_NUMBERS = new Error("a value that a formula cannot hold");

// {box, atomic}: atomic boxes take a postfix ᵀ or sit in a product without parentheses.
function build(tree, ctx, parentPower, rightSide) {
  const [head, ...args] = tree;
  if (head === "num") return numberBox(tree[1], parentPower);
  if (head === "ref") {
    if (ctx.refs === "value") return valueBox(ctx, args[0], parentPower);
    if (ctx.refs === "shape") return { box: shapeText((ctx.nodes[args[0]] || {}).shape), atomic: true };
    return refBox(ctx, args[0], parentPower);
  }
  if (head === "grad") return { box: gradName(ctx, args[0]), atomic: false, grad: true };
  const how = ctx.notation[head] || { symbol: head, style: "call", power: 0, right: false };
  const sub = (t, power, right = false) => build(t, ctx, power, right);
  const tight = how.power < parentPower || (how.power === parentPower && rightSide !== how.right);
  if (head === "pow" && how.style === "infix") {
    return wrapIf(tight, { sup: [sub(args[0], how.power, false).box, sub(args[1], 0).box] });
  }
  if (head === "transpose") return { box: transposed(sub(args[0], TIGHTEST)), atomic: true };
  if (head === "outer") {
    const left = sub(args[0], TIGHTEST);
    // A gradient's name reads as one factor here: dL/dz xᵀ.
    const first = left.atomic || left.grad ? left.box : ["(", left.box, ")"];
    const box = [first, " ", transposed(sub(args[1], TIGHTEST))];
    return wrapIf(parentPower > 0, box);
  }
  switch (how.style) {
    case "infix": {
      const left = sub(args[0], how.power, false);
      const right = sub(args[1], how.power, true);
      return wrapIf(tight, [left.box, ` ${how.symbol} `, right.box]);
    }
    case "prefix": {
      const operand = sub(args[0], how.power);
      return wrapIf(how.power < parentPower, [how.symbol, operand.box]);
    }
    case "relation":
      return { box: ["[", sub(args[0], 0).box, ` ${how.symbol} `, sub(args[1], 0).box, "]"], atomic: true };
    case "alias":
      return sub(args[0], parentPower, rightSide);
    default: { // "call"
      const inside = [];
      args.forEach((arg, i) => inside.push(...(i ? [", "] : []), sub(arg, 0).box));
      return { box: [how.symbol, "(", ...inside, ")"], atomic: true };
    }
  }
}

function wrapIf(tight, box) {
  return tight ? { box: ["(", box, ")"], atomic: true } : { box, atomic: false };
}

function transposed(operand) {
  const inner = operand.atomic ? operand.box : ["(", operand.box, ")"];
  return [inner, "\u1D40"];
}

// A constant of a formula, as the program would write it (2, 0.5, -1).
function numberBox(value, parentPower) {
  const text = formatGeneral(value);
  const negative = text.startsWith("-");
  if (negative && parentPower > 0) return { box: `(${text})`, atomic: true };
  return { box: text, atomic: !negative };
}

// A node by its label; an unnamed operation's subexpression gets parentheses
// inside an operator (`(w0*x0) + (w1*x1)`), as engine/english.py writes it.
function refBox(ctx, id, parentPower) {
  const label = labelOf(ctx, id);
  const node = ctx.nodes[id];
  const how = node && node.kind === "op" ? ctx.notation[node.op] : null;
  const compound = node && node.kind === "op" && !node.name && id !== ctx.outputNode && !isPlain(label)
    && how && (how.style === "infix" || how.style === "prefix");
  if (compound && parentPower > 0) return { box: `(${label})`, atomic: true };
  return { box: label, atomic: isPlain(label) || /^\d/.test(label) };
}

// A node by its value: a negative number gets parentheses only where it would
// read as another operation (after a prefix minus, as a power's base).
function valueBox(ctx, id, parentPower) {
  const node = ctx.nodes[id];
  const value = node ? node.value : null;
  if (isSummary(value) || (ctx.scalarOnly && isArrayValue(value))) throw NO_NUMBERS;
  const text = isArrayValue(value) ? formatValue(value, ctx.precision) : formatNumber(value, ctx.precision);
  const negative = text.startsWith("-");
  if (negative && parentPower >= 3) return { box: `(${text})`, atomic: true };
  return { box: text, atomic: !negative };
}

// --- output -------------------------------------------------------------------------

export function toText(box) {
  if (typeof box === "string") return box;
  if (Array.isArray(box)) return box.map(toText).join("");
  const base = toText(box.sup[0]);
  const exponent = toText(box.sup[1]);
  if ([...exponent].every((c) => Object.hasOwn(SUPERSCRIPT, c))) {
    return base + [...exponent].map((c) => SUPERSCRIPT[c]).join("");
  }
  return `${base}^${/^[\w.]+$/.test(exponent) ? exponent : `(${exponent})`}`;
}

// A box as a <span class="formula"> (its text is also the element's title-free plain form).
export function toNode(box, className = "formula") {
  const span = document.createElement("span");
  span.className = className;
  append(span, box);
  return span;
}

function append(parent, box) {
  if (typeof box === "string") {
    parent.append(box);
  } else if (Array.isArray(box)) {
    for (const item of box) append(parent, item);
  } else {
    append(parent, box.sup[0]);
    const sup = document.createElement("sup");
    append(sup, box.sup[1]);
    parent.append(sup);
  }
}
