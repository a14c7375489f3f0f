"""Errors the engine raises for bad input: every one knows where in the text it happened."""

from __future__ import annotations


class EngineError(Exception):
    """A problem with the user's program or values, with its place in the text.

    ``start`` and ``end`` are character offsets into the program (``end`` is
    exclusive), or ``None`` when the problem has no place (a missing value, a
    limit on the whole program).  ``code`` and ``params`` say what the problem
    is as data (see engine/messages.py), for callers that write it in their own
    words; ``message`` is the English.
    """

    def __init__(self, message: str, start: int | None = None, end: int | None = None,
                 code: str | None = None, params: dict | None = None):
        super().__init__(message)
        self.message = message
        self.start = start
        self.end = end if end is not None or start is None else start + 1
        self.code = code
        self.params = params or {}
        self.inputs: list[str] | None = None  # the program's inputs, when it parsed
        self.hint: dict | None = None  # a second sentence as data: {"code", "params", "message"}

    @classmethod
    def of(cls, code: str, start: int | None = None, end: int | None = None, **params):
        """The error for ``code`` with its English message composed from ``params``."""
        from .messages import english
        return cls(english(code, params), start, end, code, params)

    def at(self, start: int | None, end: int | None):
        """The same problem, placed at another span of the text."""
        moved = type(self)(self.message, start, end, self.code, self.params)
        moved.inputs, moved.hint = self.inputs, self.hint
        return moved

    def to_dict(self) -> dict:
        """The JSON shape shared by the API and the CLI."""
        d = {"message": self.message, "start": self.start, "end": self.end}
        if self.code is not None:
            d["code"] = self.code
            d["params"] = self.params
        if self.hint is not None:
            d["hint"] = self.hint
        if self.inputs is not None:
            d["inputs"] = self.inputs
        return d

    def caret(self, text: str) -> str:
        """The message, then the offending line with ``^^^`` under the place."""
        if self.start is None or text is None:
            return self.message + (f"\n  {self.hint['message']}" if self.hint else "")
        start = max(0, min(self.start, len(text)))
        end = max(start + 1, min(self.end or start + 1, len(text) + 1))
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", start)
        if line_end == -1:
            line_end = len(text)
        line_no = text.count("\n", 0, start) + 1
        col = start - line_start
        # Long lines are cut around the place so the caret stays readable.
        window = 70
        lo = max(line_start, start - window // 2)
        hi = min(line_end, max(lo + window, end))
        shown = text[lo:hi].replace("\t", " ")
        shown = "".join(ch if ch.isprintable() else "?" for ch in shown)
        prefix = "..." if lo > line_start else ""
        suffix = "..." if hi < line_end else ""
        # A span running onto later lines is underlined up to the end of this one.
        width = max(1, min(end, hi, line_end) - start)
        pad = " " * (len(prefix) + start - lo)
        hint = f"\n  {self.hint['message']}" if self.hint else ""
        return (f"{self.message}\n  line {line_no}, column {col + 1}:\n"
                f"  {prefix}{shown}{suffix}\n  {pad}{'^' * width}{hint}")

    def __str__(self) -> str:
        return self.message


class ParseError(EngineError):
    """The text is not a well-formed program."""


class NamingError(EngineError):
    """A name is unknown, misused or assigned twice."""


class InputValueError(EngineError):
    """An input value is missing or not a usable number."""


class ShapeError(EngineError):
    """Array shapes do not fit the operation."""


class LimitError(EngineError):
    """The program is longer, deeper or bigger than the configured limits."""
