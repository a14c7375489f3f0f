"""Operations: the op table (table.py), its numbers (numeric.py) and shape rules (shapes.py).

``VOCABULARY`` is what the parser may read, taken from the table: the parser
itself knows no operator, function, binding power or constant.
``FORMULA_VOCABULARY`` adds the heads that only derivative formulas use.
"""

from __future__ import annotations

from dataclasses import dataclass

from .numeric import apply
from .shapes import ShapeProblem
from .table import CONSTANTS, OPS, ROWS, Op

__all__ = ["OPS", "ROWS", "Op", "CONSTANTS", "VOCABULARY", "FORMULA_VOCABULARY",
           "Vocabulary", "apply", "ShapeProblem", "notation"]


@dataclass(frozen=True)
class Vocabulary:
    """The words of a language, for the parser.

    ``binary``: spelling -> (op name, binding power, right-associative);
    ``prefix``: spelling -> (op name, binding power);
    ``functions``: name -> (op name, arity); ``constants``: name -> value.
    """

    binary: dict
    prefix: dict
    functions: dict
    constants: dict


def _vocabulary(rows) -> Vocabulary:
    binary, prefix, functions = {}, {}, {}
    for op in rows:
        for spelling in op.infix:
            binary[spelling] = (op.name, op.power, op.right)
        if op.prefix:
            prefix[op.prefix] = (op.name, op.power)
        if op.call:
            functions[op.call] = (op.name, op.arity)
        if op.relation:  # formulas write [a > b] as gt(a, b)
            functions[op.name] = (op.name, op.arity)
    return Vocabulary(binary, prefix, functions, dict(CONSTANTS))


VOCABULARY = _vocabulary(op for op in ROWS if op.user)
FORMULA_VOCABULARY = _vocabulary(ROWS)


def notation(names) -> dict:
    """How to write each of these ops, for the answer (the page keeps no copy of the table).

    ``{name: {"symbol", "style", "power", "right", "gate"}}``; style is "infix",
    "prefix", "call", "relation" (written as the bracket [a > b]) or "alias".
    """
    out = {}
    for name in sorted(names):
        op = OPS[name]
        out[name] = {"symbol": op.symbol, "style": op.style, "power": op.power,
                     "right": op.right, "gate": op.gate_text}
    return out
