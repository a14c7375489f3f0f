// The controls: the example picker, the language picker, the player's
// buttons and keys, zoom, the display options, downloads and the copy-link
// button.  They only call back; what a change does to the state is main.js's
// business.

import * as exporting from "./exporting.js";
import { t } from "./i18n.js";
import { PRESET_GROUPS } from "./presets.js";

// The example picker; labelPresets() writes its labels (again, in a new language).
export function setupPresets(select, onPreset) {
  select.append(new Option("", ""));
  const byId = new Map();
  for (const group of PRESET_GROUPS) {
    const optgroup = document.createElement("optgroup");
    optgroup.dataset.group = group.id;
    for (const preset of group.presets) {
      optgroup.append(new Option("", preset.id));
      byId.set(preset.id, preset);
    }
    select.append(optgroup);
  }
  labelPresets(select);
  select.addEventListener("change", () => {
    const preset = byId.get(select.value);
    select.value = "";
    select.blur(); // or the arrow keys meant for stepping would pick the next example
    if (preset) onPreset(preset);
  });
}

export function labelPresets(select) {
  select.options[0].textContent = t("presets.choose");
  for (const optgroup of select.querySelectorAll("optgroup")) optgroup.label = t(`presets.group.${optgroup.dataset.group}`);
  for (const option of select.querySelectorAll("optgroup option")) option.textContent = t(`preset.${option.value}`);
}

// The language picker: onLanguage(language) when the reader picks one.
export function setupLanguage(select, onLanguage) {
  select.addEventListener("change", () => {
    select.blur();
    onLanguage(select.value);
  });
}

export function isTyping(target) {
  return target instanceof HTMLElement
    && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
}

// ← → step, Home/End, space plays or pauses; never while typing into a field.
function onKeyDown(event, player) {
  if (event.altKey || event.ctrlKey || event.metaKey || isTyping(event.target) || event.defaultPrevented) return;
  const onButton = event.target instanceof HTMLButtonElement;
  const actions = {
    ArrowLeft: () => player.step(-1),
    ArrowRight: () => player.step(1),
    Home: () => player.seek(0),
    End: () => player.seek(player.total),
    " ": onButton ? null : () => player.toggle(), // on a button, space presses the button
  };
  const action = actions[event.key];
  if (!action) return;
  event.preventDefault();
  action();
}

export function setupPlayer(els, player) {
  const click = (id, action) => document.getElementById(id).addEventListener("click", action);
  click("step-first", () => player.seek(0));
  click("step-prev", () => player.step(-1));
  click("step-next", () => player.step(1));
  click("step-last", () => player.seek(player.total));
  click("show-all", () => player.seek(player.total));
  els.play.addEventListener("click", () => player.toggle());
  els.scrubber.addEventListener("input", () => player.seek(Number(els.scrubber.value)));
  els.speed.addEventListener("change", () => {
    player.setSpeed(Number(els.speed.value));
    els.speed.blur();
  });
  // Toolbar buttons do not take the focus on a click: the arrow keys and space
  // keep driving the player (and a focused editor stays focused).
  for (const button of document.querySelectorAll(".player-controls button, .zoom-controls button")) {
    button.addEventListener("mousedown", (event) => event.preventDefault());
  }
  document.addEventListener("keydown", (event) => onKeyDown(event, player));
}

// The zoom buttons, and their keys anywhere but in a field: + (or =) zooms
// in, - zooms out, 0 fits.  (The arrow keys move the drawing while it has the
// focus: viewport.js.)
export function setupZoom(viewport) {
  document.getElementById("zoom-in").addEventListener("click", () => viewport.zoomBy(1.25));
  document.getElementById("zoom-out").addEventListener("click", () => viewport.zoomBy(0.8));
  document.getElementById("zoom-fit").addEventListener("click", () => viewport.fit());
  const keys = { "+": () => viewport.zoomBy(1.25), "=": () => viewport.zoomBy(1.25), "-": () => viewport.zoomBy(0.8),
    "0": () => viewport.fit() };
  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey || isTyping(event.target) || event.defaultPrevented) return;
    const action = keys[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  });
}

// The page's colours and the palette of values and gradients: onChange({theme, palette}).
export function setupDisplay(els, prefs, onChange) {
  els.theme.value = prefs.theme;
  els.palette.value = prefs.palette;
  const read = () => onChange({ theme: els.theme.value, palette: els.palette.value });
  els.theme.addEventListener("change", read);
  els.palette.addEventListener("change", read);
}

// The embed view's link to the whole page: it opens what the frame shows
// (`hash()` is the link of the view shown now; nothing is written to the history).
export function setupOpenFull(link, hash) {
  if (!link) return;
  const point = () => {
    link.href = `/${hash()}`;
  };
  for (const type of ["click", "focus", "mouseenter", "touchstart"]) link.addEventListener(type, point, { passive: true });
}

// The display options: onChange({precision, fold}) after either changes.
export function setupOptions(els, onChange) {
  const read = () => onChange(readOptions(els));
  els.precision.addEventListener("change", read);
  els.fold.addEventListener("change", read);
}

export function readOptions(els) {
  return { precision: Number(els.precision.value), fold: els.fold.checked };
}

// Downloads of the answer's drawing (`answer()` gives the current one; `request()`
// the body that asked for it) and copying the link (`flushLink()` writes the URL first).
export function setupExports(els, { answer, request, flushLink }) {
  let toastTimer = null;
  const toast = (text) => {
    els.toast.textContent = text;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => { els.toast.textContent = ""; }, 2500);
  };
  els.exports["download-svg"].addEventListener("click", () => {
    exporting.download("backprop-graph.svg", exporting.svgBlob(answer().svg));
  });
  els.exports["download-dot"].addEventListener("click", () => {
    exporting.download("backprop-graph.dot", exporting.textBlob(answer().dot));
  });
  els.exports["download-html"].addEventListener("click", async () => {
    try {
      exporting.download("backprop-graph.html", await exporting.exportBlob("html", request()));
    } catch (error) {
      toast(`Could not make the HTML file: ${error.message}`);
    }
  });
  els.exports["download-png"].addEventListener("click", async () => {
    try {
      exporting.download("backprop-graph.png", await exporting.pngBlob(answer().svg));
    } catch (error) {
      toast(t("export.png_failed", { why: error.message }));
    }
  });
  document.getElementById("copy-link").addEventListener("click", async () => {
    flushLink();
    const copied = await exporting.copyText(window.location.href);
    toast(t(copied ? "export.copied" : "export.copy_failed"));
  });
}
