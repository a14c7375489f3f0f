"""Starting Graphviz's `dot`, keeping it within limits, and reading what its exit means.

Every `dot` runs under a CPU-time limit a little above the time limit of the
graph it is drawing (see limit_cpu), so one whose parent is killed mid-layout
(a gunicorn worker, say) stops by itself, and writes no core file.
"""

from __future__ import annotations

import math
import os
import re
import resource
import signal
import subprocess

from .errors import RenderError

# CPU seconds a dot may use beyond its graph's time limit before the kernel stops it.
CPU_MARGIN = 1
# How long a picture cache remembers that dot failed on a graph (see RenderError.remember):
# a crash or an error is the graph's for good; a timeout also depends on how busy the
# machine was, so it is tried again after a while.
FAILURE_MEMORY = float("inf")
TIMEOUT_MEMORY = 600.0
# dot's error messages start with "Error" (warnings with "Warning").
_DOT_ERROR = re.compile(rb"^Error", re.M)

# The signals of a program's own fault (dot 2.43 segfaults on some big graphs).
_FAULTS = {signal.SIGSEGV, signal.SIGBUS, signal.SIGABRT, signal.SIGFPE, signal.SIGILL}

_CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def not_installed() -> RenderError:
    return RenderError("Graphviz's `dot` program is not installed; install it with "
                       "`apt-get install graphviz`")


def timed_out(timeout: float) -> RenderError:
    return RenderError(f"Drawing the graph took longer than {timeout:g} seconds and was "
                       f"stopped; try a smaller program.").lasting(TIMEOUT_MEMORY)


def outcome(code: int, output: bytes | None, stderr: bytes) -> bytes:
    """dot's output, or the RenderError its exit status and stderr say (``code`` None: still running)."""
    detail = stderr.decode("utf-8", "replace").strip().splitlines()
    if code is not None and code < 0:   # killed by a signal: dot 2.43 segfaults on some big graphs
        if -code == signal.SIGXCPU:   # its CPU-time limit, a little past the time limit
            raise RenderError("Drawing the graph used more than its time limit of CPU time "
                              "and was stopped; try a smaller program.").lasting(TIMEOUT_MEMORY)
        # A fault of dot's own on this graph happens again; a kill from outside need not.
        fault = -code in _FAULTS
        raise RenderError(f"Graphviz's `dot` crashed ({_signal_name(-code)}) "
                          f"on this graph; the numbers are still shown."
                          ).lasting(FAILURE_MEMORY if fault else 0.0)
    if (code is not None and code > 0) or _DOT_ERROR.search(stderr) or output is None:
        raise RenderError("Graphviz's `dot` failed to draw the graph"
                          + (f": {detail[-1]}" if detail else ".")).lasting(FAILURE_MEMORY)
    return output


def _signal_name(number: int) -> str:
    """`signal 11` as "signal 11, SIGSEGV" when the name is known."""
    try:
        return f"signal {number}, {signal.Signals(number).name}"
    except ValueError:
        return f"signal {number}"


def start(command: str, fmt: str) -> subprocess.Popen:
    """A new `dot -T<fmt>` with pipes on all three ends; RenderError if it cannot be run."""
    try:
        proc = subprocess.Popen([command, f"-T{fmt}"], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, bufsize=0)
    except FileNotFoundError:
        raise not_installed() from None
    except OSError as err:
        raise RenderError(f"Graphviz's `dot` program could not be run: {err}") from None
    try:   # no core files from crashes or from the CPU limit
        resource.prlimit(proc.pid, resource.RLIMIT_CORE, (0, 0))
    except (AttributeError, OSError, ValueError):
        pass
    return proc


def open_stat(pid: int) -> int | None:
    """A file descriptor on process ``pid``'s /proc stat file (Linux), for ``limit_cpu``."""
    try:
        return os.open(f"/proc/{pid}/stat", os.O_RDONLY | os.O_CLOEXEC)
    except (AttributeError, OSError):
        return None


def _stat(stat_fd: int) -> list[bytes]:
    """The fields of a /proc stat file after the command's name: state, ppid, ..."""
    return os.pread(stat_fd, 1024, 0).rsplit(b")", 1)[1].split()


def limit_cpu(pid: int, stat_fd: int | None, seconds: float) -> None:
    """Let process ``pid`` use at most about ``seconds`` more CPU time (Linux; elsewhere nothing).

    Only the soft limit moves (any process may raise it up to the hard limit,
    inherited from us and normally unlimited); at the soft limit the kernel
    sends SIGXCPU, which ends dot.  ``stat_fd`` is from ``open_stat`` (kept
    open: reading it again costs a tenth of opening it).
    """
    if stat_fd is None:
        return
    try:
        fields = _stat(stat_fd)
        used = (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS   # utime + stime
        hard = resource.getrlimit(resource.RLIMIT_CPU)[1]
        soft = math.ceil(used + seconds)
        if hard != resource.RLIM_INFINITY:
            soft = min(soft, hard)
        resource.prlimit(pid, resource.RLIMIT_CPU, (soft, hard))
    except (AttributeError, OSError, ValueError, IndexError):
        pass   # the process is gone: reading its output will say so


def resident_bytes(stat_fd: int | None) -> int:
    """The memory a process holds, from its /proc stat file (0 when unknown)."""
    try:
        return int(_stat(stat_fd)[21]) * _PAGE_SIZE
    except (TypeError, OSError, ValueError, IndexError):
        return 0


def run_once(command: str, fmt: str, source: str, timeout: float) -> bytes:
    """One `dot -T<fmt>` run on ``source``: its output, or RenderError."""
    proc = start(command, fmt)
    stat_fd = open_stat(proc.pid)
    limit_cpu(proc.pid, stat_fd, timeout + CPU_MARGIN)
    if stat_fd is not None:
        os.close(stat_fd)
    try:
        stdout, stderr = proc.communicate(source.encode("utf-8"), timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise timed_out(timeout) from None
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    return outcome(proc.returncode, stdout, stderr)
