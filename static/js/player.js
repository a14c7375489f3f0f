// Plays the steps on a timer.  Every play/pause/seek bumps a generation
// counter; a timer from an older generation finds it changed and does nothing.
// `limit` is the last position the player may reach (practice waits at a
// question until it is answered); by default the end.

export const BASE_INTERVAL_MS = 1200;

export class Player {
  constructor({ onChange, total = 0, position = 0 }) {
    this.onChange = onChange;
    this.total = total;
    this.position = position;
    this.playing = false;
    this.speed = 1;
    this.limit = Infinity;
    this.generation = 0;
    this.timer = null;
  }

  get interval() {
    return BASE_INTERVAL_MS / this.speed;
  }

  // A new graph: keep the position when it still fits, else go to the end.
  reset(total, position = total) {
    this.pause();
    this.total = total;
    this.position = Math.max(0, Math.min(total, position));
    this.notify();
  }

  seek(k) {
    this.pause();
    this.moveTo(k);
  }

  step(delta) {
    this.seek(this.position + delta);
  }

  play() {
    if (this.total === 0) return;
    if (this.position >= this.total) this.moveTo(0);
    if (this.position >= this.limit) return; // waiting at a question: nothing to play
    this.playing = true;
    this.generation += 1;
    this.schedule(this.generation);
    this.notify();
  }

  pause() {
    this.generation += 1;
    clearTimeout(this.timer);
    this.timer = null;
    if (this.playing) {
      this.playing = false;
      this.notify();
    }
  }

  toggle() {
    if (this.playing) this.pause();
    else this.play();
  }

  setSpeed(speed) {
    this.speed = speed > 0 ? speed : 1;
    if (this.playing) {
      this.generation += 1;
      clearTimeout(this.timer);
      this.schedule(this.generation);
    }
  }

  schedule(generation) {
    this.timer = setTimeout(() => {
      if (generation !== this.generation) return;
      this.moveTo(this.position + 1);
      if (this.position >= Math.min(this.total, this.limit)) this.pause();
      else this.schedule(generation);
    }, this.interval);
  }

  moveTo(k) {
    const clamped = Math.max(0, Math.min(this.total, this.limit, Math.trunc(k)));
    if (clamped === this.position) return;
    this.position = clamped;
    this.notify();
  }

  notify() {
    this.onChange(this);
  }
}
