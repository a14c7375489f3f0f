"""Draw an engine result as a CS231n-style circuit, with Graphviz.

The picture reads left to right: every input's name sits at the left end of a
horizontal wire, gates are circles with their operation inside, and every wire
carries its forward value in green above the line and its gradient in red
below it.  The output leaves on a wire of its own with gradient 1.

* ``to_dot(d)``   the DOT source for an engine ``Result.to_dict()``;
* ``to_svg(d)``   that source laid out by ``dot``, with stable ids and classes so
  a browser can reveal and highlight parts step by step without re-rendering;
* ``to_png(d)``   the same picture as PNG bytes;
* ``plan(d)``     which layout draws ``d`` and why, or why it will not be drawn;
* ``prepare(d)``  the DOT and its plan (the refusal, if any, and the predicted cost),
  for callers that want both the DOT and the SVG (``start_svg``/``svg_from_dot``
  or ``Picture`` then draw it);
* ``RenderError`` ``dot`` missing, too slow, crashing, or the graph too large.

Two layouts (``layout="auto"|"figure"|"compact"``): the figure (figure.py), in
which every wire is a line with its numbers above and below, and the compact
layout (compact.py) for graphs the figure cannot lay out fast; ``plan``
(planning.py) picks one from a cheap estimate of dot's work, and refuses at
once what dot would not finish.  The page's SVG ids are the same in both:
gate ``node-<id>``, wire ``edge-<e>`` and ``edge-out``, its numbers
``value-edge-<e>``/``grad-edge-<e>``, a value's ``name-node-<id>`` and
``total-node-<id>`` (see svg.py).

Modules: circuit (reading the result dict, folded by engine.folding),
planning, figure, compact, dot_text (escaping and DOT attributes),
svg (dot's SVG made ready to inline), runner (long-lived dots), dot_process
(starting dot, its limits, what its exit means), pictures (drawing and the
cache), cache (an LRU bounded by bytes), errors.
"""

from __future__ import annotations

from ..numbers import MAX_PRECISION, format_number, format_value
from .cache import SizedLRU
from .circuit import Circuit
from .compact import compact_dot
from .errors import RenderError
from .figure import figure_dot
from .pictures import PICTURE_CACHE_BYTES, Picture, clear_cache, picture_cache
from .planning import LAYOUTS, Plan, plan_circuit

__all__ = ["RenderError", "Plan", "plan", "LAYOUTS", "to_dot", "to_svg", "to_png", "prepare",
           "start_svg", "svg_from_dot", "Picture", "SizedLRU", "picture_cache", "clear_cache",
           "format_number", "format_value", "DOT_COMMAND", "DEFAULT_TIMEOUT",
           "DEFAULT_MAX_NODES", "PICTURE_CACHE_BYTES"]

#: The Graphviz layout program, read each time dot is started, so tests and callers can point it elsewhere.
DOT_COMMAND = "dot"
#: Seconds `dot` may take for one graph.
DEFAULT_TIMEOUT = 10.0
#: Graphs with more nodes are refused before `dot` runs.
DEFAULT_MAX_NODES = 2000


def to_dot(d: dict, precision: int = 2, fold_constants: bool = True,
           max_nodes: int = DEFAULT_MAX_NODES, layout: str = "auto") -> str:
    """The DOT source of the circuit picture of an engine result dict.

    ``precision`` is the number of decimals on the wires; ``fold_constants``
    draws `1 + x` as a `+1` gate instead of giving the 1 its own wire;
    ``max_nodes`` refuses graphs too large to lay out in reasonable time;
    ``layout`` is "figure" (the CS231n picture), "compact" (gates joined by
    labelled edges, for big graphs) or "auto" (see ``plan``).
    """
    return _source(d, precision, fold_constants, max_nodes, layout)[0]


def plan(d: dict, fold_constants: bool = True, max_nodes: int = DEFAULT_MAX_NODES,
         layout: str = "auto") -> Plan:
    """How ``d`` would be drawn: the layout, the measures behind it, and any refusal."""
    return plan_circuit(Circuit(d, fold_constants, max_nodes), layout)


def prepare(d: dict, precision: int = 2, fold_constants: bool = True,
            max_nodes: int = DEFAULT_MAX_NODES, layout: str = "auto") -> tuple[str, Plan]:
    """(DOT source, plan): the DOT, and how it will be drawn (``plan.refusal``: why
    dot cannot lay it out in time, if so; ``plan.cost``: dot's predicted seconds).

    For callers that want the DOT and the SVG both (the API): build the DOT once
    here, then ``start_svg``/``svg_from_dot`` it unless refused.
    """
    return _source(d, precision, fold_constants, max_nodes, layout)


def start_svg(source: str, timeout: float = DEFAULT_TIMEOUT, cache: SizedLRU | None = None) -> Picture:
    """Start laying out a DOT source from ``prepare``/``to_dot`` as SVG; ``.result()`` waits.

    ``cache``: where the picture is looked up and kept (``picture_cache``);
    by default a cache of PICTURE_CACHE_BYTES shared by this process.
    """
    return Picture(source, "svg", timeout, cache).start()


def svg_from_dot(source: str, timeout: float = DEFAULT_TIMEOUT, cache: SizedLRU | None = None) -> str:
    """Lay out a DOT source from ``prepare``/``to_dot`` as SVG (cached)."""
    return start_svg(source, timeout, cache).result()


def to_svg(d: dict, precision: int = 2, fold_constants: bool = True,
           timeout: float = DEFAULT_TIMEOUT, max_nodes: int = DEFAULT_MAX_NODES,
           layout: str = "auto") -> str:
    """The circuit as an SVG string with stable ids, ready to inline.

    Raises RenderError without running `dot` when ``plan`` says it cannot lay
    the graph out in time.
    """
    return _picture(d, "svg", precision, fold_constants, timeout, max_nodes, layout)


def to_png(d: dict, precision: int = 2, fold_constants: bool = True,
           timeout: float = DEFAULT_TIMEOUT, max_nodes: int = DEFAULT_MAX_NODES,
           layout: str = "auto") -> bytes:
    """The circuit as PNG bytes (for the docs, or a download)."""
    return _picture(d, "png", precision, fold_constants, timeout, max_nodes, layout)


def _picture(d, fmt, precision, fold_constants, timeout, max_nodes, layout):
    source, p = _source(d, precision, fold_constants, max_nodes, layout)
    if p.refusal:
        raise RenderError(p.refusal)
    return Picture(source, fmt, timeout).result()


def _source(d, precision, fold_constants, max_nodes, layout):
    """(DOT source, Plan) of a result."""
    if isinstance(precision, bool) or not isinstance(precision, int) \
            or not 0 <= precision <= MAX_PRECISION:
        raise RenderError(f"precision must be a whole number from 0 to {MAX_PRECISION}")
    c = Circuit(d, fold_constants, max_nodes)
    p = plan_circuit(c, layout)
    try:
        if p.layout == "figure":
            return figure_dot(c, precision, p.pin_inputs), p
        return compact_dot(c, precision, p.copies), p
    except ValueError as err:  # a value in the dict that is not a number
        raise RenderError(f"cannot draw the value {err}") from None
