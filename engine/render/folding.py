"""Constants folded into their gates, as the CS231n figure draws them (`+1`, `*2`, `1/x`).

The fact of folding is moving into the engine's answer; until render reads it
from there, this module decides it from the result dict alone.
"""

from __future__ import annotations

from ..numbers import format_value

# Display text for gates whose engine symbol would make a wide circle, or that
# the figure writes differently (`-(...)` is the figure's `*-1` gate).
GATE_TEXT = {"neg": "*-1", "sigmoid": "σ"}
# Binary ops where `c op x` is the same gate as `x op c` (so `2 * x` is `*2`).
COMMUTATIVE = {"add", "mul", "max", "min"}
# A folded constant longer than this (a list literal, say) is shortened.
MAX_CONST_TEXT = 10


def const_text(node) -> str:
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
            return const_text(node)
        operand = ins.get(nid, [])
        # A named value (`q = -1`, `q = pi`) keeps its own wire, even as a sign of a number.
        if (node.get("op") in ("neg", "pos") and len(operand) == 1 and not node.get("name")
                and len(outs.get(nid, [])) == 1
                and nodes[operand[0]["source"]].get("kind") == "const"):
            text = const_text(nodes[operand[0]["source"]])
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
