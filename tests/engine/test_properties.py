"""Property tests (hypothesis).

* Random well-formed programs (trees over a few variables with every scalar operation,
  kept in safe domains) are printed with minimal parentheses and evaluated both by the
  engine and by an independent Python evaluator: the values agree, and the engine's
  reverse-mode gradients agree with central finite differences of the Python evaluator,
  for the inputs and for every assigned name.
* Every result keeps the graph invariants (topological ids, one edge per use,
  node grad == sum of its out-edges' grads, steps one per gate).
* Random text, and a grammar-aware token fuzzer, never raise anything but EngineError,
  and every result is JSON-safe.
"""

from __future__ import annotations

import functools
import json
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

import engine
from engine import EngineError
from tests.support.invariants import as_float, assert_sum_matches, check_invariants, live_nodes

SETTINGS = settings(max_examples=200, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])

VARS = ("a", "b", "c")

# --- trees, an independent evaluator, and a precedence-aware printer ------------------------
# ("var", name) ("num", text) ("const", name) ("un", "-"|"+", x)
# ("bin", op, x, y) with op in + - * / ** ^      ("call", fname, x[, y])

PREC = {"+": 1, "-": 1, "*": 2, "/": 2, "**": 4, "^": 4}
UNARY_PREC = 3


def prec(t) -> int:
    if t[0] == "bin":
        return PREC[t[1]]
    if t[0] == "un":
        return UNARY_PREC
    return 5


def show(t, parens_everywhere: bool = False, space: str = " ") -> str:
    """Program text for a tree, with the fewest parentheses the grammar needs (or all)."""
    def wrap(child, need):
        s = show(child, parens_everywhere, space)
        if parens_everywhere and child[0] in ("bin", "un"):
            need = True
        return f"({s})" if need else s

    kind = t[0]
    if kind in ("var", "num", "const"):
        return t[1]
    if kind == "un":
        return t[1] + wrap(t[2], prec(t[2]) < UNARY_PREC)
    if kind == "call":
        name = t[1]
        return f"{name}(" + ("," + space).join(show(a, parens_everywhere, space)
                                              for a in t[2:]) + ")"
    op, x, y = t[1], t[2], t[3]
    p = PREC[op]
    if op in ("**", "^"):  # right associative; a unary minus may follow it
        return f"{wrap(x, prec(x) <= p)}{space}{op}{space}{wrap(y, prec(y) < UNARY_PREC)}"
    return f"{wrap(x, prec(x) < p)}{space}{op}{space}{wrap(y, prec(y) <= p)}"


class Reject(Exception):
    """The Python evaluator left the safe domain (overflow, a kink too close, ...)."""


def stable_sigmoid(v: float) -> float:
    if v >= 0:
        return 1.0 / (1.0 + math.exp(-v))
    z = math.exp(v)
    return z / (1.0 + z)


FUNCS = {
    "exp": math.exp, "log": math.log, "sqrt": math.sqrt, "sin": math.sin, "cos": math.cos,
    "tan": math.tan, "tanh": math.tanh, "sigmoid": stable_sigmoid,
    "relu": lambda v: v if v > 0 else 0.0, "abs": abs,
    "max": max, "min": min, "pow": lambda u, v: u ** v,
}
KINK_DISTANCE = 1e-3
MAX_MAGNITUDE = 1e4


def py_eval(t, env: dict) -> float:
    """Evaluate a tree with math only; Reject outside the domain the test relies on."""
    kind = t[0]
    if kind == "var":
        return env[t[1]]
    if kind == "num":
        return float(t[1])
    if kind == "const":
        return {"pi": math.pi, "e": math.e}[t[1]]
    try:
        if kind == "un":
            v = py_eval(t[2], env)
            out = -v if t[1] == "-" else v
        elif kind == "call":
            args = [py_eval(a, env) for a in t[2:]]
            if t[1] in ("relu", "abs") and abs(args[0]) < KINK_DISTANCE:
                raise Reject
            if t[1] in ("max", "min") and abs(args[0] - args[1]) < KINK_DISTANCE:
                raise Reject
            out = float(FUNCS[t[1]](*args))
        else:
            x, y = py_eval(t[2], env), py_eval(t[3], env)
            op = t[1]
            out = {"+": lambda: x + y, "-": lambda: x - y, "*": lambda: x * y,
                   "/": lambda: x / y, "**": lambda: x ** y, "^": lambda: x ** y}[op]()
    except (OverflowError, ValueError, ZeroDivisionError):
        raise Reject from None
    if isinstance(out, complex) or not math.isfinite(out) or abs(out) > MAX_MAGNITUDE:
        raise Reject
    return out


def num(text):
    return ("num", text)


def positive(kind: str, u):
    """A strictly positive expression of u (so log, sqrt, / and ** stay finite)."""
    if kind == "square":
        return ("bin", "+", ("bin", "*", u, u), num("1"))
    if kind == "exptanh":
        return ("call", "exp", ("call", "tanh", u))
    return ("bin", "+", ("call", "sigmoid", u), num("0.5"))


POSITIVE = st.sampled_from(["square", "exptanh", "sigmoid"])
NUMBERS = st.sampled_from(["1", "2", "3", "0.5", ".25", "1.5", "1e-1", "2.5E0", "0.75"])


@functools.lru_cache(maxsize=None)
def expressions(names: tuple, kinks: bool):
    leaves = st.one_of(
        st.sampled_from(names).map(lambda n: ("var", n)),
        NUMBERS.map(num),
        st.sampled_from(["pi", "e"]).map(lambda n: ("const", n)),
    )

    def extend(children):
        options = [
            st.tuples(st.sampled_from(["+", "-", "*"]), children, children).map(
                lambda t: ("bin", t[0], t[1], t[2])),
            st.tuples(children, children, POSITIVE).map(
                lambda t: ("bin", "/", t[0], positive(t[2], t[1]))),
            st.tuples(st.sampled_from(["-", "+"]), children).map(lambda t: ("un", t[0], t[1])),
            st.tuples(st.sampled_from(["sin", "cos", "tanh", "sigmoid", "exp"]), children).map(
                lambda t: ("call", t[0], t[1])),
            st.tuples(st.sampled_from(["log", "sqrt"]), children, POSITIVE).map(
                lambda t: ("call", t[0], positive(t[2], t[1]))),
            children.map(lambda u: ("call", "tan", ("call", "tanh", u))),
            # powers: an integer exponent on any base, any exponent on a positive base
            st.tuples(children, st.sampled_from(["2", "3"]), st.sampled_from(["**", "^"])).map(
                lambda t: ("bin", t[2], t[0], num(t[1]))),
            st.tuples(children, children, POSITIVE, st.sampled_from(["**", "^", "pow"])).map(
                lambda t: ("call", "pow", positive(t[2], t[0]), t[1]) if t[3] == "pow"
                else ("bin", t[3], positive(t[2], t[0]), t[1])),
        ]
        if kinks:
            options += [
                st.tuples(st.sampled_from(["relu", "abs"]), children).map(
                    lambda t: ("call", t[0], t[1])),
                st.tuples(st.sampled_from(["max", "min"]), children, children).map(
                    lambda t: ("call", t[0], t[1], t[2])),
            ]
        return st.one_of(*options)

    return st.recursive(leaves, extend, max_leaves=8)


@st.composite
def programs(draw, kinks: bool = False):
    """(statements [(name | None, tree)], separator) over the inputs a, b, c."""
    n = draw(st.integers(1, 3))
    stmts = []
    for i in range(n):
        names = VARS + tuple(f"t{j}" for j in range(i))
        tree = draw(expressions(names, kinks))
        stmts.append((f"t{i}", tree))
    if draw(st.booleans()):
        stmts[-1] = (None, stmts[-1][1])  # a bare last expression
    return stmts


def program_text(stmts, sep="\n", parens_everywhere=False, space=" ") -> str:
    return sep.join((f"{name} = " if name else "") + show(tree, parens_everywhere, space)
                    for name, tree in stmts)


def py_run(stmts, env: dict, override: dict | None = None) -> float:
    """The program's output; ``override`` pins an assigned name to a value."""
    env = dict(env)
    out = None
    for name, tree in stmts:
        out = py_eval(tree, env)
        if name is not None:
            if override and name in override:
                out = override[name]
            env[name] = out
    return out


VALUES = st.floats(min_value=-2.0, max_value=2.0, allow_nan=False, allow_subnormal=False)


def finite_difference(f, x: float) -> float:
    h = 1e-6 * max(1.0, abs(x))
    return (f(x + h) - f(x - h)) / (2 * h)


# --- invariants ---------------------------------------------------------------------------

# --- gradients against finite differences ----------------------------------------------------

def check_program(stmts, values: dict, sep: str):
    try:
        expected = py_run(stmts, values)
        # Every finite difference below must stay in the safe domain too.
        fd = {}
        for v in VARS:
            fd[v] = finite_difference(lambda t: py_run(stmts, {**values, v: t}), values[v])
        env = dict(values)
        for name, tree in stmts:
            if name is None:
                continue
            env[name] = py_eval(tree, env)
            fd[name] = finite_difference(
                lambda t, name=name: py_run(stmts, values, {name: t}), env[name])
    except Reject:
        reject()

    text = program_text(stmts, sep)
    r = engine.evaluate(text, values)
    assert r.value == pytest.approx(expected, rel=1e-9, abs=1e-12), text
    assert r.warnings == [], text
    for name, g in fd.items():
        if name in r.gradients:
            assert r.gradients[name] == pytest.approx(g, rel=1e-4, abs=1e-6), (text, name)
        else:  # an input the program never uses has no gradient, and FD says 0
            assert g == 0.0 and name in VARS
    d = r.to_dict()
    check_invariants(d)

    # The same tree printed with every parenthesis and no spaces is the same program.
    other = program_text(stmts, ";", parens_everywhere=True, space="")
    r2 = engine.evaluate(other, values)
    assert r2.value == r.value
    assert r2.gradients == r.gradients


@pytest.mark.slow
@SETTINGS
@given(stmts=programs(), a=VALUES, b=VALUES, c=VALUES, sep=st.sampled_from(["\n", "; ", ";"]))
def test_smooth_programs_match_finite_differences(stmts, a, b, c, sep):
    check_program(stmts, {"a": a, "b": b, "c": c}, sep)


@pytest.mark.slow
@SETTINGS
@given(stmts=programs(kinks=True), a=VALUES, b=VALUES, c=VALUES)
def test_programs_with_kinks_match_finite_differences_away_from_kinks(stmts, a, b, c):
    check_program(stmts, {"a": a, "b": b, "c": c}, "\n")


def test_printer_matches_the_grammar():
    # The printer is part of the test: make sure it writes what the parser reads.
    t = ("un", "-", ("bin", "**", ("var", "a"), num("2")))
    assert show(t) == "-a ** 2"
    t = ("bin", "**", ("un", "-", ("var", "a")), num("2"))
    assert show(t) == "(-a) ** 2"
    t = ("bin", "-", ("var", "a"), ("bin", "-", ("var", "b"), ("var", "c")))
    assert show(t) == "a - (b - c)"
    t = ("bin", "**", ("var", "a"), ("bin", "**", ("var", "b"), ("var", "c")))
    assert show(t) == "a ** b ** c"
    t = ("bin", "**", ("bin", "**", ("var", "a"), ("var", "b")), ("var", "c"))
    assert show(t) == "(a ** b) ** c"
    t = ("bin", "**", ("var", "a"), ("un", "-", ("var", "b")))
    assert show(t) == "a ** -b"
    assert show(t, parens_everywhere=True, space="") == "a**(-b)"


# --- random text never breaks the engine ---------------------------------------------------

def run_anything(text: str, values_for) -> None:
    """Evaluate arbitrary text: an EngineError, or a JSON-safe result with its invariants."""
    try:
        names = engine.input_names(text)
        values = {n: values_for(i) for i, n in enumerate(names)}
        r = engine.evaluate(text, values)
        d = r.to_dict()
    except EngineError as err:
        assert isinstance(err.message, str) and err.message
        if err.start is not None:
            # end may be len+1 when the error is "at the end of the program"
            # (see test_errors.test_error_at_the_end_points_at_the_last_token)
            assert 0 <= err.start <= err.end <= len(text) + 1, (text, err.start, err.end)
        out = err.caret(text)
        assert out.startswith(err.message)
        json.dumps(err.to_dict(), allow_nan=False)
        return
    check_invariants(d)


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=40))
def test_random_text_raises_only_engine_errors(text):
    run_anything(text, lambda i: 1.5)


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet="xy01.e+-*/^@()[],;=# \n\tabcpsqrtlogmn", max_size=30))
def test_random_text_over_the_grammar_alphabet(text):
    run_anything(text, lambda i: [0.5, -2.0, 3.0][i % 3])


TOKENS = ["x", "y", "w", "q", "f", "0", "1", "2.5", ".5", "1e3", "1e-3", "1e308", "1e999",
          "-", "+", "*", "/", "@", "**", "^", "(", ")", "[", "]", ",", "=", ";", "\n",
          "exp", "log", "sqrt", "sin", "cos", "tan", "tanh", "sigmoid", "relu", "abs",
          "max", "min", "pow", "sum", "mean", "transpose", "dot", "pi", "e", "# c\n",
          "x =", "q = x", "w = [1, 2]", "expp", "2x", "$"]
FUZZ_VALUES = [1.5, -2.0, 0.0, [1.0, 2.0], [[1.0, 2.0], [3.0, 4.0]], [1.0, -1.0, 0.0]]


@pytest.mark.slow
@settings(max_examples=400, deadline=None)
@given(tokens=st.lists(st.tuples(st.sampled_from(TOKENS), st.sampled_from(["", " "])),
                       min_size=1, max_size=14),
       picks=st.lists(st.integers(0, len(FUZZ_VALUES) - 1), min_size=8, max_size=8))
def test_token_fuzzer_raises_only_engine_errors(tokens, picks):
    text = "".join(tok + sp for tok, sp in tokens)
    run_anything(text, lambda i: FUZZ_VALUES[picks[i % len(picks)]])


@settings(max_examples=100, deadline=None)
@given(stmts=programs(kinks=True), a=st.floats(allow_nan=False, allow_infinity=False),
       b=st.floats(allow_nan=False, allow_infinity=False),
       c=st.sampled_from([0.0, -0.0, 1e-300, -1e300, 710.0, -710.0]))
def test_any_finite_inputs_give_json_safe_results(stmts, a, b, c):
    # Outside the safe domain anything may be inf or nan, but nothing crashes.
    text = program_text(stmts)
    r = engine.evaluate(text, {"a": a, "b": b, "c": c})
    d = r.to_dict()
    check_invariants(d)
    if not all(math.isfinite(float(x)) for x in [r.value, *r.gradients.values()]):
        assert r.warnings
