"""The picture cache and the answer cache: each keeps to its budget in bytes, least recently used out first."""

from __future__ import annotations

import shutil

import pytest

import engine
from app import answers, create_app
from engine import render
from engine.render import RenderError, SizedLRU
from tests.support.fakedot import logging_dot

NEEDS_DOT = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` not installed")


def test_a_sized_lru_keeps_to_its_budget_and_drops_the_least_recently_used():
    cache = SizedLRU(1000)
    for i in range(10):
        cache.put(i, f"v{i}", 200)
        assert cache.size <= 1000
    assert len(cache) == 5 and [cache.get(i) for i in range(5, 10)] == ["v5", "v6", "v7", "v8", "v9"]
    assert cache.get(4) is None
    cache.get(5)                      # now the most recently used
    cache.put(10, "v10", 200)         # so 6 goes
    assert cache.get(5) == "v5" and cache.get(6) is None
    cache.put(5, "new", 100)          # replacing an entry counts its new cost only
    assert cache.get(5) == "new" and cache.size == 900
    cache.put("big", "x", 251)        # over a quarter of the budget: not kept
    assert cache.get("big") is None and cache.size == 900
    cache.clear()
    assert cache.size == 0 and cache.get(5) is None


def test_a_sized_lru_of_zero_bytes_keeps_nothing():
    cache = SizedLRU(0)
    cache.put("k", "v", 1)
    assert cache.get("k") is None and len(cache) == 0


@pytest.mark.parametrize("bad", [-1, 1.5, "64", True, None])
def test_a_sized_lru_needs_a_whole_number_of_bytes(bad):
    with pytest.raises(ValueError, match="PICTURE_CACHE_BYTES must be a whole number >= 0"):
        SizedLRU(bad, "PICTURE_CACHE_BYTES")


def circuit_source(x):
    d = engine.evaluate("q = x + y; f = q * z", {"x": x, "y": 5, "z": -4}).to_dict()
    return render.to_dot(d)


@NEEDS_DOT
def test_the_picture_cache_keeps_recent_pictures_within_its_bytes(monkeypatch):
    sources = [circuit_source(float(x)) for x in range(12)]
    one = render.svg_from_dot(sources[0], cache=SizedLRU(10**9))
    cache = render.picture_cache(12 * (len(one) + len(sources[0])))   # room for a few pictures
    drawn = [render.svg_from_dot(s, cache=cache) for s in sources]
    assert cache.size <= cache.max_bytes and 1 < len(cache) < len(sources)
    monkeypatch.setattr(render, "DOT_COMMAND", "no-such-dot-program")
    assert render.svg_from_dot(sources[-1], cache=cache) == drawn[-1]   # kept
    with pytest.raises(RenderError, match="not installed"):             # the oldest went
        render.svg_from_dot(sources[0], cache=cache)


@NEEDS_DOT
def test_the_app_keeps_pictures_by_its_config(monkeypatch, tmp_path):
    command, graphs = logging_dot(tmp_path)
    monkeypatch.setattr(render, "DOT_COMMAND", command)
    body = {"expression": "x * 7", "values": {"x": 3}}

    def post_twice(client):
        # two requests, two answers (the options differ), the same DOT
        for default in (None, 1.0):
            response = client.post("/api/graph", json={**body, "options": {"default_value": default}})
            assert response.get_json()["svg"]

    post_twice(create_app({"TESTING": True}).test_client())
    assert graphs("svg") == 1
    post_twice(create_app({"TESTING": True, "PICTURE_CACHE_BYTES": 0}).test_client())
    assert graphs("svg") == 3


def test_cache_budgets_come_from_config_and_environment(monkeypatch):
    app = create_app()
    assert app.config["PICTURE_CACHE_BYTES"] == 32 * 1024 * 1024
    assert app.config["RESPONSE_CACHE_BYTES"] == 64 * 1024 * 1024
    monkeypatch.setenv("BACKPROP_PICTURE_CACHE_BYTES", "1000")
    assert create_app().config["PICTURE_CACHE_BYTES"] == 1000
    assert create_app({"PICTURE_CACHE_BYTES": 5}).config["PICTURE_CACHE_BYTES"] == 5


@pytest.mark.parametrize("bad", [-1, 1.5, "64", True])
def test_bad_picture_cache_sizes_are_refused(bad):
    with pytest.raises(ValueError, match="PICTURE_CACHE_BYTES"):
        create_app({"PICTURE_CACHE_BYTES": bad})


def test_the_answer_cache_counts_an_answers_parts_and_key():
    cache = answers.AnswerCache(1000)
    cache.put("k1", [b"." * 100, b"." * 98])     # 198 + 2 bytes
    assert cache.size == 200 and cache.get("k1") == (b"." * 100, b"." * 98)
    cache.put("k2", [b"." * 300])                # over a quarter of the budget: not kept
    assert cache.get("k2") is None and cache.size == 200
