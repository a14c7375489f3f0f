// The input fields: one per input of the program, in the engine's order, each
// with its gradient beside it.  A field keeps its element (and so its focus
// and text) while its name stays in the program; what a field's text means is
// read by hashstate.readValue, and a problem is said under the field.

import { valueView } from "./arrays.js";
import { formatFull, isArrayValue, isSummary, shapeOf, shapeText } from "./format.js";
import { parseValue, readValue, valueText } from "./hashstate.js";
import { t } from "./i18n.js";
import { DEFAULT_VALUE } from "./state.js";

const own = (object, key) => (object && Object.hasOwn(object, key) ? object[key] : undefined);

export class InputFields {
  // onValue(name, value) runs when a field holds a valid value after an edit.
  constructor(container, hint, { onValue }) {
    this.container = container;
    this.hint = hint;
    this.onValue = onValue;
    this.rows = new Map(); // name -> {row, field, grad, problem, error}
  }

  // Show the inputs of an answer (null: no program).  `values` (a Map) are the
  // user's, for a field that appears; `output` names the output in the hint.
  draw(result, values, precision, output) {
    const names = result ? result.inputs || [] : [];
    const used = new Map();
    for (const node of result ? result.nodes : []) {
      // A large array comes back as a summary: its field keeps the text it has.
      if (node.kind === "input" && !node.literal && !isSummary(node.value)) used.set(node.name, node.value);
    }
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
      // A field shows the value the engine used (a link or an example may have
      // changed it), except while someone is typing in it.
      const value = used.get(name);
      if (value !== undefined && row.field !== document.activeElement
          && valueText(parseValue(row.field.value)) !== valueText(value)) {
        row.field.value = valueText(value);
        showProblem(row, null);
      }
      sizeField(row.field);
      const grad = own(result.gradients, name);
      row.row.classList.toggle("is-array", isArrayValue(value ?? grad));
      showGrad(row, grad, precision);
      showProblem(row, row.error); // in the page's language
    });
    this.hint.textContent = names.length ? t("inputs.hint", { out: output }) : t("inputs.none");
  }

  makeRow(name, value) {
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
    grad.title = t("inputs.grad");
    const problem = document.createElement("p");
    problem.className = "input-problem";
    problem.id = `problem-${name}`;
    problem.hidden = true;
    field.setAttribute("aria-describedby", problem.id);
    const entry = { row, field, grad, problem, error: null };
    field.addEventListener("input", () => {
      const read = readValue(field.value);
      sizeField(field);
      showProblem(entry, read.error || null);
      if (!read.error) this.onValue(name, read.value);
    });
    row.append(label, field, grad, problem);
    return entry;
  }
}

// An input's gradient beside its field: a number, a small aligned array, or
// for a larger array its shape and first entries (the whole array in the tooltip).
function showGrad(row, grad, precision) {
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
