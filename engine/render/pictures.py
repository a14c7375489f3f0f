"""Pictures of DOT sources: drawn by `dot`, finished, and kept in a cache bounded by bytes."""

from __future__ import annotations

import sys
import time

from . import dot_process, runner
from .cache import SizedLRU
from .errors import RenderError
from .svg import finish_svg

#: Bytes of recent pictures (DOT source and format -> SVG text or PNG bytes) kept by default.
PICTURE_CACHE_BYTES = 32 * 1024 * 1024

_CACHE = SizedLRU(PICTURE_CACHE_BYTES)


def picture_cache(max_bytes: int) -> SizedLRU:
    """A picture cache of its own, for a caller that sets its size (the web app does)."""
    return SizedLRU(max_bytes, "PICTURE_CACHE_BYTES")


def clear_cache() -> None:
    """Forget every picture in the default cache (for tests, or after changing DOT_COMMAND)."""
    _CACHE.clear()


def _dot_command() -> str:
    """``engine.render.DOT_COMMAND``, read when dot is started, so it can be pointed elsewhere."""
    return sys.modules[__package__].DOT_COMMAND


class _Failure:
    """A RenderError that `dot` gave for a source, kept in the cache until ``until`` (monotonic)."""

    __slots__ = ("error", "until")

    def __init__(self, error: RenderError):
        self.error, self.until = error, time.monotonic() + error.remember


class Picture:
    """The picture of one DOT source: from the cache, or drawn by `dot`.

    Made, it only looks in ``cache``: ``needs_dot`` tells whether `dot` must
    draw it (neither the picture nor a failure to remember is there), so a
    caller can wait for a render slot only then.  ``start()`` hands an SVG to a
    long-lived dot at once (see runner), so the caller can do other work while
    dot lays it out; a PNG is drawn by ``result()``.  ``result()`` answers the
    SVG text (see svg.finish_svg) or the PNG bytes and keeps it in ``cache``;
    it raises RenderError when dot cannot draw it.  A failure that is the
    graph's own (dot crashed or refused it, or ran out of time: see
    RenderError.remember) is kept too, under the source and the dot command,
    so a repeat answers it at once instead of running dot again; a failure of
    the setting (no dot) is not.  ``cancel()`` stops a dot still drawing.
    """

    def __init__(self, source: str, fmt: str, timeout: float, cache: SizedLRU | None = None):
        self.source, self.fmt, self.timeout = source, fmt, float(timeout)
        self.cache = _CACHE if cache is None else cache
        self.command = _dot_command()
        self.job = self.error = None
        self.value = self.cache.get((source, fmt))
        if self.value is None:
            failure = self.cache.get(self._failure_key())
            if failure is not None and time.monotonic() < failure.until:
                self.error = failure.error

    @property
    def needs_dot(self) -> bool:
        return self.value is None and self.error is None

    def start(self) -> Picture:
        """Hand an SVG to a long-lived dot now, if it needs one (``result()`` would otherwise)."""
        if self.needs_dot and self.job is None and self.fmt == "svg":
            self.job = runner.DotJob(runner.POOL, self.command, self.source, self.timeout)
        return self

    def result(self):
        if self.value is not None:
            return self.value
        if self.error is None:
            try:
                self.value = self._draw()
            except RenderError as error:
                self.error = error
                if error.remember > 0:
                    self.cache.put(self._failure_key(), _Failure(error),
                                   sys.getsizeof(self.source) + sys.getsizeof(error.message))
                raise
            self.cache.put((self.source, self.fmt), self.value,
                           sys.getsizeof(self.source) + sys.getsizeof(self.value))
            return self.value
        raise self.error

    def _failure_key(self):
        return (self.source, self.fmt, self.command)

    def _draw(self):
        if self.job is None and self.fmt == "svg":
            self.start()
        if self.job is None:
            return dot_process.run_once(self.command, self.fmt, self.source, self.timeout)
        job, self.job = self.job, None
        return finish_svg(job.result())

    def cancel(self) -> None:
        """Stop a dot still drawing this picture; ``result()`` then raises."""
        if self.job is not None:
            self.job.cancel()
            self.job = None
            self.error = RenderError("Drawing the graph was stopped.")
