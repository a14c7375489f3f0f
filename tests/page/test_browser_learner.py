"""Learner mode: values and gradients appear only as the steps reach them, in the
figure, the result strip, the inputs and the Selected panel; "Show all" reveals
everything; the link keeps the mode."""

import pytest

from tests.support.learnhelpers import choose_mode, input_grads, open_mode, step_to, strip_parts, url_fields
from tests.support.pagehelpers import CIRCUIT, CIRCUIT_VALUES, counter, is_revealed, revealed_grads

pytestmark = pytest.mark.browser

# The circuit: 1 q = x + y, 2 f = q * z, 3 back through * (q, z), 4 back through + (x, y), 5 done.
TOTAL = 5


def test_learner_mode_reveals_the_strip_and_the_inputs_step_by_step(page):
    open_mode(page, CIRCUIT, CIRCUIT_VALUES, "learner")
    assert counter(page) == f"step 0 / {TOTAL}"  # a new graph opens at the start, not on the answers
    hidden = [("f", "?"), ("df/dx", "?"), ("df/dy", "?"), ("df/dz", "?")]
    assert strip_parts(page) == hidden
    assert input_grads(page) == {"x": "?", "y": "?", "z": "?"}
    assert revealed_grads(page) == []

    step_to(page, 1)  # q = x + y: nothing of the strip yet
    assert strip_parts(page) == hidden
    step_to(page, 2)  # f = q * z: the output's value
    assert strip_parts(page) == [("f", "-12.00"), ("df/dx", "?"), ("df/dy", "?"), ("df/dz", "?")]
    assert input_grads(page) == {"x": "?", "y": "?", "z": "?"}
    step_to(page, 3)  # back through *: df/dz (and df/dq) are known
    assert strip_parts(page) == [("f", "-12.00"), ("df/dx", "?"), ("df/dy", "?"), ("df/dz", "3.00")]
    assert input_grads(page) == {"x": "?", "y": "?", "z": "3.00"}
    step_to(page, 4)  # back through +: df/dx and df/dy
    assert strip_parts(page) == [("f", "-12.00"), ("df/dx", "-4.00"), ("df/dy", "-4.00"), ("df/dz", "3.00")]
    assert input_grads(page) == {"x": "-4.00", "y": "-4.00", "z": "3.00"}

    page.click("#step-first")  # and back: hidden again
    assert strip_parts(page) == hidden
    page.click("#show-all")  # "Show all" reveals everything
    assert counter(page) == f"step {TOTAL} / {TOTAL}"
    assert input_grads(page) == {"x": "-4.00", "y": "-4.00", "z": "3.00"}
    assert ("df/dx", "-4.00") in strip_parts(page)
    assert url_fields(page)["m"] == "learner"  # the link keeps the mode


def test_the_selected_panel_hides_what_the_steps_have_not_reached(page):
    open_mode(page, CIRCUIT, CIRCUIT_VALUES, "learner")
    page.hover("svg.circuit #node-2")  # the + gate: q
    rows = dict(zip(page.locator("#details-body td.detail-label").all_inner_texts(),
                    page.locator("#details-body td.detail-value").all_inner_texts()))
    assert rows["value"] == "?" and rows["gradient df/dq"] == "?"
    page.mouse.move(2, 2)
    step_to(page, 3)
    page.hover("svg.circuit #node-2")
    rows = dict(zip(page.locator("#details-body td.detail-label").all_inner_texts(),
                    page.locator("#details-body td.detail-value").all_inner_texts()))
    assert rows["value"] == "3.00" and rows["gradient df/dq"] == "-4.00"


def test_choosing_learner_mode_starts_the_lesson_and_explore_shows_all_again(page):
    open_mode(page, CIRCUIT, CIRCUIT_VALUES)
    assert counter(page) == f"step {TOTAL} / {TOTAL}"
    assert input_grads(page) == {"x": "-4.00", "y": "-4.00", "z": "3.00"}
    assert "m" not in url_fields(page)
    choose_mode(page, "learner")
    assert counter(page) == f"step 0 / {TOTAL}"
    assert input_grads(page) == {"x": "?", "y": "?", "z": "?"}
    assert url_fields(page)["m"] == "learner"
    step_to(page, 3)
    assert input_grads(page)["z"] == "3.00" and input_grads(page)["x"] == "?"
    choose_mode(page, "explore")  # everything at any step
    assert input_grads(page) == {"x": "-4.00", "y": "-4.00", "z": "3.00"}
    assert not is_revealed(page, "grad-edge-0")  # the figure still follows the player
    assert "m" not in url_fields(page)


def test_an_example_keeps_the_mode_and_opens_at_the_start(page):
    open_mode(page, CIRCUIT, CIRCUIT_VALUES, "learner")
    page.select_option("#presets", "neuron")
    page.wait_for_selector("body[data-status=ready]", state="attached")
    page.wait_for_function("() => document.querySelector('#step-counter').textContent.endsWith('/ 17')")
    assert counter(page) == "step 0 / 17"
    assert set(input_grads(page).values()) == {"?"}
    assert page.locator("body").get_attribute("data-learn") == "learner"


def test_learner_mode_in_korean(page):
    open_mode(page, CIRCUIT, CIRCUIT_VALUES, "learner", language="ko")
    assert page.locator("#learn h2").inner_text() == "직접 해 보며 배우기"
    assert page.locator("#learn .mode-learner").inner_text().strip() == "학습"
    assert "단계가 그곳에 이르렀을 때에만" in page.locator("#learn .learn-about").inner_text()
    assert page.locator("#result-strip .learn-pending").first.get_attribute("title").startswith("아직 계산되지")
    assert input_grads(page) == {"x": "?", "y": "?", "z": "?"}
    step_to(page, 4)
    assert input_grads(page) == {"x": "-4.00", "y": "-4.00", "z": "3.00"}
