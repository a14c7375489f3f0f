"""Forward mode on the page: the tangent d(wire)/d(input) of every wire, in boxes
of their own on the figure (never over another label) and in a table, with the
cost of forward mode against reverse mode."""

import pytest

from tests.support.learnhelpers import choose_mode, open_mode, url_fields
from tests.support.pagehelpers import CIRCUIT, CIRCUIT_VALUES, wait_ready

pytestmark = pytest.mark.browser


def tangent_rows(page):
    """The table's rows: {wire: "dq/dx = 1.00"}."""
    return dict(zip(page.locator(".tangent-table tbody th").all_inner_texts(),
                    [t.strip() for t in page.locator(".tangent-table tbody td.tangent").all_inner_texts()]))


def boxes(page):
    return {key: page.locator(f'svg.circuit [id="tangent-edge-{key}"]').text_content()
            for key in ("0", "1", "2", "3", "out")}


def overlaps(page):
    """Pairs (tangent box, label or gate) whose boxes intersect on the drawing."""
    return page.evaluate("""() => {
        const svg = document.querySelector('svg.circuit');
        const rect = (el) => el.getBoundingClientRect();
        const meet = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
        const others = [...svg.querySelectorAll('[id^="value-edge-"], [id^="grad-edge-"], [id^="name-node-"], .gate')];
        const found = [];
        for (const box of svg.querySelectorAll('.tangent rect')) {
          for (const other of others) if (meet(rect(box), rect(other))) found.push([box.parentNode.id, other.id]);
        }
        return found;
    }""")


def test_forward_mode_on_the_circuit(page):
    open_mode(page, CIRCUIT, CIRCUIT_VALUES)
    choose_mode(page, "tangents")
    page.wait_for_selector("svg.circuit .tangent-overlay .tangent")
    wait_ready(page)
    # Input x by default: dq/dx = 1 on q's wire, df/dx = -4 on the output's.
    assert boxes(page) == {"0": "d/dx 1.00", "1": "d/dx 0.00", "2": "d/dx 1.00", "3": "d/dx 0.00",
                           "out": "d/dx -4.00"}
    assert tangent_rows(page) == {"x": "dx/dx = 1.00", "y": "dy/dx = 0.00", "q": "dq/dx = 1.00",
                                  "z": "dz/dx = 0.00", "f": "df/dx = -4.00"}
    # Its own style: blue, neither the values' green nor the gradients' red.
    colour = page.locator('svg.circuit [id="tangent-edge-2"] text').evaluate("el => getComputedStyle(el).fill")
    assert colour == "rgb(29, 78, 216)"
    assert overlaps(page) == []
    note = page.locator(".tangent-cost").inner_text()
    assert "one pass per input (3 here)" in note and "one backward pass" in note
    assert url_fields(page)["m"] == "tangents" and url_fields(page)["t"] == "x"

    page.select_option("#tangent-input", "z")  # another input: another pass
    page.wait_for_function("() => document.querySelector('[id=\"tangent-edge-out\"]')?.textContent === 'd/dz 3.00'")
    assert tangent_rows(page)["q"] == "dq/dz = 0.00" and tangent_rows(page)["f"] == "df/dz = 3.00"
    assert url_fields(page)["t"] == "z"
    choose_mode(page, "explore")  # the boxes go
    page.wait_for_function("() => !document.querySelector('svg.circuit .tangent-overlay')")


def test_the_neurons_boxes_fit_between_its_labels(page):
    open_mode(page, "f = 1 / (1 + exp(-(w0*x0 + w1*x1 + w2)))",
              {"w0": 2, "x0": -1, "w1": -3, "x1": -2, "w2": -3}, "tangents", extra="&t=w0")
    page.wait_for_selector("svg.circuit .tangent-overlay .tangent")
    assert overlaps(page) == []
    assert page.locator('svg.circuit [id="tangent-edge-out"]').text_content() == "d/dw0 -0.20"  # = df/dw0


def test_an_input_that_leaves_the_program_is_dropped(page):
    open_mode(page, CIRCUIT, CIRCUIT_VALUES, "tangents", extra="&t=x")
    page.wait_for_selector("svg.circuit .tangent-overlay .tangent")
    page.fill("#program", "f = y * z")
    page.wait_for_function("() => document.querySelector('#tangent-input')?.value === 'y'")
    page.wait_for_selector('svg.circuit [id="tangent-edge-out"]')
    wait_ready(page)
    assert page.locator('svg.circuit [id="tangent-edge-out"]').text_content() == "d/dy -4.00"
    assert page.locator("#message").inner_text().strip() == ""


def test_forward_mode_in_korean(page):
    open_mode(page, CIRCUIT, CIRCUIT_VALUES, "tangents", extra="&t=x", language="ko")
    page.wait_for_selector(".tangent-table")
    assert "순방향 모드는 입력마다 한 번씩" in page.locator(".tangent-cost").inner_text()
    assert tangent_rows(page)["f"] == "df/dx = -4.00"
    assert page.locator(".tangent-table thead th").all_inner_texts() == ["선", "값", "d/dx (순방향 모드)"]
