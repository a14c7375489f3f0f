"""Constant folding, as the figure draws it: `1 + x` is a `+1` gate with one input wire.

A binary op with exactly one constant operand becomes a one-input gate that
names the constant (`+1`, `*2`, `1/x`, `**2`, `max 0`).  A signed number
(`x * -1` parses as `x * neg(1)`) counts as one constant, and its sign gate is
hidden.  Ops on constants only (`2 * 3`, `exp(-1)`) keep their constants as
small inputs of their own.  This is a fact about the answer, not about DOT:
the result carries it (each gate's label and folded constant, each folded
wire) so the figure, the trace panel and practice mode agree.

Works on the answer's own shape (dicts with "id", "kind", "op", "symbol",
"name", "value"; edges with "id", "source", "target", "slot").
"""

from __future__ import annotations

from .numbers import format_value
from .ops import OPS

#: A folded constant longer than this (a list literal, say) is written by its value.
MAX_CONST_TEXT = 10


class Folding:
    """What disappears into gates: folded edge ids, hidden nodes, and every gate's label.

    ``constant[g]`` is the (edge id, text) of the constant folded into gate g.
    """

    __slots__ = ("folded", "hidden", "labels", "constant")

    def __init__(self):
        self.folded: set = set()
        self.hidden: set = set()
        self.labels: dict = {}
        self.constant: dict = {}


def const_text(node) -> str:
    """How a constant is written: its program text (`1`, `pi`), or its value if that is long."""
    text = node.get("symbol")
    if not text or len(text) > MAX_CONST_TEXT:
        text = format_value(node.get("value"))
    return text


def fold(nodes, edges, fold_constants: bool = True) -> Folding:
    """The folding of a graph (``nodes`` indexable by id) for the figure and the panels."""
    ins: dict = {}
    outs: dict = {}
    for e in edges:
        ins.setdefault(e["target"], []).append(e)
        outs.setdefault(e["source"], []).append(e)

    def constant_text(nid):
        node = nodes[nid]
        if node.get("kind") == "const":
            return const_text(node)
        operand = ins.get(nid, [])
        # A named value (`q = -1`, `q = pi`) keeps its own wire, even as a sign of a number.
        if (node.get("op") in ("neg", "pos") and len(operand) == 1 and not node.get("name")
                and len(outs.get(nid, [])) == 1
                and nodes[operand[0]["source"]].get("kind") == "const"):
            text = const_text(nodes[operand[0]["source"]])
            return "-" + text if node["op"] == "neg" else text
        return None

    f = Folding()
    for node in (nodes.values() if isinstance(nodes, dict) else nodes):
        if node.get("kind") != "op":
            continue
        nid = node["id"]
        op = OPS.get(node.get("op"))
        symbol = node.get("symbol") or node.get("op") or "?"
        f.labels[nid] = op.gate_text if op is not None else symbol
        operands = ins.get(nid, [])
        consts = [(e, t) for e in operands if (t := constant_text(e["source"])) is not None]
        if not (fold_constants and len(operands) == 2 and len(consts) == 1):
            continue
        c, ctext = consts[0]
        if symbol.isalnum():  # max, min, dot ...
            f.labels[nid] = f"{symbol} {ctext}"
        elif c.get("slot", 0) == 1 or (op is not None and op.commutative):
            f.labels[nid] = f"{symbol}{ctext}"  # x/2 -> /2, 1+x -> +1
        else:
            f.labels[nid] = f"{ctext}{symbol}x"  # 1/x, 2**x, 1-x
        f.folded.add(c["id"])
        f.constant[nid] = (c["id"], ctext)
        if nodes[c["source"]].get("kind") == "op":  # the sign of a signed number
            f.hidden.add(c["source"])
            f.folded.update(e["id"] for e in ins[c["source"]])
    return f
