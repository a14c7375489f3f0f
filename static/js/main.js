// The page: wires the modules together.  The state and its transitions are
// pure (state.js); every change goes through update(), which keeps the new
// state and has the view draw it (view.js); requests (server.js), the URL
// (history.js), the message catalogs (i18n.js), the player's timer
// (player.js), the busy sign's timer (busy.js) and the display preferences
// (prefs.js) are the only effects.  The numbers all come from the server's answer.

import { DelayedSignal } from "./busy.js";
import * as controls from "./controls.js";
import { Editor } from "./editor.js";
import { decodeHash, encodeHash } from "./hashstate.js";
import { UrlHistory } from "./history.js";
import * as i18n from "./i18n.js";
import { InputFields } from "./inputs.js";
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

let state = S.initialState({ ...controls.readOptions(els), language, chosenLanguage: linkedLanguage !== null });

const editor = new Editor(els.program, $("editor-backdrop"));
const viewport = new Viewport(els.graph);
const inputs = new InputFields(els.inputs, els.inputsHint, { onValue: valueTyped });
const relabel = () => {
  controls.labelPresets(els.presets);
  els.language.value = i18n.language();
};
const view = new View(els, { editor, viewport, inputs, relabel });
const player = new Player({ onChange: playerMoved });
const requests = new LatestRequest({ send: fetchGraph, onAnswer: answered });
const busy = new DelayedSignal({ onShow: () => update(S.busyShown) });
const urlHistory = new UrlHistory({ shown: () => S.shownDocument(state) });

// Apply a transition (a pure function of the state and `args`) and draw the result.
function update(transition, ...args) {
  const next = transition(state, ...args);
  if (next === state) return;
  state = next;
  view.draw(state);
}

// --- requests -------------------------------------------------------------------------

// Ask for the graph of the current program, values and options, now.
function requestGraph() {
  const body = S.requestBody(state);
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
    update(S.failed, answer.error);
    return;
  }
  update(S.answered, answer.data);
  player.reset(state.model.total, state.step);
  urlHistory.record();
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
  requestGraph();
}

function valueTyped(name, value) {
  update(S.valueEdited, name, value);
  requestGraph();
}

function playerMoved() {
  const before = state.step;
  update(S.playerMoved, player);
  if (state.step !== before) urlHistory.stepChanged();
}

// An example or a link: its program and values replace the page's.
function openDocument(doc, historyMode) {
  urlHistory.expect(historyMode);
  update(S.documentOpened, doc);
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
  openDocument(doc, "replace");
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
if (link) openDocument(link, "replace");
else openPreset(ALL_PRESETS[0], "replace");
