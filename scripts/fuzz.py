#!/usr/bin/env python3
"""Long fuzz run, by hand: random programs and requests through the engine and the API.

    .venv/bin/python scripts/fuzz.py --seconds 60            # half engine, half API
    .venv/bin/python scripts/fuzz.py --seconds 30 --only engine --seed 7
    .venv/bin/python scripts/fuzz.py --pathological          # the hostile programs, a table

Uses the generators and oracles of app/fuzzing.py (grammar-aware programs,
random values and options) plus plain random text, bytes and JSON shapes, driven
by ``random.Random`` (much faster than hypothesis, and reproducible with --seed).

* engine: ``engine.evaluate`` + ``to_dict`` + ``render.to_dot`` in-process; only an
  EngineError or a JSON-safe result may come out.
* api: ``POST /api/graph`` through Flask's test client (so ``dot`` really runs for
  every valid program); only a 200 with a result and a clean SVG, or a 4xx JSON error.

Every failure is printed once per distinct (kind, exception, message shape) and all
of them are written as JSON lines to --findings (default /tmp/fuzz-findings.jsonl),
with the exact input, so each can be replayed.  The exit status is 1 if anything was found.
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import re
import sys
import time
import traceback
from pathlib import Path

from app import create_app
from app import fuzzing as gen  # the generators and oracles the fuzz tests use

TEXT_ALPHABET = ("xyzwq01234567.89e+-*/^@()[],;=# \n\tabcpsqrtlogmnhxf_" + "".join(gen.ODD)
                 + "\u00e9\u4e2d\u0627\U0001d400")


def random_text(rng) -> str:
    n = rng.randint(0, 60)
    if rng.random() < 0.5:
        return "".join(rng.choice(TEXT_ALPHABET) for _ in range(n))
    return "".join(chr(rng.choice([rng.randint(0, 0x7f), rng.randint(0, 0x2fff),
                                   rng.randint(0xd800, 0xdfff), rng.randint(0, 0x10ffff)]))
                   for _ in range(n))


def random_json(rng, depth=0):
    r = rng.random()
    if depth >= 3 or r < 0.5:
        return rng.choice([None, True, False, 0, -1, 2 ** 70, 1.5, -1e308, "", "x", "(x+y)*z",
                           "\ud800", rng.uniform(-1e6, 1e6), random_text(rng)[:10]])
    if r < 0.75:
        return [random_json(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    keys = ["expression", "values", "options", "precision", "fold_constants", "default_value",
            "x", "y", "z", ""]
    return {rng.choice(keys): random_json(rng, depth + 1) for _ in range(rng.randint(0, 4))}


def engine_input(rng):
    if rng.random() < 0.75:
        text = gen.random_program(rng)
        return "grammar", text, gen.random_values(rng, text)
    return "text", random_text(rng), {}


def api_input(rng):
    """(kind, raw body bytes, content type)."""
    r = rng.random()
    if r < 0.6:
        body = gen.random_body(rng)
        return "grammar", json.dumps(body).encode(), "application/json"
    if r < 0.75:
        body = {"expression": random_text(rng), "values": {"x": 1.0},
                "options": {"default_value": 1.0}}
        return "text", json.dumps(body).encode(), "application/json"
    if r < 0.85:
        return "bytes", rng.randbytes(rng.randint(0, 120)), rng.choice(
            ["application/json", "text/plain", ""])
    return "json", json.dumps(random_json(rng)).encode(), "application/json"


def shape(message: str) -> str:
    """A message with its numbers and quoted parts blanked, to group findings."""
    return re.sub(r"'[^']*'|\"[^\"]*\"|\d+(\.\d+)?", "_", message)[:120]


class Findings:
    def __init__(self, path: Path):
        self.path = path
        self.path.write_text("")
        self.seen = collections.Counter()

    def add(self, kind, exc, payload):
        message = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        key = (kind, type(exc).__name__, shape(message))
        self.seen[key] += 1
        with self.path.open("a") as f:
            f.write(json.dumps({"kind": kind, "error": message, **payload}) + "\n")
        if self.seen[key] == 1:
            print(f"FINDING [{kind}] {message[:300]}\n  input: {json.dumps(payload)[:500]}",
                  flush=True)


def run_engine(rng, seconds, findings):
    counts = collections.Counter()
    deadline = time.perf_counter() + seconds
    start = time.perf_counter()
    while time.perf_counter() < deadline:
        for _ in range(50):
            kind, text, values = engine_input(rng)
            counts[kind] += 1
            try:
                counts[gen.check_engine(text, values)] += 1
            except Exception as exc:  # noqa: BLE001 - every escape is a finding
                counts["finding"] += 1
                findings.add(f"engine-{kind}", exc, {"program": text, "values": values})
    return counts, time.perf_counter() - start


def run_api(rng, seconds, findings):
    client = create_app({"TESTING": True}).test_client()
    counts = collections.Counter()
    deadline = time.perf_counter() + seconds
    start = time.perf_counter()
    while time.perf_counter() < deadline:
        for _ in range(10):
            kind, raw, content_type = api_input(rng)
            counts[kind] += 1
            try:
                response = client.post("/api/graph", data=raw, content_type=content_type)
                counts[response.status_code] += 1
                gen.check_response(response.status_code, response.mimetype, response.get_data())
            except Exception as exc:  # noqa: BLE001
                counts["finding"] += 1
                findings.add(f"api-{kind}", exc, {"body": raw.decode("utf-8", "replace"),
                                                  "content_type": content_type})
    return counts, time.perf_counter() - start


def pathological_cases():
    """(name, request body as bytes) of the hostile programs in tests/web/test_fuzz_api.py."""
    def body(expression, values=None):
        return json.dumps({"expression": expression, "values": values or {},
                           "options": {"default_value": 1.5}}).encode()
    return [
        ("100k nested parentheses", body("(" * 100_000 + "x" + ")" * 100_000)),
        ("2**2**... 1000 deep", body("2**" * 1000 + "2")),
        ("2**2**... 999 deep", body("2**" * 999 + "2")),
        ("x**x**... 999 deep", body("x**" * 999 + "x")),
        ("1 MB program", body("x + " * (2 ** 18) + "x")),
        ("10,000 distinct variables", body(" + ".join(f"v{i}" for i in range(10_000)))),
        ("exp(exp(exp(1000)))", body("exp(exp(exp(1000)))")),
        ("10,000-character name", body("a" * 10_000 + " * 2")),
        ("NUL byte", body("x\x00 + 1")),
        ("RTL override", body("x\u202e + 1")),
        ("combining accent", body("x\u0301 + 1")),
        ("emoji", body("x + \U0001F600")),
        ("lone surrogate \\ud800", body("x\ud800")),
        ("markup in a name", body('x + <script>"&\\{')),
        ("markup in a comment", body("x * 2 # <script>alert(1)</script> & \\ {")),
    ]


def run_pathological():
    """Each hostile program once through the API (default config): status, time, answer."""
    client = create_app({"TESTING": True}).test_client()
    roomy = create_app({"TESTING": True, "MAX_EXPRESSION_LENGTH": 10 ** 6,
                        "MAX_CONTENT_LENGTH": 4 * 2 ** 20, "MAX_NODES": 10 ** 5,
                        "MAX_DEPTH": 10 ** 6, "RENDER_TIMEOUT": 2.0}).test_client()
    print("| program | limits | status | ms | answer |")
    print("|---|---|---:|---:|---|")
    for name, raw in pathological_cases():
        for label, c in (("default", client), ("raised", roomy)):
            start = time.perf_counter()
            response = c.post("/api/graph", data=raw, content_type="application/json")
            ms = (time.perf_counter() - start) * 1000
            data = response.get_json()
            if response.status_code == 200:
                answer = (f"f = {data['output']['value']}; "
                          + (f"svg {len(data['svg']) // 1024} KB" if data["svg"] else
                             f"render_error: {data['render_error']['message']}")
                          + (f"; warning: {data['warnings'][0][:50]}" if data["warnings"] else ""))
            else:
                answer = data["error"]["message"]
            answer = answer.replace("|", "\\|")[:110]
            print(f"| {name} | {label} | {response.status_code} | {ms:.0f} | {answer} |", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="total time budget")
    parser.add_argument("--only", choices=["engine", "api"], help="run only one level")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--findings", type=Path, default=Path("/tmp/fuzz-findings.jsonl"))
    parser.add_argument("--pathological", action="store_true",
                        help="only run the hostile programs once each and print a table")
    args = parser.parse_args(argv)
    import logging
    logging.getLogger("app").setLevel(logging.ERROR)  # "render failed" warnings are expected
    if args.pathological:
        run_pathological()
        return 0
    if not 0 < args.seconds <= 3600:
        parser.error("--seconds must be between 0 and 3600")

    seed = args.seed if args.seed is not None else random.randrange(2 ** 32)
    print(f"seed {seed}; findings go to {args.findings}", flush=True)
    findings = Findings(args.findings)

    levels = [args.only] if args.only else ["engine", "api"]
    total = 0
    for level in levels:
        rng = random.Random(f"{seed}-{level}")
        budget = args.seconds / len(levels)
        counts, elapsed = (run_engine if level == "engine" else run_api)(rng, budget, findings)
        n = sum(counts[k] for k in ("grammar", "text", "bytes", "json"))
        total += n
        detail = ", ".join(f"{k}: {v}" for k, v in sorted(counts.items(), key=str))
        print(f"{level:6s} {n:8d} inputs in {elapsed:6.1f} s = {n / elapsed:8.0f}/s  ({detail})",
              flush=True)
    found = sum(findings.seen.values())
    print(f"total {total} inputs, {found} findings in {len(findings.seen)} groups")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
