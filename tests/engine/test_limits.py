"""The budget of one evaluation: shapes planned before computing, a total, a clock, summaries."""

from __future__ import annotations

import json

import numpy as np
import pytest

import engine
from engine import Limits
from engine.numbers import json_value

ONES = "[[" + ", ".join(["1"] * 1000) + "]]"
BOMB = f"a = {ONES}; M = a + transpose(a); f = sum(M*M*M)"


def test_a_program_over_the_total_is_refused_before_anything_is_computed(monkeypatch):
    import engine.autodiff as autodiff
    monkeypatch.setattr(autodiff, "recompute", lambda *a: pytest.fail("computed anyway"))
    with pytest.raises(engine.LimitError) as info:
        engine.evaluate(BOMB, {}, Limits(max_total_entries=2_000_000))
    err = info.value
    assert err.code == "limit.total_entries" and err.params == {"limit": 2_000_000}
    assert BOMB[err.start:err.end] in ("+", "*")  # the first operation over the budget


def test_shape_errors_surface_before_computing(monkeypatch):
    import engine.autodiff as autodiff
    monkeypatch.setattr(autodiff, "recompute", lambda *a: pytest.fail("computed anyway"))
    with pytest.raises(engine.ShapeError) as info:
        engine.evaluate("exp(W) @ x", {"W": [[1, 2], [3, 4]], "x": [1, 2, 3]})
    assert info.value.code == "shape.matmul_inner"
    assert info.value.params == {"left": [2, 2], "right": [3], "left_inner": 2, "right_inner": 3}
    assert info.value.message == "(2,2) @ (3,): inner dimensions 2 and 3 differ"
    assert info.value.hint == {
        "code": "shape.input_entries",
        "params": {"name": "x", "other": "exp(W)", "count": 2, "actual": [3]},
        "message": "x needs as many entries as exp(W) has columns (2); it is a vector of 3 entries"}
    assert info.value.inputs == ["W", "x"]


def test_an_evaluation_past_its_time_is_stopped():
    with pytest.raises(engine.LimitError) as info:
        engine.evaluate(BOMB, {}, Limits(max_seconds=1e-4))
    assert info.value.code == "limit.time" and "seconds" in info.value.message
    terms = " + ".join(f"x{i}*x{i + 1}" for i in range(3000))
    with pytest.raises(engine.LimitError):
        engine.evaluate(terms, {}, Limits(max_seconds=1e-6), default=1.0)


def test_within_the_budget_the_bomb_evaluates():
    r = engine.evaluate(BOMB, {}, Limits(max_total_entries=5_000_000))
    assert r.value == 8e6  # every entry of M is 2


def test_large_arrays_travel_as_summaries_when_asked():
    value = np.arange(12.0).reshape(3, 4)
    value[1, 1] = np.nan
    s = json_value(value, summary_above=10)
    assert s == {"summary": True, "shape": [3, 4], "size": 12, "first": [0, 1, 2, 3, 4, "NaN"],
                 "min": 0.0, "max": 11.0, "mean": pytest.approx(61 / 11), "nonfinite": 1}
    assert json_value(value, summary_above=12)[0] == [0, 1, 2, 3]  # at the threshold: in full
    r = engine.evaluate(BOMB.replace("M*M*M", "M*M"), {})
    full, lean = r.to_dict(), r.to_dict(summary_above=1000)
    assert len(json.dumps(lean)) < 400_000 < len(json.dumps(full))
    m = next(n for n in lean["nodes"] if n["name"] == "M")
    assert m["value"]["shape"] == [1000, 1000] and m["value"]["mean"] == 2.0
    assert m["grad"]["summary"] and m["grad"]["min"] == m["grad"]["max"] == 4.0  # d/dM = 2M
    assert "(1000,1000) [2.00, 2.00, 2.00, …]" in lean["steps"][1]["text"]
