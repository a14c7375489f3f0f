"""The page on a laptop, a tablet and a phone (Chromium): one column under 800 px with
nothing to scroll sideways, a Fit that fills the box and keeps the text legible, one
finger for the page and two for the graph, 44-pixel tap targets, keyboard zoom."""

import pytest

from tests.support.pagehelpers import (CIRCUIT, CIRCUIT_VALUES, NEURON, NEURON_VALUES, counter, gate_in_view,
                                       no_horizontal_scroll, share_hash, wait_ready)

pytestmark = pytest.mark.browser

LINEAR = "z = W @ x + b\nL = sum((z - y)**2)"
LINEAR_VALUES = {"W": [[1, -2, 0.5], [0.5, 1, -1]], "x": [1, 2, -1], "b": [0.5, -0.5], "y": [1, 0]}
# 120 products side by side: a drawing far wider than any screen.
WIDE = " + ".join(f"x{i}*x{i + 1}" for i in range(120))


def open_graph(page, program, values, step=None, **fields):
    page.goto("/" + share_hash(program, values, step, **fields))
    wait_ready(page)
    page.wait_for_selector("svg.circuit")


def box(page, selector):
    return page.locator(selector).bounding_box()


def view_box(page):
    return [float(v) for v in page.get_attribute("svg.circuit", "viewBox").split()]


def label_px(page):
    """The height in CSS pixels of the figure's 11-unit labels as drawn now."""
    return page.evaluate("() => 11 * document.querySelector('svg.circuit').getScreenCTM().a")


@pytest.mark.parametrize("size, locale", [("desktop", "en-US"), ("tablet", "en-US"), ("phone", "en-US"),
                                          ("phone", "ko-KR")])
@pytest.mark.parametrize("program, values", [(CIRCUIT, CIRCUIT_VALUES), (NEURON, NEURON_VALUES),
                                             (LINEAR, LINEAR_VALUES)], ids=["circuit", "neuron", "linear"])
def test_one_column_under_800_px_and_nothing_to_scroll_sideways(make_page, size, locale, program, values):
    page = make_page(size, locale)
    open_graph(page, program, values)
    assert no_horizontal_scroll(page)
    side, stage = box(page, ".side"), box(page, ".stage")
    if size == "desktop":
        assert side["x"] + side["width"] <= stage["x"] + 1  # side by side
    else:
        assert side["y"] + side["height"] <= stage["y"] + 1  # one column, the program first
        # The side column is part of the page: it never scrolls inside itself.
        assert page.evaluate("() => { const s = document.querySelector('.side'); return s.scrollHeight <= s.clientHeight + 1; }")
    # The header wraps instead of widening the page.
    header = box(page, ".topbar")
    assert header["width"] <= page.viewport_size["width"]


def test_on_a_phone_the_neurons_last_input_and_the_selected_panel_are_reached_by_scrolling(make_page):
    page = make_page("phone")
    open_graph(page, NEURON, NEURON_VALUES)
    for selector in ("#input-w2", "#details"):
        page.locator(selector).scroll_into_view_if_needed()
        item = box(page, selector)
        assert 0 <= item["y"] and item["y"] + min(item["height"], 100) <= 844, selector


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_fit_keeps_the_text_legible(make_page, size):
    page = make_page(size)
    open_graph(page, NEURON, NEURON_VALUES)
    assert label_px(page) >= 10 - 0.01
    page.click("#zoom-out")
    page.click("#zoom-out")
    assert label_px(page) < 10  # zooming out still shows the whole of a big drawing
    page.click("#zoom-fit")
    assert label_px(page) >= 10 - 0.01


def drawing_and_box(page):
    """The drawing's rectangle on screen and the graph box's, as (left, top, right, bottom)."""
    return page.evaluate("""() => {
        const edges = (r) => [r.left, r.top, r.right, r.bottom];
        const frame = document.getElementById('graph');
        const inner = frame.getBoundingClientRect();
        return [edges(document.querySelector('svg.circuit > g.graph > polygon').getBoundingClientRect()),
                [inner.left + frame.clientLeft, inner.top + frame.clientTop,
                 inner.left + frame.clientLeft + frame.clientWidth, inner.top + frame.clientTop + frame.clientHeight]];
    }""")


def test_fit_fills_the_box_both_ways(make_page):
    page = make_page("desktop")
    open_graph(page, CIRCUIT, CIRCUIT_VALUES)
    # A small drawing is whole, centred, and as large as the box allows (or 3 times its size).
    (left, top, right, bottom), (bl, bt, br, bb) = drawing_and_box(page)
    assert bl <= left and bt <= top and right <= br and bottom <= bb
    assert (right - left) >= 0.9 * (br - bl) or (bottom - top) >= 0.9 * (bb - bt) or label_px(page) >= 32.9
    assert (left - bl) == pytest.approx(br - right, abs=2) and (top - bt) == pytest.approx(bb - bottom, abs=2)
    # A drawing far wider than the screen: legible text, the box filled both ways (no empty
    # bands above and below), the drawing's start (its inputs, on the left) in view.
    open_graph(page, WIDE, {})
    assert label_px(page) >= 10 - 0.01
    (left, top, right, bottom), (bl, bt, br, bb) = drawing_and_box(page)
    assert top <= bt + 40 and bottom >= bb and right >= br
    assert bl <= left <= bl + 40


def still_scroll(page):
    """Wait until the page has stopped scrolling (ten frames in a row at the same place)."""
    page.evaluate("""() => new Promise((done) => {
        let last = window.scrollY, same = 0;
        const look = () => {
          same = window.scrollY === last ? same + 1 : 0;
          last = window.scrollY;
          if (same >= 10) done(); else requestAnimationFrame(look);
        };
        requestAnimationFrame(look);
    })""")


def touch(cdp, kind, points):
    cdp.send("Input.dispatchTouchEvent", {
        "type": kind, "touchPoints": [{"x": x, "y": y, "id": i} for i, (x, y) in enumerate(points)]})


def test_one_finger_scrolls_the_page_two_fingers_zoom_the_graph(make_page):
    page = make_page("phone")
    open_graph(page, NEURON, NEURON_VALUES)
    page.evaluate("() => document.getElementById('graph').scrollIntoView({block: 'center'})")
    graph = box(page, "#graph")
    cx, cy = graph["x"] + graph["width"] / 2, graph["y"] + graph["height"] / 2
    cdp = page.context.new_cdp_session(page)
    before, scrolled = view_box(page), page.evaluate("() => window.scrollY")

    # One finger over the graph moves the page, not the drawing.
    touch(cdp, "touchStart", [(cx, cy)])
    for k in range(1, 9):
        touch(cdp, "touchMove", [(cx, cy - 25 * k)])
    touch(cdp, "touchEnd", [])
    page.wait_for_function("(y) => window.scrollY > y", arg=scrolled)
    assert view_box(page) == before

    # Two fingers spreading from 80 px apart to 240 px: three times closer, the page still.
    still_scroll(page)
    page.evaluate("() => document.getElementById('graph').scrollIntoView({block: 'center'})")
    still_scroll(page)
    graph = box(page, "#graph")
    cx, cy = graph["x"] + graph["width"] / 2, graph["y"] + graph["height"] / 2
    scrolled = page.evaluate("() => window.scrollY")
    touch(cdp, "touchStart", [(cx - 40, cy), (cx + 40, cy)])
    for k in range(1, 9):
        touch(cdp, "touchMove", [(cx - 40 - 10 * k, cy), (cx + 40 + 10 * k, cy)])
    touch(cdp, "touchEnd", [])
    still_scroll(page)
    after = view_box(page)
    assert after[2] == pytest.approx(before[2] / 3, rel=0.02)
    assert page.evaluate("() => window.scrollY") == scrolled
    assert page.evaluate("() => window.visualViewport.scale") == 1
    # A tap still selects: the Selected panel describes the gate under the finger.
    page.locator("#zoom-fit").tap()
    gate = gate_in_view(page)
    page.touchscreen.tap(gate[0], gate[1])
    page.locator("#details-body h3").wait_for()
    assert page.locator("#details-body h3").inner_text().startswith("Gate")


@pytest.mark.parametrize("locale", ["en-US", "ko-KR"])
def test_every_control_is_a_44_pixel_target_on_a_phone(make_page, locale):
    page = make_page("phone", locale)
    open_graph(page, LINEAR, LINEAR_VALUES)
    page.click("#table-toggle")
    page.click(".options summary")
    page.locator(".input-grid-toggle").first.click()
    small = page.evaluate("""() => [...document.querySelectorAll(
            'button, select, input, textarea, summary, a[href], [tabindex="0"]')]
        .filter((el) => el.checkVisibility() && !el.closest('.visually-hidden'))
        .map((el) => {
          const target = el.type === 'checkbox' ? el.closest('label') : el;
          const r = target.getBoundingClientRect();
          return { what: el.id || el.className || el.tagName, w: r.width, h: r.height };
        })
        .filter((t) => t.w < 44 || t.h < 44)""")
    assert small == []


def test_keys_zoom_and_move_the_graph(make_page):
    page = make_page("desktop")
    open_graph(page, NEURON, NEURON_VALUES, step=3)
    fitted = view_box(page)
    page.keyboard.press("+")
    assert view_box(page)[2] == pytest.approx(fitted[2] / 1.25)
    page.keyboard.press("-")
    page.keyboard.press("-")
    assert view_box(page)[2] == pytest.approx(fitted[2] * 1.25)
    page.keyboard.press("0")
    assert view_box(page) == pytest.approx(fitted)
    # With the focus on the graph, the arrow keys move it (and do not step the player).
    page.focus("#graph")
    step = counter(page)
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowDown")
    moved = view_box(page)
    assert moved[0] > fitted[0] and moved[1] > fitted[1] and counter(page) == step
    # Elsewhere they step, as before.
    page.focus("#step-next")
    page.keyboard.press("ArrowRight")
    assert counter(page) != step
    assert page.get_attribute("#zoom-in", "aria-label") == "Zoom in"
    assert page.get_attribute("#zoom-out", "aria-label") == "Zoom out"


def test_in_one_column_hovering_the_graph_never_moves_it(make_page):
    # The Selected panel is above the graph in one column: it follows clicks, not the pointer,
    # or its new height would move the graph from under the pointer (and back, and again).
    page = make_page("tablet")
    open_graph(page, NEURON, NEURON_VALUES)
    page.evaluate("() => document.getElementById('graph').scrollIntoView({ block: 'center' })")
    before = box(page, "#graph")
    x, y = gate_in_view(page)
    page.mouse.move(x, y)
    page.wait_for_selector("svg.circuit .gate.is-hover")  # the graph marks the gate ...
    assert box(page, "#graph") == before  # ... and stays where it was
    assert page.locator("#details-body h3").count() == 0
    page.mouse.click(x, y)
    page.locator("#details-body h3").wait_for()
    assert page.locator("#details-body h3").inner_text().startswith("Gate")
