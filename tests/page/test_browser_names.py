"""Input names that a plain JavaScript object would take for its own machinery
(`__proto__`, `constructor`, ...) get their values like any other name."""

import pytest

from tests.support.pagehelpers import open_view, svg_text, wait_ready

pytestmark = pytest.mark.browser

NAMES = ["__proto__", "constructor", "toString", "hasOwnProperty"]


def field(name):
    return f'[id="input-{name}"]'


def wait_output(page, text):
    page.wait_for_function(
        "(want) => document.querySelector('svg.circuit [id=value-edge-out]')?.textContent.trim() === want",
        arg=text)
    wait_ready(page)


@pytest.mark.parametrize("name", NAMES)
def test_a_link_and_a_typed_value_reach_the_input(page, name):
    open_view(page, f"f = {name} * 2", {name: 3})  # #p=...&v=<name>:3
    assert page.input_value(field(name)) == "3"
    assert svg_text(page, "value-edge-out") == "6.00"
    assert f"df/d{name} = 2.00" in page.locator("#result-strip").text_content()

    page.fill(field(name), "5")
    wait_output(page, "10.00")
    page.wait_for_function("(name) => location.hash.includes(`v=${name}:5`)", arg=name, timeout=5000)

    # The new link reopens the typed value.
    other = page.context.new_page()
    other.goto(page.url)
    wait_ready(other)
    assert other.input_value(field(name)) == "5"
    assert svg_text(other, "value-edge-out") == "10.00"
    other.close()


def test_all_of_them_at_once_next_to_an_ordinary_name(page):
    program = "f = __proto__ * constructor + toString - hasOwnProperty * x"
    open_view(page, program, {"__proto__": 2, "constructor": 3, "toString": 4, "hasOwnProperty": 5, "x": 6})
    assert [page.input_value(field(n)) for n in NAMES + ["x"]] == ["2", "3", "4", "5", "6"]
    assert svg_text(page, "value-edge-out") == "-20.00"  # 2*3 + 4 - 5*6
    page.fill(field("toString"), "10")
    wait_output(page, "-14.00")
    page.fill(field("__proto__"), "-1")
    wait_output(page, "-23.00")
    page.wait_for_function(
        "() => location.hash.includes('v=__proto__:-1,constructor:3,toString:10,hasOwnProperty:5,x:6')",
        timeout=5000)
