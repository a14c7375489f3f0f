"""Stand-ins for Graphviz's `dot`, and a record of the dots started, for the render and fault tests."""

import stat

from engine import render


def fake_dot(tmp_path, body):
    """The path of an executable shell script, ``body``, standing in for `dot`."""
    path = tmp_path / "dot"
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return str(path)


def record_dot_runs(monkeypatch):
    """Every ``render.DotRun`` started from now on, in order (each still runs its dot)."""
    started = []

    class Recorded(render.DotRun):
        def __init__(self, fmt, timeout):
            super().__init__(fmt, timeout)
            started.append(self)
    monkeypatch.setattr(render, "DotRun", Recorded)
    return started
