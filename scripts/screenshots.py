"""Screenshots of the page for the docs: the start, mid-backward and the end of the circuit.

    .venv/bin/python scripts/screenshots.py [--out docs] [--preset circuit]

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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    parser.add_argument("--preset", default="circuit", help="id of an example in static/js/presets.js")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)

    with live_server() as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport=VIEWPORT)
        problems = []
        page.on("console", lambda m: m.type == "error" and problems.append(m.text))
        page.on("pageerror", lambda e: problems.append(str(e)))
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
        browser.close()
    if problems:
        sys.exit("console errors: " + "; ".join(problems))


if __name__ == "__main__":
    main()
