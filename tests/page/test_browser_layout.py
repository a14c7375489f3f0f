"""The page's layout under stress (Chromium): long labels in the Selected panel, a
program of 300 inputs, a slow answer, the link's decimals and folding, and one
spelling of inf, -inf and nan everywhere."""

import pytest

from tests.support.pagehelpers import (CIRCUIT, CIRCUIT_VALUES, NEURON, NEURON_VALUES, gate_in_view, share_hash,
                                       wait_ready)

pytestmark = pytest.mark.browser

MANY = " + ".join(f"a{i}" for i in range(300))


def rect(page, selector):
    return page.locator(selector).bounding_box()


def above(upper, lower):
    return upper["y"] + upper["height"] <= lower["y"] + 0.5


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_selected_panel_wraps_a_long_label(make_page, size):
    page = make_page(size)
    page.goto("/" + share_hash(NEURON, NEURON_VALUES))
    wait_ready(page)
    gate = page.locator("svg.circuit .gate", has_text="exp")
    page.evaluate("() => document.getElementById('graph').scrollIntoView({ block: 'center' })")
    frame = rect(page, "#graph")
    for _ in range(6):  # on a phone the drawing opens at its start: zoom out until the gate shows
        where = gate.bounding_box()
        if frame["x"] < where["x"] and where["x"] + where["width"] < frame["x"] + frame["width"] - 150:
            break
        page.click("#zoom-out")
    gate.click()
    page.locator("#details-body h3").wait_for()
    widths = page.eval_on_selector_all("#details-body td.detail-value", "els => els.map((e) => e.getBoundingClientRect().width)")
    panel = rect(page, "#details-body")["width"]
    # Every value keeps a good part of the panel (it used to be squeezed to one character a line).
    assert widths and min(widths) >= 0.5 * panel
    line = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('#details-body h3')).lineHeight)")
    assert rect(page, "#details-body h3")["height"] <= 3 * line
    assert page.evaluate("() => { const b = document.getElementById('details-body'); return b.scrollWidth <= b.clientWidth; }")


@pytest.mark.parametrize("size, locale", [("desktop", "en-US"), ("phone", "en-US"), ("desktop", "ko-KR")])
def test_three_hundred_inputs_never_cover_the_graph(make_page, size, locale):
    page = make_page(size, locale)
    page.goto("/" + share_hash(MANY, {}))
    wait_ready(page)
    page.wait_for_selector("svg.circuit")
    more = page.locator(".strip-more")
    assert more.inner_text() == ("and 296 more" if locale == "en-US" else "외 296개 더")
    assert more.get_attribute("aria-expanded") == "false"
    assert page.locator(".result-strip .strip-grad:visible").count() == 4
    order = [".result-strip", ".graph-head", "#graph", "#player", ".export"]
    boxes = [rect(page, selector) for selector in order]
    assert all(above(a, b) for a, b in zip(boxes, boxes[1:]))
    more.click()
    assert more.get_attribute("aria-expanded") == "true"
    assert page.locator(".result-strip .strip-grad:visible").count() == 300
    rest = rect(page, ".strip-rest")
    assert rest["height"] < 200  # a scroll box, not a wall of numbers
    boxes = [rect(page, selector) for selector in order]
    assert all(above(a, b) for a, b in zip(boxes, boxes[1:]))
    assert rect(page, "#graph")["height"] >= 200
    # The export buttons are still there to press.
    page.locator("#copy-link").scroll_into_view_if_needed()
    assert page.locator("#copy-link").is_visible()
    # "and 296 more" stays open with the next answer.
    page.fill("#input-a0", "2")
    wait_ready(page)
    assert page.locator(".strip-more").get_attribute("aria-expanded") == "true"


@pytest.mark.parametrize("size, locale, words", [("desktop", "en-US", "Working…"), ("phone", "ko-KR", "계산 중…")])
def test_a_slow_answer_shows_that_work_is_under_way(make_page, size, locale, words):
    page = make_page(size, locale)
    held, released = [], []

    def hold(route):
        if released:
            route.continue_()
        else:
            held.append(route)

    page.route("**/api/graph", hold)
    page.goto("/" + share_hash(CIRCUIT, CIRCUIT_VALUES))
    busy = page.locator("#busy")
    busy.wait_for(state="visible")  # the first answer is held: the sign shows after its delay
    assert busy.get_attribute("role") == "status" and busy.inner_text() == words
    released.append(True)
    held.pop().continue_()
    wait_ready(page)
    assert busy.is_hidden()


def test_decimals_and_folding_are_kept_in_the_link(page):
    program = "f = 2 * x + 1"
    page.goto("/" + share_hash(program, {"x": 0.123456}, d=4, c=0))
    wait_ready(page)
    assert page.input_value("#precision") == "4" and not page.is_checked("#fold-constants")
    assert "f = 1.2469" in page.locator("#result-strip").text_content()
    assert page.locator("svg.circuit .value").count() == 5  # the constants 2 and 1 on wires of their own
    # Changing the options rewrites the link.
    page.click(".options summary")
    page.select_option("#precision", "3")
    wait_ready(page)
    page.wait_for_function("() => location.hash.includes('d=3')")
    assert "c=0" in page.url
    page.check("#fold-constants")
    wait_ready(page)
    page.wait_for_function("() => !location.hash.includes('c=0')")
    assert page.locator("svg.circuit .value").count() == 3
    page.select_option("#precision", "2")
    wait_ready(page)
    page.wait_for_function("() => !location.hash.includes('d=')")
    # A link made before these fields existed opens as it always did: 2 decimals, constants folded.
    page.goto("/" + share_hash(program, {"x": 0.5}))
    wait_ready(page)
    assert page.input_value("#precision") == "2" and page.is_checked("#fold-constants")
    assert "f = 2.00" in page.locator("#result-strip").text_content()


NONFINITE = "f = log(x) + 1/y + z/z"


@pytest.mark.parametrize("size, locale", [("desktop", "en-US"), ("phone", "ko-KR")])
def test_inf_and_nan_are_spelled_one_way_everywhere(make_page, size, locale):
    page = make_page(size, locale)
    page.goto("/" + share_hash(NONFINITE, {"x": 0, "y": 0, "z": 0}))
    wait_ready(page)
    page.evaluate("() => document.getElementById('graph').scrollIntoView({ block: 'center' })")
    page.mouse.click(*gate_in_view(page))
    parts = ["#result-strip", "#inputs", "#wire-table", "#details-body", "#message", "svg.circuit"]
    total = int(page.get_attribute("#scrubber", "max"))
    seen = ""
    for k in range(total + 1):
        page.locator("#scrubber").fill(str(k))
        seen += " ".join(page.locator(part).text_content() for part in parts + ["#explain"])
    for wrong in ["Infinity", "NaN", "∞"]:
        assert wrong not in seen
    strip = page.locator("#result-strip").text_content()
    assert "f = nan" in strip and "df/dx = inf" in strip and "df/dy = -inf" in strip and "df/dz = nan" in strip
    grads = page.eval_on_selector_all(".input-grad", "els => els.map((e) => e.textContent)")
    assert grads == ["inf", "-inf", "nan"]
    table = page.locator("#wire-table").text_content()
    assert "-inf" in table and "nan" in table
