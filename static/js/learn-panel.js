// The "Learn by doing" panel in the side column: the mode (explore, learner,
// practice, gradient descent, forward mode; one at a time), the "Check
// gradients" switch, and each mode's own controls.  Like the rest of the page
// it only calls back (main.js turns the calls into transitions) and draws
// from the state; its fields keep their focus and text while a user types
// (a part is rebuilt only when what it shows changed).

import { lineChart } from "./chart.js";
import { checkSummary } from "./checkview.js";
import { chosenParams, movableInputs } from "./descent.js";
import { h } from "./dom.js";
import { entryCount, formatNumber, isArrayValue } from "./format.js";
import { t } from "./i18n.js";
import { MODES } from "./learner.js";
import { engineMessage, errorText } from "./messages.js";
import { outputName } from "./panels.js";
import { tangentTable } from "./tangents.js";

let uid = 0;
const id = (name) => `learn-${name}-${(uid += 1)}`;

function button(className, key, onClick) {
  const b = h("button", className, t(key));
  b.type = "button";
  b.addEventListener("click", onClick);
  return b;
}

// A one-line text field that reports each edit's text to onInput.
function textField(fieldId, inputMode, size, onInput) {
  const field = document.createElement("input");
  field.type = "text";
  field.inputMode = inputMode;
  field.id = fieldId;
  field.size = size;
  field.addEventListener("input", () => onInput(field.value));
  return field;
}

function labelled(text, control) {
  const label = h("label", "learn-field", h("span", "learn-field-name", text), " ", control);
  return label;
}

export class LearnPanel {
  // handlers: {mode(m), check(on), tangent({input, entry}), practiceRestart(),
  //   descentSetting(patch), descentParam(name, on), descentStep(), descentRun(), descentUndo(), descentReset()}
  constructor(container, handlers) {
    this.container = container;
    this.on = handlers;
    this.last = {};
  }

  draw(state) {
    const learn = state.learn;
    const last = this.last;
    this.last = { language: state.language, mode: learn.mode, learn, result: state.result, precision: state.precision };
    if (state.language !== last.language) this.build();
    for (const radio of this.radios) radio.checked = radio.value === learn.mode;
    this.checkBox.checked = learn.check;
    const summary = learn.check ? checkSummary(state.result) : null;
    this.checkLine.textContent = summary || "";
    this.checkLine.hidden = !summary;
    const fresh = state.language !== last.language || learn.mode !== last.mode;
    if (fresh) this.buildMode(learn.mode);
    if (learn.mode === "practice") this.drawPractice(state);
    if (learn.mode === "descent") this.drawDescent(state, fresh ? {} : last);
    if (learn.mode === "tangents") this.drawTangents(state, fresh ? {} : last);
  }

  build() {
    const title = h("h2", null, t("learn.title"));
    title.id = "learn-title";
    const legend = h("legend", "learn-legend", t("learn.mode.legend"));
    const modes = h("fieldset", "mode-switch", legend);
    const name = id("mode");
    this.radios = MODES.map((mode) => {
      const radio = document.createElement("input");
      radio.type = "radio";
      radio.name = name;
      radio.value = mode;
      radio.addEventListener("change", () => { if (radio.checked) this.on.mode(mode); });
      const label = h("label", `mode-option mode-${mode}`, radio, h("span", null, t(`learn.mode.${mode}`)));
      label.title = t(`learn.mode.${mode}_about`);
      modes.append(label);
      return radio;
    });
    this.checkBox = document.createElement("input");
    this.checkBox.type = "checkbox";
    this.checkBox.id = "learn-check";
    this.checkBox.addEventListener("change", () => this.on.check(this.checkBox.checked));
    const check = h("label", "learn-check", this.checkBox, " ", t("learn.check.toggle"));
    this.checkLine = h("p", "learn-check-summary");
    this.body = h("div", "learn-body");
    this.container.replaceChildren(title, modes, check, this.checkLine, this.body);
  }

  buildMode(mode) {
    this.body.replaceChildren(h("p", "learn-about", t(`learn.mode.${mode}_about`)));
    this.parts = {};
    if (mode === "practice") {
      this.parts.score = h("p", "learn-score");
      const restart = button("learn-restart", "learn.practice.restart", () => this.on.practiceRestart());
      this.body.append(this.parts.score, restart);
    }
    if (mode === "descent") this.buildDescent();
    if (mode === "tangents") {
      this.parts.chooser = h("div", "tangent-chooser");
      this.parts.note = h("p", "tangent-cost");
      this.parts.table = h("div", "tangent-list");
      this.body.append(this.parts.chooser, this.parts.note, this.parts.table);
    }
  }

  drawPractice(state) {
    this.parts.score.textContent = t("learn.practice.score", state.learn.practice.score);
  }

  // --- descent -------------------------------------------------------------------------

  buildDescent() {
    const p = this.parts;
    p.params = h("fieldset", "descent-params", h("legend", null, t("learn.descent.params")));
    p.paramBoxes = h("div", "descent-param-list");
    p.params.append(p.paramBoxes);
    p.lr = textField("descent-lr", "decimal", 6, (value) => this.on.descentSetting({ lr: value }));
    p.steps = textField("descent-steps", "numeric", 4, (value) => this.on.descentSetting({ steps: value }));
    const direction = h("fieldset", "descent-direction", h("legend", null, t("learn.descent.direction")));
    const name = id("direction");
    p.directions = [false, true].map((maximize) => {
      const radio = document.createElement("input");
      radio.type = "radio";
      radio.name = name;
      radio.value = maximize ? "max" : "min";
      radio.addEventListener("change", () => { if (radio.checked) this.on.descentSetting({ maximize }); });
      direction.append(h("label", null, radio, " ", t(maximize ? "learn.descent.maximize" : "learn.descent.minimize")));
      return radio;
    });
    // Enter in a field takes a step (Run from the steps field).
    p.lr.addEventListener("keydown", (event) => { if (event.key === "Enter") this.on.descentStep(); });
    p.steps.addEventListener("keydown", (event) => { if (event.key === "Enter") this.on.descentRun(); });
    p.step = button("descent-step", "learn.descent.step", () => this.on.descentStep());
    p.run = button("descent-run", "learn.descent.run", () => this.on.descentRun());
    p.undo = button("descent-undo", "learn.descent.undo", () => this.on.descentUndo());
    p.reset = button("descent-reset", "learn.descent.reset", () => this.on.descentReset());
    p.problem = h("p", "descent-problem");
    p.problem.setAttribute("role", "alert");
    p.status = h("p", "descent-status");
    p.status.setAttribute("aria-live", "polite");
    p.chart = h("div", "descent-chart");
    this.body.append(p.params,
      h("div", "learn-row", labelled(t("learn.descent.lr"), p.lr), direction),
      h("div", "learn-row descent-buttons", p.step, p.run,
        h("label", "learn-field", p.steps, " ", h("span", "learn-field-name", t("learn.descent.steps")))),
      h("div", "learn-row descent-buttons", p.undo, p.reset),
      p.problem, p.status, p.chart);
  }

  drawDescent(state, last) {
    const p = this.parts;
    const { descent } = state.learn;
    const lastDescent = last.learn ? last.learn.descent : {};
    const inputs = movableInputs(state.result);
    if (state.result !== last.result || descent.params !== lastDescent.params) {
      const chosen = new Set(chosenParams(descent, state.result));
      const key = inputs.join("\u0000");
      if (key !== p.inputsKey) {
        p.inputsKey = key;
        p.paramBoxes.replaceChildren(...inputs.map((name) => {
          const box = document.createElement("input");
          box.type = "checkbox";
          box.value = name;
          box.addEventListener("change", () => this.on.descentParam(name, box.checked));
          return h("label", "descent-param", box, " ", h("code", null, name));
        }));
      }
      for (const box of p.paramBoxes.querySelectorAll("input")) box.checked = chosen.has(box.value);
    }
    if (document.activeElement !== p.lr) p.lr.value = descent.lr;
    if (document.activeElement !== p.steps) p.steps.value = descent.steps;
    for (const radio of p.directions) radio.checked = (radio.value === "max") === descent.maximize;
    const busy = Boolean(descent.pending) || !state.result;
    p.step.disabled = busy;
    p.run.disabled = busy;
    p.undo.disabled = busy || !descent.before.length;
    p.reset.disabled = busy || !descent.before.length;
    p.lr.setAttribute("aria-invalid", String(Boolean(descent.problem && descent.problem.code === "learn.descent.problem_rate")));
    p.problem.textContent = descent.problem ? problemText(descent.problem) : "";
    p.problem.hidden = !descent.problem;
    if (descent.points !== lastDescent.points || descent.stopped !== lastDescent.stopped
        || state.precision !== last.precision || state.result !== last.result) {
      this.drawWalk(state);
    }
  }

  drawWalk(state) {
    const p = this.parts;
    const { descent } = state.learn;
    const out = state.result ? outputName(state.result) : "f";
    const format = (x) => formatNumber(x, state.precision);
    const taken = Math.max(0, descent.points.length - 1);
    const lines = [];
    if (taken) {
      lines.push(t("learn.descent.walked", { n: taken, out, from: format(descent.points[0]), to: format(descent.points[taken]) }));
    } else {
      lines.push(t("learn.descent.none"));
    }
    if (descent.stopped) {
      lines.push(engineMessage(descent.stopped.code, descent.stopped.params) ?? descent.stopped.message);
    }
    p.status.textContent = lines.join(" ");
    p.status.classList.toggle("is-stopped", Boolean(descent.stopped));
    const label = t("learn.descent.chart", { out, n: taken });
    p.chart.replaceChildren(lineChart(descent.points, { format, label, xLabel: t("learn.descent.chart_x") }));
  }

  // --- forward mode --------------------------------------------------------------------

  drawTangents(state, last) {
    const p = this.parts;
    const { tangent } = state.learn;
    const { result } = state;
    if (state.result !== last.result || tangent !== (last.learn && last.learn.tangent)) {
      const inputs = movableInputs(result);
      const select = document.createElement("select");
      select.id = "tangent-input";
      for (const name of inputs) select.append(new Option(name, name));
      if (tangent) select.value = tangent.input;
      const node = result && result.nodes.find((n) => n.kind === "input" && n.name === (tangent && tangent.input));
      const size = node && isArrayValue(node.value) ? entryCount(node.value) : 0;
      const parts = [labelled(t("learn.tangents.input"), select)];
      let entry = null;
      if (size > 1) {
        entry = document.createElement("input");
        entry.type = "number";
        entry.min = "0";
        entry.max = String(size - 1);
        entry.id = "tangent-entry";
        entry.value = String(tangent && tangent.entry !== null ? tangent.entry : 0);
        entry.addEventListener("change", () => {
          const k = Number(entry.value);
          if (Number.isInteger(k) && k >= 0 && k < size) this.on.tangent({ input: select.value, entry: k });
        });
        parts.push(labelled(t("learn.tangents.entry", { max: size - 1 }), entry));
      }
      select.addEventListener("change", () => {
        const chosen = result.nodes.find((n) => n.kind === "input" && n.name === select.value);
        this.on.tangent({ input: select.value, entry: chosen && isArrayValue(chosen.value) ? 0 : null });
      });
      const focused = document.activeElement && document.activeElement.id;
      p.chooser.replaceChildren(...parts);
      if (focused === "tangent-input") select.focus();
      else if (focused === "tangent-entry" && entry) entry.focus();
    }
    if (state.result === last.result && tangent === (last.learn && last.learn.tangent)
        && state.precision === last.precision) return;
    const tangents = result && result.tangents;
    const n = movableInputs(result).length;
    p.note.textContent = tangents
      ? t("learn.tangents.cost", { n, input: tangents.input, out: outputName(result) }) : t("learn.tangents.waiting");
    p.table.replaceChildren(tangents && state.model ? tangentTable(state.model, result, tangents, state.precision) : "");
  }
}

// A setting's problem ({code, params} of the page) or a refused request ({error}), in words.
function problemText(problem) {
  if (problem.error) return errorText(problem.error).message;
  return t(problem.code, problem.params);
}
