"""Shape rules: the shape an op gives for the shapes of its arguments, or why they do not fit.

A rule answers a shape (a tuple, ``()`` for a number) or raises ``ShapeProblem``
with a stable code and its parameters (shapes as lists); the graph adds the
place in the text and engine/messages.py the words.
"""

from __future__ import annotations

import numpy as np


class ShapeProblem(Exception):
    """Why the arguments' shapes do not fit an op: ``code`` and ``params`` (see messages.py)."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params


def broadcast(shapes, symbol: str):
    """Elementwise ops: numpy broadcasting (a number fits anything)."""
    if len(shapes) == 1:
        return shapes[0]
    a, b = shapes
    if a == b or b == ():
        return a
    if a == ():
        return b
    try:
        return tuple(np.broadcast_shapes(a, b))
    except ValueError:
        raise ShapeProblem("shape.broadcast", left=list(a), right=list(b), op=symbol) from None


def reduce(shapes, symbol: str):
    """sum and mean: a number, whatever goes in."""
    return ()


def transposed(shapes, symbol: str):
    return tuple(reversed(shapes[0]))


def matmul(shapes, symbol: str):
    a, b = shapes
    if a == () and b == ():
        raise ShapeProblem("shape.matmul_numbers")
    if a == () or b == ():
        raise ShapeProblem("shape.matmul_number", left=list(a), right=list(b))
    if a[-1] != b[0]:
        raise ShapeProblem("shape.matmul_inner", left=list(a), right=list(b),
                           left_inner=a[-1], right_inner=b[0])
    return a[:-1] + b[1:]


def dot(shapes, symbol: str):
    a, b = shapes
    if a == () and b == ():
        raise ShapeProblem("shape.dot_numbers")
    if len(a) != 1 or len(b) != 1:
        raise ShapeProblem("shape.dot_not_vectors", left=list(a), right=list(b))
    if a != b:
        raise ShapeProblem("shape.dot_lengths", left=list(a), right=list(b))
    return ()
