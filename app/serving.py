"""Serve backprop-viz as `make run` does: nginx in front, gunicorn behind it.

    python -m app.serving --host 127.0.0.1 --port 5000 --workers 2     # make run
    python -m app.serving --port 8000 --upstream 10.0.0.2:8000 --upstream 10.0.0.3:8000
    python -m app.serving --app-only --host 10.0.0.2 --port 8000      # make app

Why a front: gunicorn's threads read a request's body and write its answer
themselves, so twenty clients sending a body at one byte a second, or ten that
never read a 15 MB answer, hold every thread and everybody else waits.  nginx
reads the whole request before it passes it on (over a Unix socket, at once)
and takes the whole answer into its buffers (memory, then temporary files), so
a gunicorn thread only ever computes.  Slow clients cost nginx a connection
each, and its timeouts (``app.nginx.TIMEOUTS``) drop them.  Errors nginx answers itself
(a body over the limit, the app down) are the API's JSON shape.

The default starts gunicorn on a Unix socket in a temporary run directory and
nginx on HOST:PORT before it.  With ``--upstream`` it starts nginx only, which
balances the given app servers (each started with ``--app-only``: see the
README's "Public server").  Ctrl-C (SIGINT), SIGTERM or SIGHUP stops both and
removes the run directory; if either dies the other is stopped too.  The
children also get SIGTERM if this process is killed outright (PR_SET_PDEATHSIG).
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from app.nginx import listen_address, nginx_binary, nginx_config, worker_user

ROOT = Path(__file__).resolve().parent.parent
APP = "app:create_app()"

# gunicorn's settings, shared by `make run`, `make app`, scripts/loadtest.py and scripts/abuse.py.
GUNICORN_ARGS = ["--threads", "4", "--timeout", "30"]

def control_socket_args() -> list[str]:
    """``--no-control-socket`` where gunicorn has a control socket (25+).

    Its default path is one per user (~/.gunicorn/gunicorn.ctl), so two servers
    would share it; nothing here uses it.
    """
    from gunicorn.config import KNOWN_SETTINGS
    names = {setting.name for setting in KNOWN_SETTINGS}
    return ["--no-control-socket"] if "control_socket_disable" in names else []


def gunicorn_command(bind: str, workers: int) -> list[str]:
    """The command that runs the app under gunicorn on ``bind`` (``host:port`` or ``unix:path``)."""
    # This interpreter's gunicorn: the server runs in the same environment as its caller.
    return [sys.executable, "-m", "gunicorn", "--workers", str(workers), *GUNICORN_ARGS,
            "--bind", bind, *control_socket_args(), APP]


def app_limits() -> dict:
    """The app's own limits that the front must agree with (BACKPROP_* variables included)."""
    from app import create_app
    from app.errors import MESSAGES
    app = create_app()
    return {"max_body": app.config["MAX_CONTENT_LENGTH"], "messages": MESSAGES,
            "cache_bytes": app.config["FRONT_CACHE_BYTES"],
            "large_bytes": app.config["FRONT_LARGE_BYTES"],
            "large_at_once": app.config["FRONT_LARGE_AT_ONCE"]}


def _die_with_parent():
    """In the child before exec: get SIGTERM when the launcher dies, however it dies."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # pragma: no cover - not Linux
        pass


def start(cmd: list[str], **kwargs) -> subprocess.Popen:
    return subprocess.Popen(cmd, cwd=ROOT, stdin=subprocess.DEVNULL,
                            preexec_fn=_die_with_parent, **kwargs)


def stop(procs: list[subprocess.Popen], grace: float = 10.0) -> None:
    """SIGTERM what still runs, SIGKILL what is left after ``grace`` seconds, and reap all."""
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + grace
    for proc in procs:
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def wait_until(condition, timeout: float, procs=(), interval: float = 0.05) -> bool:
    """Poll ``condition`` until it holds; False after ``timeout`` s or when a process in ``procs`` exits."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        if any(p.poll() is not None for p in procs):
            return False
        time.sleep(interval)
    return False


def answers(host: str, port: int, page: bool = True) -> bool:
    """Whether GET / on host:port answers 200 (``page`` False: whether it takes connections)."""
    try:
        with socket.create_connection((host, port), timeout=5) as conn:
            if not page:
                return True
            conn.sendall(b"GET / HTTP/1.0\r\nHost: localhost\r\n\r\n")
            return conn.recv(12)[8:12] == b" 200"  # HTTP/1.x 200
    except OSError:
        return False


def serve(host: str, port: int, workers: int, upstreams: list[str]) -> int:
    """Run the front (and a local gunicorn unless ``upstreams``) until a signal or a death."""
    nginx = nginx_binary()
    if nginx is None:
        print("error: nginx is missing (`make run` installs it, or apt-get install nginx)",
              file=sys.stderr)
        return 1
    stopping = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda *_: stopping.set())
    limits = app_limits()
    run_dir = Path(tempfile.mkdtemp(prefix="backprop-viz-"))
    run_dir.chmod(0o755)  # nginx's workers (www-data when started as root) reach the socket
    procs: list[subprocess.Popen] = []
    try:
        local = not upstreams
        if local:
            sock = run_dir / "app.sock"
            procs.append(start(gunicorn_command(f"unix:{sock}", workers)))
            # gunicorn listens before it forks its workers: from then on requests queue.
            if not wait_until(lambda: stopping.is_set() or sock.exists(), 30, procs):
                print("error: gunicorn did not start", file=sys.stderr)
                return 1
            upstreams = [f"unix:{sock}"]
        conf = run_dir / "nginx.conf"
        conf.write_text(nginx_config(listen_address(host, port), upstreams, run_dir,
                                     limits["max_body"], limits["messages"], worker_user(),
                                     limits["cache_bytes"], limits["large_bytes"],
                                     limits["large_at_once"]))
        procs.append(start([nginx, "-e", "stderr", "-p", str(run_dir), "-c", str(conf)]))
        probe = "127.0.0.1" if host in ("0.0.0.0", "") else "::1" if host == "::" else host
        # Ready when the page answers; a front for other machines, when nginx listens
        # (they may come up later).
        if not wait_until(lambda: stopping.is_set() or answers(probe, port, local), 60, procs):
            print("error: the server did not start (see the messages above)", file=sys.stderr)
            return 1
        shown = listen_address(host, port)
        print(f"backprop-viz: serving on http://{shown}/ (nginx in front of "
              f"{f'{workers} gunicorn workers' if local else ', '.join(upstreams)});"
              f" Ctrl-C stops", flush=True)
        while not stopping.wait(0.2):
            if any(p.poll() is not None for p in procs):
                print("error: a server process stopped; stopping the rest", file=sys.stderr)
                return 1
        return 0
    finally:
        stop(procs)
        shutil.rmtree(run_dir, ignore_errors=True)


# --- for tests and scripts: the same servers as subprocesses ---------------------------

def free_port() -> int:
    """A TCP port free on 127.0.0.1 now (the kernel's pick; another program could take it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def children(pid: int) -> list[int]:
    """The live child processes of ``pid`` (read from /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...; comm may hold spaces and parentheses
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry))
    return sorted(found)


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def parent(pid: int) -> int | None:
    """The parent of a live process, or None once it has gone (or is a zombie)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2:].split()  # comm may hold spaces and parentheses
    return None if fields[0] == "Z" else int(fields[1])


class Launched:
    """A server started by ``launch``: ``port``, ``proc`` (the launcher or gunicorn), its log."""

    def __init__(self, proc, port, log):
        self.proc, self.pid, self.port, self.log = proc, proc.pid, port, log

    def log_text(self) -> str:
        return Path(self.log).read_text(errors="replace")

    def gunicorn(self) -> int | None:
        """The gunicorn master's pid (None when this is a front for other app servers)."""
        if "gunicorn" in command_line(self.pid):
            return self.pid
        return next((c for c in children(self.pid) if "gunicorn" in command_line(c)), None)

    def nginx(self) -> int | None:
        return next((c for c in children(self.pid) if "nginx" in command_line(c)), None)

    def workers(self) -> list[int]:
        master = self.gunicorn()
        return children(master) if master else []


@contextlib.contextmanager
def launch(front: bool = True, workers: int = 2, upstreams: list[str] | None = None,
           env: dict | None = None, boot_timeout: float = 60.0):
    """Start `make run`'s setup (``front``) or gunicorn alone on 127.0.0.1 at a free port; stop it on exit.

    Waits until GET / answers (and every gunicorn worker has booted).  On exit the
    launcher gets SIGTERM, as from a terminal's Ctrl-C it would get SIGINT.
    """
    port = free_port()
    if front:
        cmd = [sys.executable, "-m", "app.serving", "--host", "127.0.0.1",
               "--port", str(port), "--workers", str(workers)]
        cmd += [arg for u in upstreams or [] for arg in ("--upstream", u)]
    else:
        cmd = gunicorn_command(f"127.0.0.1:{port}", workers)
    log = tempfile.NamedTemporaryFile(prefix="backprop-viz-", suffix=".log", delete=False)
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=log, stderr=log, stdin=subprocess.DEVNULL,
                            env={**os.environ, **(env or {})}, start_new_session=True)
    server = Launched(proc, port, log.name)
    try:
        booted = (lambda: True) if upstreams else (
            lambda: server.log_text().count("Booting worker") >= workers)
        if not wait_until(lambda: booted() and answers("127.0.0.1", port), boot_timeout, [proc]):
            raise RuntimeError(f"the server did not start:\n{server.log_text()}")
        yield server
    finally:
        stop([proc], grace=15)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # anything of the group left behind
        log.close()
        os.unlink(log.name)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--upstream", action="append", default=[], metavar="HOST:PORT",
                        help="an app server to balance (repeat); starts no local gunicorn")
    parser.add_argument("--app-only", action="store_true",
                        help="run gunicorn alone on HOST:PORT, for a machine behind a front")
    args = parser.parse_args(argv)
    if args.app_only:
        if args.upstream:
            parser.error("--app-only and --upstream exclude each other")
        cmd = gunicorn_command(listen_address(args.host, args.port), args.workers)
        os.chdir(ROOT)
        os.execv(cmd[0], cmd)
    upstreams = [u for item in args.upstream for u in item.split()]
    return serve(args.host, args.port, args.workers, upstreams)


if __name__ == "__main__":
    sys.exit(main())
