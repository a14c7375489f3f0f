"""The one error of drawing."""

from __future__ import annotations

from ..errors import EngineError


class RenderError(EngineError):
    """The result cannot be drawn: `dot` is missing, too slow or failing, or the graph is too big."""
