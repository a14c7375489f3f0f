// The URL and the browser history.  The hash holds the view (hashstate.js);
// a new program or new values become a history entry once typing pauses, an
// example becomes one at once, and a view restored from the URL (a link,
// back/forward) only rewrites the current entry.  A step change rewrites the
// current entry too, so a copied link reopens the step.

import { decodeHash, documentKey, encodeHash } from "./hashstate.js";

export const HISTORY_DELAY_MS = 1000;

// What an answer does to the history: "replace" the current entry, "push" a
// new one now, or "debounce" (push once typing pauses).  `mode` is what the
// change asked for, `key` the shown document's key (documentKey), `lastKey`
// the key of the current entry (null before the first one).
export function historyAction(mode, key, lastKey) {
  if (mode === "replace" || lastKey === null || key === lastKey) return "replace";
  return mode === "push" ? "push" : "debounce";
}

export class UrlHistory {
  // `shown()` gives the view a link would reopen, {program, values, step}, or null.
  constructor({ shown, delayMs = HISTORY_DELAY_MS, location = window.location, history = window.history }) {
    this.shown = shown;
    this.delayMs = delayMs;
    this.location = location;
    this.history = history;
    this.mode = "debounce"; // what the next answer does
    this.lastKey = null; // documentKey of the current history entry
    this.restoredHash = null; // the hash last written or read, so our own writes are not "restored"
    this.timer = null;
  }

  // The next answer comes from an example ("push") or a link ("replace").
  expect(mode) {
    this.mode = mode;
  }

  // The document the URL holds, when it is not the one this page wrote or
  // already read; the next answer then rewrites the entry.  Else null.
  restore() {
    const hash = this.location.hash;
    if (hash === this.restoredHash) return null;
    this.restoredHash = hash;
    const doc = decodeHash(hash);
    if (!doc) return null;
    clearTimeout(this.timer);
    this.mode = "replace";
    this.lastKey = documentKey(doc);
    return doc;
  }

  // After a good answer.
  record() {
    const doc = this.shown();
    if (!doc) return;
    const key = documentKey(doc);
    const action = historyAction(this.mode, key, this.lastKey);
    this.mode = "debounce";
    clearTimeout(this.timer);
    if (action === "replace") this.lastKey = key;
    if (action === "debounce") this.timer = setTimeout(() => this.write("push"), this.delayMs);
    else this.write(action);
  }

  // The step changed: rewrite the current entry, unless a push is still pending.
  stepChanged() {
    const doc = this.shown();
    if (doc && documentKey(doc) === this.lastKey) this.write("replace");
  }

  // Write the URL now (to copy it): a pending entry is pushed at once.
  flush() {
    clearTimeout(this.timer);
    const doc = this.shown();
    this.write(doc && documentKey(doc) !== this.lastKey ? "push" : "replace");
  }

  write(how) {
    const doc = this.shown();
    if (!doc) return;
    const hash = encodeHash(doc);
    if (how === "push") {
      this.lastKey = documentKey(doc);
      if (hash !== this.location.hash) this.history.pushState(null, "", hash);
    } else {
      this.history.replaceState(null, "", hash);
    }
    this.restoredHash = hash;
  }
}
