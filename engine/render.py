"""Draw an engine result as a CS231n-style circuit, with Graphviz.

The picture reads left to right: every input's name sits at the left end of a
horizontal wire, gates are circles with their operation inside, and every wire
carries its forward value in green above the line and its gradient in red
below it.  The output leaves on a wire of its own with gradient 1.

Public API (see /work/contract.md):

* ``to_dot(d)``  - the DOT source for an engine ``Result.to_dict()``;
* ``to_svg(d)``  - that source laid out by ``dot``, with stable ids/classes so a
  browser can reveal and highlight parts step by step without re-rendering;
* ``to_png(d)``  - the same picture as PNG bytes;
* ``plan(d)``    - which layout draws ``d`` and why, or why it will not be drawn;
* ``RenderError`` - ``dot`` missing, too slow, crashing, or the graph too large.

Two layouts (``layout="auto"|"figure"|"compact"`` on to_dot/to_svg/to_png).

The figure (small graphs).  Each wire (one engine edge, or the output) is a
plaintext node holding a small HTML table::

    name | value        <- green, id value-edge-<e>
         | ----------   <- a one-pixel cell whose top border is the wire
         | gradient     <- red, id grad-edge-<e>

An edge from the gate (or name label) that produces the value runs into the
left end of that line, and an edge from its right end runs into the consuming
gate.  That puts the numbers exactly above and below the line, as in the
figure, which plain Graphviz edge labels cannot do (they sit beside the edge).

The compact layout (graphs the figure cannot lay out fast).  Wire nodes double
the ranks dot works on, and long wires cost it one virtual node per rank they
cross: on a few hundred nodes with reuse the figure takes from seconds to
minutes, or crashes dot 2.43.  Here each wire is one edge, gate to gate (or
input name to gate), with its numbers as an ``xlabel`` (green value over red
gradient) that dot places after the layout; a wire that would cross the
picture starts instead from a copy of its value's name beside the gate it
feeds.  ``plan`` picks the layout from a cheap estimate of dot's work (see
_measure and the thresholds below), and to_svg/to_png refuse at once what dot
would not finish.  The page's ids are the same in both (see _compact_dot).

SVG ids.  Graphviz copies ``id``/``class`` of nodes and edges onto their SVG
``<g>``.  Table cells can only carry an ``id`` that Graphviz emits when the
cell has an ``href``, as ``<g id="a_<id>"><a ...>``; ``_finish_svg`` turns
those back into ``<g id="<id>" class="...">`` without the link.  That holds
for cells of ``xlabel`` tables too (they land inside their edge's or gate's
``<g>``).
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import html
import os
import re
import select
import signal
import subprocess
import tempfile
import threading
import time
import unicodedata
from collections import OrderedDict

from .errors import EngineError
from .numbers import MAX_PRECISION, format_number, format_value, is_nonfinite

__all__ = ["RenderError", "Plan", "plan", "LAYOUTS", "to_dot", "to_svg", "to_png", "prepare",
           "start_svg", "svg_from_dot", "Picture", "DotRun", "started_dot",
           "start_spare", "stop_spares", "format_number",
           "format_value", "clear_cache", "DEFAULT_TIMEOUT", "DEFAULT_MAX_NODES"]

#: The Graphviz layout program; a module attribute so tests can point it elsewhere.
DOT_COMMAND = "dot"
# Above this many rank crossings (see _stretch) inputs are no longer pinned to the
# left edge: measured, 50 sum-of-product terms (1,250 crossings) lay out in 0.08 s,
# 200 terms (20,000) in 12 s with pinning and 0.3 s without.
LEFT_ALIGN_BUDGET = 2000
MAX_ORDERED_FANOUT = 30  # above this many wires from one value, operand order is dot's choice

LAYOUTS = ("auto", "figure", "compact")
# How "auto" chooses (benchmarks/render_bench.py measures it; seconds of `dot`
# on a 2-core machine).  The cost that matters is the stretch: how many ranks
# the wires cross in all (see _measure).  The figure, whose wires are nodes of
# their own, is drawn when all of these hold:
#   - at most this many gates, names and wires: sums of products of 700-1,400
#     items take 0.2-0.5 s, of 2,100-2,300 items 1-2 s, of 3,500-4,500 items
#     4-7 s (chains and trees of 2,000 items 0.2-0.4 s);
FIGURE_MAX_ITEMS = 1200
#   - at most this many rank crossings, as the figure ranks its wires (its
#     inputs pinned to the left edge or not, see LEFT_ALIGN_BUDGET): random
#     mixes with 400-800 take 0.1-0.6 s, 1,200 0.4-0.8 s, 1,700 0.9-1.9 s, and
#     2,300 (a polynomial in x) over 15 s;
FIGURE_MAX_STRETCH = 1200
#   - at most this many wires from one value (above it the figure would lose
#     its operand order anyway, see MAX_ORDERED_FANOUT).
FIGURE_MAX_FANOUT = MAX_ORDERED_FANOUT
# Otherwise the compact layout draws it.  There, a wire that would cross more
# than COPY_GAP ranks starts from a copy of its value's name next to the gate
# it feeds (long wires across a big picture cannot be followed anyway), and
# then the longest wires do, until the others cross at most
# COMPACT_STRETCH_BUDGET ranks in all: up to 2,000 crossings every shape
# measured lays out in 0.1-1 s, while 3,000-5,000 take 2-11 s where one value
# feeds a long chain (a polynomial in x).  COMPACT_STRETCH_BUDGET = None: never copy.
COPY_GAP = 4
COMPACT_STRETCH_BUDGET = 2000
# to_svg/to_png refuse at once, without running dot, a compact layout whose
# wires still cross more ranks than this (only when COMPACT_STRETCH_BUDGET
# is None or above it) ...
COMPACT_MAX_STRETCH = 4000
# ... and a figure asked for with layout="figure" past this: 2,000-5,000
# crossings take from 1 s to over 15 s (a polynomial in x), 11,000 time out,
# and from ~40,000 dot 2.43 crashes (SIGSEGV).
FIGURE_MAX_STRETCH_TRIED = 4000
# Extra dot attributes for the compact layout.  Measured on compact layouts
# with long wires (one value feeding a 100-300 term chain, no copies):
# nslimit=0.2 cut 5 s to 0.3 s and >15 s to 1-4 s; mclimit and searchsize
# changed nothing measurable (mincross took at most 0.1 s); remincross only
# matters with clusters.  What no attribute caps is dot 2.43's network-simplex
# setup: 3 s for 23,000 virtual nodes even when nslimit stops it after 4
# iterations.  With the copies keeping every wire short, none is needed.
COMPACT_LIMITS: dict = {}
# Room between nodes in a rank and between ranks (inches) for the numbers
# placed after layout: tighter, and they overlap more often.
COMPACT_SEP = ("0.3", "0.5")
# Weight of the wire from each gate's deepest operand (see _spine): 8 keeps
# long sums straight (sum of 200 products: 300 pt high instead of 9,700).
COMPACT_GATE_WEIGHT = "8"
DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_NODES = 2000

FONT = "DejaVu Sans"
VALUE_COLOR = "#008000"   # the figure's green
GRAD_COLOR = "#d00000"    # the figure's red
NONFINITE_COLOR = "#c05000"

# Display text for gates whose engine symbol would make a wide circle, or that
# the figure writes differently (`-(...)` is the figure's `*-1` gate).
GATE_TEXT = {"neg": "*-1", "sigmoid": "σ"}
# Binary ops where `c op x` is the same gate as `x op c` (so `2 * x` is `*2`).
COMMUTATIVE = {"add", "mul", "max", "min"}
# A folded constant longer than this (a list literal, say) is shortened.
MAX_CONST_TEXT = 10

# The table cells that _finish_svg gives ids back to: `value-edge-3` gets class "value".
_CELL_KINDS = ("value", "grad", "name", "total")


class RenderError(EngineError):
    """The result cannot be drawn: `dot` is missing or too slow, or the graph is too big."""


# --- text that reaches DOT -----------------------------------------------------

_PLAIN_TEXT = re.compile(r"[A-Za-z0-9_ .,:;+\-*/()\[\]=…∂ᵀ]*")


def _text(s) -> str:
    """Any text made safe for the inside of an HTML-like DOT label.

    `&`, `<`, `>` and quotes become entities, so nothing can close the label or
    add markup; a backslash is doubled because Graphviz expands `\\N`, `\\G`, ...
    even inside HTML labels; control characters (which the XML parser in `dot`
    rejects) become spaces or U+FFFD; lone surrogates (not UTF-8) become `?`.
    """
    s = str(s)
    if _PLAIN_TEXT.fullmatch(s):
        return s  # numbers and names, nearly every label: nothing to escape
    s = s.encode("utf-8", "replace").decode("utf-8")
    out = []
    for ch in s:
        if ch in "\n\r\t":
            out.append(" ")
        elif unicodedata.category(ch) == "Cc":
            out.append("\ufffd")
        else:
            out.append(ch)
    return html.escape("".join(out), quote=True).replace("\\", "\\\\")


def _font(text: str, color: str | None = None) -> str:
    """Escaped text, coloured."""
    body = _text(text)
    return f'<font color="{color}">{body}</font>' if color else body


class _Html(str):
    """An HTML-like label whose text parts were all escaped by ``_text``."""


def _attrs(**kw) -> str:
    """A DOT attribute list; plain values are quoted, ``_Html`` labels go in as `<...>`.

    (The per-wire lines of the layouts are written directly as f-strings: their
    values are our own ids, classes and numbers, which need no quoting.)
    """
    parts = []
    for key, value in kw.items():
        if value is None:
            continue
        if isinstance(value, _Html):
            parts.append(f"{key}=<{value}>")
        else:
            text = str(value).replace("\\", "\\\\").replace('"', '\\"')
            parts.append(f'{key}="{text}"')
    return "[" + ", ".join(parts) + "]"


# A wire drawn dashed, in orange, because its value or gradient is inf or nan.
_DASHED = f', style="dashed", color="{NONFINITE_COLOR}"'


# --- reading the engine result -------------------------------------------------

def _read_result(d, max_nodes: int):
    """The nodes (by id), edges and output node id of a result dict, checked for drawing.

    Ids become parts of DOT names and SVG ids, so they must be plain integers.
    """
    try:
        nodes = {}
        for n in d["nodes"]:
            nid = n["id"]
            if isinstance(nid, bool) or not isinstance(nid, int):
                raise RenderError(f"cannot draw: node id {nid!r} is not an integer")
            nodes[nid] = n
        if len(nodes) > max_nodes:
            raise RenderError(
                f"The graph has {len(nodes)} nodes, more than the {max_nodes} that can "
                f"be drawn; use a smaller program to see its picture.")
        edges = []
        for e in d["edges"]:
            eid, src, dst = e["id"], e["source"], e["target"]
            if isinstance(eid, bool) or not isinstance(eid, int):
                raise RenderError(f"cannot draw: edge id {eid!r} is not an integer")
            if src not in nodes or dst not in nodes:
                raise RenderError(f"cannot draw: edge {eid} joins unknown nodes")
            edges.append(e)
        out = d["output"]["node"]
        if out not in nodes:
            raise RenderError(f"cannot draw: the output node {out!r} is unknown")
    except (KeyError, TypeError) as err:
        raise RenderError(f"cannot draw: the result is malformed ({err!r})") from None
    edges.sort(key=lambda e: (e["target"], e.get("slot", 0), e["id"]))
    return nodes, edges, out


def _const_text(node) -> str:
    """How a constant is written: its program text (`1`, `pi`), or its value if that is long."""
    text = node.get("symbol")
    if not text or len(text) > MAX_CONST_TEXT:
        text = format_value(node.get("value"))
    return text


def _folds(nodes, edges, fold_constants: bool):
    """Which edges and nodes disappear into a gate, and every gate's label.

    A binary op with exactly one constant operand becomes a unary gate that
    names the constant (`+1`, `*2`, `1/x`, `**2`, `max 0`).  A signed number
    (`x * -1` parses as `x * neg(1)`) counts as one constant.  Ops on constants
    only (`2 * 3`, `exp(-1)`) keep their constants as small inputs.

    Returns (folded edge ids, hidden op node ids, {op node id: label}).
    """
    ins, outs = {}, {}
    for e in edges:
        ins.setdefault(e["target"], []).append(e)
        outs.setdefault(e["source"], []).append(e)

    def constant_text(nid):
        node = nodes[nid]
        if node.get("kind") == "const":
            return _const_text(node)
        operand = ins.get(nid, [])
        # A named value (`q = -1`, `q = pi`) keeps its own wire, even as a sign of a number.
        if (node.get("op") in ("neg", "pos") and len(operand) == 1 and not node.get("name")
                and len(outs.get(nid, [])) == 1
                and nodes[operand[0]["source"]].get("kind") == "const"):
            text = _const_text(nodes[operand[0]["source"]])
            return "-" + text if node["op"] == "neg" else text
        return None

    folded, hidden, labels = set(), set(), {}
    for nid, node in nodes.items():
        if node.get("kind") != "op":
            continue
        op = node.get("op")
        symbol = node.get("symbol") or op or "?"
        labels[nid] = GATE_TEXT.get(op, symbol)
        operands = ins.get(nid, [])
        consts = [(e, t) for e in operands if (t := constant_text(e["source"])) is not None]
        if not (fold_constants and len(operands) == 2 and len(consts) == 1):
            continue
        c, ctext = consts[0]
        if symbol.isalnum():                     # max, min, dot ...
            labels[nid] = f"{symbol} {ctext}"
        elif c.get("slot", 0) == 1 or op in COMMUTATIVE:
            labels[nid] = f"{symbol}{ctext}"     # x/2 -> /2, 1+x -> +1
        else:
            labels[nid] = f"{ctext}{symbol}x"    # 1/x, 2**x, 1-x
        folded.add(c["id"])
        if nodes[c["source"]].get("kind") == "op":   # the sign of a signed number
            hidden.add(c["source"])
            folded.update(e["id"] for e in ins[c["source"]])
    return folded, hidden, labels


# --- what gets drawn -----------------------------------------------------------

class _Circuit:
    """An engine result read for drawing: the values, their wires, and the gate labels.

    ``wires[n]`` lists the wires that carry node n's value: one per use that is
    drawn (`x*x` has two), plus the output's own wire (id "out", target None).
    ``drawn`` are the node ids that appear in the picture, in id order; folded
    constants and the signs of signed numbers do not.
    """

    def __init__(self, d: dict, fold_constants: bool, max_nodes: int):
        nodes, edges, out = _read_result(d, max_nodes)
        folded, hidden, labels = _folds(nodes, edges, fold_constants)
        wires: dict[int, list] = {nid: [] for nid in nodes}
        for e in edges:
            if e["id"] not in folded:
                wires[e["source"]].append(e)
        out_node = nodes[out]
        wires[out].append({"id": "out", "source": out, "target": None,
                           "value": d["output"].get("value", out_node.get("value")),
                           "grad": out_node.get("grad", 1.0)})
        self.nodes, self.edges, self.out, self.output = nodes, edges, out, d["output"]
        self.hidden, self.gate_labels, self.wires = hidden, labels, wires
        self.drawn = [nid for nid in sorted(nodes)
                      if nid not in hidden
                      and not (nodes[nid].get("kind") == "const" and not wires[nid])]

    def name(self, nid) -> str | None:
        return _display_name(self.nodes[nid], self.output if nid == self.out else None)


class Plan:
    """How a result will be drawn, decided from its shape before `dot` runs.

    ``layout``   "figure" or "compact";
    ``nodes``    drawn gates and leaves; ``wires`` drawn wires (with the output's);
    ``fanout``   the most wires leaving one value;
    ``stretch``  rank crossings of all wires, ranked as late as possible (see _measure);
    ``figure_stretch`` the same as the figure ranks them: its inputs at the left
                 edge when that is cheap (see _stretch), else ``stretch``;
    ``pin_inputs`` whether the figure lines its inputs up at the left edge
                 (when that stretch is within LEFT_ALIGN_BUDGET);
    ``copies``   the wires the compact layout draws from a copy of their value's
                 name instead of from the value itself (see _compact_dot);
    ``compact_stretch`` rank crossings of the other wires: the compact layout's cost;
    ``refusal``  None, or the message of the RenderError that to_svg/to_png raise
                 instead of running `dot`.
    """

    __slots__ = ("layout", "nodes", "wires", "fanout", "stretch", "figure_stretch",
                 "pin_inputs", "copies", "compact_stretch", "refusal")

    def __init__(self, **fields):
        for key in self.__slots__:
            setattr(self, key, fields[key])

    def __repr__(self):
        inner = ", ".join(f"{k}={getattr(self, k)!r}" for k in self.__slots__ if k != "copies")
        return f"Plan({inner}, copies={len(self.copies)})"


def _measure(c: _Circuit):
    """(wires, max fan-out, ALAP stretch, [(gap, wire id, node id) of every long wire]).

    The stretch predicts dot's work.  Every drawn node is ranked as late as its
    consumers allow, counting back from the output (rank 0): r(n) = min over
    its wires of r(consumer) - 1.  A wire then crosses r(consumer) - r(n) - 1
    ranks (its gap), and dot routes it through one virtual node per rank
    crossed: it orders them (mincross), then places them all with a network
    simplex whose setup and every step touch all of them; that is where the
    time goes.  Chains, trees and sums of products stretch by ~0; a value
    reused all over the graph (`x+x+...+x`, a polynomial in x, random reuse)
    by thousands.  A node's nearest consumer has gap 0, so redrawing any other
    wire from a copy placed next to its consumer takes exactly that wire's gap
    off the total and moves no rank.

    Values the output does not depend on (`q = x + y` when f never uses q) sit
    where dot puts them, right after their operands (and an input used only
    there, right before its first use).
    """
    rank: dict[int, int] = {}
    live = set()
    fanout = n_wires = 0
    for nid in reversed(c.drawn):
        its = c.wires[nid]
        fanout = max(fanout, len(its))
        n_wires += len(its)
        targets = [w["target"] for w in its if w["target"] in live]
        if nid == c.out or targets:
            live.add(nid)
            rank[nid] = min((rank[t] for t in targets), default=0) - 1
    if len(live) < len(c.drawn):
        operands: dict[int, list[int]] = {}
        for nid in c.drawn:
            for w in c.wires[nid]:
                if w["target"] is not None:
                    operands.setdefault(w["target"], []).append(nid)
        lowest = min(rank.values())
        dead = [nid for nid in c.drawn if nid not in live]
        for nid in dead:
            if c.nodes[nid].get("kind") == "op":
                rank[nid] = 1 + max((rank[s] for s in operands.get(nid, ()) if s in rank),
                                    default=lowest - 1)
        for nid in dead:
            if nid not in rank:
                rank[nid] = min((rank[w["target"]] for w in c.wires[nid]
                                 if w["target"] is not None), default=1) - 1
    long_wires = []
    stretch = 0
    for nid in c.drawn:
        for w in c.wires[nid]:
            gap = rank[w["target"]] - rank[nid] - 1 if w["target"] is not None else 0
            if gap > 0:
                stretch += gap
                long_wires.append((gap, w["id"], nid))
    return n_wires, fanout, stretch, long_wires


def _plan(c: _Circuit, layout: str) -> Plan:
    """Which layout draws ``c`` (``layout`` "auto" decides), or why `dot` should not try."""
    if layout not in LAYOUTS:
        raise RenderError(f"layout must be one of {', '.join(LAYOUTS)}, not {layout!r}")
    n_wires, fanout, stretch, long_wires = _measure(c)
    asap = _stretch(c.nodes, c.edges, c.hidden)
    pin_inputs = asap <= LEFT_ALIGN_BUDGET
    figure_stretch = asap if pin_inputs else stretch
    if layout == "auto":
        figure = (len(c.drawn) + n_wires <= FIGURE_MAX_ITEMS
                  and figure_stretch <= FIGURE_MAX_STRETCH and fanout <= FIGURE_MAX_FANOUT)
        layout = "figure" if figure else "compact"
    # Wires longer than COPY_GAP, then the longest first until what is left is cheap.
    long_wires.sort(key=lambda t: (-t[0], t[1]))
    copies, compact_stretch = set(), stretch
    for gap, key, _ in long_wires:
        if COMPACT_STRETCH_BUDGET is None or (gap <= COPY_GAP
                                              and compact_stretch <= COMPACT_STRETCH_BUDGET):
            break
        copies.add(key)
        compact_stretch -= gap
    refusal = None
    cost, limit = ((compact_stretch, COMPACT_MAX_STRETCH) if layout == "compact"
                   else (figure_stretch, FIGURE_MAX_STRETCH_TRIED))
    if cost > limit:
        share: dict[int, int] = {}
        for gap, key, nid in long_wires:
            if layout == "figure" or key not in copies:
                share[nid] = share.get(nid, 0) + gap
        worst = max(share, key=share.get)
        what, uses = _what(c, worst), len(c.wires[worst])
        why = (f"{what} is used {uses} times across the graph" if 2 * share[worst] >= cost
               else f"{len(share)} values, such as {what} (used {uses} times), are used "
                    f"far apart across the graph")
        if why.startswith("the value"):
            why = "T" + why[1:]
        refusal = (f"{why}: too many long wires ({cost:,} rank crossings) for Graphviz to "
                   f"lay out in time, so there is no picture; the numbers are still shown.")
    return Plan(layout=layout, nodes=len(c.drawn), wires=n_wires, fanout=fanout,
                stretch=stretch, figure_stretch=figure_stretch, pin_inputs=pin_inputs,
                copies=frozenset(copies if layout == "compact" else ()),
                compact_stretch=compact_stretch, refusal=refusal)


def _what(c: _Circuit, nid) -> str:
    """A value as a message names it: `x`, or `the value of tanh(x0 - x1)`."""
    name = c.name(nid)
    if name is not None:
        return name
    return f"the value of `{_plain(c.nodes[nid].get('text') or c.gate_labels.get(nid, '?'))}`"


def _plain(text: str, limit: int = 30) -> str:
    """Program text for a message: one line, shortened."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


# --- DOT: the figure layout ----------------------------------------------------

def _number_cells(key, value, grad, precision, padding) -> tuple[str, str]:
    """The two table cells of a wire's numbers: the green value (with its shape) and the red gradient."""
    value_td = (f'<td id="value-edge-{key}" href="#" align="left" cellpadding="{padding}">'
                f'{_font(format_value(value, precision, shape=True), VALUE_COLOR)}</td>')
    grad_td = (f'<td id="grad-edge-{key}" href="#" align="left" cellpadding="{padding}">'
               f'{_font(format_value(grad, precision), GRAD_COLOR)}</td>')
    return value_td, grad_td


def _wire_node(key, name_cell, value, grad, precision, nonfinite) -> _Html:
    """The table that draws one wire: optional name, value over the line, gradient under it."""
    line_style = ' style="dashed"' if nonfinite else ""
    line_color = f' color="{NONFINITE_COLOR}"' if nonfinite else ""
    name_td = empty_td = ""
    if name_cell is not None:
        nid, name = name_cell
        # (a 4-pixel spacer keeps the name off its value, "x -2" as in the figure)
        name_td = (f'<td port="name" id="name-node-{nid}" href="#" align="right" '
                   f'cellpadding="1">{_font(name)}</td><td width="4"></td>')
        empty_td = '<td colspan="2"></td>'
    value_td, grad_td = _number_cells(key, value, grad, precision, padding=1)
    # The empty 1-pixel cell's top border is the wire; min width keeps short
    # numbers on a visible stretch of line, as in the figure.
    line_td = (f'<td port="line" sides="T" border="1" height="1" width="44" '
               f'cellpadding="0"{line_style}{line_color}></td>')
    return _Html('<table border="0" cellborder="0" cellspacing="0" cellpadding="0">'
                 f"<tr>{name_td}{value_td}</tr>"
                 f"<tr>{empty_td}{line_td}</tr>"
                 f"<tr>{empty_td}{grad_td}</tr></table>")


def _name_node(nid, name, total, precision) -> _Html:
    """Where a fanned-out value starts: its name over a short line, its total gradient under it.

    The wires of each use leave from the line's right end, so the picture shows
    one value splitting into several wires whose gradients add up to the total.
    """
    name_td = (f'<td id="name-node-{nid}" href="#" align="left" cellpadding="1">'
               f'{_font(name)}</td>' if name is not None else '<td></td>')
    total_td = (f'<td id="total-node-{nid}" href="#" align="left" cellpadding="1">'
                f'{_font(format_value(total, precision), GRAD_COLOR)}</td>')
    line_td = '<td port="line" sides="T" border="1" height="1" width="30" cellpadding="0"></td>'
    return _Html('<table border="0" cellborder="0" cellspacing="0" cellpadding="0">'
                 f"<tr>{name_td}</tr><tr>{line_td}</tr><tr>{total_td}</tr></table>")


def _stretch(nodes: dict, edges: list, hidden) -> int:
    """How many ranks the wires would cross in all, with every input at the left edge.

    Each gate sits one rank right of its latest operand (ids are topological);
    a wire from a rank-r node into a rank-t gate crosses t - r - 1 ranks, and
    dot pays for each crossing with a virtual node.
    """
    rank: dict[int, int] = {}
    total = 0
    by_target: dict[int, list[int]] = {}
    for e in edges:
        by_target.setdefault(e["target"], []).append(e["source"])
    for nid in sorted(nodes):
        srcs = [s for s in by_target.get(nid, ()) if s not in hidden]
        rank[nid] = 1 + max((rank[s] for s in srcs), default=-1)
        total += sum(rank[nid] - rank[s] - 1 for s in srcs)
    return total


def _gate(nid, label, xlabel=None) -> str:
    size = "12" if len(label) <= 3 else "10"
    more = f", xlabel=<{xlabel}>" if xlabel is not None else ""
    return (f'  g{nid} [label=<{_text(label)}>, shape="circle", width="0.36", margin="0.02", '
            f'fontsize="{size}", id="node-{nid}", class="gate"{more}]')


def _figure_dot(c: _Circuit, precision: int, pin_inputs: bool) -> str:
    """The CS231n figure: every wire a line with its value above and gradient below."""
    nodes, wires = c.nodes, c.wires
    # Keeping operands in slot order, top to bottom (w0 above x0), costs dot dearly
    # around a value with many wires: `x+x+...` with 100 uses takes minutes with it
    # and under a second without; 30 uses take 0.08 s with it.
    ordered = max(len(ws) for ws in wires.values()) <= MAX_ORDERED_FANOUT
    lines = [
        "digraph circuit {",
        "  graph " + _attrs(rankdir="LR", splines="line", nodesep="0.12", ranksep="0.22",
                            fontname=FONT, bgcolor="white", pad="0.15", newrank="true",
                            **({"ordering": "in"} if ordered else {})),
        "  node " + _attrs(fontname=FONT, fontsize="11", shape="plaintext", margin="0"),
        "  edge " + _attrs(fontname=FONT, fontsize="11", arrowsize="0.45", penwidth="0.8",
                           arrowhead="none"),
    ]
    leaf_starts = []   # drawn at the left edge, like x, y, z in the figure

    for nid in c.drawn:
        node, its_wires = nodes[nid], wires[nid]
        kind = node.get("kind")
        name = c.name(nid)

        start = None   # where this value's wires begin: its gate, or its own label
        if kind == "op":
            lines.append(_gate(nid, c.gate_labels[nid]))
            start = f"g{nid}"

        # With one wire the name rides on it (x -2.00).  A value used several
        # times gets a label of its own with the total gradient under it (the
        # sum of its wires'), and its wires fan out from there.  An unused input
        # has nothing but that label.
        own_label = len(its_wires) > 1 or (kind != "op" and not its_wires)
        if own_label:
            lines.append(f"  n{nid} [label=<{_name_node(nid, name, node.get('grad'), precision)}>, "
                         f'id="start-node-{nid}", class="start {kind}"]')
            if start is None:
                leaf_starts.append(f"n{nid}")
            else:
                lines.append(f'  {start} -> n{nid}:line:w [arrowhead="normal", weight="8", '
                             f'id="tail-node-{nid}", class="wire-tail of-node-{nid}"]')
            start = f"n{nid}:line:e"

        for e in its_wires:
            key = e["id"]
            bad = is_nonfinite(e.get("value"), e.get("grad"))
            classes = f"of-edge-{key}" + (" nonfinite" if bad else "")
            dashed = _DASHED if bad else ""
            name_cell = (nid, name) if (not own_label and name is not None) else None
            label = _wire_node(key, name_cell, e.get("value"), e.get("grad"), precision, bad)
            lines.append(f'  w{key} [label=<{label}>, id="edge-{key}", class="wire {classes}"]')
            if start is None:
                leaf_starts.append(f"w{key}")
            else:
                head = f"w{key}:name:w" if name_cell else f"w{key}:line:w"
                arrow = "normal" if start.startswith("g") else "none"
                # heavy, so a value is written next to the gate that makes it
                # and the long stretch, if any, runs into the consumer
                lines.append(f'  {start} -> {head} [arrowhead="{arrow}", weight="8", '
                             f'id="tail-edge-{key}", class="wire-tail {classes}"{dashed}]')
            if e["target"] is not None:
                lines.append(f'  w{key}:line:e -> g{e["target"]} [arrowhead="normal", '
                             f'id="head-edge-{key}", class="wire-head {classes}"{dashed}]')

    if leaf_starts and pin_inputs:
        # Inputs line up at the left, so a late input (z) reaches its gate on a
        # long wire instead of floating in the middle.  On big graphs that makes
        # dot route hundreds of long wires (minutes of layout), so there the
        # inputs sit next to their gates instead.
        lines.append("  { rank=min; " + "; ".join(leaf_starts) + "; }")
    lines.append("}")
    return "\n".join(lines) + "\n"


# --- DOT: the compact layout ---------------------------------------------------

def _numbers_label(key, name_cell, value, grad, precision) -> _Html:
    """A wire's external label: green value over red gradient, the name (if any) before them."""
    name_td = ""
    if name_cell is not None:
        nid, name = name_cell
        name_td = (f'<td id="name-node-{nid}" href="#" rowspan="2" valign="middle" '
                   f'cellpadding="1">{_font(name)}</td>')
    value_td, grad_td = _number_cells(key, value, grad, precision, padding=0)
    return _Html('<table border="0" cellborder="0" cellspacing="0" cellpadding="0">'
                 f"<tr>{name_td}{value_td}</tr><tr>{grad_td}</tr></table>")


def _start_label(nid, name, total, precision) -> _Html:
    """A value's own label in the compact layout: its name, and under it the total gradient."""
    rows = []
    if name is not None:
        rows.append(f'<tr><td id="name-node-{nid}" href="#" cellpadding="1">{_font(name)}</td></tr>')
    if total is not None:
        rows.append(f'<tr><td id="total-node-{nid}" href="#" cellpadding="1">'
                    f'{_font(format_value(total, precision), GRAD_COLOR)}</td></tr>')
    return _Html('<table border="0" cellborder="0" cellspacing="0" cellpadding="0">'
                 + ("".join(rows) or "<tr><td></td></tr>") + "</table>")


def _spine(c: _Circuit, copies) -> set:
    """The wires from each gate's deepest operand (longest path from an input).

    Drawn straight (heavy), they make the long chains of a big graph (the `+`
    of a long sum) run straight across, with the short side branches beside
    them, instead of sloping down the picture.
    """
    depth: dict[int, int] = {}
    best: dict[int, tuple] = {}
    for nid in c.drawn:
        depth[nid] = best[nid][0] + 1 if nid in best else 0
        if c.nodes[nid].get("kind") != "op":
            continue
        for w in c.wires[nid]:
            t = w["target"]
            if t is not None and w["id"] not in copies and depth[nid] > best.get(t, (-1, None))[0]:
                best[t] = (depth[nid], w["id"])
    return {key for _, key in best.values()}


def _compact_dot(c: _Circuit, precision: int, copies=frozenset()) -> str:
    """Gates and names joined by one edge per wire, the numbers placed beside it afterwards.

    No wire nodes and no edge labels inside the layout: dot ranks only the gates,
    and writes each wire's numbers as an `xlabel` once everything is placed.
    SVG ids, as in the figure: gate `node-<id>` (class gate), wire `edge-<e>`
    (the edge itself, class `wire wire-head`: the page colours that class's
    path and arrow), its `value-edge-<e>`/`grad-edge-<e>`, the output's
    `edge-out` (into an invisible point); an input or constant is its own
    label `start-node-<id>` with `name-node-<id>`, and `total-node-<id>` under
    it when it has several wires; a gate with several wires carries its name
    and total as an xlabel, one with a single wire writes its name before the
    wire's numbers.  There are no `head-edge-`/`tail-node-` pieces.
    A wire in ``copies`` starts at a copy of its value's name, placed next to
    the gate it feeds, instead of crossing the picture from the value itself:
    the copy belongs to its wire (id `tail-edge-<wire>`, as the stretch of a
    wire before its numbers does in the figure).
    """
    nodes, wires = c.nodes, c.wires
    spine = _spine(c, copies)
    lines = [
        "digraph circuit {",
        "  graph " + _attrs(rankdir="LR", splines="line", nodesep=COMPACT_SEP[0],
                            ranksep=COMPACT_SEP[1], fontname=FONT, bgcolor="white", pad="0.15",
                            forcelabels="true", **COMPACT_LIMITS),
        "  node " + _attrs(fontname=FONT, fontsize="10", shape="plaintext", margin="0"),
        "  edge " + _attrs(fontname=FONT, fontsize="9", arrowsize="0.4", penwidth="0.7"),
    ]
    for nid in c.drawn:
        node, its_wires = nodes[nid], wires[nid]
        kind = node.get("kind")
        name = c.name(nid)
        # the total gradient is shown where a value splits into several wires
        total = node.get("grad") if len(its_wires) != 1 else None
        if kind == "op":
            own = total is not None and len(its_wires) > 1
            xlabel = _start_label(nid, name, total, precision) if own else None
            lines.append(_gate(nid, c.gate_labels[nid], xlabel))
        else:
            own = True
            lines.append(f"  n{nid} " + _attrs(
                label=_start_label(nid, name, total, precision),
                id=f"start-node-{nid}", **{"class": f"start {kind}"}))
        for e in its_wires:
            key = e["id"]
            start = f"g{nid}" if kind == "op" else f"n{nid}"
            if key in copies:
                start = f"c{key}"
                copy = name if name is not None else _plain(
                    node.get("text") or c.gate_labels.get(nid, "?"), 16)
                lines.append(f"  c{key} " + _attrs(
                    label=_Html(_text(copy)),
                    id=f"tail-edge-{key}",
                    **{"class": f"wire-tail start {kind} copy of-edge-{key}"}))
            bad = is_nonfinite(e.get("value"), e.get("grad"))
            # (wire-head: the page highlights that class's path and arrow)
            classes = f"wire wire-head of-edge-{key}" + (" nonfinite" if bad else "")
            name_cell = (nid, name) if (not own and name is not None) else None
            target = f"g{e['target']}" if e["target"] is not None else "wout"
            if target == "wout":
                lines.append("  wout " + _attrs(shape="point", style="invis", width="0.01"))
            label = _numbers_label(key, name_cell, e.get("value"), e.get("grad"), precision)
            weight = f', weight="{COMPACT_GATE_WEIGHT}"' if key in spine else ""
            lines.append(f'  {start} -> {target} [xlabel=<{label}>, id="edge-{key}", '
                         f'class="{classes}"{weight}{_DASHED if bad else ""}]')
    lines.append("}")
    return "\n".join(lines) + "\n"


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
    return _plan(_Circuit(d, fold_constants, max_nodes), layout)


def _source(d, precision, fold_constants, max_nodes, layout):
    """(DOT source, Plan) of a result."""
    if isinstance(precision, bool) or not isinstance(precision, int) \
            or not 0 <= precision <= MAX_PRECISION:
        raise RenderError(f"precision must be a whole number from 0 to {MAX_PRECISION}")
    c = _Circuit(d, fold_constants, max_nodes)
    p = _plan(c, layout)
    try:
        if p.layout == "figure":
            return _figure_dot(c, precision, p.pin_inputs), p
        return _compact_dot(c, precision, p.copies), p
    except ValueError as err:  # a value in the dict that is not a number
        raise RenderError(f"cannot draw the value {err}") from None


def _display_name(node, output) -> str | None:
    """The black text at the start of a node's wire: input name, number, or assigned name.

    ``output`` is the result's output entry when the node is the output: an
    unnamed output is called by the trace's name for it (`f`).
    """
    kind = node.get("kind")
    if kind == "const":
        return _const_text(node)
    name = node.get("name")
    if kind == "input" and name is None:
        name = node.get("symbol", "?")
    if name is None and output is not None:
        name = output.get("label")
    return name


# --- running dot ---------------------------------------------------------------

def _scratch_file():
    """An anonymous in-memory file (a temporary file where memfd is missing) for dot's I/O."""
    if hasattr(os, "memfd_create"):
        try:
            return os.fdopen(os.memfd_create("backprop-dot", os.MFD_CLOEXEC), "w+b")
        except OSError:
            pass
    return tempfile.TemporaryFile()


class DotRun:
    """One `dot -T<fmt>`, started at once and given its DOT source by ``feed``; ``result`` waits.

    Starting dot before its input exists lets the caller overlap dot's start-up
    (process creation, loading its plugins: a few milliseconds, most of a small
    graph's time) with writing the DOT, and the layout with other work (the
    API writes the step texts and the JSON meanwhile).  The source goes in
    through a pipe made large enough to take it whole, so ``feed`` returns at
    once; dot writes its output and errors to in-memory files, so nothing here
    has to drain it and waiting is a single wait on the process.

    ``result`` raises RenderError when dot is missing, takes longer than
    ``timeout`` seconds after ``feed`` (it is then killed), crashes or fails.
    ``cancel`` stops it; both may be called more than once.
    """

    def __init__(self, fmt: str, timeout: float):
        self.fmt = fmt
        self.timeout = timeout
        self.deadline = None
        self.proc = self.error = self.output = self.stdin = None
        self.pending = b""   # what the pipe could not take yet
        self.files = [_scratch_file(), _scratch_file()]  # stdout, stderr
        read_end, self.stdin = os.pipe()
        try:
            self.proc = subprocess.Popen([DOT_COMMAND, f"-T{fmt}"], stdin=read_end,
                                         stdout=self.files[0], stderr=self.files[1])
        except FileNotFoundError:
            self.error = RenderError("Graphviz's `dot` program is not installed; install it "
                                     "with `apt-get install graphviz`")
        except OSError as err:
            self.error = RenderError(f"Graphviz's `dot` program could not be run: {err}")
        finally:
            os.close(read_end)
        if self.error is not None:
            self.cancel()
        else:
            os.set_blocking(self.stdin, False)

    def feed(self, source: str) -> None:
        """Hand dot its DOT source (once) and start the clock on its time limit."""
        self.deadline = time.monotonic() + self.timeout
        if self.stdin is None:
            return
        data = source.encode("utf-8")
        with contextlib.suppress(AttributeError, OSError):  # Linux only; a smaller pipe still works
            fcntl.fcntl(self.stdin, fcntl.F_SETPIPE_SZ, max(len(data), 4096))
        self.pending = memoryview(data)
        self._write()

    def _write(self, timeout: float = 0.0) -> None:
        """Write what is pending, waiting up to ``timeout`` seconds for room; close stdin once done."""
        while self.pending:
            try:
                self.pending = self.pending[os.write(self.stdin, self.pending):]
                continue
            except BlockingIOError:
                pass
            except OSError:   # dot exited without reading it all; its status will say why
                self.pending = b""
                break
            if timeout <= 0 or not select.select([], [self.stdin], [], timeout)[1]:
                return
            timeout = self.deadline - time.monotonic()
        os.close(self.stdin)
        self.stdin = None

    def result(self) -> bytes:
        """dot's output; RenderError if it could not draw."""
        if self.output is None and self.error is None:
            if self.files and self.deadline is not None:
                self.error, self.output = self._wait()
                self.cancel()
            else:
                self.error = RenderError("Drawing the graph was stopped.")
        if self.error is not None:
            raise self.error
        return self.output

    def _wait(self):
        """(error, output) once dot has finished or been stopped."""
        timed_out = RenderError(f"Drawing the graph took longer than {self.timeout:g} seconds "
                                f"and was stopped; try a smaller program.")
        if self.stdin is not None:
            self._write(self.deadline - time.monotonic())
            if self.stdin is not None:   # dot stopped reading
                return timed_out, None
        try:
            code = _wait_for(self.proc, max(0.0, self.deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            return timed_out, None
        stdout, stderr = self.files
        if code < 0:   # killed by a signal: dot 2.43 segfaults on some big graphs
            return RenderError(f"Graphviz's `dot` crashed ({_signal_name(-code)}) "
                               f"on this graph; the numbers are still shown."), None
        if code:
            stderr.seek(0)
            detail = stderr.read().decode("utf-8", "replace").strip().splitlines()
            return RenderError("Graphviz's `dot` failed to draw the graph"
                               + (f": {detail[-1]}" if detail else ".")), None
        stdout.seek(0)
        return None, stdout.read()

    def waiting(self) -> bool:
        """Whether dot started and still waits for its source (usable by ``feed``)."""
        return (self.error is None and self.deadline is None and self.stdin is not None
                and self.proc.poll() is None)

    def cancel(self) -> None:
        """Stop dot if it is still running and free its pipe and files."""
        if self.stdin is not None:
            os.close(self.stdin)
            self.stdin = None
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        for f in self.files:
            f.close()
        self.files = []


class _Spares:
    """One `dot` per (command, format, PATH) started ahead of time, for a server.

    A request that takes it finds dot's start-up (creating the process, loading
    its plugins: about 4 of a small graph's 11 ms here) already done; the
    request then starts the next one while dot lays its graph out.  Only the
    API uses this; ``to_svg``, ``to_png`` and the CLI start dot when they need
    it.  A spare that died meanwhile is replaced; at exit the spares are stopped
    (a spare whose process is killed reads end-of-input and exits by itself).
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._runs: dict = {}

    @staticmethod
    def _key(fmt):
        return DOT_COMMAND, fmt, os.environ.get("PATH")

    def take(self, fmt: str, timeout: float) -> DotRun:
        with self._lock:
            run = self._runs.pop(self._key(fmt), None)
        if run is not None and run.waiting():
            run.timeout = timeout
            return run
        if run is not None:
            run.cancel()
        return DotRun(fmt, timeout)

    def refill(self, fmt: str) -> None:
        key = self._key(fmt)
        with self._lock:
            if key in self._runs:
                return
        run = DotRun(fmt, DEFAULT_TIMEOUT)   # (its time limit is set when it is taken)
        if run.error is not None:   # no dot to start: nothing to keep
            run.cancel()
            return
        with self._lock:
            run, self._runs[key] = self._runs.get(key), run
        if run is not None:   # another thread filled it meanwhile
            run.cancel()

    def clear(self) -> None:
        with self._lock:
            runs, self._runs = list(self._runs.values()), {}
        for run in runs:
            run.cancel()


_SPARES = _Spares()
atexit.register(_SPARES.clear)


def started_dot(fmt: str, timeout: float) -> DotRun:
    """A dot already started, waiting for its source: the spare if there is one, else a new one.

    For servers: call ``start_spare`` afterwards, off the critical path, so the
    next request finds one too.
    """
    return _SPARES.take(fmt, float(timeout))


def start_spare(fmt: str) -> None:
    """Start a dot ahead of time for the next ``started_dot`` (unless one waits already)."""
    _SPARES.refill(fmt)


def stop_spares() -> None:
    """Stop the dots started ahead of time (for tests, or after changing DOT_COMMAND)."""
    _SPARES.clear()


def _wait_for(proc: subprocess.Popen, timeout: float) -> int:
    """``proc.wait(timeout)``, but woken the moment the process ends.

    Popen.wait with a timeout polls with growing sleeps (up to 50 ms), which
    would add a third to a small graph's time; a pidfd becomes readable
    exactly when the process exits.  Without pidfds (not Linux), it polls.
    """
    try:
        fd = os.pidfd_open(proc.pid)
    except (AttributeError, OSError):
        return proc.wait(timeout=timeout)
    try:
        ready, _, _ = select.select([fd], [], [], timeout)
    finally:
        os.close(fd)
    if not ready:
        raise subprocess.TimeoutExpired(proc.args, timeout)
    return proc.wait()


def _signal_name(number: int) -> str:
    """`signal 11` as "signal 11, SIGSEGV" when the name is known."""
    try:
        return f"signal {number}, {signal.Signals(number).name}"
    except ValueError:
        return f"signal {number}"


_SVG_DROP = re.compile(r"<!--.*?-->\n?|<title>[^<]*</title>\n?", re.S)
_SVG_CELL_LINK = re.compile(r'<a xlink:href="#"[^>]*>')
_SVG_CELL_GROUP = re.compile(r'<g id="a_(' + "|".join(_CELL_KINDS) + ")-")


def _finish_svg(svg: bytes) -> str:
    """dot's SVG with the table cells' `<g id="a_X"><a>...</a></g>` made into `<g id="X" class=...>`.

    The links only existed to make Graphviz emit the ids; clicking them would
    jump the page, so they go.  Graphviz's `<title>`s and comments name our
    internal DOT nodes (`w3`, `g2`) and would pop up as tooltips, so they go too.
    The XML prolog and DOCTYPE are dropped so the result can be inlined into HTML.
    Plain string passes with fixed replacements over dot's regular output: an
    XML tree, or a Python call per match, would cost as much as a small
    graph's whole layout.
    """
    text = svg.decode("utf-8", "replace")
    start = text.find("<svg")
    end = text.rfind("</svg>")
    if start < 0 or end < start:
        raise RenderError("Graphviz's `dot` wrote an unreadable SVG (no <svg> element)")
    text = _SVG_DROP.sub("", text[start:end + len("</svg>")]).replace("&#45;", "-")
    text = _SVG_CELL_GROUP.sub(r'<g class="\1" id="\1-', text)
    # Only cells have links (href="#"), each opened right after its <g> and closed before its </g>.
    return _SVG_CELL_LINK.sub("", text).replace("</a>\n</g>", "</g>")


# --- pictures, cached ------------------------------------------------------------

#: How many laid-out pictures (DOT source and format -> SVG text or PNG bytes) are kept.
PICTURE_CACHE_SIZE = 128


class _Pictures:
    """The most recently drawn pictures, least recently used dropped first; thread-safe.

    (Not functools.lru_cache: Picture must look a source up without drawing it.)
    """

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key):
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_PICTURES = _Pictures(PICTURE_CACHE_SIZE)


def clear_cache() -> None:
    """Forget every rendered picture (for tests, or after changing DOT_COMMAND)."""
    _PICTURES.clear()


class Picture:
    """The picture of one DOT source: from the cache, or being drawn by `dot` right now.

    Made by ``start_svg`` (or ``to_svg``/``to_png``, which wait at once).
    ``result()`` waits for dot and answers the SVG text (finished by
    _finish_svg) or the PNG bytes, keeping it in the cache; it raises
    RenderError as DotRun does.  ``cancel()`` stops a dot still running.
    Failures are not cached: the next try may draw.
    """

    def __init__(self, source: str, fmt: str, timeout: float, run: DotRun | None = None):
        self.key = (source, fmt)
        self.value = _PICTURES.get(self.key)
        self.run = None
        if self.value is not None:
            if run is not None:
                run.cancel()   # started for nothing: the picture was drawn before
            return
        self.run = run if run is not None else DotRun(fmt, float(timeout))
        self.run.feed(source)

    def result(self):
        if self.value is None:
            raw = self.run.result()
            self.value = _finish_svg(raw) if self.key[1] == "svg" else raw
            _PICTURES.put(self.key, self.value)
        return self.value

    def cancel(self) -> None:
        if self.run is not None:
            self.run.cancel()


def start_svg(source: str, timeout: float = DEFAULT_TIMEOUT, run: DotRun | None = None) -> Picture:
    """Start laying out a DOT source from ``prepare``/``to_dot`` as SVG; ``.result()`` waits.

    ``run``: a ``DotRun("svg", ...)`` started earlier, to feed (or cancel if the
    picture is cached) instead of starting dot now.
    """
    return Picture(source, "svg", timeout, run)


def svg_from_dot(source: str, timeout: float = DEFAULT_TIMEOUT) -> str:
    """Lay out a DOT source from ``prepare``/``to_dot`` as SVG (cached)."""
    return start_svg(source, timeout).result()


def _picture(d, fmt, precision, fold_constants, timeout, max_nodes, layout):
    source, p = _source(d, precision, fold_constants, max_nodes, layout)
    if p.refusal:
        raise RenderError(p.refusal)
    return Picture(source, fmt, timeout).result()


def prepare(d: dict, precision: int = 2, fold_constants: bool = True,
            max_nodes: int = DEFAULT_MAX_NODES, layout: str = "auto") -> tuple[str, str | None]:
    """(DOT source, refusal): the DOT, and why dot cannot lay it out in time, if so.

    For callers that want the DOT and the SVG both (the API): build the DOT once
    here, then ``start_svg``/``svg_from_dot`` it unless refused.
    """
    source, p = _source(d, precision, fold_constants, max_nodes, layout)
    return source, p.refusal


def to_svg(d: dict, precision: int = 2, fold_constants: bool = True,
           timeout: float = DEFAULT_TIMEOUT, max_nodes: int = DEFAULT_MAX_NODES,
           layout: str = "auto") -> str:
    """The circuit as an SVG string with stable ids (see the contract), ready to inline.

    Raises RenderError without running `dot` when ``plan`` says it cannot lay
    the graph out in time.
    """
    return _picture(d, "svg", precision, fold_constants, timeout, max_nodes, layout)


def to_png(d: dict, precision: int = 2, fold_constants: bool = True,
           timeout: float = DEFAULT_TIMEOUT, max_nodes: int = DEFAULT_MAX_NODES,
           layout: str = "auto") -> bytes:
    """The circuit as PNG bytes (for the docs, or a download)."""
    return _picture(d, "png", precision, fold_constants, timeout, max_nodes, layout)
