// The figure as a table, for screen readers (and for anyone, once shown): one
// row per wire of the figure with its value and its gradient as the current
// step shows them ("not yet" for what the player has not revealed), the rows
// of the current step marked, and the step in the caption.  Built once per
// answer; each step only rewrites the cells whose text changed, so a graph of
// thousands of wires still steps quickly.

import { h } from "./dom.js";
import { gateLabel } from "./explain-data.js";
import { formatValue } from "./format.js";
import { t } from "./i18n.js";
import { outputName, phaseTitle } from "./panels.js";
import { svgIds } from "./timeline.js";

// Arrays of up to this many entries are written in full in a cell.
const CELL_ARRAY = 12;

export class WireTable {
  // box: the scroll box (visually hidden until shown); toggle: its button.
  constructor(box, toggle) {
    this.box = box;
    this.toggle = toggle;
    this.caption = box.querySelector("caption");
    this.body = box.querySelector("tbody");
    this.rows = []; // {key, row, wireCell, valueCell, gradCell, value, grad, texts}
    toggle.addEventListener("click", () => this.show(toggle.getAttribute("aria-expanded") !== "true"));
  }

  show(shown) {
    this.toggle.setAttribute("aria-expanded", String(shown));
    this.box.classList.toggle("visually-hidden", !shown);
    this.box.classList.toggle("is-shown", shown);
    // Shown, its scroll box takes the focus (keyboard scrolling); hidden, nothing of it does.
    if (shown) this.box.tabIndex = 0;
    else this.box.removeAttribute("tabindex");
  }

  // A new answer (or none): one row per wire the figure draws, and the output's.
  build(model, result, precision) {
    this.rows = [];
    this.precision = precision;
    if (!model) {
      this.body.replaceChildren();
      this.caption.textContent = "";
      return;
    }
    for (const edge of model.edges) {
      if (edge.folded || model.nodes[edge.target].drawn === false) continue;
      const source = model.nodes[edge.source];
      this.rows.push(this.makeRow(edge.id, t("table.wire", { source: source.label ?? source.text,
        gate: gateLabel(model, edge.target) }), edge.value, edge.grad));
    }
    if (model.outputNode !== null) {
      const out = model.nodes[model.outputNode];
      this.rows.push(this.makeRow("out", t("table.output", { name: outputName(result) }), out.value, out.grad));
    }
    this.body.replaceChildren(...this.rows.map((r) => r.row));
  }

  makeRow(key, wire, value, grad) {
    const head = h("th", null, wire);
    head.scope = "row";
    const current = h("span", "visually-hidden", ` ${t("table.current")}`);
    const valueCell = h("td", "wires-value");
    const gradCell = h("td", "wires-grad");
    return { key, row: h("tr", null, head, valueCell, gradCell), current, valueCell, gradCell, value, grad,
      texts: { value: null, grad: null }, active: null };
  }

  // The current step: a visibleAt() view of the model.
  update(model, view) {
    if (!model) return;
    this.caption.textContent = t("table.caption", {
      where: t("step.announce", { counter: t("step.counter", { k: view.k, total: model.total }),
        phase: phaseTitle(model, view.k) }),
    });
    const notYet = t("table.not_yet");
    for (const r of this.rows) {
      const valueShown = view.all || view.shown.has(svgIds.value(r.key));
      const gradShown = view.all || view.shown.has(svgIds.grad(r.key));
      setCell(r, "value", r.valueCell, valueShown ? formatValue(r.value, this.precision, CELL_ARRAY) : notYet, valueShown);
      setCell(r, "grad", r.gradCell, gradShown ? formatValue(r.grad, this.precision, CELL_ARRAY) : notYet, gradShown);
      const active = view.active.has(svgIds.value(r.key)) || view.active.has(svgIds.grad(r.key))
        || view.active.has(svgIds.wire(r.key));
      if (active !== r.active) {
        r.active = active;
        r.row.classList.toggle("is-active", active);
        if (active) r.row.firstChild.append(r.current);
        else r.current.remove();
      }
    }
  }
}

function setCell(r, which, cell, text, known) {
  if (r.texts[which] === text) return;
  r.texts[which] = text;
  cell.textContent = text;
  cell.classList.toggle("is-unknown", !known);
}
