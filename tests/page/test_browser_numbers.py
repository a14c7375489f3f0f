"""The page's number formatter (static/js/format.js) writes what the engine's
(engine/numbers.py) writes, and every place on the page uses it."""

import pytest

from engine.numbers import format_number, format_value
from tests.support.pagehelpers import open_view, run_module, svg_text
from tests.engine.test_numbers import NUMBER_CASES

pytestmark = pytest.mark.browser

# Arrays as the JSON answer carries them: non-finite entries as "Infinity", "-Infinity", "NaN".
ARRAY_CASES = [
    ([2, -3], 2), ([[1.0, 2.0], [3.0, 4.0]], 2), ([0.125, -0.0, 1e-10], 2),
    ([1, "NaN", "-Infinity"], 2), ([["Infinity", 123456.0], [99999.996, -0.005]], 2),
    ([1, 2, 3, 4, 5, 6], 1), (list(range(10)), 1), ([0.5] * 7, 0),
    ([["NaN", 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, "-Infinity"]], 3),
    ([[1e5, 2], [3, 4], [5, 6], [7, 8]], 2), ([-1e-13, 2.5e-300, 1e300], 12),
]


def test_numbers_as_the_engine_writes_them(page):
    # inf, nan and -0 cross as JavaScript's own Infinity, NaN and -0; the table also
    # has the JSON strings "Infinity", "-Infinity", "NaN" the answers carry.
    out = run_module(page, "format.js", "(m, cases) => cases.map(([v, p]) => m.formatNumber(v, p))",
                     [[v, p] for v, p, _ in NUMBER_CASES])
    expected = [format_number(v, p) for v, p, _ in NUMBER_CASES]
    assert expected == [text for _, _, text in NUMBER_CASES]
    assert out == expected


def test_arrays_as_the_engine_writes_them(page):
    out = run_module(page, "format.js", "(m, cases) => cases.map(([v, p]) => m.formatValue(v, p))",
                     [[v, p] for v, p in ARRAY_CASES])
    assert out == [format_value(v, p) for v, p in ARRAY_CASES]
    assert out[3] == "[1.00, nan, -inf]" and out[6] == "(10,) [0.0, 1.0, 2.0, \u2026]"


def test_every_place_on_the_page_uses_the_one_formatter(page):
    open_view(page, "f = x * y", {"x": 123456, "y": 1e-10}, step=2)  # backward through *
    assert svg_text(page, "value-edge-0") == "1.23e+05"  # the engine's drawing
    strip = page.locator("#result-strip").text_content()
    assert "f = 1.23e-05" in strip and "df/dx = 1.00e-10" in strip and "df/dy = 1.23e+05" in strip
    assert page.locator(".input-row:has(#input-x) .input-grad").inner_text() == "1.00e-10"
    cells = page.locator("#explain table.chain td.term-local .term-number").all_inner_texts()
    assert cells == ["1.00e-10", "1.23e+05"]
    page.hover("svg.circuit #value-edge-0")
    details = page.locator("#details-body")
    details.get_by_text("Wire x").wait_for()
    values = details.locator(".detail-value.is-value, .detail-value.is-grad").all_inner_texts()
    assert values == ["1.23e+05", "1.00e-10"]


def test_non_finite_numbers_read_inf_and_nan_everywhere(page):
    open_view(page, "f = log(x) * y", {"x": 0, "y": 2})
    strip = page.locator("#result-strip").text_content()
    assert "f = -inf" in strip and "df/dx = inf" in strip and "df/dy = -inf" in strip
    assert "Infinity" not in strip
    page.hover("svg.circuit #value-edge-out")
    details = page.locator("#details-body")
    details.get_by_text("Gate *").wait_for()
    assert details.locator(".detail-value.is-value").inner_text() == "-inf"
