"""The one number formatter (engine/numbers.py): precision, notation, rounding, non-finite."""

import math

import numpy as np
import pytest

from engine.numbers import format_number, format_value, json_value, shape_text

# (value, precision, text): also the table the page's formatter is compared on.
NUMBER_CASES = [
    (-2.0, 2, "-2.00"), (0.7310585786300049, 2, "0.73"), (0.7310585786300049, 4, "0.7311"),
    (-12.0, 0, "-12"), (0.0, 2, "0.00"), (-0.0, 2, "0.00"), (99999.994, 2, "99999.99"),
    (99999.996, 2, "1.00e+05"), (123456.0, 2, "1.23e+05"), (123456.0, 3, "1.235e+05"),
    (-1e5, 2, "-1.00e+05"), (1e-10, 2, "1.00e-10"), (1e-10, 6, "1.000000e-10"),
    (0.001, 2, "1.00e-03"), (0.001, 3, "0.001"), (0.0099, 2, "9.90e-03"), (0.01, 2, "0.01"),
    (0.005, 2, "5.00e-03"), (0.005, 3, "0.005"), (-0.005, 2, "-5.00e-03"),
    # exact ties round half away from zero, as the browser does
    (0.125, 2, "0.13"), (-0.125, 2, "-0.13"), (2.5, 0, "3"), (123500.0, 2, "1.24e+05"),
    (0.0625, 3, "0.063"), (1.5, 0, "2"), (0.5, 0, "5e-01"),
    (1e300, 2, "1.00e+300"), (-2.5e-300, 1, "-2.5e-300"), (5e-324, 2, "4.94e-324"),
    (math.inf, 2, "inf"), (-math.inf, 2, "-inf"), (math.nan, 2, "nan"),
    ("Infinity", 2, "inf"), ("-Infinity", 2, "-inf"), ("NaN", 2, "nan"),
]


@pytest.mark.parametrize("value, precision, text", NUMBER_CASES)
def test_format_number(value, precision, text):
    assert format_number(value, precision) == text


def test_format_value_arrays():
    assert format_value([2, -3]) == "[2.00, -3.00]"
    assert format_value(np.array([[1.0, 2.0], [3.0, 4.0]])) == "[[1.00, 2.00], [3.00, 4.00]]"
    assert format_value(list(range(10)), 1) == "(10,) [0.0, 1.0, 2.0, …]"
    assert format_value([2, -3], shape=True) == "(2,) [2.00, -3.00]"
    assert format_value([1, "NaN", "-Infinity"]) == "[1.00, nan, -inf]"


def test_shape_text_and_json():
    assert [shape_text(s) for s in [(), (3,), (2, 3)]] == ["()", "(3,)", "(2,3)"]
    assert json_value(np.array([1.0, math.inf, math.nan])) == [1.0, "Infinity", "NaN"]
    assert json_value(-math.inf) == "-Infinity"
