"""Accessibility (WCAG 2.2 AA) in Chromium: axe-core finds nothing in either language,
light or dark; the table of values follows the player; steps are announced; controls
and the gradients beside the inputs are labelled; the dark figure stays legible; the
blue/orange palette; gradients told from values by more than colour; reduced motion.

axe-core is a test-only npm package (tests/page/axe, installed by `make test` with
`npm ci`), injected into the page from here: the app never serves it.
"""

from pathlib import Path

import pytest

from tests.support.pagehelpers import CIRCUIT, CIRCUIT_VALUES, counter, gate_in_view, share_hash, wait_ready

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
# Matrices, vectors and numbers, and enough inputs for the strip's "and N more".
LINEAR = "z = W @ x + b\nL = sum((z - y)**2) + " + " + ".join(f"a{i}" for i in range(8))
LINEAR_VALUES = {"W": [[1, -2, 0.5], [0.5, 1, -1]], "x": [1, 2, -1], "b": [0.5, -0.5], "y": [1, 0]}


def open_graph(page, program=CIRCUIT, values=CIRCUIT_VALUES, step=None):
    page.goto("/" + share_hash(program, values, step))
    wait_ready(page)
    page.wait_for_selector("svg.circuit")


def axe_violations(page):
    page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    return page.evaluate("""() => axe.run(document, { resultTypes: ['violations'] }).then((result) =>
        result.violations.map((v) => `${v.id} (${v.impact}): ${v.help}: ` +
          v.nodes.slice(0, 3).map((n) => n.target.join(' ') + ' ' + n.failureSummary).join(' | ')))""")


@pytest.mark.parametrize("size, locale, scheme", [
    ("desktop", "en-US", "light"), ("desktop", "en-US", "dark"), ("desktop", "ko-KR", "light"),
    ("desktop", "ko-KR", "dark"), ("tablet", "ko-KR", "dark"), ("phone", "en-US", "dark"), ("phone", "ko-KR", "light"),
])
def test_axe_finds_no_violation_on_the_page_with_a_graph(make_page, size, locale, scheme):
    assert AXE.is_file(), "run `make test` (it installs axe-core with npm ci into tests/page/axe)"
    # The page's CSP forbids inline script, which is how Playwright injects axe: this test's context bypasses it.
    page = make_page(size, locale, scheme, bypass_csp=True)
    open_graph(page, LINEAR, LINEAR_VALUES, step=14)
    # Everything there is to see: the table, the options, a grid editor, the strip's rest, a pinned gate.
    page.click("#table-toggle")
    page.click(".options summary")
    page.locator(".input-grid-toggle").first.click()
    page.click(".strip-more")
    page.evaluate("() => document.getElementById('graph').scrollIntoView({ block: 'center' })")
    page.mouse.click(*gate_in_view(page))
    page.locator("#details-body h3").wait_for(state="attached")
    assert axe_violations(page) == []
    page.select_option("#palette", "cb")
    assert axe_violations(page) == []


def contrast(page, selector, prop):
    """The contrast ratio of an element's colour `prop` (fill, stroke, color) against the graph's background."""
    return page.evaluate("""([selector, prop]) => {
        const rgb = (text) => text.match(/[\\d.]+/g).slice(0, 3).map(Number);
        const lum = ([r, g, b]) => [r, g, b].map((c) => c / 255)
          .map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4))
          .reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
        const fg = lum(rgb(getComputedStyle(document.querySelector(selector))[prop]));
        const bg = lum(rgb(getComputedStyle(document.getElementById('graph')).backgroundColor));
        return (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    }""", [selector, prop])


@pytest.mark.parametrize("palette", ["figure", "cb"])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_figure_is_legible_in_both_schemes_and_palettes(make_page, scheme, palette):
    page = make_page("desktop", "en-US", scheme)
    open_graph(page)
    page.click(".options summary")
    page.select_option("#palette", palette)
    background = page.evaluate("() => getComputedStyle(document.getElementById('graph')).backgroundColor")
    assert (background == "rgb(255, 255, 255)") == (scheme == "light")
    for selector in ["svg.circuit .value text", "svg.circuit .grad text", "svg.circuit .gate text",
                     "svg.circuit .name text"]:
        assert contrast(page, selector, "fill") >= 4.5, selector
    for selector in ["svg.circuit .wire polyline", "svg.circuit .gate ellipse"]:
        assert contrast(page, selector, "stroke") >= 3, selector
    value = page.evaluate("() => getComputedStyle(document.querySelector('svg.circuit .value text')).fill")
    blue = value in ("rgb(11, 92, 173)", "rgb(121, 184, 255)")
    assert blue == (palette == "cb")


def test_the_theme_switch_overrides_the_system_and_is_remembered(make_page):
    page = make_page("desktop", "en-US", "light")
    open_graph(page)
    page.click(".options summary")
    page.select_option("#theme", "dark")
    assert page.evaluate("() => document.documentElement.dataset.theme") == "dark"
    dark_bg = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    assert dark_bg != "rgb(255, 255, 255)"
    page.reload()
    wait_ready(page)
    assert page.evaluate("() => getComputedStyle(document.body).backgroundColor") == dark_bg
    assert page.input_value("#theme") == "dark"
    page.click(".options summary")
    page.select_option("#theme", "auto")
    assert page.evaluate("() => getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"


def test_a_gradient_differs_from_a_value_by_more_than_colour(page):
    open_graph(page)
    styles = page.evaluate("""() => {
        const style = (selector) => { const s = getComputedStyle(document.querySelector(selector));
          return [s.fontStyle, s.textDecorationLine]; };
        return { value: style('svg.circuit .value text'), grad: style('svg.circuit .grad text'),
                 strip: style('.strip-grad'), field: style('.input-grad .scalar'),
                 legend: document.querySelector('.legend').textContent };
    }""")
    assert styles["value"] == ["normal", "none"]
    assert styles["grad"] == ["italic", "underline"]
    assert styles["strip"][0] == "italic" and styles["field"][0] == "italic"
    assert styles["legend"] == "value above each wire, gradient below it, in italics and underlined"
    hint = page.locator("#inputs-hint").inner_text()
    assert "red" not in hint and "italics" in hint


def wire_rows(page):
    return page.evaluate("""() => [...document.querySelectorAll('#wire-table tbody tr')].map((tr) =>
        [...tr.children].map((cell) => cell.textContent.trim()))""")


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_table_of_values_follows_the_player(make_page, size):
    page = make_page(size)
    open_graph(page, step=0)
    # Hidden from sight until asked for, but there for screen readers.
    assert page.evaluate("() => document.getElementById('wire-table-box').getBoundingClientRect().width") <= 1
    rows = wire_rows(page)
    assert [row[0] for row in rows] == ["x → +", "y → +", "q → *", "z → *", "f (the output)"]
    assert rows[0][1:] == ["-2.00", "not yet"] and rows[2][1:] == ["not yet", "not yet"]
    caption = page.locator("#wire-table caption").text_content()
    assert "step 0 / 5" in caption and "Start" in caption
    page.click("#step-next")  # forward through +: q's value appears, its row is the step's
    rows = wire_rows(page)
    assert rows[2] == ["q → * (this step)", "3.00", "not yet"]
    page.click("#step-last")
    assert wire_rows(page) == [["x → +", "-2.00", "-4.00"], ["y → +", "5.00", "-4.00"], ["q → *", "3.00", "-4.00"],
                               ["z → *", "-4.00", "3.00"], ["f (the output)", "-12.00", "1.00"]]
    page.click("#table-toggle")
    assert page.get_attribute("#table-toggle", "aria-expanded") == "true"
    shown = page.locator("#wire-table-box").bounding_box()
    assert shown["width"] > 200 and shown["height"] > 100


@pytest.mark.parametrize("locale, said", [
    ("en-US", ["step 1 / 5: Forward pass: gate 1 of 2", "step 2 / 5: Forward pass: gate 2 of 2",
               "step 1 / 5: Forward pass: gate 1 of 2"]),
    ("ko-KR", ["단계 1 / 5: 순전파: 게이트 1 / 2", "단계 2 / 5: 순전파: 게이트 2 / 2", "단계 1 / 5: 순전파: 게이트 1 / 2"]),
])
def test_each_step_is_announced(make_page, locale, said):
    page = make_page("desktop", locale)
    open_graph(page, step=0)
    live = page.locator("#announce")
    assert live.get_attribute("aria-live") == "polite" and live.text_content() == ""
    heard = []
    for key in ["ArrowRight", "ArrowRight", "ArrowLeft"]:
        page.keyboard.press(key)
        heard.append(live.text_content())
    assert heard == said


@pytest.mark.parametrize("locale, names", [
    ("en-US", {"zoom": ["Zoom in", "Zoom out", "Fit"], "grad": "gradient df/dx:", "alt": "Computation graph of f: 2 gates, 3 inputs."}),
    ("ko-KR", {"zoom": ["확대", "축소", "맞춤"], "grad": "그래디언트 df/dx:", "alt": "f의 계산 그래프: 게이트 2개, 입력 3개."}),
])
def test_controls_and_gradients_have_names_and_the_graph_a_text_alternative(make_page, locale, names):
    page = make_page("desktop", locale)
    open_graph(page)
    for name in names["zoom"]:
        assert page.get_by_role("button", name=name, exact=True).count() == 1, name
    assert page.locator(".input-row:has(#input-x) .visually-hidden").text_content() == names["grad"]
    assert page.get_attribute("svg.circuit", "aria-label").startswith(names["alt"])
    assert page.get_attribute("#scrubber", "aria-valuetext") == counter(page)
    for download in ["#download-svg", "#download-png", "#download-dot", "#download-html"]:
        label = page.get_attribute(download, "aria-label")
        assert page.locator(download).inner_text() in label and len(label) > 4


@pytest.mark.parametrize("motion, duration", [("reduce", "0s"), ("no-preference", "0.35s")])
def test_reduced_motion_turns_the_fades_off(make_page, motion, duration):
    page = make_page("desktop", reduced_motion=motion)
    open_graph(page, step=2)
    assert page.evaluate("() => getComputedStyle(document.querySelector('svg.circuit .value')).transitionDuration") \
        == duration
