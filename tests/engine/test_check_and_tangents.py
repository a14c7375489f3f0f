"""The gradient check and forward mode, against finite differences computed here."""

from __future__ import annotations

import numpy as np
import pytest

import engine
from engine.check import MAX_ENTRIES, TOLERANCE
from engine.ops import ROWS

NEURON = "f = 1 / (1 + exp(-(w0*x0 + w1*x1 + w2)))"
NEURON_VALUES = {"w0": 2, "x0": -1, "w1": -3, "x1": -2, "w2": -3}
LAYER = "z = W @ x + b\nL = sum(tanh(z)**2)"
LAYER_VALUES = {"W": [[1, -2, 0.5], [0.5, 1, -1]], "x": [1, 2, -1], "b": [0.5, -0.5]}


def fd(program, values, name, h=1e-5):
    """Central differences of the output's sum, written independently of engine.check."""
    base = np.array(values[name], dtype=float)
    grad = np.zeros(base.shape)
    for index in np.ndindex(base.shape):
        ends = []
        for sign in (1, -1):
            moved = base.copy()
            moved[index] += sign * h
            v = float(moved) if moved.ndim == 0 else moved.tolist()
            ends.append(float(np.sum(engine.evaluate(program, {**values, name: v}).value)))
        grad[index] = (ends[0] - ends[1]) / (2 * h)
    return grad


@pytest.mark.parametrize("program, values", [(NEURON, NEURON_VALUES), (LAYER, LAYER_VALUES),
                                             ("q = x + y; f = q * z", {"x": -2, "y": 5, "z": -4})])
def test_check_reports_numeric_gradients_of_every_input_and_passes(program, values):
    d = engine.evaluate(program, values, check=True).to_dict()
    check = d["check"]
    for name in d["inputs"]:
        entry = check[name]
        assert np.allclose(entry["numeric"], fd(program, values, name), rtol=1e-6, atol=1e-8)
        assert np.shape(entry["numeric"]) == np.shape(values[name])
        assert entry["ok"] is True and 0 <= entry["rel_error"] <= TOLERANCE
        assert entry["step"] > 0 and entry["kinks"] == [] and entry["nonfinite"] == []
    # every node the output depends on, keyed by id, with the inputs' entries among them
    per_node = check["per node"]
    assert {int(k) for k in per_node} >= {n["id"] for n in d["nodes"] if n["kind"] == "op"}
    assert all(e["ok"] for e in per_node.values() if e["rel_error"] is not None)
    assert check["how checked"]["tolerance"] == TOLERANCE


def test_a_wrong_gradient_fails_the_check(monkeypatch):
    # The check must be able to fail: break mul's derivative and it says so.
    import dataclasses

    import engine.ops.table as table
    mul = table.OPS["mul"]
    broken = dataclasses.replace(mul, partials=lambda o, a, b: (b, 2 * a))
    monkeypatch.setitem(table.OPS, "mul", broken)
    check = engine.evaluate("x * y", {"x": 3, "y": 4}, check=True).check()
    assert check["x"]["ok"] is True
    assert check["y"]["ok"] is False and check["y"]["rel_error"] > 0.4


@pytest.mark.parametrize("program, values, kinked", [
    ("relu(x) * y", {"x": 0, "y": 2}, {"x"}),
    ("abs(x) + y", {"x": 0, "y": 1}, {"x"}),
    ("max(x, y)", {"x": 1, "y": 1}, {"x", "y"}),
    ("min(x, y) * 3", {"x": -2, "y": -2}, {"x", "y"}),
    ("sum(relu(w))", {"w": [1, 0, -1]}, {"w"}),
])
def test_kinks_are_named_instead_of_failing(program, values, kinked):
    check = engine.evaluate(program, values, check=True).check()
    for name in values:
        entry = check[name]
        if name in kinked:
            assert entry["kinks"], name
            assert entry["ok"] in (None, True)  # the kinked entries are not judged
        else:
            assert entry["kinks"] == [] and entry["ok"] is True
    if program == "sum(relu(w))":
        assert check["w"]["kinks"] == [1] and check["w"]["ok"] is True


def test_non_finite_entries_are_marked_and_nothing_crashes():
    d = engine.evaluate("f = log(x) + y", {"x": 0, "y": 1}, check=True).to_dict()
    # the output is -inf: no finite difference of it is a number, so nothing is judged
    for name in "xy":
        assert d["check"][name]["nonfinite"] == [0] and d["check"][name]["ok"] is None
    assert d["check"]["x"]["numeric"] == "NaN"
    d = engine.evaluate("sum(sqrt(v))", {"v": [4, 0, 1]}, check=True).to_dict()
    assert d["check"]["v"]["nonfinite"] == [1] and d["check"]["v"]["ok"] is True


def test_large_arrays_are_sampled_and_say_which_entries():
    n = 40
    values = {"a": list(np.linspace(-1, 1, n * n).reshape(n, n).tolist()), "b": 2.0}
    check = engine.evaluate("sum(a * b)", values, check=True).check()
    entry = check["a"]
    assert entry["checked"] is not None and 2 <= len(entry["checked"]) < n * n
    assert entry["checked"][0] == 0 and entry["checked"][-1] == n * n - 1
    flat = np.array(entry["numeric"], dtype=object).ravel()
    for i, x in enumerate(flat):
        assert (x is None) == (i not in entry["checked"])
    assert entry["ok"] is True
    assert check["how checked"]["evaluations"] <= 2 * MAX_ENTRIES


def test_check_through_the_api_and_cli(capsys):
    from app import create_app
    client = create_app({"TESTING": True}).test_client()
    body = {"expression": NEURON, "values": NEURON_VALUES, "options": {"check": True}}
    data = client.post("/api/graph", json=body).get_json()
    assert set(NEURON_VALUES) <= set(data["check"])
    assert np.isclose(data["check"]["w0"]["numeric"], data["gradients"]["w0"])
    assert "check" not in client.post("/api/graph", json={**body, "options": {}}).get_json()
    assert client.post("/api/graph", json={**body, "options": {"check": "yes"}}).status_code == 400
    from engine.cli import main
    assert main([NEURON] + [f"{k}={v}" for k, v in NEURON_VALUES.items()] + ["--check"]) == 0
    out = capsys.readouterr().out
    assert "gradient check" in out and out.count(" ok") == 5


# --- forward mode ------------------------------------------------------------------

def test_forward_mode_on_the_circuit():
    r = engine.evaluate("q = x + y; f = q * z", {"x": -2, "y": 5, "z": -4})
    t = r.tangents("x")
    by_name = {n.name: t["nodes"][n.id] for n in r.graph.nodes if n.name}
    assert by_name == {"x": 1.0, "y": 0.0, "q": 1.0, "z": 0.0, "f": -4.0}


@pytest.mark.parametrize("program, values", [(NEURON, NEURON_VALUES), (LAYER, LAYER_VALUES)])
def test_forward_mode_agrees_with_reverse_mode_on_every_input(program, values):
    r = engine.evaluate(program, values)
    for name in r.graph.inputs:
        size = int(np.size(values[name]))
        for entry in range(size) if size > 1 else [None]:
            t = r.tangents(name, entry)
            out = t["nodes"][r.graph.output]
            grad = np.ravel(r.gradients[name])[entry or 0]
            assert np.isclose(out, grad), (name, entry)


def test_forward_mode_of_every_jacobian_row_is_the_adjoint_of_its_vjp():
    rng = np.random.default_rng(7)
    for op in [op for op in ROWS if op.vjp is not None]:
        for shapes in op.sample_shapes:
            args = [rng.normal(size=s) if s else float(rng.normal()) for s in shapes]
            out = op.fwd(*args)
            tangents = [rng.normal(size=s) if s else float(rng.normal()) for s in shapes]
            g = rng.normal(size=np.shape(out)) if np.shape(out) else float(rng.normal())
            # <g, J t> == <J^T g, t>
            left = float(np.sum(np.asarray(g) * np.asarray(op.jvp(tangents, out, *args))))
            downs = op.vjp(g, out, *args)
            right = sum(float(np.sum(np.asarray(d) * np.asarray(t))) for d, t in zip(downs, tangents))
            assert np.isclose(left, right), (op.name, shapes)


def test_forward_mode_refuses_what_is_not_an_input():
    r = engine.evaluate("q = x + y; f = q * z", {"x": -2, "y": 5, "z": -4})
    with pytest.raises(engine.InputValueError) as info:
        r.tangents("q")
    assert info.value.code == "value.unknown_input"
    r = engine.evaluate("sum(w)", {"w": [1, 2]})
    with pytest.raises(engine.InputValueError):
        r.tangents("w", 5)
