"""Checks every engine result must pass, shared by the engine and property tests."""

import json
import math

import numpy as np


def as_float(v):
    """A JSON number back to a float (the strings stand for inf and nan)."""
    if isinstance(v, str):
        return {"Infinity": math.inf, "-Infinity": -math.inf, "NaN": math.nan}[v]
    if isinstance(v, list):
        return np.array([as_float(x) for x in v], dtype=np.float64)
    return float(v)


def live_nodes(d: dict) -> set[int]:
    live = {d["output"]["node"]}
    for n in reversed(d["nodes"]):
        if n["id"] in live:
            live.update(n["inputs"])
    return live


def assert_sum_matches(parts: list, grad) -> None:
    """grad == sum(parts), up to the rounding of a sum taken in another order."""
    grad = np.asarray(grad, dtype=np.float64)
    total = np.zeros(grad.shape)
    scale = np.zeros(grad.shape)
    with np.errstate(all="ignore"):
        for p in parts:
            total = total + p
            scale = scale + np.abs(p)
        finite = np.isfinite(total) & np.isfinite(grad)
        assert np.array_equal(np.isnan(total), np.isnan(grad)), (parts, grad)
        assert np.array_equal(np.where(finite, 0, total), np.where(finite, 0, grad),
                              equal_nan=True), (parts, grad)
        err = np.abs(np.where(finite, total - grad, 0.0))
        assert np.all(err <= 1e-12 * np.where(finite, scale, 0.0) + 1e-300), (parts, grad)


def check_invariants(d: dict) -> None:
    """What every to_dict() promises, whatever the program."""
    json.dumps(d, allow_nan=False)
    nodes, edges = d["nodes"], d["edges"]
    assert [n["id"] for n in nodes] == list(range(len(nodes)))
    k = 0
    for n in nodes:
        assert n["kind"] in ("input", "const", "op")
        assert (n["op"] is None) == (n["kind"] != "op")
        assert all(i < n["id"] for i in n["inputs"]), "ids are a topological order"
        if n["kind"] != "op":
            assert n["inputs"] == []
        for slot, src in enumerate(n["inputs"]):
            e = edges[k]
            assert (e["id"], e["source"], e["target"], e["slot"]) == (k, src, n["id"], slot)
            assert e["value"] == nodes[src]["value"]
            k += 1
    assert k == len(edges), "one edge per use of a value"
    out = d["output"]["node"]
    live = live_nodes(d)
    assert np.all(as_float(nodes[out]["grad"]) == 1.0)
    for n in nodes:
        outs = [e for e in edges if e["source"] == n["id"]]
        for e in outs:
            if e["target"] not in live:
                assert np.all(as_float(e["grad"]) == 0.0), "edges off the path carry 0"
        if n["id"] == out:
            continue
        assert_sum_matches([as_float(e["grad"]) for e in outs], as_float(n["grad"]))
    fwd = [s["node"] for s in d["steps"] if s["phase"] == "forward"]
    bwd = [s["node"] for s in d["steps"] if s["phase"] == "backward"]
    ops = [n["id"] for n in nodes if n["kind"] == "op"]
    assert fwd == ops
    assert bwd == sorted((i for i in ops if i in live), reverse=True)
