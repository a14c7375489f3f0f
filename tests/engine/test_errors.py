"""Every error the engine promises: its class, its message and the text it points at.

Each case gives the program, the values, the error class, a substring of the
message, and the exact (start, end) of the place, checked against the text too.
"""

from __future__ import annotations

import json
import math

import pytest

import engine
from engine.messages import MESSAGES, english
from engine import (EngineError, LimitError, Limits, NamingError, ParseError, ShapeError,
                    InputValueError)

V = {"x": 1, "y": 2}

# (program, values, error class, message substring, (start, end))
CASES = [
    # unknown characters
    ("x $ y", V, ParseError, "unknown character '$'", (2, 3)),
    ("x{y}", V, ParseError, "use ( ) for grouping", (1, 2)),
    ("x!", V, ParseError, "no comparison or logical operators", (1, 2)),
    ("x . y", V, ParseError, "a number needs digits", (2, 3)),
    ("x × y", V, ParseError, "U+00D7", (2, 3)),
    ("x % 2", V, ParseError, "unknown character '%'", (2, 3)),
    ("x < y", V, ParseError, "unknown character '<'", (2, 3)),
    ("q = x\n  y @@ 2 &", V, ParseError, "unknown character '&'", (15, 16)),
    # unbalanced or unexpected brackets
    ("(x + y", V, ParseError, "'(' is never closed", (0, 1)),
    ("max(x, y", V, ParseError, "'(' is never closed", (3, 4)),
    ("exp(x\n", V, ParseError, "'(' is never closed", (3, 4)),
    ("[1, 2", V, ParseError, "'[' is never closed", (0, 1)),
    ("x + y)", V, ParseError, "unexpected ')'", (5, 6)),
    (")", V, ParseError, "unexpected ')'", (0, 1)),
    ("x\n)", V, ParseError, "unexpected ')'", (2, 3)),
    ("[1, 2)", V, ParseError, "does not match the '['", (5, 6)),
    ("(x]", V, ParseError, "unexpected ']'", (2, 3)),
    ("()", V, ParseError, "empty parentheses", (0, 2)),
    ("x,y", V, ParseError, "unexpected ','", (1, 2)),
    ("(x, y)", V, ParseError, "unexpected ','", (2, 3)),
    # missing operands
    ("x +", V, ParseError, "missing a value after '+'", (2, 3)),
    ("* x", V, ParseError, "missing a value before '*'", (0, 1)),
    ("x * * y", V, ParseError, "missing a value after '*'", (2, 3)),
    ("(x +)", V, ParseError, "missing a value after '+'", (3, 4)),
    ("x = ", V, ParseError, "missing a value after 'x ='", (2, 3)),
    ("q = x +\n  (y * 2)", V, ParseError, "missing a value after '+'", (6, 7)),
    ("max(x, )", V, ParseError, "missing a value after ','", (7, 8)),
    ("max(, x)", V, ParseError, "expected a value, found ','", (4, 5)),
    ("x == y", V, ParseError, "found '='", (3, 4)),
    # two values side by side
    ("x y", V, ParseError, "two values side by side", (2, 3)),
    ("2 3", V, ParseError, "two values side by side", (2, 3)),
    ("(x)(y)", V, ParseError, "two values side by side", (3, 4)),
    ("f = x y + 1", V, ParseError, "did you mean '*'", (6, 7)),
    ("max(x y)", V, ParseError, "two values side by side", (6, 7)),
    ("2x", V, ParseError, "'2 * x'", (0, 2)),
    # '=' in the wrong place
    ("x + y = 3", V, ParseError, "'=' can only follow a name", (6, 7)),
    ("q = 2 = 3", V, ParseError, "'=' can only follow a name", (6, 7)),
    # unknown functions, with a suggestion when one is close
    ("expp(x)", V, NamingError, "unknown function 'expp'; did you mean 'exp'?", (0, 4)),
    ("sigmod(x)", V, NamingError, "did you mean 'sigmoid'?", (0, 6)),
    ("y + Exp(x)", V, NamingError, "did you mean 'exp'?", (4, 7)),
    ("mx(x, y)", V, NamingError, "did you mean 'max'?", (0, 2)),
    ("exp + 1", V, NamingError, "'exp' is a function: call it as exp(...)", (0, 3)),
    # wrong number of arguments
    ("max(x)", V, ParseError, "max() takes 2 arguments, got 1", (0, 6)),
    ("exp(x, y)", V, ParseError, "exp() takes 1 argument, got 2", (0, 9)),
    ("exp()", V, ParseError, "exp() takes 1 argument, got 0", (0, 5)),
    ("y * pow(x)", V, ParseError, "pow() takes 2 arguments, got 1", (4, 10)),
    ("dot(x)", V, ParseError, "dot() takes 2 arguments, got 1", (0, 6)),
    ("sum(x, y)", V, ParseError, "sum() takes 1 argument, got 2", (0, 9)),
    ("min(x, y, 1)", V, ParseError, "min() takes 2 arguments, got 3", (0, 12)),
    # empty programs
    ("", V, ParseError, "the program is empty", (0, 0)),
    ("   ", V, ParseError, "the program is empty", (0, 3)),
    ("# just a comment", V, ParseError, "the program is empty", (0, 16)),
    (";;\n\n", V, ParseError, "the program is empty", (0, 4)),
    # assignment to constants and function names
    ("pi = 3", V, NamingError, "'pi' is the constant 3.14159", (0, 2)),
    ("e = 1", V, NamingError, "'e' is the constant 2.71828", (0, 1)),
    ("x2 = 1; e = x2", V, NamingError, "cannot be assigned", (8, 9)),
    ("e = (a + b) * (b + 1)", {"a": 2, "b": 1}, NamingError, "'e' is the constant", (0, 1)),
    ("exp = 2", V, NamingError, "'exp' is a function and cannot be assigned", (0, 3)),
    ("max = x", V, NamingError, "'max' is a function and cannot be assigned", (0, 3)),
    ("sum = 3", V, NamingError, "'sum' is a function", (0, 3)),
    # a name assigned twice
    ("q = 1; q = 2", V, NamingError, "'q' is assigned twice (first on line 1)", (7, 8)),
    ("q = x\nr = 1\nq = 2", V, NamingError, "'q' is assigned twice (first on line 1)", (12, 13)),
    ("a = 1\nq = x\nq = 2", V, NamingError, "(first on line 2)", (12, 13)),
    ("w = [1, 2]; w = 3", V, NamingError, "'w' is assigned twice", (12, 13)),
    # a name used before it is assigned
    ("y = x + 1; x = y * 2", V, NamingError, "'x' is used before it is assigned", (4, 5)),
    ("x = x + 1", V, NamingError, "'x' is used before it is assigned", (4, 5)),
    ("f = q * 2; q = x + 1", V, NamingError, "'q' is used before it is assigned", (4, 5)),
    # missing inputs: all listed in one error, pointing at the first
    ("x + y + z", {}, InputValueError, "missing values for inputs: x, y, z", (0, 1)),
    ("x + y + z", {"y": 1}, InputValueError, "missing values for inputs: x, z", (0, 1)),
    ("q = 2 * x; q + y", {"x": 1}, InputValueError, "missing value for input: y", (15, 16)),
    # values that are not finite numbers, pointing at the input
    ("2 * x", {"x": math.nan}, InputValueError, "the value of 'x' is nan", (4, 5)),
    ("2 * x", {"x": math.inf}, InputValueError, "give a finite number", (4, 5)),
    ("2 * x", {"x": -math.inf}, InputValueError, "give a finite number", (4, 5)),
    ("2 * x", {"x": True}, InputValueError, "must be a number, not true/false", (4, 5)),
    ("2 * x", {"x": False}, InputValueError, "must be a number, not true/false", (4, 5)),
    ("2 * x", {"x": None}, InputValueError, "must be a number, not null", (4, 5)),
    ("2 * x", {"x": "abc"}, InputValueError, "must be a number, not a string", (4, 5)),
    ("2 * x", {"x": "nan"}, InputValueError, "give a finite number", (4, 5)),
    ("2 * x", {"x": "inf"}, InputValueError, "give a finite number", (4, 5)),
    ("2 * x", {"x": {"a": 1}}, InputValueError, "not an object", (4, 5)),
    ("2 * x", {"x": [1, math.nan]}, InputValueError, "not a finite number", (4, 5)),
    ("2 * x", {"x": [1, True]}, InputValueError, "not a number", (4, 5)),
    ("2 * x", {"x": [1, "a"]}, InputValueError, "not a number", (4, 5)),
    ("2 * x", {"x": []}, InputValueError, "empty list", (4, 5)),
    ("2 * x", {"x": [[1, 2], [3]]}, InputValueError, "ragged", (4, 5)),
    ("2 * x", {"x": [[[1]]]}, InputValueError, "at most two levels", (4, 5)),
    ("2 * x", {"x": [1, [2]]}, InputValueError, "mixes numbers and lists", (4, 5)),
    # literal values in the program are checked the same way
    ("x = [1, [2]]", {}, InputValueError, "mixes numbers and lists", (4, 12)),
    ("x = [[1,2],[3]]", {}, InputValueError, "ragged", (4, 15)),
    ("x = []", {}, ParseError, "an empty list [] has no value", (4, 6)),
    # lists hold numbers only
    ("[x, 1]", V, ShapeError, "a list literal can hold only numbers", (0, 6)),
]


@pytest.mark.parametrize("program,values,cls,message,span", CASES,
                         ids=[f"{i}:{c[0]!r}" for i, c in enumerate(CASES)])
def test_error(program, values, cls, message, span):
    with pytest.raises(cls) as info:
        engine.evaluate(program, values)
    err = info.value
    assert isinstance(err, EngineError)
    assert message in err.message
    assert str(err) == err.message
    assert (err.start, err.end) == span
    # Every engine error says what it is as data too: a stable code and its parameters,
    # from which the English message is composed (the page writes its own words from them).
    assert err.code in MESSAGES and english(err.code, err.params) == err.message
    shape = {"message": err.message, "start": span[0], "end": span[1], "code": err.code,
             "params": err.params}
    if err.hint is not None:  # a shape error may say which input needs another shape
        shape["hint"] = err.hint
    if err.inputs is not None:  # a program that parsed says which inputs it has
        shape["inputs"] = err.inputs
    assert err.to_dict() == shape
    json.dumps(err.params)
    assert 0 <= err.start <= err.end <= len(program)


@pytest.mark.parametrize("program,expected", [
    ("x y", "y"),
    ("expp(x)", "expp"),
    ("max(x)", "max(x)"),
    ("pi = 3", "pi"),
    ("x + y)", ")"),
    ("x $ y", "$"),
])
def test_error_span_points_at_the_text(program, expected):
    with pytest.raises(EngineError) as info:
        engine.evaluate(program, V)
    err = info.value
    assert program[err.start:err.end] == expected


def test_unknown_function_without_a_close_match_has_no_suggestion():
    with pytest.raises(NamingError) as info:
        engine.evaluate("foo(x)", V)
    assert info.value.message == "unknown function 'foo'; to multiply, write 'foo * (...)'"
    assert (info.value.start, info.value.end) == (0, 3)


def test_number_too_large_for_float64():
    with pytest.raises(EngineError) as info:
        engine.evaluate("x = 1e999; x * 2")
    assert info.value.start == 4 and info.value.end == 9


def test_missing_inputs_are_all_listed_in_order_of_first_use():
    with pytest.raises(InputValueError) as info:
        engine.evaluate("f = (b + a) * c + d", {"c": 1})
    assert info.value.message == "missing values for inputs: b, a, d"


def test_parse_errors_come_before_missing_values():
    with pytest.raises(ParseError):
        engine.evaluate("x y", {})


def test_errors_in_a_later_statement_point_into_it():
    program = "q = x + y\nf = q ** * z"
    with pytest.raises(ParseError) as info:
        engine.evaluate(program, {"x": 1, "y": 2, "z": 3})
    err = info.value
    assert program[err.start:err.end] == "**"
    assert err.start == program.index("**")


@pytest.mark.parametrize("program,values", [
    ("x", [1]),
    ("x", "x=1"),
])
def test_values_must_be_a_mapping(program, values):
    with pytest.raises(InputValueError) as info:
        engine.evaluate(program, values)
    assert "values must map" in info.value.message
    assert info.value.start is None and info.value.end is None


@pytest.mark.parametrize("program", [None, b"x + 1", 3, ["x"]])
def test_program_must_be_text(program):
    with pytest.raises(InputValueError) as info:
        engine.evaluate(program, {})
    assert "text" in info.value.message


def test_too_long():
    program = "x + y"
    with pytest.raises(LimitError) as info:
        engine.evaluate(program, V, Limits(max_length=3))
    err = info.value
    assert "5 characters" in err.message and "3" in err.message
    assert (err.start, err.end) == (3, 5)


def test_too_deep_points_at_the_first_bracket_past_the_limit():
    program = "exp(" * 10 + "x" + ")" * 10
    with pytest.raises(LimitError) as info:
        engine.evaluate(program, V, Limits(max_depth=4))
    err = info.value
    assert "4 levels" in err.message
    assert err.start == 4 * 4 + 3 and program[err.start:err.end] == "("


def test_too_many_nodes():
    with pytest.raises(LimitError) as info:
        engine.evaluate("x + x + x + x", V, Limits(max_nodes=3))
    assert "3" in info.value.message


def test_shape_error_points_at_the_operator():
    program = "sum(W @ x)"
    with pytest.raises(ShapeError) as info:
        engine.evaluate(program, {"W": [[1, 2, 3], [4, 5, 6]], "x": [1, 2]})
    err = info.value
    assert err.message == "(2,3) @ (2,): inner dimensions 3 and 2 differ"
    assert program[err.start:err.end] == "@"


def test_error_classes():
    for cls in (ParseError, NamingError, InputValueError, ShapeError, LimitError):
        assert issubclass(cls, EngineError)
    assert issubclass(EngineError, Exception)
    err = EngineError("boom", 3)
    assert (err.start, err.end) == (3, 4)  # end defaults to one character
    err = EngineError("boom")
    assert (err.start, err.end) == (None, None)
    assert err.to_dict() == {"message": "boom", "start": None, "end": None}


# --- known bugs ----------------------------------------------------------------------------

def test_used_before_a_literal_assignment():
    program = "y = x + 1; x = 2"
    with pytest.raises(NamingError) as info:
        engine.evaluate(program, {})
    assert "'x' is used before it is assigned" in info.value.message
    assert (info.value.start, info.value.end) == (4, 5)


def test_used_before_a_literal_assignment_with_a_value_given():
    with pytest.raises(NamingError) as info:
        engine.evaluate("y = x + 1; x = 2; y", {"x": 5})
    assert (info.value.start, info.value.end) == (4, 5)


@pytest.mark.parametrize("program,expected", [
    ("(", "("),
    ("[", "["),
    ("pow(", "("),
    ("max(x, ", ","),
])
def test_error_at_the_end_points_at_the_last_token(program, expected):
    with pytest.raises(ParseError) as info:
        engine.evaluate(program, V)
    err = info.value
    assert err.end <= len(program)
    assert program[err.start:err.end] == expected


# --- caret() ---------------------------------------------------------------------------

def caret_of(program, values=V, limits=None):
    with pytest.raises(EngineError) as info:
        engine.evaluate(program, values, limits)
    return info.value, info.value.caret(program)


def test_caret_exact_output():
    err, out = caret_of("x y")
    assert out == ("missing an operator before 'y': two values side by side "
                   "(did you mean '*'?)\n"
                   "  line 1, column 3:\n"
                   "  x y\n"
                   "    ^")


def test_caret_underlines_the_whole_span():
    err, out = caret_of("z = expp(x) + 1")
    lines = out.split("\n")
    assert lines[0] == err.message
    assert lines[1] == "  line 1, column 5:"
    assert lines[2] == "  z = expp(x) + 1"
    assert lines[3] == "      ^^^^"


def test_caret_multi_line_program_names_the_right_line():
    program = "a = 1\nb = a +* 2\nc = b"
    err, out = caret_of(program)
    lines = out.split("\n")
    assert lines[1] == "  line 2, column 7:"
    assert lines[2] == "  b = a +* 2"
    assert lines[3] == "        ^"
    assert lines[2].index("+") == lines[3].index("^")


def test_caret_on_the_third_line():
    program = "q = x + y\nf = q * z\ng = f $ 2"
    err, out = caret_of(program, {"x": 1, "y": 2, "z": 3})
    lines = out.split("\n")
    assert lines[1] == "  line 3, column 7:"
    assert lines[2] == "  g = f $ 2"
    assert lines[3].index("^") == lines[2].index("$")


def test_caret_with_tabs_stays_aligned():
    program = "x\t+\t$"
    err, out = caret_of(program)
    lines = out.split("\n")
    assert lines[3].index("^") == lines[2].index("$")
    assert "\t" not in out


def test_caret_on_a_long_line_is_cut_around_the_place():
    program = "x + " * 60 + "y $ z"
    err, out = caret_of(program)
    lines = out.split("\n")
    assert len(lines[2]) < 100
    assert "..." in lines[2]
    assert lines[3].index("^") == lines[2].index("$")
    assert lines[1] == f"  line 1, column {program.index('$') + 1}:"


def test_caret_for_an_error_at_the_end_of_the_text():
    program = "x +"
    err, out = caret_of(program)
    lines = out.split("\n")
    assert lines[3].index("^") == lines[2].index("+")


def test_caret_without_a_place_is_just_the_message():
    err, out = caret_of("x + y", {})
    assert "missing values for inputs: x, y" in out
    bare = EngineError("values must map input names to numbers")
    assert bare.caret("x") == "values must map input names to numbers"


def test_caret_of_the_empty_program():
    err, out = caret_of("")
    assert out.startswith("the program is empty")
    assert "line 1, column 1" in out


def test_caret_of_a_multi_line_span_stays_on_its_line():
    program = "max(x,\n y, 1)"
    err, out = caret_of(program)
    lines = out.split("\n")
    assert lines[2] == "  max(x,"
    assert lines[3] == "  ^^^^^^"
