"""Costly layouts through the API: refused or drawn in time, a repeat answered at once, and
small graphs still drawn while costly ones hold the render slots."""

from __future__ import annotations

import threading
import time

import pytest

import engine
from app import create_app, drawing, shapes
from engine import render
from tests.support.fakedot import graph_by_graph_dot


@pytest.fixture(autouse=True)
def fresh_render_cache():
    render.clear_cache()
    yield
    render.clear_cache()


def post(client, expression, values=None):
    response = client.post("/api/graph", json={"expression": expression, "values": values or {},
                                               "options": {"default_value": 0.5}})
    return response.status_code, response.get_json()


def wait_for(condition, timeout=30, interval=0.02):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(interval)
    return True


def test_a_costly_layout_is_refused_and_a_repeat_answered_from_the_cache(monkeypatch):
    client = create_app({"TESTING": True}).test_client()
    program = shapes.fan(2000)                         # predicted far over the limit
    status, data = post(client, program)
    assert status == 200 and data["svg"] is None and data["output"]["value"] == 1000.0
    assert "too big and tangled for Graphviz" in data["render_error"]["message"]
    # the refusal is the graph's own for good: the repeat costs no evaluation
    monkeypatch.setattr(engine, "evaluate", lambda *a, **k: pytest.fail("evaluated again"))
    assert post(client, program) == (status, data)


def test_a_shared_input_tree_is_drawn(monkeypatch):
    # The attack of issue 13: 1,000 leaves over 5 inputs took dot 7-9 s and was killed.
    client = create_app({"TESTING": True}).test_client()
    status, data = post(client, shapes.balanced_tree(1000, ["x0", "x1", "x2", "x3", "x4"]))
    assert status == 200 and data["render_error"] is None and data["svg"].startswith("<svg")


def test_small_graphs_are_drawn_while_costly_ones_hold_the_slots(monkeypatch, tmp_path):
    # dot holds every costly graph (the ones naming `big_one`) until the gate opens.
    gate, held = tmp_path / "open", tmp_path / "held"
    held.mkdir()
    monkeypatch.setattr(render, "DOT_COMMAND", graph_by_graph_dot(
        tmp_path, f'case "$graph" in *big_one*) touch "{held}/$$"; '
                  f'while [ ! -e "{gate}" ]; do sleep 0.02; done;; esac'))
    app = create_app({"TESTING": True, "MAX_CONCURRENT_RENDERS": 2,
                      "COSTLY_RENDER_SECONDS": 0.001, "COSTLY_QUEUE_TIMEOUT": 60})
    costly = " + ".join(f"big_one*x{i}" for i in range(6))
    answers = []

    def one_costly(i):
        answers.append(post(app.test_client(), costly, {"big_one": i}))
    threads = [threading.Thread(target=one_costly, args=(i,)) for i in range(6)]
    try:
        for t in threads:
            t.start()
        # One costly graph is drawn (all slots but one), two wait; the other three
        # are told at once that the server is busy, so they hold no thread.
        assert wait_for(lambda: len(list(held.iterdir())) == 1 and len(answers) == 3)
        assert sorted(status for status, _ in answers) == [200] * 3
        # ... with their numbers, and why there is no picture this time.
        assert all(data["svg"] is None and data["render_error"]["message"] == drawing.BUSY_MESSAGE
                   and data["output"]["value"] is not None for _, data in answers)
        for i in range(3):   # small graphs still get the last slot
            status, data = post(app.test_client(), "(x + y) * z", {"x": i, "y": 1, "z": 2})
            assert status == 200 and data["svg"].startswith("<svg")
        assert len(answers) == 3 and len(list(held.iterdir())) == 1
    finally:
        gate.touch()
        for t in threads:
            t.join(timeout=60)
    assert [status for status, _ in answers] == [200] * 6
    assert sum(1 for _, data in answers if data["svg"]) == 3


def test_costly_slots_and_waits_come_from_config(monkeypatch):
    monkeypatch.setenv("BACKPROP_COSTLY_RENDER_SECONDS", "1.5")
    app = create_app({"COSTLY_QUEUE_TIMEOUT": 2})
    assert app.config["COSTLY_RENDER_SECONDS"] == 1.5 and app.config["COSTLY_QUEUE_TIMEOUT"] == 2
    slots = drawing.RenderSlots(1)          # one slot: a costly graph may take it
    with slots.hold(True, {"COSTLY_QUEUE_TIMEOUT": 0}):
        with pytest.raises(drawing.Busy):
            slots.acquire(False, {"RENDER_QUEUE_TIMEOUT": 0})
    with slots.hold(False, {"RENDER_QUEUE_TIMEOUT": 0}):
        pass
