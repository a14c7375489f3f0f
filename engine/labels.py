"""Short, stable labels for the values of a graph: how the trace and the panels call them.

A named value is called by its name, a constant by its text, the output by its
name (or ``f``), and an unnamed intermediate by its subexpression when that is
short (`w0*x0`, `x + y`), else by a short label ``t1``, ``t2``, ... numbered in
node order (skipping names the program uses), so the trace says ``df/dt3``
instead of ``df/d(… + …)``; the full subexpression is in the node's ``text``.
"""

from __future__ import annotations

import re

from .graph import snippet

#: Subexpressions up to this many characters are their own label.
MAX_TEXT_LABEL = 16
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def output_label(graph) -> str:
    """The output's name, or ``f`` (``out`` when the program uses f for something else)."""
    if graph.output_name:
        return graph.output_name
    return "f" if "f" not in graph.names else "out"


def make_labels(graph) -> list[str]:
    """Every node's label, by node id (computed once, in one pass)."""
    taken = set(graph.names)
    labels: list[str] = []
    counter = 0
    out = graph.output
    for node in graph.nodes:
        if node.id == out:
            labels.append(output_label(graph))
        elif node.name:
            labels.append(node.name)
        elif node.kind == "const":
            labels.append(node.symbol)
        else:
            text = snippet(graph.text, node.start, node.end, 2 * MAX_TEXT_LABEL)
            if len(text) > MAX_TEXT_LABEL:
                counter += 1
                while f"t{counter}" in taken:
                    counter += 1
                text = f"t{counter}"
            labels.append(text)
    return labels


def is_plain(label: str) -> bool:
    """Whether a label reads as one symbol (``x``, ``t3``), so needs no parentheses."""
    return bool(_IDENT.match(label))
