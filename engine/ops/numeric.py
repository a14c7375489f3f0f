"""The numbers behind the op table: forward rules and derivatives that need more than a lambda.

Scalars travel as Python floats (fast, exact IEEE float64), arrays as float64
numpy arrays; every function here takes either.  A scalar rule that Python
refuses (``1/0``, ``log(0)``, ``exp(1000)``) is retried in numpy by ``apply``,
which answers the IEEE way (inf/nan), so nothing raises for a non-finite result.

Conventions at non-differentiable points (documented in the README):
relu'(0) = 0, abs'(0) = 0, max/min send the gradient to the first argument on a
tie, d(a**b)/db is 0 where a <= 0 and d(a**b)/da is 0 where b == 0.
"""

from __future__ import annotations

import math

import numpy as np


def elementwise(math_fn, np_fn):
    """One function for floats (math) and arrays (numpy)."""
    def f(a):
        return math_fn(a) if type(a) is float else np_fn(a)
    return f


exp = elementwise(math.exp, np.exp)
log = elementwise(math.log, np.log)
sqrt = elementwise(math.sqrt, np.sqrt)
sin = elementwise(math.sin, np.sin)
cos = elementwise(math.cos, np.cos)
tan = elementwise(math.tan, np.tan)
tanh = elementwise(math.tanh, np.tanh)
absolute = elementwise(abs, np.abs)


def sigmoid(a):
    """1 / (1 + exp(-a)), written to never overflow: exp of a non-positive number only."""
    if type(a) is float:
        if a >= 0:
            return 1.0 / (1.0 + math.exp(-a))
        z = math.exp(a)
        return z / (1.0 + z)
    z = np.exp(-np.abs(a))
    return np.where(a >= 0, 1.0 / (1.0 + z), z / (1.0 + z))


def softplus(a):
    """log(1 + exp(a)) as max(a, 0) + log1p(exp(-|a|)): no overflow, no loss for large |a|."""
    if type(a) is float:
        if a != a:
            return a
        return max(a, 0.0) + math.log1p(math.exp(-abs(a)))
    return np.maximum(a, 0.0) + np.log1p(np.exp(-np.abs(a)))


def power(a, b):
    if type(a) is float and type(b) is float:
        if a < 0 and b != int(b):
            return math.nan  # real power of a negative base: IEEE says nan, Python says complex
        return a ** b
    return np.power(a, b)


def power_partials(out, a, b):
    """(d/da, d/db) of a**b, exactly 0 where the formula would be 0 * inf or log of a <= 0."""
    if type(b) is float:
        da = 0.0 if b == 0 else b * power(a, b - 1.0)
    else:
        with np.errstate(all="ignore"):
            da = np.where(b == 0, 0.0, b * power(a, b - 1.0))
    if type(a) is float:
        db = out * math.log(a) if a > 0 else 0.0
    else:
        with np.errstate(all="ignore"):
            db = np.where(a > 0, out * np.log(np.where(a > 0, a, 1.0)), 0.0)
    return da, db


def relu(a):
    if type(a) is float:
        return a if a > 0 or a != a else 0.0
    return np.where(a > 0, a, np.where(np.isnan(a), a, 0.0))


def indicator(cond):
    """1.0 where cond holds, else 0.0, as float or array (the Iverson bracket [cond])."""
    if type(cond) is bool:
        return 1.0 if cond else 0.0
    return np.asarray(cond, dtype=np.float64)


def maximum(a, b):
    if type(a) is float and type(b) is float:
        if a != a or b != b:
            return math.nan
        return a if a >= b else b
    return np.maximum(a, b)


def minimum(a, b):
    if type(a) is float and type(b) is float:
        if a != a or b != b:
            return math.nan
        return a if a <= b else b
    return np.minimum(a, b)


def sign(a):
    if type(a) is float:
        return (a > 0) - (a < 0) + 0.0 if a == a else math.nan
    return np.sign(a)


def as_value(x):
    """Normalise numpy results: 0-d becomes a Python float, arrays float64."""
    if type(x) is float:
        return x
    if type(x) is np.ndarray and x.ndim and x.dtype == np.float64:
        return x  # the usual case: numpy already gave a float64 array
    if np.ndim(x) == 0:
        return float(x)
    return np.asarray(x, dtype=np.float64)


# --- rows whose local derivative is a Jacobian: downstream gradients from the upstream one

def matmul(a, b):
    return as_value(np.matmul(a, b))


def matmul_vjp(g, out, a, b):
    a_vec, b_vec = np.ndim(a) == 1, np.ndim(b) == 1
    if a_vec and b_vec:  # dot product: out is a scalar
        return g * b, g * a
    if a_vec:  # (n,) @ (n,m) -> (m,)
        return b @ g, np.outer(a, g)
    if b_vec:  # (n,m) @ (m,) -> (n,)
        return np.outer(g, b), a.T @ g
    return g @ b.T, a.T @ g


def total(a):
    return a if type(a) is float else float(a.sum())


def total_vjp(g, out, a):
    return (g if type(a) is float else np.full(a.shape, g),)


def mean(a):
    return a if type(a) is float else float(a.mean())


def mean_vjp(g, out, a):
    n = max(1, np.size(a))
    return (np.full(np.shape(a), g / n) if np.ndim(a) else g,)


def transpose(a):
    return a if type(a) is float else np.transpose(a).copy()


def transpose_vjp(g, out, a):
    return (g if type(a) is float else np.transpose(g),)


def dot(a, b):
    return as_value(np.dot(a, b))  # vectors only: the shape rule refuses numbers first


# --- heads that only formulas use (they are evaluated by the tests of the table)

def ones(a):
    return 1.0 if type(a) is float else np.ones_like(a)


def size(a):
    return float(np.size(a))


def outer(a, b):
    return np.outer(a, b)


def _numpy_retry(fn, args):
    """Run ``fn`` again on numpy scalars, which follow IEEE instead of raising."""
    with np.errstate(all="ignore"):
        result = fn(*[np.float64(a) if type(a) is float else a for a in args])
    if isinstance(result, tuple):
        return tuple(as_value(r) for r in result)
    return as_value(result)


def apply(fn, args):
    """Call a rule; where Python raises for a non-finite scalar result, use IEEE."""
    try:
        return fn(*args)
    except (ArithmeticError, ValueError):
        return _numpy_retry(fn, args)
