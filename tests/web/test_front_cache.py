"""The front's cache of answers (make run's nginx): a drawn answer is kept by its request's whole
body and given back only for that body; an answer without its picture, an error or a busy
503 is never kept; and the cache keeps to its bytes on disk."""

from __future__ import annotations

import http.client
import json
import time
from pathlib import Path

import pytest

from app import create_app, serving, shapes
from app.answers import FRONT_CACHE_SECONDS
from app.drawing import render_slots

needs_nginx = pytest.mark.skipif(serving.nginx_binary() is None,
                                 reason="nginx missing (make test installs it)")


def circuit(x, y=5, z=-4):
    return {"expression": "(x + y) * z", "values": {"x": x, "y": y, "z": z}}


def call(port, payload, content_type="application/json"):
    """(status, X-Cache, body) of one POST /api/graph on a fresh connection."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        conn.request("POST", "/api/graph", body=body, headers={"Content-Type": content_type})
        response = conn.getresponse()
        return response.status, response.getheader("X-Cache"), response.read()
    finally:
        conn.close()


def cache_bytes(server) -> int:
    """Bytes of the files in the front's cache (in its run directory, named on nginx's command line)."""
    words = serving.command_line(server.nginx()).split()
    folder = Path(words[words.index("-p") + 1]) / "answers"
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def call_until_hit(port, payload, expected, tries=100):
    """Repeat a request until the front answers it from its cache, checking every answer's body.

    nginx files an answer in its cache just after the last byte has gone to the client,
    so a repeat sent at once may still reach the app (which gives the same bytes).
    """
    for _ in range(tries):
        status, cached, body = call(port, payload)
        assert status == 200 and body == expected
        if cached == "HIT":
            return True
        time.sleep(0.05)
    return False


def wait_for(condition, timeout=60):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def test_the_app_lets_a_front_keep_only_answers_with_their_picture():
    app = create_app({"TESTING": True, "MAX_CONCURRENT_RENDERS": 1, "RENDER_QUEUE_TIMEOUT": 0})
    client = app.test_client()
    for _ in range(2):   # drawn, then from the app's own cache: the same mark
        drawn = client.post("/api/graph", json=circuit(1))
        assert drawn.get_json()["svg"] and drawn.headers["X-Accel-Expires"] == str(FRONT_CACHE_SECONDS)
    refused = client.post("/api/graph", json={"expression": shapes.fan(2000), "values": {"x": 0.5}})
    assert refused.get_json()["render_error"] and "X-Accel-Expires" not in refused.headers
    bad = client.post("/api/graph", json={"expression": "x +"})
    assert bad.status_code == 400 and "X-Accel-Expires" not in bad.headers
    with render_slots(app).hold(False, app.config):
        busy = client.post("/api/graph", json=circuit(2))
    assert busy.status_code == 200 and busy.get_json()["render_error"] and "X-Accel-Expires" not in busy.headers


@pytest.mark.slow
@needs_nginx
def test_the_front_answers_a_body_only_with_its_own_answer():
    with serving.launch(front=True, workers=2) as server:
        a, b = circuit(1), circuit(2)                 # bodies of the same length
        first_a, first_b = call(server.port, a), call(server.port, b)
        assert first_a[:2] == first_b[:2] == (200, "MISS")
        assert json.loads(first_a[2])["output"]["value"] == -24.0
        assert json.loads(first_b[2])["output"]["value"] == -28.0
        for payload, first in ((a, first_a), (b, first_b), (a, first_a)):
            assert call_until_hit(server.port, payload, first[2])
        # Another spelling of the same request is another body: the app answers it.
        spaced = json.dumps(a, indent=1).encode()
        status, cached, body = call(server.port, spaced)
        assert (status, cached) == (200, "MISS") and json.loads(body)["output"]["value"] == -24.0
        # A body the front has kept, sent as something else than JSON, is still the app's 415.
        status, cached, body = call(server.port, a, content_type="text/plain")
        assert status == 415 and cached == "MISS" and json.loads(body)["error"]
        status, cached, _ = call(server.port, a, content_type="application/json; charset=utf-8")
        assert (status, cached) == (200, "MISS")


@pytest.mark.slow
@needs_nginx
def test_the_front_never_keeps_an_answer_without_its_picture_or_an_error():
    with serving.launch(front=True, workers=1) as server:
        refused = {"expression": shapes.fan(2000), "values": {"x": 0.5}}   # no picture
        bad = {"expression": "x + (", "values": {}}
        for _ in range(3):
            status, cached, body = call(server.port, refused)
            assert (status, cached) == (200, "MISS") and json.loads(body)["render_error"]
            status, cached, body = call(server.port, bad)
            assert (status, cached) == (400, "MISS") and json.loads(body)["error"]


@pytest.mark.slow
@needs_nginx
def test_the_front_cache_keeps_to_its_bytes_on_disk():
    bound = 400_000
    with serving.launch(front=True, workers=1,
                        env={"BACKPROP_FRONT_CACHE_BYTES": str(bound)}) as server:
        sizes = []
        for i in range(40):    # ~40 KB answers, 1.6 MB in all
            status, cached, body = call(server.port, {"expression": shapes.sop(60),
                                                      "values": {}, "options": {
                                                          "default_value": i}})
            assert (status, cached) == (200, "MISS")
            sizes.append(len(body))
        assert sum(sizes) > 3 * bound
        # nginx's cache manager removes the least recently used answers past the bound.
        assert wait_for(lambda: 0 < cache_bytes(server) <= bound), cache_bytes(server)
        status, cached, _ = call(server.port, {"expression": shapes.sop(60), "values": {},
                                               "options": {"default_value": 39}})
        assert (status, cached) == (200, "HIT")      # the newest is still there
