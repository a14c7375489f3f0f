"""Engine: the worked numbers of FIGURE.md, graph structure, the step trace, non-finite
values, conventions at kinks, big programs and arrays.

Expected numbers are computed independently with ``math`` (never with the engine).
"""

from __future__ import annotations

import json
import math
import warnings

import numpy as np
import pytest

import engine
from engine import EngineError, LimitError, Limits, ShapeError
from tests.support.invariants import as_float, assert_sum_matches, check_invariants, live_nodes

EXACT = dict(rel=1e-12, abs=1e-15)


def sigmoid(t: float) -> float:
    return 1.0 / (1.0 + math.exp(-t))


def run(program: str, **values):
    return engine.evaluate(program, values)


def node_of(d: dict, *, name=None, text=None, op=None) -> dict:
    """The single node of to_dict() matching every given field."""
    found = [n for n in d["nodes"]
             if (name is None or n["name"] == name)
             and (text is None or n["text"] == text)
             and (op is None or n["op"] == op)]
    assert len(found) == 1, (name, text, op, found)
    return found[0]


# --- FIGURE.md: the circuit -------------------------------------------------------------

CIRCUIT_VALUES = {"x": -2, "y": 5, "z": -4}


@pytest.mark.parametrize("program", [
    "q = x + y; f = q * z",
    "q = x + y\nf = q * z",
    "f = (x + y) * z",
    "(x + y) * z",
])
def test_circuit_numbers(program):
    r = engine.evaluate(program, CIRCUIT_VALUES)
    assert r.value == -12.0 and type(r.value) is float
    g = r.gradients
    assert (g["x"], g["y"], g["z"]) == (-4.0, -4.0, 3.0)
    d = r.to_dict()
    check_invariants(d)
    add = node_of(d, op="add")
    assert (add["value"], add["grad"]) == (3.0, -4.0)
    assert d["output"]["value"] == -12.0
    assert d["nodes"][d["output"]["node"]]["grad"] == 1.0


def test_circuit_named_gradients_and_dict():
    r = run("q = x + y; f = q * z", **CIRCUIT_VALUES)
    assert r.gradients == {"x": -4.0, "y": -4.0, "q": -4.0, "z": 3.0, "f": 1.0}
    d = r.to_dict()
    assert d["gradients"] == {"x": -4.0, "y": -4.0, "q": -4.0, "z": 3.0, "f": 1.0}
    assert d["output"]["node"] == 4 and d["output"]["name"] == "f"
    assert d["inputs"] == ["x", "y", "z"]
    assert d["warnings"] == []
    assert [(n["kind"], n["op"], n["symbol"], n["name"], n["value"], n["grad"], n["inputs"])
            for n in d["nodes"]] == [
        ("input", None, "x", "x", -2.0, -4.0, []),
        ("input", None, "y", "y", 5.0, -4.0, []),
        ("op", "add", "+", "q", 3.0, -4.0, [0, 1]),
        ("input", None, "z", "z", -4.0, 3.0, []),
        ("op", "mul", "*", "f", -12.0, 1.0, [2, 3]),
    ]
    text = "q = x + y; f = q * z"
    for n in d["nodes"]:
        assert text[n["span"][0]:n["span"][1]] == n["text"]
        assert n["shape"] == []
    assert [n["text"] for n in d["nodes"]] == ["x", "y", "x + y", "z", "q * z"]
    assert [(e["source"], e["target"], e["slot"], e["value"], e["grad"]) for e in d["edges"]] == [
        (0, 2, 0, -2.0, -4.0), (1, 2, 1, 5.0, -4.0), (2, 4, 0, 3.0, -4.0), (3, 4, 1, -4.0, 3.0)]


def test_circuit_with_literal_inputs_needs_no_values():
    r = engine.evaluate("x = -2; y = 5; z = -4; f = (x + y) * z")
    assert r.value == -12.0
    assert r.gradients == {"x": -4.0, "y": -4.0, "z": 3.0, "f": 1.0}
    d = r.to_dict()
    check_invariants(d)
    assert d["inputs"] == []
    for name, value in (("x", -2.0), ("y", 5.0), ("z", -4.0)):
        n = node_of(d, name=name)
        assert n["kind"] == "input" and n["literal"] is True and n["value"] == value
    assert node_of(d, name="f")["literal"] is False
    assert len(d["nodes"]) == 5


def test_literal_inputs_mixed_with_given_values():
    r = engine.evaluate("w = 3; w * x + b", {"x": 2, "b": 1})
    assert r.value == 7.0
    assert r.gradients["w"] == 2.0 and r.gradients["x"] == 3.0 and r.gradients["b"] == 1.0
    assert r.to_dict()["inputs"] == ["x", "b"]
    assert engine.input_names("w = 3; w * x + b") == ["x", "b"]


@pytest.mark.parametrize("literal,value", [("-2", -2.0), ("+3", 3.0), ("--4", 4.0),
                                           ("(5)", 5.0), ("-(2.5)", -2.5), (".5", 0.5)])
def test_literal_forms(literal, value):
    r = engine.evaluate(f"x = {literal}; f = x * 2")
    assert r.value == 2 * value
    n = node_of(r.to_dict(), name="x")
    assert n["kind"] == "input" and n["literal"] is True and n["value"] == value


def test_expression_assignment_is_not_a_literal():
    d = engine.evaluate("x = 2 + 3; f = x * 2").to_dict()
    x = node_of(d, name="x")
    assert x["kind"] == "op" and x["op"] == "add" and x["literal"] is False
    assert d["output"]["value"] == 10.0


# --- FIGURE.md: the sigmoid neuron ----------------------------------------------------------

NEURON = "f = 1 / (1 + exp(-(w0*x0 + w1*x1 + w2)))"
NEURON_VALUES = {"w0": 2, "x0": -1, "w1": -3, "x1": -2, "w2": -3}


def test_neuron_every_wire_of_the_figure():
    d = engine.evaluate(NEURON, NEURON_VALUES).to_dict()
    check_invariants(d)
    wires = {
        "w0": node_of(d, name="w0"), "x0": node_of(d, name="x0"),
        "w1": node_of(d, name="w1"), "x1": node_of(d, name="x1"),
        "w2": node_of(d, name="w2"),
        "w0*x0": node_of(d, text="w0*x0"), "w1*x1": node_of(d, text="w1*x1"),
        "products": node_of(d, text="w0*x0 + w1*x1"),
        "+w2": node_of(d, text="w0*x0 + w1*x1 + w2"),
        "*-1": node_of(d, op="neg"), "exp": node_of(d, op="exp"),
        "+1": node_of(d, text="1 + exp(-(w0*x0 + w1*x1 + w2))"),
        "1/x": node_of(d, op="div"),
    }
    figure = {  # FIGURE.md, value / gradient to two decimals
        "w0": (2.00, -0.20), "x0": (-1.00, 0.39), "w1": (-3.00, -0.39), "x1": (-2.00, -0.59),
        "w2": (-3.00, 0.20), "w0*x0": (-2.00, 0.20), "w1*x1": (6.00, 0.20),
        "products": (4.00, 0.20), "+w2": (1.00, 0.20), "*-1": (-1.00, -0.20),
        "exp": (0.37, -0.53), "+1": (1.37, -0.53), "1/x": (0.73, 1.00),
    }
    for key, (value, grad) in figure.items():
        n = wires[key]
        assert f"{n['value']:.2f}" == f"{value:.2f}", key
        assert f"{n['grad']:.2f}" == f"{grad:.2f}", key


def test_neuron_exact_values():
    r = engine.evaluate(NEURON, NEURON_VALUES)
    s = 2 * -1 + -3 * -2 + -3  # = 1
    f = sigmoid(s)
    ds = f * (1 - f)  # df/ds
    assert r.value == pytest.approx(f, **EXACT)
    expected = {"w0": -1 * ds, "x0": 2 * ds, "w1": -2 * ds, "x1": -3 * ds, "w2": ds, "f": 1.0}
    for name, grad in expected.items():
        assert r.gradients[name] == pytest.approx(grad, **EXACT), name
    d = r.to_dict()
    den = 1 + math.exp(-1)
    assert node_of(d, op="exp")["value"] == pytest.approx(math.exp(-1), **EXACT)
    assert node_of(d, op="exp")["grad"] == pytest.approx(-1 / den**2, **EXACT)
    assert node_of(d, op="neg")["grad"] == pytest.approx(-math.exp(-1) / den**2, **EXACT)
    assert node_of(d, op="neg")["grad"] == pytest.approx(-ds, **EXACT)
    assert len(d["nodes"]) == 15  # 5 inputs, 2 constants, 8 gates
    assert [n["op"] for n in d["nodes"] if n["kind"] == "op"] == [
        "mul", "mul", "add", "add", "neg", "exp", "add", "div"]
    assert [n["symbol"] for n in d["nodes"] if n["kind"] == "const"] == ["1", "1"]


def test_neuron_written_with_sigmoid():
    r = engine.evaluate("f = sigmoid(w0*x0 + w1*x1 + w2)", NEURON_VALUES)
    ds = sigmoid(1) * (1 - sigmoid(1))
    assert r.value == pytest.approx(sigmoid(1), **EXACT)
    assert r.gradients["w0"] == pytest.approx(-ds, **EXACT)
    assert r.gradients["x1"] == pytest.approx(-3 * ds, **EXACT)


# --- FIGURE.md: staged computation, gate patterns, fan-out ------------------------------------

def test_staged_computation():
    r = engine.evaluate("f = (x + sigmoid(y)) / (sigmoid(x) + (x + y)^2)", {"x": 3, "y": -4})
    x, y = 3.0, -4.0
    num = x + sigmoid(y)
    den = sigmoid(x) + (x + y) ** 2
    dsx = sigmoid(x) * (1 - sigmoid(x))
    dsy = sigmoid(y) * (1 - sigmoid(y))
    dfdx = (den - num * (dsx + 2 * (x + y))) / den**2
    dfdy = (dsy * den - num * 2 * (x + y)) / den**2
    assert f"{r.value:.4f}" == "1.5456"
    assert f"{r.gradients['x']:.4f}" == "2.0596"
    assert f"{r.gradients['y']:.4f}" == "1.5922"
    assert r.value == pytest.approx(num / den, **EXACT)
    assert r.gradients["x"] == pytest.approx(dfdx, **EXACT)
    assert r.gradients["y"] == pytest.approx(dfdy, **EXACT)
    check_invariants(r.to_dict())


def test_gate_patterns():
    r = engine.evaluate("2 * (x*y + max(z, w))", {"x": 3, "y": -4, "z": 2, "w": -1})
    assert r.value == -20.0
    assert r.gradients == {"x": -8.0, "y": 6.0, "z": 2.0, "w": 0.0}
    d = r.to_dict()
    check_invariants(d)
    add = node_of(d, op="add")
    # add distributes: both inputs get the add's gradient
    assert [e["grad"] for e in d["edges"] if e["target"] == add["id"]] == [2.0, 2.0]
    # max routes: all to the larger input
    mx = node_of(d, op="max")
    assert [e["grad"] for e in d["edges"] if e["target"] == mx["id"]] == [2.0, 0.0]
    # multiply swaps: x gets y * upstream, y gets x * upstream
    mul = node_of(d, text="x*y")
    assert [e["grad"] for e in d["edges"] if e["target"] == mul["id"]] == [-8.0, 6.0]


def test_fan_out_x_times_x():
    r = run("x * x", x=3)
    assert r.value == 9.0 and r.gradients == {"x": 6.0}
    d = r.to_dict()
    check_invariants(d)
    assert len(d["nodes"]) == 2
    assert d["nodes"][1]["inputs"] == [0, 0]
    assert [(e["source"], e["target"], e["slot"], e["value"], e["grad"]) for e in d["edges"]] == [
        (0, 1, 0, 3.0, 3.0), (0, 1, 1, 3.0, 3.0)]
    assert d["nodes"][0]["grad"] == 6.0


def test_colah_sum_over_paths():
    r = run("(a + b) * (b + 1)", a=2, b=1)
    assert r.value == 6.0
    assert r.gradients == {"a": 2.0, "b": 5.0}
    d = r.to_dict()
    check_invariants(d)
    b = node_of(d, name="b")
    paths = sorted(e["grad"] for e in d["edges"] if e["source"] == b["id"])
    assert paths == [2.0, 3.0]  # 1*2 + 1*3
    named = run("c = (a + b) * (b + 1)", a=2, b=1)
    assert named.gradients == {"a": 2.0, "b": 5.0, "c": 1.0}


# --- graph structure ---------------------------------------------------------------------

def test_one_node_per_distinct_variable_one_edge_per_use():
    d = run("q = x * 2; f = q + x * x", x=3).to_dict()
    check_invariants(d)
    assert [n["name"] for n in d["nodes"] if n["kind"] == "input"] == ["x"]
    x = node_of(d, name="x")
    assert sum(1 for e in d["edges"] if e["source"] == x["id"]) == 3
    assert x["grad"] == 2 + 2 * 3


def test_one_node_per_constant_occurrence():
    d = run("2 * x + 2 + pi * pi", x=1).to_dict()
    consts = [n for n in d["nodes"] if n["kind"] == "const"]
    assert [c["symbol"] for c in consts] == ["2", "2", "pi", "pi"]
    assert [c["value"] for c in consts] == [2.0, 2.0, math.pi, math.pi]
    assert d["output"]["value"] == pytest.approx(4 + math.pi**2, **EXACT)
    assert len(d["nodes"]) == 1 + 4 + 4


def test_constants_pi_and_e():
    assert run("pi").value == math.pi
    assert run("e").value == math.e
    r = run("x * e + pi", x=2)
    assert r.value == pytest.approx(2 * math.e + math.pi, **EXACT)
    assert r.gradients == {"x": math.e}


def test_output_is_the_last_statement():
    d = run("q = x * 2; r = x * 5; q", x=3).to_dict()
    check_invariants(d)
    assert d["output"]["value"] == 6.0
    assert d["output"]["node"] == node_of(d, name="q")["id"]
    assert d["gradients"] == {"x": 2.0, "q": 1.0, "r": 0.0}


def test_unused_statements_get_zero_gradient():
    d = run("q = x * 2; r = x * 5 + y; q", x=3, y=1).to_dict()
    check_invariants(d)
    r = node_of(d, name="r")
    assert r["grad"] == 0.0 and r["value"] == 16.0
    assert d["gradients"]["y"] == 0.0
    assert d["gradients"]["x"] == 2.0
    dead = {r["id"], node_of(d, text="x * 5")["id"]}
    assert all(e["grad"] == 0.0 for e in d["edges"] if e["target"] in dead)
    assert not any(s["node"] in dead for s in d["steps"] if s["phase"] == "backward")
    assert sum(1 for s in d["steps"] if s["phase"] == "forward") == 3


def test_alias_of_an_input_has_its_own_gate():
    d = run("q = x; f = q * 3", x=2).to_dict()
    check_invariants(d)
    q = node_of(d, name="q")
    assert q["kind"] == "op" and q["inputs"] == [node_of(d, name="x")["id"]]
    assert q["value"] == 2.0 and q["grad"] == 3.0
    assert d["gradients"] == {"x": 3.0, "q": 3.0, "f": 1.0}


def test_alias_of_a_named_gate_and_of_a_constant():
    d = run("q = x + 1; r = q; r * r", x=2).to_dict()
    check_invariants(d)
    assert d["output"]["value"] == 9.0
    assert d["gradients"] == {"x": 6.0, "q": 6.0, "r": 6.0}
    d = run("k = pi; k * x", x=2).to_dict()
    assert d["gradients"]["x"] == math.pi and d["gradients"]["k"] == 2.0


def test_gradients_cover_every_input_and_assigned_name():
    r = run("a = x * y; b = a + z; c = b * b", x=1, y=2, z=3)
    assert set(r.gradients) == {"x", "y", "z", "a", "b", "c"}
    assert r.value == 25.0
    assert r.gradients["a"] == 10.0 and r.gradients["x"] == 20.0 and r.gradients["z"] == 10.0


def test_input_names_in_order_of_first_use():
    assert engine.input_names("f = (x + y) * z") == ["x", "y", "z"]
    assert engine.input_names("q = b * a; q + c + a") == ["b", "a", "c"]
    assert engine.input_names("x = 2; y = x * w") == ["w"]


def test_values_can_be_ints_floats_and_numeric_strings():
    r = engine.evaluate("x * y", {"x": 2, "y": "1.5"})
    assert r.value == 3.0 and type(r.value) is float


def test_program_with_comments_and_blank_lines():
    program = "# the circuit\n\nq = x + y   # add gate\n\nf = q * z   # multiply gate\n"
    r = engine.evaluate(program, CIRCUIT_VALUES)
    assert r.value == -12.0 and r.gradients["q"] == -4.0


def test_every_function_value_and_gradient():
    x = 0.7
    cases = {
        "exp(x)": (math.exp(x), math.exp(x)),
        "log(x)": (math.log(x), 1 / x),
        "sqrt(x)": (math.sqrt(x), 0.5 / math.sqrt(x)),
        "sin(x)": (math.sin(x), math.cos(x)),
        "cos(x)": (math.cos(x), -math.sin(x)),
        "tan(x)": (math.tan(x), 1 / math.cos(x) ** 2),
        "tanh(x)": (math.tanh(x), 1 - math.tanh(x) ** 2),
        "sigmoid(x)": (sigmoid(x), sigmoid(x) * (1 - sigmoid(x))),
        "relu(x)": (x, 1.0),
        "relu(-x)": (0.0, 0.0),
        "abs(x)": (x, 1.0),
        "abs(-x)": (x, 1.0),
        "-x": (-x, -1.0),
        "+x": (x, 1.0),
        "x ** 3": (x**3, 3 * x**2),
        "x ^ 3": (x**3, 3 * x**2),
        "pow(x, 3)": (x**3, 3 * x**2),
        "2 ** x": (2**x, 2**x * math.log(2)),
        "x ** x": (x**x, x**x * (math.log(x) + 1)),
        "1 / x": (1 / x, -1 / x**2),
        "x - 3": (x - 3, 1.0),
        "3 - x": (3 - x, -1.0),
        "max(x, 0.5)": (x, 1.0),
        "max(0.5, x)": (x, 1.0),
        "min(x, 0.5)": (0.5, 0.0),
        "min(0.9, x)": (x, 1.0),
        "sum(x)": (x, 1.0),
        "mean(x)": (x, 1.0),
        "transpose(x)": (x, 1.0),
        "x * 2": (2 * x, 2.0),
    }
    for program, (value, grad) in cases.items():
        r = run(program, x=x)
        assert r.value == pytest.approx(value, **EXACT), program
        assert r.gradients["x"] == pytest.approx(grad, **EXACT), program
        check_invariants(r.to_dict())


def test_sigmoid_is_stable_far_from_zero():
    r = run("sigmoid(x)", x=-800)
    assert r.value == 0.0 or r.value == pytest.approx(math.exp(-800), rel=1e-9)
    assert r.warnings == []
    r = run("sigmoid(x)", x=800)
    assert r.value == 1.0 and r.gradients["x"] == 0.0 and r.warnings == []


def test_power_of_a_negative_base():
    r = run("x ** 2", x=-3)
    assert r.value == 9.0 and r.gradients["x"] == -6.0
    r = run("x ** 3", x=-2)
    assert r.value == -8.0 and r.gradients["x"] == 12.0
    r = run("x ** 0.5", x=-4)
    assert math.isnan(r.value) and r.warnings


# --- conventions at non-differentiable points ---------------------------------------------

@pytest.mark.parametrize("program,values,grads", [
    ("relu(x)", {"x": 0}, {"x": 0.0}),
    ("abs(x)", {"x": 0}, {"x": 0.0}),
    ("max(x, y)", {"x": 1, "y": 1}, {"x": 1.0, "y": 0.0}),
    ("max(y, x)", {"x": 1, "y": 1}, {"y": 1.0, "x": 0.0}),
    ("min(x, y)", {"x": 1, "y": 1}, {"x": 1.0, "y": 0.0}),
    ("min(y, x)", {"x": 1, "y": 1}, {"y": 1.0, "x": 0.0}),
    ("max(x, x)", {"x": 2}, {"x": 1.0}),
    ("min(x, x)", {"x": 2}, {"x": 1.0}),
    ("max(x, y)", {"x": 1, "y": 2}, {"x": 0.0, "y": 1.0}),
    ("min(x, y)", {"x": 1, "y": 2}, {"x": 1.0, "y": 0.0}),
    ("relu(x)", {"x": -1e-300}, {"x": 0.0}),
    ("relu(x)", {"x": 1e-300}, {"x": 1.0}),
    ("abs(x)", {"x": -1e-300}, {"x": -1.0}),
])
def test_conventions(program, values, grads):
    r = engine.evaluate(program, values)
    assert r.gradients == grads
    check_invariants(r.to_dict())


def test_conventions_elementwise_on_arrays():
    r = run("sum(relu(w))", w=[0.0, 2.0, -1.0])
    assert r.value == 2.0
    assert r.gradients["w"].tolist() == [0.0, 1.0, 0.0]
    r = run("sum(abs(w))", w=[0.0, 2.0, -1.0])
    assert r.gradients["w"].tolist() == [0.0, 1.0, -1.0]
    r = run("sum(max(a, b))", a=[1.0, 2.0, 5.0], b=[1.0, 3.0, 4.0])
    assert r.value == 1 + 3 + 5
    assert r.gradients["a"].tolist() == [1.0, 0.0, 1.0]
    assert r.gradients["b"].tolist() == [0.0, 1.0, 0.0]
    r = run("sum(min(a, b))", a=[1.0, 2.0, 5.0], b=[1.0, 3.0, 4.0])
    assert r.gradients["a"].tolist() == [1.0, 1.0, 0.0]
    assert r.gradients["b"].tolist() == [0.0, 0.0, 1.0]


# --- the step trace ---------------------------------------------------------------------

def test_circuit_forward_step_texts():
    d = run("q = x + y; f = q * z", **CIRCUIT_VALUES).to_dict()
    fwd = [s for s in d["steps"] if s["phase"] == "forward"]
    assert [(s["node"], s["text"], s["value"]) for s in fwd] == [
        (2, "q = x + y = -2.00 + 5.00 = 3.00", 3.0),
        (4, "f = q * z = 3.00 * -4.00 = -12.00", -12.0),
    ]


def test_circuit_backward_step_texts():
    d = run("q = x + y; f = q * z", **CIRCUIT_VALUES).to_dict()
    bwd = [s for s in d["steps"] if s["phase"] == "backward"]
    assert [s["node"] for s in bwd] == [4, 2]
    assert [s["upstream"] for s in bwd] == [1.0, -4.0]
    mul, add = bwd
    assert [(e["edge"], e["source"], e["slot"], e["local"], e["upstream"], e["grad"])
            for e in mul["edges"]] == [(2, 2, 0, -4.0, 1.0, -4.0), (3, 3, 1, 3.0, 1.0, 3.0)]
    assert [e["text"] for e in mul["edges"]] == [
        "df/dq = df/df * ∂f/∂q = 1.00 * -4.00 = -4.00",
        "df/dz = df/df * ∂f/∂z = 1.00 * 3.00 = 3.00",
    ]
    assert [(e["edge"], e["source"], e["slot"], e["local"], e["upstream"], e["grad"])
            for e in add["edges"]] == [(0, 0, 0, 1.0, -4.0, -4.0), (1, 1, 1, 1.0, -4.0, -4.0)]
    assert [e["text"] for e in add["edges"]] == [
        "df/dx = df/dq * dq/dx = -4.00 * 1.00 = -4.00",
        "df/dy = df/dq * dq/dy = -4.00 * 1.00 = -4.00",
    ]
    assert add["text"] == ("df/dx = df/dq * dq/dx = -4.00 * 1.00 = -4.00\n"
                           "df/dy = df/dq * dq/dy = -4.00 * 1.00 = -4.00")
    assert [(c["node"], c["edges"], c["parts"], c["total"], c["text"])
            for c in add["completes"]] == [(0, [0], [-4.0], -4.0, "df/dx = -4.00"),
                                           (1, [1], [-4.0], -4.0, "df/dy = -4.00")]


def test_unnamed_circuit_trace_uses_subexpression_labels():
    d = run("(x + y) * z", **CIRCUIT_VALUES).to_dict()
    texts = [s["text"] for s in d["steps"]]
    assert texts[0] == "x + y = -2.00 + 5.00 = 3.00"
    assert texts[1] == "f = (x + y) * z = 3.00 * -4.00 = -12.00"
    assert "df/dx = df/d(x + y) * d(x + y)/dx = -4.00 * 1.00 = -4.00" in texts[3].split("\n")


def test_fan_out_completes_with_the_sum():
    d = run("x * x", x=3).to_dict()
    (step,) = [s for s in d["steps"] if s["phase"] == "backward"]
    assert [e["grad"] for e in step["edges"]] == [3.0, 3.0]
    assert step["completes"] == [{"node": 0, "edges": [0, 1], "parts": [3.0, 3.0],
                                  "total": 6.0, "text": "df/dx = 3.00 + 3.00 = 6.00"}]
    assert step["text"].split("\n")[-1] == "df/dx = 3.00 + 3.00 = 6.00"


def test_fan_out_completes_at_the_last_use():
    d = run("(a + b) * (b + 1)", a=2, b=1).to_dict()
    bwd = [s for s in d["steps"] if s["phase"] == "backward"]
    b = node_of(d, name="b")["id"]
    done = [(s["node"], c) for s in bwd for c in s["completes"] if c["node"] == b]
    assert len(done) == 1
    step_node, c = done[0]
    assert step_node == node_of(d, text="a + b")["id"]  # b's last gradient arrives there
    assert c["parts"] == [2.0, 3.0] and c["total"] == 5.0
    assert c["text"] == "df/db = 2.00 + 3.00 = 5.00"


def test_forward_steps_one_per_gate_backward_one_per_live_gate():
    d = run("q = x * 2; r = q + 1; s = q * 5; r", x=1).to_dict()
    check_invariants(d)
    ops = [n["id"] for n in d["nodes"] if n["kind"] == "op"]
    assert [s["node"] for s in d["steps"] if s["phase"] == "forward"] == ops
    dead = node_of(d, name="s")["id"]
    assert [s["node"] for s in d["steps"] if s["phase"] == "backward"] == \
        sorted((i for i in ops if i != dead), reverse=True)


def test_no_steps_without_gates():
    d = run("x", x=2).to_dict()
    assert d["steps"] == [] and d["output"]["value"] == 2.0 and d["gradients"] == {"x": 1.0}


# --- non-finite values --------------------------------------------------------------------

@pytest.mark.parametrize("program,value,json_value,subexpr", [
    ("log(0)", -math.inf, "-Infinity", "log(0)"),
    ("1/0", math.inf, "Infinity", "1/0"),
    ("-1/0", -math.inf, "-Infinity", "-1/0"),
    ("sqrt(-1)", math.nan, "NaN", "sqrt(-1)"),
    ("exp(1000)", math.inf, "Infinity", "exp(1000)"),
    ("0/0", math.nan, "NaN", "0/0"),
    ("log(-1)", math.nan, "NaN", "log(-1)"),
    ("1e308 * 10", math.inf, "Infinity", "1e308 * 10"),
    ("2 ** 2000", math.inf, "Infinity", "2 ** 2000"),
    ("(-8) ** (1/3)", math.nan, "NaN", "(-8) ** (1/3)"),
])
def test_non_finite_follow_ieee_and_warn(program, value, json_value, subexpr):
    r = engine.evaluate(f"y = x + {program}", {"x": 1})
    v = r.value
    if math.isnan(value):
        assert math.isnan(v)
    else:
        assert v == value
    d = r.to_dict()
    json.dumps(d, allow_nan=False)
    assert d["output"]["value"] == json_value
    bad = node_of(d, text=subexpr)
    assert r.warnings, "a non-finite result is reported"
    assert any(subexpr in w and f"node {bad['id']}" in w for w in r.warnings), r.warnings
    check_invariants(d)


def test_non_finite_warning_names_where_it_starts_not_every_node():
    r = run("f = exp(log(x) * 2) + 1", x=0)
    assert r.value == 1.0  # log(0) = -inf, exp(-inf) = 0
    starts = [w for w in r.warnings if "non-finite result" in w]
    assert len(starts) == 1 and "log(x)" in starts[0]


def test_non_finite_gradient_warns():
    r = run("sqrt(x)", x=0)
    assert r.value == 0.0 and r.gradients["x"] == math.inf
    assert any("gradient" in w and "sqrt(x)" in w for w in r.warnings)
    d = r.to_dict()
    assert d["gradients"]["x"] == "Infinity"
    json.dumps(d, allow_nan=False)


def test_non_finite_json_everywhere():
    d = run("x / y", x=0, y=0).to_dict()
    json.dumps(d, allow_nan=False)
    assert d["output"]["value"] == "NaN"
    assert d["gradients"] == {"x": "Infinity", "y": "NaN"}
    assert [e["grad"] for e in d["edges"]] == ["Infinity", "NaN"]
    steps = [s for s in d["steps"] if s["phase"] == "forward"]
    assert steps[0]["value"] == "NaN" and steps[0]["text"] == "f = x / y = 0.00 / 0.00 = nan"


def test_non_finite_arrays_json_safe():
    r = run("log(w)", w=[0.0, 1.0, -1.0])
    d = r.to_dict()
    json.dumps(d, allow_nan=False)
    assert d["output"]["value"] == ["-Infinity", 0.0, "NaN"]
    assert any("log(w)" in w for w in r.warnings)


@pytest.mark.parametrize("program,values,expected", [
    ("sum(x * 1e308)", {"x": [1.0, 1.0]}, math.inf),
    ("x * 1e308 * 10", {"x": [1.0, -1.0]}, [math.inf, -math.inf]),
])
def test_array_overflow_does_not_leak_numpy_warnings(program, values, expected):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = engine.evaluate(program, values)
    assert np.asarray(r.value).tolist() == expected
    assert r.warnings
    json.dumps(r.to_dict(), allow_nan=False)


def test_large_finite_arrays_are_not_reported():
    r = run("x * 1e307", x=[1.0, 1.0])
    assert r.value.tolist() == [1e307, 1e307]
    assert not any("non-finite" in w for w in r.warnings)


def test_non_finite_never_crashes_the_backward_pass():
    for program in ["log(x) * 0", "x ** y", "sqrt(x) * sqrt(x)", "exp(exp(exp(x)))",
                    "tan(x * pi / 2)", "1 / (x - x)", "max(log(x), y)", "relu(log(x))"]:
        r = engine.evaluate(program, {"x": 0, "y": 0})
        json.dumps(r.to_dict(), allow_nan=False)


# --- big and deep programs --------------------------------------------------------------------

@pytest.mark.slow
def test_big_program_20000_terms():
    n = 20_000
    program = " + ".join(f"x{i}*x{i + 1}" for i in range(n))
    values = {f"x{i}": ((i * 37) % 11 - 5) / 4 for i in range(n + 1)}
    r = engine.evaluate(program, values)
    expected = sum(values[f"x{i}"] * values[f"x{i + 1}"] for i in range(n))
    assert r.value == pytest.approx(expected, rel=1e-12)
    g = r.gradients
    assert g["x0"] == values["x1"]
    assert g[f"x{n}"] == values[f"x{n - 1}"]
    for k in (1, 2, 777, 12345, n - 1):
        assert g[f"x{k}"] == values[f"x{k - 1}"] + values[f"x{k + 1}"]
    assert len(r.graph.nodes) == (n + 1) + n + (n - 1)
    d = r.to_dict()
    assert len(d["steps"]) == 2 * (2 * n - 1)
    assert d["gradients"]["x777"] == g["x777"]


@pytest.mark.slow
def test_long_unary_chain():
    r = run("-" * 20_000 + "x", x=1.5)
    assert r.value == 1.5 and r.gradients["x"] == 1.0
    r = run("-" * 20_001 + "x", x=1.5)
    assert r.value == -1.5 and r.gradients["x"] == -1.0
    assert len(r.to_dict()["steps"]) == 2 * 20_001


def test_100000_nested_parentheses_is_a_limit_error():
    program = "(" * 100_000 + "x" + ")" * 100_000
    with pytest.raises(LimitError) as info:
        engine.evaluate(program, {"x": 1})
    err = info.value
    assert isinstance(err, EngineError)
    assert "1000" in err.message
    assert program[err.start:err.end] == "("
    assert err.start == 1000


def test_10000_nested_calls_is_a_limit_error():
    program = "exp(" * 10_000 + "x" + ")" * 10_000
    with pytest.raises(LimitError) as info:
        engine.evaluate(program, {"x": 0})
    assert isinstance(info.value, EngineError)
    assert "nested" in info.value.message


def test_deep_nested_lists_is_a_limit_error():
    with pytest.raises(LimitError):
        engine.evaluate("w = " + "[" * 5000 + "1" + "]" * 5000)


def test_nesting_up_to_the_limit_works():
    program = "(" * 1000 + "x" + ")" * 1000
    assert engine.evaluate(program, {"x": 2}).value == 2.0
    with pytest.raises(LimitError):
        engine.evaluate("(" + program + ")", {"x": 2})
    program = "sin(" * 1000 + "x" + ")" * 1000
    r = engine.evaluate(program, {"x": 0.5})
    expected = 0.5
    for _ in range(1000):
        expected = math.sin(expected)
    assert r.value == pytest.approx(expected, rel=1e-12)


def test_max_depth_is_configurable():
    limits = Limits(max_depth=3)
    assert engine.evaluate("((exp(x)))", {"x": 0}, limits).value == 1.0
    with pytest.raises(LimitError):
        engine.evaluate("(((exp(x))))", {"x": 0}, limits)
    deep = "(" * 1500 + "x" + ")" * 1500
    assert engine.evaluate(deep, {"x": 3}, Limits(max_depth=2000)).value == 3.0


def test_power_chain_1000_deep_is_inf_with_a_warning():
    program = "2" + " ** 2" * 1000
    r = engine.evaluate(program)
    assert r.value == math.inf
    assert any("inf" in w for w in r.warnings)
    json.dumps(r.to_dict(), allow_nan=False)
    r = engine.evaluate("2" + "^2" * 4)  # 2^(2^(2^(2^2))) = 2^65536
    assert r.value == math.inf
    assert engine.evaluate("2" + "^2" * 3).value == 65536.0


def test_length_and_node_limits():
    with pytest.raises(LimitError) as info:
        engine.evaluate("x + y + z", {"x": 1, "y": 1, "z": 1}, Limits(max_length=5))
    assert isinstance(info.value, EngineError)
    assert "9" in info.value.message and "5" in info.value.message
    assert engine.evaluate("x + y", {"x": 1, "y": 1}, Limits(max_length=5)).value == 2.0
    with pytest.raises(LimitError):
        engine.evaluate("a + b + c + d", dict(a=1, b=1, c=1, d=1), Limits(max_nodes=6))
    assert engine.evaluate("a + b + c + d", dict(a=1, b=1, c=1, d=1),
                           Limits(max_nodes=7)).value == 4.0


def test_array_size_limit():
    with pytest.raises(LimitError):
        engine.evaluate("sum(w)", {"w": [1.0] * 11}, Limits(max_array_size=10))
    with pytest.raises(LimitError):
        engine.evaluate("sum(W @ transpose(W))", {"W": [[1.0]] * 11}, Limits(max_array_size=100))


# --- arrays ---------------------------------------------------------------------------------

def test_sum_of_products():
    r = run("sum(w * x)", w=[1, 2], x=[3, 4])
    assert r.value == 11.0 and type(r.value) is float
    assert r.gradients["w"].tolist() == [3.0, 4.0]
    assert r.gradients["x"].tolist() == [1.0, 2.0]
    d = r.to_dict()
    check_invariants(d)
    assert node_of(d, op="mul")["shape"] == [2]
    assert node_of(d, op="sum")["shape"] == []
    assert d["gradients"] == {"w": [3.0, 4.0], "x": [1.0, 2.0]}


def test_broadcast_gradient_is_summed_back():
    W = [[1, 2, 3], [4, 5, 6]]
    r = run("sum(W + b)", W=W, b=[10, 20, 30])
    assert r.value == 21 + 2 * 60
    assert r.gradients["b"].tolist() == [2.0, 2.0, 2.0]
    assert r.gradients["W"].tolist() == [[1.0] * 3] * 2
    check_invariants(r.to_dict())
    r = run("sum(W * s)", W=W, s=2)
    assert r.gradients["s"] == 21.0 and type(r.gradients["s"]) is float
    r = run("sum(W * c)", W=W, c=[[1], [2]])
    assert r.gradients["c"].tolist() == [[6.0], [15.0]]


def test_matrix_vector_shapes_and_gradients():
    W = [[1, 2, 3], [4, 5, 6]]
    r = run("h = W @ x; sum(h)", W=W, x=[1, 2, 3])
    d = r.to_dict()
    check_invariants(d)
    h = node_of(d, name="h")
    assert h["shape"] == [2] and h["value"] == [14.0, 32.0]
    assert r.value == 46.0
    assert r.gradients["x"].tolist() == [5.0, 7.0, 9.0]
    assert r.gradients["W"].tolist() == [[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]]
    r = run("sum(v @ W)", W=W, v=[1, -1])
    assert r.value == -9.0
    assert r.gradients["v"].tolist() == [6.0, 15.0]
    assert r.gradients["W"].tolist() == [[1.0] * 3, [-1.0] * 3]
    r = run("P = W @ transpose(W); sum(P)", W=W)
    assert node_of(r.to_dict(), name="P")["shape"] == [2, 2]
    assert r.value == 14 + 32 + 32 + 77
    colsum = [5.0, 7.0, 9.0]
    assert r.gradients["W"].tolist() == [[2 * c for c in colsum]] * 2


def test_vector_products():
    r = run("w @ x", w=[1, 2], x=[3, 4])
    assert r.value == 11.0 and r.to_dict()["nodes"][2]["shape"] == []
    assert r.gradients["w"].tolist() == [3.0, 4.0]
    r = run("dot(w, x)", w=[1, 2], x=[3, 4])
    assert r.value == 11.0
    assert r.gradients["x"].tolist() == [1.0, 2.0]
    r = engine.evaluate("w = [2, -3]; x = [1, 2]; dot(w, x)")
    assert r.value == -4.0 and r.gradients["w"].tolist() == [1.0, 2.0]


def test_mean_and_transpose():
    r = run("mean(x)", x=[1, 2, 3, 4])
    assert r.value == 2.5 and r.gradients["x"].tolist() == [0.25] * 4
    r = run("mean(W)", W=[[1, 2, 3], [4, 5, 6]])
    assert r.value == 3.5 and r.gradients["W"].tolist() == [[1 / 6] * 3] * 2
    r = run("T = transpose(W); sum(T * M)", W=[[1, 2, 3], [4, 5, 6]], M=[[1, 0], [0, 1], [2, 2]])
    assert node_of(r.to_dict(), name="T")["shape"] == [3, 2]
    assert r.value == 1 + 5 + 6 + 12
    assert r.gradients["W"].tolist() == [[1.0, 0.0, 2.0], [0.0, 1.0, 2.0]]


def test_literal_array_input():
    d = engine.evaluate("w = [2, -3]; sum(w * w)").to_dict()
    w = node_of(d, name="w")
    assert w["kind"] == "input" and w["literal"] is True and w["shape"] == [2]
    assert w["value"] == [2.0, -3.0] and w["grad"] == [4.0, -6.0]
    d = engine.evaluate("M = [[1, 2], [3, 4]]; sum(M)").to_dict()
    assert node_of(d, name="M")["shape"] == [2, 2] and d["output"]["value"] == 10.0


def test_array_output_gradient_is_all_ones_with_a_warning():
    r = run("W @ x", W=[[1, 2, 3], [4, 5, 6]], x=[1, 2, 3])
    assert r.value.tolist() == [14.0, 32.0]
    assert r.gradients["x"].tolist() == [5.0, 7.0, 9.0]
    assert any("(2,)" in w for w in r.warnings)
    d = r.to_dict()
    assert d["nodes"][d["output"]["node"]]["grad"] == [1.0, 1.0]
    check_invariants(d)


@pytest.mark.parametrize("program,values,message,where", [
    ("W @ x", {"W": [[1, 2, 3], [4, 5, 6]], "x": [1, 2]},
     "(2,3) @ (2,): inner dimensions 3 and 2 differ", "@"),
    ("sum(x + y)", {"x": [1, 2], "y": [1, 2, 3]}, "(2,) and (3,)", "+"),
    ("x @ y", {"x": 1, "y": 2}, "@", "@"),
    ("dot(W, x)", {"W": [[1, 2], [3, 4]], "x": [1, 2]}, "dot", "dot"),
    ("dot(x, y)", {"x": [1, 2], "y": [1, 2, 3]}, "(2,) and (3,)", "dot"),
])
def test_shape_errors_name_both_shapes(program, values, message, where):
    with pytest.raises(ShapeError) as info:
        engine.evaluate(program, values)
    err = info.value
    assert isinstance(err, EngineError)
    assert message in err.message
    assert program[err.start:err.end] == where


@pytest.mark.parametrize("program,values,value,grads", [
    ("sum(dot(x, 2))", {"x": [1.0, 2.0]}, 6.0, {"x": [2.0, 2.0]}),
    ("sum(dot(2, x))", {"x": [1.0, 2.0]}, 6.0, {"x": [2.0, 2.0]}),
    ("dot(x, y)", {"x": 2.0, "y": 3.0}, 6.0, {"x": 3.0, "y": 2.0}),
])
def test_dot_with_a_number(program, values, value, grads):
    # dot() is for vectors: a number on either side is refused clearly, at the call.
    with pytest.raises(ShapeError, match=r"dot\(\) takes two vectors") as info:
        engine.evaluate(program, values)
    assert program[info.value.start:info.value.end] == "dot"


# --- the output label ---------------------------------------------------------------------

def test_output_label_is_its_own_name():
    d = run("q = x * 2; q", x=3).to_dict()
    assert d["output"]["label"] == "q"
    assert d["steps"][0]["text"] == "q = x * 2 = 3.00 * 2.00 = 6.00"
    assert d["steps"][1]["edges"][0]["text"] == "dq/dx = dq/dq * ∂q/∂x = 1.00 * 2.00 = 2.00"


# --- array gradients against finite differences --------------------------------------------

ARRAY_VALUES = {
    "s": 1.7,
    "v": [0.3, -1.2, 0.8],
    "r": [[0.5, -0.25, 1.5]],
    "c": [[-0.7], [1.1]],
    "M": [[0.2, -0.4, 1.3], [-1.1, 0.6, 0.9]],
}


def _numeric_gradient(program: str, values: dict, name: str) -> np.ndarray:
    base = np.asarray(values[name], dtype=np.float64)
    grad = np.zeros(base.shape)
    h = 1e-6
    for idx in np.ndindex(*base.shape):
        outs = []
        for step in (h, -h):
            moved = base.copy()
            moved[idx] += step
            outs.append(engine.evaluate(program, {**values, name: moved.tolist()
                                                  if moved.shape else float(moved)}).value)
        grad[idx] = (outs[0] - outs[1]) / (2 * h)
    return grad


@pytest.mark.parametrize("program", [
    "sum(M * v + c)",
    "sum(r * c)",
    "mean(exp(M) / (1 + v*v))",
    "sum(sigmoid(M @ transpose(M)) * 2)",
    "sum(max(M, v) + min(c, r))",
    "sum(M ** 2 * s)",
    "sum(transpose(M) @ c)",
    "sum(tanh(v) @ transpose(M))",
    "dot(v, v) * s",
    "sum(relu(M - v) + abs(c - r))",
    "mean(transpose(r) * v)",
    "sum(pow(exp(M), v))",
    "sum(sqrt(M*M + 1) - v)",
    "sum(-M + +v)",
    "sum(sin(M) * cos(c) * tan(r / 10))",
    "sum((M @ transpose(r)) * c)",
    "h = M @ v; sum(h * h) / s",
])
def test_array_gradients_match_finite_differences(program):
    names = engine.input_names(program)
    values = {n: ARRAY_VALUES[n] for n in names}
    r = engine.evaluate(program, values)
    assert r.warnings == []
    d = r.to_dict()
    check_invariants(d)
    for name in names:
        g = np.asarray(r.gradients[name])
        assert g.shape == np.shape(values[name]), name
        assert g.dtype == np.float64
        np.testing.assert_allclose(g, _numeric_gradient(program, values, name),
                                   rtol=1e-5, atol=1e-7, err_msg=name)


def test_to_dict_without_steps_is_the_rest_of_it():
    r = engine.evaluate("q = x + y; f = q * z", {"x": -2, "y": 5, "z": -4})
    full = r.to_dict()
    lean = r.to_dict(steps=False)
    assert "steps" not in lean
    assert lean == {k: v for k, v in full.items() if k != "steps"}
    assert list(full) == ["output", "gradients", "inputs", "nodes", "edges", "steps", "warnings",
                          "warning_data", "notation"]
