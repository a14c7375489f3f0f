"""The server's budget: refusals name the limit and the setting; big arrays travel in summary."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app import create_app, serving
from app.liveserver import request
from tests.support.apiclient import error_of, post

ONES = "[[" + ", ".join(["1"] * 1000) + "]]"
SQUARE = f"a = {ONES}; M = a + transpose(a); f = sum(M*M)"
CUBE = f"a = {ONES}; M = a + transpose(a); f = sum(M*M*M)"
WORKER_MEMORY_BOUND_MB = 512  # the README states this bound


@pytest.mark.parametrize("config, body, code, setting", [
    ({"MAX_TOTAL_ENTRIES": 2_000_000}, {"expression": SQUARE}, "limit.total_entries",
     "BACKPROP_MAX_TOTAL_ENTRIES"),
    ({"EVAL_TIMEOUT": 1e-4}, {"expression": CUBE}, "limit.time", "BACKPROP_EVAL_TIMEOUT"),
    ({}, {"expression": SQUARE, "options": {"full_arrays": True}}, "limit.answer_size",
     "BACKPROP_MAX_ANSWER_BYTES"),
    ({"MAX_NODES": 3}, {"expression": "x * y + 1", "values": {"x": 1, "y": 2}}, "limit.nodes",
     "BACKPROP_MAX_NODES"),
])
def test_refusals_are_413_and_say_which_setting_raises_them(config, body, code, setting):
    client = create_app({"TESTING": True, **config}).test_client()
    error = error_of(post(client, body), 413)
    assert error["code"] == code and error["params"]["setting"] == setting
    assert setting in error["message"]


def test_big_arrays_come_back_as_summaries_small_ones_in_full():
    client = create_app({"TESTING": True}).test_client()
    response = post(client, {"expression": SQUARE})
    assert response.status_code == 200 and len(response.data) < 400_000
    data = response.get_json()
    m = next(n for n in data["nodes"] if n["name"] == "M")
    assert m["value"]["summary"] and m["value"]["shape"] == [1000, 1000]
    assert data["svg"] and data["output"]["value"] == 4e6
    small = post(client, {"expression": "sum(W @ x)", "values": {"W": [[1, 2], [3, 4]],
                                                                 "x": [1, -1]}}).get_json()
    assert small["gradients"]["W"] == [[1.0, -1.0], [1.0, -1.0]]
    full = post(client, {"expression": "sum(w)", "values": {"w": list(range(1500))},
                         "options": {"full_arrays": True}}).get_json()
    assert full["gradients"]["w"] == [1.0] * 1500


@pytest.mark.slow
def test_a_worker_stays_under_its_memory_bound_through_budget_bombs():
    bombs = [SQUARE, CUBE, f"a = {ONES}; M = a + transpose(a); f = sum(tanh(M @ M))"]
    with serving.launch(front=False, workers=1) as server:
        worker = server.workers()[0]
        for program in bombs * 2:
            status, body = request(server.port, "POST", "/api/graph",
                                   json.dumps({"expression": program}).encode())
            assert status == 200 and len(body) < 400_000
        status_lines = Path(f"/proc/{worker}/status").read_text().splitlines()
        peak = next(int(line.split()[1]) for line in status_lines if line.startswith("VmHWM:"))
    assert peak < WORKER_MEMORY_BOUND_MB * 1024, f"peak RSS {peak // 1024} MiB"
