// The exported player: one HTML file (engine/standalone.py writes it, and a
// notebook shows it in an iframe) that steps through one answer with no
// server.  The figure is already in the document and the answer rides along
// as JSON; the rest is the page's own code: its timeline, player, controls and
// the view's step drawing, inlined into the file by the exporter.

import { setupPlayer } from "../js/controls.js";
import * as graph from "../js/graph.js";
import { setLanguage, t } from "../js/i18n.js";
import { hasArrays } from "../js/panels.js";
import { Player } from "../js/player.js";
import { buildModel, clampStep } from "../js/timeline.js";
import { View } from "../js/view.js";

const $ = (id) => document.getElementById(id);

const { result, precision, step, language, catalogs } = JSON.parse($("backprop-data").textContent);
for (const [lang, catalog] of Object.entries(catalogs)) setLanguage(lang, catalog);
setLanguage(language);
const model = buildModel(result);

const els = {
  scrubber: $("scrubber"),
  counter: $("step-counter"),
  play: $("play"),
  playLabel: $("play").querySelector(".play-label"),
  speed: $("speed"),
  player: $("player"),
  explain: $("explain"),
};
els.player.classList.toggle("has-arrays", hasArrays(model));

// The page's view draws a step (controls, the figure's classes, the
// explanation); here it has a drawing already and nothing else to draw.
const view = new View(els, {});
view.svg = graph.prepareSvg($("figure").querySelector("svg"), t("graph.aria"));
view.managed = graph.indexSvg(view.svg);

function draw(player) {
  view.drawStep({ model, result, step: player.position, playing: player.playing, precision });
  document.body.dataset.step = String(player.position); // tests wait on it
}

const player = new Player({ onChange: draw });
setupPlayer(els, player);
player.reset(model.total, step === null ? model.total : clampStep(model, step));
