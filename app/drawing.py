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

    Made once the program has evaluated: it takes a render slot (``Busy``
    when none frees up in RENDER_QUEUE_TIMEOUT seconds).  ``start`` writes
    the DOT and hands it to a `dot` (or finds the picture in the cache); dot
    lays it out while the request writes the rest of the answer; ``finish``
    waits for the SVG.  Leaving the block stops a `dot` still drawing and
    gives the slot back.  When Graphviz cannot draw the graph (missing, too
    slow, too big, crashed) ``finish`` answers ``svg`` None and the reason,
    so the numbers still go out.
    """

    def __init__(self, app, nodes):
        self.app, self.config = app, app.config
        self.dot = self.picture = self.error = None
        large = nodes > self.config["LARGE_RENDER_NODES"]
        self.release = render_slots(app).acquire(large, self.config["RENDER_QUEUE_TIMEOUT"])

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def start(self, data, options):
        """Write the DOT of ``data`` and give it to dot (or take the picture from the cache)."""
        try:
            # The DOT is built once: it is both part of the answer and what dot lays out.
            self.dot, refusal = render.prepare(
                data, precision=options["precision"], fold_constants=options["fold_constants"],
                max_nodes=self.config["MAX_NODES"])
            if refusal:
                raise render.RenderError(refusal)
            self.picture = render.start_svg(self.dot, self.config["RENDER_TIMEOUT"],
                                            picture_cache(self.app))
        except Exception as error:  # a bug in the renderer must not cost the user the numbers
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
    """At most ``slots`` renders at once in this process, large graphs in at most ``slots - 1``.

    Layout is CPU-bound, so more `dot`s than cores only makes every one of them
    slower.  Keeping one slot free of large graphs (when there are two or more)
    means a few huge programs cannot hold every slot for seconds while small
    ones, which take milliseconds, wait behind them.  A request waits up to
    ``timeout`` seconds for its slot, then gives up with ``Busy``.  (Each slot
    in use has a long-lived `dot` of its own, see engine/render/runner.py.)
    """

    def __init__(self, slots):
        if isinstance(slots, bool) or not isinstance(slots, int) or slots < 1:
            raise ValueError(f"MAX_CONCURRENT_RENDERS must be a whole number >= 1, not {slots!r}")
        self.slots = slots
        self._all = threading.BoundedSemaphore(slots)
        self._large = threading.BoundedSemaphore(max(1, slots - 1))

    def acquire(self, large, timeout):
        """Take a slot (``Busy`` after ``timeout`` seconds); answers the function that gives it back."""
        deadline = time.monotonic() + timeout
        if large and not self._large.acquire(timeout=timeout):
            raise Busy()
        if not self._all.acquire(timeout=max(0.0, deadline - time.monotonic())):
            if large:
                self._large.release()
            raise Busy()

        def release():
            self._all.release()
            if large:
                self._large.release()
        return release

    @contextmanager
    def hold(self, large, timeout):
        release = self.acquire(large, timeout)
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
