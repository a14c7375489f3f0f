// The page: wires the editor, the API, the drawing, the player and the URL
// together.  The numbers all come from the server's answer; this file only
// decides what to show and when.

import { h } from "./dom.js";
import { Editor } from "./editor.js";
import * as exporting from "./exporting.js";
import { valueView } from "./arrays.js";
import { formatFull, formatValue, shapeOf, shapeText } from "./format.js";
import * as graph from "./graph.js";
import { decodeHash, documentKey, encodeHash, parseValue, readValue, valueText } from "./hashstate.js";
import { describeTarget, explanation, hasArrays, outputName } from "./panels.js";
import { Player } from "./player.js";
import { ALL_PRESETS, PRESET_GROUPS } from "./presets.js";
import { buildModel, nodeAtOffset, stepCounter, visibleAt } from "./timeline.js";
import { Viewport } from "./viewport.js";

// Short enough that the graph follows the typing (keystroke to graph < 150 ms with
// the ~40 ms the neuron takes end to end); only one request is ever in flight.
const TYPING_DELAY_MS = 60;
const HISTORY_DELAY_MS = 1000;
const DEFAULT_VALUE = 1.0;
const REQUEST_TIMEOUT_MS = 30_000;

const $ = (id) => document.getElementById(id);

const els = {
  program: $("program"),
  message: $("message"),
  inputs: $("inputs"),
  inputsHint: $("inputs-hint"),
  presets: $("presets"),
  precision: $("precision"),
  fold: $("fold-constants"),
  details: $("details-body"),
  strip: $("result-strip"),
  graph: $("graph"),
  canvas: $("graph-canvas"),
  note: $("graph-note"),
  scrubber: $("scrubber"),
  counter: $("step-counter"),
  play: $("play"),
  speed: $("speed"),
  player: $("player"),
  explain: $("explain"),
  toast: $("toast"),
};

const state = {
  values: {}, // name -> value the user gave (typed, from an example, or from a link)
  inputRows: new Map(), // name -> {row, field, grad}
  result: null, // the last good answer
  model: null,
  managed: [], // SVG elements the player toggles
  svg: null,
  pinned: null, // clicked {node} / {edge}
  hovered: null, // {target, from: "graph" | "editor"}
  requestSeq: 0,
  inFlight: false,
  requestTimer: null,
  pendingStep: undefined, // step to show when the next answer arrives (null: the end)
  historyMode: "debounce", // what the next answer does to the history: replace | push | debounce
  historyTimer: null,
  lastPushedKey: null,
  restoredHash: null,
};

const editor = new Editor(els.program, $("editor-backdrop"));
const viewport = new Viewport(els.graph);
const player = new Player({ onChange: () => showStep() });

// --- talking to the server -------------------------------------------------------

// body[data-status]: pending | ready | error | empty (tests and CSS can wait on it).
function setStatus(status) {
  document.body.dataset.status = status;
}

function scheduleRequest(delay = TYPING_DELAY_MS) {
  setStatus("pending");
  clearTimeout(state.requestTimer);
  state.requestTimer = setTimeout(requestGraph, delay);
}

// At most one request is in flight, so a slow drawing does not pile more work
// on the server while someone types.  Every change bumps requestSeq; an answer
// to an older one is dropped and the newest text goes out at once.
function requestGraph() {
  clearTimeout(state.requestTimer);
  state.requestSeq += 1;
  setStatus("pending");
  if (!state.inFlight) send();
}

async function send() {
  const seq = state.requestSeq;
  const program = editor.text;
  if (!program.trim()) {
    showEmpty();
    return;
  }
  const body = {
    expression: program,
    values: state.values,
    options: { precision: precision(), fold_constants: els.fold.checked, default_value: DEFAULT_VALUE },
  };
  state.inFlight = true;
  let answer;
  try {
    const response = await fetch("/api/graph", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const data = await response.json().catch(() => null);
    if (response.ok && data && !data.error) answer = { data };
    else answer = { error: (data && data.error) || { message: `The server answered ${response.status}.` } };
  } catch (error) {
    const message = error.name === "TimeoutError"
      ? "The server took too long to answer."
      : "The server did not answer. Is it still running?";
    answer = { error: { message } };
  } finally {
    state.inFlight = false;
  }
  if (seq !== state.requestSeq) {
    send(); // the program or the values changed while this one was out
  } else if (answer.data) {
    showResult(answer.data);
  } else {
    showFailure(answer.error);
  }
}

// --- showing an answer -------------------------------------------------------------

function precision() {
  return Number(els.precision.value);
}

// A number, or every entry of an array (tooltips).
function fmt(value) {
  return formatFull(value, precision());
}

// One short line for a number or an array (the result strip): up to three
// entries in full, else the shape and the first entries.
function fmtCompact(value) {
  return formatValue(value, precision(), 3);
}

function showResult(data) {
  const previousTotal = state.model ? state.model.total : null;
  state.result = data;
  state.model = buildModel(data);
  setHasArrays(hasArrays(state.model));
  editor.setError(null);
  showWarnings(data.warnings || []);
  els.graph.classList.remove("is-stale", "is-empty");
  renderInputs(data);
  renderStrip(data);

  if (data.svg) {
    state.svg = graph.insertSvg(els.canvas, data.svg);
    state.managed = graph.indexSvg(state.svg);
    viewport.attach(state.svg);
    showNote(null);
  } else {
    els.canvas.replaceChildren();
    state.svg = null;
    state.managed = [];
    viewport.detach();
    const why = data.render_error ? data.render_error.message : "no drawing came back";
    showNote(`The numbers are ready, but the graph could not be drawn: ${why}`);
  }

  let step = state.model.total; // a new program opens on the whole figure
  if (state.pendingStep !== undefined) {
    step = state.pendingStep === null ? state.model.total : state.pendingStep;
  } else if (previousTotal === state.model.total) {
    step = player.position; // same graph, new numbers: stay on the step
  }
  state.pendingStep = undefined;
  if (state.pinned && !targetExists(state.pinned)) state.pinned = null;
  state.hovered = null;
  player.reset(state.model.total, step);
  refreshSelection();
  setExportsEnabled(true);
  recordHistory();
  setStatus("ready");
}

function showFailure(error) {
  els.graph.classList.add("is-stale");
  player.pause();
  const span = Number.isInteger(error.start) ? [error.start, error.end ?? error.start + 1] : null;
  editor.setError(span);
  const where = span ? ` (${lineAndColumn(editor.text, span[0])})` : "";
  els.message.replaceChildren(h("p", "error-text", `${error.message}${where}`));
  els.message.className = "message is-error";
  setStatus("error");
}

function showEmpty() {
  state.result = null;
  state.model = null;
  state.svg = null;
  state.managed = [];
  state.pinned = null;
  setHasArrays(false);
  editor.setError(null);
  showWarnings([]);
  els.canvas.replaceChildren();
  viewport.detach();
  els.graph.classList.remove("is-stale");
  els.graph.classList.add("is-empty");
  showNote("Type an expression, for example (x + y) * z");
  els.strip.replaceChildren();
  renderInputs({ inputs: [], nodes: [], gradients: {} });
  player.reset(0, 0);
  refreshSelection();
  setExportsEnabled(false);
  setStatus("empty");
}

// Vectors and matrices get a wider side column and a taller explanation panel.
function setHasArrays(on) {
  document.body.classList.toggle("has-arrays", on);
  els.player.classList.toggle("has-arrays", on);
}

function showWarnings(warnings) {
  els.message.className = warnings.length ? "message is-warning" : "message";
  els.message.replaceChildren(...warnings.map((text) => h("p", "warning-text", text)));
}

function showNote(text) {
  els.note.hidden = !text;
  els.note.textContent = text || "";
}

function lineAndColumn(text, offset) {
  const before = text.slice(0, offset);
  const line = before.split("\n").length;
  const column = offset - before.lastIndexOf("\n");
  return `line ${line}, column ${column}`;
}

// One field per input, in the order the engine lists them; a field keeps its
// element (and so its focus and text) while its name stays in the program.
function renderInputs(data) {
  const names = data.inputs || [];
  const valueOf = new Map();
  for (const node of data.nodes || []) {
    if (node.kind === "input" && !node.literal) valueOf.set(node.name, node.value);
  }
  for (const [name, row] of state.inputRows) {
    if (!names.includes(name)) {
      row.row.remove();
      state.inputRows.delete(name);
    }
  }
  names.forEach((name, index) => {
    let row = state.inputRows.get(name);
    if (!row) {
      row = makeInputRow(name, state.values[name] ?? valueOf.get(name) ?? DEFAULT_VALUE);
      state.inputRows.set(name, row);
    }
    const here = els.inputs.children[index];
    if (here !== row.row) els.inputs.insertBefore(row.row, here || null);
    // A field shows the value the engine used (a link or an example may have
    // changed it), except while someone is typing in it.
    const used = valueOf.get(name);
    if (used !== undefined && row.field !== document.activeElement
        && valueText(parseValue(row.field.value)) !== valueText(used)) {
      row.field.value = valueText(used);
      showFieldProblem(row, null);
    }
    sizeField(row.field);
    const grad = data.gradients ? data.gradients[name] : undefined;
    row.row.classList.toggle("is-array", Array.isArray(used ?? grad));
    showInputGrad(row, grad);
  });
  els.inputsHint.textContent = names.length
    ? `red: d${outputName(data)}/d(input)`
    : "none: every name has a value in the program";
}

// An input's gradient beside its field: a number, a small aligned array, or
// for a larger array its shape and first entries (the whole array in the tooltip).
function showInputGrad(row, grad) {
  if (grad === undefined) {
    row.grad.replaceChildren();
    row.grad.title = "";
    return;
  }
  row.grad.replaceChildren(valueView(grad, precision(), { limit: 6 }));
  row.grad.title = Array.isArray(grad)
    ? `gradient, shape ${shapeText(shapeOf(grad))}: ${fmt(grad)}`
    : "gradient of the output with respect to this input";
}

// A field is as wide as its text (within the column), so a matrix is readable.
function sizeField(field) {
  field.size = Math.max(8, Math.min(40, field.value.length + 1));
  field.title = field.value.length > 12 ? field.value : "";
}

// What is wrong with a field's text, in words under it (null: nothing).
function showFieldProblem(row, problem) {
  row.field.classList.toggle("is-invalid", Boolean(problem));
  row.field.setAttribute("aria-invalid", String(Boolean(problem)));
  row.problem.textContent = problem || "";
  row.problem.hidden = !problem;
}

function makeInputRow(name, value) {
  const row = document.createElement("div");
  row.className = "input-row";
  const label = document.createElement("label");
  label.className = "input-name";
  label.textContent = name;
  const field = document.createElement("input");
  field.type = "text";
  field.inputMode = "decimal";
  field.spellcheck = false;
  field.autocomplete = "off";
  field.value = valueText(value);
  field.dataset.name = name;
  field.id = `input-${name}`;
  label.htmlFor = field.id;
  const grad = document.createElement("span");
  grad.className = "input-grad";
  grad.title = "gradient of the output with respect to this input";
  const problem = document.createElement("p");
  problem.className = "input-problem";
  problem.id = `problem-${name}`;
  problem.hidden = true;
  field.setAttribute("aria-describedby", problem.id);
  const entry = { row, field, grad, problem };
  field.addEventListener("input", () => {
    const read = readValue(field.value);
    sizeField(field);
    showFieldProblem(entry, read.error || null);
    if (read.error) return;
    state.values[name] = read.value;
    scheduleRequest();
  });
  row.append(label, field, grad, problem);
  return entry;
}

// The value each current input has: what the user gave, else what the engine used.
function currentValues() {
  const values = {};
  if (!state.result) return values;
  for (const node of state.result.nodes) {
    if (node.kind === "input" && !node.literal && (state.result.inputs || []).includes(node.name)) {
      values[node.name] = node.value;
    }
  }
  return values;
}

function renderStrip(data) {
  const name = outputName(data);
  const value = h("span", Array.isArray(data.output.value) ? "strip-value is-array" : "strip-value",
    fmtCompact(data.output.value));
  if (Array.isArray(data.output.value)) value.title = fmt(data.output.value);
  const parts = [h("span", "strip-name", `${name} = `), value];
  for (const input of data.inputs || []) {
    if (data.gradients && data.gradients[input] !== undefined) {
      parts.push(h("span", "strip-name strip-gap", `d${name}/d${input} = `));
      const grad = data.gradients[input];
      const shown = h("span", Array.isArray(grad) ? "strip-grad is-array" : "strip-grad", fmtCompact(grad));
      if (Array.isArray(grad)) shown.title = fmt(grad);
      parts.push(shown);
    }
  }
  els.strip.replaceChildren(...parts);
}

// --- the step-through ---------------------------------------------------------------

function showStep() {
  const model = state.model;
  const k = player.position;
  const total = model ? model.total : 0;
  els.scrubber.max = String(total);
  els.scrubber.value = String(k);
  els.scrubber.disabled = total === 0;
  els.counter.textContent = model ? stepCounter(model, k) : "step 0 / 0";
  els.play.querySelector(".play-label").textContent = player.playing ? "Pause" : "Play";
  els.play.classList.toggle("is-playing", player.playing);
  els.player.classList.toggle("is-empty", !model);
  if (!model) {
    els.explain.replaceChildren();
    return;
  }
  const view = visibleAt(model, k);
  graph.applyView(state.managed, view);
  els.explain.replaceChildren(...explanation(model, view, {
    result: state.result, precision: precision(), svg: state.svg,
  }));
  replaceHistory();
}

// --- hover, click and the side panel -------------------------------------------------

function targetExists(target) {
  const model = state.model;
  if (!model) return false;
  if (target.edge === "out") return true;
  if (target.edge !== undefined) return target.edge < model.edges.length;
  return target.node < model.nodes.length;
}

function setHovered(target, from) {
  state.hovered = target ? { target, from } : null;
  refreshSelection();
}

function refreshSelection() {
  const target = state.hovered ? state.hovered.target : state.pinned;
  const model = state.model;
  if (state.svg) graph.setHover(state.svg, target && model ? graph.idsForTarget(model, target) : []);
  if (!target || !model) {
    editor.setHighlight(null);
    els.details.replaceChildren(h("p", "muted",
      "Hover or click a gate or a wire in the graph, or put the cursor in the program."));
    return;
  }
  const info = describeTarget(model, target, { result: state.result, precision: precision() });
  editor.setHighlight(info.span);
  els.details.replaceChildren(...info.content);
}

function onGraphOver(event) {
  if (!state.svg) return;
  const target = graph.targetAt(event.target, state.svg);
  const current = state.hovered && state.hovered.from === "graph" ? state.hovered.target : null;
  if (!sameTarget(target, current)) setHovered(target, "graph");
}

function onGraphClick(event) {
  if (!state.svg) return;
  const target = graph.targetAt(event.target, state.svg);
  state.pinned = target && !sameTarget(target, state.pinned) ? target : null;
  refreshSelection();
}

function sameTarget(a, b) {
  if (!a || !b) return a === b;
  return a.node === b.node && a.edge === b.edge;
}

// The node under a place in the program: the smallest span around it, except
// that a name stands for its own node (q in `f = q * z` is the node q).
function targetAtOffset(offset) {
  const model = state.model;
  // While the program has an error the drawing is of older text: its spans do not fit.
  if (!model || offset === null || els.graph.classList.contains("is-stale")) return null;
  const text = editor.text;
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

function onEditorCaret() {
  if (document.activeElement !== els.program) return;
  const position = els.program.selectionStart === els.program.selectionEnd
    ? els.program.selectionStart : null;
  setHovered(targetAtOffset(position), "editor");
}

function onEditorMouseMove(event) {
  const target = targetAtOffset(editor.offsetAt(event.clientX, event.clientY));
  const current = state.hovered && state.hovered.from === "editor" ? state.hovered.target : null;
  if (!sameTarget(target, current)) setHovered(target, "editor");
}

// --- the URL --------------------------------------------------------------------------

function currentDocument() {
  return { program: editor.text, values: currentValues() };
}

function currentHash() {
  return encodeHash({ ...currentDocument(), step: player.position });
}

// After an answer: a new program or new values become a history entry (once
// typing pauses); restoring from the URL only rewrites the current entry.
function recordHistory() {
  const key = documentKey(currentDocument());
  const mode = state.historyMode;
  state.historyMode = "debounce";
  clearTimeout(state.historyTimer);
  if (mode === "replace" || key === state.lastPushedKey || state.lastPushedKey === null) {
    state.lastPushedKey = key;
    writeHistory("replace");
  } else if (mode === "push") {
    writeHistory("push");
  } else {
    state.historyTimer = setTimeout(() => writeHistory("push"), HISTORY_DELAY_MS);
  }
}

function writeHistory(how) {
  if (!state.result) return;
  const hash = currentHash();
  if (how === "push") {
    state.lastPushedKey = documentKey(currentDocument());
    if (hash !== window.location.hash) window.history.pushState(null, "", hash);
  } else {
    window.history.replaceState(null, "", hash);
  }
  state.restoredHash = hash;
}

// Write the URL now (for copying it): a pending history entry is pushed at once.
function flushHistory() {
  clearTimeout(state.historyTimer);
  const pending = documentKey(currentDocument()) !== state.lastPushedKey;
  writeHistory(pending ? "push" : "replace");
}

// A step change rewrites the current entry, unless a push is still pending.
function replaceHistory() {
  if (!state.result || documentKey(currentDocument()) !== state.lastPushedKey) return;
  writeHistory("replace");
}

function restoreFromHash() {
  const hash = window.location.hash;
  if (hash === state.restoredHash) return;
  state.restoredHash = hash;
  const doc = decodeHash(hash);
  if (!doc) return;
  clearTimeout(state.historyTimer);
  state.values = { ...doc.values };
  state.pendingStep = doc.step;
  state.historyMode = "replace";
  state.lastPushedKey = documentKey(doc);
  state.pinned = null;
  editor.text = doc.program;
  requestGraph();
}

// --- examples, controls, keys ---------------------------------------------------------

function loadPreset(preset, historyMode = "push") {
  state.values = { ...preset.values };
  state.pendingStep = null;
  state.historyMode = historyMode;
  state.pinned = null;
  editor.text = preset.program;
  requestGraph();
}

function setupPresets() {
  const placeholder = new Option("Choose an example\u2026", "");
  els.presets.append(placeholder);
  for (const group of PRESET_GROUPS) {
    const optgroup = document.createElement("optgroup");
    optgroup.label = group.label;
    for (const preset of group.presets) optgroup.append(new Option(preset.title, preset.id));
    els.presets.append(optgroup);
  }
  els.presets.addEventListener("change", () => {
    const preset = ALL_PRESETS.find((p) => p.id === els.presets.value);
    if (preset) loadPreset(preset);
    els.presets.value = "";
    els.presets.blur(); // or the arrow keys meant for stepping would pick the next example
  });
}

function setExportsEnabled(enabled) {
  for (const id of ["download-svg", "download-png", "download-dot"]) {
    const key = id === "download-dot" ? "dot" : "svg";
    $(id).disabled = !enabled || !state.result || !state.result[key];
  }
}

let toastTimer = null;
function toast(text) {
  els.toast.textContent = text;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { els.toast.textContent = ""; }, 2500);
}

function setupExports() {
  $("download-svg").addEventListener("click", () => {
    exporting.download("backprop-graph.svg", exporting.svgBlob(state.result.svg));
  });
  $("download-dot").addEventListener("click", () => {
    exporting.download("backprop-graph.dot", exporting.textBlob(state.result.dot));
  });
  $("download-png").addEventListener("click", async () => {
    try {
      exporting.download("backprop-graph.png", await exporting.pngBlob(state.result.svg));
    } catch (error) {
      toast(`Could not make the PNG: ${error.message}`);
    }
  });
  $("copy-link").addEventListener("click", async () => {
    flushHistory();
    const copied = await exporting.copyText(window.location.href);
    toast(copied ? "Link copied" : "Copy the address bar to share this view");
  });
}

function isTyping(target) {
  return target instanceof HTMLElement
    && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
}

function onKeyDown(event) {
  if (event.altKey || event.ctrlKey || event.metaKey || isTyping(event.target)) return;
  const onButton = event.target instanceof HTMLButtonElement;
  const actions = {
    ArrowLeft: () => player.step(-1),
    ArrowRight: () => player.step(1),
    Home: () => player.seek(0),
    End: () => player.seek(player.total),
    " ": onButton ? null : () => player.toggle(), // on a button, space presses the button
  };
  const action = actions[event.key];
  if (!action) return;
  event.preventDefault();
  action();
}

function setupControls() {
  $("step-first").addEventListener("click", () => player.seek(0));
  $("step-prev").addEventListener("click", () => player.step(-1));
  $("step-next").addEventListener("click", () => player.step(1));
  $("step-last").addEventListener("click", () => player.seek(player.total));
  $("show-all").addEventListener("click", () => player.seek(player.total));
  els.play.addEventListener("click", () => player.toggle());
  els.scrubber.addEventListener("input", () => player.seek(Number(els.scrubber.value)));
  els.speed.addEventListener("change", () => {
    player.setSpeed(Number(els.speed.value));
    els.speed.blur();
  });
  // Toolbar buttons do not take the focus on a click: the arrow keys and space
  // keep driving the player (and a focused editor stays focused).
  for (const button of document.querySelectorAll(".player-controls button, .zoom-controls button")) {
    button.addEventListener("mousedown", (event) => event.preventDefault());
  }
  $("zoom-in").addEventListener("click", () => viewport.zoomBy(1.25));
  $("zoom-out").addEventListener("click", () => viewport.zoomBy(0.8));
  $("zoom-fit").addEventListener("click", () => viewport.fit());
  els.precision.addEventListener("change", () => requestGraph());
  els.fold.addEventListener("change", () => requestGraph());
  document.addEventListener("keydown", onKeyDown);

  els.program.addEventListener("input", () => {
    state.pinned = null;
    scheduleRequest();
  });
  document.addEventListener("selectionchange", onEditorCaret);
  els.program.addEventListener("mousemove", onEditorMouseMove);
  els.program.addEventListener("mouseleave", () => {
    if (state.hovered && state.hovered.from === "editor") onEditorCaret();
  });
  els.program.addEventListener("blur", () => {
    if (state.hovered && state.hovered.from === "editor") setHovered(null);
  });

  els.canvas.addEventListener("mouseover", onGraphOver);
  els.canvas.addEventListener("mouseleave", () => setHovered(null));
  els.canvas.addEventListener("click", onGraphClick);

  window.addEventListener("popstate", restoreFromHash);
  window.addEventListener("hashchange", restoreFromHash);
}

setupPresets();
setupControls();
setupExports();
setExportsEnabled(false);
showStep();
if (decodeHash(window.location.hash)) {
  restoreFromHash();
} else {
  loadPreset(ALL_PRESETS[0], "replace");
}
