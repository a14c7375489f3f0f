// Zoom and pan an <svg> by rewriting its viewBox: wheel zooms around the
// pointer, dragging pans, fit() shows the whole drawing.

// The view spans at most 20 times the drawing and at least a 40th of it.
const LARGEST_VIEW = 20;
const SMALLEST_VIEW = 1 / 40;
// Fitting never blows a small drawing up past this many pixels per unit (pt).
const MAX_FIT_SCALE = 3;
const DRAG_THRESHOLD_PX = 4;

export class Viewport {
  constructor(container) {
    this.container = container;
    this.svg = null;
    this.home = null; // the drawing's own viewBox {x, y, w, h}
    this.view = null;
    this.drag = null;
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
    if (sameDrawing && this.view && !this.fitted) this.apply();
    else this.fit();
  }

  detach() {
    this.svg = null;
  }

  fit() {
    if (!this.home) return;
    const pad = Math.max(this.home.w, this.home.h) * 0.02;
    const box = this.container.getBoundingClientRect();
    const w = Math.max(this.home.w + 2 * pad, box.width / MAX_FIT_SCALE);
    const h = Math.max(this.home.h + 2 * pad, box.height / MAX_FIT_SCALE);
    const cx = this.home.x + this.home.w / 2;
    const cy = this.home.y + this.home.h / 2;
    this.view = { x: cx - w / 2, y: cy - h / 2, w, h };
    this.fitted = true;
    this.apply();
  }

  zoomBy(factor, center) {
    if (!this.view || !this.home) return;
    const c = center || { x: this.view.x + this.view.w / 2, y: this.view.y + this.view.h / 2 };
    const largest = Math.max(this.home.w, this.home.h);
    let w = this.view.w / factor;
    let h = this.view.h / factor;
    const size = Math.max(w, h);
    const limit = Math.min(Math.max(size, largest * SMALLEST_VIEW), largest * LARGEST_VIEW);
    const adjust = limit / size;
    w *= adjust;
    h *= adjust;
    this.fitted = false;
    this.view = {
      x: c.x - ((c.x - this.view.x) * w) / this.view.w,
      y: c.y - ((c.y - this.view.y) * h) / this.view.h,
      w, h,
    };
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

  onPointerDown(event) {
    if (!this.svg || event.button !== 0 || event.target.closest("button")) return;
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
    this.fitted = false;
    this.view.x += drag.origin.x - here.x;
    this.view.y += drag.origin.y - here.y;
    this.apply();
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
