"""Gradient descent on a program's inputs: direction, monotony, stops, refusals."""

from __future__ import annotations

import math

import numpy as np
import pytest

import engine
from app import create_app

NEURON = "f = 1 / (1 + exp(-(w0*x0 + w1*x1 + w2)))"
NEURON_VALUES = {"w0": 2, "x0": -1, "w1": -3, "x1": -2, "w2": -3}


@pytest.mark.parametrize("maximize", [False, True])
def test_five_steps_on_the_neuron_move_f_monotonically(maximize):
    walk = engine.descend(NEURON, NEURON_VALUES, 0.1, 5, maximize=maximize)
    out = walk["outputs"]
    assert len(out) == 6 and math.isclose(out[0], 0.7310585786300049)
    diffs = np.diff(out)
    assert (diffs > 0).all() if maximize else (diffs < 0).all()
    assert walk["stopped"] is None and walk["params"] == list(NEURON_VALUES)
    # the walk ends where its last output was computed
    assert engine.evaluate(NEURON, walk["values"]).value == out[-1]


def test_one_step_is_value_minus_rate_times_gradient():
    r = engine.evaluate("q = x + y; f = q * z", {"x": -2, "y": 5, "z": -4})
    walk = engine.descend("q = x + y; f = q * z", {"x": -2, "y": 5, "z": -4}, 0.5, 1,
                          params=["x", "z"])
    assert walk["values"]["x"] == -2 - 0.5 * r.gradients["x"]
    assert walk["values"]["z"] == -4 - 0.5 * r.gradients["z"]
    assert walk["values"]["y"] == 5  # not chosen: not moved


def test_arrays_move_entry_by_entry():
    values = {"W": [[1.0, 2.0], [3.0, 4.0]], "x": [1.0, -1.0], "y": [0.0, 1.0]}
    walk = engine.descend("L = sum((W @ x - y)**2)", values, 0.05, 3, params=["W"])
    assert walk["outputs"][0] == 5.0 and all(np.diff(walk["outputs"]) < 0)
    assert np.shape(walk["values"]["W"]) == (2, 2)


def test_a_step_to_inf_stops_and_keeps_the_last_finite_values():
    walk = engine.descend("f = exp(x)", {"x": 1.0}, 1e300, 3, maximize=True)
    assert walk["outputs"] == [math.e] and walk["values"]["x"] == 1.0
    assert walk["stopped"]["code"] == "descent.nonfinite" and walk["stopped"]["step"] == 1
    walk = engine.descend("f = exp(x * 300)", {"x": 1.0}, 1.0, 5, maximize=True)
    assert walk["stopped"] is not None and all(math.isfinite(v) for v in walk["outputs"])
    assert math.isfinite(engine.evaluate("f = exp(x * 300)", walk["values"]).value)


@pytest.mark.parametrize("lr", [0, -0.1, math.nan, math.inf, "0.1", True, None])
def test_a_rate_that_is_not_finite_and_positive_is_refused(lr):
    with pytest.raises(engine.InputValueError) as info:
        engine.descend("x * x", {"x": 1}, lr)
    assert info.value.code == "descent.bad_rate" and "learning rate" in info.value.message


def test_descent_through_the_api():
    client = create_app({"TESTING": True}).test_client()
    body = {"expression": NEURON, "values": NEURON_VALUES,
            "options": {"descent": {"lr": 0.1, "steps": 5}}}
    data = client.post("/api/graph", json=body).get_json()
    walk = data["descent"]
    assert len(walk["outputs"]) == 6 and data["output"]["value"] == walk["outputs"][-1]
    assert set(walk["values"]) == set(NEURON_VALUES)
    bad = client.post("/api/graph", json={**body, "options": {"descent": {"lr": -1}}})
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "descent.bad_rate"
