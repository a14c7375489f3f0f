// A sign that work is under way, shown only when the work lasts: start() arms
// a timer, stop() disarms it, and onShow() runs if the timer fires first.  An
// answer that comes within the delay never shows the sign (no flicker).  The
// timer functions can be given, so a test can run the clock itself.

export const BUSY_DELAY_MS = 150;

export class DelayedSignal {
  constructor({ onShow, delayMs = BUSY_DELAY_MS, setTimer = (f, ms) => setTimeout(f, ms),
    clearTimer = (id) => clearTimeout(id) }) {
    this.onShow = onShow;
    this.delayMs = delayMs;
    this.setTimer = setTimer;
    this.clearTimer = clearTimer;
    this.timer = null;
  }

  // Work started (or goes on): the sign shows after the delay, counted from the first start.
  start() {
    if (this.timer !== null) return;
    this.timer = this.setTimer(() => {
      this.timer = null;
      this.onShow();
    }, this.delayMs);
  }

  // The work is done: no sign from this round.
  stop() {
    if (this.timer !== null) this.clearTimer(this.timer);
    this.timer = null;
  }
}
