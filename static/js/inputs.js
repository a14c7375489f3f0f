// The input fields: one per input of the program, in the engine's order, each
// with its gradient beside it and a grid editor for vectors and matrices
// (grid.js).  The fields come from a good answer, or from an error's `inputs`
// (the program parsed but could not be evaluated: its inputs still get their
// fields, so a program that needs arrays can be given them).  A field keeps its
// element (and so its focus and text) while its name stays in the program;
// what a field's text means is read by hashstate.readValue, and a problem is
// said under the field.  The input an error's hint names is marked.

import { valueView } from "./arrays.js";
import { formatFull, isArrayValue, shapeOf, shapeText } from "./format.js";
import { GridEditor } from "./grid.js";
import { parseValue, readValue, valueText } from "./hashstate.js";
import { h } from "./dom.js";
import { t } from "./i18n.js";
import { DEFAULT_VALUE } from "./state.js";

const own = (object, key) => (object && Object.hasOwn(object, key) ? object[key] : undefined);

export class InputFields {
  // onValue(name, value) runs when a field holds a valid value after an edit.
  constructor(container, hint, { onValue }) {
    this.container = container;
    this.hint = hint;
    this.onValue = onValue;
    this.rows = new Map(); // name -> {row, field, toggle, gradLabel, grad, problem, grid, error}
  }

  // Show the fields of `names` (in order).  `values` (a Map) are the user's,
  // for a field that appears; `used` the values the engine used (a field shows
  // them unless someone is typing in it); `gradients` the answer's;  `output`
  // names the output in the hint; `hinted` is the input an error's hint names.
  draw({ names, values, used = new Map(), gradients = {}, precision, output, hinted = null }) {
    const keep = new Set(names);
    for (const [name, row] of this.rows) {
      if (!keep.has(name)) {
        row.row.remove();
        this.rows.delete(name);
      }
    }
    names.forEach((name, index) => {
      let row = this.rows.get(name);
      if (!row) {
        row = this.makeRow(name, values.has(name) ? values.get(name) : used.get(name) ?? DEFAULT_VALUE);
        this.rows.set(name, row);
      }
      const here = this.container.children[index];
      if (here !== row.row) this.container.insertBefore(row.row, here || null);
      const value = used.get(name);
      if (value !== undefined && row.field !== document.activeElement
          && valueText(parseValue(row.field.value)) !== valueText(value)) {
        row.field.value = valueText(value);
        showProblem(row, null);
        row.grid.sync(row.field.value);
      }
      sizeField(row.field);
      const grad = own(gradients, name);
      row.row.classList.toggle("is-array", isArrayValue(value ?? grad));
      showGrad(row, grad, precision, `d${output}/d${name}`);
      showProblem(row, row.error); // in the page's language
      const isHinted = name === hinted;
      row.field.classList.toggle("is-hinted", isHinted);
      row.field.setAttribute("aria-describedby", isHinted ? `${row.problem.id} message` : row.problem.id);
      row.toggle.setAttribute("aria-label", t("inputs.grid", { name }));
      row.toggle.title = t("inputs.grid", { name });
      row.grid.relabel();
    });
    this.hint.textContent = names.length ? t("inputs.hint", { out: output }) : t("inputs.none");
  }

  // Put the focus in a field (the hint's "Edit x").
  focus(name) {
    const row = this.rows.get(name);
    if (row) row.field.focus();
  }

  has(name) {
    return this.rows.has(name);
  }

  makeRow(name, value) {
    const row = h("div", "input-row");
    const label = h("label", "input-name", name);
    const field = h("input");
    field.type = "text";
    field.inputMode = "decimal";
    field.spellcheck = false;
    field.autocomplete = "off";
    field.value = valueText(value);
    field.dataset.name = name;
    field.id = `input-${name}`;
    label.htmlFor = field.id;
    const toggle = h("button", "input-grid-toggle", "\u25A6");
    toggle.type = "button";
    toggle.setAttribute("aria-expanded", "false");
    const gradLabel = h("span", "visually-hidden");
    const grad = h("span", "input-grad");
    const problem = h("p", "input-problem");
    problem.id = `problem-${name}`;
    problem.hidden = true;
    const entry = { row, field, toggle, gradLabel, grad, problem, grid: null, error: null };
    const changed = () => {
      const read = readValue(field.value);
      sizeField(field);
      showProblem(entry, read.error || null);
      if (!read.error) this.onValue(name, read.value);
    };
    entry.grid = new GridEditor(name, {
      onText: (text) => {
        field.value = text;
        changed();
      },
    });
    toggle.setAttribute("aria-controls", entry.grid.element.id);
    toggle.addEventListener("click", () => {
      const open = !entry.grid.isOpen;
      if (open) entry.grid.open(field.value);
      else entry.grid.close();
      toggle.setAttribute("aria-expanded", String(open));
    });
    field.addEventListener("input", () => {
      changed();
      entry.grid.sync(field.value);
    });
    row.append(label, field, toggle, gradLabel, grad, problem, entry.grid.element);
    return entry;
  }
}

// An input's gradient beside its field: a number, a small aligned array, or
// for a larger array its shape and first entries (the whole array in the
// tooltip); screen readers hear "gradient df/dx:" before it.
function showGrad(row, grad, precision, name) {
  row.gradLabel.textContent = grad === undefined ? "" : t("inputs.grad_label", { name });
  if (grad === undefined) {
    row.grad.replaceChildren();
    row.grad.title = "";
    return;
  }
  row.grad.replaceChildren(valueView(grad, precision, { limit: 6 }));
  row.grad.title = isArrayValue(grad)
    ? t("inputs.grad_array", { shape: shapeText(shapeOf(grad)), value: formatFull(grad, precision) })
    : t("inputs.grad");
}

// A field is as wide as its text (within the column), so a matrix is readable.
function sizeField(field) {
  field.size = Math.max(8, Math.min(40, field.value.length + 1));
  field.title = field.value.length > 12 ? field.value : "";
}

// What is wrong with a field's text, in words under it: {code, params} of
// hashstate.readValue, or null (nothing).
function showProblem(row, error) {
  row.error = error;
  row.field.classList.toggle("is-invalid", Boolean(error));
  row.field.setAttribute("aria-invalid", String(Boolean(error)));
  row.problem.textContent = error ? t(error.code, error.params) : "";
  row.problem.hidden = !error;
}
