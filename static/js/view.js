// Draws the page from the state (state.js): the one redraw path.  draw(state)
// compares with the state it drew last and redraws only the parts whose data
// changed: the answer (drawing, result strip, inputs, exports), the message,
// the step (the player's controls, the figure's classes, the explanation, the
// table of values, the announcement for screen readers) and the selection
// (hover marks, the side panel).  Everything is shown by
// toggling CSS classes or replacing a panel's children.  A new language
// redraws every part (and the page's own markup, through i18n.js).

import { describeTarget } from "./details.js";
import { h } from "./dom.js";
import * as graph from "./graph.js";
import { t, translateStatic } from "./i18n.js";
import { errorText, warningTexts } from "./messages.js";
import { explanation, hasArrays, outputName, phaseTitle } from "./panels.js";
import { selectedTarget, usedValues } from "./state.js";
import { ResultStrip } from "./strip.js";
import { visibleAt } from "./timeline.js";
import { WireTable } from "./wiretable.js";

// The page's one-column layout (layout.css).
const ONE_COLUMN = window.matchMedia("(max-width: 800px)");
const EXPORTS = { "download-svg": "svg", "download-png": "svg", "download-dot": "dot", "download-html": "svg" };

export class View {
  // `relabel()` runs after a change of language (the controls' own labels).
  constructor(els, { editor, viewport, inputs, relabel = () => {} }) {
    this.els = els;
    this.editor = editor;
    this.viewport = viewport;
    this.inputs = inputs;
    this.relabel = relabel;
    this.svg = null; // the drawing in the page
    this.managed = []; // its elements the player toggles (graph.indexSvg)
    this.last = null; // the state drawn last
    // (The exported player draws steps only: it has neither.)
    this.strip = els.strip ? new ResultStrip(els.strip) : null;
    this.table = els.tableBox ? new WireTable(els.tableBox, els.tableToggle) : null;
  }

  draw(state) {
    const last = this.last || {}; // the first draw draws every part
    this.last = state;
    // An example or a link set the program; typing has already put it in the editor.
    if (state.program !== last.program && state.program !== this.editor.text) this.editor.text = state.program;
    const language = state.language !== last.language;
    if (language) this.drawLanguage(state);
    const answer = language || state.result !== last.result || state.empty !== last.empty;
    if (state.precision !== last.precision || state.fold !== last.fold) this.drawOptions(state);
    if (answer) this.drawAnswer(state);
    if (answer || state.error !== last.error) {
      this.drawInputs(state);
      this.drawMessage(state);
    }
    if (answer || state.step !== last.step || state.playing !== last.playing) this.drawStep(state, last);
    if (answer || state.hovered !== last.hovered || state.pinned !== last.pinned) this.drawSelection(state);
    this.els.busy.hidden = !state.busy;
    document.body.dataset.status = state.status; // tests and CSS wait on it
    // Fitting reads the layout: once, after every change above is made.
    if (answer && this.svg) this.viewport.attach(this.svg);
  }

  drawLanguage({ language }) {
    document.documentElement.lang = language;
    document.title = t("page.title");
    translateStatic(document.body);
    this.relabel();
  }

  // The display options a link may set (the controls show them).
  drawOptions({ precision, fold }) {
    const { els } = this;
    if (![...els.precision.options].some((option) => option.value === String(precision))) {
      els.precision.append(new Option(String(precision)));
    }
    els.precision.value = String(precision);
    els.fold.checked = fold;
  }

  drawAnswer({ result, model, empty, precision }) {
    const { els } = this;
    const arrays = model ? hasArrays(model) : false; // wider side column, taller explanation
    document.body.classList.toggle("has-arrays", arrays);
    els.player.classList.toggle("has-arrays", arrays);
    els.graph.classList.toggle("is-empty", empty);
    if (result && result.svg) {
      this.svg = graph.insertSvg(els.canvas, result.svg, graphAlt(result, model));
      this.managed = graph.indexSvg(this.svg);
      this.showNote(null);
    } else if (result || empty) {
      els.canvas.replaceChildren();
      this.svg = null;
      this.managed = [];
      this.viewport.detach();
      // The server says why it could not draw in English only (render_error has no code).
      const why = result && (result.render_error ? result.render_error.message : t("graph.no_drawing"));
      this.showNote(result ? t("graph.not_drawn", { why }) : t("graph.empty"));
    }
    this.strip.draw(result, precision);
    this.table.build(model, result, precision);
    for (const [id, key] of Object.entries(EXPORTS)) els.exports[id].disabled = !result || !result[key];
  }

  // The fields of the answer's inputs; while the program fails, those of the
  // error when it names them (the program parsed), else the fields stay.
  drawInputs({ result, error, empty, values, precision }) {
    const output = result ? outputName(result) : "f";
    const gradients = result ? result.gradients : {};
    if (error && error.inputs) {
      this.inputs.draw({ names: error.inputs, values, gradients, precision, output, hinted: hintedInput(error) });
    } else if (!error && (result || empty)) {
      const names = result ? result.inputs || [] : [];
      this.inputs.draw({ names, values, used: usedValues(result), gradients, precision, output });
    }
  }

  // The error of the last request (the last good graph stays, dimmed), else the answer's warnings.
  drawMessage({ error, result }) {
    const { els } = this;
    els.graph.classList.toggle("is-stale", Boolean(error));
    this.editor.setError(error ? error.span : null);
    if (error) {
      const { message, hint } = errorText(error);
      const where = error.where ? t("error.where", error.where) : "";
      const named = hintedInput(error);
      let go = null;
      if (hint && named && this.inputs.has(named)) {
        go = h("button", "hint-go", t("error.edit_input", { name: named }));
        go.type = "button";
        go.addEventListener("click", () => this.inputs.focus(named));
      }
      els.message.replaceChildren(h("p", "error-text", message + where), hint ? h("p", "hint-text", hint) : null, go);
      els.message.className = "message is-error";
      return;
    }
    const warnings = result ? warningTexts(result) : [];
    els.message.className = warnings.length ? "message is-warning" : "message";
    els.message.replaceChildren(...warnings.map((text) => h("p", "warning-text", text)));
  }

  drawStep({ model, result, step, playing, precision }, last = {}) {
    const { els } = this;
    const total = model ? model.total : 0;
    const counter = t("step.counter", { k: model ? step : 0, total });
    els.scrubber.max = String(total);
    els.scrubber.value = String(step);
    els.scrubber.disabled = total === 0;
    els.scrubber.setAttribute("aria-valuetext", counter);
    els.counter.textContent = counter;
    els.playLabel.textContent = t(playing ? "player.pause" : "player.play");
    els.play.classList.toggle("is-playing", playing);
    els.player.classList.toggle("is-empty", !model);
    if (!model) {
      els.explain.replaceChildren();
      return;
    }
    const view = visibleAt(model, step);
    graph.applyView(this.managed, view);
    els.explain.replaceChildren(...explanation(model, view, { result, precision }));
    if (this.table) this.table.update(model, view);
    // Screen readers hear each step the reader (or the player) moves to, not a new graph's first draw.
    if (els.announce && last.model === model && step !== last.step) {
      els.announce.textContent = t("step.announce", { counter, phase: phaseTitle(model, step) });
    }
  }

  drawSelection(state) {
    const target = selectedTarget(state);
    const { model } = state;
    if (this.svg) graph.setHover(this.svg, target && model ? graph.idsForTarget(model, target) : []);
    // In one column the panel is above the graph: were it to follow the pointer over the
    // graph, its new height would move the graph from under the pointer.  There it
    // follows clicks (and the caret) only.
    const fromGraph = state.hovered && state.hovered.from === "graph";
    const described = fromGraph && ONE_COLUMN.matches ? state.pinned : target;
    const describe = (what) => describeTarget(model, what, { result: state.result, precision: state.precision });
    this.editor.setHighlight(target && model ? describe(target).span : null);
    this.els.details.replaceChildren(...(described && model ? describe(described).content
      : [h("p", "muted", t("details.none"))]));
  }

  showNote(text) {
    this.els.note.hidden = !text;
    this.els.note.textContent = text || "";
  }
}

// The input an error's hint names (a shape error: "x needs as many entries as ..."), or null.
function hintedInput(error) {
  return (error.hint && error.hint.params && error.hint.params.name) ?? null;
}

// The drawing's text alternative: what it is, and where its numbers are in words.
function graphAlt(result, model) {
  const gates = model.nodes.filter((node) => node.kind === "op" && node.drawn !== false).length;
  return t("graph.alt", { out: outputName(result), gates, inputs: (result.inputs || []).length });
}
