"""Practice mode: the backward pass asks for each gradient, checks it within the
displayed precision, and names the likely mistake from the answer's numbers and
formulas; usable by keyboard alone; the link keeps the mode, never the answers."""

import json

import pytest

import engine
from tests.support.learnhelpers import FANOUT, input_grads, open_mode, strip_parts, url_fields
from tests.support.pagehelpers import blur, counter, is_revealed, run_module

pytestmark = pytest.mark.browser


def focused_question(page):
    return page.evaluate("() => document.activeElement.dataset.question || document.activeElement.className")


def answer(page, text):
    """Type an answer into the focused field (replacing what it holds) and press Enter."""
    page.keyboard.press("Control+A")
    page.keyboard.type(text)
    page.keyboard.press("Enter")


def mistake(page):
    return page.locator("#explain .practice-mistake").get_attribute("data-mistake")


def score(page):
    line = page.locator("#explain .practice-score")
    return {key: int(line.get_attribute(f"data-{key}")) for key in ("right", "wrong", "revealed")}


def test_a_practice_run_on_the_fan_out_by_keyboard(page):
    # f = x * x at x = 3: 1 forward, 2 back through * (two wires of 3.00, x's total 6.00), 3 done.
    open_mode(page, FANOUT, {"x": 3}, "practice")
    assert counter(page) == "step 0 / 3"
    blur(page)
    page.keyboard.press("ArrowRight")
    assert counter(page) == "step 1 / 3"
    assert "No question at this step" in page.locator("#explain").inner_text()
    page.keyboard.press("ArrowRight")
    assert counter(page) == "step 2 / 3"
    # The downstream gradients are hidden and asked for; the first field has the focus.
    assert focused_question(page) == "e0"
    assert not is_revealed(page, "grad-edge-0") and not is_revealed(page, "total-node-0")
    assert strip_parts(page) == [("f", "9.00"), ("df/dx", "?")]
    assert page.locator("#explain input.practice-answer").count() == 3
    label = page.locator("#explain input[data-question=e0]").get_attribute("aria-label")
    assert label == "df/dx = ∂f/∂x × df/df = ?"
    # The player waits at the question.
    page.click("#step-next")
    page.click("#step-last")
    assert counter(page) == "step 2 / 3"

    page.locator("#explain input[data-question=e0]").focus()
    answer(page, "-3")  # a sign mistake
    assert mistake(page) == "sign"
    assert "Check the sign" in page.locator("#explain .practice-feedback").inner_text()
    assert focused_question(page) == "e0"  # the field keeps the focus, to fix the answer
    assert page.locator("#explain input[data-question=e0]").get_attribute("aria-invalid") == "true"
    answer(page, "3")  # right
    assert page.locator("#explain [data-practice=right]").count() == 1
    assert is_revealed(page, "grad-edge-0")
    assert focused_question(page) == "e1"
    answer(page, "3.00")
    assert focused_question(page) == "n0"
    answer(page, "3")  # the fan-out mistake: one wire's part of x's sum
    assert mistake(page) == "fanout"
    text = page.locator("#explain .practice-feedback").inner_text()
    assert "3 is not right" in text and "used by 2 wires (a fan-out)" in text and "3 is only part of that sum" in text
    assert strip_parts(page)[1] == ("df/dx", "?")
    answer(page, "6")
    assert page.locator("#explain [data-practice=right]").count() == 3
    assert is_revealed(page, "total-node-0")
    assert strip_parts(page) == [("f", "9.00"), ("df/dx", "6.00")]
    assert input_grads(page) == {"x": "6.00"}
    assert score(page) == {"right": 3, "wrong": 2, "revealed": 0}
    assert focused_question(page) == "practice-next"
    page.keyboard.press("Enter")  # on to the end
    assert counter(page) == "step 3 / 3"
    assert page.locator("#learn .learn-score").inner_text() == "Score: 3 right, 2 wrong tries, 0 revealed"
    # The link keeps the mode, never the answers: reopened, the questions are open again.
    fields = url_fields(page)
    assert fields["m"] == "practice" and set(fields) == {"p", "v", "s", "m"}
    page.reload()
    page.wait_for_selector("body[data-status=ready]", state="attached")
    page.wait_for_selector("#explain input.practice-answer")
    assert counter(page) == "step 2 / 3"


def test_reveal_by_key_and_by_button(page):
    open_mode(page, FANOUT, {"x": 3}, "practice", step=2)
    page.wait_for_selector("#explain input[data-question=e0]")
    page.locator("#explain input[data-question=e0]").focus()
    page.keyboard.press("Shift+Enter")  # reveal by key
    assert page.locator("#explain tr[data-edge='0'] [data-practice=revealed]").count() == 1
    assert focused_question(page) == "e1"
    page.click("#explain .practice-reveal")  # the button acts on the field focused last
    assert page.locator("#explain tr[data-edge='1'] [data-practice=revealed]").count() == 1
    answer(page, "6.004")  # within the displayed precision (two decimals)
    assert score(page) == {"right": 1, "wrong": 0, "revealed": 2}


def test_an_answer_counts_within_the_displayed_precision(page):
    # The neuron's first backward step: d(1/x)/dt at 1.37 is -0.53 (exactly -0.5344...).
    neuron = "f = 1 / (1 + exp(-(w0*x0 + w1*x1 + w2)))"
    open_mode(page, neuron, {"w0": 2, "x0": -1, "w1": -3, "x1": -2, "w2": -3}, "practice", step=9)
    field = page.locator("#explain input.practice-answer").first
    field.focus()
    answer(page, "-0.51")  # two units off at two decimals
    assert mistake(page) == "unknown"
    answer(page, "-0.54")  # one unit off: the rounded numbers on the figure give it
    assert score(page)["right"] == 1


def judged(page, program, values, answers, precision=2):
    """The verdict for each (question id, answer text), from the page's practice module."""
    data = json.dumps(engine.evaluate(program, values).to_dict(precision=precision))
    return run_module(page, "practice.js", """async (P, [text, answers, precision]) => {
        const T = await import('/static/js/timeline.js');
        const model = T.buildModel(JSON.parse(text));
        const { byId } = P.practiceQuestions(model);
        return answers.map(([id, typed]) => {
          const verdict = P.judge(model, byId.get(id), typed, precision);
          return verdict.status === 'wrong' ? verdict.mistake.code : verdict.status;
        });
    }""", [data, answers, precision])


def test_the_mistakes_are_computed_from_the_numbers_and_formulas(page):
    # x * y at x=3, y=-4: df/dx is y = -4; x's own value 3 is the classic slip.
    assert judged(page, "f = x * y", {"x": 3, "y": -4},
                  [["e0", "-4"], ["e0", "3"], ["e0", "4"], ["e0", "7"], ["e0", "four"]]) == [
        "right", "own_value", "sign", "unknown", "unreadable"]
    # exp at 0.5, times 2: exp's local gradient is its output (1.65), not its input (0.5).
    assert judged(page, "f = exp(x) * 2", {"x": 0.5}, [["e0", "3.30"], ["e0", "1"], ["e0", "1.65"]]) == [
        "right", "used_input", "upstream"]
    # tanh and sigmoid, the same slip: 1 - 0.5² = 0.75 instead of 1 - tanh(0.5)² = 0.79, times 3.
    assert judged(page, "f = tanh(x) * 3", {"x": 0.5}, [["e0", "2.36"], ["e0", "2.25"], ["e0", "0.79"]]) == [
        "right", "used_input", "upstream"]
    assert judged(page, "f = sigmoid(x) * 2", {"x": 1}, [["e0", "0.39"], ["e0", "0"], ["e0", "0.20"]]) == [
        "right", "used_input", "upstream"]
    # 1/x at 2 (its local gradient -1/x² uses the input): -1/0.5² = -4 would be the output's, times y = 2.
    assert judged(page, "f = (1/x) * y", {"x": 2, "y": 2}, [["e1", "-0.5"], ["e1", "-8"]]) == [
        "right", "used_output"]
    # A fanned-out gate: q = x * 2 used twice; its upstream df/dq = q + q = 6, of which one part is 3.
    fanned = [["n2", "6"], ["n2", "3"], ["e0", "12"], ["e0", "6"]]
    assert judged(page, "q = x * 2\nf = q * q", {"x": 1.5}, fanned) == ["right", "fanout", "right", "fanout_upstream"]
    # At no decimals 6 and 5.6 are the same number on the figure.
    assert judged(page, "f = x * x", {"x": 3}, [["n0", "5.6"], ["n0", "3"]], precision=0) == ["right", "fanout"]


def test_a_fan_out_mistake_in_korean(page):
    open_mode(page, FANOUT, {"x": 3}, "practice", step=2, language="ko")
    page.locator("#explain input[data-question=n0]").focus()
    answer(page, "3")
    text = page.locator("#explain .practice-feedback").inner_text()
    assert "3은(는) 정답이 아닙니다" in text and "팬아웃" in text
    assert page.locator("#explain .practice-check").inner_text() == "확인 (Enter)"
    assert page.locator("#explain .practice-score").inner_text() == "점수: 맞힘 0, 틀림 1, 정답 보기 0"


def test_a_program_of_arrays_has_nothing_to_ask_in_numbers(page):
    open_mode(page, "f = sum(w * x)", {"w": [2, -3], "x": [1, 2]}, "practice")
    page.click("#step-last")  # nothing holds the player
    assert counter(page) == "step 5 / 5"
    page.click("#step-prev")
    assert page.locator("#explain input.practice-answer").count() == 0
    assert "no single number to ask for" in page.locator("#explain .practice-help").inner_text()
