"""The gradient check on the page: on demand, beside each input's gradient and in
the Selected panel, the numeric gradient and a pass/fail mark in words; kinks
and inf/nan named."""


import pytest

from tests.support.learnhelpers import NEURON, NEURON_VALUES, open_mode, step_to, url_fields
from tests.support.pagehelpers import CIRCUIT, CIRCUIT_VALUES, wait_ready

pytestmark = pytest.mark.browser


def marks(page):
    return [(m.get_attribute("data-check"), m.inner_text()) for m in page.locator("#inputs .check-mark").all()]


def test_checking_the_neurons_gradients(page):
    open_mode(page, NEURON, NEURON_VALUES)
    assert page.locator("#inputs .check-mark").count() == 0  # only on demand
    requests = []
    page.on("request", lambda r: r.url.endswith("/api/graph") and requests.append(r.post_data_json))
    page.check("#learn-check")
    page.wait_for_selector("#inputs .check-mark")
    assert requests and requests[-1]["options"]["check"] is True
    shown = marks(page)
    # One mark per input, each passing, with its numeric gradient: the figure's numbers.
    assert [kind for kind, _ in shown] == ["pass"] * 5
    assert [text for _, text in shown] == [
        "✓ matches numeric -0.20", "✓ matches numeric 0.39", "✓ matches numeric -0.39",
        "✓ matches numeric -0.59", "✓ matches numeric 0.20"]
    assert "Relative error" in page.locator("#inputs .check-mark").first.get_attribute("title")
    assert page.locator(".learn-check-summary").inner_text().startswith("Gradient check of the 5 inputs: 5 match, 0 differ")
    assert url_fields(page)["g"] == "1"
    # Any node in the Selected panel: the +1 gate (exp + 1), gradient -0.53.
    page.hover("svg.circuit #node-13")
    assert page.locator("#details-body .check-detail .check-mark").inner_text() == "✓ matches numeric -0.53"
    page.uncheck("#learn-check")
    page.wait_for_function("() => !document.querySelector('#inputs .check-mark')")
    assert "g" not in url_fields(page)


def test_kinks_and_nonfinite_values_are_named(page):
    open_mode(page, "f = relu(x) + sqrt(y)", {"x": 0, "y": 0}, extra="&g=1")
    page.wait_for_selector("#inputs .check-mark")
    assert marks(page) == [("kink", "⚠ not differentiable here numeric 0.50"),
                           ("nonfinite", "⚠ inf or nan: not compared numeric nan")]
    # A vector: the checked entries pass, and the kink is named by its index.
    open_mode(page, "f = sum(relu(v))", {"v": [0, 1, -1]}, extra="&g=1")
    page.wait_for_selector("#inputs .check-mark")
    (kind, text), = marks(page)
    assert kind == "pass" and "Not differentiable at entry 0." in text


def test_a_failing_check_says_so_in_words(page):
    # The engine's gradients pass; a failing entry is drawn from data like the API's.
    open_mode(page, "f = x", {"x": 1})  # the page's own document: its catalogs are loaded
    out = page.evaluate("""async () => {
        const C = await import('/static/js/checkview.js');
        const failing = { numeric: 0.5, rel_error: 0.25, ok: false, checked: null, kinks: [], nonfinite: [] };
        const mark = C.checkMark(failing, 2);
        return [mark.dataset.check, mark.textContent, mark.title, C.classify(undefined).kind];
    }""")
    assert out[0] == "fail" and out[1] == "✗ differs numeric 0.50"
    assert "Relative error 0.25" in out[2] and out[3] == "unchecked"


def test_the_check_follows_learner_mode_and_speaks_korean(page):
    open_mode(page, CIRCUIT, CIRCUIT_VALUES, "learner", extra="&g=1", language="ko")
    page.wait_for_selector("body[data-status=ready]", state="attached")
    assert page.locator("#inputs .check-mark").count() == 0  # no gradient shown yet, no check beside it
    step_to(page, 3)  # df/dz is known
    page.wait_for_selector("#inputs .check-mark")
    assert marks(page) == [("pass", "✓ 일치 수치 3.00")]
    step_to(page, 5)
    assert [kind for kind, _ in marks(page)] == ["pass", "pass", "pass"]
    assert page.locator("label.learn-check").inner_text().strip() == "기울기 검사 (유한 차분)"
    wait_ready(page)
