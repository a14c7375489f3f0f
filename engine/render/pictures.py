"""Pictures of DOT sources: drawn by `dot`, finished, and kept in a cache bounded by bytes."""

from __future__ import annotations

import sys

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


class Picture:
    """The picture of one DOT source: from the cache, or being drawn by `dot` right now.

    An SVG is started at once on a long-lived dot (see runner), so the caller
    can do other work while dot lays it out; a PNG is drawn by ``result()``.
    ``result()`` answers the SVG text (see svg.finish_svg) or the PNG bytes
    and keeps it in ``cache``; it raises RenderError when dot cannot draw it.
    Failures are not kept: the next try may draw.  ``cancel()`` stops a dot
    still drawing.
    """

    def __init__(self, source: str, fmt: str, timeout: float, cache: SizedLRU | None = None):
        self.source, self.fmt, self.timeout = source, fmt, float(timeout)
        self.cache = _CACHE if cache is None else cache
        self.value = self.cache.get((source, fmt))
        self.job = self.error = None
        if self.value is None and fmt == "svg":
            self.job = runner.DotJob(runner.POOL, _dot_command(), source, self.timeout)

    def result(self):
        if self.value is not None:
            return self.value
        if self.error is None:
            try:
                self.value = self._draw()
            except RenderError as error:
                self.error = error
        if self.error is not None:
            raise self.error
        # (Only pictures are kept.  A refusal or a failure could be remembered here
        # too, under the same key, if a repeated failing request should cost nothing.)
        self.cache.put((self.source, self.fmt), self.value,
                       sys.getsizeof(self.source) + sys.getsizeof(self.value))
        return self.value

    def _draw(self):
        if self.job is None:
            return dot_process.run_once(_dot_command(), self.fmt, self.source, self.timeout)
        job, self.job = self.job, None
        return finish_svg(job.result())

    def cancel(self) -> None:
        """Stop a dot still drawing this picture; ``result()`` then raises."""
        if self.job is not None:
            self.job.cancel()
            self.job = None
            self.error = RenderError("Drawing the graph was stopped.")
