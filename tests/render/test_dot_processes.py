"""Drawing with long-lived `dot` processes: each graph gets its own picture, a `dot`
that fails, runs late or dies costs only its own graph, and no `dot` runs on
without limit after the process that started it is killed."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

import engine
from app.serving import children
from engine import render
from engine.render import RenderError, runner
from engine.render.svg import finish_svg
from tests.support.fakedot import fake_dot, graph_by_graph_dot
from tests.support.waiting import wait_for

ROOT = Path(__file__).resolve().parent.parent
NEEDS_DOT = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` not installed")


@pytest.fixture(autouse=True)
def fresh_cache():
    render.clear_cache()
    yield
    render.clear_cache()


def circuit(x=-2.0, name="x"):
    return engine.evaluate(f"q = {name} + y; f = q * z", {name: x, "y": 5, "z": -4}).to_dict()


def value_on_first_wire(svg):
    """The green number on the first input's wire (`value-edge-0`)."""
    start = svg.index('id="value-edge-0"')
    return svg[svg.index(">", svg.index("<text", start)) + 1:svg.index("</text>", start)]


def gone(pid):
    """Whether process ``pid`` has ended (a zombie nobody reaped yet counts as ended)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    return stat[stat.rindex(")") + 2] == "Z"


# --- many graphs, many threads ---------------------------------------------------------------

@NEEDS_DOT
def test_graphs_drawn_at_once_each_get_their_own_picture():
    results = {x: circuit(float(x)) for x in range(-6, 6)}
    pictures, failures = {}, []

    def draw(xs):
        for x in xs:
            try:
                pictures[x] = render.to_svg(results[x])
            except Exception as error:   # handed to the test's thread
                failures.append(error)
    threads = [threading.Thread(target=draw, args=(list(range(-6, 6))[i::4],)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not failures
    assert {x: value_on_first_wire(svg) for x, svg in pictures.items()} == \
        {x: f"{x:.2f}" for x in range(-6, 6)}


@NEEDS_DOT
def test_one_after_another_a_dot_draws_what_a_new_dot_draws():
    for x in (1.0, 2.0, 3.0):
        source = render.to_dot(circuit(x))
        new_dot = subprocess.run(["dot", "-Tsvg"], input=source.encode(), capture_output=True,
                                 check=True).stdout
        assert render.svg_from_dot(source) == finish_svg(new_dot)


# --- a dot that fails, runs late, or dies ------------------------------------------------------

@NEEDS_DOT
def test_a_graph_dot_reports_an_error_for_does_not_stop_the_next():
    # An HTML label dot cannot read: dot says so and keeps reading.
    with pytest.raises(RenderError, match="in label of node a"):
        render.svg_from_dot('digraph circuit { a [label=<a<b>b>] }\n')
    assert "edge-out" in render.to_svg(circuit(1.0))
    # A syntax error makes dot 2.43 exit: the next graph gets a new one.
    with pytest.raises(RenderError, match="syntax error"):
        render.svg_from_dot("digraph circuit { a -> }\n")
    assert "edge-out" in render.to_svg(circuit(2.0))


@NEEDS_DOT
def test_a_graph_dot_draws_nothing_for_is_an_error_and_the_next_is_drawn(monkeypatch, tmp_path):
    monkeypatch.setattr(render, "DOT_COMMAND", graph_by_graph_dot(
        tmp_path, 'case "$graph" in *skip_me*) echo "Error: no layout" >&2; graph=""; continue;; esac'))
    with pytest.raises(RenderError, match="failed to draw the graph: Error: no layout$"):
        render.to_svg(circuit(1.0, name="skip_me"))
    assert value_on_first_wire(render.to_svg(circuit(3.0))) == "3.00"


@NEEDS_DOT
def test_a_dot_that_ran_late_is_stopped_and_the_next_graph_drawn(monkeypatch, tmp_path):
    monkeypatch.setattr(render, "DOT_COMMAND", graph_by_graph_dot(
        tmp_path, 'case "$graph" in *hang_me*) exec sleep 30;; esac'))
    with pytest.raises(RenderError, match=r"longer than 0\.5 seconds"):
        render.to_svg(circuit(1.0, name="hang_me"), timeout=0.5)
    assert value_on_first_wire(render.to_svg(circuit(4.0))) == "4.00"


@NEEDS_DOT
def test_a_dot_killed_between_graphs_is_replaced(monkeypatch, tmp_path):
    pids = tmp_path / "pids"
    monkeypatch.setattr(render, "DOT_COMMAND", graph_by_graph_dot(tmp_path, f'echo $$ >> "{pids}"'))
    assert value_on_first_wire(render.to_svg(circuit(1.0))) == "1.00"
    (first,) = {int(p) for p in pids.read_text().split()}
    os.kill(first, signal.SIGKILL)
    assert wait_for(lambda: gone(first), 10)
    assert value_on_first_wire(render.to_svg(circuit(2.0))) == "2.00"
    assert first not in {int(p) for p in pids.read_text().split()[1:]}


@NEEDS_DOT
def test_a_dot_grown_too_big_is_replaced_after_its_graph(monkeypatch, tmp_path):
    # dot 2.43 leaks a little with every graph: past a bound, a new one takes over.
    pids = tmp_path / "pids"
    monkeypatch.setattr(render, "DOT_COMMAND", graph_by_graph_dot(tmp_path, f'echo $$ >> "{pids}"'))
    monkeypatch.setattr(runner, "MAX_DOT_MEMORY", 0)   # every dot is too big after one graph
    for x in (1.0, 2.0, 3.0):
        assert value_on_first_wire(render.to_svg(circuit(x))) == f"{x:.2f}"
    drawn_by = pids.read_text().split()
    assert len(drawn_by) == 3 and len(set(drawn_by)) == 3


@NEEDS_DOT
def test_a_dot_that_dies_mid_graph_says_so_and_the_next_graph_is_drawn(monkeypatch, tmp_path):
    monkeypatch.setattr(render, "DOT_COMMAND", graph_by_graph_dot(
        tmp_path, 'case "$graph" in *die_now*) kill -KILL $$;; esac'))
    with pytest.raises(RenderError, match=r"crashed \(signal 9, SIGKILL\)"):
        render.to_svg(circuit(1.0, name="die_now"))
    assert value_on_first_wire(render.to_svg(circuit(5.0))) == "5.00"


@NEEDS_DOT
def test_a_cancelled_picture_is_not_drawn_and_the_next_one_is(monkeypatch, tmp_path):
    monkeypatch.setattr(render, "DOT_COMMAND", graph_by_graph_dot(
        tmp_path, 'case "$graph" in *slow_one*) sleep 30;; esac'))
    picture = render.start_svg(render.to_dot(circuit(1.0, name="slow_one")))
    picture.cancel()
    with pytest.raises(RenderError, match="stopped"):
        picture.result()
    picture.cancel()                       # twice is harmless
    assert value_on_first_wire(render.to_svg(circuit(6.0))) == "6.00"


# --- no dot runs on after its parent is killed -------------------------------------------------

PARENT = """
import sys, time
sys.path.insert(0, {root!r})
from engine import render
render.DOT_COMMAND = {command!r}
picture = render.start_svg({source!r}, timeout={timeout!r})   # dot has it; nobody waits
print("sent", flush=True)
time.sleep(600)
"""


def start_parent(command, source, timeout):
    """A Python process that hands ``source`` to a pooled dot, then sleeps until killed."""
    code = PARENT.format(root=str(ROOT), command=command, source=source, timeout=timeout)
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)


def test_a_dot_busy_when_its_parent_is_killed_stops_at_its_cpu_limit(tmp_path):
    # A stand-in for a dot stuck in a layout: it spins on our graph forever.
    spinning = tmp_path / "spinning"
    command = fake_dot(tmp_path, f'''while IFS= read -r line; do
  case "$line" in "digraph circuit"*) echo $$ > "{spinning}"; while :; do :; done;; esac
done''')
    parent = start_parent(command, "digraph circuit {\n}\n", 0.2)
    try:
        assert wait_for(lambda: spinning.exists() and spinning.read_text().strip(), 30)
        dot = int(spinning.read_text())
        assert not gone(dot)
    finally:
        parent.kill()   # as a gunicorn worker killed mid-request
        parent.communicate()
    # The parent's own time limit (0.2 s) can no longer stop it; its CPU limit does.
    assert wait_for(lambda: gone(dot), 60, interval=0.2), "dot still running"


@NEEDS_DOT
def test_an_idle_dot_ends_with_its_parent():
    parent = start_parent("dot", render.to_dot(circuit(1.0)), 10.0)
    try:
        assert parent.stdout.readline() == "sent\n"
        dots = wait_for(lambda: children(parent.pid), 10)
        assert dots
    finally:
        parent.kill()
        parent.communicate()
    assert wait_for(lambda: all(gone(pid) for pid in dots), 30)
