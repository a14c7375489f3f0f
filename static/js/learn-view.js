// What the learning modes add to the page's one redraw path (view.js calls
// these from View.draw): what is hidden in learner and practice mode (the
// figure's labels, the result strip, the inputs' gradients, the side panel),
// practice's questions in the step panel, the gradient check beside the
// gradients, forward mode's tangents on the figure, and the "Learn by doing"
// panel.  The page's exported player has none of this (View works without it).

import { checkMark, checkRows } from "./checkview.js";
import { h } from "./dom.js";
import { t } from "./i18n.js";
import { LearnPanel } from "./learn-panel.js";
import { figureView, inputNode, revealAt } from "./learner.js";
import { decoratePractice } from "./practice-view.js";
import { drawTangentOverlay } from "./tangents.js";

// Fields a person types into (a practice field does not take the focus from them).
const isTyping = (el) => el && (el.tagName === "TEXTAREA"
  || (el.tagName === "INPUT" && ["text", "number", "search", ""].includes(el.getAttribute("type") || "")));

export class LearnView {
  // panel: the side column's <section> for the modes; handlers: LearnPanel's,
  // and practice's {check(id, text), reveal(id), next()}.
  constructor(panel, handlers) {
    this.panel = new LearnPanel(panel, handlers);
    this.handlers = handlers;
    this.focus = null; // the practice question to focus after the next redraw
    this.memo = { state: null, reveal: null };
    this.overlay = { svg: null, tangents: undefined, precision: null };
  }

  // learner.revealAt, once per state.
  reveal(state) {
    if (this.memo.state !== state) this.memo = { state, reveal: revealAt(state) };
    return this.memo.reveal;
  }

  // Whether a change of step changes more than the figure (strip, inputs, side panel).
  hidesByStep(state) {
    return this.reveal(state) !== null || (state.learn && state.learn.mode === "practice");
  }

  figureView(state, view) {
    return figureView(state, view);
  }

  // The step panel was drawn: practice puts its questions in, and takes the
  // focus when the step changed (unless a field elsewhere has it) or after an answer.
  explained(state, container, stepChanged) {
    if (!state.learn || state.learn.mode !== "practice") return;
    let focus = this.focus;
    this.focus = null;
    const active = document.activeElement;
    const typingElsewhere = isTyping(active) && !container.contains(active);
    if (!focus && stepChanged && !typingElsewhere) focus = "arrived";
    decoratePractice(container, state, {
      check: (id, text) => this.practiced(id, () => this.handlers.practiceCheck(id, text)),
      reveal: (id) => this.practiced(id, () => this.handlers.practiceReveal(id)),
      next: () => this.handlers.practiceNext(),
    }, focus);
  }

  practiced(id, action) {
    this.focus = id;
    action();
    this.focus = null;
  }

  // The inputs' gradients: a "?" until the steps reach them, and the check beside them.
  decorateInputs(state, inputs) {
    const { result, model } = state;
    if (!result || !model) return;
    const reveal = this.reveal(state);
    const check = state.learn && state.learn.check && result.check ? result.check : null;
    for (const name of result.inputs || []) {
      const row = inputs.rows.get(name);
      if (!row) continue;
      const shown = !reveal || reveal.grad(inputNode(model, name));
      let pending = row.row.querySelector(":scope > .learn-pending");
      if (!pending) {
        pending = h("span", "learn-pending", t("learn.pending"));
        row.grad.after(pending);
      }
      pending.textContent = t("learn.pending");
      pending.title = t("learn.pending_title");
      pending.hidden = shown;
      row.grad.hidden = !shown;
      const old = row.row.querySelector(":scope > .input-check");
      if (old) old.remove();
      if (check && shown) pending.after(h("span", "input-check", checkMark(check[name], state.precision)));
    }
  }

  // More for the side panel: the check of a node's gradient (when it is shown).
  selectionExtras(state, target) {
    if (!state.learn || !state.learn.check || !state.result || !state.result.check || !state.model) return [];
    const nodeId = target.edge === "out" ? state.model.outputNode : target.node;
    if (nodeId === undefined) return [];
    const reveal = this.reveal(state);
    if (reveal && !reveal.grad(nodeId)) return [];
    return checkRows(state.result, nodeId, state.precision);
  }

  // The panel, and forward mode's boxes on a drawing (`svg`).
  draw(state, svg) {
    if (!state.learn) return;
    document.body.dataset.learn = state.learn.mode; // CSS and tests read the mode here
    this.panel.draw(state);
    const tangents = state.learn.mode === "tangents" && state.result ? state.result.tangents || null : null;
    const o = this.overlay;
    if (svg !== o.svg || tangents !== o.tangents || state.precision !== o.precision) {
      this.overlay = { svg, tangents, precision: state.precision };
      drawTangentOverlay(svg, state.model, tangents, state.precision);
    }
  }
}
