"""Parser and tokenizer: the trees the grammar promises, as compact S-expressions.

Precedence, loosest to tightest: ``+ -`` (left), ``* / @`` (left), unary ``- +``,
``** ^`` (right). ``-x**2`` is ``-(x**2)``, ``2**3**2`` is ``2**9``.
"""

from __future__ import annotations

import pytest

import engine
from engine import parse, to_sexpr, tokenize


def sexpr(text: str) -> str:
    """The S-expression of the last statement's expression."""
    return to_sexpr(parse(text)[-1].expr)


# --- precedence and associativity ----------------------------------------------

PRECEDENCE = [
    # power: right associative, both spellings
    ("2 ** 3 ** 2", "(** 2 (** 3 2))"),
    ("2 ^ 3 ^ 2", "(** 2 (** 3 2))"),
    ("2 ** 3 ^ 2", "(** 2 (** 3 2))"),
    ("a ** b ** c ** d", "(** a (** b (** c d)))"),
    ("(2 ** 3) ** 2", "(** (** 2 3) 2)"),
    # unary minus is looser than power, on both sides of it
    ("-x**2", "(- (** x 2))"),
    ("-x ^ 2", "(- (** x 2))"),
    ("-2**2", "(- (** 2 2))"),
    ("(-x)**2", "(** (- x) 2)"),
    ("2^-1", "(** 2 (- 1))"),
    ("2**-x**2", "(** 2 (- (** x 2)))"),
    ("a**-b**c", "(** a (- (** b c)))"),
    ("-x^-y", "(- (** x (- y)))"),
    ("2 ** +x", "(** 2 (+ x))"),
    # unary is tighter than * / @ and + -
    ("a * -b", "(* a (- b))"),
    ("-a * b", "(* (- a) b)"),
    ("-a + b", "(+ (- a) b)"),
    ("a - -b", "(- a (- b))"),
    ("a--b", "(- a (- b))"),
    ("a+-b", "(+ a (- b))"),
    ("a * -b * c", "(* (* a (- b)) c)"),
    ("a / -b ** 2", "(/ a (- (** b 2)))"),
    # unary chains
    ("--x", "(- (- x))"),
    ("+-x", "(+ (- x))"),
    ("-+x", "(- (+ x))"),
    ("- - - x", "(- (- (- x)))"),
    ("++x", "(+ (+ x))"),
    # + - are left associative
    ("a - b - c", "(- (- a b) c)"),
    ("a + b - c", "(- (+ a b) c)"),
    ("a - b + c", "(+ (- a b) c)"),
    ("a + b + c + d", "(+ (+ (+ a b) c) d)"),
    # * / @ share one level, left associative
    ("a / b / c", "(/ (/ a b) c)"),
    ("a * b / c", "(/ (* a b) c)"),
    ("a / b * c", "(* (/ a b) c)"),
    ("a @ b * c", "(* (@ a b) c)"),
    ("a * b @ c", "(@ (* a b) c)"),
    ("a @ b @ c", "(@ (@ a b) c)"),
    ("a @ b + c", "(+ (@ a b) c)"),
    # * binds tighter than +
    ("a + b * c", "(+ a (* b c))"),
    ("a * b + c", "(+ (* a b) c)"),
    ("a - b / c", "(- a (/ b c))"),
    ("a + b * c ** d", "(+ a (* b (** c d)))"),
    ("a ** b * c", "(* (** a b) c)"),
    ("a * b ** c", "(* a (** b c))"),
    ("a ** b + c ** d", "(+ (** a b) (** c d))"),
    # parentheses
    ("(a + b) * c", "(* (+ a b) c)"),
    ("a * (b + c)", "(* a (+ b c))"),
    ("a - (b - c)", "(- a (- b c))"),
    ("((x))", "x"),
    ("(((a + b)))", "(+ a b)"),
    ("((a + b) * (c - d)) / e", "(/ (* (+ a b) (- c d)) e)"),
    ("-(a + b)", "(- (+ a b))"),
    ("-(-(x))", "(- (- x))"),
    ("(a) * (b)", "(* a b)"),
]


@pytest.mark.parametrize("text,expected", PRECEDENCE, ids=[t for t, _ in PRECEDENCE])
def test_precedence_and_associativity(text, expected):
    assert sexpr(text) == expected


# --- calls, lists, constants -------------------------------------------------------

CALLS = [
    ("exp(x)", "(exp x)"),
    ("log(x)", "(log x)"),
    ("sqrt(x)", "(sqrt x)"),
    ("sin(x)", "(sin x)"),
    ("cos(x)", "(cos x)"),
    ("tan(x)", "(tan x)"),
    ("tanh(x)", "(tanh x)"),
    ("sigmoid(x)", "(sigmoid x)"),
    ("relu(x)", "(relu x)"),
    ("abs(x)", "(abs x)"),
    ("max(a, b)", "(max a b)"),
    ("min(a, b)", "(min a b)"),
    ("pow(a, b)", "(** a b)"),  # pow() is the ** operator written as a call
    ("sum(w)", "(sum w)"),
    ("mean(w)", "(mean w)"),
    ("transpose(W)", "(transpose W)"),
    ("dot(w, x)", "(dot w x)"),
    ("max(a, b+c)", "(max a (+ b c))"),
    ("max(a, b) * 2", "(* (max a b) 2)"),
    ("-exp(x)", "(- (exp x))"),
    ("exp(x)**2", "(** (exp x) 2)"),
    ("2**exp(x)", "(** 2 (exp x))"),
    ("exp (x)", "(exp x)"),
    ("exp(exp(x))", "(exp (exp x))"),
    ("max(min(a, b), max(c, -d))", "(max (min a b) (max c (- d)))"),
    ("pow(x, 2) + 1", "(+ (** x 2) 1)"),
    ("sum(w * x)", "(sum (* w x))"),
    ("exp((x))", "(exp x)"),
    ("f = 1 / (1 + exp(-(w0*x0 + w1*x1 + w2)))",
     "(/ 1 (+ 1 (exp (- (+ (+ (* w0 x0) (* w1 x1)) w2)))))"),
    # lists
    ("[1, 2]", "(list 1 2)"),
    ("[1]", "(list 1)"),
    ("[1, -2]", "(list 1 (- 2))"),
    ("[[1, 2], [3, 4]]", "(list (list 1 2) (list 3 4))"),
    ("[1, 2] * x", "(* (list 1 2) x)"),
    ("sum([1, 2])", "(sum (list 1 2))"),
    # constants are names in the tree
    ("pi", "pi"),
    ("e", "e"),
    ("2 * pi * e", "(* (* 2 pi) e)"),
]


@pytest.mark.parametrize("text,expected", CALLS, ids=[t for t, _ in CALLS])
def test_calls_lists_constants(text, expected):
    assert sexpr(text) == expected


# --- numbers and names ---------------------------------------------------------------

NUMBERS = [
    ("3", 3.0),
    ("2.5", 2.5),
    (".5", 0.5),
    ("5.", 5.0),
    ("1e-3", 0.001),
    ("2.5E2", 250.0),
    ("1E+2", 100.0),
    ("1.e3", 1000.0),
    ("0", 0.0),
    ("007", 7.0),
    ("1e-320", 1e-320),
    ("123456789012345678", 123456789012345678.0),
]


@pytest.mark.parametrize("text,value", NUMBERS, ids=[t for t, _ in NUMBERS])
def test_number_literals(text, value):
    expr = parse(text)[-1].expr
    assert expr.kind == "num"
    assert expr.value == value
    assert (expr.start, expr.end) == (0, len(text))
    toks = tokenize(text)
    assert [(t.kind, t.text) for t in toks] == [("num", text), ("eof", "")]


@pytest.mark.parametrize("name", ["x", "w0", "x_1", "sigy", "_t", "X", "camelCase", "a1b2"])
def test_names(name):
    expr = parse(name)[-1].expr
    assert expr.kind == "name" and expr.name == name
    assert sexpr(f"{name} + 1") == f"(+ {name} 1)"


def test_name_that_starts_like_a_function_or_constant_is_a_name():
    assert sexpr("expo + pie + e2 + sums") == "(+ (+ (+ expo pie) e2) sums)"


# --- tokenizer ---------------------------------------------------------------------

def kinds(text):
    return [(t.kind, t.text) for t in tokenize(text)]


def test_tokenize_basic_kinds_and_offsets():
    toks = tokenize("q = x**2 + exp(y)")
    assert [(t.kind, t.text, t.start, t.end) for t in toks] == [
        ("name", "q", 0, 1), ("=", "=", 2, 3), ("name", "x", 4, 5), ("op", "**", 5, 7),
        ("num", "2", 7, 8), ("op", "+", 9, 10), ("name", "exp", 11, 14), ("(", "(", 14, 15),
        ("name", "y", 15, 16), (")", ")", 16, 17), ("eof", "", 17, 17)]


def test_tokenize_power_is_one_token_and_caret_too():
    assert kinds("a**b^c") == [("name", "a"), ("op", "**"), ("name", "b"), ("op", "^"),
                               ("name", "c"), ("eof", "")]
    assert kinds("a * * b")[1:3] == [("op", "*"), ("op", "*")]


def test_tokenize_comments_are_dropped_to_end_of_line():
    assert kinds("x + 1 # the bias\ny") == [
        ("name", "x"), ("op", "+"), ("num", "1"), ("sep", "\n"), ("name", "y"), ("eof", "")]
    assert kinds("# only a comment") == [("eof", "")]
    assert kinds("x # a ; b = ( [") == [("name", "x"), ("eof", "")]


def test_tokenize_separators():
    assert kinds("a; b\nc") == [("name", "a"), ("sep", ";"), ("name", "b"), ("sep", "\n"),
                                ("name", "c"), ("eof", "")]


def test_tokenize_newlines_inside_brackets_are_spaces():
    assert kinds("(x\n+\ny)") == [("(", "("), ("name", "x"), ("op", "+"), ("name", "y"),
                                  (")", ")"), ("eof", "")]
    assert kinds("[1,\n 2]") == [("[", "["), ("num", "1"), (",", ","), ("num", "2"),
                                 ("]", "]"), ("eof", "")]
    # after the bracket closes, a newline separates statements again
    assert kinds("(x)\ny")[3] == ("sep", "\n")


def test_tokenize_whitespace_kinds():
    assert kinds(" \tx\r\f\v+ y ") == [("name", "x"), ("op", "+"), ("name", "y"), ("eof", "")]


def test_number_then_name_is_a_clear_error():
    with pytest.raises(engine.ParseError) as info:
        tokenize("3x")
    assert "3 * x" in info.value.message
    assert (info.value.start, info.value.end) == (0, 2)


# --- statements ----------------------------------------------------------------------

def test_statements_newline_and_semicolon():
    stmts = parse("q = x + y; f = q * z\ng = f")
    assert [s.target for s in stmts] == ["q", "f", "g"]
    assert [to_sexpr(s.expr) for s in stmts] == ["(+ x y)", "(* q z)", "f"]


def test_statement_spans_and_targets():
    text = "q = x + y; f = q * z"
    q, f = parse(text)
    assert (q.target_start, q.target_end) == (0, 1)
    assert text[q.start:q.end] == "q = x + y"
    assert text[f.start:f.end] == "f = q * z"
    assert text[f.target_start:f.target_end] == "f"


def test_bare_last_expression_has_no_target():
    stmts = parse("q = x * 2\nq + 1")
    assert stmts[-1].target is None
    assert to_sexpr(stmts[-1].expr) == "(+ q 1)"


def test_empty_statements_and_blank_lines_are_skipped():
    stmts = parse(";;\n\nq = x;; \n ;f = q\n\n")
    assert [s.target for s in stmts] == ["q", "f"]


def test_newline_outside_brackets_ends_the_statement():
    stmts = parse("x\n+y")
    assert [to_sexpr(s.expr) for s in stmts] == ["x", "(+ y)"]


def test_newline_inside_brackets_continues_the_expression():
    assert sexpr("f = (x\n  + y) * z") == "(* (+ x y) z)"
    assert sexpr("max(a,\n    b)") == "(max a b)"
    assert sexpr("w = [1,\n 2,\n 3]") == "(list 1 2 3)"
    assert sexpr("f = (x # first part\n + y)") == "(+ x y)"


def test_comments_anywhere():
    stmts = parse("# header\nq = x + y  # sum\n# between\nf = q * z # product")
    assert [s.target for s in stmts] == ["q", "f"]


def test_expression_spans():
    text = "f = 2 * (x + y)"
    expr = parse(text)[-1].expr
    assert text[expr.start:expr.end] == "2 * (x + y)"
    inner = expr.args[1]
    assert text[inner.start:inner.end] == "x + y"
    assert text[inner.outer_start:inner.outer_end] == "(x + y)"
    assert text[expr.op_start:expr.op_end] == "*"
    call = parse("exp(x) + 1")[-1].expr.args[0]
    assert (call.start, call.end) == (0, 6)
    assert (call.op_start, call.op_end) == (0, 3)


def test_statement_nodes_are_post_order():
    stmt = parse("(a + b) * c")[-1]
    order = [to_sexpr(n) for n in stmt.nodes]
    assert order == ["a", "b", "(+ a b)", "c", "(* (+ a b) c)"]


def test_to_sexpr_is_iterative_on_deep_trees():
    text = "-" * 5_000 + "x"  # deeper than the recursion limit
    assert sexpr(text) == "(- " * 5_000 + "x" + ")" * 5_000


def test_parse_depth_limit_counts_brackets():
    assert to_sexpr(parse("(" * 5 + "x" + ")" * 5, max_depth=5)[-1].expr) == "x"
    with pytest.raises(engine.LimitError):
        parse("(" * 6 + "x" + ")" * 6, max_depth=5)
    with pytest.raises(engine.LimitError):
        parse("exp(" * 6 + "x" + ")" * 6, max_depth=5)
    with pytest.raises(engine.LimitError):
        parse("[" * 6 + "1" + "]" * 6, max_depth=5)


def test_to_sexpr_of_an_overflowing_number_literal_does_not_crash():
    # 1e999 is not a float64: either the parser says so or the tree prints it.
    try:
        out = sexpr("1e999")
    except engine.EngineError as err:
        assert (err.start, err.end) == (0, 5)
    else:
        assert out in ("inf", "1e999")
