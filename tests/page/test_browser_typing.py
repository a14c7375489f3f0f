"""Typing sends at once, keeps one request in flight, sends only the newest
text when the answer comes, and never sends more requests than keystrokes."""

import pytest

from tests.support.pagehelpers import open_view, svg_text, wait_ready, wait_status

pytestmark = pytest.mark.browser

# Counts the page's requests and their handled answers, and can hold requests back until released.
GATE = """(() => {
  const realFetch = window.fetch.bind(window);
  const gate = window.__gate = { sent: [], answered: 0, held: false, waiting: [],
    hold() { this.held = true; },
    release() { this.held = false; for (const open of this.waiting.splice(0)) open(); } };
  window.fetch = async (url, options = {}) => {
    if (String(url).includes('/api/graph')) {
      gate.sent.push(JSON.parse(options.body).expression);
      if (gate.held) await new Promise((open) => gate.waiting.push(open));
      const response = await realFetch(url, options);
      // Counted once the page has read the answer and handled it (a later task).
      const json = response.json.bind(response);
      response.json = async () => {
        try { return await json(); } finally { setTimeout(() => { gate.answered += 1; }, 0); }
      };
      return response;
    }
    return realFetch(url, options);
  };
})();"""


def sent(page):
    return page.evaluate("() => window.__gate.sent")


def test_a_keystroke_sends_its_request_at_once(page):
    page.add_init_script(GATE)
    open_view(page, "x * 2", {"x": 3})
    before = len(sent(page))
    page.locator("#program").press("End")
    page.keyboard.press("1")  # x * 21
    # The request left in the keystroke's own handler: no typing delay to wait out.
    assert sent(page)[before:] == ["x * 21"]
    wait_ready(page)
    assert svg_text(page, "value-edge-out") == "63.00"


def test_while_a_request_is_out_only_the_newest_text_waits(page):
    page.add_init_script(GATE)
    open_view(page, "x * 2", {"x": 3})
    before = len(sent(page))
    page.evaluate("() => window.__gate.hold()")
    editor = page.locator("#program")
    editor.press("End")
    editor.press_sequentially(" + y0 + z")  # 9 keystrokes while the first answer is held
    assert sent(page)[before:] == ["x * 2 "]
    page.evaluate("() => window.__gate.release()")
    page.wait_for_selector("#input-z")
    wait_ready(page)
    # The held answer was stale: dropped; then the newest text went out, and only it.
    assert sent(page)[before:] == ["x * 2 ", "x * 2 + y0 + z"]
    assert page.locator("#input-y0").count() == 1
    assert svg_text(page, "value-edge-out") == "8.00"  # 3*2 + 1 + 1


def test_requests_never_outnumber_keystrokes(page):
    page.add_init_script(GATE)
    open_view(page, "a", {"a": 1})
    before = len(sent(page))
    text = " + b * c - d"
    page.locator("#program").press("End")
    page.locator("#program").press_sequentially(text)
    page.wait_for_selector("#input-d")
    wait_ready(page)
    assert page.input_value("#program") == "a" + text
    requests = sent(page)[before:]
    assert 1 <= len(requests) <= len(text)
    assert requests[-1] == "a" + text


def test_a_blank_program_clears_at_once_and_drops_the_answer_on_its_way(page):
    page.add_init_script(GATE)
    open_view(page, "x * 2", {"x": 3})
    page.evaluate("() => window.__gate.hold()")
    editor = page.locator("#program")
    editor.press("End")
    editor.press("Backspace")  # "x * " goes out and is held
    editor.select_text()
    editor.press("Delete")  # blank: nothing to ask, the page empties now
    wait_status(page, "empty")
    assert page.locator("svg.circuit").count() == 0
    assert page.locator("#inputs input").count() == 0
    assert page.locator("#download-svg").is_disabled()
    page.evaluate("() => window.__gate.release()")
    page.wait_for_function("() => window.__gate.answered === window.__gate.sent.length")
    assert page.evaluate("() => document.body.dataset.status") == "empty"  # the late error is dropped
    assert page.locator("#message").inner_text().strip() == ""


def test_a_busy_server_is_asked_again_and_the_graph_comes(page):
    # The front answers a large program 429 "busy" with Retry-After while others are drawn:
    # the page keeps its busy sign, asks again when told, and draws the answer.
    open_view(page, "x * 2", {"x": 3})
    calls = []

    def busy_twice(route):
        calls.append(route.request.post_data_json["expression"])
        if len(calls) <= 2:
            route.fulfill(status=429, content_type="application/json", headers={"Retry-After": "0"},
                          body='{"error": {"message": "The server is busy with other large programs; '
                               'try again in a moment.", "start": null, "end": null}}')
        else:
            route.continue_()
    page.route("**/api/graph", busy_twice)
    page.locator("#program").press("End")
    page.keyboard.press("1")  # x * 21
    page.wait_for_function("() => document.querySelector('#value-edge-out text')?.textContent === '63.00'")
    wait_ready(page)
    assert calls == ["x * 21"] * 3
    assert page.locator("#message .error-text").count() == 0
