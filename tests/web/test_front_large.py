"""The front lets only a few large requests into the app at once: the others wait in nginx
a little (no CPU) or are answered 429 JSON with Retry-After, while small requests pass
untouched (a canary under 10 clients looping costly graphs: scripts/abuse.py)."""

from __future__ import annotations

import http.client
import json
import re
import threading
from pathlib import Path

import pytest

from app import nginx, serving
from app.errors import MESSAGES

needs_nginx = pytest.mark.skipif(serving.nginx_binary() is None,
                                 reason="nginx missing (make test installs it)")


@pytest.mark.parametrize("n", [0, 9, 10, 99, 1000, 2048, 4999])
def test_over_matches_exactly_the_greater_numbers(n):
    pattern = re.compile(f"^({nginx.over(n)})$")
    assert [k for k in range(0, 12_000) if bool(pattern.match(str(k))) != (k > n)] == []


def test_the_config_counts_only_large_or_chunked_bodies():
    conf = nginx.nginx_config("127.0.0.1:1", ["unix:/tmp/app.sock"], Path("/tmp/run"),
                              1000, MESSAGES, large_bytes=2048, large_at_once=3)
    assert 'map $content_length $large_body { "" large; "~^(' in conf
    assert "limit_conn large 3;" in conf and "limit_req zone=large_rate burst=30;" in conf
    assert "rate=3r/s" in conf and "limit_conn_status 429;" in conf
    assert "location @error429 { default_type application/json; add_header Retry-After 1 always;" in conf
    off = nginx.nginx_config("127.0.0.1:1", ["unix:/tmp/app.sock"], Path("/tmp/run"), 1000, MESSAGES)
    assert "limit_conn" not in off and "limit_req" not in off


def call(port, expression, values):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request("POST", "/api/graph", body=json.dumps({"expression": expression, "values": values,
                                                                 "options": {"default_value": 1.0}}),
                     headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        return response.status, response.getheader("Retry-After"), json.loads(response.read())
    finally:
        conn.close()


@pytest.mark.slow
@needs_nginx
def test_large_requests_beyond_the_limit_are_told_to_retry_and_small_ones_pass():
    large = " + ".join(f"a{i} * b{i}" for i in range(20))   # a body over 200 bytes
    env = {"BACKPROP_FRONT_LARGE_BYTES": "200", "BACKPROP_FRONT_LARGE_AT_ONCE": "1"}
    with serving.launch(front=True, workers=1, env=env) as server:
        answers = []

        def one(i):
            answers.append(call(server.port, large, {"a0": i}))
        # 30 at once: one a second is let in and ten may wait, so the rest are refused.
        threads = [threading.Thread(target=one, args=(i,)) for i in range(30)]
        for t in threads:
            t.start()
        status, _, data = call(server.port, "(x + y) * z", {"x": 1, "y": 2, "z": 3})  # small: not counted
        assert status == 200 and data["output"]["value"] == 9.0
        for t in threads:
            t.join(timeout=120)
        statuses = sorted(status for status, _, _ in answers)
        assert len(answers) == 30 and set(statuses) == {200, 429}, statuses
        for status, retry, data in answers:
            if status == 429:
                assert retry == "1" and "busy with other large programs" in data["error"]["message"]
            else:
                assert data["svg"] and data["output"]["value"] is not None
