"""Stand-ins for Graphviz's `dot`, for the render and fault tests."""

import stat
from pathlib import Path


def fake_dot(tmp_path, body):
    """The path of an executable shell script, ``body``, standing in for `dot`."""
    path = tmp_path / "dot"
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return str(path)


def graph_by_graph_dot(tmp_path, on_graph=":", real_dot="dot"):
    """A long-lived `dot` stand-in that reads graph after graph, as the real one does.

    Each graph that ends (a line `}`, or a graph on one line) is drawn by a
    real one-shot `dot`; before each of our circuits
    (`digraph circuit ...`) it runs ``on_graph``, shell code that sees the
    graph's text in ``$graph`` and may `continue` to skip drawing it.
    ``real_dot`` runs the real one (for a stand-in found first on PATH).
    """
    return fake_dot(tmp_path, f'''graph=""
while IFS= read -r line; do
  graph="$graph$line
"
  case "$line" in
    "}}"|"digraph "*"}}")
      case "$graph" in "digraph circuit"*) {on_graph};; esac
      printf '%s' "$graph" | {real_dot} "$@"
      graph="";;
  esac
done''')


def logging_dot(tmp_path):
    """A real `dot` behind a stand-in that copies every graph it is given to a log, one log per format.

    Returns (command, graphs): ``graphs("svg")`` counts the circuits given to dot as SVG so far.
    """
    log = tmp_path / "graphs"
    command = fake_dot(tmp_path, f'tee -a "{log}$1" | dot "$@"')

    def graphs(fmt):
        path = Path(f"{log}-T{fmt}")
        return path.read_text().count("digraph circuit") if path.exists() else 0
    return command, graphs
