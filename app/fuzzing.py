"""Random programs and requests for fuzzing, and the oracles that judge what comes back.

Shared by the fuzz tests (tests/engine/test_fuzz.py, tests/web/test_fuzz_api.py) and
the long by-hand run (scripts/fuzz.py); the app itself never imports it.

Every generator takes a ``random.Random``, so one seed reproduces a whole run.
The programs follow the language's grammar (so most reach the evaluator and the
renderer), with the odd mutation that breaks them in every way the parser knows.
The oracles accept only what the engine and the API promise: an EngineError or a
JSON-safe result; a 200 with a clean SVG (or a ``render_error``) or a 4xx JSON error.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import engine
from app.drawing import RENDER_CRASH_MESSAGE
from engine import render
from engine.ops import VOCABULARY

# --- the grammar-aware generator ------------------------------------------------------------

IDENTS = ["x", "y", "z", "w0", "x1", "q", "f", "_t", "a" * 40, "e", "pi",
          "exp", "sum", "max", "x_very_long_name_2"]
NUMBERS = ["0", "1", "2", "3", "2.5", ".5", "3.", "0.0", "1e3", "1e-3", "1e308", "1e999",
           "1e-400", "007", "123456789012345678901234567890"]
UNARY = ["-", "+"]
BINOPS = ["+", "-", "*", "/", "**", "^", "@"]
# Every function the language has, by its number of arguments (the op table's own list).
FUNCS1 = [name for name, (_, arity) in VOCABULARY.functions.items() if arity == 1]
FUNCS2 = [name for name, (_, arity) in VOCABULARY.functions.items() if arity == 2]
# Characters that a mutation may drop in: markup, DOT, control and odd Unicode.
ODD = ['"', "'", "<", ">", "&", "\\", "{", "}", "\x00", "\x07", "\t", "\n", "\r", "\u200f",
       "\u202e", "\u0301", "\ufeff", "\U0001F600", "\ud800", "é", "ß", "$", "!", "%", "?",
       ".", ",", ";", "=", "(", ")", "[", "]", "#", "0", "x", " "]

INTERESTING_FLOATS = [0.0, -0.0, 1.0, -1.0, 2.0, -2.0, 0.5, 1e-300, -1e-300, 1e300, -1e300,
                      709.0, 710.0, -745.0, 1e-5, 3.141592653589793, 1e16]


INPUT_NAMES = ["x", "y", "z", "w0", "x1", "_t", "a" * 40, "e", "pi"]
ASSIGNED_NAMES = ["q", "f", "h1", "x_very_long_name_2", "out"]


def random_expr(rng, depth: int, names=INPUT_NAMES) -> str:
    """One expression over the language's grammar, up to ``depth`` levels of operators."""
    r = rng.random()
    if depth <= 0 or r < 0.25:
        if rng.random() < 0.03:
            return rng.choice(IDENTS)  # a function name used as a value, and so on
        return rng.choice(NUMBERS) if rng.random() < 0.35 else rng.choice(names)
    r = rng.random()
    sub = lambda: random_expr(rng, depth - 1, names)  # noqa: E731
    sp = rng.choice(["", " "])
    if r < 0.40:
        return f"{sub()}{sp}{rng.choice(BINOPS)}{sp}{sub()}"
    if r < 0.50:
        return f"{rng.choice(UNARY)}{sub()}"
    if r < 0.65:
        return f"{rng.choice(FUNCS1)}({sub()})"
    if r < 0.75:
        return f"{rng.choice(FUNCS2)}({sub()},{sp}{sub()})"
    if r < 0.88:
        return f"({sub()})"
    number = lambda: rng.choice(["", "-"]) + rng.choice(NUMBERS[:8])  # noqa: E731
    if r < 0.95:
        if rng.random() < 0.1:
            return "[" + ", ".join(sub() for _ in range(rng.randint(0, 3))) + "]"
        return "[" + ", ".join(number() for _ in range(rng.randint(1, 4))) + "]"
    rows = rng.randint(1, 3)
    cols = rng.randint(1, 3)
    return "[" + ", ".join("[" + ", ".join(number() for _ in range(cols)) + "]"
                           for _ in range(rows)) + "]"


def random_program(rng) -> str:
    """A program of 1-4 statements, sometimes with a comment, sometimes mutated at random.

    Assigned names are distinct and used only after their assignment (mostly), so
    most programs are valid and reach the evaluator and the renderer; mutations
    and the odd reuse make the rest invalid in every way the parser knows.
    """
    statements = []
    names = list(INPUT_NAMES)
    targets = rng.sample(ASSIGNED_NAMES, rng.randint(0, 3))
    if rng.random() < 0.05:
        targets.append(rng.choice(IDENTS))  # assigned twice, or a constant/function name
    for name in targets:
        if rng.random() < 0.25:
            statements.append(f"{name} = {rng.choice(['', '-'])}{rng.choice(NUMBERS[:8])}")
        else:
            statements.append(f"{name} = {random_expr(rng, rng.randint(0, 4), names)}")
        names.append(name)
    statements.append(random_expr(rng, rng.randint(0, 5), names))
    text = rng.choice(["; ", "\n", ";", "\n\n"]).join(statements)
    if rng.random() < 0.15:
        text += " # " + "".join(rng.choice(ODD) for _ in range(rng.randint(0, 6))).replace("\n", "")
    if rng.random() < 0.25:
        text = mutate(rng, text)
    return text


def mutate(rng, text: str) -> str:
    """Break a program a little: drop, insert, repeat or swap a piece."""
    for _ in range(rng.randint(1, 3)):
        i = rng.randint(0, len(text))
        j = min(len(text), i + rng.randint(0, 4))
        r = rng.random()
        if r < 0.3:
            text = text[:i] + text[j:]
        elif r < 0.7:
            text = text[:i] + rng.choice(ODD + BINOPS + FUNCS1) + text[i:]
        elif r < 0.85:
            text = text[:j] + text[i:j] + text[j:]
        else:
            text = text[::-1] if rng.random() < 0.2 else text[j:] + text[:i]
    return text


def random_value(rng, allow_bad: bool = False):
    """An input value: a number, a vector or a matrix; with ``allow_bad``, sometimes junk."""
    r = rng.random()
    if allow_bad and r < 0.03:
        return rng.choice(["1", None, True, False, {}, [[[1.0]]], 10 ** 400, "NaN", [1, "2"],
                           [[1.0, 2.0], [3.0]], []])
    number = lambda: (rng.choice(INTERESTING_FLOATS) if rng.random() < 0.5  # noqa: E731
                      else round(rng.uniform(-10, 10), rng.randint(0, 4)))
    if r < 0.75:
        return rng.choice([number(), int(number())])
    if r < 0.9:
        return [number() for _ in range(rng.randint(1, 4))]
    cols = rng.randint(1, 3)
    return [[number() for _ in range(cols)] for _ in range(rng.randint(1, 3))]


def random_values(rng, text: str, allow_bad: bool = False) -> dict:
    """Values for the program's inputs (when it parses), some missing, some extra."""
    try:
        names = engine.input_names(text)
    except engine.EngineError:
        names = []
    names = [n for n in names if rng.random() < 0.9] + ["unused"] * (rng.random() < 0.1)
    return {n: random_value(rng, allow_bad) for n in names}


def random_options(rng) -> dict:
    """Mostly valid options; about one request in ten has a bad one."""
    options = {}
    if rng.random() < 0.5:
        options["precision"] = rng.choice([0, 1, 2, 3, 6, 10])
    if rng.random() < 0.3:
        options["fold_constants"] = rng.choice([True, False])
    if rng.random() < 0.6:
        options["default_value"] = rng.choice([1.0, 1.0, 0.0, -2, None, 1e308])
    if rng.random() < 0.1:
        key = rng.choice(["precision", "fold_constants", "default_value"])
        options[key] = rng.choice([-1, 11, 2.5, "2", True, None, [1.0], {}, "yes", 0, 1e400])
    return options


def random_body(rng) -> dict:
    """A well-formed request for a grammar-aware program (values and options may be bad)."""
    text = random_program(rng)
    body = {"expression": text, "values": random_values(rng, text, allow_bad=True)}
    if rng.random() < 0.8:
        body["options"] = random_options(rng)
    return body


# --- oracles --------------------------------------------------------------------------------

# Graphviz's plain drawing elements; anything else (script, foreignObject, a, image,
# style, ...) in the SVG would mean user text turned into markup.
SVG_TAGS = {"svg", "g", "polygon", "polyline", "path", "ellipse", "text", "title", "defs",
            "circle", "rect", "line"}
SVG_NS = "{http://www.w3.org/2000/svg}"


def check_svg(svg: str) -> None:
    """The SVG is well-formed and holds only Graphviz's plain drawing elements and attributes."""
    root = ET.fromstring(svg)  # well-formed: nothing closed a label early
    for element in root.iter():
        assert element.tag.startswith(SVG_NS), element.tag
        assert element.tag[len(SVG_NS):] in SVG_TAGS, element.tag
        for attribute in element.attrib:
            name = attribute.rsplit("}", 1)[-1].lower()
            assert not name.startswith("on") and name not in ("href", "style", "src"), attribute


def strict_json(raw: bytes | str):
    """The body parsed as strict JSON: a bare NaN or Infinity fails here."""
    def refuse(name):
        raise AssertionError(f"{name} is not JSON")
    return json.loads(raw, parse_constant=refuse)


def check_engine(text: str, values: dict) -> str:
    """Evaluate and draw (DOT only) in-process: an EngineError or a JSON-safe result.

    Returns "ok" or "error" so callers can count outcomes.
    """
    try:
        result = engine.evaluate(text, values)
        data = result.to_dict()
    except engine.EngineError as error:
        assert isinstance(error.message, str) and error.message
        if error.start is not None:
            assert 0 <= error.start <= error.end <= len(text) + 1, (text, error.to_dict())
        json.dumps(error.to_dict(), allow_nan=False)
        error.caret(text)
        return "error"
    json.dumps(data, allow_nan=False)
    try:
        source = render.to_dot(data)
    except render.RenderError as error:
        assert error.message
        return "ok"
    assert source.startswith("digraph")
    return "ok"


def check_response(status: int, mimetype: str, raw: bytes, headers=None) -> dict:
    """The API's only outcomes: 200 with the result and a drawing, or a 4xx JSON error."""
    assert status == 200 or 400 <= status < 500, (status, raw[:300])
    assert mimetype == "application/json", mimetype
    body = strict_json(raw)
    if status != 200:
        assert set(body) == {"error"}, body
        error = body["error"]
        assert isinstance(error["message"], str) and error["message"], error
        assert "Traceback" not in error["message"]
        for key in ("start", "end"):
            assert error[key] is None or isinstance(error[key], int), error
        return body
    for key in ("output", "nodes", "edges", "steps", "gradients", "svg", "dot", "render_error"):
        assert key in body, key
    if body["svg"] is not None:
        check_svg(body["svg"])
    else:
        # The app turns a renderer crash into a render_error so the numbers survive;
        # for the fuzzer that is still a bug.
        assert body["render_error"]["message"] != RENDER_CRASH_MESSAGE, body["render_error"]
        assert body["render_error"]["message"]
    return body
