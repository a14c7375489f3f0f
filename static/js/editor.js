// The program editor: a plain <textarea> over a mirrored backdrop that draws
// the marks (the error's underline, the hovered node's span) under the text.

const MIN_ROWS = 3;
const MAX_ROWS = 16;

export class Editor {
  constructor(textarea, backdrop) {
    this.textarea = textarea;
    this.backdrop = backdrop;
    this.error = null; // [start, end] of the offending text
    this.highlight = null; // [start, end] of the selected node
    this.syncQueued = false;
    textarea.addEventListener("input", () => this.redraw());
    textarea.addEventListener("scroll", () => this.syncScroll());
    new ResizeObserver(() => this.syncScroll()).observe(textarea);
  }

  get text() {
    return this.textarea.value;
  }

  set text(value) {
    this.textarea.value = value;
    this.redraw();
  }

  setError(span) {
    if (sameSpan(span, this.error)) return;
    this.error = span;
    this.redraw();
  }

  setHighlight(span) {
    if (sameSpan(span, this.highlight)) return;
    this.highlight = span;
    this.redraw();
  }

  redraw() {
    const text = this.textarea.value;
    const lines = text.split("\n").length;
    this.textarea.rows = Math.max(MIN_ROWS, Math.min(MAX_ROWS, lines));
    this.backdrop.replaceChildren(...markedText(text, this.error, this.highlight));
    // Reading the textarea's scroll position lays the page out; do it once, just
    // before the next frame, not in the middle of the page's other changes.
    if (!this.syncQueued) {
      this.syncQueued = true;
      requestAnimationFrame(() => {
        this.syncQueued = false;
        this.syncScroll();
      });
    }
  }

  syncScroll() {
    this.backdrop.scrollTop = this.textarea.scrollTop;
    this.backdrop.scrollLeft = this.textarea.scrollLeft;
  }

  // The character offset under a mouse position, read from the backdrop
  // (the textarea itself does not expose where its characters are).
  offsetAt(clientX, clientY) {
    this.textarea.classList.add("is-probing"); // pointer-events: none for the hit test
    const range = document.caretRangeFromPoint ? document.caretRangeFromPoint(clientX, clientY) : null;
    this.textarea.classList.remove("is-probing");
    if (!range || !this.backdrop.contains(range.startContainer)) return null;
    let offset = 0;
    for (const child of this.backdrop.childNodes) {
      if (child === range.startContainer || child.contains(range.startContainer)) {
        return offset + range.startOffset;
      }
      offset += child.textContent.length;
    }
    return null;
  }
}

function sameSpan(a, b) {
  return a === b || (a && b && a[0] === b[0] && a[1] === b[1]);
}

// The text split into plain runs and <mark>s.  An error wins over the
// highlight where they overlap; an error at the very end marks one blank cell.
export function markedText(text, error, highlight) {
  const marks = [];
  if (highlight) marks.push({ span: clampSpan(highlight, text.length), className: "mark-node" });
  if (error) marks.push({ span: clampSpan(error, text.length), className: "mark-error" });
  const cuts = new Set([0, text.length]);
  for (const { span } of marks) cuts.add(span[0]).add(span[1]);
  const points = [...cuts].sort((a, b) => a - b);
  const parts = [];
  for (let i = 0; i + 1 < points.length; i += 1) {
    const [from, to] = [points[i], points[i + 1]];
    const covering = marks.filter(({ span }) => span[0] <= from && to <= span[1]);
    const className = covering.length ? covering[covering.length - 1].className : null;
    const slice = text.slice(from, to);
    // A mark over a bare line break has no width: mark a blank cell before it.
    if (className && slice === "\n") parts.push(piece(" ", `${className} mark-end`));
    parts.push(piece(slice, className));
  }
  if (error && error[0] >= text.length) parts.push(piece(" ", "mark-error mark-end"));
  // A trailing newline needs a character after it, or the backdrop is one line short.
  parts.push(document.createTextNode("\n"));
  return parts;
}

function clampSpan([start, end], length) {
  const s = Math.max(0, Math.min(start, length));
  // An empty span still marks one character, so the place is visible.
  return [s, Math.min(Math.max(end ?? s + 1, s + 1), length)];
}

function piece(text, className) {
  if (!className) return document.createTextNode(text);
  const mark = document.createElement("mark");
  mark.className = className;
  mark.textContent = text;
  return mark;
}
