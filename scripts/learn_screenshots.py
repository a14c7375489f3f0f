"""Screenshots of the learning modes for the README, at 1440x900 in Chromium.

    .venv/bin/python scripts/learn_screenshots.py [--out docs]

docs/learn-learner.png    learner mode on the circuit, mid-backward (the strip half revealed)
docs/learn-practice.png   practice on f = x * x, a fan-out mistake diagnosed
docs/learn-check.png      the gradient check on the neuron
docs/learn-descent.png    5 steps of descent on the neuron, with the chart
docs/learn-tangents.png   forward mode on the circuit, input x

Serves the app on a free local port and drives the system Chromium
(/usr/bin/chromium), like the browser tests.
"""

import argparse
import logging
import sys
from pathlib import Path
from urllib.parse import quote

from playwright.sync_api import sync_playwright

from app.liveserver import CHROMIUM, CHROMIUM_ARGS, VIEWPORT, live_server

ROOT = Path(__file__).resolve().parent.parent
CIRCUIT = "#p=" + quote("q = x + y\nf = q * z", safe="") + "&v=x:-2,y:5,z:-4"
NEURON = "#p=" + quote("f = 1 / (1 + exp(-(w0*x0 + w1*x1 + w2)))", safe="") + "&v=w0:2,x0:-1,w1:-3,x1:-2,w2:-3"
FANOUT = "#p=" + quote("f = x * x", safe="") + "&v=x:3"


def ready(page):
    page.wait_for_selector("body[data-status=ready]", state="attached")
    page.wait_for_selector("svg.circuit")


def open_view(page, base, hash_):
    page.goto(base + "/" + hash_)
    ready(page)


def side_to(page, selector):
    """Scroll the side column so that `selector` is in view (the panel of the mode)."""
    page.locator(selector).scroll_into_view_if_needed()


def shoot(page, out, name):
    page.mouse.move(5, 5)
    page.wait_for_timeout(500)  # the label fade-ins
    path = out / f"learn-{name}.png"
    page.screenshot(path=str(path))
    print(path)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)

    with live_server() as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport=VIEWPORT)
        problems = []
        page.on("console", lambda m: m.type == "error" and problems.append(m.text))
        page.on("pageerror", lambda e: problems.append(str(e)))

        open_view(page, base, CIRCUIT + "&s=3&m=learner")
        side_to(page, "#learn")
        shoot(page, args.out, "learner")

        open_view(page, base, FANOUT + "&s=2&m=practice")
        for question, answer in (("e0", "3"), ("e1", "3"), ("n0", "3")):
            page.locator(f"#explain input[data-question={question}]").fill(answer)
            page.locator(f"#explain input[data-question={question}]").press("Enter")
        page.wait_for_selector("#explain .practice-mistake[data-mistake=fanout]")
        side_to(page, "#learn")
        shoot(page, args.out, "practice")

        open_view(page, base, NEURON + "&g=1")
        page.wait_for_selector("#inputs .check-mark")
        page.hover("svg.circuit #node-13")
        page.wait_for_selector("#details-body .check-mark")
        page.locator("#details-body .check-mark").scroll_into_view_if_needed()
        page.wait_for_timeout(300)
        page.screenshot(path=str(args.out / "learn-check.png"))
        print(args.out / "learn-check.png")

        open_view(page, base, NEURON + "&m=descent")
        page.fill("#descent-lr", "0.1")
        page.fill("#descent-steps", "5")
        page.click(".descent-run")
        page.wait_for_function("() => document.querySelectorAll('.descent-chart .chart-point').length === 6")
        ready(page)
        side_to(page, ".descent-chart")
        shoot(page, args.out, "descent")

        open_view(page, base, CIRCUIT + "&m=tangents&t=x")
        page.wait_for_selector("svg.circuit .tangent-overlay .tangent")
        side_to(page, ".tangent-table")
        shoot(page, args.out, "tangents")
        browser.close()
    if problems:
        sys.exit("console errors: " + "; ".join(problems))


if __name__ == "__main__":
    main()
