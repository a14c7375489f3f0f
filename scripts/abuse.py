#!/usr/bin/env python3
"""Abuse: attacks on a public server, each beside a small request (the canary) that must keep answering.

    .venv/bin/python scripts/abuse.py                     # make run's setup (nginx + gunicorn)
    .venv/bin/python scripts/abuse.py --no-front          # gunicorn alone, as make run was before
    .venv/bin/python scripts/abuse.py --only slow-body,half-body --seconds 15
    .venv/bin/python scripts/abuse.py --target 127.0.0.1:5000   # a server already running here

It starts the server itself on a free port of 127.0.0.1 (app/serving.py, as
`make run` does), or attacks ``--target``, which must be a loopback address
(anything else is refused).  Each attack runs for ``--seconds`` with a bounded
number of clients; meanwhile one canary client sends the circuit ``(x + y) * z``
with fresh values (so no cache answers it) one request after another, each
with a 10 s timeout.  Per attack it prints the canary's p50/p95/max latency and
failures, the attack's answers by status, the 5xx count, and the peak RSS of
the gunicorn workers (sampled from /proc every 0.1 s; only for a server it
started).  The attacks:

- slow-body: clients that send a request body at one byte a second;
- half-body: clients that send half their body, then wait;
- no-read:   clients that ask for a ~15 MB answer and never read it;
- bomb-2 / bomb-3: ``a = [[1, 1, ... 1000 ones]]; M = a + transpose(a); f = sum(M*M)``
  (and ``M*M*M``), 1000x1000 arrays from a 3 KB request;
- layout:    10 clients looping a 1,000-leaf balanced tree over 5 shared inputs (a
  7 KB program: `dot` took 7-9 s on it before the planner drew its inputs from
  copies; now ~1 s), with fresh values each time, so every request is laid out;
- layout-max: the same with a sum of 666 products (1,998 nodes, 8 KB), the
  costliest layout under the node limit that is still drawn (~2 s of `dot`).

``--clients N`` runs every attack chosen with N clients instead of its own number.
"""

from __future__ import annotations

import argparse
import collections
import http.client
import ipaddress
import json
import random
import re
import signal
import socket
import statistics
import sys
import threading
import time
from pathlib import Path

from app import serving  # make run's launcher
from app.shapes import balanced_tree, sop

CANARY_TIMEOUT = 10.0
ONES = "[[" + ", ".join(["1"] * 1000) + "]]"
# ~15 MB of JSON: the values and gradients of a 330x330 matrix program.
BIG = "a = [[" + ", ".join(["1"] * 330) + "]]; M = a + transpose(a); f = sum(M*M)"


def body(expression: str, values: dict | None = None) -> bytes:
    return json.dumps({"expression": expression, "values": values or {},
                       "options": {"default_value": 1.0}}).encode()


def head(port: int, length: int) -> bytes:
    return (f"POST /api/graph HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {length}\r\n\r\n").encode()


class Tally:
    """What one attack saw: statuses (or failure kinds) by who saw them, and canary latencies."""

    def __init__(self):
        self.lock = threading.Lock()
        self.seen = collections.defaultdict(collections.Counter)  # "canary"/"attack" -> outcome
        self.canary = []  # seconds, failures counted as CANARY_TIMEOUT

    def add(self, who, outcome, seconds=None):
        with self.lock:
            self.seen[who][outcome] += 1
            if who == "canary":
                self.canary.append(seconds)


def post(port, payload, timeout):
    """(status, seconds) of one POST on a fresh connection; the answer is read and dropped."""
    start = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("POST", "/api/graph", body=payload,
                     headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        while response.read(1 << 20):
            pass
        return response.status, time.perf_counter() - start
    finally:
        conn.close()


# One sequence of values for the whole run: a canary per attack that started its own
# would repeat the first one's values, which the front's cache then answers.
CANARY_VALUES = random.Random(1)


def canary(port, stop, tally):
    rng = CANARY_VALUES
    while not stop.is_set():
        values = {n: round(rng.uniform(-5, 5), 6) for n in "xyz"}
        try:
            status, seconds = post(port, body("(x + y) * z", values), CANARY_TIMEOUT)
            tally.add("canary", status, seconds)
        except (OSError, http.client.HTTPException) as exc:
            tally.add("canary", type(exc).__name__, CANARY_TIMEOUT)
        stop.wait(0.1)


# --- attackers: each runs until ``stop`` is set --------------------------------------

def outcome_of(sock) -> str:
    """What became of a held connection: the server's status, "closed", or "held"."""
    sock.setblocking(False)
    try:
        data = sock.recv(64)
    except BlockingIOError:
        return "held"
    except OSError as exc:
        return type(exc).__name__
    if not data:
        return "closed"
    parts = data.split(b" ", 2)
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else "answered"


def slow_body(port, stop, tally):
    payload = body("x * y", {"x": 1, "y": 2}).ljust(1000)
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(head(port, len(payload)))
        try:
            for i in range(len(payload)):
                if stop.wait(1.0):
                    break
                sock.send(payload[i:i + 1])
        except OSError as exc:
            tally.add("attack", type(exc).__name__)
            return
        tally.add("attack", outcome_of(sock))


def half_body(port, stop, tally):
    payload = body("x * y", {"x": 1, "y": 2}).ljust(2000)
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(head(port, len(payload)) + payload[:1000])
        stop.wait()
        tally.add("attack", outcome_of(sock))


def no_read(port, stop, tally):
    """Asks for BIG, already drawn and cached (see ``prime``), so the attack is only the not reading."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.settimeout(5)
        sock.connect(("127.0.0.1", port))
        payload = body(BIG)
        sock.sendall(head(port, len(payload)) + payload)
        stop.wait()
        tally.add("attack", outcome_of(sock))


def prime(port, expression):
    """Send ``expression`` once and read the answer, so the server's cache holds it."""
    post(port, body(expression), 120)


def looping(expression, fresh=False):
    """An attacker that sends ``expression`` again and again, reading each answer.

    ``fresh``: with new values for its inputs each time, so no cache answers it.
    """
    names = sorted(set(re.findall(r"\b[a-z]\w*\b", expression))) if fresh else []

    def attacker(port, stop, tally):
        rng = random.Random()
        while not stop.is_set():
            values = {n: round(rng.uniform(-2, 2), 6) for n in names}
            try:
                tally.add("attack", post(port, body(expression, values), 120)[0])
            except (OSError, http.client.HTTPException) as exc:
                tally.add("attack", type(exc).__name__)
    return attacker


ATTACKS = {  # name: (attacker, clients, what it is)
    "slow-body": (slow_body, 20, "20 clients sending a body at 1 byte/s"),
    "half-body": (half_body, 16, "16 clients that sent half a body and wait"),
    "no-read": (no_read, 10, "10 clients that do not read a ~15 MB answer"),
    "bomb-2": (looping(f"a = {ONES}; M = a + transpose(a); f = sum(M*M)"), 2,
               "2 clients looping sum(M*M), M 1000x1000 from a 3 KB request"),
    "bomb-3": (looping(f"a = {ONES}; M = a + transpose(a); f = sum(M*M*M)"), 2,
               "2 clients looping sum(M*M*M)"),
    "layout": (looping(balanced_tree(1000, ["x0", "x1", "x2", "x3", "x4"]), fresh=True), 10,
               "10 clients looping a 1,000-leaf balanced tree over 5 inputs (7 KB), new values"),
    "layout-max": (looping(sop(2000), fresh=True), 10,
                   "10 clients looping a sum of 666 products (1,998 nodes), new values"),
}


# --- memory ----------------------------------------------------------------------------

def rss_mb(pid) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class Sampler:
    """The largest RSS of one gunicorn worker, and of all of them together, while it runs."""

    def __init__(self, server):
        self.server, self.peak, self.peak_total, self.pids = server, 0.0, 0.0, set()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self):
        while not self.stop.wait(0.1):
            workers = self.server.workers()
            self.pids.update(workers)
            sizes = [rss_mb(w) for w in workers]
            self.peak = max([self.peak, *sizes])
            self.peak_total = max(self.peak_total, sum(sizes))

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.thread.join()


# --- one attack --------------------------------------------------------------------------

def run_attack(port, server, name, seconds, clients=None):
    """Run attack ``name`` (or only the canary, for "quiet") for ``seconds``; answer its row."""
    attacker, default_clients, _ = ATTACKS.get(name, (None, 0, ""))
    clients = default_clients if clients is None else clients
    tally, stop, canary_stop = Tally(), threading.Event(), threading.Event()
    if name == "no-read":
        prime(port, BIG)
    threads = [threading.Thread(target=guarded(attacker), args=(port, stop, tally), daemon=True)
               for _ in range(clients if attacker else 0)]
    sampler = Sampler(server) if server else None
    if sampler:
        sampler.__enter__()
    try:
        for t in threads:
            t.start()
        time.sleep(min(1.0, seconds / 5))  # let the attack take hold before the canary starts
        canary_thread = threading.Thread(target=canary, args=(port, canary_stop, tally),
                                         daemon=True)
        canary_thread.start()
        time.sleep(seconds)
        canary_stop.set()
        canary_thread.join(CANARY_TIMEOUT + 5)  # the attack holds until the canary is done
        stop.set()
        for t in threads:
            t.join(130)  # a looping attacker finishes the request it has out
    finally:
        if sampler:
            sampler.__exit__()
    return row(name, clients, tally, sampler)


def guarded(attacker):
    def run(port, stop, tally):
        try:
            attacker(port, stop, tally)
        except (OSError, http.client.HTTPException) as exc:
            tally.add("attack", type(exc).__name__)
    return run


def row(name, clients, tally, sampler):
    times = sorted(tally.canary)
    ok = tally.seen["canary"][200]
    failed = sum(tally.seen["canary"].values()) - ok

    def pct(p):
        return times[min(len(times) - 1, round(p / 100 * (len(times) - 1)))] * 1000 if times else 0

    statuses = [s for who in tally.seen.values() for s in who.elements()]
    return {"attack": name, "clients": clients, "canary": len(times), "canary_failed": failed,
            "p50": pct(50), "p95": pct(95), "max": times[-1] * 1000 if times else 0,
            "mean": statistics.fmean(times) * 1000 if times else 0,
            "attack_outcomes": dict(tally.seen["attack"]),
            "5xx": sum(1 for s in statuses if isinstance(s, int) and s >= 500),
            "worker_rss_mb": round(sampler.peak) if sampler else None,
            "workers_rss_mb": round(sampler.peak_total) if sampler else None,
            "workers_seen": len(sampler.pids) if sampler else None}


def print_table(title, rows):
    print(f"\n## {title}")
    print("| attack | clients | canary n | p50 ms | p95 ms | max ms | canary failed | 5xx "
          "| peak worker RSS MB | all workers MB | attack outcomes |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in rows:
        outcomes = " ".join(f"{k}:{v}" for k, v in sorted(r["attack_outcomes"].items(), key=str))
        print(f"| {r['attack']} | {r['clients']} | {r['canary']} | {r['p50']:.0f} | "
              f"{r['p95']:.0f} | {r['max']:.0f} | {r['canary_failed']} | {r['5xx']} | "
              f"{r['worker_rss_mb'] if r['worker_rss_mb'] is not None else 'n/a'} | "
              f"{r['workers_rss_mb'] if r['workers_rss_mb'] is not None else 'n/a'} | "
              f"{outcomes} |", flush=True)


def loopback_port(target: str) -> int:
    """The port of ``target`` (HOST:PORT), which must be a loopback address; ValueError otherwise."""
    host, _, port = target.rpartition(":")
    host = host.strip("[]")
    if host != "localhost" and not ipaddress.ip_address(host).is_loopback:
        raise ValueError(f"{host} is not a loopback address: this script attacks only this machine")
    if host not in ("127.0.0.1", "localhost"):
        raise ValueError("only 127.0.0.1 (or localhost) is supported as a target")
    return int(port)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-front", action="store_true", help="gunicorn alone, no nginx")
    parser.add_argument("--target", help="attack a server already running at this loopback HOST:PORT")
    parser.add_argument("--seconds", type=float, default=10.0, help="per attack (1 to 120)")
    parser.add_argument("--only", help="comma-separated attacks: " + ", ".join(ATTACKS))
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, help="clients of every attack (default: its own)")
    args = parser.parse_args(argv)
    # SIGTERM unwinds like Ctrl-C, so the server this script started is stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    if not 1 <= args.seconds <= 120:
        parser.error("--seconds must be between 1 and 120")
    names = args.only.split(",") if args.only else list(ATTACKS)
    if unknown := [n for n in names if n not in ATTACKS]:
        parser.error(f"unknown attacks {unknown}; known: {list(ATTACKS)}")
    for name in names:
        print(f"{name}: {ATTACKS[name][2]}")

    def run_all(port, server):
        for _ in range(5):  # warm up: imports, the first `dot`
            post(port, body("(x + y) * z", {"x": 1, "y": 2, "z": 3}), 30)
        rows = [run_attack(port, server, "quiet", args.seconds)]
        for name in names:
            rows.append(run_attack(port, server, name, args.seconds, args.clients))
            print_table(f"so far ({setup})", rows)
        return rows

    if args.target:
        try:
            port = loopback_port(args.target)
        except ValueError as exc:
            parser.error(str(exc))
        setup = f"the server at {args.target}"
        rows = run_all(port, None)
    else:
        setup = ("gunicorn alone" if args.no_front else "nginx + gunicorn") + \
            f", {args.workers} workers x 4 threads"
        with serving.launch(front=not args.no_front, workers=args.workers) as server:
            rows = run_all(server.port, server)
            restarts = server.log_text().count("Booting worker") - args.workers
    print_table(f"canary under attack: {setup}, {args.seconds:.0f} s per attack", rows)
    if not args.target:
        print(f"worker restarts during the run: {restarts}")
    return rows


if __name__ == "__main__":
    main()
