"""Every row of the op table, checked the same way: numbers, formulas, shapes, and the way in.

A row's partials (or vjp) must agree with central finite differences of its
forward rule on its sample domain, for numbers and for arrays; its derivative
formula (what the trace and the page show) must compute the same numbers; its
shape rule must give the shape the forward rule makes; and a program that uses
it must parse, evaluate, differentiate and draw.  Adding a row adds its cases.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import engine
from engine import formula, render
from engine.autodiff import unbroadcast
from engine.ops import OPS, ROWS, VOCABULARY

DIFFERENTIABLE = [op for op in ROWS if op.partials is not None or op.vjp is not None]
ELEMENTWISE_SHAPES = {1: [((3,),), ((2, 3),)],
                      2: [((3,), (3,)), ((2, 3), (3,)), ((2, 3), ()), ((), (2, 3))]}
H = 1e-6
SEED = 20261128


def ids(op):
    return op.name


def sample(rng, interval, shape):
    lo, hi = interval
    if shape == ():
        return float(rng.uniform(lo, hi))
    return rng.uniform(lo, hi, size=shape)


def domain(op, slot):
    return op.domain[slot] if slot < len(op.domain) else op.domain[-1]


def shapes_of(op):
    return op.sample_shapes or ELEMENTWISE_SHAPES[op.arity]


def forward(op, args):
    with np.errstate(all="ignore"):
        return op.fwd(*[a.copy() if isinstance(a, np.ndarray) else a for a in args])


def downstream(op, args, g):
    """What the row sends back to each argument for upstream ``g``."""
    out = forward(op, args)
    if op.vjp is not None:
        downs = op.vjp(g, out, *args)
    else:
        downs = [np.asarray(local) * g for local in op.partials(out, *args)]
    return [unbroadcast(np.asarray(d, dtype=np.float64), np.shape(a)) for d, a in zip(downs, args)]


def numeric(op, args, g, slot):
    """Central differences of sum(fwd(args) * g) with respect to argument ``slot``."""
    arg = np.array(args[slot], dtype=np.float64)
    grad = np.zeros(arg.shape)
    for index in np.ndindex(arg.shape):
        parts = []
        for sign in (1, -1):
            moved = arg.copy()
            moved[index] += sign * H
            new = list(args)
            new[slot] = float(moved) if moved.ndim == 0 else moved
            parts.append(float(np.sum(np.asarray(forward(op, new)) * g)))
        grad[index] = (parts[0] - parts[1]) / (2 * H)
    return grad


def formula_value(op, slot, args, g):
    """The row's derivative formula for ``slot``, computed on these arguments."""
    shapes = [np.shape(a) for a in args]
    env = {"a": ["ref", 0], "out": ["ref", 2], "up": ["grad", 2]}
    if op.arity == 2:
        env["b"] = ["ref", 1]
    tree = formula.bind(formula.derivative(op.name, slot, shapes), env)
    values = list(args) + [None] * (2 - len(args)) + [forward(op, args)]
    return formula.evaluate(tree, ref=lambda i: values[i], grad=lambda i: g)


@pytest.mark.parametrize("op", [op for op in DIFFERENTIABLE if not op.array_only], ids=ids)
def test_row_on_numbers_agrees_with_finite_differences_and_its_formula(op):
    rng = np.random.default_rng(SEED)
    for _ in range(8):
        args = [sample(rng, domain(op, k), ()) for k in range(op.arity)]
        g = 1.0
        for slot, got in enumerate(downstream(op, args, g)):
            want = numeric(op, args, g, slot)
            assert np.allclose(got, want, rtol=1e-5, atol=1e-6), (op.name, args, slot)
            if op.partials is not None:
                local = op.partials(forward(op, args), *args)[slot]
                assert np.allclose(formula_value(op, slot, args, g), local), (op.name, slot)
            else:
                assert np.allclose(formula_value(op, slot, args, g), got), (op.name, slot)


@pytest.mark.parametrize("op", DIFFERENTIABLE, ids=ids)
def test_row_on_arrays_agrees_with_finite_differences_its_formula_and_shape_rule(op):
    rng = np.random.default_rng(SEED)
    for shapes in shapes_of(op):
        args = [sample(rng, domain(op, k), shape) for k, shape in enumerate(shapes)]
        out = forward(op, args)
        assert np.shape(out) == op.shape(list(shapes), op.symbol), (op.name, shapes)
        g = sample(rng, (-1.0, 1.0), np.shape(out))
        for slot, got in enumerate(downstream(op, args, g)):
            assert np.shape(got) == np.shape(args[slot])
            want = numeric(op, args, g, slot)
            assert np.allclose(got, want, rtol=1e-5, atol=1e-6), (op.name, shapes, slot)
            shown = formula_value(op, slot, args, g)
            if op.partials is not None:
                local = op.partials(out, *args)[slot]
                assert np.allclose(np.broadcast_to(shown, np.shape(local)), local)
            else:
                assert np.allclose(shown, got), (op.name, shapes, slot)


def program_for(op) -> tuple[str, list[str]]:
    """A one-line program that uses the op the way a user writes it."""
    names = ["a", "b"][:op.arity]
    if op.infix:
        return f"f = a {op.infix[0]} b", names
    if op.prefix:
        return f"f = {op.prefix}a", names
    return f"f = {op.call}({', '.join(names)})", names


@pytest.mark.parametrize("op", [op for op in DIFFERENTIABLE if op.user], ids=ids)
def test_row_is_in_the_language_the_trace_and_the_figure(op):
    text, names = program_for(op)
    rng = np.random.default_rng(SEED)
    shapes = shapes_of(op)[0] if op.array_only or op.sample_shapes else ((),) * op.arity
    values = {n: sample(rng, domain(op, k), shape) for k, (n, shape) in
              enumerate(zip(names, shapes))}
    result = engine.evaluate(text, values)
    d = result.to_dict()
    gate = next(n for n in d["nodes"] if n["kind"] == "op")
    assert gate["op"] == op.name and gate["formula"][0] == op.name
    assert op.name in d["notation"] and d["notation"][op.name]["symbol"] == op.symbol
    # The whole program's gradients against finite differences of the whole program.
    for name in names:
        value = np.array(values[name], dtype=np.float64)
        fd = np.zeros(value.shape)
        for index in np.ndindex(value.shape):
            ends = []
            for sign in (1, -1):
                moved = value.copy()
                moved[index] += sign * H
                moved_value = float(moved) if moved.ndim == 0 else moved
                ends.append(np.sum(engine.evaluate(text, {**values, name: moved_value}).value))
            fd[index] = (ends[0] - ends[1]) / (2 * H)
        assert np.allclose(result.gradients[name], fd, rtol=1e-5, atol=1e-6), (op.name, name)
    backward = [s for s in d["steps"] if s["phase"] == "backward"]
    assert backward and backward[0]["edges"][0]["formula"]
    assert op.gate_text in render.to_dot(d)


def test_the_parser_reads_every_spelling_of_the_table():
    for op in ROWS:
        if not op.user:
            continue
        for spelling in op.infix:
            assert VOCABULARY.binary[spelling][0] == op.name
        if op.call:
            assert VOCABULARY.functions[op.call] == (op.name, op.arity)
    assert "gt" not in VOCABULARY.functions and "ones" not in VOCABULARY.functions


def test_softplus_is_stable_far_out():
    r = engine.evaluate("softplus(x)", {"x": 800})
    assert r.value == 800.0 and r.gradients["x"] == 1.0 and r.warnings == []
    r = engine.evaluate("softplus(x)", {"x": -800})
    assert 0 <= r.value < 1e-300 and r.gradients["x"] < 1e-300 and r.warnings == []
    r = engine.evaluate("softplus(x)", {"x": 0})
    assert math.isclose(r.value, math.log(2)) and r.gradients["x"] == 0.5
    r = engine.evaluate("sum(softplus(x))", {"x": [800, -800, 0]})
    assert r.gradients["x"].tolist() == [1.0, 0.0, 0.5] and r.warnings == []


@pytest.mark.parametrize("program, values, grads", [
    ("relu(x)", {"x": 0}, {"x": 0.0}),
    ("abs(x)", {"x": 0}, {"x": 0.0}),
    ("max(x, y)", {"x": 1, "y": 1}, {"x": 1.0, "y": 0.0}),
    ("min(x, y)", {"x": 1, "y": 1}, {"x": 1.0, "y": 0.0}),
    ("x ** y", {"x": -2, "y": 2}, {"x": -4.0, "y": 0.0}),
    ("x ** y", {"x": 0, "y": 0}, {"x": 0.0, "y": 0.0}),
])
def test_conventions_at_non_differentiable_points(program, values, grads):
    r = engine.evaluate(program, values)
    assert {name: r.gradients[name] for name in grads} == grads
