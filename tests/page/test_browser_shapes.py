"""Programs of any shape, typed from scratch (Chromium): the input fields appear as soon
as the program parses, before it evaluates; the shape error's hint is shown and the
field it names is marked; a grid editor builds vectors and matrices, from the
keyboard too."""

import pytest

from tests.support.pagehelpers import CIRCUIT, CIRCUIT_VALUES, share_hash, wait_ready, wait_status

pytestmark = pytest.mark.browser

LAYER = "sum(tanh(W @ x + b))"

WORDS = {
    "en-US": {"hint_W": "W needs a matrix with as many columns as x has entries (3); it is a number", "hint_x": "x needs as many entries as W has columns (3)",
              "edit": "Edit W", "grid": "Edit W as a grid", "cell": "W, row 2, column 3"},
    "ko-KR": {"hint_W": "W: x의 항목 수(3)만큼 열이 있는 행렬이어야 합니다", "hint_x": "x: W의 열 수(3)만큼 항목이 있어야 합니다",
              "edit": "W 편집", "grid": "W을(를) 표로 편집", "cell": "W, 2행 3열"},
}


def names(page):
    return page.eval_on_selector_all("#inputs input[data-name]", "els => els.map((e) => e.dataset.name)")


def hinted(page):
    return page.eval_on_selector_all("#inputs input.is-hinted", "els => els.map((e) => e.dataset.name)")


def type_program(page, text):
    page.fill("#program", text)


@pytest.mark.parametrize("size, locale", [("desktop", "en-US"), ("phone", "en-US"), ("phone", "ko-KR")])
def test_typing_a_tanh_layer_from_scratch(make_page, size, locale):
    page = make_page(size, locale)
    page.goto("/" + share_hash(CIRCUIT, CIRCUIT_VALUES))
    wait_ready(page)
    page.fill("#input-x", "[1, 2, 3]")  # a value typed before: it stays while the program changes
    wait_ready(page)
    type_program(page, LAYER)
    wait_status(page, "error")
    # The program parsed: its inputs have fields although it could not be evaluated.
    assert names(page) == ["W", "x", "b"]
    assert page.input_value("#input-x") == "[1, 2, 3]" and page.input_value("#input-W") == "1"
    words = WORDS[locale]
    message = page.locator("#message").inner_text()
    assert words["hint_W"] in message, message
    assert hinted(page) == ["W"]
    assert "message" in page.get_attribute("#input-W", "aria-describedby")
    # The hint's button takes the reader to the field.
    page.get_by_role("button", name=words["edit"], exact=True).click()
    assert page.evaluate("() => document.activeElement.id") == "input-W"

    # W as a 2x3 matrix, built in the grid.
    toggle = page.get_by_role("button", name=words["grid"], exact=True)
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    grid = page.locator("#grid-W")
    grid.locator("button[data-change=add-col]").click()
    grid.locator("button[data-change=add-col]").click()
    grid.locator("button[data-change=add-row]").click()
    assert page.input_value("#input-W") == "[[1, 0, 0], [0, 0, 0]]"
    page.get_by_label(words["cell"]).fill("-2")
    assert page.input_value("#input-W") == "[[1, 0, 0], [0, 0, -2]]"
    assert grid.locator(".grid-shape").inner_text() == "(2,3)"
    # x already has three entries; b stays 1.0 and broadcasts: the layer evaluates.
    wait_ready(page)
    assert names(page) == ["W", "x", "b"] and hinted(page) == []
    strip = page.locator("#result-strip").text_content()
    assert "d" in strip and "/dW = " in strip

    # A wrong x: the hint names x now, and marks its field.
    page.fill("#input-x", "[1, 2]")
    wait_status(page, "error")
    assert words["hint_x"] in page.locator("#message").inner_text()
    assert hinted(page) == ["x"]
    assert page.input_value("#input-W") == "[[1, 0, 0], [0, 0, -2]]"


def test_the_grid_is_usable_from_the_keyboard(page):
    page.goto("/" + share_hash("f = sum(w * w)", {"w": [1, 2]}))
    wait_ready(page)
    page.focus("#input-w")
    page.keyboard.press("Tab")  # the grid's switch follows its field
    assert page.evaluate("() => document.activeElement.getAttribute('aria-label')") == "Edit w as a grid"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.getAttribute('aria-label')") == "w, entry 1"
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("3")
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.getAttribute('aria-label')") == "w, entry 2"
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.getAttribute('aria-label')") == "Add a row to w"
    page.keyboard.press("Tab")  # (no row to remove: that button is disabled, and skipped)
    assert page.evaluate("() => document.activeElement.getAttribute('aria-label')") == "Add a column to w"
    page.keyboard.press("Enter")
    assert page.input_value("#input-w") == "[3, 2, 0]"
    wait_ready(page)
    assert "f = 13.00" in page.locator("#result-strip").text_content()
    # A cell that is not a number says so and changes nothing.
    cell = page.get_by_label("w, entry 3")
    cell.fill("abc")
    assert cell.get_attribute("aria-invalid") == "true"
    assert page.input_value("#input-w") == "[3, 2, 0]"
    # Typing in the field moves the grid along.
    page.fill("#input-w", "[[1, 2], [3, 4]]")
    assert page.locator("#grid-w input").count() == 4
    assert page.get_by_label("w, row 2, column 1").input_value() == "3"
