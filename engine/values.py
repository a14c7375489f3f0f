"""User values: the one check of what a caller gives as an input's value.

The page, the API, the CLI and Python callers all pass their values through
``to_value``: a finite number, or a non-empty vector or matrix of finite
numbers (nested lists or a numpy array).  Problems are ``InputValueError`` /
``LimitError`` with a code (engine/messages.py); the graph adds the place of
the input in the text.
"""

from __future__ import annotations

import math

import numpy as np

from .errors import InputValueError, LimitError


def describe(raw) -> str:
    """A value's kind in words, for messages: "true/false", "a string", "null" ..."""
    if raw is None:
        return "null"
    if isinstance(raw, (bool, np.bool_)):
        return "true/false"
    if isinstance(raw, str):
        return "a string"
    if isinstance(raw, (list, tuple)):
        return "a list"
    if isinstance(raw, dict):
        return "an object"
    return type(raw).__name__


def _is_number(x) -> bool:
    return (isinstance(x, (int, float, np.integer, np.floating))
            and not isinstance(x, (bool, np.bool_)))


def _number(raw, name: str) -> float:
    try:
        v = float(raw)
    except OverflowError:  # a JSON integer beyond float64
        raise InputValueError.of("value.too_large", name=name) from None
    if not math.isfinite(v):
        raise InputValueError.of("value.not_finite", name=name, text=str(v))
    return v


def to_value(raw, name: str, max_size: int, text: bool = True):
    """Check one user-given value and convert it to a float or a float64 array.

    ``text``: a string that reads as a number ("2.5") is one (for Python callers).
    """
    kind = type(raw)
    if kind is float or kind is int:  # nearly every value: a plain number
        v = float(raw) if kind is int and -2**53 <= raw <= 2**53 else raw
        if kind is float and v - v == 0.0:  # finite (inf - inf and nan - nan are nan)
            return v
        if kind is int and type(v) is float:
            return v
    if _is_number(raw):
        return _number(raw, name)
    if isinstance(raw, np.ndarray) and raw.dtype.kind in "iuf" and 1 <= raw.ndim <= 2:
        if raw.size > max_size:
            raise LimitError.of("limit.value_size", name=name, size=int(raw.size),
                                limit=max_size)
        if raw.size == 0:
            raise InputValueError.of("value.empty", name=name)
        arr = np.array(raw, dtype=np.float64)
        if not np.isfinite(arr).all():
            raise InputValueError.of("value.entry_not_finite", name=name)
        return arr
    if isinstance(raw, (list, tuple, np.ndarray)):
        return _array_from_nested(raw, name, max_size)
    if isinstance(raw, str) and text:  # a Python caller's "2.5"; array entries must be numbers
        try:
            v = float(raw)
        except ValueError:
            raise InputValueError.of("value.not_a_number", name=name, kind=describe(raw)) from None
        return _number(v, name)
    raise InputValueError.of("value.not_a_number", name=name, kind=describe(raw))


def _array_from_nested(raw, name: str, max_size: int) -> np.ndarray:
    """A vector or matrix from nested lists, with clear errors for ragged or odd entries."""
    if isinstance(raw, np.ndarray):
        raw = raw.tolist()
    if len(raw) == 0:
        raise InputValueError.of("value.empty", name=name)
    rows = [r for r in raw if isinstance(r, (list, tuple))]
    if rows and len(rows) != len(raw):
        raise InputValueError.of("value.mixed", name=name)
    if rows:
        width = len(rows[0])
        if width == 0:
            raise InputValueError.of("value.empty_row", name=name)
        for i, r in enumerate(rows):
            if len(r) != width:
                raise InputValueError.of("value.ragged", name=name, width=width, row=i,
                                         row_width=len(r))
        flat = [x for r in rows for x in r]
        shape = (len(rows), width)
    else:
        flat = list(raw)
        shape = (len(flat),)
    if len(flat) > max_size:
        raise LimitError.of("limit.value_size", name=name, size=len(flat), limit=max_size)
    for x in flat:
        if not _is_number(x):
            if isinstance(x, (list, tuple)):
                raise InputValueError.of("value.too_deep", name=name)
            raise InputValueError.of("value.entry_not_a_number", name=name, kind=describe(x))
    try:
        arr = np.array(flat, dtype=np.float64).reshape(shape)
    except OverflowError:
        raise InputValueError.of("value.entry_not_finite", name=name) from None
    if not np.isfinite(arr).all():
        raise InputValueError.of("value.entry_not_finite", name=name)
    return arr


def negate(v):
    """-v for a number or a nested list of numbers (a literal's sign), without recursion."""
    if isinstance(v, list):
        out: list = []
        stack = [(v, out)]
        while stack:
            src, dst = stack.pop()
            for x in src:
                if isinstance(x, list):
                    sub: list = []
                    dst.append(sub)
                    stack.append((x, sub))
                else:
                    dst.append(-x)
        return out
    return -v
