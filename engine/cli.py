"""Command line: ``python -m engine PROGRAM name=value ... [--json | --dot] [--out F] [--format FMT]``.

``backprop-viz eval`` is this same command, and ``backprop-viz draw`` its form that
writes only the picture (app/cli.py hands them to ``main``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import evaluate
from .errors import EngineError
from .graph import Limits
from .numbers import format_number


def _parse_assignment(text: str):
    """``x=-2`` or ``w=[1,2]`` -> (name, value); values are JSON numbers or lists."""
    name, sep, raw = text.partition("=")
    if not sep or not name:
        raise EngineError(f"'{text}' is not of the form name=value")
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        raise EngineError(f"the value in '{text}' is not a number or a JSON list") from None
    return name.strip(), value


def _full(v) -> str:
    """Every digit: the shortest text that reads back as the same float64."""
    if type(v) is float:
        return format_number(v) if v != v or v in (float("inf"), float("-inf")) else repr(v)
    # Arrays on one line, every entry with all its digits.
    return str(v.tolist())


def table(result) -> str:
    """A readable table of every node: id, op, name, value, gradient."""
    d = result.to_dict()
    rows = [("node", "kind", "op", "name", "value", "gradient", "text")]
    for n in d["nodes"]:
        node = result.graph.nodes[n["id"]]
        rows.append((str(n["id"]), n["kind"], n["symbol"] if n["kind"] == "op" else "",
                     n["name"] or "", _full(node.value), _full(node.grad), n["text"]))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]) - 1)]
    lines = []
    for r in rows:
        lines.append("  ".join(c.ljust(w) for c, w in zip(r, widths)) + "  " + r[-1])
        if len(lines) == 1:
            lines.append("-" * len(lines[0]))
    label = d["output"]["label"]
    lines.append("")
    lines.append(f"output {label} = {_full(result.value)}")
    for name, g in result.gradients.items():
        lines.append(f"  d{label}/d{name} = {_full(g)}")
    for w in d["warnings"]:
        lines.append(f"warning: {w}")
    return "\n".join(lines)


def check_table(result) -> str:
    """The gradient check, one line per input: analytic, numeric, relative error, verdict."""
    check = result.check()
    how = check["how checked"]
    rows = [("input", "analytic", "numeric", "rel. error", "")]
    for name in result.graph.inputs + [n for n in result.gradients if n in check
                                       and n not in result.graph.inputs]:
        entry = check[name]
        verdict = ("kink: not differentiable here" if entry["kinks"] else
                   "not finite" if entry["nonfinite"] else
                   "ok" if entry["ok"] else "FAIL")
        err = "" if entry["rel_error"] is None else f"{entry['rel_error']:.1e}"
        numeric = entry["numeric"]
        rows.append((name, _full(result.gradients[name]),
                     repr(numeric) if isinstance(numeric, float) else str(numeric), err, verdict))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    lines.insert(1, "-" * len(lines[0]))
    lines.append(f"(central differences; passes at a relative error up to {how['tolerance']:g})")
    return "gradient check\n" + "\n".join(lines)


def _positionals_last(parser: argparse.ArgumentParser, argv: list[str]) -> list[str]:
    """Reorder argv so that a program like ``-x**2`` is not mistaken for an option.

    Known options (and their values) go first, then ``--``, then everything else,
    which argparse then reads as the program and the values.
    """
    takes_value = {}
    for action in parser._actions:
        for flag in action.option_strings:
            takes_value[flag] = action.nargs != 0
    options, rest = [], []
    i = 0
    while i < len(argv):
        arg = argv[i]
        flag = arg.split("=", 1)[0]
        if arg == "--":
            rest.extend(argv[i + 1:])
            break
        if flag in takes_value:
            options.append(arg)
            if takes_value[flag] and "=" not in arg and i + 1 < len(argv):
                options.append(argv[i + 1])
                i += 1
        else:
            rest.append(arg)
        i += 1
    return options + ["--"] + rest


def _parser(prog: str, draw: bool) -> argparse.ArgumentParser:
    """The options of ``python -m engine`` / ``backprop-viz eval``, or of ``backprop-viz draw``."""
    from .render import LAYOUTS

    parser = argparse.ArgumentParser(
        prog=prog,
        description=("Draw the computation graph of an expression, with its values and "
                     "gradients." if draw else
                     "Evaluate an expression, its forward values and its gradients."))
    parser.add_argument("program", help="e.g. 'q = x + y; f = q * z'")
    parser.add_argument("values", nargs="*", help="input values: x=-2 y=5 w=[1,2]")
    if not draw:
        out = parser.add_mutually_exclusive_group()
        out.add_argument("--json", action="store_true", help="print the full result as JSON")
        out.add_argument("--dot", action="store_true", help="print the Graphviz DOT")
        parser.add_argument("--svg", metavar="FILE", help="write the picture as SVG")
        parser.add_argument("--png", metavar="FILE", help="write the picture as PNG")
        parser.add_argument("--steps", action="store_true",
                            help="also print the step trace, forward then backward")
        parser.add_argument("--check", action="store_true",
                            help="also check every gradient against central finite differences")
    parser.add_argument("--html", metavar="FILE",
                        help="write one HTML file that plays the steps, with no server")
    parser.add_argument("--animated-svg", metavar="FILE",
                        help="write the picture as an SVG that animates the backward pass")
    parser.add_argument(
        "--out", metavar="FILE",
        help="write the picture to FILE" + ("" if draw else " (the table or JSON still prints)"))
    parser.add_argument(
        "--format", metavar="FMT",
        help="any Graphviz output format: pdf, svg, png, jpg, eps, ..., or html (the player) "
             "or animated-svg (default: the "
             "extension of --out; " + ("else svg); without --out the picture goes to "
                                       "standard output" if draw else
                                       "without --out, the picture goes to standard "
                                       "output instead of the table)"))
    parser.add_argument("--precision", type=int, default=2, help="decimals in the picture")
    parser.add_argument("--no-fold", action="store_true",
                        help="draw constants as their own wires")
    parser.add_argument("--layout", choices=LAYOUTS, default="auto",
                        help="the figure, the compact layout for big graphs, or auto")
    parser.add_argument("--max-depth", type=int, default=Limits.max_depth)
    return parser


# Formats of ours beside Graphviz's: the standalone player and the animated figure.
OWN_FORMATS = ("html", "animated-svg")
EXTENSIONS = {"htm": "html"}


def _graphviz_format(name: str, what: str) -> str:
    """``name`` as an output format (any case), Graphviz's or ours, or a clear error naming them."""
    import graphviz

    fmt = EXTENSIONS.get(name.lower(), name.lower())
    if fmt not in graphviz.FORMATS and fmt not in OWN_FORMATS:
        raise EngineError(f"{what} is not a Graphviz format; the formats are: "
                          + ", ".join(sorted(graphviz.FORMATS))
                          + "; besides them, html (the player) and animated-svg")
    return fmt


def _pictures(args, draw: bool) -> list[tuple[str | None, str]]:
    """(file, format) of every picture asked for; file None is standard output."""
    fmt = _graphviz_format(args.format, f"--format '{args.format}'") if args.format else None
    wanted = [(f, kind) for f, kind in ((args.html, "html"), (args.animated_svg, "animated-svg"))
              if f]
    if not draw:
        wanted += [(f, kind) for f, kind in ((args.svg, "svg"), (args.png, "png")) if f]
    if args.out:
        if fmt is None:
            ext = Path(args.out).suffix[1:]
            if not ext:
                raise EngineError(f"cannot tell the format of '{args.out}' from its name; "
                                  "give --format")
            fmt = _graphviz_format(ext, f"'{ext}', the extension of '{args.out}',")
        wanted.append((args.out, fmt))
    elif fmt or (draw and not wanted):  # draw writes to standard output unless to a file
        if not draw and (args.json or args.dot):
            raise EngineError("--format without --out writes the picture to standard output, "
                              "so it cannot go with --json or --dot")
        wanted.append((None, fmt or "svg"))
    return wanted


def picture(result, fmt: str, precision: int = 2, fold_constants: bool = True,
            layout: str = "auto") -> bytes:
    """The picture of ``result`` in a Graphviz format.

    SVG is the one the page shows (``render.to_svg``: ids kept, comments dropped);
    "html" is the standalone player (``Result.to_html``), "animated-svg" the figure
    animated (``Result.to_animated_svg``); every other format comes from the
    graphviz package (``Result.to_graphviz``).
    """
    from . import render

    opts = {"precision": precision, "fold_constants": fold_constants, "layout": layout}
    if fmt == "svg":
        return render.to_svg(result.to_dict(steps=False), **opts).encode()
    if fmt == "html":
        return result.to_html(**opts).encode()
    if fmt == "animated-svg":
        return result.to_animated_svg(**opts).encode()
    import graphviz

    try:
        return result.to_graphviz(**opts).pipe(format=fmt, quiet=True)
    except graphviz.ExecutableNotFound:
        raise render.RenderError("Graphviz's `dot` program is not installed; install it "
                                 "with `apt-get install graphviz`") from None
    except graphviz.CalledProcessError as err:
        said = (err.stderr or b"").decode("utf-8", "replace").strip().splitlines()
        raise render.RenderError(f"Graphviz could not write {fmt}: "
                                 + (said[0] if said else f"dot exited with {err.returncode}")
                                 ) from None


def main(argv=None, prog: str = "python -m engine", draw: bool = False) -> int:
    """Run the command on ``argv``; the exit status: 0, or 2 for a bad program or option.

    ``draw`` writes only the picture (``backprop-viz draw``): to --out, or as SVG
    (or --format) on standard output.
    """
    parser = _parser(prog, draw)
    args = parser.parse_args(_positionals_last(parser, sys.argv[1:] if argv is None else argv))
    program = args.program
    try:
        wanted = _pictures(args, draw)
        values = dict(_parse_assignment(a) for a in args.values)
        result = evaluate(program, values, Limits(max_depth=args.max_depth),
                          check=getattr(args, "check", False))
        opts = {"precision": args.precision, "fold_constants": not args.no_fold,
                "layout": args.layout}
        for path, fmt in wanted:
            data = picture(result, fmt, **opts)
            if path is None:
                sys.stdout.flush()
                sys.stdout.buffer.write(data)
                sys.stdout.buffer.flush()
                return 0
            with open(path, "wb") as f:
                f.write(data)
        if draw:
            return 0
        if args.dot:
            from . import render
            print(render.to_dot(result.to_dict(steps=False), **opts))
        elif args.json:
            json.dump(result.to_dict(precision=args.precision, fold_constants=not args.no_fold),
                      sys.stdout, indent=1, allow_nan=False)
            print()
        else:
            print(table(result))
            if args.steps:
                print("\nsteps:")
                for step in result.trace(args.precision, not args.no_fold):
                    print(step["text"])
            if args.check:
                print("\n" + check_table(result))
    except EngineError as err:
        print("error: " + err.caret(program), file=sys.stderr)
        return 2
    except OSError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0
