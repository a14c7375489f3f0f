// The drawing in the page: insert the server's SVG once per answer, then show
// each step by toggling CSS classes on its ids (never by re-rendering).

import { isLabelId, ownerKey, svgIds, targetOfId } from "./timeline.js";

const SVG_NS = "http://www.w3.org/2000/svg";

// Parse the SVG text and put it into `container`; returns the <svg> element.
// Graphviz's <title>s name internal nodes ("g4", "w2:e->g4") and would pop
// up as tooltips, so they go; the page's panel explains what is hovered.
export function insertSvg(container, svgText, label) {
  const doc = new DOMParser().parseFromString(svgText, "image/svg+xml");
  const root = doc.documentElement;
  if (root.namespaceURI !== SVG_NS || root.localName !== "svg") {
    throw new Error("the server's drawing is not an SVG"); // a bug, not a message for the reader
  }
  const svg = prepareSvg(document.adoptNode(root), label); // moved, not copied
  container.replaceChildren(svg);
  return svg;
}

// Make a drawing the page's (also one already in the document, as in an
// exported file): no tooltips, its role, the class the CSS styles.
export function prepareSvg(svg, label) {
  for (const title of svg.querySelectorAll("title")) title.remove();
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", label);
  svg.classList.add("circuit");
  return svg;
}

// Index the elements the player manages, once per drawing.
export function indexSvg(svg) {
  const managed = [];
  for (const element of svg.querySelectorAll("[id]")) {
    const label = isLabelId(element.id);
    const owner = ownerKey(element.id);
    if (label || owner) managed.push({ element, id: element.id, label, owner });
  }
  return managed;
}

// Apply a visibleAt() view to the indexed elements.
export function applyView(managed, view) {
  for (const { element, id, label, owner } of managed) {
    const hidden = label && !view.all && !view.shown.has(id);
    const faint = owner !== null && !view.all && !view.lit.has(owner);
    const active = view.active.has(id) || (owner !== null && view.active.has(owner));
    element.classList.toggle("is-hidden", hidden);
    element.classList.toggle("is-faint", faint);
    element.classList.toggle("is-active", active);
    element.classList.toggle("is-upstream", view.upstream.has(id));
  }
}

// The SVG ids that belong to a node or an edge, for hover highlighting.
export function idsForTarget(model, target) {
  if (!target) return [];
  if (target.edge !== undefined) {
    const key = target.edge;
    return [svgIds.wire(key), `tail-edge-${key}`, `head-edge-${key}`];
  }
  const node = target.node;
  const ids = [svgIds.gate(node), svgIds.start(node), `tail-node-${node}`];
  for (const edge of model.outEdges[node] || []) ids.push(svgIds.wire(edge), `tail-edge-${edge}`);
  if (node === model.outputNode) ids.push(svgIds.wire("out"), "tail-edge-out");
  return ids;
}

export function setHover(svg, ids) {
  for (const element of svg.querySelectorAll(".is-hover")) element.classList.remove("is-hover");
  for (const id of ids) {
    const element = svg.querySelector(`[id="${id}"]`);
    if (element) element.classList.add("is-hover");
  }
}

// The node or edge under an event target inside the drawing, or null.
export function targetAt(element, svg) {
  for (let el = element; el && el !== svg; el = el.parentNode) {
    if (el.id) {
      const target = targetOfId(el.id);
      if (target) return target;
    }
  }
  return null;
}
