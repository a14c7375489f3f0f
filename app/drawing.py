"""Drawing a request's graph: render slots, `dot` at work while the answer is written, the picture cache."""

import os
import threading
import time
from contextlib import contextmanager

from flask import current_app

from engine import render

BUSY_MESSAGE = "The server is busy drawing other graphs; try again in a moment."
RENDER_CRASH_MESSAGE = "The graph could not be drawn: the renderer failed (this is a bug)."


class Busy(Exception):
    """Every render slot stayed taken for RENDER_QUEUE_TIMEOUT seconds."""


class Drawing:
    """One request's graph being drawn; use it in a ``with`` block.

    Made once the program has evaluated.  ``start`` writes the DOT and plans
    it (engine.render.plan: the layout, its predicted cost, or a refusal);
    a picture (or a failure to remember) already in the cache needs no `dot`
    and no slot; otherwise it takes a render slot by the graph's predicted
    cost (none free in time: no picture, "the server is busy", see RenderSlots) and hands the
    DOT to a `dot`, which lays it out while the request writes the rest of
    the answer; ``finish`` waits for the SVG.  Leaving the block stops a
    `dot` still drawing and gives the slot back.  When Graphviz cannot draw
    the graph (missing, too slow, too big, crashed) ``finish`` answers ``svg``
    None and the reason, so the numbers still go out; ``lasting`` says whether
    that reason is the graph's own for good (a refusal from its shape, a
    crash), so the answer may be kept like one with a picture.
    """

    def __init__(self, app):
        self.app, self.config = app, app.config
        self.dot = self.picture = self.error = self.release = None
        self.lasting = False

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def start(self, data, options):
        """Write the DOT of ``data`` and give it to dot (or take the picture from the cache)."""
        try:
            # The DOT is built once: it is both part of the answer and what dot lays out.
            self.dot, plan = render.prepare(
                data, precision=options["precision"], fold_constants=options["fold_constants"],
                max_nodes=self.config["MAX_NODES"])
            if plan.refusal:
                raise render.RenderError(plan.refusal).lasting(float("inf"))
            picture = render.Picture(self.dot, "svg", self.config["RENDER_TIMEOUT"],
                                     picture_cache(self.app))
        except Exception as error:  # a bug in the renderer must not cost the user the numbers
            self._failed(error)
            return
        if picture.needs_dot:
            try:
                self.release = render_slots(self.app).acquire(
                    plan.cost > self.config["COSTLY_RENDER_SECONDS"], self.config)
            except Busy:
                # The numbers are computed already: they go out, with the reason there is
                # no picture this time (not kept by any cache: the next try may be drawn).
                self._failed(render.RenderError(BUSY_MESSAGE))
                return
        try:
            self.picture = picture.start()
        except Exception as error:
            self._failed(error)

    def finish(self):
        """(svg, render_error): the picture, or None and why there is none."""
        svg = None
        if self.picture is not None:
            try:
                svg = self.picture.result()
            except Exception as error:
                self._failed(error)
        self.close()
        if self.error is None:
            return svg, None
        if not isinstance(self.error, render.RenderError):
            return None, {"message": RENDER_CRASH_MESSAGE, "start": None, "end": None}
        current_app.logger.warning("render failed: %s", self.error.message)
        self.lasting = self.error.remember == float("inf")
        return None, self.error.to_dict()

    def _failed(self, error):
        if not isinstance(error, render.RenderError):
            current_app.logger.exception("render crashed")
        self.error = error
        self.close()

    def close(self):
        if self.picture is not None:
            self.picture.cancel()
            self.picture = None
        if self.release is not None:
            self.release()
            self.release = None


# --- how many `dot`s run at once -----------------------------------------------------

def available_cores():
    """The CPUs this process may run on (the affinity mask, not the machine's count)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


class RenderSlots:
    """At most ``slots`` renders at once in this process, costly graphs in at most ``slots - 1``.

    Layout is CPU-bound, so more `dot`s than cores only makes every one of them
    slower.  A graph whose layout is predicted to cost `dot` more than
    COSTLY_RENDER_SECONDS is costly: costly graphs never take the last slot
    (when there are two or more), so small graphs, which take milliseconds,
    always find one.  A request waiting for a slot holds one of the server's
    threads, so clients looping costly graphs would otherwise hold every
    thread of a worker while small requests queue behind them: so at most
    ``slots`` costly graphs wait at once, each at most COSTLY_QUEUE_TIMEOUT
    seconds, and another is ``Busy`` at once (a small graph waits up to
    RENDER_QUEUE_TIMEOUT, then is ``Busy`` too).  (Each slot in
    use has a long-lived `dot` of its own, see engine/render/runner.py.)
    """

    def __init__(self, slots):
        if isinstance(slots, bool) or not isinstance(slots, int) or slots < 1:
            raise ValueError(f"MAX_CONCURRENT_RENDERS must be a whole number >= 1, not {slots!r}")
        self.slots = slots
        self._all = threading.BoundedSemaphore(slots)
        self._costly = threading.BoundedSemaphore(max(1, slots - 1))
        self._lock = threading.Lock()
        self._costly_waiting = 0

    def acquire(self, costly, config):
        """Take a slot (``Busy`` when none frees up in time); answers the function that gives it back.

        ``config`` holds the waits: RENDER_QUEUE_TIMEOUT, and COSTLY_QUEUE_TIMEOUT
        for a ``costly`` graph.
        """
        timeout = config["COSTLY_QUEUE_TIMEOUT" if costly else "RENDER_QUEUE_TIMEOUT"]
        deadline = time.monotonic() + timeout
        if costly and not self._take_costly(timeout):
            raise Busy()
        if not self._all.acquire(timeout=max(0.0, deadline - time.monotonic())):
            if costly:
                self._costly.release()
            raise Busy()

        def release():
            self._all.release()
            if costly:
                self._costly.release()
        return release

    def _take_costly(self, timeout):
        """A costly slot within ``timeout`` seconds, waiting only if few others wait."""
        if self._costly.acquire(blocking=False):
            return True
        with self._lock:
            if self._costly_waiting >= self.slots:
                return False
            self._costly_waiting += 1
        try:
            return self._costly.acquire(timeout=timeout)
        finally:
            with self._lock:
                self._costly_waiting -= 1

    @contextmanager
    def hold(self, costly, config):
        release = self.acquire(costly, config)
        try:
            yield
        finally:
            release()


def init_app(app):
    """Give ``app`` its render slots and picture cache (per process: gunicorn builds one app per worker)."""
    slots = app.config.get("MAX_CONCURRENT_RENDERS")
    if slots is None:
        slots = available_cores()
    app.extensions["render_slots"] = RenderSlots(slots)
    app.extensions["picture_cache"] = render.picture_cache(app.config["PICTURE_CACHE_BYTES"])


def render_slots(app):
    return app.extensions["render_slots"]


def picture_cache(app):
    return app.extensions["picture_cache"]
