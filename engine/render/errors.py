"""The one error of drawing."""

from __future__ import annotations

from ..errors import EngineError


class RenderError(EngineError):
    """The result cannot be drawn: `dot` is missing, too slow or failing, or the graph is too big.

    ``remember`` is how many seconds a picture cache may answer this error again
    for the same DOT source (and the same `dot`) instead of running `dot` on it
    once more: 0 for a failure that says nothing about the graph (dot missing,
    a drawing cancelled), which the next try may get past.
    """

    remember: float = 0.0

    def lasting(self, seconds: float) -> "RenderError":
        """This error, to be remembered ``seconds`` for its source; answers itself."""
        self.remember = seconds
        return self
