"""Accessibility of the learning modes: axe-core finds nothing with each mode's
panel and marks on screen (practice's questions and a diagnosed mistake, the
check's marks, descent's chart, forward mode's boxes and table), in English and
Korean, light and dark, at desktop and phone sizes."""

import pytest

from tests.page.test_browser_a11y import AXE, axe_violations
from tests.support.learnhelpers import FANOUT, NEURON, NEURON_VALUES, open_mode
from tests.support.pagehelpers import CIRCUIT, CIRCUIT_VALUES

pytestmark = pytest.mark.browser

CASES = [("desktop", "en-US", "light"), ("desktop", "ko-KR", "dark"), ("phone", "en-US", "dark"),
         ("phone", "ko-KR", "light")]


@pytest.mark.parametrize("size, locale, scheme", CASES)
def test_practice_with_a_mistake_and_the_check(make_page, size, locale, scheme):
    assert AXE.is_file(), "run `make test` (it installs axe-core with npm ci into tests/page/axe)"
    page = make_page(size, locale, scheme, bypass_csp=True)
    open_mode(page, FANOUT, {"x": 3}, "practice", extra="&g=1", step=2)
    field = page.locator("#explain input[data-question=e0]")
    field.fill("-3")
    field.press("Enter")
    page.wait_for_selector("#explain .practice-mistake")
    assert axe_violations(page) == []


@pytest.mark.parametrize("size, locale, scheme", CASES)
def test_descent_with_its_chart(make_page, size, locale, scheme):
    page = make_page(size, locale, scheme, bypass_csp=True)
    open_mode(page, NEURON, NEURON_VALUES, "descent")
    page.fill("#descent-steps", "3")
    page.click(".descent-run")
    page.wait_for_function("() => document.querySelectorAll('.descent-chart .chart-point').length === 4")
    assert axe_violations(page) == []


@pytest.mark.parametrize("size, locale, scheme", CASES)
def test_forward_mode_and_learner_mode(make_page, size, locale, scheme):
    page = make_page(size, locale, scheme, bypass_csp=True)
    open_mode(page, CIRCUIT, CIRCUIT_VALUES, "tangents", extra="&t=x")
    page.wait_for_selector(".tangent-table")
    page.wait_for_selector("svg.circuit .tangent-overlay .tangent")
    assert axe_violations(page) == []
    page = make_page(size, locale, scheme, bypass_csp=True)
    open_mode(page, CIRCUIT, CIRCUIT_VALUES, "learner", step=3)
    page.wait_for_selector("#result-strip .learn-pending")
    assert axe_violations(page) == []
    page.click(".options summary")
    page.select_option("#palette", "cb")
    assert axe_violations(page) == []
