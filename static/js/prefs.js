// The reader's display preferences that are not part of a link: the page's
// colours (as the system, light, dark) and the palette of values and gradients
// (the figure's green and red, or blue and orange).  Kept in localStorage; an
// embed's URL may set them (?theme=dark&palette=cb).  Applied as attributes of
// <html>, which theme.css reads.

export const THEMES = ["auto", "light", "dark"];
export const PALETTES = ["figure", "cb"];
const STORAGE_KEY = "backprop-viz.display";

// {theme, palette}: the URL's query first, then what was saved, then the defaults.
export function readPrefs(storage, search = "") {
  let saved = {};
  try {
    saved = JSON.parse((storage && storage.getItem(STORAGE_KEY)) || "{}") || {};
  } catch {
    saved = {}; // no storage (a sandboxed frame), or something else wrote the key
  }
  const query = new URLSearchParams(search);
  const pick = (name, allowed) => [query.get(name), saved[name]].find((value) => allowed.includes(value)) ?? allowed[0];
  return { theme: pick("theme", THEMES), palette: pick("palette", PALETTES) };
}

export function savePrefs(storage, prefs) {
  try {
    storage.setItem(STORAGE_KEY, JSON.stringify(prefs));
  } catch {
    // not kept: the choice lasts as long as the page
  }
}

export function applyPrefs(root, { theme, palette }) {
  if (theme === "auto") delete root.dataset.theme;
  else root.dataset.theme = theme;
  if (palette === "figure") delete root.dataset.palette;
  else root.dataset.palette = palette;
}
