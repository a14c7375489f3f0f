"""The op table: one row per operation, with everything there is to know about it.

A row gives its forward rule beside its derivative: ``partials`` (the local
derivative of the output with respect to each argument, for elementwise ops,
so the trace can say "local gradient x upstream gradient") or ``vjp`` (the
downstream gradients from the upstream one, for ops whose local derivative is
a Jacobian).  Beside them, ``d``: the same derivative as a formula in the
program language, over the placeholders ``a`` and ``b`` (the arguments),
``out`` (the result) and, in a vjp row, ``up`` (the upstream gradient).  The
trace shows these formulas, and tests/engine check every one against its
numbers, and the numbers against finite differences on ``domain``.

The notation (how the parser reads an op and how the trace and the page write
it) is in the row too: ``infix`` spellings with their binding ``power`` (and
``right`` associativity), a ``prefix`` spelling, a ``call`` name, the ``gate``
text drawn in the figure's circle, and ``commutative`` (so `2 * x` folds into
a `*2` gate like `x * 2`).  Rows with ``user=False`` are not written by users:
the `=` of an alias, and the heads only formulas use (``[a > b]``, ``ones``...).

Adding an op is adding a row here (see the README's "Adding an operation").
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

from . import numeric as n
from . import shapes

ANY = (-3.0, 3.0)  # the default sample interval of an argument
POSITIVE = (0.2, 4.0)


@dataclass(frozen=True)
class Op:
    """One row of the op table (see the module docstring)."""

    name: str
    arity: int
    fwd: Callable
    partials: Callable | None = None  # (out, *args) -> local derivative per argument
    vjp: Callable | None = None  # (up, out, *args) -> downstream gradient per argument
    jvp: Callable | None = None  # (tangents, out, *args) -> the output's tangent (vjp rows)
    d: tuple[str, ...] | Callable = ()  # formulas; a callable of the argument shapes if they vary
    shape: Callable = shapes.broadcast  # (argument shapes, symbol) -> result shape
    infix: tuple[str, ...] = ()
    power: int = 0
    right: bool = False
    prefix: str | None = None
    call: str | None = None
    relation: str | None = None  # a formula head written as the bracket [a > b]
    gate: str | None = None
    commutative: bool = False
    array_only: bool = False  # meaningless on plain numbers (the shape rule says why)
    domain: tuple = (ANY, ANY)
    # argument shapes the tests try it on; None: elementwise (vectors, matrices, broadcasting)
    sample_shapes: tuple | None = None
    # where the derivative jumps: (*args) -> which side of the kink each entry is on
    branch: Callable | None = None
    user: bool = True

    @property
    def symbol(self) -> str:
        """How the op is written: its operator, or its function's name."""
        return (self.infix[0] if self.infix else self.prefix or self.call or self.relation
                or self.gate or self.name)

    @property
    def style(self) -> str:
        """"infix", "prefix", "call", "relation" or "alias": how a formula writes it."""
        if self.infix:
            return "infix"
        if self.prefix:
            return "prefix"
        if self.call:
            return "call"
        if self.relation:
            return "relation"
        return "alias"

    @property
    def gate_text(self) -> str:
        """The text inside the figure's circle."""
        return self.gate or self.symbol

    def formulas(self, arg_shapes=()) -> tuple[str, ...]:
        """The derivative formulas (source text) for arguments of these shapes."""
        return self.d(*arg_shapes) if callable(self.d) else self.d


def _matmul_d(a, b):
    """The downstream gradients of a @ b, which depend on which sides are vectors."""
    if len(a) == 1 and len(b) == 1:
        return ("up * b", "up * a")
    if len(b) == 1:
        return ("outer(up, b)", "transpose(a) @ up")
    if len(a) == 1:
        return ("b @ up", "outer(a, up)")
    return ("up @ transpose(b)", "transpose(a) @ up")


ROWS = [
    # binary operators, loosest first
    Op("add", 2, lambda a, b: a + b, lambda o, a, b: (1.0, 1.0), d=("1", "1"),
       infix=("+",), power=1, commutative=True),
    Op("sub", 2, lambda a, b: a - b, lambda o, a, b: (1.0, -1.0), d=("1", "-1"),
       infix=("-",), power=1),
    Op("mul", 2, lambda a, b: a * b, lambda o, a, b: (b, a), d=("b", "a"),
       infix=("*",), power=2, commutative=True),
    Op("div", 2, lambda a, b: a / b, lambda o, a, b: (1.0 / b, -o / b), d=("1/b", "-a/b**2"),
       infix=("/",), power=2, domain=(ANY, (0.5, 3.0))),
    Op("matmul", 2, n.matmul, vjp=n.matmul_vjp, d=_matmul_d, shape=shapes.matmul,
       jvp=lambda t, o, a, b: n.matmul(t[0], b) + n.matmul(a, t[1]),
       infix=("@",), power=2, array_only=True,
       sample_shapes=(((2, 3), (3,)), ((3,), (3, 2)), ((2, 3), (3, 4)), ((3,), (3,)))),
    Op("pow", 2, n.power, n.power_partials, d=("b * a**(b - 1)", "out * log(a)"),
       infix=("**", "^"), power=4, right=True, call="pow", domain=((0.5, 2.5), (-2.0, 2.0))),
    # prefix operators, between * and **: -x**2 is -(x**2)
    Op("neg", 1, lambda a: -a, lambda o, a: (-1.0,), d=("-1",), prefix="-", power=3,
       gate="*-1"),
    Op("pos", 1, lambda a: a, lambda o, a: (1.0,), d=("1",), prefix="+", power=3),
    # functions of one argument
    Op("exp", 1, n.exp, lambda o, a: (o,), d=("out",), call="exp"),
    Op("log", 1, n.log, lambda o, a: (1.0 / a,), d=("1/a",), call="log", domain=(POSITIVE,)),
    Op("sqrt", 1, n.sqrt, lambda o, a: (0.5 / o,), d=("1/(2*out)",), call="sqrt",
       domain=(POSITIVE,)),
    Op("sin", 1, n.sin, lambda o, a: (n.cos(a),), d=("cos(a)",), call="sin"),
    Op("cos", 1, n.cos, lambda o, a: (-n.sin(a),), d=("-sin(a)",), call="cos"),
    Op("tan", 1, n.tan, lambda o, a: (1.0 + o * o,), d=("1 + out**2",), call="tan",
       domain=((-1.2, 1.2),)),
    Op("tanh", 1, n.tanh, lambda o, a: (1.0 - o * o,), d=("1 - out**2",), call="tanh"),
    Op("sigmoid", 1, n.sigmoid, lambda o, a: (o * (1.0 - o),), d=("out * (1 - out)",),
       call="sigmoid", gate="σ"),
    Op("softplus", 1, n.softplus, lambda o, a: (n.sigmoid(a),), d=("sigmoid(a)",),
       call="softplus", domain=((-6.0, 6.0),)),
    Op("relu", 1, n.relu, lambda o, a: (n.indicator(a > 0),), d=("gt(a, 0)",), call="relu",
       branch=lambda a: n.indicator(a > 0)),
    Op("abs", 1, n.absolute, lambda o, a: (n.sign(a),), d=("sign(a)",), call="abs",
       branch=n.sign),
    # functions of two arguments (a tie sends the gradient to the first)
    Op("max", 2, n.maximum, lambda o, a, b: (n.indicator(a >= b), n.indicator(a < b)),
       d=("ge(a, b)", "lt(a, b)"), call="max", commutative=True,
       branch=lambda a, b: n.indicator(a >= b)),
    Op("min", 2, n.minimum, lambda o, a, b: (n.indicator(a <= b), n.indicator(a > b)),
       d=("le(a, b)", "gt(a, b)"), call="min", commutative=True,
       branch=lambda a, b: n.indicator(a <= b)),
    # array functions: their local derivative is a Jacobian, so they give a vjp
    Op("sum", 1, n.total, vjp=n.total_vjp, d=("ones(a) * up",), shape=shapes.reduce,
       jvp=lambda t, o, a: n.total(t[0]),
       call="sum", sample_shapes=(((3,),), ((2, 3),), ((),))),
    Op("mean", 1, n.mean, vjp=n.mean_vjp, d=("ones(a) * up / size(a)",), shape=shapes.reduce,
       jvp=lambda t, o, a: n.mean(t[0]),
       call="mean", sample_shapes=(((3,),), ((2, 3),), ((),))),
    Op("dot", 2, n.dot, vjp=n.matmul_vjp, d=("up * b", "up * a"), shape=shapes.dot,
       jvp=lambda t, o, a, b: n.dot(t[0], b) + n.dot(a, t[1]),
       call="dot", array_only=True, sample_shapes=(((3,), (3,)),)),
    Op("transpose", 1, n.transpose, vjp=n.transpose_vjp, d=("transpose(up)",),
       jvp=lambda t, o, a: n.transpose(t[0]),
       shape=shapes.transposed, call="transpose", sample_shapes=(((2, 3),), ((3,),))),
    # `q = x`: an alias gets an identity gate of its own, so every name has its own wire
    Op("alias", 1, lambda a: a, lambda o, a: (1.0,), d=("1",), gate="=", user=False),
    # heads that only derivative formulas use
    Op("gt", 2, lambda a, b: n.indicator(a > b), relation=">", user=False),
    Op("ge", 2, lambda a, b: n.indicator(a >= b), relation="≥", user=False),
    Op("lt", 2, lambda a, b: n.indicator(a < b), relation="<", user=False),
    Op("le", 2, lambda a, b: n.indicator(a <= b), relation="≤", user=False),
    Op("sign", 1, n.sign, call="sign", user=False),
    Op("ones", 1, n.ones, call="ones", user=False),
    Op("size", 1, n.size, call="size", user=False),
    Op("outer", 2, n.outer, call="outer", user=False),
]

OPS: dict[str, Op] = {op.name: op for op in ROWS}

CONSTANTS: dict[str, float] = {"pi": math.pi, "e": math.e}
