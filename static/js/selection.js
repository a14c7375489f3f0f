// Where the pointer and the caret are: a gate or a wire under the pointer in
// the drawing (hover, click to pin), or the node under the pointer or the
// caret in the program.  The events become state transitions (state.js);
// the view draws the marks and the side panel.

import * as graph from "./graph.js";
import { caretMoved, clicked, pointedAt, targetAtOffset, unhovered } from "./state.js";

// `update(transition, ...args)` applies a transition to the page's state;
// `getState()` reads it; `svg()` is the drawing in the page (or null).
export function setupSelection({ canvas, program, editor, svg, getState, update }) {
  const inDrawing = (event) => (svg() ? graph.targetAt(event.target, svg()) : undefined);

  canvas.addEventListener("mouseover", (event) => {
    const target = inDrawing(event);
    if (target !== undefined) update(pointedAt, target, "graph");
  });
  canvas.addEventListener("mouseleave", () => update(unhovered));
  canvas.addEventListener("click", (event) => {
    const target = inDrawing(event);
    if (target !== undefined) update(clicked, target);
  });

  // The caret (a collapsed selection) in the focused program marks its node.
  const caret = () => {
    if (document.activeElement !== program) return;
    const offset = program.selectionStart === program.selectionEnd ? program.selectionStart : null;
    update(caretMoved, targetAtOffset(getState(), offset));
  };
  document.addEventListener("selectionchange", caret);
  program.addEventListener("mousemove", (event) => {
    update(pointedAt, targetAtOffset(getState(), editor.offsetAt(event.clientX, event.clientY)), "editor");
  });
  program.addEventListener("mouseleave", () => {
    const { hovered } = getState();
    if (hovered && hovered.from === "editor") caret();
  });
  program.addEventListener("blur", () => update(unhovered, "editor"));
}
