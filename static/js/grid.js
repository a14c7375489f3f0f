// A small grid editor for an input's value, beside its text: one cell per
// entry (a number is one cell, a vector one row, a matrix its rows), and
// buttons that add or remove the last row or column.  Every change writes the
// value back as the field's text ([1, 2] or [[1, 2], [3, 4]]), which stays the
// one place the value lives.  Plain text inputs and buttons: usable from the
// keyboard, each labelled with its name and place.

import { h } from "./dom.js";
import { entryCount, shapeOf, shapeText } from "./format.js";
import { parseNumber, readValue, valueText } from "./hashstate.js";
import { t } from "./i18n.js";

// Larger values are edited as text (the grid would be a wall of fields).
export const MAX_GRID_ENTRIES = 400;
const NEW_ENTRY = 0;

// {dims: 0 (a number), 1 (a vector) or 2 (a matrix), rows: [[...], ...]} of a value.
export function toGrid(value) {
  if (!Array.isArray(value)) return { dims: 0, rows: [[value]] };
  if (!Array.isArray(value[0])) return { dims: 1, rows: [[...value]] };
  return { dims: 2, rows: value.map((row) => [...row]) };
}

export function fromGrid({ dims, rows }) {
  if (dims === 0) return rows[0][0];
  if (dims === 1) return [...rows[0]];
  return rows.map((row) => [...row]);
}

// The grid with a row or a column added (a number becomes a vector, a vector a matrix) or removed.
export function reshaped(grid, change) {
  const rows = grid.rows.map((row) => [...row]);
  const cols = rows[0].length;
  let { dims } = grid;
  if (change === "add-row") {
    rows.push(new Array(cols).fill(NEW_ENTRY));
    dims = 2;
  } else if (change === "remove-row" && rows.length > 1) {
    rows.pop();
  } else if (change === "add-col") {
    for (const row of rows) row.push(NEW_ENTRY);
    dims = Math.max(dims, 1);
  } else if (change === "remove-col" && cols > 1) {
    for (const row of rows) row.pop();
  }
  return { dims, rows };
}

export class GridEditor {
  // onText(text): the grid changed the value; `text` is the field's new text.
  constructor(name, { onText }) {
    this.name = name;
    this.onText = onText;
    this.grid = null;
    this.cells = h("div", "grid-cells");
    this.note = h("p", "hint grid-note");
    this.shape = h("span", "grid-shape");
    this.buttons = {};
    const bar = h("div", "grid-buttons");
    for (const change of ["add-row", "remove-row", "add-col", "remove-col"]) {
      const button = h("button");
      button.type = "button";
      button.dataset.change = change;
      button.addEventListener("click", () => this.change(change));
      this.buttons[change] = button;
      bar.append(button);
    }
    bar.append(this.shape);
    this.element = h("div", "grid-editor", this.cells, bar, this.note);
    this.element.hidden = true;
    this.element.id = `grid-${name}`;
    this.element.setAttribute("role", "group");
    this.relabel();
  }

  get isOpen() {
    return !this.element.hidden;
  }

  // Show the grid of the field's text (a text that does not read leaves a note instead).
  open(text) {
    this.element.hidden = false;
    this.sync(text);
  }

  close() {
    this.element.hidden = true;
  }

  // The field's text changed elsewhere (typed, or a link): follow it, unless
  // a cell is being typed in (the grid wrote that text itself).
  sync(text) {
    const typing = this.element.contains(document.activeElement) && document.activeElement.tagName === "INPUT";
    if (!this.isOpen || typing) return;
    const read = readValue(text);
    if (read.error) {
      this.show(null, t("grid.unreadable", { name: this.name }));
    } else if (entryCount(read.value) > MAX_GRID_ENTRIES) {
      this.show(null, t("grid.too_large", { name: this.name, n: entryCount(read.value) }));
    } else {
      this.show(toGrid(read.value), "");
    }
  }

  show(grid, note) {
    this.grid = grid;
    this.note.textContent = note;
    this.note.hidden = !note;
    this.cells.replaceChildren(grid ? this.table(grid) : "");
    const rows = grid ? grid.rows.length : 0;
    const cols = grid ? grid.rows[0].length : 0;
    this.buttons["add-row"].disabled = !grid || (rows + 1) * cols > MAX_GRID_ENTRIES;
    this.buttons["add-col"].disabled = !grid || rows * (cols + 1) > MAX_GRID_ENTRIES;
    this.buttons["remove-row"].disabled = !grid || rows <= 1;
    this.buttons["remove-col"].disabled = !grid || cols <= 1;
    this.relabel();
    this.shape.textContent = grid ? shapeText(shapeOf(fromGrid(grid))) : "";
  }

  // The words, in the page's language (again after a change of language).
  relabel() {
    for (const [change, button] of Object.entries(this.buttons)) {
      const key = `grid.${change.replace("-", "_")}`;
      button.textContent = t(key);
      button.setAttribute("aria-label", t(`${key}_label`, { name: this.name }));
    }
    this.element.setAttribute("aria-label", t("inputs.grid", { name: this.name }));
    if (this.grid) {
      const cells = this.cells.querySelectorAll("input");
      const cols = this.grid.rows[0].length;
      cells.forEach((cell, i) => cell.setAttribute("aria-label", this.cellLabel(this.grid, Math.floor(i / cols), i % cols)));
    }
  }

  table(grid) {
    const table = document.createElement("table");
    const body = table.createTBody();
    grid.rows.forEach((row, r) => {
      const tr = body.insertRow();
      row.forEach((entry, c) => {
        const cell = h("input");
        cell.type = "text";
        cell.inputMode = "decimal";
        cell.autocomplete = "off";
        cell.spellcheck = false;
        cell.value = String(entry);
        cell.setAttribute("aria-label", this.cellLabel(grid, r, c));
        cell.addEventListener("input", () => this.edited(cell, r, c));
        tr.insertCell().append(cell);
      });
    });
    return table;
  }

  cellLabel(grid, r, c) {
    if (grid.dims === 0) return t("grid.number", { name: this.name });
    if (grid.dims === 1) return t("grid.entry_vector", { name: this.name, n: c + 1 });
    return t("grid.entry", { name: this.name, row: r + 1, col: c + 1 });
  }

  edited(cell, r, c) {
    const number = parseNumber(cell.value);
    cell.classList.toggle("is-invalid", number === null);
    cell.setAttribute("aria-invalid", String(number === null));
    if (number === null || !this.grid) return;
    this.grid.rows[r][c] = number;
    this.onText(valueText(fromGrid(this.grid)));
  }

  change(change) {
    if (!this.grid) return;
    this.show(reshaped(this.grid, change), "");
    this.onText(valueText(fromGrid(this.grid)));
  }
}
