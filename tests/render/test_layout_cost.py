"""What a layout costs `dot`: predicted from the shape, refused at once when too much, and a
graph `dot` failed on (crashed, refused, ran out of time) is not given to it again."""

from __future__ import annotations

import shutil

import pytest

import engine
from app import shapes
from engine import render
from engine.render import RenderError, planning
from tests.support.fakedot import graph_by_graph_dot, logging_dot

NEEDS_DOT = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` not installed")
ROOMY = engine.Limits(max_length=10**6)


@pytest.fixture(autouse=True)
def fresh_cache():
    render.clear_cache()
    yield
    render.clear_cache()


def result_of(program):
    """The result dict of ``program``, every input 0.5."""
    values = {name: 0.5 for name in engine.input_names(program, ROOMY)}
    return engine.evaluate(program, values, ROOMY).to_dict()


def test_shared_inputs_draw_their_wires_from_copies():
    # A tree of 1,000 leaves over 5 inputs, 200 wires each: dot's crossing minimisation
    # pays the square of such fan-outs, so each input keeps one wire and the rest start
    # from copies of its name.
    d = result_of(shapes.shared_tree(1004, 5))
    p = render.plan(d)
    assert p.layout == "compact" and p.fanout == 200 and p.refusal is None
    assert len(p.copies) == 1000 - 5
    dot = render.to_dot(d)
    assert dot.count("copy of-edge-") == len(p.copies)
    assert 'mclimit="0.2"' in dot and 'nslimit="0.2"' in dot
    # a value used a few times keeps its wires
    p = render.plan(result_of(shapes.sop(600)))
    assert p.layout == "compact" and p.fanout == 2 and not p.copies


def test_the_predicted_cost_grows_with_the_graph():
    costs = [render.plan(result_of(shapes.shape("dense", n))).cost for n in (100, 500, 1000, 2000)]
    assert costs == sorted(costs) and costs[0] < 0.25 and costs[-1] > planning.MAX_DOT_SECONDS
    circuit = render.plan(result_of("(x + y) * z"))
    assert circuit.layout == "figure" and 0 < circuit.cost < 0.01


def test_a_layout_predicted_too_costly_is_refused_before_dot(monkeypatch, tmp_path):
    command, graphs = logging_dot(tmp_path)
    monkeypatch.setattr(render, "DOT_COMMAND", command)
    d = result_of(shapes.fan(2000))                  # x + x + ... 2,000 times
    p = render.plan(d)
    assert p.cost > planning.MAX_DOT_SECONDS and p.refusal
    assert p.refusal.startswith("The graph is too big and tangled for Graphviz to lay out "
                                "in time (2,000 nodes and 3,999 wires would take it about ")
    with pytest.raises(RenderError, match="too big and tangled"):
        render.to_svg(d)
    assert graphs("svg") == 0
    monkeypatch.setattr(planning, "MAX_DOT_SECONDS", p.cost + 1)
    assert render.plan(d).refusal is None


@NEEDS_DOT
def test_a_graph_that_ran_out_of_time_is_answered_again_without_dot(monkeypatch, tmp_path):
    # dot sleeps on the graphs that name `slow_one`: the first runs out of time, the
    # repeat is answered from the cache at once, and dot never sees it again.
    log = tmp_path / "seen"
    monkeypatch.setattr(render, "DOT_COMMAND", graph_by_graph_dot(
        tmp_path, f'echo x >> "{log}"; case "$graph" in *slow_one*) sleep 30;; esac'))
    slow = result_of("slow_one * 2 + y")
    for _ in range(3):
        with pytest.raises(RenderError, match="longer than 0.5 seconds") as info:
            render.to_svg(slow, timeout=0.5)
        assert info.value.remember > 0
    assert log.read_text().count("x") == 1
    # other graphs are drawn as ever, and a failure of the setting is not remembered
    assert "edge-out" in render.to_svg(result_of("x * 2 + y"), timeout=5)
    monkeypatch.setattr(render, "DOT_COMMAND", "no-such-dot-program")
    for _ in range(2):
        with pytest.raises(RenderError, match="not installed") as info:
            render.to_svg(result_of("x * 3"))
        assert info.value.remember == 0


@NEEDS_DOT
def test_a_graph_dot_crashed_on_is_not_given_to_it_again(monkeypatch, tmp_path):
    log = tmp_path / "seen"
    monkeypatch.setattr(render, "DOT_COMMAND", graph_by_graph_dot(
        tmp_path, f'echo x >> "{log}"; case "$graph" in *crash_me*) kill -SEGV $$;; esac'))
    d = result_of("crash_me * 2")
    for _ in range(2):
        with pytest.raises(RenderError, match=r"crashed \(signal 11, SIGSEGV\)"):
            render.to_svg(d)
    assert log.read_text().count("x") == 1
    # what dot crashed on is remembered for that dot only: another one draws it
    monkeypatch.setattr(render, "DOT_COMMAND", "dot")
    assert "edge-out" in render.to_svg(d)


@pytest.mark.slow
@NEEDS_DOT
@pytest.mark.parametrize("name", shapes.NAMES)
def test_every_hard_shape_at_the_node_limit_is_drawn_in_time_or_refused(name):
    """At 2,000 nodes each family is refused at once or drawn within the server's time limit."""
    d = result_of(shapes.shape(name, 2000))
    assert 1900 <= len(d["nodes"]) <= 2000
    p = render.plan(d)
    if p.refusal:
        assert p.cost > planning.MAX_DOT_SECONDS
        return
    assert p.cost <= planning.MAX_DOT_SECONDS
    assert "edge-out" in render.to_svg(d, timeout=10)   # not a timeout: the estimate holds
