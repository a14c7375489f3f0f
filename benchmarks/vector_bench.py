"""Vector benchmark: ``sum(tanh(W @ x + b))`` forward and backward, beside plain numpy.

Run by hand: ``.venv/bin/python benchmarks/vector_bench.py``. The baseline is the
same computation and its gradients written directly in numpy, in the same run.
Goal: the engine within 1.5x of plain numpy.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from engine.graph import Limits, build

PROGRAM = "f = sum(tanh(W @ x + b))"


def plain_numpy(W, x, b):
    h = W @ x + b
    t = np.tanh(h)
    f = t.sum()
    dh = 1.0 - t * t  # df/dt is all ones
    return f, np.outer(dh, x), W.T @ dh, dh


def ours(graph):
    # A fresh evaluation holds no results of the previous one: drop them first, as a
    # new request would, so both sides allocate their outputs the same way.
    for node in graph.nodes:
        node.grad = None
        if node.kind == "op":
            node.value = None
    graph.edge_grads = graph.local = None
    graph.warnings = []
    graph.forward()
    graph.backward()
    return graph


def best_of(fn, repeats):
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", default="256,1024")
    ap.add_argument("--repeats", type=int, default=20)
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    limits = Limits(max_array_size=10**7)
    print(f"{'n':>6} {'numpy ms':>10} {'engine ms':>10} {'ratio':>7}")
    for n in (int(s) for s in args.sizes.split(",")):
        W = rng.standard_normal((n, n)) / np.sqrt(n)
        x = rng.standard_normal(n)
        b = rng.standard_normal(n)
        graph = build(PROGRAM, limits)
        graph.bind({"W": W, "x": x, "b": b})
        ours(graph)
        f, dW, dx, db = plain_numpy(W, x, b)
        grads = {k: graph.nodes[graph.names[k]].grad for k in "Wxb"}
        assert np.allclose(grads["W"], dW) and np.allclose(grads["x"], dx)
        assert np.allclose(grads["b"], db) and abs(graph.nodes[graph.output].value - f) < 1e-9
        t_np = best_of(lambda: plain_numpy(W, x, b), args.repeats)
        t_ours = best_of(lambda: ours(graph), args.repeats)
        print(f"{n:>6} {t_np * 1e3:>10.3f} {t_ours * 1e3:>10.3f} {t_ours / t_np:>7.2f}")
    print("ratio = engine forward+backward time / plain numpy time (goal <= 1.5)")


if __name__ == "__main__":
    main()
