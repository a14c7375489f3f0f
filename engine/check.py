"""The gradient check: every back-propagated gradient against central finite differences.

For a value v (an input, or any node), entry by entry:

    numeric = (f(v + h) - f(v - h)) / (2h),   h = STEP * max(1, max |v|)

where f is the output (the sum of its entries when it is an array, as the
backward pass seeds it with ones), recomputed from v onwards with v moved.
``STEP`` is the cube root of float64's machine epsilon (about 6e-6), which
balances the truncation error of central differences (~h²) against rounding
(~eps/h).  The relative error of an entry is

    |analytic - numeric| / max(|analytic|, |numeric|, 1e-8)

and a value's ``rel_error`` is the largest over its checked entries; it passes
when that is at most ``TOLERANCE``.  An entry whose two moves land on different
sides of a kink (relu or abs at 0, a tie of max or min: the op table's
``branch``) is not differentiable there: it is listed under ``kinks`` instead of
failing.  An entry where either gradient is inf or nan is listed under
``nonfinite``.  Cost: two recomputations per checked entry, at most
``MAX_ENTRIES`` entries in all (inputs first, then the other nodes in id
order); an array with more entries than its share is sampled at evenly spaced
entries, the first and last included, and ``checked`` lists them (flat
indices); values left out are absent from ``per node``.
"""

from __future__ import annotations

import math

import numpy as np

from .autodiff import recompute
from .numbers import json_number, json_value
from .ops import OPS

STEP = float(np.finfo(np.float64).eps) ** (1 / 3)
TOLERANCE = 1e-6
MAX_ENTRIES = 256
FLOOR = 1e-8


def _total(v) -> float:
    return v if type(v) is float else float(np.sum(v))


class _Checker:
    """Moves one entry of one node at a time on a private copy of the graph's values."""

    def __init__(self, graph):
        self.graph = graph
        self.base = [n.value for n in graph.nodes]
        self.kinked = [n for n in graph.nodes if n.kind == "op" and OPS[n.op].branch is not None]
        self.sides = self._sides()
        self.evaluations = 0

    def _sides(self):
        nodes = self.graph.nodes
        return [np.asarray(OPS[n.op].branch(*[nodes[j].value for j in n.inputs]))
                for n in self.kinked]

    def _restore(self, start: int):
        nodes = self.graph.nodes
        for i in range(start, len(nodes)):
            nodes[i].value = self.base[i]

    def output_at(self, node, flat: int, delta: float):
        """(output, crossed a kink) with one entry of ``node`` moved by ``delta``."""
        value = self.base[node.id]
        if type(value) is float:
            node.value = value + delta
        else:
            moved = value.copy()
            moved.flat[flat] += delta
            node.value = moved
        with np.errstate(all="ignore"):
            recompute(self.graph, node.id + 1)
        self.evaluations += 1
        out = _total(self.graph.nodes[self.graph.output].value)
        crossed = any(not np.array_equal(side, now) for side, now in
                      zip(self.sides, self._sides()))
        self._restore(node.id)
        return out, crossed

    def check(self, node, budget: int) -> dict:
        value = self.base[node.id]
        analytic = np.asarray(node.grad, dtype=np.float64)
        size = int(np.size(value))
        if size <= budget:
            entries = list(range(size))
        else:
            entries = sorted(set(np.linspace(0, size - 1, max(budget, 1)).round().astype(int)))
        step = STEP * max(1.0, float(np.max(np.abs(value))))
        numeric = np.full(np.shape(value), np.nan)
        worst, kinks, nonfinite = None, [], []
        for flat in entries:
            up, crossed_up = self.output_at(node, flat, step)
            down, crossed_down = self.output_at(node, flat, -step)
            n = (up - down) / (2 * step)
            numeric.flat[flat] = n
            a = float(analytic.flat[flat])
            if crossed_up or crossed_down:
                kinks.append(flat)
            elif not (math.isfinite(a) and math.isfinite(n)):
                nonfinite.append(flat)
            else:
                err = abs(a - n) / max(abs(a), abs(n), FLOOR)
                worst = err if worst is None else max(worst, err)
        if len(entries) < size:  # entries left out are null
            checked = set(entries)
            flat_list = [json_number(x) if i in checked else None
                         for i, x in enumerate(numeric.ravel().tolist())]
            shown = np.array(flat_list, dtype=object).reshape(numeric.shape).tolist()
        else:
            shown = json_value(numeric if numeric.ndim else float(numeric))
        return {"numeric": shown, "rel_error": worst, "step": step,
                "ok": None if worst is None else worst <= TOLERANCE,
                "checked": None if len(entries) == size else entries,
                "kinks": kinks, "nonfinite": nonfinite}


def gradient_check(graph, max_entries: int = MAX_ENTRIES) -> dict:
    """The ``check`` object of the answer (see the module docstring and the README)."""
    checker = _Checker(graph)
    nodes = graph.nodes
    inputs = [nodes[i] for i in sorted(set(graph.names.values())) if nodes[i].kind == "input"]
    others = [n for n in nodes if n.kind != "input" and graph.live[n.id]]
    budget = max_entries
    out: dict = {}
    per_node: dict = {}
    # Inputs share the budget first: each gets at least its even share.
    share = max(1, budget // max(1, len(inputs)))
    for node in inputs:
        entry = checker.check(node, min(share, budget) if budget > 0 else 1)
        budget -= len(entry["checked"] or range(int(np.size(node.value))))
        out[node.name] = entry
        per_node[str(node.id)] = entry
    checked_nodes = len(inputs)
    for node in others:
        if budget <= 0:
            break
        entry = checker.check(node, budget)
        budget -= len(entry["checked"] or range(int(np.size(node.value))))
        per_node[str(node.id)] = entry
        checked_nodes += 1
    out["per node"] = per_node
    out["how checked"] = {"method": "central differences", "step": "cbrt(eps) * max(1, max|v|)",
                          "tolerance": TOLERANCE, "max_entries": max_entries,
                          "evaluations": checker.evaluations,
                          "nodes_checked": checked_nodes,
                          "nodes": len(inputs) + len(others)}
    return out
