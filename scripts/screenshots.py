"""Screenshots of the page for the docs: the start, mid-backward and the end of the circuit;
and the page for every learner: on a phone (English and Korean), in Korean on a laptop,
in the dark with the blue/orange palette and the table of values.

    .venv/bin/python scripts/screenshots.py [--out docs] [--preset circuit] [--only phone,ko,dark]

Serves the app on a free local port and drives the system Chromium
(/usr/bin/chromium), like the browser tests.
"""

import argparse
import logging
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from app.liveserver import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, live_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.support.pagehelpers import NEURON, NEURON_VALUES, SIZES, share_hash  # noqa: E402

NEURON_MID_BACKWARD = 13
LINEAR = "z = W @ x + b\nL = sum((z - y)**2)"
LINEAR_VALUES = {"W": [[1, -2, 0.5], [0.5, 1, -1]], "x": [1, 2, -1], "b": [0.5, -0.5], "y": [1, 0]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    parser.add_argument("--preset", default="circuit", help="id of an example in static/js/presets.js")
    parser.add_argument("--only", default="circuit,phone,ko,dark",
                        help="which shots: circuit (start, mid, end), phone, ko, dark (comma-separated)")
    args = parser.parse_args()
    only = set(args.only.split(","))
    args.out.mkdir(parents=True, exist_ok=True)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)

    with live_server() as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        problems = []
        if "circuit" in only:
            circuit_shots(browser, base, args, problems)
        learner_shots(browser, base, args.out, only, problems)
        browser.close()
    if problems:
        sys.exit("console errors: " + "; ".join(problems))


def watched_page(context, problems):
    page = context.new_page()
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    return page


def settle(page):
    """Wait for the answer and the label fade-ins."""
    page.wait_for_selector("body[data-status=ready]", state="attached")
    page.wait_for_selector("svg.circuit")
    page.mouse.move(1, 1)
    page.wait_for_timeout(600)


def learner_shots(browser, base, out, only, problems):
    """The phone (English, Korean), Korean on a laptop, dark with the blue/orange palette."""
    shots = []
    if "phone" in only:
        for locale, name in [("en-US", "phone"), ("ko-KR", "phone-ko")]:
            shots.append((name, dict(viewport=SIZES["phone"], locale=locale, is_mobile=True, has_touch=True,
                                     device_scale_factor=2), NEURON, NEURON_VALUES, NEURON_MID_BACKWARD, "stage", None))
    if "ko" in only:
        shots.append(("ko", dict(viewport=VIEWPORT, locale="ko-KR"), NEURON, NEURON_VALUES, NEURON_MID_BACKWARD,
                      None, None))
    if "dark" in only:
        shots.append(("dark", dict(viewport=VIEWPORT, color_scheme="dark"), LINEAR, LINEAR_VALUES, 9, None, "cb"))
    for name, options, program, values, step, scroll_to, palette in shots:
        context = browser.new_context(**options)
        page = watched_page(context, problems)
        page.goto(base + "/" + ("?palette=" + palette if palette else "") + share_hash(program, values, step))
        settle(page)
        if palette:
            page.click("#table-toggle")
            page.wait_for_timeout(300)
        if scroll_to:  # a phone: the screen once the reader has scrolled down to the graph
            page.evaluate("(s) => document.querySelector('.' + s).scrollIntoView()", scroll_to)
            page.wait_for_timeout(300)
        path = out / f"screenshot-{name}.png"
        page.screenshot(path=str(path))
        print(f"{path}: step {step}")
        context.close()


def circuit_shots(browser, base, args, problems):
    """The start, mid-backward and the end of an example, on a laptop."""
    page = watched_page(browser.new_context(viewport=VIEWPORT), problems)
    page.goto(base + "/")
    page.wait_for_selector("body[data-status=ready]", state="attached")
    page.select_option("#presets", args.preset)
    page.wait_for_selector("body[data-status=ready]", state="attached")
    page.wait_for_selector("svg.circuit")
    total = int(page.get_attribute("#scrubber", "max"))
    forward = page.evaluate(
        "() => document.querySelectorAll('svg.circuit .gate').length")  # one forward step per gate
    backward_middle = forward + max(1, (total - 1 - forward + 1) // 2)
    shots = {"start": 0, "mid": backward_middle, "end": total}
    for name, step in shots.items():
        page.locator("#scrubber").fill(str(step))
        page.mouse.move(5, 5)
        page.wait_for_timeout(500)  # let the label fade-ins finish
        path = args.out / f"screenshot-{name}.png"
        page.screenshot(path=str(path))
        print(f"{path}: step {step} / {total}")
    page.context.close()


if __name__ == "__main__":
    main()
