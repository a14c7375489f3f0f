// The result strip above the graph: the output's value and the gradient of
// each input ("f = -12.00  df/dx = -4.00 …").  A few gradients are shown; the
// others wait behind "and N more", which opens them in a scroll box of bounded
// height, so a program of hundreds of inputs never pushes the graph away.

import { h } from "./dom.js";
import { formatFull, formatValue, isArrayValue } from "./format.js";
import { t } from "./i18n.js";
import { outputName } from "./panels.js";

// Up to STRIP_ALL gradients are all shown; more, and the first STRIP_SHOWN are, before "and N more".
export const STRIP_ALL = 6;
export const STRIP_SHOWN = 4;
// The strip writes arrays of up to this many entries in full.
const STRIP_ARRAY = 3;

export class ResultStrip {
  constructor(element) {
    this.element = element;
    this.open = false; // "and N more" opened: stays open for the next answers
  }

  draw(result, precision) {
    if (!result) {
      this.element.replaceChildren();
      return;
    }
    const name = outputName(result);
    const parts = [h("span", "strip-name", `${name} = `), shown(result.output.value, "strip-value", precision)];
    const grads = (result.inputs || []).filter((input) => Object.hasOwn(result.gradients || {}, input));
    const gradParts = (input) => [h("span", "strip-name strip-gap", `d${name}/d${input} = `),
      shown(result.gradients[input], "strip-grad", precision)];
    const shownCount = grads.length <= STRIP_ALL ? grads.length : STRIP_SHOWN;
    for (const input of grads.slice(0, shownCount)) parts.push(...gradParts(input));
    const rest = grads.slice(shownCount);
    if (rest.length) {
      const box = h("div", "strip-rest", ...rest.flatMap(gradParts));
      box.id = "strip-rest";
      box.tabIndex = 0; // a scroll box: reachable from the keyboard
      const button = h("button", "strip-more");
      button.type = "button";
      button.setAttribute("aria-controls", box.id);
      const show = () => {
        box.hidden = !this.open;
        button.setAttribute("aria-expanded", String(this.open));
        button.textContent = t(this.open ? "strip.fewer" : "strip.more", { n: rest.length });
      };
      button.addEventListener("click", () => {
        this.open = !this.open;
        show();
      });
      show();
      parts.push(button, box);
    }
    this.element.replaceChildren(...parts);
  }
}

// A value in one short line; an array's whole in its tooltip.
function shown(value, className, precision) {
  const array = isArrayValue(value);
  const span = h("span", array ? `${className} is-array` : className, formatValue(value, precision, STRIP_ARRAY));
  if (array) span.title = formatFull(value, precision);
  return span;
}
