"""Hostile input, tried systematically: nothing but a result (200) or a clear 4xx JSON error.

* Hypothesis sends random text, random bytes, random JSON shapes and grammar-aware
  random programs (with random values and options) through the engine and through
  ``POST /api/graph`` (Flask test client).  A 200 carries the engine's result and
  an SVG that is well-formed and contains only plain drawing elements (or a
  ``render_error``); anything else is a 4xx with ``{"error": {message, start, end}}``.
* Pathological programs (100k nested parentheses, ``2**2**...`` a thousand deep,
  a 1 MB body, 10,000 variables, ``exp(exp(exp(1000)))``, a 10,000-character name,
  NUL bytes and odd Unicode) finish with the right status and message.
* Markup- and DOT-like characters never reach the SVG or the page as markup.

The grammar generator (``random_program``) takes a ``random.Random``, so the same
code drives hypothesis here (through ``st.randoms()``; a failure names its seed) and the
long by-hand run in ``scripts/fuzz.py``.  The number of inputs tried is printed at
the end of the run (``fuzz: ... inputs``).
"""

from __future__ import annotations

import collections
import json
import math
import re
import string
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import engine
from app import create_app
from app.drawing import RENDER_CRASH_MESSAGE
from engine import render

ROOT = Path(__file__).resolve().parent.parent

# How many inputs each test tried; printed at the end of the module.
COUNTS: collections.Counter = collections.Counter()
# What the API answered to them, by status.
STATUSES: collections.Counter = collections.Counter()

_FUZZ = settings(deadline=None, database=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much,
                                        HealthCheck.data_too_large,
                                        HealthCheck.function_scoped_fixture])


def fuzz(examples: int):
    """Hypothesis settings for one fuzz test: ``examples`` inputs, no deadline, no database."""
    return settings(_FUZZ, max_examples=examples)


# --- the grammar-aware generator (shared with scripts/fuzz.py) -----------------------------

IDENTS = ["x", "y", "z", "w0", "x1", "q", "f", "_t", "a" * 40, "e", "pi",
          "exp", "sum", "max", "x_very_long_name_2"]
NUMBERS = ["0", "1", "2", "3", "2.5", ".5", "3.", "0.0", "1e3", "1e-3", "1e308", "1e999",
           "1e-400", "007", "123456789012345678901234567890"]
UNARY = ["-", "+"]
BINOPS = ["+", "-", "*", "/", "**", "^", "@"]
FUNCS1 = ["exp", "log", "sqrt", "sin", "cos", "tan", "tanh", "sigmoid", "relu", "abs",
          "sum", "mean", "transpose"]
FUNCS2 = ["max", "min", "pow", "dot"]
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


# --- oracles (shared with scripts/fuzz.py) --------------------------------------------------

# Graphviz's plain drawing elements; anything else (script, foreignObject, a, image,
# style, ...) in the SVG would mean user text turned into markup.
SVG_TAGS = {"svg", "g", "polygon", "polyline", "path", "ellipse", "text", "title", "defs",
            "circle", "rect", "line"}
SVG_NS = "{http://www.w3.org/2000/svg}"


def check_svg(svg: str) -> None:
    root = ET.fromstring(svg)  # well-formed: nothing closed a label early
    for element in root.iter():
        assert element.tag.startswith(SVG_NS), element.tag
        assert element.tag[len(SVG_NS):] in SVG_TAGS, element.tag
        for attribute in element.attrib:
            name = attribute.rsplit("}", 1)[-1].lower()
            assert not name.startswith("on") and name not in ("href", "style", "src"), attribute


def strict_json(raw: bytes):
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


# --- hypothesis: through the engine and the API ----------------------------------------------

@pytest.fixture(scope="module")
def client():
    return create_app({"TESTING": True}).test_client()


@pytest.fixture(scope="module", autouse=True)
def report_counts(request):
    """Print how many inputs the module tried (visible without -s)."""
    yield
    total = sum(COUNTS.values())
    if not total:
        return
    parts = ", ".join(f"{key} {n}" for key, n in sorted(COUNTS.items()))
    statuses = ", ".join(f"{key}: {n}" for key, n in sorted(STATUSES.items()))
    line = f"fuzz: {total} inputs ({parts}); API statuses {statuses}"
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if capture is not None:
        with capture.global_and_fixture_disabled():
            print(f"\n{line}")
    else:  # pragma: no cover
        print(line)


def post_raw(client, data, content_type="application/json"):
    response = client.post("/api/graph", data=data, content_type=content_type)
    STATUSES[response.status_code] += 1
    check_response(response.status_code, response.mimetype, response.get_data())
    return response


@fuzz(1500)
@given(rng=st.randoms(use_true_random=True))
def test_engine_grammar_programs(rng):
    text = random_program(rng)
    values = random_values(rng, text)
    COUNTS["engine-grammar"] += 1
    check_engine(text, values)


@fuzz(600)
@given(text=st.text(max_size=60))
def test_engine_random_text(text):
    COUNTS["engine-text"] += 1
    check_engine(text, {})


@fuzz(500)
@given(rng=st.randoms(use_true_random=True))
def test_api_grammar_programs(client, rng):
    body = random_body(rng)
    COUNTS["api-grammar"] += 1
    post_raw(client, json.dumps(body))


@fuzz(300)
@given(text=st.text(max_size=80),
       values=st.dictionaries(st.text(max_size=5), st.floats(allow_nan=False,
                              allow_infinity=False), max_size=3))
def test_api_random_text(client, text, values):
    COUNTS["api-text"] += 1
    post_raw(client, json.dumps({"expression": text, "values": values,
                                 "options": {"default_value": 1.0}}))


@fuzz(300)
@given(data=st.binary(max_size=200),
       content_type=st.sampled_from(["application/json", "text/plain", "",
                                     "application/x-www-form-urlencoded"]))
def test_api_random_bytes(client, data, content_type):
    COUNTS["api-bytes"] += 1
    post_raw(client, data, content_type)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=10),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12)
KEYS = st.sampled_from(["expression", "values", "options", "precision", "fold_constants",
                        "default_value", "x"])


@fuzz(300)
@given(body=JSON | st.dictionaries(KEYS, JSON, max_size=3)
       | st.fixed_dictionaries({"expression": st.sampled_from(["x * y", "(x + y) * z", "x"])},
                               optional={"values": JSON | st.dictionaries(
                                   st.sampled_from(["x", "y", "z"]), JSON, max_size=3),
                                         "options": JSON | st.dictionaries(KEYS, JSON)}))
def test_api_random_json_shapes(client, body):
    COUNTS["api-json"] += 1
    post_raw(client, json.dumps(body))


# --- pathological programs --------------------------------------------------------------------

def api(client, expression, values=None, **options):
    body = {"expression": expression, "values": values or {},
            "options": {"default_value": 1.5, **options}}
    response = client.post("/api/graph", json=body)
    return response.status_code, check_response(response.status_code, response.mimetype,
                                                 response.get_data())


@pytest.fixture(scope="module")
def roomy():
    """An app with the length, depth and node limits raised far past the defaults."""
    return create_app({"TESTING": True, "MAX_EXPRESSION_LENGTH": 10 ** 6,
                       "MAX_CONTENT_LENGTH": 4 * 2 ** 20, "MAX_NODES": 10 ** 5,
                       "MAX_DEPTH": 10 ** 6, "RENDER_TIMEOUT": 0.5}).test_client()


def test_100k_nested_parentheses(client, roomy):
    text = "(" * 100_000 + "x" + ")" * 100_000
    status, body = api(client, text)
    assert status == 413 and "characters long" in body["error"]["message"]
    # With the limits out of the way the parser (explicit stacks) still gets it right.
    status, body = api(roomy, text)
    assert status == 200 and body["output"]["value"] == 1.5 and body["gradients"]["x"] == 1


def test_100k_nested_parentheses_over_the_depth_limit():
    client = create_app({"TESTING": True, "MAX_EXPRESSION_LENGTH": 10 ** 6,
                         "MAX_DEPTH": 1000}).test_client()
    status, body = api(client, "(" * 100_000 + "x" + ")" * 100_000)
    assert status == 413 and "nest" in body["error"]["message"] + "depth"


def test_power_tower_a_thousand_deep(client):
    # 2**2**...**2 with 1000 operators is 2001 nodes: over the 2000-node limit.
    status, body = api(client, "2**" * 1000 + "2")
    assert status == 413 and "2000 graph nodes" in body["error"]["message"]
    # One less fits, and overflows to inf with a warning, as IEEE says.
    status, body = api(client, "2**" * 999 + "2")
    assert status == 200 and body["output"]["value"] == "Infinity"
    assert body["warnings"] and "inf" in body["warnings"][0]


def test_body_of_one_megabyte_is_413_json(client):
    raw = json.dumps({"expression": "x + " * (2 ** 18) + "x", "values": {}}).encode()
    assert len(raw) > 2 ** 20
    response = post_raw(client, raw)
    assert response.status_code == 413
    assert "too large" in response.get_json()["error"]["message"]


def test_ten_thousand_distinct_variables(client, roomy):
    text = " + ".join(f"v{i}" for i in range(10_000))
    status, body = api(client, text)
    assert status == 413 and "limit" in body["error"]["message"]
    # Evaluated, with every gradient 1; too big to lay out, which the answer says.
    status, body = api(roomy, text)
    assert status == 200 and body["output"]["value"] == 15_000
    assert len(body["gradients"]) == 10_000 and body["gradients"]["v9999"] == 1
    assert body["svg"] is None and body["render_error"]["message"]


def test_exp_exp_exp_1000_is_infinity_with_a_warning(client):
    status, body = api(client, "exp(exp(exp(1000)))")
    assert status == 200 and body["output"]["value"] == "Infinity"
    assert any("exp(1000)" in w for w in body["warnings"])
    check_svg(body["svg"])


def test_a_ten_thousand_character_name(client):
    name = "a" * 10_000
    status, body = api(client, f"{name} * 2", {name: 3})
    assert status == 200 and body["output"]["value"] == 6 and body["gradients"][name] == 2
    check_svg(body["svg"])  # drawn (render may shorten the name on the picture)


@pytest.mark.parametrize("text, char", [
    ("x\x00 + 1", "U+0000"),
    ("x\u200f + 1", "U+200F"),          # right-to-left mark
    ("x\u202e + 1", "U+202E"),          # right-to-left override
    ("x\u0301 + 1", "U+0301"),          # combining acute accent
    ("x + \U0001F600", "U+1F600"),      # emoji
    ("x\ud800", "U+D800"),              # lone surrogate (sent as \ud800 in the JSON)
    ("x\ufeff", "U+FEFF"),              # byte-order mark
    ("é = 1", "U+00E9"),
], ids=["nul", "rlm", "rlo", "combining", "emoji", "surrogate", "bom", "accent"])
def test_odd_characters_are_400_with_their_place(client, text, char):
    body = json.dumps({"expression": text, "values": {"x": 1}})  # ensure_ascii: \ud800 stays escaped
    response = post_raw(client, body)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert char in error["message"]
    bad = next(i for i, ch in enumerate(text) if ch not in string.ascii_letters + "0123456789 +*=")
    assert (error["start"], error["end"]) == (bad, bad + 1)


def test_lone_surrogates_in_value_names_are_answered(client):
    raw = b'{"expression": "x", "values": {"x": 1, "\\ud800": 2}}'
    response = post_raw(client, raw)
    assert response.status_code == 200 and response.get_json()["output"]["value"] == 1
    raw = b'{"expression": "x", "values": {"\\udfff": "two"}}'
    response = post_raw(client, raw)
    assert response.status_code == 400 and "\\udfff" in response.get_data(as_text=True)


# --- markup and DOT characters --------------------------------------------------------------

MARKUP = ['"', "<", ">", "&", "\\", "{", "}", "<script>alert(1)</script>", "]]>", "\\N",
          "&amp;", "<b>x</b>", "\"; label=\"x"]


@pytest.mark.parametrize("piece", MARKUP)
def test_markup_in_programs_is_an_error_never_markup(client, piece):
    status, body = api(client, f"x + y{piece}")
    assert status == 400
    # The message is plain text in JSON; the page writes it with textContent.
    start = body["error"]["start"]
    assert start >= 5 and f"x + y{piece}"[start] in piece


@pytest.mark.parametrize("piece", MARKUP)
def test_markup_in_comments_never_reaches_the_svg(client, piece):
    status, body = api(client, f"f = x * 2  # {piece}\n# {piece}")
    assert status == 200 and body["output"]["value"] == 3
    check_svg(body["svg"])
    assert "script" not in body["svg"] and "<b>" not in body["svg"]
    assert f"# {piece}" not in body["dot"]  # comments are not drawn at all


def test_the_page_writes_server_text_as_text_only():
    # Error messages, warnings and render errors echo user text: the page must put
    # them in with textContent / append(string), never as HTML.
    scripts = sorted((ROOT / "static" / "js").glob("*.js"))
    assert scripts
    for path in scripts:
        source = path.read_text()
        for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write",
                     "eval(", "new Function"):
            assert sink not in source, (path.name, sink)
    main = (ROOT / "static" / "js" / "main.js").read_text()
    assert re.search(r'h\("p", "error-text", `\$\{error\.message\}', main)
    assert "els.note.textContent = text" in main


@pytest.mark.parametrize("text, values", [
    ("q = pi; h = q * x; q", {"x": 1}),
    ("x_very_long_name_2 = (pi)\nf = x_very_long_name_2^x**007\nx_very_long_name_2",
     {"x": [-745.0, -8.0, 1e16, -1e-300]}),
], ids=["q=pi", "fuzz-found"])
def test_an_output_that_is_a_folded_constant_is_drawn(client, text, values):
    # Found by scripts/fuzz.py (seed 6).  The numbers come back either way.
    assert check_engine(text, values) == "ok"
    status, body = api(client, text, values)
    assert status == 200 and body["svg"]


def test_number_formats_never_break_json(client):
    for values in ({"x": 1e308}, {"x": -1e-320}, {"x": 10 ** 300}, {"x": -0.0}):
        status, body = api(client, "x * x * x", values)
        assert status == 200
        value = body["output"]["value"]
        assert value in ("Infinity", "-Infinity", "NaN") or math.isfinite(value)
