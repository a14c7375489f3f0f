"""micrograd graphs (engine.from_micrograd): the program they become, and our numbers
against micrograd's own data and gradients."""

import math
import random

import pytest
from micrograd.engine import Value as PyPIValue

import engine
from engine.micrograd import MAX_INLINE_DEPTH, translate
from tests.support.lecture_value import Value as LectureValue


def assert_same_as_micrograd(root, result=None):
    """Every Value's data and grad equal our node's value and gradient."""
    translation = translate(root)
    result = result or engine.evaluate(translation.program, translation.values)
    pairs = translation.node_ids(result.graph)
    assert len(pairs) == len(translation.order)  # every Value found its node
    for v, node in pairs:
        ours = result.graph.nodes[node]
        assert math.isclose(ours.value, v.data, rel_tol=1e-12, abs_tol=1e-15), (v, ours.value)
        assert math.isclose(ours.grad, v.grad, rel_tol=1e-9, abs_tol=1e-12), (v, ours.grad)
    return result


def test_the_circuit_from_pypi_micrograd():
    x, y, z = PyPIValue(-2.0), PyPIValue(5.0), PyPIValue(-4.0)
    f = (x + y) * z
    r = engine.from_micrograd(f)
    # No labels: every leaf is an input, named in the order it is written.
    assert r.graph.text == "(a + b) * c"
    assert r.value == -12.0
    assert r.gradients == {"a": -4.0, "b": -4.0, "c": 3.0}
    assert (x.grad, y.grad, z.grad) == (-4.0, -4.0, 3.0)  # backward() was run for us
    assert r.warnings == []
    assert_same_as_micrograd(f, r)


def test_a_value_used_twice_by_one_op_keeps_both_wires():
    # micrograd's _prev is a set: x * x has one child; the op says it is used twice.
    x = PyPIValue(3.0)
    r = engine.from_micrograd(x * x)
    assert r.graph.text == "a * a"
    mul = r.graph.nodes[r.graph.output]
    assert list(mul.inputs) == [0, 0]
    d = r.to_dict()
    assert [e["grad"] for e in d["edges"]] == [3.0, 3.0]  # a wire per use, 3.00 each
    assert r.gradients["a"] == 6.0 == x.grad


def test_the_sigmoid_neuron_in_the_lectures_micrograd_has_the_figures_numbers():
    w0, x0 = LectureValue(2.0, label="w0"), LectureValue(-1.0, label="x0")
    w1, x1 = LectureValue(-3.0, label="w1"), LectureValue(-2.0, label="x1")
    w2 = LectureValue(-3.0, label="w2")
    f = 1 / (1 + (-(w0 * x0 + w1 * x1 + w2)).exp())
    f.label = "f"
    r = engine.from_micrograd(f)
    # Labeled leaves are inputs, unlabeled ones (micrograd's -1 and 1) constants;
    # x**-1 is written as the 1/x gate, and micrograd's own `* 1` stays.
    assert r.graph.text == "f = 1 / (exp((w0 * x0 + w1 * x1 + w2) * -1) + 1) * 1"
    assert r.graph.inputs == ["w0", "x0", "w1", "x1", "w2"]
    grads = {name: round(g, 2) for name, g in r.gradients.items()}
    assert grads == {"w0": -0.2, "x0": 0.39, "w1": -0.39, "x1": -0.59, "w2": 0.2, "f": 1.0}
    assert round(r.value, 2) == 0.73
    gates = [n["gate"]["label"] for n in r.to_dict(steps=False)["nodes"]
             if n["kind"] == "op" and n["drawn"]]
    assert gates == ["*", "*", "+", "+", "*-1", "exp", "+1", "1/x", "*1"]
    assert_same_as_micrograd(f, r)
    assert r.warnings == []


def test_labels_name_the_lines_and_e_is_renamed_with_a_warning():
    # The lecture's first example: e = a*b; d = e + c; L = d * f.
    a, b = LectureValue(2.0, label="a"), LectureValue(-3.0, label="b")
    c, f = LectureValue(10.0, label="c"), LectureValue(-2.0, label="f")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    L = d * f
    L.label = "L"
    r = engine.from_micrograd(L)
    assert r.graph.text == "e_ = a * b\nd = e_ + c\nL = d * f"
    assert r.gradients == {"a": 6.0, "b": -4.0, "e_": -2.0, "c": -2.0, "d": -2.0, "f": 4.0,
                           "L": 1.0}
    assert r.to_dict()["warning_data"] == [
        {"code": "micrograd.label_reserved", "params": {"label": "e", "name": "e_"}}]
    assert r.warnings == ["the label 'e' is a name of ours (a function or a constant): its value "
                          "is called e_ here"]
    assert_same_as_micrograd(L, r)


def test_labels_that_are_not_names_or_are_taken_or_functions():
    x = LectureValue(1.5, label="x[0]")
    y = LectureValue(2.0, label="x[0]")  # the same label twice
    z = LectureValue(0.5, label="exp")
    w = LectureValue(-1.0, label="σ")  # nothing usable: a made-up name
    n = LectureValue(4.0, label="2nd")
    out = (x * y + z.exp() * w) * n
    r = engine.from_micrograd(out)
    assert r.graph.inputs == ["x_0", "x_0_2", "exp_", "a", "_2nd"]
    codes = [(w["code"], w["params"]["name"]) for w in r.to_dict()["warning_data"]]
    assert codes == [("micrograd.label_not_a_name", "x_0"), ("micrograd.label_not_a_name", "x_0_2"),
                     ("micrograd.label_reserved", "exp_"), ("micrograd.label_not_a_name", "_2nd")]
    assert_same_as_micrograd(out, r)


def test_operands_keep_their_written_order():
    x1, w1 = PyPIValue(-2.0), PyPIValue(-3.0)
    r = engine.from_micrograd(x1 * w1 + 2 - x1 / w1)
    # a = x1, b = w1: x1 first, as written (micrograd's closure knows self and other).
    assert r.graph.text == "a * b + c + a * (1 / b) * d"
    assert r.graph.inputs == ["a", "b", "c", "d"]


def test_a_shared_intermediate_gets_a_line_of_its_own():
    a, b = PyPIValue(2.0), PyPIValue(1.0)
    s = a + b  # colah's e = (a + b) * (b + 1)
    e = s * (b + 1)
    h = e * s  # s used twice: written once, as t1
    r = engine.from_micrograd(h)
    assert r.graph.text == "t1 = a + b\nt1 * (b + c) * t1"
    assert_same_as_micrograd(h, r)


def test_backward_runs_only_when_the_gradients_are_unset_and_twice_is_a_warning():
    x, y = PyPIValue(3.0), PyPIValue(4.0)
    f = x * y
    f.backward()
    f.backward()  # micrograd adds into .grad: every gradient but the output's doubles
    assert x.grad == 8.0
    r = engine.from_micrograd(f)
    assert x.grad == 8.0  # not run a third time
    assert r.gradients["a"] == 4.0
    [data] = r.to_dict()["warning_data"]
    assert data["code"] == "micrograd.grad_differs"
    assert data["params"] == {"name": "a", "theirs": 8.0, "ours": 4.0, "count": 2}


def test_deep_graphs_need_no_recursion():
    # 5,000 nested tanh: micrograd's own recursive walk would fail, ours and the
    # lecture stand-in's are iterative; the text is split so no line nests too deep.
    x = LectureValue(0.3, label="x")
    v = x
    for _ in range(5000):
        v = (v * 1.01).tanh()
    r = engine.from_micrograd(v)
    assert len(r.graph.nodes) > 15_000
    assert r.graph.text.count("\n") >= 5000 // (MAX_INLINE_DEPTH + 1)
    assert_same_as_micrograd(v, r)


def test_a_long_sum_is_one_line():
    xs = [PyPIValue(float(i)) for i in range(3000)]
    total = xs[0]
    for x in xs[1:]:
        total = total + x * x
    t = translate(total)
    assert "\n" not in t.program and "(" not in t.program
    r = engine.from_micrograd(total)
    assert r.value == sum(float(i) ** 2 for i in range(1, 3000))
    assert r.gradients["a"] == 1.0 and r.gradients[r.graph.inputs[-1]] == 2 * 2999.0


def random_graph(rng, Value, size):
    """A random micrograd graph of +, *, -, /, **k, relu and reuse, over a few leaves."""
    pool = [Value(rng.uniform(-2, 2)) for _ in range(rng.randint(1, 4))]
    for _ in range(size):
        a, b = rng.choice(pool), rng.choice(pool)
        op = rng.randrange(7)
        if op == 0:
            v = a + b
        elif op == 1:
            v = a * b
        elif op == 2:
            v = a - rng.uniform(-2, 2)
        elif op == 3:
            v = a / (b * b + 1)
        elif op == 4:
            v = (a * a + 0.5) ** rng.choice([2, 3, -2, 0.5])
        elif op == 5:
            v = a.relu() if hasattr(a, "relu") else a.tanh()
        else:
            v = -a
        if abs(v.data) < 100:  # no overflow: micrograd's floats would raise or turn inf
            pool.append(v)
    root = pool[-1]
    for v in pool[:-1]:
        root = root + v * 0.1  # everything feeds the output
    return root


@pytest.mark.parametrize("Value", [PyPIValue, LectureValue], ids=["pypi", "lecture"])
def test_random_graphs_match_micrograds_own_gradients(Value, fuzz_seed):
    rng = random.Random(fuzz_seed)
    for _ in range(30):
        root = random_graph(rng, Value, rng.randint(1, 25))
        r = engine.from_micrograd(root)
        assert r.warnings == []
        assert_same_as_micrograd(root, r)


def test_what_has_no_counterpart_is_a_clear_error():
    with pytest.raises(engine.EngineError, match="needs a micrograd Value .* not float"):
        engine.from_micrograd(3.0)
    odd = PyPIValue(2.0)
    odd = PyPIValue(1.0, (odd,), "sin")
    with pytest.raises(engine.EngineError, match="op 'sin' has no counterpart"):
        engine.from_micrograd(odd)
    with pytest.raises(engine.EngineError, match="not a finite number"):
        engine.from_micrograd(PyPIValue(float("nan")) * 2)
    # the graph is left as it was: backward() never ran
    x = PyPIValue(2.0)
    bad = PyPIValue(1.0, (x * 3,), "sin")
    with pytest.raises(engine.EngineError):
        engine.from_micrograd(bad)
    assert x.grad == 0
