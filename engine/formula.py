"""Formulas as data: the op table's derivative formulas as small trees the answer carries.

A tree is a JSON list: ``["num", 2.0]`` a number, ``["ref", 3]`` the value of
node 3 (written by its label), ``["grad", 3]`` the gradient of the output with
respect to node 3 (the upstream gradient of a vjp rule), and ``[op, *args]``
for any op of the table (``["mul", x, y]``, ``["gt", a, ["num", 0.0]]`` for
the bracket [a > 0]).  Whoever shows a tree writes it (engine/english.py, the
page's typesetter); the op table's ``notation`` says how each head is written.

The table's formulas are written in the program language over placeholders
(``a``, ``b``, ``out``, ``up``) and parsed once by the engine's own parser.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from .ops import OPS


@lru_cache(maxsize=None)
def _template(source: str) -> tuple:
    """The tree of one formula's source text, with ``["var", name]`` for its placeholders."""
    from .parser import parse_formula
    root = parse_formula(source)
    done: dict[int, list] = {}
    stack = [(root, False)]
    while stack:  # post-order, without recursion
        e, visited = stack.pop()
        if e.kind == "num":
            done[id(e)] = ["num", e.value]
        elif e.kind == "name":
            done[id(e)] = ["var", e.name]
        elif not visited:
            stack.append((e, True))
            stack.extend((a, False) for a in e.args)
        else:
            done[id(e)] = [e.op] + [done[id(a)] for a in e.args]
    return _freeze(done[id(root)])


def _freeze(tree):
    return tuple(_freeze(x) if isinstance(x, list) else x for x in tree)


def derivative(op: str, slot: int, arg_shapes=()) -> tuple:
    """The template of op's derivative formula for argument ``slot`` (placeholders unbound)."""
    return _template(OPS[op].formulas(arg_shapes)[slot])


def bind(template, env: dict) -> list:
    """A template with its placeholders replaced: ``env`` maps "a", "b", "out", "up" to trees."""
    if template[0] == "var":
        return env[template[1]]
    if template[0] == "num":
        return ["num", template[1]]
    return [template[0]] + [bind(t, env) for t in template[1:]]


def heads(tree, into: set) -> set:
    """The op names a tree uses (for the answer's notation table)."""
    stack = [tree]
    while stack:
        t = stack.pop()
        if t[0] in OPS:
            into.add(t[0])
            stack.extend(t[1:])
    return into


def related_heads(op_names) -> set:
    """These ops and every head their derivative formulas use (any argument shapes)."""
    out = set(op_names)
    for name in op_names:
        op = OPS[name]
        cases = ([((1,), (1,)), ((2, 2), (2,)), ((2,), (2, 2)), ((2, 2), (2, 2))]
                 if callable(op.d) else [()])
        for shapes in cases:
            for source in op.formulas(shapes):
                heads(_template(source), out)
    return out


def evaluate(tree, ref=None, grad=None):
    """The number a tree stands for: ``ref(i)``/``grad(i)`` give node values and gradients.

    For tests (a formula must agree with its row's numbers) and for the gradient
    check; placeholders must be bound first.
    """
    kind = tree[0]
    if kind == "num":
        return tree[1]
    if kind == "ref":
        return ref(tree[1])
    if kind == "grad":
        return grad(tree[1])
    if kind == "var":
        raise ValueError(f"unbound placeholder {tree[1]!r}")
    args = [evaluate(t, ref, grad) for t in tree[1:]]
    with np.errstate(all="ignore"):
        return OPS[kind].fwd(*args)
