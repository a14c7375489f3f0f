"""`make run`'s setup for real: nginx in front of gunicorn (scripts/serving.py), on loopback ports.

Slow clients (a body at a byte a second, half a body, a large answer never read)
hold nginx connections, not gunicorn threads: a small request (the canary) is
answered while every one of them is still held.  The API's JSON errors hold
through the front; one front balances two app servers and survives one of them
dying; Ctrl-C stops everything `make run` started; two servers do not share
gunicorn's control socket.
"""

from __future__ import annotations

import http.client
import importlib.util
import itertools
import json
import os
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest

from app import ROOT, serving


def load_script(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


abuse = load_script("abuse")

CANARY_LATENCY = {}  # attack -> seconds, printed at the end of the module
SMALL = {"expression": "(x + y) * z", "values": {"x": -2, "y": 5, "z": -4}}


def small(i):
    """SMALL with its own values: a request no cache has answered."""
    return {**SMALL, "values": {"x": i, "y": 5, "z": -4}}


# About 9 MB of answer: more than loopback's socket buffers (4 MB), so a
# server that writes it to a client who does not read is stuck in the write.
BIG = "a = [[" + ", ".join(["1"] * 250) + "]]; M = a + transpose(a); f = sum(M*M)"

pytestmark = pytest.mark.skipif(serving.nginx_binary() is None,
                                reason="nginx missing (make test installs it)")


@pytest.fixture(scope="module", autouse=True)
def report_latency(request):
    """Print the canary's latency under each attack (visible without -s)."""
    yield
    if CANARY_LATENCY:
        line = "front: canary answered in " + ", ".join(
            f"{ms * 1000:.0f} ms under {attack}" for attack, ms in CANARY_LATENCY.items())
        capture = request.config.pluginmanager.get_plugin("capturemanager")
        with capture.global_and_fixture_disabled():
            print(f"\n{line}")


def call(port, payload, content_type="application/json", path="/api/graph", headers=None,
         timeout=30, chunked=False):
    """(status, headers, body) of one POST on a fresh connection."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        if chunked:
            body = iter([body[i:i + 65536] for i in range(0, len(body), 65536)])
        conn.request("POST", path, body=body, encode_chunked=chunked,
                     headers={"Content-Type": content_type, **(headers or {})})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def error_of(status, body, expected):
    assert status == expected, body[:300]
    error = json.loads(body)["error"]
    assert set(error) - {"code", "params"} == {"message", "start", "end"} and error["message"]
    return error


def canary(port, fresh=itertools.count()):
    """How long a small request took (new values each time, so no cache answers it)."""
    x = next(fresh)
    start = time.perf_counter()
    status, _, body = call(port, {**SMALL, "values": {"x": x, "y": 5, "z": -4}}, timeout=60)
    assert status == 200 and json.loads(body)["output"]["value"] == (x + 5) * -4
    return time.perf_counter() - start


# --- slow clients ---------------------------------------------------------------------

def open_attack(port, kind):
    """One attacking connection, its request sent as far as the attack sends it."""
    sock = socket.socket()
    if kind == "no-read":
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.settimeout(10)
    sock.connect(("127.0.0.1", port))
    payload = abuse.body(BIG) if kind == "no-read" else abuse.body("x * y").ljust(2000)
    sent = len(payload) if kind == "no-read" else 1000 if kind == "half-body" else 1
    sock.sendall(abuse.head(port, len(payload)) + payload[:sent])
    return sock, payload[sent:]


def trickle(socks_and_rests, stop):
    """Send the slow bodies on, one byte per connection a second, until ``stop``."""
    while not stop.wait(1.0):
        for sock, rest in socks_and_rests:
            if rest:
                sock.send(rest[:1])
                del rest[:1]


@pytest.mark.parametrize("kind, clients", [("slow-body", 20), ("half-body", 16), ("no-read", 10)])
def test_slow_clients_do_not_stop_a_small_request(kind, clients):
    # One worker (4 threads), so fewer attackers than the would already
    # hold every thread of a gunicorn without the front.
    with serving.launch(front=True, workers=1) as server:
        canary(server.port)  # warm: the first request of a worker pays for its first `dot`
        if kind == "no-read":
            call(server.port, abuse.body(BIG))  # drawn once here, then answered from the cache
        attacks = [open_attack(server.port, kind) for _ in range(clients)]
        stop = threading.Event()
        feeder = threading.Thread(target=trickle, daemon=True,
                                  args=([(s, bytearray(rest)) for s, rest in attacks
                                         if kind == "slow-body"], stop))
        feeder.start()
        try:
            CANARY_LATENCY[kind] = canary(server.port)
            # ... while every attacker still holds its connection, unanswered (or, for
            # no-read, with its answer waiting for it to read).
            outcomes = [abuse.outcome_of(sock) for sock, _ in attacks]
            expected = {200, "held"} if kind == "no-read" else {"held"}
            assert set(outcomes) <= expected, outcomes
        finally:
            stop.set()
            feeder.join()
            for sock, _ in attacks:
                sock.close()


# --- errors through the front -----------------------------------------------------------

@pytest.fixture(scope="module")
def front():
    with serving.launch(front=True, workers=1) as server:
        yield server


def test_a_body_over_the_limit_is_the_apis_413_json(front):
    big = json.dumps({"expression": "x", "pad": "." * 300_000}).encode()
    for chunked in (False, True):
        status, headers, body = call(front.port, big, chunked=chunked)
        error = error_of(status, body, 413)
        assert error["message"] == "The request body is too large."
        assert headers["Content-Type"] == "application/json"


@pytest.mark.parametrize("front_first", [True, False])
def test_a_chunked_body_over_the_limit_is_413_with_and_without_the_front(front, front_first):
    limit = 256 * 1024
    text = json.dumps(SMALL)
    valid_cut = (text[:-1] + " " * (limit - len(text)) + "}").encode() + b" " * 100
    assert json.loads(valid_cut[:limit]) == SMALL
    if front_first:
        status, _, body = call(front.port, valid_cut, chunked=True)
    else:
        with serving.launch(front=False, workers=1) as server:
            status, _, body = call(server.port, valid_cut, chunked=True)
    error_of(status, body, 413)


def test_other_errors_keep_their_json_shape_through_the_front(front):
    error_of(*call(front.port, SMALL, content_type="text/plain")[::2], 415)
    error_of(*call(front.port, b'{"expression": ')[::2], 400)
    error_of(*call(front.port, {"expression": "x +", "values": {}})[::2], 400)
    error_of(*call(front.port, SMALL, path="/api/nothing")[::2], 404)


def test_redirects_through_the_front_never_echo_the_host(front):
    status, headers, _ = call(front.port, SMALL, path="//api//graph",
                              headers={"Host": "evil.example"})
    assert status == 308 and headers["Location"] == "/api/graph"


# --- scale-out -------------------------------------------------------------------------

def posts_logged(server):
    return server.log_text().count('"POST /api/graph')


def logged_until(condition, seconds=30):
    """Whether ``condition`` (on the servers' logs) comes to hold within ``seconds``."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def wait_until_refused(port, seconds=30):
    """Wait until nothing listens on ``port`` any more (a connection is refused)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        except ConnectionRefusedError:
            return
        except OSError:
            pass
        time.sleep(0.05)
    raise AssertionError(f"port {port} still accepts connections")


def test_one_front_balances_two_app_servers_and_survives_one_dying():
    access_log = {"GUNICORN_CMD_ARGS": "--access-logfile -"}
    with serving.launch(front=False, workers=1, env=access_log) as one, \
            serving.launch(front=False, workers=1, env=access_log) as two, \
            serving.launch(front=True, upstreams=[f"127.0.0.1:{one.port}",
                                                f"127.0.0.1:{two.port}"]) as front:
        # (new values each time: the front answers a body it has seen itself)
        for i in range(10):
            assert call(front.port, small(i))[0] == 200
        # gunicorn logs a request after answering it: wait for the log, not for luck
        assert logged_until(lambda: posts_logged(one) + posts_logged(two) == 10)
        assert posts_logged(one) >= 1 and posts_logged(two) >= 1

        os.killpg(one.pid, signal.SIGKILL)  # the whole app server: master and worker
        one.proc.wait()
        # Until the worker is gone too, the kernel still completes connections to its
        # listening socket (and then drops the request nginx sent): wait for refusals.
        wait_until_refused(one.port)
        before = posts_logged(two)
        for i in range(10, 20):
            assert call(front.port, small(i))[0] == 200
        assert logged_until(lambda: posts_logged(two) == before + 10)

        os.killpg(two.pid, signal.SIGKILL)
        two.proc.wait()
        wait_until_refused(two.port)
        error = error_of(*call(front.port, SMALL)[::2], 502)
        assert "not answering" in error["message"]


# --- make run: one command, Ctrl-C stops it all; servers side by side ----------------------

def session_processes(sid):
    """The live processes of session ``sid``, as {pid: command line}."""
    found = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2:].split()
            if int(fields[3]) == sid and fields[0] != "Z":
                found[int(entry)] = serving.command_line(int(entry))
    return found


def test_make_run_serves_through_nginx_and_ctrl_c_stops_everything(tmp_path):
    port = serving.free_port()
    with open(tmp_path / "make.log", "wb") as log:
        make = subprocess.Popen(["make", "-s", "run", "HOST=127.0.0.1", f"PORT={port}"],
                                cwd=ROOT, stdin=subprocess.DEVNULL, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
    try:
        assert serving.wait_until(lambda: serving.answers("127.0.0.1", port), 120, [make]), \
            (tmp_path / "make.log").read_text()
        status, headers, body = call(port, SMALL)
        assert status == 200 and headers["Server"] == "nginx"
        started = session_processes(make.pid)
        kinds = " ".join(started.values())
        assert "nginx: master" in kinds and "gunicorn" in kinds, started
        run_dir = next(c.split(" -p ")[1].split()[0] for c in started.values() if " -p " in c)
        assert Path(run_dir, "nginx.conf").exists()

        os.killpg(make.pid, signal.SIGINT)  # what a terminal's Ctrl-C does
        assert serving.wait_until(lambda: not session_processes(make.pid), 30), \
            session_processes(make.pid)
        make.wait(timeout=10)
        assert not serving.answers("127.0.0.1", port)
        assert not Path(run_dir).exists()
    finally:
        if make.poll() is None:
            os.killpg(make.pid, signal.SIGKILL)
            make.wait()


def test_two_servers_do_not_share_a_gunicorn_control_socket(tmp_path):
    # gunicorn 25+ opens one at $XDG_RUNTIME_DIR/gunicorn.ctl unless told not to:
    # a second server would take over the first one's.
    env = {"XDG_RUNTIME_DIR": str(tmp_path)}
    with serving.launch(front=True, workers=1, env=env) as one, \
            serving.launch(front=True, workers=1, env=env) as two:
        assert call(one.port, SMALL)[0] == 200 and call(two.port, SMALL)[0] == 200
        assert not (tmp_path / "gunicorn.ctl").exists()


@pytest.mark.parametrize("target", ["10.0.0.1:80", "192.168.1.1:5000", "8.8.8.8:53",
                                    "example.com:80", "127.0.0.2:5000", "[::1]:5000"])
def test_the_abuse_script_attacks_only_this_machine(target):
    with pytest.raises(ValueError):
        abuse.loopback_port(target)
    assert abuse.loopback_port("127.0.0.1:5000") == abuse.loopback_port("localhost:5000") == 5000
