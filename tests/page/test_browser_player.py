"""Step-through backpropagation, keyboard control, and links that reopen a view."""

import pytest

from tests.support.pagehelpers import (CIRCUIT, CIRCUIT_VALUES, blur, counter, has_class,
                                       is_revealed, open_view, revealed_grads, share_hash,
                                       svg_text, wait_ready)

pytestmark = pytest.mark.browser

# The circuit has 2 forward and 2 backward steps: states 0..5 (5 = done).
TOTAL = 5


def explain(page):
    return page.locator("#explain").inner_text()


def chain_rows(page):
    """The chain-rule table: per wire, (local, upstream, downstream) as (number, name) pairs."""
    return page.evaluate("""() => [...document.querySelectorAll('#explain table.chain tbody tr')].map(
        (row) => ['term-local', 'term-upstream', 'term-grad'].map((kind) => {
          const cell = row.querySelector('td.' + kind);
          return [cell.querySelector('.term-number').textContent, cell.querySelector('.term-name').textContent];
        }))""")


def test_stepping_through_the_whole_animation_and_back(page):
    open_view(page)
    assert counter(page) == f"step {TOTAL} / {TOTAL}"  # a new program opens on the whole figure
    page.click("#step-first")
    assert counter(page) == f"step 0 / {TOTAL}"
    # Start: the inputs' values, nothing computed yet.
    assert is_revealed(page, "value-edge-0") and is_revealed(page, "value-edge-3")
    assert not is_revealed(page, "value-edge-2")  # q
    assert not is_revealed(page, "value-edge-out")  # f
    assert revealed_grads(page) == []
    assert has_class(page, "svg.circuit #node-2", "is-faint")

    page.click("#step-next")  # forward: q = x + y
    assert is_revealed(page, "value-edge-2") and svg_text(page, "value-edge-2") == "3.00"
    assert not is_revealed(page, "value-edge-out")
    assert has_class(page, "svg.circuit #node-2", "is-active")
    assert "q = x + y = -2.00 + 5.00 = 3.00" in explain(page)

    page.click("#step-next")  # forward: f = q * z; the forward pass is complete
    assert is_revealed(page, "value-edge-out") and svg_text(page, "value-edge-out") == "-12.00"
    assert revealed_grads(page) == []  # no red yet
    assert "f = q * z = 3.00 * -4.00 = -12.00" in explain(page)

    page.click("#step-next")  # backward through *: the output's 1.00 appears
    assert sorted(revealed_grads(page)) == ["grad-edge-2", "grad-edge-3", "grad-edge-out"]
    assert svg_text(page, "grad-edge-out") == "1.00"
    assert has_class(page, "svg.circuit #grad-edge-out", "is-upstream")
    text = explain(page)
    assert "local gradient" in text and "upstream gradient" in text and "downstream gradient" in text
    assert "through *" in text
    # local x upstream = downstream, for q and for z, with the engine's numbers
    assert chain_rows(page) == [
        [["-4.00", "∂f/∂q"], ["1.00", "df/df"], ["-4.00", "df/dq"]],
        [["3.00", "∂f/∂z"], ["1.00", "df/df"], ["3.00", "df/dz"]],
    ]
    assert not is_revealed(page, "grad-edge-0")

    page.click("#step-next")  # backward through +
    assert is_revealed(page, "grad-edge-0") and svg_text(page, "grad-edge-0") == "-4.00"
    assert chain_rows(page)[0] == [["1.00", "dq/dx"], ["-4.00", "df/dq"], ["-4.00", "df/dx"]]
    assert has_class(page, "svg.circuit #grad-edge-2", "is-upstream")

    page.click("#step-next")  # done: the whole figure, nothing highlighted
    assert counter(page) == f"step {TOTAL} / {TOTAL}"
    assert len(revealed_grads(page)) == 5
    assert page.locator("svg.circuit .is-active").count() == 0
    assert page.locator("svg.circuit .is-faint").count() == 0
    page.click("#step-next")  # stays at the end
    assert counter(page) == f"step {TOTAL} / {TOTAL}"

    for k in range(TOTAL - 1, -1, -1):
        page.click("#step-prev")
        assert counter(page) == f"step {k} / {TOTAL}"
    assert revealed_grads(page) == []
    assert not is_revealed(page, "value-edge-out")


def test_scrubber_and_show_all(page):
    open_view(page, step=0)
    page.locator("#scrubber").fill("3")
    assert counter(page) == f"step 3 / {TOTAL}"
    assert is_revealed(page, "grad-edge-out") and not is_revealed(page, "grad-edge-0")
    page.click("#show-all")
    assert counter(page) == f"step {TOTAL} / {TOTAL}"
    assert is_revealed(page, "grad-edge-0")


def test_fan_out_step_shows_the_sum(page):
    open_view(page, "f = x * x", {"x": 3}, step=2)  # the backward step through *
    assert is_revealed(page, "total-node-0") and svg_text(page, "total-node-0") == "6.00"
    assert "3.00 + 3.00 = 6.00" in explain(page)


def test_play_runs_to_the_end_and_pause_stops(page):
    open_view(page, step=0)
    page.select_option("#speed", "4")
    page.click("#play")
    assert "Pause" in page.locator("#play").inner_text()
    page.wait_for_function(f"() => document.querySelector('#step-counter').textContent === 'step {TOTAL} / {TOTAL}'",
                           timeout=5000)
    page.wait_for_function("() => document.querySelector('#play').textContent.includes('Play')")
    page.click("#step-first")
    page.click("#play")
    page.wait_for_function("() => document.querySelector('#step-counter').textContent === 'step 1 / 5'")
    page.click("#play")  # pause
    stopped = counter(page)
    page.wait_for_timeout(800)
    assert counter(page) == stopped


def test_keyboard_controls(page):
    open_view(page)
    blur(page)
    page.keyboard.press("Home")
    assert counter(page) == f"step 0 / {TOTAL}"
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert counter(page) == f"step 2 / {TOTAL}"
    page.keyboard.press("ArrowLeft")
    assert counter(page) == f"step 1 / {TOTAL}"
    page.keyboard.press("End")
    assert counter(page) == f"step {TOTAL} / {TOTAL}"
    page.keyboard.press("Home")
    page.keyboard.press(" ")  # play
    assert has_class(page, "#play", "is-playing")
    page.keyboard.press(" ")  # pause
    assert not has_class(page, "#play", "is-playing")

    # A clicked player button does not keep the keys: space still plays.
    page.click("#step-prev")
    page.keyboard.press(" ")
    assert has_class(page, "#play", "is-playing")
    page.keyboard.press(" ")
    assert not has_class(page, "#play", "is-playing")

    # Keys typed into the editor or a value field edit text; they do not step.
    page.keyboard.press("End")
    page.locator("#program").click()
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("Space")
    assert counter(page) == f"step {TOTAL} / {TOTAL}"
    assert not has_class(page, "#play", "is-playing")
    page.locator("#input-x").click()
    page.keyboard.press("ArrowLeft")
    assert counter(page) == f"step {TOTAL} / {TOTAL}"


def test_a_shared_link_reopens_the_same_view(page, browser, base_url):
    open_view(page, step=3)
    url = page.url
    assert "s=3" in url and "v=x:-2,y:5,z:-4" in url

    other = browser.new_context(viewport={"width": 1200, "height": 800}).new_page()
    try:
        other.goto(url)
        wait_ready(other)
        assert counter(other) == f"step 3 / {TOTAL}"
        assert other.input_value("#program") == CIRCUIT
        assert [other.input_value(f"#input-{n}") for n in "xyz"] == ["-2", "5", "-4"]
        assert is_revealed(other, "grad-edge-out") and not is_revealed(other, "grad-edge-0")
    finally:
        other.context.close()


def test_the_url_follows_the_view(page):
    open_view(page)
    page.click("#step-first")
    page.click("#step-next")
    assert page.url.endswith("&s=1")
    page.fill("#input-z", "2")
    page.wait_for_function("() => location.href.includes('z:2')", timeout=5000)


def test_back_and_forward_restore_programs(page):
    open_view(page)
    page.select_option("#presets", "neuron")
    page.wait_for_function("() => document.querySelector('#input-w0')")
    wait_ready(page)
    assert "w0" in page.url
    page.go_back()
    page.wait_for_function("() => document.querySelector('#program').value.startsWith('q = x + y')")
    wait_ready(page)
    assert svg_text(page, "value-edge-out") == "-12.00"
    page.go_forward()
    page.wait_for_function("() => document.querySelector('#input-w0')")
    wait_ready(page)
    assert svg_text(page, "value-edge-out") == "0.73"


def test_typing_makes_one_history_entry_once_it_pauses(page):
    open_view(page)
    before = page.evaluate("() => history.length")
    page.locator("#program").press_sequentially(" + 1", delay=30)
    page.wait_for_timeout(1600)
    wait_ready(page)
    assert page.evaluate("() => history.length") == before + 1
    page.go_back()
    page.wait_for_function("() => document.querySelector('#program').value === 'q = x + y\\nf = q * z'")


def test_editing_the_hash_by_hand_loads_it(page):
    open_view(page)
    page.evaluate("(h) => { location.hash = h; }", share_hash("x * y", {"x": 4, "y": 5}))
    page.wait_for_function("() => document.querySelector('#input-y')")
    wait_ready(page)
    assert svg_text(page, "value-edge-out") == "20.00"
    assert page.input_value("#input-x") == "4"  # the field follows the link, not its old -2
