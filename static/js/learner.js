// "Learn by doing", the pure part: the page's learning modes and what each
// one shows, as state and transitions (state.js's rules: a transition returns
// a new state, an unchanged one the same object).
//
// state.learn = {
//   mode      "explore"  everything shown (the page as it always was),
//             "learner"  values and gradients appear only as the steps reach them:
//                        on the wires, in the result strip, the inputs, the side panel,
//             "practice" learner, and the backward pass asks for each gradient,
//             "descent"  gradient descent on the inputs (descent.js),
//             "tangents" forward mode: d(every wire)/d(one input);
//             one mode at a time; "Check gradients" goes with any of them.
//   check     the gradient check is on (the request asks "check": true)
//   tangent   forward mode's input {input, entry} (entry: an array's flat index, or null)
//   practice  practice.js's state (answers are never in the link)
//   descent   descent.js's state
// }

import { descentAnswered, descentFailed, descentOption, initialDescent } from "./descent.js";
import {
  answerChecked, answerRevealed, emptyPractice, judge, practiceLimit, practiceQuestions, reconcilePractice,
} from "./practice.js";
import { isArrayValue } from "./format.js";
import { answered as pageAnswered, failed as pageFailed } from "./state.js";
import { svgIds } from "./timeline.js";

export const MODES = ["explore", "learner", "practice", "descent", "tangents"];

export function initialLearn() {
  return { mode: "explore", check: false, tangent: null, practice: emptyPractice(), descent: initialDescent() };
}

const EXPLORE = initialLearn();
// A state without learning modes (the exported player's) explores.
const learnOf = (state) => state.learn || EXPLORE;

// The modes that keep what the steps have not reached yet hidden.
export function hidesAhead(state) {
  const { mode } = learnOf(state);
  return mode === "learner" || mode === "practice";
}

// --- transitions ------------------------------------------------------------------------

function withLearn(state, patch) {
  return { ...state, learn: { ...learnOf(state), ...patch } };
}

// A mode was chosen.  Learner and practice start at step 0 (the lesson is not
// given away), practice with its questions all open; forward mode picks the first input.
export function modeChosen(state, mode) {
  const learn = learnOf(state);
  if (!MODES.includes(mode) || mode === learn.mode) return state;
  const patch = { mode };
  if (mode === "practice") patch.practice = freshPractice(learn.practice, state.model);
  if (mode === "tangents" && !tangentFits(learn.tangent, state.result)) patch.tangent = firstTangent(state.result);
  const next = withLearn(state, patch);
  return hidesAhead(next) && state.model ? { ...next, step: 0 } : next;
}

// Practice from the start: every question open again, the score kept (restart clears it too).
function freshPractice(practice, model, { score = true } = {}) {
  const empty = emptyPractice();
  const next = score ? { ...empty, score: practice.score } : empty;
  return model ? reconcilePractice(next, model) : next;
}

export function practiceRestarted(state) {
  const next = withLearn(state, { practice: freshPractice(learnOf(state).practice, state.model, { score: false }) });
  return state.model ? { ...next, step: 0 } : next;
}

export function checkToggled(state, on) {
  return learnOf(state).check === on ? state : withLearn(state, { check: on });
}

// Forward mode's input: {input, entry} (entry null for a number).
export function tangentChosen(state, tangent) {
  const now = learnOf(state).tangent;
  if (now && tangent && now.input === tangent.input && now.entry === tangent.entry) return state;
  return withLearn(state, { tangent });
}

function tangentFits(tangent, result) {
  return Boolean(tangent && result && (result.inputs || []).includes(tangent.input));
}

// Forward mode's input when none fits: the first input (an array's first entry).
function firstTangent(result) {
  const name = result && (result.inputs || [])[0];
  return name === undefined || name === null ? null : arrayEntry({ input: name, entry: null }, result);
}

// An array input's tangent is along one entry: the first unless one was chosen.
function arrayEntry(tangent, result) {
  if (!tangent || tangent.entry !== null || !result) return tangent;
  const node = (result.nodes || []).find((n) => n.kind === "input" && n.name === tangent.input);
  return node && isArrayValue(node.value) ? { ...tangent, entry: 0 } : tangent;
}

// The request for a tangent named an input the program no longer has (or an
// entry past its end): the page asks again without it.
export function tangentRefused(state, error) {
  const { mode, tangent } = learnOf(state);
  return mode === "tangents" && tangent !== null && error
    && (error.code === "value.unknown_input" || error.code === "value.bad_entry")
    && error.params && error.params.name === tangent.input;
}

export function tangentDropped(state) {
  return withLearn(state, { tangent: null });
}

// A link (or back/forward) opened a view: its mode, check and tangent.  An
// example (no `mode` field) keeps the page's.
export function linkOpened(state, doc) {
  if (!doc || doc.mode === undefined) return state;
  const mode = MODES.includes(doc.mode) ? doc.mode : "explore";
  const learn = learnOf(state);
  const tangent = doc.tangent || (mode === "tangents" ? learn.tangent : null);
  const practice = mode === "practice" && learn.mode !== "practice" ? freshPractice(learn.practice, null) : learn.practice;
  return withLearn(state, { mode, check: Boolean(doc.check), tangent, practice });
}

// A good answer (state.js's rule), then: learner and practice open a new graph
// at step 0; practice keeps the answers whose numbers did not change and waits
// at the first open question; a walk's answer moves the inputs.
export function answered(state, data) {
  const learn = learnOf(state);
  let next = pageAnswered(state, data);
  if (!state.learn) return next;
  const sameGraph = state.model && state.model.total === next.model.total && state.drawnProgram === next.drawnProgram;
  const keepStep = Number.isInteger(state.pendingStep) || (state.pendingStep === undefined && sameGraph);
  if (hidesAhead(state) && !keepStep) next = { ...next, step: 0 };
  const practice = state.drawnProgram === next.drawnProgram
    ? reconcilePractice(learn.practice, next.model) : freshPractice(learn.practice, next.model);
  next = descentAnswered(withLearn(next, { practice }), data);
  if (learn.mode === "practice") next = { ...next, step: Math.min(next.step, practiceLimit(next.model, practice)) };
  if (learn.mode === "tangents") {
    const tangent = tangentFits(learn.tangent, data) ? arrayEntry(learn.tangent, data) : firstTangent(data);
    if (tangent !== learn.tangent) next = withLearn(next, { tangent });
  }
  return next;
}

export function failed(state, error) {
  const next = pageFailed(state, error);
  return state.learn ? descentFailed(next, error) : next;
}

// --- practice ---------------------------------------------------------------------------

// An answer typed for question `id`, checked at the page's precision.
export function practiceAnswered(state, id, text) {
  const question = state.model && practiceQuestions(state.model).byId.get(id);
  const { practice } = learnOf(state);
  if (!question || practice.done.has(id)) return state;
  const verdict = judge(state.model, question, text, state.precision);
  return withLearn(state, { practice: answerChecked(practice, question, verdict, text) });
}

export function practiceRevealed(state, id) {
  const question = state.model && practiceQuestions(state.model).byId.get(id);
  if (!question) return state;
  const { practice } = learnOf(state);
  const next = answerRevealed(practice, question);
  return next === practice ? state : withLearn(state, { practice: next });
}

// The last step the player may reach (practice waits at an open question), else Infinity.
export function stepLimit(state) {
  const learn = learnOf(state);
  if (learn.mode !== "practice" || !state.model) return Infinity;
  return practiceLimit(state.model, learn.practice);
}

// --- what the page shows ----------------------------------------------------------------

// The request's options for the modes: the check, forward mode's input, a walk.
export function withOptions(body, state) {
  if (!body || !state.learn) return body;
  const learn = state.learn;
  const options = { ...body.options };
  if (learn.check) options.check = true;
  // (an input the program no longer has is refused, and the page asks again without it: tangentRefused)
  if (learn.mode === "tangents" && learn.tangent) {
    options.tangents = learn.tangent.entry === null ? learn.tangent.input
      : { input: learn.tangent.input, entry: learn.tangent.entry };
  }
  const walk = descentOption(state);
  if (walk) options.descent = walk;
  return { ...body, options };
}

// The link's fields for the modes (hashstate.encodeHash): never the answers.
export function withLinkFields(doc, state) {
  if (!doc || !state.learn) return doc;
  const { mode, check, tangent } = state.learn;
  return { ...doc, mode, check, tangent: mode === "tangents" ? tangent : null };
}

const scheduleCache = new WeakMap();

// When each value and gradient becomes known: the state (step) that computes it.
function schedule(model) {
  if (scheduleCache.has(model)) return scheduleCache.get(model);
  const valueAt = new Map();
  const gradAt = new Map();
  const edgeAt = new Map();
  for (const node of model.nodes) if (node.kind !== "op") valueAt.set(node.id, 0);
  model.steps.forEach((step, i) => {
    if (step.phase === "forward") {
      valueAt.set(step.node, i + 1);
      return;
    }
    if (step.node === model.outputNode && !gradAt.has(step.node)) gradAt.set(step.node, i + 1);
    for (const entry of step.edges || []) edgeAt.set(entry.edge, i + 1);
    for (const sum of step.completes || []) gradAt.set(sum.node, i + 1);
  });
  const found = { valueAt, gradAt, edgeAt };
  scheduleCache.set(model, found);
  return found;
}

// What may be shown now, or null (everything): {value(node), grad(node),
// edgeGrad(edge)}, each true when the steps have reached it and, in practice,
// when its question is answered or revealed.
export function revealAt(state) {
  const { model } = state;
  if (!model || !hidesAhead(state)) return null;
  const learn = learnOf(state);
  const k = state.step;
  const practicing = learn.mode === "practice";
  if (k >= model.total && !practicing) return null;
  const { valueAt, gradAt, edgeAt } = schedule(model);
  const at = (map, id) => (map.has(id) ? map.get(id) : model.total);
  const questions = practicing ? practiceQuestions(model) : null;
  const open = (q) => Boolean(q) && !learn.practice.done.has(q.id);
  return {
    value: (id) => at(valueAt, id) <= k,
    grad: (id) => at(gradAt, id) <= k && !(questions && open(questions.forNode.get(id))),
    edgeGrad: (id) => {
      if (id === "out") return at(gradAt, model.outputNode) <= k;
      return at(edgeAt, id) <= k && !(questions && open(questions.forEdge.get(id)));
    },
  };
}

// The figure's view (timeline.visibleAt) with practice's open questions hidden.
export function figureView(state, view) {
  const learn = learnOf(state);
  if (learn.mode !== "practice" || !state.model) return view;
  const shown = new Set(view.shown);
  for (const q of practiceQuestions(state.model).list) {
    if (learn.practice.done.has(q.id)) continue;
    shown.delete(q.kind === "wire" ? svgIds.grad(q.entry.edge) : svgIds.total(q.node));
  }
  return { ...view, shown, all: view.all && shown.size === view.shown.size };
}

// The node id of an input, by name.
export function inputNode(model, name) {
  const node = model ? model.nodes.find((n) => n.kind === "input" && n.name === name) : null;
  return node ? node.id : null;
}
