"""Small helpers for driving the page in the browser tests."""

import json
import time
from urllib.parse import quote

CIRCUIT = "q = x + y\nf = q * z"
CIRCUIT_VALUES = {"x": -2, "y": 5, "z": -4}
NEURON = "f = 1 / (1 + exp(-(w0*x0 + w1*x1 + w2)))"
NEURON_VALUES = {"w0": 2, "x0": -1, "w1": -3, "x1": -2, "w2": -3}

# The screens the page is tested on: a laptop, a tablet held upright, a phone.
SIZES = {
    "desktop": {"width": 1440, "height": 900},
    "tablet": {"width": 768, "height": 1024},
    "phone": {"width": 390, "height": 844},
}


def share_hash(program, values=None, step=None, **fields):
    """The URL hash the page writes: #p=<program>&v=x:-2,y:5&s=7 (and any other fields: l="ko", d=4)."""
    parts = [f"p={quote(program, safe='')}"]
    if values:
        parts.append("v=" + ",".join(f"{name}:{quote(json.dumps(value), safe='')}" for name, value in values.items()))
    if step is not None:
        parts.append(f"s={step}")
    parts.extend(f"{key}={value}" for key, value in fields.items())
    return "#" + "&".join(parts)


def run_module(page, module, body, arg=None):
    """Import static/js/<module> in the page and run `body` (a function of (m, arg)).

    `arg` crosses as Playwright serialises it: an object key `__proto__` is lost on
    the way, so pass such data as JSON text (or [name, value] pairs).
    """
    page.goto("/static/favicon.svg")  # same origin, nothing else running
    return page.evaluate(
        f"async (arg) => {{ const m = await import('/static/js/{module}'); return ({body})(m, arg); }}",
        arg)


def wait_ready(page):
    page.wait_for_selector("body[data-status=ready]", state="attached")


def wait_status(page, status):
    page.wait_for_selector(f"body[data-status={status}]", state="attached")


def open_view(page, program=CIRCUIT, values=None, step=None):
    """Open the page on a program (and values, step) given in the URL hash."""
    page.goto("/" + share_hash(program, CIRCUIT_VALUES if values is None else values, step))
    wait_ready(page)
    page.wait_for_selector("svg.circuit")


def no_horizontal_scroll(page):
    """Whether the page fits its window's width (nothing to scroll sideways)."""
    return page.evaluate("() => document.scrollingElement.scrollWidth <= window.innerWidth")


def gate_in_view(page):
    """The screen point (x, y) of a gate of the drawing that is inside the graph's box
    (clear of the zoom buttons), to click or tap; None when none is."""
    return page.evaluate("""() => {
        const frame = document.getElementById('graph').getBoundingClientRect();
        const zoom = document.querySelector('.zoom-controls').getBoundingClientRect();
        for (const gate of document.querySelectorAll('svg.circuit .gate')) {
          const r = gate.getBoundingClientRect();
          const x = r.x + r.width / 2, y = r.y + r.height / 2;
          const onZoom = x > zoom.left - 10 && y > zoom.top - 10;
          const onScreen = y > 0 && y < window.innerHeight && x > 0 && x < window.innerWidth;
          if (x > frame.left + 5 && x < frame.right - 5 && y > frame.top + 5 && y < frame.bottom - 5 && !onZoom && onScreen) {
            return [x, y];
          }
        }
        return null;
    }""")


def svg_text(page, svg_id):
    return page.locator(f'svg.circuit [id="{svg_id}"]').text_content().strip()


def is_revealed(page, svg_id):
    """Whether a label is drawn (the player hides labels with visibility: hidden)."""
    return page.locator(f'svg.circuit [id="{svg_id}"]').evaluate(
        "el => getComputedStyle(el).visibility !== 'hidden'")


def has_class(page, selector, name):
    return page.locator(selector).evaluate("(el, name) => el.classList.contains(name)", name)


def counter(page):
    return page.locator("#step-counter").inner_text().strip()


def revealed_grads(page):
    """Ids of the red gradient labels that are currently visible."""
    return page.evaluate("""() => [...document.querySelectorAll('svg.circuit .grad')]
        .filter(el => getComputedStyle(el).visibility !== 'hidden').map(el => el.id)""")


def blur(page):
    page.evaluate("() => document.activeElement && document.activeElement.blur()")


def track_requests(page):
    """The set of the page's requests still waiting for their answer (kept up to date)."""
    pending = set()
    page.on("request", lambda request: pending.add(request))
    page.on("requestfinished", lambda request: pending.discard(request))
    page.on("requestfailed", lambda request: pending.discard(request))
    return pending


def settle(page, pending, timeout=5.0):
    """Wait until no request of the page is waiting for its answer.

    A context closed while the live server still writes a file (the favicon the
    page asks for on load) leaves that file open in the server's thread: a
    ResourceWarning that pytest raises in whichever test runs next.
    """
    deadline = time.monotonic() + timeout
    while pending and time.monotonic() < deadline:
        page.wait_for_timeout(20)
