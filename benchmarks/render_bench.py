"""Render benchmark: how long Graphviz takes on graphs of different shapes, and which layout.

Run by hand (not in CI)::

    .venv/bin/python benchmarks/render_bench.py                  # the named shapes below
    .venv/bin/python benchmarks/render_bench.py --hard           # app/shapes.py's hard shapes
    .venv/bin/python benchmarks/render_bench.py --hard --sizes 1000 2000 --fit

Options: ``--layout figure|compact|auto`` (default auto, the one the page uses),
``--timeout`` seconds for each `dot` run (default: render.DEFAULT_TIMEOUT),
``--only NAME ...`` to run some shapes.

``--hard`` generates every family of app/shapes.py (balanced trees over a few
shared inputs, wide fan-out, long chains, dense random reuse, sums of products,
layered networks ...) at each of ``--sizes`` nodes (default 500 1000 1500 2000)
and times the whole ``POST /api/graph`` of each (Flask's test client, the
server's settings, new values so no cache answers): the goal is that every one
answers, with its picture or a refusal, within 3 s.  It prints the predicted
seconds of `dot` (``plan.cost``), the request's seconds and what came back.
``--fit`` also runs a new ``dot -Tsvg`` on every DOT (refused ones too) for its
CPU seconds, and fits planning.DOT_SECONDS_FIT to them (least squares on the
relative error), printing the largest and smallest measured / predicted.

For every shape it prints the graph's size (engine nodes; drawn nodes and
wires), the measures the choice is made on (``render.plan``: max fan-out;
``stretch``, the rank crossings of all wires, ranked as late as possible, see
engine/render/planning.py ``measure``; ``fig.str``, the same as the figure ranks them),
the layout chosen, for the compact layout the wires drawn from a copy of their
value's name and the crossings left (for the figure: ``fig.str`` again), and
the seconds that ``to_svg`` took (no cache) or its refusal.  The goal: every
graph up to the 2,000-node limit answers within 3 s on a 2-core machine, with
its picture or refused at once with a clear message.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import random
import re
import resource
import subprocess
import sys
import time

import numpy as np

import engine
from app import create_app
from app import shapes as hard_shapes
from engine import render
from engine.render import planning

FUNCTIONS = {"sin", "tanh", "exp", "max"}


def tree(leaves: int, rng: random.Random) -> str:
    """A balanced tree of + and * over a0..a<leaves-1>."""
    level = [f"a{i}" for i in range(leaves)]
    while len(level) > 1:
        pairs = [f"({level[i]}{rng.choice('+*')}{level[i + 1]})"
                 for i in range(0, len(level) - 1, 2)]
        level = pairs + ([level[-1]] if len(level) % 2 else [])
    return level[0]


def random_mix(variables: int, terms: int, rng: random.Random) -> str:
    """`tanh(x3-x7) + x1*x5 + exp(-x2) + max(x4, x9) + ...` over x0..x<variables-1>."""
    out = []
    for _ in range(terms):
        a, b = rng.sample(range(variables), 2)
        out.append(rng.choice([f"x{a}*x{b}", f"tanh(x{a}-x{b})", f"exp(-x{a})",
                               f"max(x{a}, x{b})"]))
    return " + ".join(out)


def sum_of_products(terms: int) -> str:
    """`x0*x1 + x1*x2 + ...` (engine_bench's program; each x is used twice)."""
    return " + ".join(f"x{i}*x{i + 1}" for i in range(terms))


def layered(width: int, depth: int, rng: random.Random) -> str:
    """A random layered network of ``depth`` layers of ``width`` (app/shapes.py's family)."""
    return hard_shapes.layered(width + 2 * width * depth, rng, width)


def hub_mix(values: int, terms: int, rng: random.Random) -> str:
    """Named intermediates h0..h<values-1> (gates, not inputs) reused at random in a long sum."""
    lines = [f"h{i} = tanh(a{i} - b{i})" for i in range(values)]
    mix = re.sub(r"\bx(\d+)", r"h\1", random_mix(values, terms, rng))
    return "; ".join(lines + ["f = " + mix])


def shapes() -> dict[str, str]:
    rng = random.Random(1)
    return {
        "circuit": "q = x + y; f = q * z",
        "neuron": "f = 1 / (1 + exp(-(w0*x0 + w1*x1 + w2)))",
        "sop50": sum_of_products(50),
        "sop67 (~200 nodes)": sum_of_products(67),
        "sop200": sum_of_products(200),
        "sop333 (~1000 nodes)": sum_of_products(333),
        "sop650": sum_of_products(650),
        "tree512": tree(512, rng),
        "chain900": "sin(" * 900 + "x" + ")" * 900,
        "poly100": " + ".join(f"{i}*x**{i % 5}" for i in range(100)),
        "poly300": " + ".join(f"{i}*x**{i % 5}" for i in range(300)),
        "rand20x100": random_mix(20, 100, rng),
        "rand20x200": random_mix(20, 200, rng),
        "rand20x400": random_mix(20, 400, rng),
        "rand100x80 (~200 nodes)": random_mix(100, 80, rng),
        "rand400x400 (~1000 nodes)": random_mix(400, 400, rng),
        "fan100": "+".join(["x"] * 100),
        "fan300": "+".join(["x"] * 300),
        "fan700": "+".join(["x"] * 700),
        "qfan700 (gate hub)": "q = tanh(x); f = " + "+".join(["q"] * 700),
        "qpoly300 (gate hub)": "q = tanh(x); f = " + " + ".join(
            f"{i}*q**{i % 5}" for i in range(300)),
        "hubmix20x200": hub_mix(20, 200, rng),
        "hubmix100x400": hub_mix(100, 400, rng),
        "layered20x30": layered(20, 30, rng),
        "layered40x24": layered(40, 24, rng),
    }


def result_of(text: str) -> dict:
    names = sorted(set(re.findall(r"\b[a-z]\w*\b", text)) - FUNCTIONS)
    values = {name: ((i % 7) - 3) / 4 or 0.5 for i, name in enumerate(names)}
    limits = engine.Limits(max_length=10**6, max_nodes=10**5)
    return engine.evaluate(text, values, limits).to_dict()


def measure(d: dict, layout: str, timeout: float):
    """(plan, seconds or None, error message or None) of one to_svg run."""
    render.clear_cache()
    p = render.plan(d, layout=layout)
    began = time.perf_counter()
    try:
        render.to_svg(d, timeout=timeout, layout=layout)
        error = None
    except render.RenderError as err:
        error = err.message
    return p, time.perf_counter() - began, error


def dot_cpu(source: str, timeout: float = 60.0) -> float | None:
    """CPU seconds of a new ``dot -Tsvg`` on ``source`` (None if it ran out of time)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        subprocess.run(["dot", "-Tsvg"], input=source.encode(), capture_output=True,
                       timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return None
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime


def fit(rows, layout) -> tuple:
    """DOT_SECONDS_FIT[layout] fitted to [(plan.work, cpu seconds)], weighing relative error.

    dot_seconds is linear in its coefficients: each one's term is the prediction
    with that coefficient 1 and the others 0.
    """
    def terms(work):
        return [planning.dot_seconds(*work, layout="unit")
                for planning.DOT_SECONDS_FIT["unit"] in np.eye(5)]
    x = np.array([terms(w) for w, _ in rows])
    y = np.array([cpu for _, cpu in rows])
    weight = 1 / np.maximum(y, 0.2)
    coef, *_ = np.linalg.lstsq(x * weight[:, None], y * weight, rcond=None)
    return tuple(round(float(c), 4) for c in coef)


def hard(args) -> int:
    """Every family of app/shapes.py at each size, through the API: seconds and outcome."""
    app = create_app({"TESTING": True, "MAX_EXPRESSION_LENGTH": 10**6})
    app.logger.setLevel(logging.ERROR)   # not a line per refusal
    client = app.test_client()
    rng = random.Random(0)
    print(f"(load average {os.getloadavg()[0]:.1f}, {os.cpu_count()} cores; MAX_DOT_SECONDS "
          f"{planning.MAX_DOT_SECONDS}, RENDER_TIMEOUT {client.application.config['RENDER_TIMEOUT']})")
    print("| shape | nodes | layout | copies | predicted dot s | request s | answer |"
          + (" dot -Tsvg CPU s |" if args.fit else ""))
    print("|---|---:|---|---:|---:|---:|---|" + ("---:|" if args.fit else ""))
    rows, worst = [], 0.0
    for size in args.sizes:
        for name in hard_shapes.NAMES:
            if args.only and not any(name.startswith(o) for o in args.only):
                continue
            program = hard_shapes.shape(name, size)
            names = engine.input_names(program, engine.Limits(max_length=10**6))
            body = {"expression": program,
                    "values": {n: round(rng.uniform(-2, 2), 3) for n in names}}
            render.clear_cache()
            began = time.perf_counter()
            response = client.post("/api/graph", json=body)
            seconds = time.perf_counter() - began
            data = response.get_json()
            if response.status_code != 200:
                outcome = f"{response.status_code} {data['error']['message'][:60]}"
            elif data["svg"]:
                outcome = "picture"
            else:
                outcome = "refused: " + data["render_error"]["message"][:50]
            worst = max(worst, seconds)
            p = render.plan(data, max_nodes=10**5) if response.status_code == 200 else None
            line = (f"| {name} | {len(data.get('nodes', ()))} | {p.layout if p else ''} | "
                    f"{len(p.copies) if p else ''} | {p.cost if p else 0:.2f} | {seconds:.2f} | "
                    f"{outcome} |")
            if args.fit and p is not None:
                cpu = dot_cpu(data["dot"])
                line += f" {cpu:.2f} |" if cpu is not None else " (over 60 s) |"
                if cpu is not None:
                    rows.append((p.layout, p.work, cpu))
            print(line, flush=True)
    print(f"\nslowest answer: {worst:.2f} s (goal: 3 s)")
    for layout in ("figure", "compact") if args.fit else ():
        mine = [(w, cpu) for lay, w, cpu in rows if lay == layout]
        if len(mine) < 5:
            continue
        ratios = [cpu / planning.dot_seconds(*w, layout=layout) for w, cpu in mine if cpu > 0.3]
        print(f"{layout}: DOT_SECONDS_FIT now {planning.DOT_SECONDS_FIT[layout]}, "
              f"fitted to these {len(mine)} {fit(mine, layout)}")
        if ratios:
            print(f"  measured / predicted now, graphs over 0.3 s: "
                  f"{min(ratios):.2f} to {max(ratios):.2f}")
    with open(args.fit_data, "a") if args.fit else contextlib.nullcontext() as out:
        for layout, w, cpu in rows:
            out.write(json.dumps({"layout": layout, "work": w, "cpu": cpu}) + "\n")
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--layout", default="auto", choices=render.LAYOUTS)
    parser.add_argument("--timeout", type=float, default=render.DEFAULT_TIMEOUT)
    parser.add_argument("--only", nargs="*", help="shape names (prefixes) to run")
    parser.add_argument("--hard", action="store_true", help="app/shapes.py's families, through the API")
    parser.add_argument("--sizes", nargs="*", type=int, default=[500, 1000, 1500, 2000])
    parser.add_argument("--fit", action="store_true", help="with --hard: fit DOT_SECONDS_FIT")
    parser.add_argument("--fit-data", default="render_bench_fit.jsonl",
                        help="with --fit: append (work, CPU seconds) rows to this file")
    args = parser.parse_args(argv)
    if args.hard:
        return hard(args)

    print(f"{'shape':27} {'nodes':>5} {'drawn':>5} {'wires':>5} {'fan':>4} {'stretch':>8} "
          f"{'fig.str':>7} {'layout':8} {'copies':>6} {'left':>5} {'predict':>7} {'seconds':>8}  result")
    for name, text in shapes().items():
        if args.only and not any(name.startswith(o) for o in args.only):
            continue
        d = result_of(text)
        p, seconds, error = measure(d, args.layout, args.timeout)
        outcome = "ok" if error is None else ("REFUSED: " if p.refusal else "FAILED: ") + error
        copies, left = ((len(p.copies), p.compact_stretch) if p.layout == "compact"
                        else ("", p.figure_stretch))
        print(f"{name:27} {len(d['nodes']):5} {p.nodes:5} {p.wires:5} {p.fanout:4} "
              f"{p.stretch:8} {p.figure_stretch:7} {p.layout:8} {copies:>6} {left:>5} "
              f"{p.cost:7.2f} {seconds:8.2f}  {outcome}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
