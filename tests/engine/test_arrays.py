"""Array values: every operation's gradient against central finite differences, over shapes
that broadcast; the node/edge gradient invariant with arrays; shape errors."""

import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engine
from engine import ShapeError, InputValueError

# Shapes that broadcast against a (2, 3) matrix, and the matrix itself.
BROADCASTING = [(), (3,), (1, 3), (2, 1), (2, 3)]

# name -> (program, domain): the domain keeps each function away from its kinks and poles.
ELEMENTWISE_BINARY = {
    "add": "sum(a + b)", "sub": "sum(a - b)", "mul": "sum(a * b)", "div": "sum(a / b)",
    "pow": "sum(a ** b)", "max": "sum(max(a, b))", "min": "sum(min(a, b))",
}
ELEMENTWISE_UNARY = ["exp", "log", "sqrt", "sin", "cos", "tan", "tanh", "sigmoid", "relu",
                     "abs"]


def central_difference(program, values, name, h=1e-6):
    """d output / d values[name], entry by entry, by central differences."""
    base = np.array(values[name], dtype=float)
    grad = np.zeros_like(base)
    for idx in np.ndindex(base.shape):
        up, down = base.copy(), base.copy()
        step = h * max(1.0, abs(base[idx]))
        up[idx] += step
        down[idx] -= step
        f_up = engine.evaluate(program, {**values, name: up.tolist() if up.ndim else float(up)}).value
        f_dn = engine.evaluate(program, {**values, name: down.tolist() if down.ndim else float(down)}).value
        grad[idx] = (f_up - f_dn) / (2 * step)
    return grad


def check_gradients(program, values):
    result = engine.evaluate(program, values)
    for name in values:
        got = np.asarray(result.gradients[name])
        want = central_difference(program, values, name)
        assert got.shape == np.shape(values[name]), (name, got.shape)
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6, err_msg=f"{program} d/d{name}")
    return result


def check_invariant(result):
    """For every node but the output, its gradient is the sum of its outgoing wires'."""
    d = result.to_dict()
    out = d["output"]["node"]
    sums = {}
    for e in d["edges"]:
        g = np.asarray(e["grad"], dtype=float)
        assert g.shape == tuple(d["nodes"][e["source"]]["shape"])
        sums[e["source"]] = sums.get(e["source"], 0) + g
    for n in d["nodes"]:
        if n["id"] != out and n["id"] in sums:
            np.testing.assert_allclose(np.asarray(n["grad"], dtype=float), sums[n["id"]],
                                       rtol=1e-12, atol=1e-12)
        assert np.shape(n["grad"]) == np.shape(n["value"])  # a gradient has its value's shape
    json.dumps(d, allow_nan=False)


def arrays(shape, lo, hi):
    size = int(np.prod(shape)) if shape else 1
    return st.lists(st.floats(lo, hi), min_size=size, max_size=size).map(
        lambda xs: np.array(xs).reshape(shape).tolist() if shape else xs[0])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_binary_elementwise_gradients_with_broadcasting(data):
    op = data.draw(st.sampled_from(sorted(ELEMENTWISE_BINARY)))
    sa = data.draw(st.sampled_from(BROADCASTING))
    sb = data.draw(st.sampled_from(BROADCASTING))
    lo, hi = (0.5, 2.0) if op in ("div", "pow") else (-2.0, 2.0)
    a = data.draw(arrays(sa, lo, hi))
    b = data.draw(arrays(sb, lo, hi))
    if op in ("max", "min"):
        # away from the tie, where max and min have no derivative
        diff = np.asarray(a) - np.asarray(b)
        if np.any(np.abs(diff) < 1e-2):
            return
    result = check_gradients(ELEMENTWISE_BINARY[op], {"a": a, "b": b})
    check_invariant(result)


@settings(max_examples=40, deadline=None)
@given(data=st.data())
def test_unary_elementwise_gradients(data):
    fn = data.draw(st.sampled_from(ELEMENTWISE_UNARY))
    shape = data.draw(st.sampled_from([(3,), (2, 3)]))
    lo, hi = {"log": (0.2, 3), "sqrt": (0.2, 3), "tan": (-1.2, 1.2)}.get(fn, (-2, 2))
    a = data.draw(arrays(shape, lo, hi))
    if fn in ("relu", "abs") and np.any(np.abs(np.asarray(a)) < 1e-2):
        return  # away from the kink at 0
    check_invariant(check_gradients(f"sum({fn}(a) * w)", {"a": a, "w": np.linspace(1, 2, int(np.prod(shape))).reshape(shape).tolist()}))


@pytest.mark.parametrize("program,shapes", [
    ("sum(W @ x)", {"W": (2, 3), "x": (3,)}),
    ("sum(x @ W)", {"W": (2, 3), "x": (2,)}),
    ("x @ y", {"x": (3,), "y": (3,)}),
    ("sum((A @ B) * C)", {"A": (2, 3), "B": (3, 2), "C": (2, 2)}),
    ("dot(x, y) * 2", {"x": (3,), "y": (3,)}),
    ("mean(W * W)", {"W": (2, 3)}),
    ("sum(transpose(W) @ x)", {"W": (2, 3), "x": (2,)}),
    ("sum(tanh(W @ x + b))", {"W": (3, 2), "x": (2,), "b": (3,)}),
    ("sum(W * transpose(W))", {"W": (3, 3)}),
])
def test_array_functions_gradients(program, shapes):
    rng = np.random.default_rng(7)
    values = {k: rng.uniform(-1, 1, s).tolist() for k, s in shapes.items()}
    check_invariant(check_gradients(program, values))


def test_broadcast_gradient_is_summed_back_to_the_input_shape():
    r = engine.evaluate("sum(W + b)", {"W": [[1, 2, 3], [4, 5, 6]], "b": [1, 2, 3]})
    assert r.value == 33.0  # 21 + 2 * (1 + 2 + 3)
    assert r.gradients["b"].tolist() == [2.0, 2.0, 2.0]
    assert r.gradients["W"].tolist() == [[1.0] * 3] * 2
    r = engine.evaluate("sum(W * c)", {"W": [[1, 2], [3, 4]], "c": 2})
    assert r.gradients["c"] == 10.0


def test_linear_layer_numbers():
    # L = sum((W @ x + b - y)^2), by hand: W@x = [-1, -1], +b = [-0.5, -0.5], -y = [-0.5, -1.5]
    r = engine.evaluate("L = sum((W @ x + b - y)**2)",
                        {"W": [[1, 2], [3, 4]], "x": [1, -1], "b": [0.5, 0.5], "y": [0, 1]})
    assert r.value == 2.5
    assert r.gradients["W"].tolist() == [[-1.0, 1.0], [-3.0, 3.0]]  # dout x^T
    assert r.gradients["x"].tolist() == [-10.0, -14.0]  # W^T dout
    assert r.gradients["b"].tolist() == [-1.0, -3.0]
    texts = [s["text"] for s in r.steps if s["phase"] == "backward"]
    assert "dL/dW = dL/d(W @ x) xᵀ (outer product) = [[-1.00, 1.00], [-3.00, 3.00]]" in texts[-1]
    assert "dL/dx = Wᵀ @ dL/d(W @ x) = [-10.00, -14.00]" in texts[-1]


def test_softmax_cross_entropy_with_vectors():
    r = engine.evaluate("p = exp(z) / sum(exp(z)); L = -log(sum(p * t))",
                        {"z": [2, 1, -1], "t": [1, 0, 0]})
    z = np.array([2.0, 1.0, -1.0])
    p = np.exp(z) / np.exp(z).sum()
    assert r.value == pytest.approx(-np.log(p[0]), rel=1e-12)
    np.testing.assert_allclose(r.gradients["z"], p - np.array([1, 0, 0]), atol=1e-12)


def test_inline_literals_and_non_scalar_output():
    r = engine.evaluate("w = [2, -3]; f = w * x", {"x": [1, 2]})
    assert r.value.tolist() == [2.0, -6.0]
    assert r.gradients["x"].tolist() == [2.0, -3.0]  # seeded with ones
    assert any("not a single number" in w and "(2,)" in w for w in r.warnings)


@pytest.mark.parametrize("program,values,message,where", [
    ("W @ x", {"W": [[1, 2, 3], [4, 5, 6]], "x": [1, 2]},
     "(2,3) @ (2,): inner dimensions 3 and 2 differ", "@"),
    ("a + b", {"a": [1, 2, 3], "b": [1, 2]}, "shapes (3,) and (2,) do not broadcast", "+"),
    ("x @ 2", {"x": [1, 2]}, "@ needs vectors or matrices on both sides", "@"),
    ("dot(x, y)", {"x": [1, 2], "y": [1, 2, 3]}, "dot() of vectors of different lengths", "dot"),
    ("a @ b", {"a": 1, "b": 2}, "@ is the matrix product", "@"),
])
def test_shape_errors_name_both_shapes_and_point_at_the_operator(program, values, message, where):
    with pytest.raises(ShapeError) as info:
        engine.evaluate(program, values)
    assert message in info.value.message
    assert program[info.value.start:info.value.end] == where


@pytest.mark.parametrize("value,message", [
    ([[1, 2], [3]], "ragged"),
    ([1, "a"], "not a number"),
    ([[[1]]], "at most two levels"),
    ([], "empty list"),
    ([1, [2]], "mixes numbers and lists"),
    ([True, 1], "not a number"),
])
def test_bad_array_values(value, message):
    with pytest.raises(InputValueError) as info:
        engine.evaluate("sum(x)", {"x": value})
    assert message in info.value.message


def test_arrays_stay_vectorized_and_float64():
    r = engine.evaluate("sum(x * x)", {"x": list(range(1000))})
    assert r.gradients["x"].dtype == np.float64
    assert r.gradients["x"][999] == 1998.0
