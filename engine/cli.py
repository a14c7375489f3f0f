"""Command line: ``python -m engine PROGRAM name=value ... [--json | --dot | --svg F | --png F]``."""

from __future__ import annotations

import argparse
import json
import sys

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


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m engine",
        description="Evaluate an expression, its forward values and its gradients.")
    parser.add_argument("program", help="e.g. 'q = x + y; f = q * z'")
    parser.add_argument("values", nargs="*", help="input values: x=-2 y=5 w=[1,2]")
    out = parser.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print the full result as JSON")
    out.add_argument("--dot", action="store_true", help="print the Graphviz DOT")
    parser.add_argument("--svg", metavar="FILE", help="write the picture as SVG")
    parser.add_argument("--png", metavar="FILE", help="write the picture as PNG")
    parser.add_argument("--precision", type=int, default=2, help="decimals in the picture")
    parser.add_argument("--no-fold", action="store_true",
                        help="draw constants as their own wires")
    parser.add_argument("--max-depth", type=int, default=Limits.max_depth)
    args = parser.parse_args(_positionals_last(parser, sys.argv[1:] if argv is None else argv))
    program = args.program
    try:
        values = dict(_parse_assignment(a) for a in args.values)
        result = evaluate(program, values, Limits(max_depth=args.max_depth))
        opts = {"precision": args.precision, "fold_constants": not args.no_fold}
        if args.dot or args.svg or args.png:
            from . import render
            d = result.to_dict()
            if args.dot:
                print(render.to_dot(d, **opts))
            if args.svg:
                with open(args.svg, "w", encoding="utf-8") as f:
                    f.write(render.to_svg(d, **opts))
            if args.png:
                with open(args.png, "wb") as f:
                    f.write(render.to_png(d, **opts))
            if args.dot:
                return 0
        if args.json:
            json.dump(result.to_dict(), sys.stdout, indent=1, allow_nan=False)
            print()
        else:
            print(table(result))
    except EngineError as err:
        print("error: " + err.caret(program), file=sys.stderr)
        return 2
    except OSError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0
