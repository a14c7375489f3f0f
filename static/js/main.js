// The page: wires the modules together.  The state and its transitions are
// pure (state.js); every change goes through update(), which keeps the new
// state and has the view draw it (view.js); requests (server.js), the URL
// (history.js), the message catalogs (i18n.js), the player's timer
// (player.js), the busy sign's timer (busy.js) and the display preferences
// (prefs.js) are the only effects.  The numbers all come from the server's answer.
// The learning modes (learner.js, practice.js, descent.js: pure; learn-view.js
// and learn-panel.js: drawing) join in through the same update().

import { DelayedSignal } from "./busy.js";
import * as controls from "./controls.js";
import * as D from "./descent.js";
import { Editor } from "./editor.js";
import { decodeHash, encodeHash } from "./hashstate.js";
import { UrlHistory } from "./history.js";
import * as i18n from "./i18n.js";
import { InputFields } from "./inputs.js";
import { LearnView } from "./learn-view.js";
import * as L from "./learner.js";
import { Player } from "./player.js";
import { applyPrefs, readPrefs, savePrefs } from "./prefs.js";
import { ALL_PRESETS } from "./presets.js";
import { setupSelection } from "./selection.js";
import { LatestRequest, fetchGraph } from "./server.js";
import * as S from "./state.js";
import { View } from "./view.js";
import { Viewport } from "./viewport.js";

const $ = (id) => document.getElementById(id);

const els = {
  program: $("program"),
  message: $("message"),
  inputs: $("inputs"),
  inputsHint: $("inputs-hint"),
  presets: $("presets"),
  language: $("language"),
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
  playLabel: $("play").querySelector(".play-label"),
  speed: $("speed"),
  player: $("player"),
  explain: $("explain"),
  toast: $("toast"),
  busy: $("busy"),
  tableBox: $("wire-table-box"),
  tableToggle: $("table-toggle"),
  announce: $("announce"),
  theme: $("theme"),
  palette: $("palette"),
  exports: {
    "download-svg": $("download-svg"), "download-png": $("download-png"), "download-dot": $("download-dot"),
    "download-html": $("download-html"),
  },
};

// The page's colours, before anything is drawn: saved, or an embed's ?theme= and ?palette=.
const storage = (() => {
  try {
    return window.localStorage;
  } catch {
    return null; // a sandboxed frame has none
  }
})();
let prefs = readPrefs(storage, window.location.search);
applyPrefs(document.documentElement, prefs);

// The language: a link's `l=`, else the browser's; its catalog loads before the first drawing.
const linked = decodeHash(window.location.hash);
const linkedLanguage = linked && i18n.LANGUAGES.includes(linked.language) ? linked.language : null;
const language = i18n.setLanguage(await loadLanguage(i18n.chooseLanguage(linkedLanguage, navigator.languages)));

let state = {
  ...S.initialState({ ...controls.readOptions(els), language, chosenLanguage: linkedLanguage !== null }),
  learn: L.initialLearn(),
};

const editor = new Editor(els.program, $("editor-backdrop"));
const viewport = new Viewport(els.graph);
const inputs = new InputFields(els.inputs, els.inputsHint, { onValue: valueTyped });
const relabel = () => {
  controls.labelPresets(els.presets);
  els.language.value = i18n.language();
};
const learnView = new LearnView($("learn"), learnHandlers());
const view = new View(els, { editor, viewport, inputs, relabel, learn: learnView });
const player = new Player({ onChange: playerMoved });
const requests = new LatestRequest({ send: fetchGraph, onAnswer: answered });
const busy = new DelayedSignal({ onShow: () => update(S.busyShown) });
const urlHistory = new UrlHistory({ shown: () => L.withLinkFields(S.shownDocument(state), state) });

// Apply a transition (a pure function of the state and `args`) and draw the result.
function update(transition, ...args) {
  const next = transition(state, ...args);
  if (next === state) return;
  state = next;
  view.draw(state);
  player.limit = L.stepLimit(state); // practice waits at a question
}

// --- requests -------------------------------------------------------------------------

// The request for the current program, values and options (and the modes' options).
const currentBody = () => L.withOptions(S.requestBody(state), state);
let lastBodyKey = null;

// Ask for the graph of the current program, values and options, now.
function requestGraph() {
  const body = currentBody();
  lastBodyKey = JSON.stringify(body);
  if (body === null) {
    requests.cancel();
    busy.stop();
    player.pause();
    update(S.emptied);
    player.reset(0, 0);
    return;
  }
  update(S.requested);
  busy.start();
  requests.submit(body);
}

function answered(answer) {
  busy.stop();
  player.pause();
  if (answer.error) {
    if (L.tangentRefused(state, answer.error)) { // the input went from the program: ask without it
      update(L.tangentDropped);
      requestGraph();
      return;
    }
    update(L.failed, answer.error);
    return;
  }
  update(L.answered, answer.data);
  player.reset(state.model.total, state.step);
  urlHistory.record();
  // A walk's answer is the graph where the walk ended: what the page would ask for now.
  if (answer.data.descent) lastBodyKey = JSON.stringify(currentBody());
  requestIfChanged(); // forward mode chose its input with this answer
}

// --- the language ----------------------------------------------------------------------

// The catalog of a language (and English, the fallback); English when it cannot load.
async function loadLanguage(wanted) {
  try {
    return await i18n.loadLanguage(wanted);
  } catch {
    return wanted === i18n.DEFAULT_LANGUAGE ? wanted : loadLanguage(i18n.DEFAULT_LANGUAGE);
  }
}

// The reader (or a link) chose a language: the page speaks it, and a link keeps it.
async function chooseLanguage(wanted) {
  const loaded = i18n.setLanguage(await loadLanguage(wanted));
  update(S.languageSet, { language: loaded, chosen: true });
  urlHistory.stepChanged(); // like a step, the language rewrites the current entry
}

// --- what the user does -----------------------------------------------------------------

function programTyped() {
  update(S.programEdited, editor.text);
  update(D.walkForgotten);
  requestGraph();
}

function valueTyped(name, value) {
  update(S.valueEdited, name, value);
  update(D.walkForgotten);
  requestGraph();
}

function playerMoved() {
  const before = state.step;
  update(S.playerMoved, player);
  if (state.step !== before) urlHistory.stepChanged();
}

// An example or a link: its program and values replace the page's; a link
// also sets the learning mode (none: explore), an example keeps it.
function openDocument(doc, historyMode, link = false) {
  urlHistory.expect(historyMode);
  update(S.documentOpened, doc);
  if (link) update(L.linkOpened, { mode: "explore", check: false, ...doc });
  update(D.walkForgotten);
  requestGraph();
}

function openPreset(preset, historyMode = "push") {
  const values = new Map(Object.entries(preset.values));
  openDocument({ program: preset.program, values, step: null }, historyMode);
}

function restoreFromHash() {
  const doc = urlHistory.restore();
  if (!doc) return;
  if (doc.language && doc.language !== state.language && i18n.LANGUAGES.includes(doc.language)) {
    chooseLanguage(doc.language);
  }
  openDocument(doc, "replace", true);
}

// --- the learning modes -----------------------------------------------------------------

// The player goes where a transition put the step (a mode starts at step 0).
function followStep() {
  if (state.model && player.position !== state.step) player.reset(state.model.total, state.step);
}

// A mode's option changed: ask again only when the request is not the same.
function requestIfChanged() {
  if (JSON.stringify(currentBody()) !== lastBodyKey) requestGraph();
}

function learnChanged(transition, ...args) {
  update(transition, ...args);
  followStep();
  requestIfChanged();
  urlHistory.stepChanged(); // like a step, the mode rewrites the current entry
}

// Step, Run, Undo, Reset: a walk to ask for, or values to go back to.
function walk(transition, ...args) {
  const before = state;
  update(transition, ...args);
  if (D.descentOption(state) !== D.descentOption(before) || state.values !== before.values) requestGraph();
}

function learnHandlers() {
  return {
    mode: (mode) => learnChanged(L.modeChosen, mode),
    check: (on) => learnChanged(L.checkToggled, on),
    tangent: (tangent) => learnChanged(L.tangentChosen, tangent),
    practiceRestart: () => learnChanged(L.practiceRestarted),
    practiceCheck: (id, text) => update(L.practiceAnswered, id, text),
    practiceReveal: (id) => update(L.practiceRevealed, id),
    practiceNext: () => player.step(1),
    descentSetting: (patch) => update(D.settingChanged, patch),
    descentParam: (name, on) => update(D.paramToggled, name, on),
    descentStep: () => walk(D.descentAsked, 1),
    descentRun: () => walk(D.descentAsked, null),
    descentUndo: () => walk(D.descentUndone),
    descentReset: () => walk(D.descentReset),
  };
}

controls.setupPresets(els.presets, (preset) => openPreset(preset));
controls.setupLanguage(els.language, chooseLanguage);
controls.setupPlayer(els, player);
controls.setupZoom(viewport);
controls.setupDisplay(els, prefs, (chosen) => {
  prefs = chosen;
  applyPrefs(document.documentElement, prefs);
  savePrefs(storage, prefs);
});
controls.setupOpenFull($("open-full"), () => {
  const doc = S.shownDocument(state);
  return doc ? encodeHash(doc) : window.location.hash;
});
controls.setupOptions(els, (options) => {
  update(S.optionsChanged, options);
  requestGraph();
});
controls.setupExports(els, {
  answer: () => state.result, request: () => S.requestBody(state), flushLink: () => urlHistory.flush(),
});
setupSelection({
  canvas: els.canvas, program: els.program, editor, svg: () => view.svg, getState: () => state, update,
});
els.program.addEventListener("input", programTyped);
window.addEventListener("popstate", restoreFromHash);
window.addEventListener("hashchange", restoreFromHash);

view.draw(state);
const link = urlHistory.restore();
if (link) openDocument(link, "replace", true);
else openPreset(ALL_PRESETS[0], "replace");
