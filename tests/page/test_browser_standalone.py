"""The exports in Chromium: the standalone HTML player and a notebook's output cell,
opened from file:// (no server, no network), and the animated SVG's frames."""

import json

import pytest

import engine
from engine.animate import reveal_steps
from tests.support.pagehelpers import CIRCUIT, CIRCUIT_VALUES, run_module

pytestmark = pytest.mark.browser

NEURON = "f = 1 / (1 + exp(-(w0*x0 + w1*x1 + w2)))"
NEURON_VALUES = {"w0": 2, "x0": -1, "w1": -3, "x1": -2, "w2": -3}
PROGRAMS = {"circuit": (CIRCUIT, CIRCUIT_VALUES), "neuron": (NEURON, NEURON_VALUES)}


@pytest.fixture(params=sorted(PROGRAMS))
def program(request):
    text, values = PROGRAMS[request.param]
    return engine.evaluate(text, values)


def open_file(page, path):
    """Open ``path`` from file:// and answer the list of every URL the page then requests."""
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.clock.install()  # the player's timer runs on the test's clock, not on the machine's
    page.goto(path.as_uri())
    return requests


def visible_grads(frame):
    """Ids of the red gradient labels shown, in a page or a frame."""
    return frame.locator("svg.circuit .grad").evaluate_all(
        "(els) => els.filter(el => getComputedStyle(el).visibility !== 'hidden')"
        ".map(el => el.id).sort()")


def counter(frame):
    return frame.locator("#step-counter").inner_text().strip()


def test_the_standalone_file_plays_to_the_end_with_no_network(page, tmp_path, program):
    path = tmp_path / "walkthrough.html"
    path.write_text(program.to_html())
    requests = open_file(page, path)
    total = len(program.steps) + 1
    assert counter(page) == f"step {total} / {total}"  # opens on the whole figure, as the page does
    grads = visible_grads(page)
    assert "grad-edge-out" in grads
    assert page.locator('[id="grad-edge-out"]').text_content().strip() == "1.00"

    page.click("#step-first")
    assert counter(page) == f"step 0 / {total}" and visible_grads(page) == []
    page.click("#play")
    assert page.locator(".play-label").inner_text() == "Pause"
    page.clock.run_for(total * 1200 + 100)  # one step per 1.2 s at 1x
    assert counter(page) == f"step {total} / {total}"
    assert page.locator(".play-label").inner_text() == "Play"  # stopped at the end
    assert visible_grads(page) == grads
    assert page.get_attribute("body", "data-step") == str(total)

    # Back one step with the keyboard: the last backward step and its chain rule.
    page.keyboard.press("ArrowLeft")
    assert counter(page) == f"step {total - 1} / {total}"
    text = page.locator("#explain").inner_text()
    assert "Backward pass" in text and "downstream gradient" in text
    assert requests == [path.as_uri()]


def test_the_explanation_of_a_step_is_the_pages(page, tmp_path):
    result = engine.evaluate(CIRCUIT, CIRCUIT_VALUES)
    path = tmp_path / "circuit.html"
    path.write_text(result.to_html(step=1))  # open on the first forward step
    open_file(page, path)
    assert counter(page) == "step 1 / 5"
    assert "q = x + y = -2.00 + 5.00 = 3.00" in page.locator("#explain").inner_text()
    page.click("#step-next")
    page.click("#step-next")  # backward through *
    assert visible_grads(page) == ["grad-edge-2", "grad-edge-3", "grad-edge-out"]
    assert "through *" in page.locator("#explain").inner_text()


def test_two_players_in_one_notebook_step_independently(page, tmp_path):
    # The same output twice, as a notebook shows a result displayed in two cells: the
    # same ids, the same code, and still two players that know nothing of each other.
    cell = engine.evaluate(CIRCUIT, CIRCUIT_VALUES)._repr_html_()
    path = tmp_path / "notebook.html"
    path.write_text("<!doctype html><meta charset='utf-8'><title>notebook</title>"
                    f"<div class='output'>{cell}</div><div class='output'>{cell}</div>")
    requests = open_file(page, path)
    first, second = (page.frame_locator("iframe.backprop-viz").nth(i) for i in range(2))
    assert counter(first) == "step 5 / 5" and counter(second) == "step 5 / 5"

    first.locator("#step-first").click()
    assert counter(first) == "step 0 / 5" and counter(second) == "step 5 / 5"
    second.locator("#step-prev").click()
    second.locator("#step-prev").click()
    assert counter(second) == "step 3 / 5" and counter(first) == "step 0 / 5"
    assert visible_grads(first) == []
    assert visible_grads(second) == ["grad-edge-2", "grad-edge-3", "grad-edge-out"]
    # Keys go to the player that has the focus (a click on its figure), and only to it.
    second.locator("#figure").click()
    page.keyboard.press("ArrowLeft")
    assert counter(second) == "step 2 / 5" and counter(first) == "step 0 / 5"
    first.locator("#play").click()
    page.clock.run_for(5 * 1200 + 100)
    assert counter(first) == "step 5 / 5" and counter(second) == "step 2 / 5"
    assert visible_grads(first) == ["grad-edge-0", "grad-edge-1", "grad-edge-2", "grad-edge-3",
                                    "grad-edge-out"]
    assert requests == [path.as_uri()]


def test_the_animated_svg_shows_the_gradients_appearing(page, tmp_path, program):
    path = tmp_path / "backward.svg"
    path.write_text(program.to_animated_svg())
    requests = open_file(page, path)
    shown, _ = reveal_steps(program.to_dict())
    present = set(page.evaluate("() => [...document.querySelectorAll('[id]')].map(e => e.id)"))
    forward = sum(step["phase"] == "forward" for step in program.steps)
    backward = sorted({k for label, k in shown.items() if k > forward and label in present})
    # Frame i of the loop (1 s each, after one still second) is backward state backward[i].
    seen = []
    for i, state in enumerate([forward] + backward):
        grads = page.evaluate("""(ms) => {
            for (const a of document.getAnimations()) { a.pause(); a.currentTime = ms; }
            return [...document.querySelectorAll('.grad, .total')]
              .filter(el => getComputedStyle(el).opacity === '1').map(el => el.id).sort(); }""",
                              i * 1000 + 500)
        assert grads == sorted(label for label, k in shown.items()
                               if label in present and forward < k <= state
                               and label.startswith(("grad-", "total-")))
        seen.append(len(grads))
    assert seen[0] == 0 and seen == sorted(seen) and seen[-1] > 0  # from none, growing, to all
    assert requests == [path.as_uri()]


def test_reveal_steps_agree_with_the_pages_timeline(page, program):
    d = program.to_dict()
    shown, _ = reveal_steps(d)
    views = run_module(page, "timeline.js", """(m, result) => {
        const model = m.buildModel(result);
        return Array.from({length: model.total}, (_, k) => [...m.visibleAt(model, k).shown]);
    }""", json.loads(json.dumps(d)))
    for k, labels in enumerate(views):
        assert sorted(labels) == sorted(label for label, at in shown.items() if at <= k)


def test_the_pages_html_button_downloads_the_player(page, tmp_path):
    from tests.support.pagehelpers import open_view

    open_view(page)  # the circuit
    with page.expect_download() as info:
        page.click("#download-html")
    download = info.value
    assert download.suggested_filename == "backprop-graph.html"
    path = tmp_path / "downloaded.html"
    download.save_as(path)
    assert path.read_text() == engine.evaluate(CIRCUIT, CIRCUIT_VALUES).to_html()

    player = page.context.new_page()
    requests = open_file(player, path)
    assert counter(player) == "step 5 / 5"
    player.click("#step-first")
    player.click("#step-next")
    assert "q = x + y = -2.00 + 5.00 = 3.00" in player.locator("#explain").inner_text()
    assert requests == [path.as_uri()]
