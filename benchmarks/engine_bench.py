"""Engine benchmark: parse, forward and backward per node, beside PyPI micrograd.

Run by hand (not in CI): ``make bench`` or ``.venv/bin/python benchmarks/engine_bench.py``.
The program is the chain ``x0*x1 + x1*x2 + ... `` of N terms; micrograd builds and
back-propagates the same graph in the same run. Times are the best of a few
repeats; memory is the peak traced by tracemalloc in a separate run.
"""

from __future__ import annotations

import argparse
import gc
import sys
import threading
import time
import tracemalloc

import engine
from engine.graph import Limits, build

try:
    from micrograd.engine import Value
except ImportError:  # the bench extra is not installed
    Value = None


def program(terms: int) -> tuple[str, dict]:
    text = " + ".join(f"x{i}*x{i + 1}" for i in range(terms))
    values = {f"x{i}": (i % 7 - 3) / 4 for i in range(terms + 1)}
    return text, values


def best(fn, repeats):
    times = []
    out = None
    for _ in range(repeats):
        gc.collect()
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def ours(text, values, repeats):
    limits = Limits(max_length=10**8, max_nodes=10**7)
    t_parse, graph = best(lambda: build(text, limits), repeats)

    def fwd():
        g = build(text, limits)
        g.bind(values)
        t = time.perf_counter()
        g.forward()
        return time.perf_counter() - t, g

    def fwd_bwd():
        dt, g = fwd()
        t = time.perf_counter()
        g.backward()
        return dt, time.perf_counter() - t, g

    runs = [fwd_bwd() for _ in range(repeats)]
    t_fwd = min(r[0] for r in runs)
    t_bwd = min(r[1] for r in runs)
    g = runs[-1][2]
    return t_parse, t_fwd, t_bwd, len(g.nodes), g


def micrograd(terms, values, repeats):
    """Forward = building the Value graph; backward = Value.backward()."""
    def fwd():
        xs = [Value(values[f"x{i}"]) for i in range(terms + 1)]
        out = xs[0] * xs[1]
        for i in range(1, terms):
            out = out + xs[i] * xs[i + 1]
        return out, xs

    fwds, bwds = [], []
    xs = None
    for _ in range(repeats):
        gc.collect()
        t = time.perf_counter()
        out, xs = fwd()
        fwds.append(time.perf_counter() - t)
        t = time.perf_counter()
        out.backward()
        bwds.append(time.perf_counter() - t)
    return min(fwds), min(bwds), xs


def alternate(ours_fn, theirs_fn, repeats):
    """Best CPU time of each, run in turns (so a busy machine slows both alike)."""
    best_ours = best_theirs = float("inf")
    for _ in range(repeats):
        for fn, slot in ((ours_fn, 0), (theirs_fn, 1)):
            gc.collect()
            t = time.process_time()
            fn()
            dt = time.process_time() - t
            if slot == 0:
                best_ours = min(best_ours, dt)
            else:
                best_theirs = min(best_theirs, dt)
    return best_ours, best_theirs


def peak_memory(fn) -> float:
    gc.collect()
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def in_big_stack(fn):
    """Run fn in a thread with a large stack, so micrograd's recursion can go deep."""
    box = {}

    def target():
        try:
            box["out"] = fn()
        except BaseException as err:  # report, do not crash the benchmark
            box["err"] = err

    threading.stack_size(512 * 2**20)
    t = threading.Thread(target=target)
    t.start()
    t.join()
    threading.stack_size(0)
    if "err" in box:
        raise box["err"]
    return box["out"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--sizes", default="333,3333,10000,33333",
                    help="terms per program (each term makes ~3 nodes: 1k, 10k, 100k nodes)")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--no-memory", action="store_true")
    args = ap.parse_args()
    default_limit = sys.getrecursionlimit()
    print(f"python {sys.version.split()[0]}, micrograd {'yes' if Value else 'not installed'}")
    header = (f"{'nodes':>8} {'parse us/node':>14} {'fwd us/node':>12} {'bwd us/node':>12} "
              f"{'f+b us/node':>12} {'micrograd f+b':>14} {'ratio ours/mg':>14} "
              f"{'peak MiB ours':>14} {'peak MiB mg':>12}   evaluate ms/micrograd ms=ratio")
    print(header)
    for terms in (int(s) for s in args.sizes.split(",")):
        text, values = program(terms)
        t_parse, t_fwd, t_bwd, n, g = ours(text, values, args.repeats)
        # check we computed the right thing: d/dx1 = x0 + x2
        want = values["x0"] + values["x2"]
        assert abs(g.nodes[g.names["x1"]].grad - want) < 1e-12
        mg = "n/a"
        ratio = "n/a"
        mg_mem = "n/a"
        if Value is not None:
            # First as a user would run it (default recursion limit), then raised.
            sys.setrecursionlimit(default_limit)
            try:
                micrograd(terms, values, 1)
                at_default = "ok"
            except RecursionError:
                at_default = "RecursionError"
            sys.setrecursionlimit(10**6)  # micrograd's topological sort is recursive
            print(f"   micrograd at the default recursion limit ({default_limit}), "
                  f"{n} nodes: {at_default}")
            try:
                mf, mb, xs = in_big_stack(lambda: micrograd(terms, values, args.repeats))
                assert abs(xs[1].grad - want) < 1e-12
                mg_node = (mf + mb) / n * 1e6
                mg = f"{mg_node:.2f}"
                ratio = f"{(t_fwd + t_bwd) / (mf + mb):.2f}"
                if not args.no_memory:
                    mg_mem = f"{in_big_stack(lambda: peak_memory(lambda: micrograd(terms, values, 1))):.1f}"
            except (RecursionError, MemoryError) as err:
                mg = f"fails: {type(err).__name__}"
        ours_mem = "n/a"
        if not args.no_memory:
            def run_ours():
                r = engine.evaluate(text, values, Limits(max_length=10**8, max_nodes=10**7))
                return r
            ours_mem = f"{peak_memory(run_ours):.1f}"
        whole = "n/a"
        if Value is not None:
            # The whole evaluate (parse, build, bind, forward, backward) against micrograd
            # building and back-propagating the same graph, alternated, CPU time.
            limits = Limits(max_length=10**8, max_nodes=10**7)
            t_eval, t_mg = in_big_stack(lambda: alternate(
                lambda: engine.evaluate(text, values, limits),
                lambda: micrograd(terms, values, 1), args.repeats))
            whole = f"{t_eval * 1e3:.1f}/{t_mg * 1e3:.1f}={t_eval / t_mg:.2f}"
        print(f"{n:>8} {t_parse / n * 1e6:>14.2f} {t_fwd / n * 1e6:>12.2f} "
              f"{t_bwd / n * 1e6:>12.2f} {(t_fwd + t_bwd) / n * 1e6:>12.2f} {mg:>14} "
              f"{ratio:>14} {ours_mem:>14} {mg_mem:>12}   {whole}")
    print("ratio < 1 means our forward+backward per node is faster than micrograd's.")


if __name__ == "__main__":
    main()
