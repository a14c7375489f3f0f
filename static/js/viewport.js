// Zoom and pan an <svg> by rewriting its viewBox: the wheel zooms around the
// pointer, a mouse drag pans, two fingers pinch and pan (one finger is left to
// the browser, so it scrolls the page), the arrow keys pan while the box has
// the focus, and fit() shows the drawing as large as the box allows, but
// never with its text smaller than legible: a larger drawing then opens at its
// start (the inputs, at the left), to be panned.

// The view spans at most 20 times the drawing and at least a 40th of it.
const LARGEST_VIEW = 20;
const SMALLEST_VIEW = 1 / 40;
// Fitting never blows a small drawing up past this many pixels per unit (pt).
const MAX_FIT_SCALE = 3;
// Fitting keeps the figure's text at least this many CSS pixels high.
export const MIN_TEXT_PX = 10;
const DEFAULT_FONT_UNITS = 11; // the renderer's label size, when the drawing does not say
const DRAG_THRESHOLD_PX = 4;
// The margin around a fitted drawing, in drawing units (2% of its size, up to this).
const MAX_PAD = 12;
// An arrow key moves the view by this fraction of its size.
const KEY_PAN = 0.1;
const KEY_PANS = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };

// The fitted view of a drawing `home` ({x, y, w, h}) in a box of `width` x
// `height` pixels: the largest scale at which it fits both ways, raised to
// `minScale` (legible text) and capped at MAX_FIT_SCALE.  Where the drawing is
// smaller than the view it is centred; where larger, the view starts at its
// top-left corner.  The view has the box's proportions.
export function fittedView(home, width, height, minScale) {
  const pad = Math.min(Math.max(home.w, home.h) * 0.02, MAX_PAD);
  const contentW = home.w + 2 * pad;
  const contentH = home.h + 2 * pad;
  const contain = Math.min(width / contentW, height / contentH);
  const scale = Math.min(MAX_FIT_SCALE, Math.max(contain, minScale));
  const w = width / scale;
  const h = height / scale;
  const x = w >= contentW ? home.x + home.w / 2 - w / 2 : home.x - pad;
  const y = h >= contentH ? home.y + home.h / 2 - h / 2 : home.y - pad;
  return { x, y, w, h };
}

export class Viewport {
  constructor(container) {
    this.container = container;
    this.svg = null;
    this.home = null; // the drawing's own viewBox {x, y, w, h}
    this.view = null;
    this.drag = null;
    this.pinch = null;
    this.suppressClick = false;
    this.fitted = false;
    // A fitted view follows the window's size; a zoomed or panned one stays put.
    new ResizeObserver(() => {
      if (this.fitted && this.svg) this.fit();
    }).observe(container);
    container.addEventListener("wheel", (event) => this.onWheel(event), { passive: false });
    container.addEventListener("pointerdown", (event) => this.onPointerDown(event));
    container.addEventListener("pointermove", (event) => this.onPointerMove(event));
    container.addEventListener("pointerup", (event) => this.onPointerUp(event));
    container.addEventListener("pointercancel", (event) => this.onPointerUp(event));
    for (const type of ["touchstart", "touchmove", "touchend", "touchcancel"]) {
      container.addEventListener(type, (event) => this.onTouch(event), { passive: false });
    }
    container.addEventListener("keydown", (event) => this.onKey(event));
    // A drag that ends over a gate must not count as a click on it.
    container.addEventListener("click", (event) => {
      if (this.suppressClick) {
        event.stopPropagation();
        event.preventDefault();
        this.suppressClick = false;
      }
    }, true);
  }

  // Take over a freshly inserted <svg>.  The view is kept when the drawing has
  // the same size as before (same graph, new numbers), else it is fitted.
  attach(svg) {
    const box = readViewBox(svg);
    const sameDrawing = this.home && box && sameBox(this.home, box);
    this.svg = svg;
    svg.removeAttribute("width");
    svg.removeAttribute("height");
    svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
    this.home = box;
    // The size of the value labels (an attribute of the label's element; its words are never read).
    const label = svg.querySelector(".value > [font-size]");
    this.fontUnits = (label && parseFloat(label.getAttribute("font-size"))) || DEFAULT_FONT_UNITS;
    if (sameDrawing && this.view && !this.fitted) this.apply();
    else this.fit();
  }

  detach() {
    this.svg = null;
  }

  fit() {
    if (!this.home) return;
    // The drawing fills the box inside its border.
    const { clientWidth: width, clientHeight: height } = this.container;
    if (width <= 0 || height <= 0) return;
    this.view = fittedView(this.home, width, height, MIN_TEXT_PX / this.fontUnits);
    this.fitted = true;
    this.apply();
  }

  // The view `factor` times closer around `center` (drawing units; the view's centre by default).
  zoomBy(factor, center) {
    if (!this.view || !this.home) return;
    this.view = this.zoomed(this.view, factor, center);
    this.fitted = false;
    this.apply();
  }

  zoomed(view, factor, center) {
    const c = center || { x: view.x + view.w / 2, y: view.y + view.h / 2 };
    const largest = Math.max(this.home.w, this.home.h);
    let w = view.w / factor;
    let h = view.h / factor;
    const size = Math.max(w, h);
    const limit = Math.min(Math.max(size, largest * SMALLEST_VIEW), largest * LARGEST_VIEW);
    w *= limit / size;
    h *= limit / size;
    return { x: c.x - ((c.x - view.x) * w) / view.w, y: c.y - ((c.y - view.y) * h) / view.h, w, h };
  }

  panBy(dx, dy) {
    if (!this.view) return;
    this.view = { ...this.view, x: this.view.x + dx, y: this.view.y + dy };
    this.fitted = false;
    this.apply();
  }

  apply() {
    if (!this.svg || !this.view) return;
    const { x, y, w, h } = this.view;
    this.svg.setAttribute("viewBox", `${x} ${y} ${w} ${h}`);
  }

  // Screen point -> drawing coordinates.
  toDrawing(clientX, clientY) {
    const matrix = this.svg && this.svg.getScreenCTM();
    if (!matrix) return null;
    const point = new DOMPoint(clientX, clientY).matrixTransform(matrix.inverse());
    return { x: point.x, y: point.y };
  }

  onWheel(event) {
    if (!this.svg) return;
    event.preventDefault();
    const center = this.toDrawing(event.clientX, event.clientY);
    const factor = Math.exp(-event.deltaY * (event.deltaMode === 1 ? 0.05 : 0.0015));
    this.zoomBy(factor, center);
  }

  onKey(event) {
    const pan = KEY_PANS[event.key];
    if (!pan || !this.view || event.target !== this.container || event.altKey || event.ctrlKey || event.metaKey) return;
    event.preventDefault(); // the player's arrow keys wait while the drawing has the focus
    this.panBy(pan[0] * this.view.w * KEY_PAN, pan[1] * this.view.h * KEY_PAN);
  }

  // Two fingers: the drawing point under their midpoint stays under it, and
  // the view scales with their distance.  Taken from the browser (no page
  // scroll or page zoom while two fingers are on the drawing).
  onTouch(event) {
    if (!this.svg || event.touches.length !== 2) {
      this.pinch = null;
      return;
    }
    if (event.cancelable) event.preventDefault();
    const [a, b] = event.touches;
    const mid = { x: (a.clientX + b.clientX) / 2, y: (a.clientY + b.clientY) / 2 };
    const distance = Math.max(1, Math.hypot(a.clientX - b.clientX, a.clientY - b.clientY));
    if (!this.pinch) {
      this.pinch = { distance, view: { ...this.view }, origin: this.toDrawing(mid.x, mid.y) };
      return;
    }
    const { origin } = this.pinch;
    if (!origin) return;
    this.view = this.zoomed(this.pinch.view, distance / this.pinch.distance, origin);
    this.fitted = false;
    this.apply();
    const here = this.toDrawing(mid.x, mid.y);
    if (here) this.panBy(origin.x - here.x, origin.y - here.y);
  }

  // A mouse (or pen) drag pans; a finger is the browser's (it scrolls the page).
  onPointerDown(event) {
    if (!this.svg || event.pointerType === "touch" || event.button !== 0 || event.target.closest("button")) return;
    this.drag = {
      id: event.pointerId, startX: event.clientX, startY: event.clientY,
      origin: this.toDrawing(event.clientX, event.clientY), moved: false,
    };
  }

  onPointerMove(event) {
    const drag = this.drag;
    if (!drag || drag.id !== event.pointerId || !drag.origin) return;
    if (!drag.moved) {
      const distance = Math.hypot(event.clientX - drag.startX, event.clientY - drag.startY);
      if (distance < DRAG_THRESHOLD_PX) return;
      drag.moved = true;
      this.container.setPointerCapture(event.pointerId);
      this.container.classList.add("is-panning");
    }
    const here = this.toDrawing(event.clientX, event.clientY);
    if (!here) return;
    this.panBy(drag.origin.x - here.x, drag.origin.y - here.y);
  }

  onPointerUp(event) {
    const drag = this.drag;
    if (!drag || drag.id !== event.pointerId) return;
    if (drag.moved) {
      this.suppressClick = true;
      this.container.classList.remove("is-panning");
      if (this.container.hasPointerCapture(event.pointerId)) {
        this.container.releasePointerCapture(event.pointerId);
      }
    }
    this.drag = null;
  }
}

function readViewBox(svg) {
  const base = svg.viewBox && svg.viewBox.baseVal;
  if (base && base.width > 0 && base.height > 0) {
    return { x: base.x, y: base.y, w: base.width, h: base.height };
  }
  const w = parseFloat(svg.getAttribute("width"));
  const h = parseFloat(svg.getAttribute("height"));
  return w > 0 && h > 0 ? { x: 0, y: 0, w, h } : null;
}

function sameBox(a, b) {
  const close = (p, q) => Math.abs(p - q) < 0.5;
  return close(a.x, b.x) && close(a.y, b.y) && close(a.w, b.w) && close(a.h, b.h);
}
