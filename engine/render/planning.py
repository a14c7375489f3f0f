"""Which layout draws a result, decided from its shape before `dot` runs, or why none will.

The cost that matters to `dot` is the stretch: how many ranks the wires cross
in all (see measure).  The thresholds below come from benchmarks/render_bench.py
(seconds of `dot` 2.43 on a 2-core machine):

* the figure, whose wires are nodes of their own, costs dot most: sums of
  products of 700-1,400 items take 0.2-0.5 s, of 2,100-2,300 items 1-2 s, of
  3,500-4,500 items 4-7 s (chains and trees of 2,000 items 0.2-0.4 s); random
  mixes with 400-800 rank crossings take 0.1-0.6 s, 1,200 0.4-0.8 s, 1,700
  0.9-1.9 s, and 2,300 (a polynomial in x) over 15 s;
* pinning the inputs to the left edge makes long wires: 50 sum-of-product terms
  (1,250 crossings) lay out in 0.08 s, 200 terms (20,000) in 12 s pinned and
  0.3 s not;
* in the compact layout, up to 2,000 crossings every shape measured lays out in
  0.1-1 s, while 3,000-5,000 take 2-11 s where one value feeds a long chain;
* a figure past 2,000-5,000 crossings takes from 1 s to over 15 s, 11,000 time
  out, and from ~40,000 dot 2.43 crashes (SIGSEGV).

Crossings are not all: past ~1,000 nodes what dot handles costs it by its
square (placing nodes and the wires' labels), a value whose wires reach gates
all over a rank costs its crossing minimisation the square of its wires, and
random reuse the square of the wires that close cycles.  So the plan also
predicts dot's seconds (dot_seconds, fitted by render_bench.py --hard --fit)
and refuses a layout predicted over MAX_DOT_SECONDS.
"""

from __future__ import annotations

from .circuit import Circuit
from .errors import RenderError

LAYOUTS = ("auto", "figure", "compact")

# Inputs are pinned to the left edge only while that stretch stays within this.
LEFT_ALIGN_BUDGET = 2000
# Above this many wires from one value, operand order is dot's choice (keeping
# it costs dot minutes around a value with 100 wires); the figure is drawn only
# up to it.
MAX_ORDERED_FANOUT = 30
# "auto" draws the figure when the gates, names and wires number at most
# FIGURE_MAX_ITEMS and the figure's stretch is at most FIGURE_MAX_STRETCH.
FIGURE_MAX_ITEMS = 1200
FIGURE_MAX_STRETCH = 1200
# In the compact layout a wire that would cross more than COPY_GAP ranks
# starts from a copy of its value's name next to the gate it feeds, and then
# the longest wires do, until the others cross at most COMPACT_STRETCH_BUDGET
# ranks in all (None: never copy).
COPY_GAP = 4
COMPACT_STRETCH_BUDGET = 2000
# In the compact layout a value with more wires than this draws all but the one
# to its nearest consumer from copies of its name: dot orders each rank by its
# edges (mincross), and a value whose wires reach gates all over a rank costs it
# the square of its wires (a 2,000-node tree over 5 shared inputs, 400 wires
# each: 30 s; with copies, 4 s).
COMPACT_MAX_FANOUT = 8
# Refused at once, without running dot: a compact layout whose wires still
# cross more than this (only when COMPACT_STRETCH_BUDGET is None or above it),
# and a figure asked for with layout="figure" past FIGURE_MAX_STRETCH_TRIED.
COMPACT_MAX_STRETCH = 4000
FIGURE_MAX_STRETCH_TRIED = 4000
# Refused at once: a layout `dot` is predicted to take longer than this (CPU seconds,
# see dot_seconds), so that no graph under the node limit holds a core for long, and
# one answers, with its picture or without, within about 3 s.
MAX_DOT_SECONDS = 2.0
# dot_seconds' coefficients, fitted by benchmarks/render_bench.py --fit on Graphviz 2.43
# (one core of the 2-core machine of the README's numbers).
DOT_SECONDS_FIT = {"compact": (0.0491, 0.186, 0.550, 0.0076, 0.0),
                   "figure": (0.0146, 0.0521, 1.245, 0.0609, 3.161)}
# "auto" draws the figure only while dot is predicted to take at most this on it
# (a tangle of 300 nodes takes it 2.6 s as the figure, 0.2 s compact).
FIGURE_MAX_SECONDS = 0.25


class Plan:
    """How a result will be drawn, decided from its shape before `dot` runs.

    ``layout``   "figure" or "compact";
    ``nodes``    drawn gates and leaves; ``wires`` drawn wires (with the output's);
    ``fanout``   the most wires leaving one value;
    ``stretch``  rank crossings of all wires, ranked as late as possible (see measure);
    ``figure_stretch`` the same as the figure ranks them: its inputs at the left
                 edge when that is cheap (see asap_stretch), else ``stretch``;
    ``pin_inputs`` whether the figure lines its inputs up at the left edge
                 (when that stretch is within LEFT_ALIGN_BUDGET);
    ``copies``   the wires the compact layout draws from a copy of their value's
                 name instead of from the value itself (see compact.compact_dot);
    ``compact_stretch`` rank crossings of the other wires: the compact layout's cost;
    ``work``     what dot will handle: dot_seconds' arguments;
    ``cost``     the CPU seconds `dot` is predicted to take on the chosen layout
                 (dot_seconds(*work)), which the server sorts its render slots by;
    ``refusal``  None, or the message of the RenderError that to_svg/to_png raise
                 instead of running `dot`.
    """

    __slots__ = ("layout", "nodes", "wires", "fanout", "stretch", "figure_stretch",
                 "pin_inputs", "copies", "compact_stretch", "work", "cost", "refusal")

    def __init__(self, **fields):
        for key in self.__slots__:
            setattr(self, key, fields[key])

    def __repr__(self):
        inner = ", ".join(f"{k}={getattr(self, k)!r}" for k in self.__slots__
                          if k not in ("copies", "work"))
        return f"Plan({inner}, copies={len(self.copies)})"


def measure(c: Circuit):
    """(wires, max fan-out, ALAP stretch, [(gap, wire id, node id) of every long wire], ranks).

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
    return n_wires, fanout, stretch, long_wires, 1 - min(rank.values(), default=0)


def asap_stretch(c: Circuit) -> int:
    """How many ranks the wires would cross in all, with every input at the left edge.

    Each gate sits one rank right of its latest operand (ids are topological);
    a wire from a rank-r node into a rank-t gate crosses t - r - 1 ranks, and
    dot pays for each crossing with a virtual node.
    """
    rank: dict[int, int] = {}
    total = 0
    by_target: dict[int, list[int]] = {}
    for e in c.edges:
        by_target.setdefault(e["target"], []).append(e["source"])
    for nid in sorted(c.nodes):
        srcs = [s for s in by_target.get(nid, ()) if s not in c.hidden]
        rank[nid] = 1 + max((rank[s] for s in srcs), default=-1)
        total += sum(rank[nid] - rank[s] - 1 for s in srcs)
    return total


def plan_circuit(c: Circuit, layout: str) -> Plan:
    """Which layout draws ``c`` (``layout`` "auto" decides), or why `dot` should not try."""
    if layout not in LAYOUTS:
        raise RenderError(f"layout must be one of {', '.join(LAYOUTS)}, not {layout!r}")
    n_wires, fanout, stretch, long_wires, ranks = measure(c)
    asap = asap_stretch(c)
    pin_inputs = asap <= LEFT_ALIGN_BUDGET
    figure_stretch = asap if pin_inputs else stretch
    # (a node per wire too, and twice the ranks)
    figure_work = (len(c.drawn) + n_wires, n_wires, figure_stretch, 2 * ranks,
                   n_wires - len(c.drawn))
    if layout == "auto":
        figure = (len(c.drawn) + n_wires <= FIGURE_MAX_ITEMS
                  and figure_stretch <= FIGURE_MAX_STRETCH and fanout <= MAX_ORDERED_FANOUT
                  and dot_seconds(*figure_work, layout="figure") <= FIGURE_MAX_SECONDS)
        layout = "figure" if figure else "compact"
    copies, compact_stretch = fanout_copies(c, long_wires), stretch
    compact_stretch -= sum(gap for gap, key, _ in long_wires if key in copies)
    # Wires longer than COPY_GAP, then the longest first until what is left is cheap.
    long_wires.sort(key=lambda t: (-t[0], t[1]))
    for gap, key, _ in long_wires:
        if COMPACT_STRETCH_BUDGET is None or (gap <= COPY_GAP
                                              and compact_stretch <= COMPACT_STRETCH_BUDGET):
            break
        if key not in copies:
            copies.add(key)
            compact_stretch -= gap
    crossings, limit = ((compact_stretch, COMPACT_MAX_STRETCH) if layout == "compact"
                        else (figure_stretch, FIGURE_MAX_STRETCH_TRIED))
    work = figure_work if layout == "figure" else (
        len(c.drawn) + len(copies) + 1, n_wires, compact_stretch, ranks,
        n_wires - len(copies) - len(c.drawn) + 1)
    cost = dot_seconds(*work, layout=layout)
    refusal = None
    if crossings > limit:
        refusal = _refusal(c, layout, crossings, long_wires, copies)
    elif cost > MAX_DOT_SECONDS:
        refusal = (f"The graph is too big and tangled for Graphviz to lay out in time "
                   f"({len(c.drawn):,} nodes and {n_wires:,} wires would take it about "
                   f"{cost:.0f} s), so there is no picture; the numbers are still shown.")
    return Plan(layout=layout, nodes=len(c.drawn), wires=n_wires, fanout=fanout,
                stretch=stretch, figure_stretch=figure_stretch, pin_inputs=pin_inputs,
                copies=frozenset(copies if layout == "compact" else ()),
                compact_stretch=compact_stretch, work=work, cost=cost, refusal=refusal)


def dot_seconds(objects: int, edges: int, crossings: int, ranks: int, cycles: int,
                layout: str = "compact") -> float:
    """The CPU seconds `dot` is predicted to take on a layout, from the shape of what it lays out.

    ``objects``: DOT nodes (gates, names, copies; in the figure also a node per
    wire); ``edges``: wires; ``crossings``: rank crossings of the wires (virtual
    nodes); ``ranks``: the longest path; ``cycles``: wires beyond a spanning
    tree (each one a chance to cross others).  Placing nodes and the wires'
    labels grows with the square of everything dot handles, a long chain with
    its length, and the crossing minimisation with the square of the reused
    wires (in the figure, whose operands keep their order, also with the reused
    wires times the long ones); the coefficients (DOT_SECONDS_FIT) are fitted
    to the shapes of app/shapes.py on Graphviz 2.43 (render_bench.py --fit).
    """
    size, cycles = objects + edges + crossings, max(0, cycles)
    terms = (size * size / 1e6, ranks * objects / 1e6, cycles * cycles / 1e6, size / 1e3,
             cycles * crossings / 1e6)
    return sum(k * t for k, t in zip(DOT_SECONDS_FIT[layout], terms))


def fanout_copies(c: Circuit, long_wires) -> set:
    """The wires of values with over COMPACT_MAX_FANOUT wires, all but the shortest of each."""
    if COMPACT_STRETCH_BUDGET is None:
        return set()
    gaps = {key: gap for gap, key, _ in long_wires}
    copies = set()
    for nid in c.drawn:
        keys = [w["id"] for w in c.wires[nid] if w["target"] is not None]
        if len(keys) > COMPACT_MAX_FANOUT:
            keys.sort(key=lambda k: (gaps.get(k, 0), str(k)))
            copies.update(keys[1:])
    return copies


def _refusal(c: Circuit, layout: str, cost: int, long_wires, copies) -> str:
    """Why dot is not asked to lay out ``c``: the value (or values) whose long wires cost most."""
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
    return (f"{why}: too many long wires ({cost:,} rank crossings) for Graphviz to "
            f"lay out in time, so there is no picture; the numbers are still shown.")


def _what(c: Circuit, nid) -> str:
    """A value as a message names it: `x`, or `the value of tanh(x0 - x1)`."""
    name = c.name(nid)
    if name is not None:
        return name
    return f"the value of `{c.text(nid)}`"
