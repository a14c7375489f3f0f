"""Run the app for real on 127.0.0.1 at a free port, for the tests, scripts and benchmarks.

* ``live_server()``: Werkzeug's threaded server in a background thread of this
  process (the browser tests, ``scripts/screenshots.py``, ``benchmarks/page_bench.py``).
* ``gunicorn_server()``: gunicorn in a subprocess, started as ``make run`` starts it
  (the fault tests, ``scripts/loadtest.py``, ``benchmarks/api_bench.py``), with
  ``request()`` to talk to it and ``children()`` to find its workers and their `dot`s.
* ``CHROMIUM``, ``CHROMIUM_ARGS``, ``VIEWPORT``: how all of them drive Debian's
  Chromium with Playwright (``playwright install`` is never needed).

The app itself never imports this module.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from werkzeug.serving import make_server

from app import create_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1440, "height": 900}

# The Makefile's `run` recipe (tests/web/test_faults.py checks that they agree).
GUNICORN_ARGS = ["--workers", "2", "--threads", "4", "--timeout", "30"]
APP = "app:create_app()"
CHECKOUT = Path(__file__).resolve().parent.parent


@contextlib.contextmanager
def live_server(config=None):
    """Yield the base URL of a running threaded server; shut it down on exit."""
    server = make_server("127.0.0.1", 0, create_app(config), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


# --- gunicorn ----------------------------------------------------------------------------

class Server:
    """A running gunicorn: ``port``, ``pid`` (the master), ``log`` (its stderr file)."""

    def __init__(self, proc, port, log):
        self.proc, self.pid, self.port, self.log = proc, proc.pid, port, log

    def workers(self) -> list[int]:
        return children(self.pid)

    def log_text(self) -> str:
        return Path(self.log).read_text(errors="replace")


def _stat_fields(pid) -> list[str] | None:
    """The fields of /proc/<pid>/stat after ``(comm)``: state, ppid, ... (None once gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat[stat.rindex(")") + 2:].split()  # comm may hold spaces and parentheses


def children(pid: int) -> list[int]:
    """The live (not zombie) child processes of ``pid``, read from /proc."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (fields := _stat_fields(entry)) is not None:
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(entry))
    return sorted(found)


def parent(pid: int) -> int | None:
    """The parent of a live process, or None once it has gone (or is a zombie)."""
    fields = _stat_fields(pid)
    return None if fields is None or fields[0] == "Z" else int(fields[1])


def control_socket_args() -> list[str]:
    """``--no-control-socket`` where gunicorn has one (25+), so two servers never share it."""
    try:
        from gunicorn.config import KNOWN_SETTINGS
    except ImportError:  # pragma: no cover
        return []
    return ["--no-control-socket"] if any(s.name == "control_socket_disable"
                                          for s in KNOWN_SETTINGS) else []


@contextlib.contextmanager
def gunicorn_server(workers: int = 2, env: dict | None = None, boot_timeout: float = 20.0):
    """Start gunicorn like `make run` on 127.0.0.1 at a free port; yield a Server; stop it."""
    args = list(GUNICORN_ARGS)
    args[1] = str(workers)
    log = tempfile.NamedTemporaryFile(prefix="gunicorn-", suffix=".log", delete=False)
    # This interpreter's gunicorn, so the server runs in the same virtualenv as its caller.
    cmd = [sys.executable, "-m", "gunicorn", *args, "--bind", "127.0.0.1:0",
           *control_socket_args(), APP]
    proc = subprocess.Popen(cmd, cwd=CHECKOUT, stdout=log, stderr=log, stdin=subprocess.DEVNULL,
                            env={**os.environ, **(env or {})}, start_new_session=True)
    try:
        deadline = time.monotonic() + boot_timeout
        port = None
        while time.monotonic() < deadline:
            text = Path(log.name).read_text(errors="replace")
            if port is None and (m := re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", text)):
                port = int(m.group(1))
            if proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {proc.returncode}:\n{text}")
            if port is not None and text.count("Booting worker") >= workers:
                with contextlib.suppress(OSError):
                    if request(port, "GET", "/", timeout=5)[0] == 200:
                        break
            time.sleep(0.05)
        else:
            raise RuntimeError("gunicorn did not start in time:\n"
                               + Path(log.name).read_text(errors="replace"))
        yield Server(proc, port, log.name)
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)  # the group we started: gunicorn + workers
                proc.wait(timeout=5)
        log.close()
        os.unlink(log.name)


def request(port, method, path, body=None, content_type="application/json", timeout=60.0):
    """One request to 127.0.0.1:``port`` on a fresh connection: (status, body bytes)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {"Content-Type": content_type} if body is not None else {}
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()
