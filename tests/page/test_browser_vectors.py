"""Vectors and matrices in the page (Chromium): fields, wires, the side panel,
the vectorized rules in the step-through, presets and errors."""

import json
from urllib.parse import quote

import pytest

import engine
from tests.support.pagehelpers import has_class, svg_text, wait_ready, wait_status

pytestmark = pytest.mark.browser

LINEAR = "z = W @ x + b\nL = sum((z - y)**2)"
LINEAR_VALUES = {"W": [[1, -2, 0.5], [0.5, 1, -1]], "x": [1, 2, -1], "b": [0.5, -0.5], "y": [1, 0]}
# Forward: @ + - ** sum (states 1..5); backward: sum ** - + @ (6..10); 11 = done.
LINEAR_TOTAL = 11
MATMUL_BACKWARD = 10
MATMUL_FORWARD = 1


def vector_hash(program, values=None, step=None):
    """The hash the page writes, with vectors and matrices as URL-encoded JSON."""
    parts = [f"p={quote(program, safe='')}"]
    if values:
        parts.append("v=" + ",".join(f"{quote(name, safe='')}:{quote(json.dumps(value), safe='')}"
                                     for name, value in values.items()))
    if step is not None:
        parts.append(f"s={step}")
    return "#" + "&".join(parts)


def open_vectors(page, program=LINEAR, values=None, step=None):
    page.goto("/" + vector_hash(program, LINEAR_VALUES if values is None else values, step))
    wait_ready(page)
    page.wait_for_selector("svg.circuit")


def matrix(page, selector):
    """The entries of a small matrix table (one list per row), as text."""
    return page.locator(selector).first.evaluate(
        "(t) => [...t.querySelectorAll('tr')].map((tr) => [...tr.cells].map((td) => td.textContent.trim()))")


def choose_preset(page, preset, output):
    page.goto("/" + vector_hash("a", {"a": 1}))
    wait_ready(page)
    page.select_option("#presets", preset)
    page.wait_for_function(
        "(want) => document.querySelector('svg.circuit [id=value-edge-out]')?.textContent.trim() === want",
        arg=output)
    wait_ready(page)


def explain_text(page):
    return page.locator("#explain").inner_text()


# --- presets -------------------------------------------------------------------------

def test_linear_layer_preset_shows_shapes_and_compact_values(page):
    choose_preset(page, "linear", "25.00")
    assert page.input_value("#program") == LINEAR
    # The fields hold the arrays as typed lists.
    assert page.input_value("#input-W") == "[[1, -2, 0.5], [0.5, 1, -1]]"
    assert page.input_value("#input-x") == "[1, 2, -1]"
    # Wires: values and gradients, compactly (a small array in full).
    assert "1.00, -2.00, 0.50" in svg_text(page, "value-edge-0")
    assert "-8.00, -16.00, 8.00" in svg_text(page, "grad-edge-0")
    assert "-3.50, 3.50" in svg_text(page, "value-edge-2")  # W @ x
    # Each input's array gradient sits beside its field as a small aligned matrix.
    assert matrix(page, "#inputs .input-row:has(#input-W) .input-grad table.matrix") == [
        ["-8.00", "-16.00", "8.00"], ["6.00", "12.00", "-6.00"]]
    assert matrix(page, "#inputs .input-row:has(#input-x) .input-grad table.matrix") == [
        ["-5.00", "22.00", "-10.00"]]
    strip = page.locator("#result-strip").text_content()
    assert "L = 25.00" in strip and "dL/dx = [-5.00, 22.00, -10.00]" in strip
    # The forward step of @ gives the shapes.
    page.locator("#scrubber").fill(str(MATMUL_FORWARD))
    text = explain_text(page)
    assert "W @ x" in text and "shapes: (2,3) @ (3,) \u2192 (2,)" in text
    assert "p=" in page.url and "W:" in page.url


def test_large_arrays_show_their_shape_on_the_wire_and_in_full_in_the_panel(page):
    values = {"A": [[1, 2, 3], [4, 5, 6], [7, 8, 9]]}
    open_vectors(page, "L = sum(A * A)", values)
    assert "(3,3)" in svg_text(page, "value-edge-0")
    page.hover("svg.circuit #value-edge-0")
    details = page.locator("#details-body")
    details.get_by_text("Wire A").wait_for()
    assert "(3,3)" in details.inner_text() and "3\u00D73 matrix" in details.inner_text()
    assert matrix(page, "#details-body .detail-value.is-value table.matrix") == [
        ["1.00", "2.00", "3.00"], ["4.00", "5.00", "6.00"], ["7.00", "8.00", "9.00"]]
    # A is used twice: this wire carries one part of its gradient (the other A).
    assert matrix(page, "#details-body .detail-value.is-grad table.matrix") == [
        ["1.00", "2.00", "3.00"], ["4.00", "5.00", "6.00"], ["7.00", "8.00", "9.00"]]
    # The field's gradient is too large to show beside it in full: shape and first entries.
    grad = page.locator("#inputs .input-row:has(#input-A) .input-grad").inner_text()
    assert grad.startswith("(3,3) [2.00, 4.00, 6.00")


def test_hovering_a_wire_shows_the_full_matrix(page):
    open_vectors(page)
    page.hover("svg.circuit #value-edge-0")  # W's wire into @
    details = page.locator("#details-body")
    details.get_by_text("Wire W").wait_for()
    text = details.inner_text()
    assert "(2,3)" in text and "2\u00D73 matrix" in text
    assert matrix(page, "#details-body .detail-value.is-value table.matrix") == [
        ["1.00", "-2.00", "0.50"], ["0.50", "1.00", "-1.00"]]
    assert matrix(page, "#details-body .detail-value.is-grad table.matrix") == [
        ["-8.00", "-16.00", "8.00"], ["6.00", "12.00", "-6.00"]]
    # The vectorized rule over the operand names and the upstream gradient, with the shapes.
    assert "dL/dW = dL/d(W @ x) x\u1d40 (outer product)" in text
    assert "dout" not in text  # the upstream gradient goes by its own name
    assert "shapes: (2,3) \u2190 (2,)" in text
    assert page.locator("#editor-backdrop mark.mark-node").inner_text() == "W"
    # Clicking pins it.
    page.click("svg.circuit #value-edge-0")
    page.mouse.move(5, 5)
    assert "Wire W" in details.inner_text()


def test_stepping_to_the_matmul_backward_step_shows_the_rules_with_shapes(page):
    open_vectors(page, step=MATMUL_BACKWARD)
    assert page.locator("#step-counter").inner_text() == f"step {MATMUL_BACKWARD} / {LINEAR_TOTAL}"
    text = explain_text(page)
    assert "Backward pass" in text and "through @" in text
    table = page.locator("#explain table.chain.vectorized")
    assert table.count() == 1
    heads = table.locator("thead tr > *").all_inner_texts()
    assert heads[1] == "rule" and "upstream" in heads[2] and "downstream" in heads[4]
    rows = table.locator(":scope > tbody > tr")
    assert rows.count() == 2
    w_row, x_row = rows.nth(0), rows.nth(1)
    assert w_row.locator("th.wire").inner_text() == "from W"
    assert w_row.locator(".rule-text").inner_text() == "dL/dW = dL/d(W @ x) x\u1d40 (outer product)"
    assert x_row.locator(".rule-text").inner_text() == "dL/dx = W\u1d40 @ dL/d(W @ x)"
    assert w_row.locator("td.term-rule .term-shape").inner_text() == "shapes: (2,3) \u2190 (2,)"
    # upstream dout (2,) and the downstream gradients with their shapes
    assert w_row.locator("td.term-upstream .term-shape").inner_text() == "shape (2,)"
    assert w_row.locator("td.term-upstream .term-name").inner_text() == "dL/d(W @ x)"
    assert w_row.locator("td.term-grad .term-shape").inner_text() == "shape (2,3)"
    assert x_row.locator("td.term-grad .term-shape").inner_text() == "shape (3,)"
    assert matrix(page, "#explain table.chain > tbody > tr:nth-child(1) td.term-upstream table.matrix") == [["-8.00", "6.00"]]
    assert matrix(page, "#explain table.chain > tbody > tr:nth-child(1) td.term-grad table.matrix") == [
        ["-8.00", "-16.00", "8.00"], ["6.00", "12.00", "-6.00"]]
    assert matrix(page, "#explain table.chain > tbody > tr:nth-child(2) td.term-grad table.matrix") == [
        ["-5.00", "22.00", "-10.00"]]
    # The drawing: the @ gate is active and the two new red labels are revealed.
    assert has_class(page, "svg.circuit #node-2", "is-active")
    assert has_class(page, "svg.circuit #grad-edge-0", "is-active")
    assert has_class(page, "svg.circuit #grad-edge-2", "is-upstream")


def test_elementwise_steps_with_arrays_keep_the_local_times_upstream_table(page):
    program = "L = sum(u * 2 + c)"
    open_vectors(page, program, {"u": [1, 2], "c": 1})
    # Backward steps: sum, +, *.  The + step: c was broadcast, so its gradient is summed.
    page.locator("#scrubber").fill("5")
    text = explain_text(page)
    assert "through +" in text
    table = page.locator("#explain table.chain")
    assert not has_class(page, "#explain table.chain", "vectorized")
    assert "summed over the broadcast axes" in table.inner_text()
    assert "shape ()" in table.inner_text() and "shape (2,)" in table.inner_text()


@pytest.mark.parametrize("preset, output, strip", [
    ("linear", "25.00", "dL/dW"),
    ("tanh-layer", "0.14", "dL/db = [0.30, 0.31, 0.32]"),
    ("softmax-vector", "0.35", "dL/dz = [-0.29, 0.26, 0.04]"),
])
def test_vector_presets_load_with_their_numbers(page, preset, output, strip):
    choose_preset(page, preset, output)
    assert strip in page.locator("#result-strip").text_content()
    assert page.locator("#message").inner_text().strip() == ""  # no warnings


def test_vector_presets_are_valid_programs(page):
    page.goto("/static/favicon.svg")
    presets = page.evaluate("async () => (await import('/static/js/presets.js')).VECTOR_PRESETS")
    assert [p["id"] for p in presets] == ["linear", "tanh-layer", "softmax-vector"]
    for preset in presets:
        result = engine.evaluate(preset["program"], preset["values"]).to_dict()
        assert result["inputs"] == list(preset["values"])
        assert result["warnings"] == []
    softmax = next(p for p in presets if p["id"] == "softmax-vector")
    value = engine.evaluate(softmax["program"], softmax["values"]).to_dict()["output"]["value"]
    assert value == pytest.approx(0.3490, abs=1e-4)  # softmax of [2, 1, -1], target class 0


# --- typing arrays ---------------------------------------------------------------------

def test_typing_a_vector_into_a_field_updates_the_graph_and_the_url(page):
    open_vectors(page, "f = sum(w * x)", {"w": [1, 2], "x": [3, 4]})
    assert svg_text(page, "value-edge-out") == "11.00"
    page.fill("#input-w", "[2, -3]")
    page.wait_for_function(
        "() => document.querySelector('svg.circuit [id=value-edge-out]')?.textContent.trim() === '-6.00'")
    wait_ready(page)
    assert "2.00, -3.00" in svg_text(page, "value-edge-0")
    # w's gradient is x, beside the field
    assert matrix(page, "#inputs .input-row:has(#input-w) .input-grad table.matrix") == [["3.00", "4.00"]]
    page.wait_for_function("() => location.hash.includes(encodeURIComponent('[2,-3]'))", timeout=5000)
    # The link reopens the vector.
    url = page.url
    other = page.context.new_page()
    other.goto(url)
    wait_ready(other)
    assert other.input_value("#input-w") == "[2, -3]"
    assert svg_text(other, "value-edge-out") == "-6.00"
    other.close()


def test_typing_a_matrix_changes_the_shapes(page):
    open_vectors(page, "L = sum(W @ x)", {"W": [[1, 0], [0, 1]], "x": [1, 2]})
    page.fill("#input-W", "[[1, 2], [3, 4], [5, 6]]")
    page.wait_for_function(
        "() => document.querySelector('svg.circuit [id=value-edge-out]')?.textContent.trim() === '33.00'")
    wait_ready(page)
    page.hover("svg.circuit #value-edge-2")  # W @ x
    assert "(3,)" in page.locator("#details-body").inner_text()
    assert matrix(page, "#details-body .detail-value.is-value table.matrix") == [["5.00", "11.00", "17.00"]]


@pytest.mark.parametrize("text, words", [
    ("[[1, 2], [3]]", "rows differ in length: row 1 has 2 entries but row 2 has 1"),
    ("[1, a]", 'Entry 2, "a", is not a number'),
    ("[[1, 2], [3, x]]", 'Entry 2 in row 2, "x", is not a number'),
    ("[[[1]]]", "at most two deep"),
    ("[]", "empty"),
    ("[[1], []]", "Row 2 is empty"),
    ("[1, [2]]", "mixes numbers and lists"),
    ("[1, 2", "closing ] is missing"),
    ("[1 2]", "comma is missing"),
    ("1, 2", "Put a vector in brackets, like [1, 2]"),
    ("abc", '"abc" is not a number'),
])
def test_a_bad_array_in_a_field_says_why_under_it(page, text, words):
    open_vectors(page, "f = sum(w * x)", {"w": [1, 2], "x": [3, 4]})
    page.fill("#input-w", text)
    problem = page.locator(".input-row:has(#input-w) .input-problem")
    assert words in problem.inner_text()
    assert has_class(page, "#input-w", "is-invalid")
    assert page.get_attribute("#input-w", "aria-invalid") == "true"
    assert svg_text(page, "value-edge-out") == "11.00"  # not sent: the last good graph stays
    page.fill("#input-w", "[1, 1]")
    page.wait_for_function(
        "() => document.querySelector('svg.circuit [id=value-edge-out]')?.textContent.trim() === '7.00'")
    assert problem.is_hidden()
    assert not has_class(page, "#input-w", "is-invalid")


# --- errors and warnings -----------------------------------------------------------

def test_a_shape_error_shows_its_message_and_marks_the_at(page):
    open_vectors(page, "L = sum(W @ x)", {"W": [[1, 2, 3], [4, 5, 6]], "x": [1, 2, 3]})
    page.fill("#input-x", "[1, 2]")
    wait_status(page, "error")
    message = page.locator("#message").inner_text()
    assert "(2,3) @ (2,)" in message and "line 1, column 11" in message
    assert page.locator("#editor-backdrop mark.mark-error").inner_text() == "@"
    assert has_class(page, "#graph", "is-stale")
    page.fill("#input-x", "[1, 2, 3]")
    wait_ready(page)
    assert page.locator("#message").inner_text().strip() == ""
    assert not has_class(page, "#graph", "is-stale")


def test_a_ragged_literal_in_the_program_is_marked(page):
    open_vectors(page, "f = sum(w)", {"w": [1, 2]})
    page.locator("#program").fill("w = [[1, 2], [3]]\nf = sum(w)")
    wait_status(page, "error")
    assert "ragged" in page.locator("#message").inner_text()
    assert page.locator("#editor-backdrop mark.mark-error").inner_text() == "[[1, 2], [3]]"


def test_a_non_scalar_output_is_warned_about(page):
    open_vectors(page, "W @ x", {"W": [[1, 2], [3, 4]], "x": [1, -1]})
    warning = page.locator("#message .warning-text").inner_text()
    assert "(2,)" in warning and "not a single number" in warning
    assert "[-1.00, -1.00]" in page.locator("#result-strip").text_content()


# --- the pure helpers ------------------------------------------------------------------

def test_read_value_and_formatting_helpers(page):
    page.goto("/static/favicon.svg")
    out = page.evaluate("""async () => {
        const hs = await import('/static/js/hashstate.js');
        const f = await import('/static/js/format.js');
        return {
          read: ['[2, -3]', ' [[1, 2],[3, 4]] ', '-2', '[1e-3, .5]', '[1e999]'].map(hs.readValue),
          text: [hs.valueText([[1, 2], [3, 4]]), hs.valueText([2, -3]), hs.valueText(-2)],
          shapes: [[], [3], [2, 3]].map(f.shapeText),
          of: [5, [1, 2, 3], [[1, 2, 3], [4, 5, 6]]].map(f.shapeOf),
          compact: [f.formatValue([1, 2], 2), f.formatValue([[1, 2, 3, 4], [5, 6, 7, 8]], 1)],
        };
    }""")
    assert out["read"][:4] == [{"value": [2, -3]}, {"value": [[1, 2], [3, 4]]}, {"value": -2},
                               {"value": [0.001, 0.5]}]
    assert out["read"][4]["error"] == {"code": "page.value.entry_too_large", "params": {"n": 1, "token": "1e999"}}
    assert out["text"] == ["[[1, 2], [3, 4]]", "[2, -3]", "-2"]
    assert out["shapes"] == ["()", "(3,)", "(2,3)"]
    assert out["of"] == [[], [3], [2, 3]]
    assert out["compact"] == ["[1.00, 2.00]", "(2,4) [1.0, 2.0, 3.0, \u2026]"]
