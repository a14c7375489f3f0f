"""backprop-viz engine: parse an expression, build its graph, run forward and backward.

    >>> r = evaluate("q = x + y; f = q * z", {"x": -2, "y": 5, "z": -4})
    >>> r.value, r.gradients["x"]
    (-12.0, -4.0)

Pure Python + numpy; the web layer (``app``) and the renderer are built on top.
"""

from .errors import (EngineError, InputValueError, LimitError, NamingError, ParseError,
                     ShapeError)
from .graph import Graph, Limits, build, cycle_collector_paused
from .parser import parse, to_sexpr, tokenize
from .descent import descend
from .micrograd import from_micrograd
from .result import Result

# The names these errors had before (kept so callers written against them still work).
NameError_ = NamingError
ValueError_ = InputValueError

__all__ = ["evaluate", "Result", "Limits", "EngineError", "ParseError", "NamingError",
           "InputValueError", "ShapeError", "LimitError", "parse", "to_sexpr", "tokenize",
           "input_names", "descend", "from_micrograd"]


def evaluate(program: str, values: dict | None = None, limits: Limits | None = None,
             default=None, check: bool = False) -> Result:
    """Parse ``program``, bind ``values`` to its inputs, and run forward and backward.

    With ``default`` set, inputs missing from ``values`` take it instead of being an
    error (the page uses 1.0 so a freshly typed name shows up at once).  With
    ``check`` the result also carries the gradient check (``Result.check()``,
    ``to_dict()["check"]``: every gradient against central finite differences).
    """
    with cycle_collector_paused():
        graph = build(program, limits or Limits())
        values = values or {}
        if default is not None:
            values = {name: values.get(name, default) for name in graph.inputs}
        try:
            graph.bind(values)
            graph.forward()
            graph.backward()
        except EngineError as err:
            # The program parsed: say which inputs it has, so a page can offer their fields.
            err.inputs = list(graph.inputs)
            raise
        return Result(graph, check=check)


def input_names(program: str, limits: Limits | None = None) -> list[str]:
    """The names a caller must give values for, in order of first use."""
    return list(build(program, limits or Limits()).inputs)
