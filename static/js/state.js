// The page's state and its transitions: pure functions, no DOM.  A
// transition takes a state and returns a new one (the old one is never
// changed, and an unchanged state comes back as the same object); main.js
// keeps the current state and the view (view.js) draws the page from it.
//
// state = {
//   program        the program text (as typed, or as an example or a link set it)
//   values         Map name -> value the user gave (typed, from an example or a
//                  link); a Map, so `__proto__` or `constructor` is a name like any other
//   precision, fold the display options sent with each request
//   status         "pending" | "ready" | "error" | "empty"  (body[data-status])
//   result, model  the last good answer and its index (timeline.buildModel), or null
//   drawnProgram   the program text that answer is for
//   error          what the last failed request said, until an answer comes: the
//                  server's {code, params, message, hint} (or the page's own code),
//                  with span [start, end] and where {line, column} when it has a place
//   busy           true once a request has waited long enough to say so (main.js's timer)
//   language       the page's language ("en", "ko"); chosenLanguage: whether the
//                  reader (or a link) chose it, so that a link keeps it
//   empty          true while the program is blank
//   pendingStep    the step the next answer opens on: undefined (keep it on the same
//                  graph, else the end), null (the end) or a number (from a link)
//   step, playing  the player's position and whether it plays
//   pinned         the clicked gate or wire, {node} or {edge}, or null
//   hovered        {target, from: "graph" | "editor"}, or null
// }

import { isSummary } from "./format.js";
import { buildModel, clampStep, nodeAtOffset } from "./timeline.js";

// What an input without a value gets (the request's default_value).
export const DEFAULT_VALUE = 1.0;

export function initialState({ program = "", precision = 2, fold = true, language = "en",
  chosenLanguage = false } = {}) {
  return {
    program, values: new Map(), precision, fold, language, chosenLanguage,
    status: "pending", busy: false, result: null, model: null, drawnProgram: null, error: null, empty: false,
    pendingStep: undefined, step: 0, playing: false, pinned: null, hovered: null,
  };
}

// --- what the user changes ------------------------------------------------------

export function programEdited(state, program) {
  if (program === state.program && state.pinned === null) return state;
  return { ...state, program, pinned: null };
}

export function valueEdited(state, name, value) {
  return { ...state, values: new Map(state.values).set(name, value) };
}

export function optionsChanged(state, { precision, fold }) {
  return { ...state, precision, fold };
}

// The page speaks `language` now; `chosen`: the reader or a link chose it.
export function languageSet(state, { language, chosen }) {
  if (language === state.language && chosen === state.chosenLanguage) return state;
  return { ...state, language, chosenLanguage: chosen };
}

// An example or a link replaces the program and the values; its answer opens on
// `step`.  A link also sets the display options (an example keeps the reader's).
export function documentOpened(state, { program, values, step, precision, fold }) {
  const options = {
    precision: precision === undefined ? state.precision : precision,
    fold: fold === undefined ? state.fold : fold,
  };
  return { ...state, program, values: new Map(values), pendingStep: step, pinned: null, ...options };
}

// --- talking to the server --------------------------------------------------------

// The body of POST /api/graph for the state, or null for a blank program (nothing to ask).
export function requestBody(state) {
  if (!state.program.trim()) return null;
  return {
    expression: state.program,
    values: Object.fromEntries(state.values), // own keys, `__proto__` included
    options: { precision: state.precision, fold_constants: state.fold, default_value: DEFAULT_VALUE },
  };
}

export function requested(state) {
  return state.status === "pending" ? state : { ...state, status: "pending" };
}

// The request has waited long enough (main.js's timer) for the page to say it is working.
export function busyShown(state) {
  return state.status !== "pending" || state.busy ? state : { ...state, busy: true };
}

export function emptied(state) {
  return {
    ...state, status: "empty", busy: false, empty: true, result: null, model: null, drawnProgram: null, error: null,
    step: 0, playing: false, pinned: null, hovered: null,
  };
}

// A good answer: it opens on the step a link or an example asked for, else on
// the same step when the graph kept its size (new numbers), else on the whole figure.
export function answered(state, data) {
  const model = buildModel(data);
  let step = model.total;
  if (state.pendingStep !== undefined) step = state.pendingStep ?? model.total;
  else if (state.model && state.model.total === model.total) step = state.step;
  return {
    ...state, status: "ready", busy: false, result: data, model, drawnProgram: state.program, error: null, empty: false,
    pendingStep: undefined, step: clampStep(model, step), playing: false,
    pinned: state.pinned && targetExists(model, state.pinned) ? state.pinned : null,
    hovered: null,
  };
}

// A failed request: what the server (or the page) said, with its line and
// column when it has a place.  The last good answer stays (the view dims it).
export function failed(state, error) {
  const span = Number.isInteger(error.start) ? [error.start, error.end ?? error.start + 1] : null;
  const where = span ? lineAndColumn(state.program, span[0]) : null;
  const { start, end, ...said } = error;
  return { ...state, status: "error", busy: false, error: { ...said, span, where }, playing: false };
}

export function lineAndColumn(text, offset) {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  const column = offset - before.lastIndexOf("\n");
  return { line, column };
}

// --- the player ---------------------------------------------------------------------

export function playerMoved(state, { position, playing }) {
  if (position === state.step && playing === state.playing) return state;
  return { ...state, step: position, playing };
}

// --- hover, click and the caret -------------------------------------------------------

export function sameTarget(a, b) {
  if (!a || !b) return a === b;
  return a.node === b.node && a.edge === b.edge;
}

function targetExists(model, target) {
  if (target.edge === "out") return true;
  if (target.edge !== undefined) return target.edge < model.edges.length;
  return target.node < model.nodes.length;
}

// The gate or wire the side panel shows: the hovered one, else the clicked one.
export function selectedTarget(state) {
  return state.hovered ? state.hovered.target : state.pinned;
}

// The pointer (or the caret) is on `target` (null: nothing) in the graph or the editor.
export function pointedAt(state, target, from) {
  const current = state.hovered && state.hovered.from === from ? state.hovered.target : null;
  if (sameTarget(target, current)) return state;
  return { ...state, hovered: target ? { target, from } : null };
}

// The caret in the program moved onto `target` (null: no node there): it
// takes over from a hover anywhere.
export function caretMoved(state, target) {
  const hovered = target ? { target, from: "editor" } : null;
  const same = hovered === null ? state.hovered === null
    : state.hovered !== null && state.hovered.from === "editor" && sameTarget(target, state.hovered.target);
  return same ? state : { ...state, hovered };
}

// The pointer left (the graph, or with `from` only that place).
export function unhovered(state, from = null) {
  if (!state.hovered || (from && state.hovered.from !== from)) return state;
  return { ...state, hovered: null };
}

// A click on a gate or wire pins it; a second click, or a click beside, unpins.
export function clicked(state, target) {
  const pinned = target && !sameTarget(target, state.pinned) ? target : null;
  return sameTarget(pinned, state.pinned) ? state : { ...state, pinned };
}

// The node under a place in the program: the smallest span around it, except
// that a name stands for its own node (q in `f = q * z` is the node q).
export function targetAtOffset(state, offset) {
  const model = state.model;
  // While the program has an error, or its answer is on the way, the drawing is
  // of older text: its spans do not fit.
  if (!model || offset === null || state.error || state.program !== state.drawnProgram) return null;
  const text = state.program;
  let from = offset;
  let to = offset;
  while (from > 0 && /\w/.test(text[from - 1])) from -= 1;
  while (to < text.length && /\w/.test(text[to])) to += 1;
  const word = text.slice(from, to);
  const node = nodeAtOffset(model.nodes, offset);
  if (word && (!node || node.text !== word)) {
    const named = model.nodes.find((n) => n.name === word);
    if (named) return { node: named.id };
  }
  return node ? { node: node.id } : null;
}

// --- what the URL holds --------------------------------------------------------------

// The value each input of an answer had, as the engine used it; a large array
// came back as a summary, so it is the value the user gave (`given`, a Map).
export function usedValues(result, given = new Map()) {
  const values = new Map();
  if (!result) return values;
  const inputs = new Set(result.inputs || []);
  for (const node of result.nodes) {
    if (node.kind !== "input" || node.literal || !inputs.has(node.name)) continue;
    if (!isSummary(node.value)) values.set(node.name, node.value);
    else if (given.has(node.name)) values.set(node.name, given.get(node.name));
  }
  return values;
}

// The view a link would reopen (null while nothing is shown); the language
// only when it was chosen (a link without one follows its reader's browser).
export function shownDocument(state) {
  if (!state.result) return null;
  return {
    program: state.program, values: usedValues(state.result, state.values), step: state.step,
    language: state.chosenLanguage ? state.language : null, precision: state.precision, fold: state.fold,
  };
}
