// Gradient descent on the page, the pure part: the settings as typed, the
// request's "descent" option, and the walk so far (the values before each
// Step or Run, for Undo and Reset, and the output after every step taken, for
// the chart).  The server takes the steps (engine/descent.py); the page only
// asks and keeps what comes back.
//
// state.learn.descent = {
//   lr, steps        the learning rate and the number of steps of "Run", as typed
//   maximize         false: minimise (move against the gradient); true: maximise
//   params           the names to move, or null: every input
//   before           [{values (Map), points}]: the values before each Step/Run,
//                    and how many points the chart had then (Undo pops one)
//   points           the output at the start and after every step taken so far
//   pending          the "descent" option of the request on its way, or null
//   stopped          why the last walk stopped early (the engine's error), or null
//   problem          what is wrong with the settings ({code, params}), or null
// }

import { parseNumber } from "./hashstate.js";
import { usedValues } from "./state.js";

export const MAX_STEPS = 1000; // engine/descent.py's MAX_STEPS

export function initialDescent() {
  return { lr: "0.1", steps: "5", maximize: false, params: null, before: [], points: [], pending: null,
    stopped: null, problem: null };
}

// A learning rate as typed: {value} (a finite number above 0) or {error: {code, params}}.
export function readRate(text) {
  const value = parseNumber(String(text).replace(/\u2212/g, "-"));
  if (value === null || !(value > 0)) {
    return { error: { code: "learn.descent.problem_rate", params: { rate: String(text).trim() } } };
  }
  return { value };
}

// A number of steps as typed: a whole number from 1 to MAX_STEPS.
export function readSteps(text) {
  const trimmed = String(text).trim();
  const value = /^\d+$/.test(trimmed) ? Number(trimmed) : NaN;
  if (!(value >= 1 && value <= MAX_STEPS)) {
    return { error: { code: "learn.descent.problem_steps", params: { steps: trimmed, limit: MAX_STEPS } } };
  }
  return { value };
}

// The inputs that can move: the answer's inputs (a value the program sets itself is no input).
export function movableInputs(result) {
  return result ? [...(result.inputs || [])] : [];
}

// The names the walk moves: the chosen ones still in the program, in the program's order.
export function chosenParams(descent, result) {
  const inputs = movableInputs(result);
  return descent.params === null ? inputs : inputs.filter((name) => descent.params.includes(name));
}

// --- transitions on the page's state -------------------------------------------------

function withDescent(state, patch) {
  return { ...state, learn: { ...state.learn, descent: { ...state.learn.descent, ...patch } } };
}

// A setting changed: {lr}, {steps}, {maximize}; the problem it may have had goes.
export function settingChanged(state, patch) {
  return withDescent(state, { ...patch, problem: null });
}

// A parameter's box was ticked (on) or cleared.
export function paramToggled(state, name, on) {
  const { descent } = state.learn;
  const current = chosenParams(descent, state.result);
  const params = on ? [...new Set([...current, name])] : current.filter((p) => p !== name);
  const all = movableInputs(state.result);
  const every = all.length === params.length && all.every((p) => params.includes(p));
  return withDescent(state, { params: every ? null : params, problem: null });
}

// Step (steps = 1) or Run (the typed number): the settings are checked here
// first (the API refuses them too); good ones become the request's "descent"
// option, and the values now are kept for Undo.
export function descentAsked(state, steps) {
  const { descent } = state.learn;
  if (!state.result || descent.pending) return state;
  const rate = readRate(descent.lr);
  if (rate.error) return withDescent(state, { problem: rate.error });
  const count = steps === null ? readSteps(descent.steps) : { value: steps };
  if (count.error) return withDescent(state, { problem: count.error });
  const params = chosenParams(descent, state.result);
  if (!params.length) return withDescent(state, { problem: { code: "learn.descent.problem_params", params: {} } });
  const pending = { lr: rate.value, steps: count.value, params, maximize: descent.maximize };
  const before = [...descent.before, { values: usedValues(state.result, state.values), points: descent.points.length }];
  return withDescent(state, { pending, before, problem: null, stopped: null });
}

// The request's "descent" option while a walk is on its way, else null.
export function descentOption(state) {
  return state.learn && state.learn.descent.pending ? state.learn.descent.pending : null;
}

// The answer of a walk: the inputs take its final values, its outputs extend
// the chart, and a walk that stopped says why.  Any other answer changes nothing here.
export function descentAnswered(state, data) {
  const { descent } = state.learn;
  if (!descent.pending || !data.descent) return state;
  const values = new Map(state.values);
  for (const [name, value] of Object.entries(data.descent.values || {})) {
    if (Object.hasOwn(data.descent.values, name)) values.set(name, value);
  }
  const outputs = (data.descent.outputs || []).map(Number);
  const points = descent.points.length ? [...descent.points, ...outputs.slice(1)] : outputs;
  return {
    ...withDescent(state, { pending: null, points, stopped: data.descent.stopped || null }),
    values,
  };
}

// The walk's request failed: nothing moved, and Undo has nothing new to undo.
export function descentFailed(state, error) {
  const { descent } = state.learn;
  if (!descent.pending) return state;
  return withDescent(state, { pending: null, before: descent.before.slice(0, -1), problem: { error } });
}

// Undo: the values before the last Step or Run, and the chart as it was then.
export function descentUndone(state) {
  const { descent } = state.learn;
  if (!descent.before.length || descent.pending) return state;
  const last = descent.before[descent.before.length - 1];
  const next = withDescent(state, {
    before: descent.before.slice(0, -1), points: descent.points.slice(0, last.points), stopped: null, problem: null,
  });
  return { ...next, values: new Map(last.values) };
}

// Reset: the values before the first Step or Run; the chart starts again.
export function descentReset(state) {
  const { descent } = state.learn;
  if (!descent.before.length || descent.pending) return state;
  const first = descent.before[0];
  const next = withDescent(state, { before: [], points: [], stopped: null, problem: null });
  return { ...next, values: new Map(first.values) };
}

// The program or a value was typed: the walk so far was on another function
// (or from other values), so it is forgotten; the settings stay.
export function walkForgotten(state) {
  const descent = state.learn && state.learn.descent;
  if (!descent || (!descent.before.length && !descent.points.length && !descent.stopped && !descent.problem)) return state;
  return withDescent(state, { before: [], points: [], stopped: null, problem: null });
}
