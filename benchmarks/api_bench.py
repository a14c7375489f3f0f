#!/usr/bin/env python3
"""POST /api/graph against `dot -Tsvg` alone on the same DOT, measured in one run.

    .venv/bin/python benchmarks/api_bench.py                 # test client, gunicorn, make run
    .venv/bin/python benchmarks/api_bench.py --paths front   # only through make run's nginx
    .venv/bin/python benchmarks/api_bench.py --no-server --trials 10
    .venv/bin/python benchmarks/api_bench.py --memory 40     # + a worker's memory after large graphs

For the circuit, the neuron, and sums of products ``x0*x1 + x1*x2 + ...`` of ~200
and ~1,000 nodes, one request at a time:

* **dot**: ``dot -Tsvg`` as a new subprocess on the DOT source the request produced
  (its ``"dot"`` field), timed right after the request;
* **uncached**: the whole ``POST /api/graph`` with new random values each trial,
  so the caches miss (through Flask's test client; through gunicorn alone, as
  ``make app`` serves; and through what ``make run`` serves, nginx in front of
  gunicorn; over loopback, one kept-alive connection), from sending the
  request to having the whole answer's bytes; parsing them is the client's
  work and is not counted, as dot's SVG is not parsed either;
* **cached**: the same request sent again at once (an answer-cache hit: the
  app's, or through ``make run`` the front's, which never reaches the app).

Ratios are medians of each trial's ratio: uncached / dot (goals: at most 0.4 for the circuit and the
neuron, whose time is mostly dot's start-up, which the app's long-lived dots do
not pay; at most 1.25 for 200 and 1,000 nodes, mostly layout) and uncached /
cached (goal at least 10).  ``--profile`` adds where the time of an uncached
request goes, in-process.  ``--memory N`` sends N different large graphs
through gunicorn and reports each worker's resident memory (now and peak) and
its dots'.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

import engine
from app import create_app, serving
from engine import render


def sum_of_products(terms: int) -> str:
    return " + ".join(f"x{i}*x{i + 1}" for i in range(terms))


PROGRAMS = {
    "circuit": "q = x + y\nf = q * z",
    "neuron": "f = 1 / (1 + exp(-(w0*x0 + w1*x1 + w2)))",
    "sop-200": sum_of_products(67),     # 201 nodes
    "sop-1000": sum_of_products(334),   # 1,002 nodes
}
TRIALS = {"circuit": 40, "neuron": 40, "sop-200": 20, "sop-1000": 12}
# uncached / dot at most this (the request's goal), per program.
GOALS = {"circuit": 0.4, "neuron": 0.4, "sop-200": 1.25, "sop-1000": 1.25}


def body_for(program: str, rng: random.Random) -> bytes:
    names = engine.input_names(program)
    return json.dumps({"expression": program,
                       "values": {n: round(rng.uniform(-3, 3), 4) for n in names},
                       "options": {"precision": 2, "default_value": 1.0}}).encode()


def run_dot(source: str) -> float:
    start = time.perf_counter()
    subprocess.run(["dot", "-Tsvg"], input=source.encode(), capture_output=True, check=True,
                   timeout=120)
    return time.perf_counter() - start


class TestClientTarget:
    name = "test client"

    def __init__(self, config=None):
        self.client = create_app(config).test_client()

    def post(self, body: bytes) -> bytes:
        response = self.client.post("/api/graph", data=body, content_type="application/json")
        raw = response.get_data()
        assert response.status_code == 200, raw[:300]
        return raw


class ServerTarget:
    """A server over one keep-alive connection, as the page's fetch does.

    Behind gunicorn alone each worker process has its own caches, so a repeated
    request is a hit only on the worker that answered it first: the kept-alive
    connection stays on it.  Behind the front, nginx answers a repeat itself.
    """

    def __init__(self, port, name="gunicorn"):
        self.port, self.name = port, name
        self.conn = None

    def post(self, body: bytes) -> bytes:
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            try:
                self.conn.request("POST", "/api/graph", body=body,
                                  headers={"Content-Type": "application/json"})
                response = self.conn.getresponse()
                raw = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()  # the server closed an idle keep-alive connection: reconnect
                self.conn = None
                if attempt == 2:
                    raise
        assert response.status == 200, raw[:300]
        return raw


def timed(fn):
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def measure(target, program, trials, rng):
    """Medians: seconds of (dot alone, uncached request, cached request), the ratios, nodes.

    Each trial times the three back to back, and the ratios are the medians of
    each trial's own ratios: on a machine shared with other work, load that
    comes and goes then slows both sides of a ratio alike.
    """
    dots, uncached, cached = [], [], []
    nodes = 0
    body = body_for(program, rng)
    target.post(body)  # warm up (imports, first fork)
    for _ in range(trials):
        body = body_for(program, rng)
        gc.collect()
        t, raw = timed(lambda: target.post(body))
        data = json.loads(raw)  # the client's parsing is not part of the request
        assert data["svg"], data["render_error"]
        uncached.append(t)
        cached.append(timed(lambda: target.post(body))[0])
        dots.append(run_dot(data["dot"]))
        nodes = len(data["nodes"])
    median = statistics.median
    return (median(dots), median(uncached), median(cached),
            median(u / d for u, d in zip(uncached, dots)),
            median(u / c for u, c in zip(uncached, cached)), nodes)


def profile(program, trials, rng):
    """Median seconds of each stage of one uncached request, in-process."""
    from engine.render.svg import finish_svg
    from engine.render import runner
    app = create_app()
    stages = {k: [] for k in ("parse+evaluate", "to_dict", "to_dot", "dot (kept running)",
                              "finish_svg", "json encode", "whole request")}
    client = app.test_client()
    for _ in range(trials):
        body = body_for(program, rng)
        values = json.loads(body)["values"]
        t, result = timed(lambda: engine.evaluate(program, values))
        stages["parse+evaluate"].append(t)
        t, data = timed(result.to_dict)
        stages["to_dict"].append(t)
        t, source = timed(lambda: render.to_dot(data))
        stages["to_dot"].append(t)
        t, raw = timed(lambda: runner.DotJob(runner.POOL, render.DOT_COMMAND, source, 60.0).result())
        stages["dot (kept running)"].append(t)
        t, svg = timed(lambda: finish_svg(raw))
        stages["finish_svg"].append(t)
        data.update(svg=svg, dot=source, render_error=None)
        with app.app_context():
            from flask import jsonify
            stages["json encode"].append(timed(lambda: jsonify(data).get_data())[0])
        body = body_for(program, rng)
        stages["whole request"].append(timed(
            lambda: client.post("/api/graph", data=body, content_type="application/json"))[0])
    return {k: statistics.median(v) for k, v in stages.items() if v}


def worker_memory(server, programs, count, rng):
    """Post ``count`` different large graphs, then each worker's memory and its dots' (MiB)."""
    target = ServerTarget(server.port)
    for i in range(count):
        target.post(body_for(programs[i % len(programs)], rng))
    rows = []
    for worker in server.workers():
        status = Path(f"/proc/{worker}/status").read_text()
        field = {k: int(v.split()[0]) / 1024 for k, v in
                 (line.split(":", 1) for line in status.splitlines() if line.startswith("Vm"))}
        dots = [int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
                / 2**20 for pid in serving.children(worker)]
        rows.append((worker, field["VmRSS"], field["VmHWM"], dots))
    return rows


def ms(seconds):
    return f"{seconds * 1000:.1f}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=None, help="trials per program (default: 40/40/20/12)")
    parser.add_argument("--no-server", action="store_true", help="only the test client")
    parser.add_argument("--paths", default="client,gunicorn,front",
                        help="comma-separated: client (Flask's test client), gunicorn (alone), "
                             "front (make run: nginx in front of gunicorn)")
    parser.add_argument("--profile", action="store_true", help="add the per-stage breakdown")
    parser.add_argument("--memory", type=int, default=0, metavar="N",
                        help="then send N different large graphs through gunicorn and report memory")
    parser.add_argument("--only", nargs="*", choices=list(PROGRAMS), help="programs to run")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.trials is not None and not 1 <= args.trials <= 500:
        parser.error("--trials must be between 1 and 500")
    programs = {k: v for k, v in PROGRAMS.items() if not args.only or k in args.only}
    rng = random.Random(args.seed)

    rows, memory = [], None
    load_before = os.getloadavg()[0]
    paths = ["client"] if args.no_server else args.paths.split(",")
    targets = [TestClientTarget()] if "client" in paths else []
    servers = contextlib.ExitStack()
    try:
        if "gunicorn" in paths or args.memory:
            server = servers.enter_context(serving.launch(front=False))
            if "gunicorn" in paths:
                targets.append(ServerTarget(server.port))
        if "front" in paths:
            front = servers.enter_context(serving.launch(front=True))
            targets.append(ServerTarget(front.port, "make run"))
        for target in targets:
            for name, program in programs.items():
                trials = args.trials or TRIALS[name]
                dot, uncached, cached, r1, r2, nodes = measure(target, program, trials, rng)
                rows.append((name, nodes, target.name, trials, dot, uncached, cached, r1, r2))
                print(f"  {target.name:11s} {name:9s} done", file=sys.stderr, flush=True)
        if args.memory:
            memory = worker_memory(server, [PROGRAMS["sop-1000"], sum_of_products(666),
                                            "+".join(["x"] * 700)], args.memory, rng)
    finally:
        servers.close()

    print(f"(load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after, "
          f"on {os.cpu_count()} cores)\n")
    print("| program | nodes | path | trials | dot -Tsvg ms | request uncached ms | "
          "request cached ms | uncached / dot (goal) | uncached / cached (goal >= 10) |")
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|")
    for name, nodes, path, trials, dot, uncached, cached, r1, r2 in rows:
        goal = GOALS[name]
        print(f"| {name} | {nodes} | {path} | {trials} | {ms(dot)} | {ms(uncached)} | "
              f"{ms(cached)} | {r1:.2f} (<= {goal}){'' if r1 <= goal else ' MISSED'} | "
              f"{r2:.1f}{'' if r2 >= 10 else ' MISSED'} |")

    if memory:
        print(f"\nAfter {args.memory} different large graphs (700 to 1,998 nodes), MiB:")
        print("| worker | resident now | resident peak | its dots, resident |")
        print("|---|---:|---:|---|")
        for worker, rss, hwm, dots in memory:
            print(f"| {worker} | {rss:.0f} | {hwm:.0f} | {', '.join(f'{d:.0f}' for d in dots)} |")

    if args.profile:
        print("\nWhere an uncached request's time goes (medians, ms, in-process):")
        header = None
        for name, program in programs.items():
            stages = profile(program, args.trials or TRIALS[name], rng)
            if header is None:
                header = list(stages)
                print("| program | " + " | ".join(header) + " |")
                print("|---|" + "---:|" * len(header))
            print(f"| {name} | " + " | ".join(ms(stages[k]) for k in header) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
