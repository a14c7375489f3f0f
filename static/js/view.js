// Draws the page from the state (state.js): the one redraw path.  draw(state)
// compares with the state it drew last and redraws only the parts whose data
// changed: the answer (drawing, result strip, inputs, exports), the message,
// the step (the player's controls, the figure's classes, the explanation) and
// the selection (hover marks, the side panel).  Everything is shown by
// toggling CSS classes or replacing a panel's children.  A new language
// redraws every part (and the page's own markup, through i18n.js).  The
// learning modes (learn-view.js, given as `learn`) hide what the steps have
// not reached, ask questions, and add the check and the tangents; without it
// (the exported player) everything is shown.

import { describeTarget } from "./details.js";
import { h } from "./dom.js";
import { formatFull, formatValue, isArrayValue } from "./format.js";
import * as graph from "./graph.js";
import { t, translateStatic } from "./i18n.js";
import { errorText, warningTexts } from "./messages.js";
import { explanation, hasArrays, outputName } from "./panels.js";
import { selectedTarget } from "./state.js";
import { visibleAt } from "./timeline.js";

const EXPORTS = { "download-svg": "svg", "download-png": "svg", "download-dot": "dot", "download-html": "svg" };
// The result strip writes arrays of up to this many entries in full.
const STRIP_ARRAY = 3;

export class View {
  // `relabel()` runs after a change of language (the controls' own labels).
  constructor(els, { editor, viewport, inputs, relabel = () => {}, learn = null }) {
    this.els = els;
    this.editor = editor;
    this.viewport = viewport;
    this.inputs = inputs;
    this.relabel = relabel;
    this.learn = learn;
    this.svg = null; // the drawing in the page
    this.managed = []; // its elements the player toggles (graph.indexSvg)
    this.last = null; // the state drawn last
  }

  draw(state) {
    const last = this.last || {}; // the first draw draws every part
    this.last = state;
    // An example or a link set the program; typing has already put it in the editor.
    if (state.program !== last.program && state.program !== this.editor.text) this.editor.text = state.program;
    const language = state.language !== last.language;
    if (language) this.drawLanguage(state);
    const answer = language || state.result !== last.result || state.empty !== last.empty;
    if (answer) this.drawAnswer(state);
    if (answer || state.error !== last.error) this.drawMessage(state);
    const learn = learnMoved(state.learn, last.learn);
    const stepped = state.step !== last.step;
    if (answer || stepped || state.playing !== last.playing || learn) this.drawStep(state, stepped);
    const hides = this.learn !== null && (this.learn.hidesByStep(state) || this.learn.hidesByStep(last));
    if (answer || learn || (stepped && hides)) this.drawReveal(state);
    if (answer || state.hovered !== last.hovered || state.pinned !== last.pinned || learn || (stepped && hides)) {
      this.drawSelection(state);
    }
    if (this.learn) this.learn.draw(state, this.svg);
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

  drawAnswer({ result, model, empty, values, precision }) {
    const { els } = this;
    const arrays = model ? hasArrays(model) : false; // wider side column, taller explanation
    document.body.classList.toggle("has-arrays", arrays);
    els.player.classList.toggle("has-arrays", arrays);
    els.graph.classList.toggle("is-empty", empty);
    if (result && result.svg) {
      this.svg = graph.insertSvg(els.canvas, result.svg, t("graph.aria"));
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
    if (result || empty) this.inputs.draw(result, values, precision, result ? outputName(result) : "f");
    for (const [id, key] of Object.entries(EXPORTS)) els.exports[id].disabled = !result || !result[key];
  }

  // The error of the last request (the last good graph stays, dimmed), else the answer's warnings.
  drawMessage({ error, result }) {
    const { els } = this;
    els.graph.classList.toggle("is-stale", Boolean(error));
    this.editor.setError(error ? error.span : null);
    if (error) {
      const { message, hint } = errorText(error);
      const where = error.where ? t("error.where", error.where) : "";
      els.message.replaceChildren(h("p", "error-text", message + where), hint ? h("p", "hint-text", hint) : null);
      els.message.className = "message is-error";
      return;
    }
    const warnings = result ? warningTexts(result) : [];
    els.message.className = warnings.length ? "message is-warning" : "message";
    els.message.replaceChildren(...warnings.map((text) => h("p", "warning-text", text)));
  }

  // The result strip and the inputs' gradients (hidden ahead of the steps in learner mode).
  drawReveal(state) {
    const { result, precision } = state;
    const reveal = this.learn && state.model ? this.learn.reveal(state) : null;
    this.els.strip.replaceChildren(...(result ? stripParts(result, precision, reveal, state.model) : []));
    if (this.learn) this.learn.decorateInputs(state, this.inputs);
  }

  drawStep(state, stepped = false) {
    const { model, result, step, playing, precision } = state;
    const { els } = this;
    const total = model ? model.total : 0;
    els.scrubber.max = String(total);
    els.scrubber.value = String(step);
    els.scrubber.disabled = total === 0;
    els.counter.textContent = t("step.counter", { k: model ? step : 0, total });
    els.playLabel.textContent = t(playing ? "player.pause" : "player.play");
    els.play.classList.toggle("is-playing", playing);
    els.player.classList.toggle("is-empty", !model);
    if (!model) {
      els.explain.replaceChildren();
      return;
    }
    const view = this.learn ? this.learn.figureView(state, visibleAt(model, step)) : visibleAt(model, step);
    graph.applyView(this.managed, view);
    els.explain.replaceChildren(...explanation(model, view, { result, precision }));
    if (this.learn) this.learn.explained(state, els.explain, stepped);
  }

  drawSelection(state) {
    const target = selectedTarget(state);
    const { model } = state;
    if (this.svg) graph.setHover(this.svg, target && model ? graph.idsForTarget(model, target) : []);
    if (!target || !model) {
      this.editor.setHighlight(null);
      this.els.details.replaceChildren(h("p", "muted", t("details.none")));
      return;
    }
    const reveal = this.learn ? this.learn.reveal(state) : null;
    const info = describeTarget(model, target, { result: state.result, precision: state.precision, reveal });
    if (this.learn) info.content.push(...this.learn.selectionExtras(state, target));
    this.editor.setHighlight(info.span);
    this.els.details.replaceChildren(...info.content);
  }

  showNote(text) {
    this.els.note.hidden = !text;
    this.els.note.textContent = text || "";
  }
}

// Whether the learning modes changed what the figure and the panels show
// (their settings alone, a learning rate being typed, change nothing there).
function learnMoved(a, b) {
  if (!a || !b) return a !== b;
  return a.mode !== b.mode || a.check !== b.check || a.practice !== b.practice || a.tangent !== b.tangent;
}

// "f = -12.00  df/dx = -4.00 …": the output and the gradient of each input;
// an array in one short line, the whole of it in the tooltip.  With `reveal`
// (learner mode), what the steps have not reached yet is a "?".
function stripParts(result, precision, reveal = null, model = null) {
  const name = outputName(result);
  const nodeOf = (input) => model.nodes.find((n) => n.kind === "input" && n.name === input).id;
  const shown = (value, className, visible = true) => {
    if (!visible) {
      const pending = h("span", `${className} learn-pending`, t("learn.pending"));
      pending.title = t("learn.pending_title");
      return pending;
    }
    const array = isArrayValue(value);
    const span = h("span", array ? `${className} is-array` : className, formatValue(value, precision, STRIP_ARRAY));
    if (array) span.title = formatFull(value, precision);
    return span;
  };
  const parts = [h("span", "strip-name", `${name} = `),
    shown(result.output.value, "strip-value", !reveal || reveal.value(result.output.node))];
  for (const input of result.inputs || []) {
    if (!Object.hasOwn(result.gradients || {}, input)) continue;
    parts.push(h("span", "strip-name strip-gap", `d${name}/d${input} = `));
    parts.push(shown(result.gradients[input], "strip-grad", !reveal || reveal.grad(nodeOf(input))));
  }
  return parts;
}
