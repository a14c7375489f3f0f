"""Long-lived `dot -Tsvg` processes, fed graph after graph.

A new `dot` spends most of a small graph's time starting (creating the
process, loading its plugins and fonts: ~15 of ~18 ms for the neuron here),
so SVG is drawn by long-lived `dot -Tsvg` processes, one per graph being
drawn at once, each fed graph after graph through its stdin.  Every graph is
followed by a tiny sentinel graph: dot writes each graph's SVG as soon as it
is laid out, ending at ``</svg>``, and the sentinel's SVG says that the graph
before it is finished even when that graph drew nothing (dot printed an error
instead).  A graph's result is taken as soon as its own ``</svg>`` is read, so
the sentinel's layout (~0.2 ms) is left for later: the next graph on that
process skips its output.

A process that takes longer than the time limit, or dies, is killed and a new
one started for the next graph; one that drew a big graph (after which dot
lays big graphs out slower) or grew too big (dot 2.43 leaks) is replaced
after its graph.  Each runs under a CPU-time limit raised before each
graph (see dot_process.limit_cpu), so a `dot` whose parent is killed
mid-layout stops by itself; an idle one reads end-of-input and exits at once.
"""

from __future__ import annotations

import atexit
import os
import selectors
import subprocess
import threading
import time

from .dot_process import (CPU_MARGIN, limit_cpu, open_stat, outcome, resident_bytes, start,
                          timed_out)
from .errors import RenderError

# The sentinel graph, and how its SVG starts (dot writes the graph's name in a comment).
SENTINEL = b"digraph backprop_viz_end {}\n"
_SENTINEL_TITLE = b"<!-- Title: backprop_viz_end "
_SVG_END = b"</svg>\n"
# What a new dot draws first, while idle, under the sentinel's name: a little of all a
# circuit uses, so the fonts and the HTML tables are loaded before the first real
# graph (8.6 -> 3 ms for the circuit).
WARM_UP = (b'digraph backprop_viz_end { node [fontname="DejaVu Sans", shape="plaintext"]; '
           b'a [label=<<table><tr><td><font color="#d00000">1.0</font></td></tr></table>>]; '
           b'b [shape="circle", label=<+>]; a -> b [xlabel=<x>] }\n')
# At most this many idle processes are kept (one per render slot is what a server needs).
MAX_IDLE = 16
# dot 2.43 leaks (about 6 KB a small graph); a process that grew past this many bytes
# is replaced after its graph.  A fresh one reaches 12 MB, 45 MB after the largest graphs.
MAX_DOT_MEMORY = 96 * 1024 * 1024
# A dot that drew graphs of over ~200 nodes lays the next big one out slower (1,002
# nodes: 340 ms fresh, 420-510 ms after twenty of 201 nodes), so a process is
# replaced after a graph whose DOT is longer than this (~120 nodes, 40 ms of layout;
# the new one starts and warms up in 15 ms while idle).
BIG_GRAPH_BYTES = 128 * 1024
# Keep at most this much of what dot writes on stderr for one graph.
_MAX_STDERR = 64 * 1024


class DotProcess:
    """One long-lived `dot -Tsvg`: ``send`` it a graph, then ``receive`` its SVG; one graph at a time.

    ``owed`` counts the sentinel pictures still to come before the next graph's
    output (the warm-up's, or the last graph's).  ``alive()`` tells whether it
    can take another graph, ``worn()`` whether it should be replaced after
    this one; ``close()`` stops it.
    """

    def __init__(self, command: str):
        self.command = command
        self.proc = start(command, "svg")
        self.stat_fd = open_stat(self.proc.pid)
        self.stdin, self.stdout, self.stderr = self.proc.stdin, self.proc.stdout, self.proc.stderr
        for pipe in (self.stdin, self.stdout, self.stderr):
            os.set_blocking(pipe.fileno(), False)
        self.selector = selectors.DefaultSelector()
        self.selector.register(self.stdout, selectors.EVENT_READ)
        self.selector.register(self.stderr, selectors.EVENT_READ)
        self.stderr_open = True
        self.writer = None       # the thread writing a graph bigger than the pipe holds
        self.ended = self.dead = self.drew_big = False
        self.out = bytearray()   # stdout not yet taken apart into pictures
        self.scanned = 0         # how much of ``out`` is known to hold no end of a picture
        self.err = bytearray()   # stderr since the current graph was sent
        self.owed = 1
        self._write(memoryview(WARM_UP))

    def alive(self) -> bool:
        return not self.dead and self.proc.poll() is None

    def worn(self) -> bool:
        """Whether to replace it: it drew a big graph, or grew past MAX_DOT_MEMORY."""
        return self.drew_big or resident_bytes(self.stat_fd) > MAX_DOT_MEMORY

    def send(self, source: bytes, timeout: float, deadline: float) -> None:
        """Hand dot ``source`` and a sentinel, and return at once.

        What the pipe does not take at once (a graph of more than ~64 KB) is
        written by a thread, so dot reads and parses it while the caller does
        other work.
        """
        limit_cpu(self.proc.pid, self.stat_fd, timeout + CPU_MARGIN)
        self.drew_big = self.drew_big or len(source) > BIG_GRAPH_BYTES
        self.err.clear()
        rest = self._write(memoryview(source + SENTINEL))
        if rest:
            self.writer = threading.Thread(target=self._write_rest, args=(rest,),
                                           name="dot-writer", daemon=True)
            self.writer.start()

    def receive(self, timeout: float, deadline: float) -> bytes:
        """The SVG of the graph sent last; RenderError if dot drew none, failed, died or ran late."""
        while True:
            picture = self._next_picture()
            if picture is not None:
                self._drain_stderr()
                self._join_writer(deadline)   # dot read the graph: what is left fits its pipe
                return outcome(None, picture or None, bytes(self.err))
            if self.ended:
                return self._exited()
            self._pump(deadline, timeout)

    def _next_picture(self) -> bytes | None:
        """The next graph's output from what dot wrote (b"" if it drew nothing), or None if not in yet."""
        while True:
            end = self.out.find(_SVG_END, self.scanned)
            if end < 0:
                self.scanned = max(0, len(self.out) - len(_SVG_END) + 1)
                return None
            end += len(_SVG_END)
            picture = bytes(self.out[:end])
            del self.out[:end]
            self.scanned = 0
            if _SENTINEL_TITLE not in picture[:512]:
                self.owed = 1   # this graph's sentinel comes next
                return picture
            if not self.owed:
                return b""      # the sentinel right after this graph: it drew nothing
            self.owed -= 1

    def _pump(self, deadline: float, timeout: float) -> None:
        """Move bytes once in every direction dot is ready for; RenderError when time is up."""
        wait = deadline - time.monotonic()
        if wait <= 0:
            self.close()
            raise timed_out(timeout)
        for key, _ in self.selector.select(wait):
            if key.fileobj is self.stdout:
                if self._read(self.stdout, self.out) == b"":
                    self.ended = True   # dot exited or was killed
                    self.selector.unregister(self.stdout)
            elif self._read(self.stderr, self.err) == b"":
                self._close_stderr()
        if len(self.err) > _MAX_STDERR:
            del self.err[:-_MAX_STDERR]

    def _write(self, data: memoryview) -> memoryview:
        """Write what the pipe takes of ``data`` now; answers the rest."""
        try:
            return data[os.write(self.stdin.fileno(), data):]
        except BlockingIOError:
            return data
        except OSError:   # dot stopped reading (it died): the end of its stdout says how
            return data[len(data):]

    def _write_rest(self, data: memoryview) -> None:
        """(In the writer thread) write ``data`` in one blocking call, returning once dot has it all.

        One call holds no interpreter lock until it returns; a loop of writes as
        the pipe drains would wait for the lock each time, while the request's
        thread runs Python (5 ms a time: 60 ms for 667 KB).  A dot that stops
        reading is killed by the reader at the deadline, which ends the call.
        """
        fd = self.stdin.fileno()
        os.set_blocking(fd, True)
        try:
            while data:   # (a signal may cut a write short)
                data = data[os.write(fd, data):]
        except OSError:
            pass   # dot died: the reader finds out how
        finally:
            os.set_blocking(fd, False)

    def _join_writer(self, deadline: float) -> None:
        if self.writer is not None:
            self.writer.join(max(0.0, deadline - time.monotonic()))
            if self.writer.is_alive():   # dot stopped reading: it cannot take another graph
                self.close()
            self.writer = None

    @staticmethod
    def _read(pipe, into: bytearray) -> bytes | None:
        """What ``pipe`` holds, appended to ``into`` (b"" at its end, None if nothing yet)."""
        try:
            chunk = os.read(pipe.fileno(), 1 << 20)
        except BlockingIOError:
            return None
        into += chunk
        return chunk

    def _drain_stderr(self) -> None:
        """All dot wrote on stderr so far: for a graph, that was written before its SVG."""
        while self.stderr_open:
            chunk = self._read(self.stderr, self.err)
            if chunk is None:
                return
            if not chunk:
                self._close_stderr()

    def _close_stderr(self) -> None:
        self.selector.unregister(self.stderr)
        self.stderr_open = False

    def _exited(self) -> bytes:
        """dot closed its output: the error its exit says (or, exited cleanly, what it wrote)."""
        try:
            code = self.proc.wait(timeout=1.0)   # it closes its output as it exits
        except subprocess.TimeoutExpired:
            code = None
        self._drain_stderr()
        output = bytes(self.out)
        self.close()
        if code is None:
            raise RenderError("Graphviz's `dot` closed its output without finishing.")
        # An exit without an error reads as a one-shot dot's: what it wrote is its output.
        return outcome(code, output if code == 0 else None, bytes(self.err))

    def close(self) -> None:
        """Stop dot (if it still runs) and free its pipes."""
        if self.dead:
            return
        self.dead = True
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        if self.writer is not None:   # its next write fails now that dot is gone
            self.writer.join()
            self.writer = None
        self.selector.close()
        for pipe in (self.stdin, self.stdout, self.stderr):
            pipe.close()
        if self.stat_fd is not None:
            os.close(self.stat_fd)


class DotJob:
    """One graph being drawn by a pooled `dot`: ``result()`` waits for its SVG bytes.

    The graph is sent when the job is made, so dot lays it out while the
    caller does other work.  ``cancel()`` stops a graph still being drawn (its
    process is killed, as dot cannot be interrupted otherwise).
    """

    def __init__(self, pool: DotPool, command: str, source: str, timeout: float):
        self.pool, self.timeout = pool, timeout
        self.deadline = time.monotonic() + timeout
        self.process = pool.take(command)
        try:
            self.process.send(source.encode("utf-8"), timeout, self.deadline)
        except BaseException:
            self.cancel()
            raise

    def result(self) -> bytes:
        if self.process is None:
            raise RenderError("Drawing the graph was stopped.")
        process, self.process = self.process, None
        try:
            svg = process.receive(self.timeout, self.deadline)
        except BaseException:
            self.pool.give(process)   # (given back only if it still works)
            raise
        self.pool.give(process)
        return svg

    def cancel(self) -> None:
        if self.process is not None:
            self.process.close()
            self.process = None


class DotPool:
    """Idle long-lived dots for the next graph, all of one command (and PATH); thread-safe.

    ``take`` answers an idle process, or starts one (RenderError when dot cannot
    be run); ``give`` keeps it for the next graph, unless it died or MAX_IDLE
    wait already; a worn one is replaced by a new one, which warms up while
    idle.  Changing the command (or PATH) stops the idle ones.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._idle: list[DotProcess] = []
        self._key = None

    def take(self, command: str) -> DotProcess:
        key = (command, os.environ.get("PATH"))
        stale, found = [], None
        with self._lock:
            if key != self._key:
                stale, self._idle, self._key = self._idle, [], key
            while self._idle and found is None:
                process = self._idle.pop()
                if process.alive():
                    found = process
                else:
                    stale.append(process)
        for process in stale:
            process.close()
        return found if found is not None else DotProcess(command)

    def give(self, process: DotProcess) -> None:
        if process.alive() and process.worn():
            process.close()
            try:
                process = DotProcess(process.command)
            except RenderError:
                return
        with self._lock:
            keep = (process.alive() and len(self._idle) < MAX_IDLE
                    and self._key == (process.command, os.environ.get("PATH")))
            if keep:
                self._idle.append(process)
        if not keep:
            process.close()

    def clear(self) -> None:
        """Stop every idle dot."""
        with self._lock:
            idle, self._idle = self._idle, []
        for process in idle:
            process.close()

    def _forget(self) -> None:
        """In a forked child: the parent's dots are not ours to feed or stop; drop them unused."""
        self._lock = threading.Lock()
        _INHERITED.extend(self._idle)   # kept referenced: no cleanup runs on them here
        self._idle = []


_INHERITED: list = []
POOL = DotPool()
atexit.register(POOL.clear)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=POOL._forget)
