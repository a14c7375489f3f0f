"""The ``backprop-viz`` command: serve the page, or evaluate or draw a program.

    backprop-viz serve [--host H] [--port P] [--workers N]
    backprop-viz eval PROGRAM [name=value ...] [...]   # what `python -m engine` does
    backprop-viz draw PROGRAM [name=value ...] [--out FILE] [--format FMT] [--html FILE]

``eval`` and ``draw`` are engine/cli.py; this module only dispatches, and loads
neither Flask nor gunicorn unless asked to serve.
"""

from __future__ import annotations

import argparse
import sys

USAGE = """\
usage: backprop-viz serve [--host HOST] [--port PORT] [--workers N]
       backprop-viz eval PROGRAM [name=value ...] [--json | --dot] [--out FILE] [--format FMT]
       backprop-viz draw PROGRAM [name=value ...] [--out FILE] [--format FMT]
                         [--html FILE] [--animated-svg FILE]

  serve  serve the page and the API with gunicorn (http://127.0.0.1:5000 by default)
  eval   print every node's value and gradient (as `python -m engine`)
  draw   write the picture: to FILE, or as SVG (or --format) on standard output;
         --html FILE (or --out f.html) writes one file that plays the steps, no server needed

`backprop-viz COMMAND --help` tells more."""


def serve(argv: list[str]) -> int:
    """Run gunicorn on ``app:create_app()`` with the options `make run` gives it."""
    parser = argparse.ArgumentParser(
        prog="backprop-viz serve",
        description="Serve the page and the JSON API with gunicorn. The app reads its "
                    "limits from BACKPROP_* environment variables (see the README).")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=5000, help="port to listen on")
    parser.add_argument("--workers", type=int, default=2, help="worker processes")
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error("--workers must be at least 1")

    from gunicorn.app.base import BaseApplication

    from app import create_app

    # An IPv6 address is written in brackets before the port.
    host = f"[{args.host}]" if ":" in args.host and not args.host.startswith("[") else args.host
    options = {"bind": f"{host}:{args.port}", "workers": args.workers, "threads": 4,
               "timeout": 30}

    class Server(BaseApplication):
        # The app object is passed in, not named as "app:create_app()": gunicorn would
        # look that name up from the working directory, which may hold another `app`.
        def load_config(self):
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            return create_app()

    Server(prog="backprop-viz serve").run()
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``backprop-viz`` console script."""
    argv = sys.argv[1:] if argv is None else argv
    command, rest = (argv[0], argv[1:]) if argv else ("", [])
    if command == "serve":
        return serve(rest)
    if command in ("eval", "draw"):
        from engine import cli
        return cli.main(rest, prog=f"backprop-viz {command}", draw=command == "draw")
    if command in ("-h", "--help"):
        print(USAGE)
        return 0
    if command == "--version":
        from importlib.metadata import version
        print("backprop-viz", version("backprop-viz"))
        return 0
    print(USAGE, file=sys.stderr)
    print(f"\nerror: {'no command given' if not command else f'unknown command {command!r}'}"
          "; the commands are serve, eval and draw", file=sys.stderr)
    return 2
