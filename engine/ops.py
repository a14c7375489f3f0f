"""The op table: one row per operation, its forward rule beside its derivative rules.

Scalars travel as Python floats (fast, and exact IEEE float64); arrays as
float64 numpy arrays. A scalar rule that Python refuses (``1/0``, ``log(0)``,
``exp(1000)``) is retried in numpy, which answers the IEEE way (inf/nan), so
nothing ever raises for a non-finite result.

Elementwise rows give ``partials``: the local derivative of the output with
respect to each argument, so the step trace can say "local gradient x upstream
gradient". Rows whose local derivative is a Jacobian (matmul, sum, ...) give
``vjp`` instead: the downstream gradients from the upstream one.

Conventions at non-differentiable points (documented in the README):
relu'(0) = 0, abs'(0) = 0, max/min send the gradient to the first argument on a
tie, and d(a**b)/db is taken as 0 where a <= 0 (it is a*log(a) only for a > 0).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np

Value = "float | np.ndarray"


@dataclass(frozen=True)
class Op:
    """One row of the op table."""

    name: str
    symbol: str  # how the gate is drawn and written in the trace
    arity: int
    fwd: Callable
    partials: Callable | None = None  # (out, *args) -> tuple of local derivatives
    vjp: Callable | None = None  # (g, out, *args) -> tuple of downstream gradients
    rules: tuple[str, ...] = ()  # the local derivatives in words, one per argument
    style: str = "call"  # "infix" | "prefix" | "call": how the trace writes it


def _ew(math_fn, np_fn):
    """An elementwise function: math on Python floats, numpy on arrays."""
    def f(a):
        return math_fn(a) if type(a) is float else np_fn(a)
    return f


def _sigmoid(a):
    if type(a) is float:
        # Written to never overflow: exp of a non-positive number only.
        if a >= 0:
            return 1.0 / (1.0 + math.exp(-a))
        z = math.exp(a)
        return z / (1.0 + z)
    return np.where(a >= 0, 1.0 / (1.0 + np.exp(-np.abs(a))),
                    np.exp(-np.abs(a)) / (1.0 + np.exp(-np.abs(a))))


def _pow(a, b):
    if type(a) is float and type(b) is float:
        if a < 0 and b != int(b):
            return math.nan  # real power of a negative base: IEEE says nan, Python says complex
        return a ** b
    return np.power(a, b)


def _pow_partials(out, a, b):
    # d(a**b)/da = b * a**(b-1), which is exactly 0 where b == 0 (a**0 is constant),
    # even at a == 0 where the formula itself would say 0 * inf.
    if type(b) is float:
        da = 0.0 if b == 0 else b * _pow(a, b - 1.0)
    else:
        with np.errstate(all="ignore"):
            da = np.where(b == 0, 0.0, b * _pow(a, b - 1.0))
    if type(a) is float:
        db = out * math.log(a) if a > 0 else 0.0
    else:
        with np.errstate(all="ignore"):
            db = np.where(a > 0, out * np.log(np.where(a > 0, a, 1.0)), 0.0)
    return da, db


def _relu(a):
    if type(a) is float:
        return a if a > 0 or a != a else 0.0
    return np.where(a > 0, a, np.where(np.isnan(a), a, 0.0))


def _step(cond):
    """1.0 where cond holds, else 0.0, as float or array."""
    if type(cond) is bool:
        return 1.0 if cond else 0.0
    return np.asarray(cond, dtype=np.float64)


def _max(a, b):
    if type(a) is float and type(b) is float:
        if a != a or b != b:
            return math.nan
        return a if a >= b else b
    return np.maximum(a, b)


def _min(a, b):
    if type(a) is float and type(b) is float:
        if a != a or b != b:
            return math.nan
        return a if a <= b else b
    return np.minimum(a, b)


def _sign(a):
    if type(a) is float:
        return (a > 0) - (a < 0) + 0.0 if a == a else math.nan
    return np.sign(a)


# --- array-only rows ---------------------------------------------------------

def _matmul_vjp(g, out, a, b):
    a_vec, b_vec = np.ndim(a) == 1, np.ndim(b) == 1
    if a_vec and b_vec:  # dot product: out is a scalar
        return g * b, g * a
    if a_vec:  # (n,) @ (n,m) -> (m,)
        return b @ g, np.outer(a, g)
    if b_vec:  # (n,m) @ (m,) -> (n,)
        return np.outer(g, b), a.T @ g
    return g @ b.T, a.T @ g


def _sum_vjp(g, out, a):
    return (g if type(a) is float else np.full(a.shape, g),)


def _mean_vjp(g, out, a):
    n = max(1, np.size(a))
    return (np.full(np.shape(a), g / n) if np.ndim(a) else g,)


def _transpose(a):
    return a if type(a) is float else np.transpose(a).copy()


def _transpose_vjp(g, out, a):
    return (g if type(a) is float else np.transpose(g),)


def _as_value(x):
    """Normalise numpy results: 0-d becomes a Python float, arrays float64."""
    if type(x) is float:
        return x
    if type(x) is np.ndarray and x.ndim and x.dtype == np.float64:
        return x  # the usual case: numpy already gave a float64 array
    if np.ndim(x) == 0:
        return float(x)
    return np.asarray(x, dtype=np.float64)


def _sum(a):
    return a if type(a) is float else float(a.sum())


def _mean(a):
    return a if type(a) is float else float(a.mean())


def _dot(a, b):
    return _as_value(np.dot(a, b))  # vectors only: the shape check refuses numbers first


OPS: dict[str, Op] = {op.name: op for op in [
    # binary operators
    Op("add", "+", 2, lambda a, b: a + b, lambda o, a, b: (1.0, 1.0),
       rules=("1", "1"), style="infix"),
    Op("sub", "-", 2, lambda a, b: a - b, lambda o, a, b: (1.0, -1.0),
       rules=("1", "-1"), style="infix"),
    Op("mul", "*", 2, lambda a, b: a * b, lambda o, a, b: (b, a),
       rules=("b", "a"), style="infix"),
    Op("div", "/", 2, lambda a, b: a / b, lambda o, a, b: (1.0 / b, -o / b),
       rules=("1/b", "-a/b²"), style="infix"),
    Op("pow", "**", 2, _pow, _pow_partials,
       rules=("b·a^(b-1)", "a^b·ln(a)"), style="infix"),
    Op("matmul", "@", 2, lambda a, b: _as_value(np.matmul(a, b)), vjp=_matmul_vjp,
       rules=("dout · bᵀ", "aᵀ · dout"), style="infix"),
    # unary operators
    Op("neg", "-", 1, lambda a: -a, lambda o, a: (-1.0,), rules=("-1",), style="prefix"),
    Op("pos", "+", 1, lambda a: a, lambda o, a: (1.0,), rules=("1",), style="prefix"),
    # functions of one argument
    Op("exp", "exp", 1, _ew(math.exp, np.exp), lambda o, a: (o,), rules=("exp(a)",)),
    Op("log", "log", 1, _ew(math.log, np.log), lambda o, a: (1.0 / a,), rules=("1/a",)),
    Op("sqrt", "sqrt", 1, _ew(math.sqrt, np.sqrt), lambda o, a: (0.5 / o,),
       rules=("1/(2·sqrt(a))",)),
    Op("sin", "sin", 1, _ew(math.sin, np.sin), lambda o, a: (_ew(math.cos, np.cos)(a),),
       rules=("cos(a)",)),
    Op("cos", "cos", 1, _ew(math.cos, np.cos), lambda o, a: (-_ew(math.sin, np.sin)(a),),
       rules=("-sin(a)",)),
    Op("tan", "tan", 1, _ew(math.tan, np.tan), lambda o, a: (1.0 + o * o,),
       rules=("1 + tan(a)²",)),
    Op("tanh", "tanh", 1, _ew(math.tanh, np.tanh), lambda o, a: (1.0 - o * o,),
       rules=("1 - tanh(a)²",)),
    Op("sigmoid", "sigmoid", 1, _sigmoid, lambda o, a: (o * (1.0 - o),),
       rules=("σ(a)·(1 - σ(a))",)),
    Op("relu", "relu", 1, _relu, lambda o, a: (_step(a > 0),),
       rules=("1 if a > 0 else 0",)),
    Op("abs", "abs", 1, _ew(abs, np.abs), lambda o, a: (_sign(a),), rules=("sign(a)",)),
    # functions of two arguments
    Op("max", "max", 2, _max, lambda o, a, b: (_step(a >= b), _step(a < b)),
       rules=("1 if a ≥ b else 0", "1 if a < b else 0")),
    Op("min", "min", 2, _min, lambda o, a, b: (_step(a <= b), _step(a > b)),
       rules=("1 if a ≤ b else 0", "1 if a > b else 0")),
    # array functions: their local derivative is a Jacobian, so they give a vjp
    Op("sum", "sum", 1, _sum, vjp=_sum_vjp, rules=("ones(shape of a)",)),
    Op("mean", "mean", 1, _mean, vjp=_mean_vjp, rules=("ones(shape of a) / size",)),
    Op("dot", "dot", 2, _dot, vjp=_matmul_vjp, rules=("b", "a")),
    Op("transpose", "transpose", 1, _transpose, vjp=_transpose_vjp, rules=("transpose",)),
]}

# The pow() function is the ** operator written as a call.
FUNCTIONS: dict[str, int] = {name: op.arity for name, op in OPS.items()
                             if op.style == "call"}
FUNCTIONS["pow"] = 2

CONSTANTS: dict[str, float] = {"pi": math.pi, "e": math.e}


def _numpy_retry(fn, args):
    """Run ``fn`` again on numpy scalars, which follow IEEE instead of raising."""
    with np.errstate(all="ignore"):
        result = fn(*[np.float64(a) if type(a) is float else a for a in args])
    if isinstance(result, tuple):
        return tuple(_as_value(r) for r in result)
    return _as_value(result)


def apply(fn, args):
    """Call a rule; where Python raises for a non-finite scalar result, use IEEE."""
    try:
        return fn(*args)
    except (ArithmeticError, ValueError):
        return _numpy_retry(fn, args)
