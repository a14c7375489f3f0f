// Practice mode, the pure part: which gradients the page asks for during the
// backward pass, whether an answer is right, and when it is not, the likely
// mistake.  Everything is computed from the answer's data: a backward step's
// numbers (local, upstream, grad), its local derivative as a formula tree,
// the parts of a fanned-out value's sum (`completes`) and the nodes' values.
// Never from text.
//
// A question is {id, kind, k, answer, node, ...}:
//   kind "wire"   one wire's downstream gradient, local x upstream (id "e<edge>"),
//                 with its backward `entry` and the gate `node`;
//   kind "total"  a fanned-out value's gradient, the sum of its wires' (id
//                 "n<node>"), with its `sum` (the step's `completes` item);
//   k             the player's state at which it is asked (its backward step).
// Only numbers are asked: a wire of arrays, a vectorized rule or an inf/nan is shown.
//
// The practice state: {done: Map id -> "right" | "revealed", tries: Map id ->
// {text, mistake}, score: {right, wrong, revealed}, answers: Map id -> number
// (the answers they were given for, so that new numbers ask again)}.

import { shownEntries } from "./explain-data.js";
import { parseNumber } from "./hashstate.js";

const cache = new WeakMap(); // model -> its questions

const isNumber = (x) => typeof x === "number" && Number.isFinite(x);

// The questions of an answer, in the order they are asked: {list, byId,
// forEdge (edge id -> its wire question), forNode (node id -> the question
// that gives its gradient: its total, or the one wire it has)}.
export function practiceQuestions(model) {
  if (cache.has(model)) return cache.get(model);
  const list = [];
  model.steps.forEach((step, i) => {
    if (step.phase !== "backward" || step.drawn === false) return;
    const k = i + 1;
    for (const entry of shownEntries(step)) {
      if (entry.kind !== "local" || ![entry.local, entry.upstream, entry.grad].every(isNumber)) continue;
      list.push({ id: `e${entry.edge}`, kind: "wire", k, answer: entry.grad, node: step.node, entry });
    }
    for (const sum of step.completes || []) {
      const node = model.nodes[sum.node];
      if (!node || node.kind === "const" || (sum.parts || []).length < 2) continue;
      if (!isNumber(sum.total) || !sum.parts.every(isNumber)) continue;
      list.push({ id: `n${sum.node}`, kind: "total", k, answer: sum.total, node: sum.node, sum });
    }
  });
  const byId = new Map(list.map((q) => [q.id, q]));
  const forEdge = new Map();
  const forNode = new Map();
  for (const q of list) {
    if (q.kind === "total") forNode.set(q.node, q);
    else forEdge.set(q.entry.edge, q);
  }
  for (const q of list) {
    if (q.kind !== "wire") continue;
    const source = q.entry.source;
    const wires = model.outEdges[source].filter((e) => !model.edges[e].folded);
    if (wires.length === 1 && !forNode.has(source)) forNode.set(source, q);
  }
  const found = { list, byId, forEdge, forNode };
  cache.set(model, found);
  return found;
}

export function questionsAt(model, k) {
  return practiceQuestions(model).list.filter((q) => q.k === k);
}

export function emptyPractice() {
  return { done: new Map(), tries: new Map(), score: { right: 0, wrong: 0, revealed: 0 }, answers: new Map() };
}

export function isDone(practice, id) {
  return Boolean(practice && practice.done.has(id));
}

// The last state the player may reach: the step of the first question not yet
// answered (the player waits there), or Infinity when every one is.
export function practiceLimit(model, practice) {
  for (const q of practiceQuestions(model).list) {
    if (!isDone(practice, q.id)) return q.k;
  }
  return Infinity;
}

// A new answer: the questions it asks with the same numbers stay answered.
export function reconcilePractice(practice, model) {
  const { list } = practiceQuestions(model);
  const done = new Map();
  const tries = new Map();
  const answers = new Map();
  for (const q of list) {
    answers.set(q.id, q.answer);
    if (practice.answers.get(q.id) !== q.answer) continue;
    if (practice.done.has(q.id)) done.set(q.id, practice.done.get(q.id));
    if (practice.tries.has(q.id)) tries.set(q.id, practice.tries.get(q.id));
  }
  return { ...practice, done, tries, answers };
}

// One unit of the last decimal shown at `precision` (engine/numbers.py's
// rule: scientific from 1e5 up and below 10**-precision).
export function displayUnit(x, precision) {
  const magnitude = Math.abs(x);
  const smallest = Number(`1e-${precision}`);
  if (magnitude >= 1e5 || (magnitude > 0 && magnitude < smallest)) {
    return 10 ** (Math.floor(Math.log10(magnitude)) - precision);
  }
  return smallest;
}

// Whether `value` is `target` as far as the figure shows it: within one unit
// of the last decimal shown, so an answer worked out from the rounded numbers
// on the figure counts.
export function matches(value, target, precision) {
  return Math.abs(value - target) <= displayUnit(target, precision) * (1 + 1e-9);
}

// An answer as typed: a number ("-4", "0.39", "1e-3", with "−" for a minus), or null.
export function readAnswer(text) {
  return parseNumber(String(text).replace(/\u2212/g, "-"));
}

// Check an answer: {status: "right"}, {status: "wrong", mistake: {code,
// params}} or {status: "unreadable"}.  A mistake's params are node ids and
// numbers (the view writes them): see mistakeCandidates.
export function judge(model, question, text, precision) {
  const value = readAnswer(text);
  if (value === null) return { status: "unreadable" };
  if (matches(value, question.answer, precision)) return { status: "right", value };
  for (const candidate of mistakeCandidates(model, question)) {
    if (matches(candidate.value, question.answer, precision)) continue; // cannot tell it apart
    if (matches(value, candidate.value, precision)) return { status: "wrong", value, mistake: candidate };
  }
  return { status: "wrong", value, mistake: { code: "unknown", params: {}, value: null } };
}

// The likely wrong answers to a question, most telling first: {code, params, value}.
//   fanout           (total) one part, or some parts, of the sum: not added up
//   fanout_upstream  (wire) multiplied by one part of the gate's own fanned-out sum
//   upstream         (wire) the local derivative alone: the upstream factor forgotten
//   own_value        (wire into *) this wire's own value instead of the other input's
//   used_input       (wire) the gate's input where its local derivative uses the output
//   used_output      (wire) the reverse
//   sign             the right number with the wrong sign
export function mistakeCandidates(model, question) {
  const out = [];
  if (question.kind === "total") {
    const { parts } = question.sum;
    for (const subset of properSubsetSums(parts)) {
      out.push({ code: "fanout", params: { node: question.node, n: parts.length }, value: subset });
    }
    out.push({ code: "sign", params: {}, value: -question.answer });
    return out;
  }
  const { entry } = question;
  const gate = model.nodes[question.node];
  const source = model.nodes[entry.source];
  const upstreamSum = gateSum(model, question.node);
  if (upstreamSum) {
    for (const part of properSubsetSums(upstreamSum.parts)) {
      out.push({ code: "fanout_upstream", params: { node: question.node, n: upstreamSum.parts.length },
        value: entry.local * part });
    }
  }
  out.push({ code: "upstream", params: { gate: question.node, source: entry.source }, value: entry.local });
  if (gate.op === "mul" && isNumber(source.value)) {
    const other = otherOperand(model, question);
    out.push({ code: "own_value", params: { source: entry.source, other }, value: source.value * entry.upstream });
  }
  const swapped = swappedLocal(model, question);
  if (swapped) out.push({ ...swapped, value: swapped.value * entry.upstream });
  out.push({ code: "sign", params: {}, value: -entry.grad });
  return out.filter((c) => isNumber(c.value));
}

// The `completes` item that summed a fanned-out gate's gradient (2 parts or more), or null.
function gateSum(model, nodeId) {
  for (const step of model.steps) {
    for (const sum of step.completes || []) {
      if (sum.node === nodeId) return (sum.parts || []).length >= 2 && sum.parts.every(isNumber) ? sum : null;
    }
  }
  return null;
}

// The sums of the non-empty proper subsets of the parts (at most 6 parts; else each part alone).
function properSubsetSums(parts) {
  if (parts.length > 6) return [...parts];
  const sums = [];
  for (let mask = 1; mask < (1 << parts.length) - 1; mask += 1) {
    let total = 0;
    parts.forEach((p, i) => { if (mask & (1 << i)) total += p; });
    sums.push(total);
  }
  return sums;
}

// The other operand of a product: the node the local derivative refers to, else the other wire's source.
function otherOperand(model, question) {
  const { entry } = question;
  if (entry.formula[0] === "ref" && entry.formula[1] !== entry.source) return entry.formula[1];
  const other = model.inEdges[question.node].map((e) => model.edges[e]).find((e) => e.id !== entry.edge);
  return other ? other.source : null;
}

// The local derivative with the gate's input and output swapped (exp(x)' is
// exp(x), not x; tanh(x)' is 1 - tanh(x)², not 1 - x²; 1/x's is -1/x², not
// -1/(1/x)²): {code, params, value}, or null when the formula uses neither
// or cannot be computed here.
function swappedLocal(model, question) {
  const { entry } = question;
  const gateId = question.node;
  const sourceId = entry.source;
  const wires = model.inEdges[gateId].filter((e) => !model.edges[e].folded);
  if (wires.length !== 1) return null; // a gate of one drawn input: exp, tanh, 1/x, *-1 ...
  const refs = refsOf(entry.formula);
  const usesOutput = refs.has(gateId);
  const usesInput = refs.has(sourceId);
  if (usesOutput === usesInput) return null;
  const value = (id) => {
    if (id === gateId) return model.nodes[sourceId].value;
    if (id === sourceId) return model.nodes[gateId].value;
    return model.nodes[id] ? model.nodes[id].value : NaN;
  };
  const local = evaluateFormula(entry.formula, value);
  if (local === null) return null;
  return { code: usesOutput ? "used_input" : "used_output", params: { gate: gateId, source: sourceId }, value: local };
}

function refsOf(tree, found = new Set()) {
  if (!Array.isArray(tree)) return found;
  if (tree[0] === "ref") found.add(tree[1]);
  else if (tree[0] !== "num" && tree[0] !== "grad") tree.slice(1).forEach((arg) => refsOf(arg, found));
  return found;
}

// The scalar arithmetic a local derivative is written with; a formula using
// anything else has no number here (no candidate, never a wrong one).
const ARITHMETIC = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  neg: (a) => -a,
  pow: (a, b) => a ** b,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  tanh: Math.tanh,
  sigmoid: (a) => 1 / (1 + Math.exp(-a)),
};

// A formula tree's number with `valueOf(id)` for each ref, or null.
export function evaluateFormula(tree, valueOf) {
  const [head, ...args] = tree;
  if (head === "num") return isNumber(args[0]) ? args[0] : null;
  if (head === "ref") {
    const value = valueOf(args[0]);
    return isNumber(value) ? value : null;
  }
  if (!Object.hasOwn(ARITHMETIC, head)) return null;
  const values = args.map((arg) => evaluateFormula(arg, valueOf));
  if (values.some((v) => v === null)) return null;
  const result = ARITHMETIC[head](...values);
  return isNumber(result) ? result : null;
}

// --- the practice state's transitions (pure) ---------------------------------------

// An answer was checked: a right one marks its question done; a wrong one is
// kept with its mistake (the field shows it again).  A text that is no number
// changes nothing but the feedback.
export function answerChecked(practice, question, verdict, text) {
  const tries = new Map(practice.tries);
  if (verdict.status === "unreadable") {
    tries.set(question.id, { text, mistake: { code: "unreadable", params: {} } });
    return { ...practice, tries };
  }
  if (verdict.status === "right") {
    const done = new Map(practice.done).set(question.id, "right");
    tries.set(question.id, { text, mistake: null });
    return { ...practice, done, tries, score: { ...practice.score, right: practice.score.right + 1 } };
  }
  tries.set(question.id, { text, mistake: verdict.mistake });
  return { ...practice, tries, score: { ...practice.score, wrong: practice.score.wrong + 1 } };
}

export function answerRevealed(practice, question) {
  if (practice.done.has(question.id)) return practice;
  const done = new Map(practice.done).set(question.id, "revealed");
  return { ...practice, done, score: { ...practice.score, revealed: practice.score.revealed + 1 } };
}
