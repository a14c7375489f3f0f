"""Faults: `dot` missing, crashing, hanging or failing; too many renders at once; a worker killed.

The numbers always come back (200 with ``render_error``) when only drawing fails;
a request that finds every render slot taken for RENDER_QUEUE_TIMEOUT seconds
gets its numbers and a render_error saying the server is busy; a real gunicorn with two workers keeps
answering while one is SIGKILLed mid-request, and respawns it; the page says
what happened in each case.

(tests/web/test_app_api.py already covers a missing `dot` and a render timeout of
1e-9 s; these extend them.)
"""

from __future__ import annotations

import collections
import contextlib
import http.client
import json
import os
import re
import signal
import threading
import time
from pathlib import Path

import pytest

from app import ROOT, answers, create_app, drawing, serving
from app.liveserver import CHROMIUM, CHROMIUM_ARGS, live_server, request
from engine import render
from tests.support.fakedot import fake_dot, graph_by_graph_dot, logging_dot
from tests.support.waiting import wait_for


@pytest.fixture(autouse=True)
def fresh_render_cache():
    """Each test starts and ends with an empty render cache."""
    render.clear_cache()
    yield
    render.clear_cache()


def post(client, expression, values=None):
    response = client.post("/api/graph", json={"expression": expression, "values": values or {},
                                               "options": {"default_value": 2.0}})
    return response.status_code, response.get_json(), response


# What render says when `dot` dies (older wording "failed", newer "crashed (signal 9, SIGKILL)").
DOT_DIED = re.compile(r"`dot` (failed|crashed)")


def assert_numbers_without_drawing(status, data, value, dot=True):
    assert status == 200
    assert data["output"]["value"] == value
    assert data["svg"] is None
    if dot:
        assert data["dot"].startswith("digraph")
    else:  # the DOT could not be written
        assert data["dot"] is None
    assert set(data["render_error"]) == {"message", "start", "end"}
    return data["render_error"]["message"]


# --- `dot` misbehaving -----------------------------------------------------------------------

@pytest.fixture
def client():
    return create_app({"TESTING": True, "RENDER_TIMEOUT": 2.0}).test_client()


@pytest.mark.parametrize("signal_name", ["KILL", "SEGV", "TERM"])
def test_dot_that_dies_by_a_signal(client, tmp_path, monkeypatch, signal_name):
    monkeypatch.setattr(render, "DOT_COMMAND", fake_dot(tmp_path, f"kill -{signal_name} $$"))
    message = assert_numbers_without_drawing(*post(client, "x * 7")[:2], 14)
    assert DOT_DIED.search(message), message


def test_dot_that_hangs_is_stopped_at_the_timeout(tmp_path, monkeypatch):
    client = create_app({"TESTING": True, "RENDER_TIMEOUT": 0.5}).test_client()
    monkeypatch.setattr(render, "DOT_COMMAND", fake_dot(tmp_path, "exec sleep 30"))
    message = assert_numbers_without_drawing(*post(client, "x * 7")[:2], 14)
    assert "longer than 0.5 seconds" in message


def test_dot_that_fails_passes_on_its_last_line(client, tmp_path, monkeypatch):
    script = "read -r line; echo 'Warning: something' >&2; echo 'Error: out of memory' >&2; exit 1"
    monkeypatch.setattr(render, "DOT_COMMAND", fake_dot(tmp_path, script))
    message = assert_numbers_without_drawing(*post(client, "x * 7")[:2], 14)
    assert message.endswith("Error: out of memory")


def test_dot_that_writes_garbage(client, tmp_path, monkeypatch):
    monkeypatch.setattr(render, "DOT_COMMAND", fake_dot(tmp_path, "read -r line; echo '<svg'"))
    message = assert_numbers_without_drawing(*post(client, "x * 7")[:2], 14)
    assert "unreadable SVG" in message


def test_dot_that_cannot_be_run(client, tmp_path, monkeypatch):
    path = tmp_path / "dot"
    path.write_text("#!/bin/sh\n")
    path.chmod(0o600)  # not executable
    monkeypatch.setattr(render, "DOT_COMMAND", str(path))
    message = assert_numbers_without_drawing(*post(client, "x * 7")[:2], 14)
    assert "dot" in message


class CrashingPicture:
    """A picture whose drawing hits a bug (as finishing dot's SVG might)."""

    needs_dot = True

    def __init__(self, *args, **kwargs):
        pass

    def start(self):
        return self

    def result(self):
        raise ValueError("min() arg is an empty sequence")

    def cancel(self):
        pass


@pytest.mark.parametrize("where", ["prepare", "Picture"])
def test_a_renderer_crash_still_answers_the_numbers(client, monkeypatch, caplog, where):
    # a bug while writing the DOT, or while drawing it
    def crash(*args, **kwargs):
        raise ValueError("min() arg is an empty sequence")
    monkeypatch.setattr(render, where, crash if where == "prepare" else CrashingPicture)
    status, data, _ = post(client, "x * 7")
    message = assert_numbers_without_drawing(status, data, 14, dot=where != "prepare")
    assert message == drawing.RENDER_CRASH_MESSAGE
    assert "render crashed" in caplog.text and "empty sequence" in caplog.text
    # the slot went back: a later request draws
    monkeypatch.undo()
    assert post(client, "x * 8")[1]["svg"]


def test_a_failed_render_is_not_remembered(client, monkeypatch):
    monkeypatch.setattr(render, "DOT_COMMAND", "/nonexistent/dot")
    assert post(client, "x * 7")[1]["svg"] is None
    monkeypatch.setattr(render, "DOT_COMMAND", "dot")
    status, data, _ = post(client, "x * 7")
    assert status == 200 and data["svg"].startswith("<svg") and data["render_error"] is None


@pytest.mark.slow
def test_other_requests_keep_answering_while_dot_hangs(tmp_path, monkeypatch):
    # Only the graph that names `hang_me` hangs; the others are drawn meanwhile.
    monkeypatch.setattr(render, "DOT_COMMAND", graph_by_graph_dot(
        tmp_path, 'case "$graph" in *hang_me*) exec sleep 30;; esac'))
    app = create_app({"TESTING": True, "RENDER_TIMEOUT": 3.0, "MAX_CONCURRENT_RENDERS": 2})
    hung = {}
    thread = threading.Thread(target=lambda: hung.update(
        answer=post(app.test_client(), "hang_me * 7")[:2]))
    thread.start()
    try:
        time.sleep(0.2)
        for i in range(3):
            status, data, _ = post(app.test_client(), f"x * {i + 2}")
            assert status == 200 and data["svg"].startswith("<svg"), data
        assert thread.is_alive()  # the hung one is still waiting on its `dot`
    finally:
        thread.join(timeout=10)
    message = assert_numbers_without_drawing(*hung["answer"], 14)
    assert "longer than 3 seconds" in message


# --- render slots --------------------------------------------------------------------------------

def test_render_slots_default_to_the_cores():
    app = create_app({"TESTING": True})
    assert app.config["MAX_CONCURRENT_RENDERS"] is None
    assert drawing.render_slots(app).slots == drawing.available_cores() >= 1


def test_render_slots_come_from_config_and_environment(monkeypatch):
    assert drawing.render_slots(create_app({"MAX_CONCURRENT_RENDERS": 3})).slots == 3
    monkeypatch.setenv("BACKPROP_MAX_CONCURRENT_RENDERS", "5")
    assert drawing.render_slots(create_app()).slots == 5


@pytest.mark.parametrize("bad", [0, -1, 1.5, "2", True])
def test_bad_slot_counts_are_refused(bad):
    with pytest.raises(ValueError, match="MAX_CONCURRENT_RENDERS"):
        create_app({"MAX_CONCURRENT_RENDERS": bad})


def test_no_free_slot_in_time_answers_the_numbers_and_says_the_server_is_busy():
    app = create_app({"TESTING": True, "MAX_CONCURRENT_RENDERS": 1, "RENDER_QUEUE_TIMEOUT": 0.05})
    client = app.test_client()
    with drawing.render_slots(app).hold(False, app.config):  # someone else is drawing
        status, data, response = post(client, "x * 7", {"x": 3})
    assert status == 200 and data["output"]["value"] == 21.0 and data["gradients"] == {"x": 7.0}
    assert data["svg"] is None
    assert data["render_error"] == {"message": drawing.BUSY_MESSAGE, "start": None, "end": None}
    assert "X-Accel-Expires" not in response.headers   # the front keeps no such answer
    # The slot is free again: the same request is drawn (the busy answer was not kept).
    status, data, _ = post(client, "x * 7")
    assert status == 200 and data["svg"]


def test_requests_wait_for_a_slot_within_the_queue_timeout():
    app = create_app({"TESTING": True, "MAX_CONCURRENT_RENDERS": 1, "RENDER_QUEUE_TIMEOUT": 10})
    slots = drawing.render_slots(app)
    answer = {}
    with slots.hold(False, {"RENDER_QUEUE_TIMEOUT": 1}):
        thread = threading.Thread(target=lambda: answer.update(r=post(app.test_client(), "x*7")))
        thread.start()
        time.sleep(0.2)
        assert thread.is_alive() and not answer  # queued behind the held slot
    thread.join(timeout=10)
    assert answer["r"][0] == 200 and answer["r"][1]["svg"]


def test_costly_graphs_leave_a_slot_for_small_ones():
    app = create_app({"TESTING": True, "MAX_CONCURRENT_RENDERS": 2, "COSTLY_RENDER_SECONDS": 0.001,
                      "COSTLY_QUEUE_TIMEOUT": 0.05})
    client = app.test_client()
    large = " + ".join(f"x{i}*x{i + 1}" for i in range(5))  # 16 nodes: costly by this setting
    with drawing.render_slots(app).hold(True, app.config):  # one costly graph is being drawn
        status, data, _ = post(client, large)   # a second costly one gets no slot: no picture
        assert status == 200 and data["svg"] is None and data["render_error"]["message"] == drawing.BUSY_MESSAGE
        status, data, _ = post(client, "x * 7")  # a small one still has a slot
        assert status == 200 and data["svg"]
    status, data, _ = post(client, large)
    assert status == 200 and data["svg"]


def test_slots_are_given_back_when_rendering_fails(monkeypatch):
    app = create_app({"TESTING": True, "MAX_CONCURRENT_RENDERS": 1, "RENDER_QUEUE_TIMEOUT": 0.05})
    client = app.test_client()
    monkeypatch.setattr(render, "DOT_COMMAND", "/nonexistent/dot")
    for i in range(3):
        assert post(client, f"x * {i}")[1]["render_error"]
    monkeypatch.setattr(render, "DOT_COMMAND", "dot")
    assert post(client, "x * 9")[1]["svg"]


def test_no_more_dots_run_at_once_than_there_are_slots(tmp_path, monkeypatch):
    running = tmp_path / "running"
    running.mkdir()
    counts = tmp_path / "counts"
    # Counted from when a dot has a graph: an idle one is not drawing anything.
    monkeypatch.setattr(render, "DOT_COMMAND", graph_by_graph_dot(
        tmp_path, f'touch "{running}/$$"; ls "{running}" | wc -l >> "{counts}"; sleep 0.2; '
                  f'rm "{running}/$$"'))
    app = create_app({"TESTING": True, "MAX_CONCURRENT_RENDERS": 2})
    answers = []

    def one(i):
        answers.append(post(app.test_client(), f"x * {i}")[:2])
    threads = [threading.Thread(target=one, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=20)
    assert len(answers) == 6 and all(s == 200 and d["svg"] for s, d in answers)
    seen = [int(line) for line in counts.read_text().split()]
    assert len(seen) == 6 and max(seen) <= 2


# --- the answer cache ------------------------------------------------------------------------------

def test_a_repeated_request_is_answered_from_the_cache(monkeypatch):
    import engine
    app = create_app({"TESTING": True})
    client = app.test_client()
    first = post(client, "x * 7", {"x": 3})[2].get_data()
    monkeypatch.setattr(engine, "evaluate", lambda *a, **k: pytest.fail("evaluated again"))
    again = post(client, "x * 7", {"x": 3})[2]
    assert again.get_data() == first and again.mimetype == "application/json"
    assert again.headers["Content-Security-Policy"]  # still goes through after_request
    # Anything different is a new request.
    with pytest.raises(pytest.fail.Exception):
        post(client, "x * 7", {"x": 4})


def test_answers_without_a_drawing_are_not_cached(monkeypatch):
    client = create_app({"TESTING": True}).test_client()
    monkeypatch.setattr(render, "DOT_COMMAND", "/nonexistent/dot")
    assert post(client, "x * 7")[1]["render_error"]
    monkeypatch.setattr(render, "DOT_COMMAND", "dot")
    assert post(client, "x * 7")[1]["svg"]


def test_the_cache_keeps_to_its_byte_budget():
    cache = answers.AnswerCache(4000)
    for i in range(20):
        cache.put(f"k{i}", [b"." * 200, b"." * 300])   # an answer is kept as its parts
        assert cache.size <= 4000
    assert cache.get("k19") == (b"." * 200, b"." * 300)
    # 7 answers of 503 bytes (key included) fit: k13 ... k19.
    assert cache.get("k12") is None and cache.get("k13") and cache.get("k19")
    cache.put("big", [b"." * 1500])   # over a quarter of the budget: not kept
    cache.put("k20", [b"." * 500])    # evicts the least recently used: k14 (k13 was just read)
    assert cache.get("big") is None and cache.get("k13") and cache.get("k14") is None


def test_the_cache_can_be_turned_off(monkeypatch):
    import engine
    client = create_app({"TESTING": True, "RESPONSE_CACHE_BYTES": 0}).test_client()
    calls = []
    evaluate = engine.evaluate
    monkeypatch.setattr(engine, "evaluate", lambda *a, **k: calls.append(1) or evaluate(*a, **k))
    post(client, "x * 7")
    post(client, "x * 7")
    assert len(calls) == 2


@pytest.mark.parametrize("bad", [-1, 1.5, "64", True])
def test_bad_cache_sizes_are_refused(bad):
    with pytest.raises(ValueError, match="RESPONSE_CACHE_BYTES"):
        create_app({"RESPONSE_CACHE_BYTES": bad})


# --- a real gunicorn: a worker killed mid-request -----------------------------------------------

def api_call(port, body, timeout=15):
    """(status, data) or ("dropped", exception name)."""
    try:
        status, raw = request(port, "POST", "/api/graph", json.dumps(body).encode(),
                                         timeout=timeout)
    except (OSError, http.client.HTTPException) as exc:
        return "dropped", type(exc).__name__
    return status, json.loads(raw)


def command_of(pid):
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:   # gone meanwhile
        return None


@pytest.mark.slow
def test_killing_a_worker_mid_request_leaves_the_other_answering(tmp_path):
    # Every graph takes at least 0.2 s (a long-lived `dot` on PATH that sleeps
    # before drawing each one), so a `dot` with a child of its own is surely
    # drawing a request's graph.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    graph_by_graph_dot(bin_dir, "sleep 0.2", real_dot='/usr/bin/env PATH="$REAL_PATH" dot')
    env = {"PATH": f"{bin_dir}:{os.environ['PATH']}", "REAL_PATH": os.environ["PATH"]}
    outcomes = []  # (started, finished, status or "dropped", data)
    stop = threading.Event()

    def busy_worker(server):
        """A worker with a graph not yet drawn (so with a request in flight), and its `dot`."""
        for worker in server.workers():
            for dot in serving.children(worker):
                if any(command_of(pid) == "sleep" for pid in serving.children(dot)):
                    return worker, dot   # in its 0.2 s before drawing
        return None

    with serving.launch(front=False, env=env) as server:
        workers = wait_for(lambda: len(server.workers()) == 2 and server.workers(), 10)
        assert workers and len(workers) == 2, server.log_text()

        def client(i):
            n = 0
            while not stop.is_set():
                n += 1
                body = {"expression": "(x + y) * z", "values": {"x": i, "y": n, "z": -4}}
                started = time.monotonic()
                status, data = api_call(server.port, body)
                outcomes.append((started, time.monotonic(), status, data))

        threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(8)]
        for t in threads:
            t.start()
        try:
            time.sleep(0.8)
            # A render subprocess dies: only its own request notices, with a message.
            found = wait_for(lambda: busy_worker(server), 5)
            assert found, "no render in flight"
            helpers = serving.children(found[1])
            os.kill(found[1], signal.SIGKILL)
            for pid in helpers:   # its sleep (or, just started, the dot drawing for it)
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            time.sleep(0.5)
            # A whole worker dies while it is drawing.
            found = wait_for(lambda: busy_worker(server), 5)
            assert found, "no render in flight"
            victim = found[0]
            killed_at = time.monotonic()
            os.kill(victim, signal.SIGKILL)
            respawned = wait_for(
                lambda: (w := server.workers()) and len(w) == 2 and victim not in w, 10)
            respawned_at = time.monotonic()
            assert respawned, server.log_text()
            # Until requests sent after the respawn are answered (on a busy machine
            # one takes longer than the second this used to wait).
            wait_for(lambda: len([o for o in outcomes if o[0] > respawned_at]) >= 4, 30)
        finally:
            stop.set()
            for t in threads:
                t.join(timeout=20)
        log = server.log_text()

    summary = collections.Counter(o[2] for o in outcomes)
    assert all(o[2] in (200, "dropped") for o in outcomes), summary  # never a 5xx
    # The request whose `dot` was killed still got its numbers, with a clear message.
    failed_renders = [o[3] for o in outcomes if o[2] == 200 and o[3]["svg"] is None]
    assert failed_renders and all(DOT_DIED.search(d["render_error"]["message"])
                                  for d in failed_renders), failed_renders
    # Only requests in flight on the killed worker were dropped, and some were: those
    # in its 4 threads and those it had accepted and queued for them (8 clients at most).
    dropped = [o for o in outcomes if o[2] == "dropped"]
    assert 1 <= len(dropped) <= 8, (dropped, summary)
    assert all(started < killed_at < finished for started, finished, *_ in dropped), dropped
    # Everything sent after the kill was answered: by the other worker, then by both.
    after = [o for o in outcomes if o[0] > killed_at]
    assert after and all(o[2] == 200 for o in after), summary
    assert any(o[0] > respawned_at for o in after)
    assert log.count("Booting worker") >= 3, log  # gunicorn started a new one


# --- the page says what happened -------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


class BrowserThread:
    """Chromium driven from a thread of its own.

    Playwright's sync API refuses to start while another instance runs on the
    same thread, and tests/page keeps one open on the main thread for the
    whole session; so these tests hand their page work to this thread.
    """

    def __init__(self, base_url):
        import queue
        self.base_url = base_url
        self.jobs = queue.Queue()
        self.ready = threading.Event()
        self.failure = None
        self.thread = threading.Thread(target=self._run, name="fault-browser", daemon=True)
        self.thread.start()
        if not self.ready.wait(60) or self.failure:
            raise RuntimeError(f"Chromium did not start: {self.failure}")

    def _run(self):
        from playwright.sync_api import sync_playwright
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                self.ready.set()
                while (job := self.jobs.get()) is not None:
                    fn, done, result = job
                    context = browser.new_context(base_url=self.base_url)
                    try:
                        page = context.new_page()
                        page.set_default_timeout(10_000)
                        result["value"] = fn(page)
                    except BaseException as exc:  # handed back to the test's thread
                        result["error"] = exc
                    finally:
                        context.close()
                        done.set()
                browser.close()
        except BaseException as exc:
            self.failure = exc
            self.ready.set()

    def run(self, fn, timeout=60):
        done, result = threading.Event(), {}
        self.jobs.put((fn, done, result))
        assert done.wait(timeout), "the browser thread did not finish in time"
        if "error" in result:
            raise result["error"]
        return result.get("value")

    def close(self):
        self.jobs.put(None)
        self.thread.join(timeout=30)


@pytest.fixture(scope="module")
def in_browser():
    import logging
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    with live_server() as url:
        browser = BrowserThread(url)
        yield browser.run
        browser.close()


def type_program(page, text):
    page.goto("/")
    page.wait_for_selector("body[data-status]", state="attached")
    page.fill("#program", text)


def message_text(page):
    page.wait_for_selector("body[data-status=error]", state="attached")
    return page.locator(".error-text").inner_text()


@pytest.mark.browser
def test_page_says_when_the_server_does_not_answer(in_browser):
    def check(page):
        page.route("**/api/graph", lambda route: route.abort("connectionreset"))
        type_program(page, "x * 2")
        return message_text(page)
    assert "did not answer" in in_browser(check)


@pytest.mark.browser
def test_page_says_when_the_server_is_busy(in_browser):
    def check(page):
        page.route("**/api/graph", lambda route: route.fulfill(
            status=503, content_type="application/json", headers={"Retry-After": "1"},
            body=json.dumps({"error": {"message": drawing.BUSY_MESSAGE, "start": None, "end": None}})))
        type_program(page, "x * 2")
        return message_text(page)
    assert drawing.BUSY_MESSAGE in in_browser(check)


@pytest.mark.browser
def test_page_shows_markup_in_messages_as_text(in_browser):
    evil = '<img src=x id=evil onerror="document.body.dataset.pwned=1"><b>bold</b>&amp;'

    def check(page):
        page.route("**/api/graph", lambda route: route.fulfill(
            status=400, content_type="application/json",
            body=json.dumps({"error": {"message": evil, "start": 0, "end": 1}})))
        type_program(page, "x * 2")
        text = message_text(page)
        page.wait_for_timeout(100)  # an injected <img> would have fired onerror by now
        return (text, page.locator("#evil").count(), page.locator(".error-text b").count(),
                page.evaluate("() => document.body.dataset.pwned"))
    text, images, bolds, pwned = in_browser(check)
    assert evil in text and images == 0 and bolds == 0 and pwned is None


# --- dot gets a graph only when there is one to draw ---------------------------------------------

def test_no_dot_is_given_a_program_with_a_mistake(monkeypatch, tmp_path):
    command, graphs = logging_dot(tmp_path)
    monkeypatch.setattr(render, "DOT_COMMAND", command)
    client = create_app({"TESTING": True}).test_client()
    response = client.post("/api/graph", json={"expression": "x * (", "values": {}})
    assert response.status_code == 400 and graphs("svg") == 0
    status, data, _ = post(client, "x * 3")
    assert status == 200 and data["svg"] and graphs("svg") == 1


def test_a_refused_drawing_gives_dot_nothing_and_frees_the_slot(monkeypatch, tmp_path):
    import engine
    command, graphs = logging_dot(tmp_path)
    monkeypatch.setattr(render, "DOT_COMMAND", command)
    app = create_app({"TESTING": True, "MAX_CONCURRENT_RENDERS": 1, "RENDER_QUEUE_TIMEOUT": 0.05})
    client = app.test_client()
    prepare = render.prepare
    plan = render.plan(engine.evaluate("x * 7", {"x": 2}).to_dict())
    plan.refusal = "too many long wires"
    monkeypatch.setattr(render, "prepare", lambda *a, **k: ("digraph {}", plan))
    status, data, _ = post(client, "x * 7")
    assert assert_numbers_without_drawing(status, data, 14) == "too many long wires"
    assert graphs("svg") == 0
    monkeypatch.setattr(render, "prepare", prepare)
    status, data, _ = post(client, "x * 8")      # the one slot is free again
    assert status == 200 and data["svg"] and graphs("svg") == 1
