"""Vectors and matrices through the JSON API (Flask's test client).

Values may be numbers, vectors or matrices (nested JSON lists), given in
"values" or inline as list literals.  Shape errors, ragged lists, non-numeric
entries, lists nested too deeply and empty lists are 400s with a message that
says what is wrong and, when the text is at fault, where.
"""


import pytest
from tests.support.apiclient import error_of, post, strict_json

import engine

LINEAR = "z = W @ x + b\nL = sum((z - y)**2)"
LINEAR_VALUES = {"W": [[1, -2, 0.5], [0.5, 1, -1]], "x": [1, 2, -1], "b": [0.5, -0.5], "y": [1, 0]}








def node_named(data, name):
    return next(n for n in data["nodes"] if n["name"] == name and n["kind"] == "input")


# --- arrays that work ---------------------------------------------------------------

def test_arrays_in_values_round_trip(client):
    data = strict_json(post(client, {"expression": LINEAR, "values": LINEAR_VALUES}))
    for name, value in LINEAR_VALUES.items():
        node = node_named(data, name)
        assert node["value"] == value
        assert node["shape"] == [len(value), len(value[0])] if isinstance(value[0], list) else [len(value)]
    assert data["output"]["value"] == 25
    assert data["gradients"]["W"] == [[-8, -16, 8], [6, 12, -6]]
    assert data["gradients"]["x"] == [-5, 22, -10]
    assert data["gradients"]["b"] == [-8, 6]
    assert data["gradients"]["y"] == [8, -6]
    assert data["inputs"] == ["W", "x", "b", "y"]
    assert data["warnings"] == []
    # The numbers are the engine's, unchanged.
    expected = engine.evaluate(LINEAR, LINEAR_VALUES).to_dict()
    assert {k: v for k, v in data.items() if k not in ("svg", "dot", "render_error")} == expected


def test_array_wires_are_drawn_with_their_ids(client):
    data = strict_json(post(client, {"expression": LINEAR, "values": LINEAR_VALUES}))
    assert data["svg"] and data["render_error"] is None
    for edge in data["edges"]:
        if data["nodes"][edge["source"]]["kind"] != "const":  # the 2 of **2 is folded into its gate
            assert f'id="value-edge-{edge["id"]}"' in data["svg"]
    assert "[-3.50, 3.50]" in data["svg"]  # W @ x, a small vector, in full


def test_a_large_array_wire_shows_its_shape(client):
    values = {"A": [[1, 2, 3], [4, 5, 6], [7, 8, 9]]}
    data = strict_json(post(client, {"expression": "L = sum(A * A)", "values": values}))
    assert "(3,3)" in data["svg"]


def test_backward_steps_of_matmul_name_the_rule_and_shapes(client):
    data = strict_json(post(client, {"expression": LINEAR, "values": LINEAR_VALUES}))
    matmul = next(n for n in data["nodes"] if n["op"] == "matmul")
    step = next(s for s in data["steps"] if s["phase"] == "backward" and s["node"] == matmul["id"])
    by_source = {data["nodes"][e["source"]]["name"]: e for e in step["edges"]}
    assert by_source["W"]["local"] is None and by_source["x"]["local"] is None
    assert "x\u1d40" in by_source["W"]["text"] and "(2,3)" in by_source["W"]["chain"]
    assert "W\u1d40" in by_source["x"]["text"] and "(3,)" in by_source["x"]["chain"]
    assert by_source["W"]["grad"] == [[-8, -16, 8], [6, 12, -6]]


def test_inline_literals(client):
    data = strict_json(post(client, {"expression": "w = [2, -3]\nf = sum(w * x)",
                                     "values": {"x": [1, 1]}}))
    assert data["output"]["value"] == -1
    assert data["inputs"] == ["x"]
    assert data["gradients"]["x"] == [2, -3]


def test_default_value_fills_in_a_number_beside_arrays(client):
    data = strict_json(post(client, {"expression": "sum(v * k)", "values": {"v": [1, 2, 3]},
                                     "options": {"default_value": 1.0}}))
    assert data["output"]["value"] == 6
    assert node_named(data, "k")["value"] == 1


def test_softmax_with_vectors(client):
    program = "t = [1, 0, 0]\np = exp(z) / sum(exp(z))\nL = -log(sum(p * t))"
    data = strict_json(post(client, {"expression": program, "values": {"z": [2, 1, -1]}}))
    assert data["output"]["value"] == pytest.approx(0.3490, abs=1e-4)
    assert data["gradients"]["z"] == pytest.approx([-0.2946, 0.2595, 0.0351], abs=1e-4)


def test_non_scalar_output_is_a_warning_not_an_error(client):
    data = strict_json(post(client, {"expression": "W @ x",
                                     "values": {"W": [[1, 2], [3, 4]], "x": [1, -1]}}))
    assert data["output"]["value"] == [-1, -1]
    assert len(data["warnings"]) == 1
    warning = data["warnings"][0]
    assert "(2,)" in warning and "not a single number" in warning


# --- shape errors --------------------------------------------------------------------

@pytest.mark.parametrize("expression, shapes", [
    ("W @ x", ("(2,3)", "(2,)")),
    ("z = W @ x + b", ("(2,3)", "(2,)")),
    ("L = sum(W @ x)", ("(2,3)", "(2,)")),
])
def test_matmul_shape_error_names_both_shapes_and_points_at_the_at(client, expression, shapes):
    values = {"W": [[1, 2, 3], [4, 5, 6]], "x": [1, 2], "b": [0, 0]}
    error = error_of(post(client, {"expression": expression, "values": values}))
    for shape in shapes:
        assert shape in error["message"]
    at = expression.index("@")
    assert (error["start"], error["end"]) == (at, at + 1)


def test_broadcast_error_names_both_shapes_and_the_operator(client):
    error = error_of(post(client, {"expression": "a + b", "values": {"a": [1, 2], "b": [1, 2, 3]}}))
    assert "(2,)" in error["message"] and "(3,)" in error["message"]
    assert (error["start"], error["end"]) == (2, 3)


# --- values the API or the engine refuses -------------------------------------------

@pytest.mark.parametrize("value, words", [
    ([[1, 2], [3]], "ragged"),
    ([[1], [2, 3]], "ragged"),
    ([1, [2]], "mixes numbers and lists"),
    ([], "empty"),
    ([[]], "empty"),
])
def test_bad_shapes_in_values_are_400_at_the_name(client, value, words):
    expression = "f = sum(x)"
    error = error_of(post(client, {"expression": expression, "values": {"x": value}}))
    assert words in error["message"]
    assert "'x'" in error["message"] or "x" in error["message"].split()
    assert (error["start"], error["end"]) == (8, 9)  # the x in sum(x)


@pytest.mark.parametrize("value, words", [
    ([1, "a"], "has an entry that is not a number: a string"),
    ([1, None], "null"),
    ([1, True], "true/false"),
    ([[1, 2], [3, "4"]], "a string"),
    ([1, {"v": 2}], "an object"),
    ([[[1]]], "nested more than two deep"),
    ([[1, [2]]], "nested more than two deep"),
    ([1, 10 ** 400], "finite"),
])
def test_non_numeric_entries_and_deep_nesting_are_400(client, value, words):
    error = error_of(post(client, {"expression": "sum(x)", "values": {"x": value}}))
    assert words in error["message"]
    assert "'x'" in error["message"]
    # The engine checks values (one checker for every caller): it points at the input.
    assert (error["start"], error["end"]) == (4, 5) and error["code"].startswith("value.")


@pytest.mark.parametrize("expression, words, literal", [
    ("w = [[1, 2], [3]]\nf = sum(w)", "ragged", "[[1, 2], [3]]"),
    ("w = []\nf = sum(w)", "empty", "[]"),
    ("w = [[[1]]]\nf = sum(w)", "two levels", "[[[1]]]"),
    ("w = [1, [2]]\nf = sum(w)", "mixes numbers and lists", "[1, [2]]"),
    ("w = [1, a]\nf = sum(w)", "only numbers", "[1, a]"),
])
def test_bad_list_literals_are_400_at_the_literal(client, expression, words, literal):
    error = error_of(post(client, {"expression": expression, "values": {"a": 1}}))
    assert words in error["message"]
    start = expression.index(literal)
    assert (error["start"], error["end"]) == (start, start + len(literal))
