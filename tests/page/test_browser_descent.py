"""Gradient descent on the page: Step and Run ask the API, the inputs take the
walk's values, a chart drawn by the page shows the output over every step taken;
Undo and Reset; a bad learning rate is refused on the page; a walk that stops says why."""

import pytest

import engine
from tests.support.learnhelpers import NEURON, NEURON_VALUES, choose_mode, open_mode, strip_parts, url_fields
from tests.support.pagehelpers import wait_ready

pytestmark = pytest.mark.browser


def chart_points(page):
    return [float(v) for v in page.eval_on_selector_all(".descent-chart .chart-point", "els => els.map(e => e.dataset.value)")]


def wait_points(page, n):
    page.wait_for_function("(n) => document.querySelectorAll('.descent-chart .chart-point').length === n", arg=n)
    wait_ready(page)


def field_values(page, names):
    return {name: float(page.locator(f"#input-{name}").input_value()) for name in names}


def descent_requests(page):
    """The "descent" options of the page's requests, as they go out."""
    sent = []
    page.on("request", lambda r: r.url.endswith("/api/graph")
            and sent.append((r.post_data_json.get("options") or {}).get("descent")))
    return sent


def test_five_steps_on_the_neuron_then_undo_and_reset(page):
    open_mode(page, NEURON, NEURON_VALUES)
    choose_mode(page, "descent")
    assert url_fields(page)["m"] == "descent"
    boxes = page.locator(".descent-param-list input")
    assert boxes.count() == 5 and all(boxes.nth(i).is_checked() for i in range(5))  # all inputs by default
    sent = descent_requests(page)
    page.fill("#descent-lr", "0.1")
    page.fill("#descent-steps", "5")
    page.click(".descent-run")
    wait_points(page, 6)
    assert sent[-1] == {"lr": 0.1, "steps": 5, "params": ["w0", "x0", "w1", "x1", "w2"], "maximize": False}
    walk = engine.descend(NEURON, NEURON_VALUES, lr=0.1, steps=5)
    points = chart_points(page)
    assert points == walk["outputs"]  # the engine's numbers, exactly
    assert all(a > b for a, b in zip(points, points[1:]))  # f goes down at every step
    assert field_values(page, NEURON_VALUES) == walk["values"]
    assert strip_parts(page)[0] == ("f", "0.25")
    assert page.locator(".descent-status").inner_text() == "5 steps taken: f went from 0.73 to 0.25."
    page.click(".descent-step")  # one more: the chart goes on from where it was
    wait_points(page, 7)
    assert chart_points(page)[:6] == points and chart_points(page)[6] < points[5]
    page.click(".descent-undo")  # back to the values before that Step
    wait_points(page, 6)
    page.wait_for_function("(v) => document.querySelector('#input-w0').value === String(v)", arg=walk["values"]["w0"])
    assert field_values(page, NEURON_VALUES) == walk["values"]
    page.click(".descent-undo")  # and before the Run
    wait_points(page, 0)
    page.wait_for_function("() => document.querySelector('#input-w0').value === '2'")
    assert field_values(page, NEURON_VALUES) == NEURON_VALUES
    assert page.locator(".descent-undo").is_disabled() and page.locator(".descent-reset").is_disabled()
    assert strip_parts(page)[0] == ("f", "0.73")
    page.click(".descent-step")
    wait_points(page, 2)
    page.click(".descent-step")
    wait_points(page, 3)
    page.click(".descent-reset")  # back to before the first
    wait_points(page, 0)
    page.wait_for_function("() => document.querySelector('#input-w0').value === '2'")
    assert field_values(page, NEURON_VALUES) == NEURON_VALUES


def test_maximising_some_of_the_inputs(page):
    open_mode(page, NEURON, NEURON_VALUES, "descent")
    page.check(".descent-direction input[value=max]")
    for name in ("w0", "x0", "w1", "x1"):
        page.uncheck(f".descent-param-list input[value={name}]")
    page.click(".descent-run")  # 5 steps at 0.1 by default
    wait_points(page, 6)
    points = chart_points(page)
    assert all(a < b for a, b in zip(points, points[1:]))  # f goes up
    walk = engine.descend(NEURON, NEURON_VALUES, lr=0.1, steps=5, params=["w2"], maximize=True)
    assert points == walk["outputs"]
    moved = field_values(page, NEURON_VALUES)
    assert moved["w2"] == walk["values"]["w2"] > -3
    assert {k: v for k, v in moved.items() if k != "w2"} == {k: v for k, v in NEURON_VALUES.items() if k != "w2"}


@pytest.mark.parametrize("rate", ["0", "-1", "abc", "inf", "1e999", ""])
def test_a_bad_learning_rate_is_refused_on_the_page(page, rate):
    open_mode(page, NEURON, NEURON_VALUES, "descent")
    sent = descent_requests(page)
    page.fill("#descent-lr", rate)
    page.click(".descent-step")
    problem = page.locator(".descent-problem")
    assert problem.is_visible()
    assert problem.inner_text() == f"The learning rate must be a finite number above 0, not “{rate}”."
    assert page.locator("#descent-lr").get_attribute("aria-invalid") == "true"
    assert [d for d in sent if d] == []  # nothing was asked
    page.fill("#descent-lr", "0.1")  # typing clears it
    assert not problem.is_visible()


def test_bad_steps_and_no_parameter_are_refused_too(page):
    open_mode(page, "f = x * y", {"x": 1, "y": 2}, "descent")
    page.fill("#descent-steps", "0")
    page.click(".descent-run")
    assert page.locator(".descent-problem").inner_text() == (
        "The number of steps must be a whole number from 1 to 1000, not “0”.")
    page.uncheck(".descent-param-list input[value=x]")
    page.uncheck(".descent-param-list input[value=y]")
    page.click(".descent-step")
    assert page.locator(".descent-problem").inner_text() == "Choose at least one parameter to move."


def test_a_walk_that_stops_says_why_and_keeps_the_last_finite_values(page):
    open_mode(page, "f = exp(x)", {"x": 3}, "descent")
    page.check(".descent-direction input[value=max]")
    page.fill("#descent-lr", "100")
    page.click(".descent-run")
    page.wait_for_selector(".descent-status.is-stopped")
    wait_ready(page)
    assert "step 1 would make a value inf or nan, so the descent stopped at the last finite values" \
        in page.locator(".descent-status").inner_text()
    assert page.locator("#input-x").input_value() == "3"
    assert chart_points(page) == [pytest.approx(20.085536923187668)]


def test_descent_in_korean(page):
    open_mode(page, NEURON, NEURON_VALUES, "descent", language="ko")
    assert page.locator("#learn .mode-descent").inner_text().strip() == "경사 하강"
    assert page.locator(".descent-run").inner_text() == "실행"
    page.click(".descent-run")
    wait_points(page, 6)
    assert page.locator(".descent-status").inner_text() == "5단계 진행: f이(가) 0.73에서 0.25(으)로 바뀌었습니다."
    page.fill("#descent-lr", "0")
    page.click(".descent-step")
    assert page.locator(".descent-problem").inner_text() == "학습률은 0보다 큰 유한한 수여야 합니다. “0”은(는) 안 됩니다."
