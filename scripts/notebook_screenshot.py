"""A screenshot of two results as a notebook shows them (their _repr_html_), for the README.

    .venv/bin/python scripts/notebook_screenshot.py [--out docs/notebook.png]

Writes a page that looks like two cells of a notebook, each output being what
``Result._repr_html_`` returns, opens it from file:// in the system Chromium, steps
the first player into the backward pass, and takes the screenshot.  Needs micrograd
(the test extra installs it).
"""

import argparse
import html
import sys
import tempfile
from pathlib import Path

from micrograd.engine import Value
from playwright.sync_api import sync_playwright

import engine
from app.liveserver import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parent.parent

CELL_1 = """from micrograd.engine import Value
x, y, z = Value(-2.0), Value(5.0), Value(-4.0)
engine.from_micrograd((x + y) * z)"""
CELL_2 = """engine.evaluate("f = 1 / (1 + exp(-(w0*x0 + w1*x1 + w2)))",
                dict(w0=2, x0=-1, w1=-3, x1=-2, w2=-3))"""

PAGE = """<!doctype html><meta charset="utf-8"><title>notebook</title>
<style>
body {{ font: 14px/1.4 "DejaVu Sans", sans-serif; margin: 16px 24px; width: 900px; }}
.cell {{ display: grid; grid-template-columns: 70px 1fr; margin-bottom: 10px; }}
.prompt {{ font: 13px "DejaVu Sans Mono", monospace; color: #303f9f; text-align: right;
           padding: 6px 8px 0 0; }}
.prompt.out {{ color: #d84315; }}
pre {{ margin: 0; padding: 6px 8px; background: #f5f5f5; border: 1px solid #e0e0e0;
       border-radius: 2px; font: 13px/1.4 "DejaVu Sans Mono", monospace; }}
</style>
{cells}"""


def cell(number, code, output):
    return (f'<div class="cell"><div class="prompt">In [{number}]:</div>'
            f"<pre>{html.escape(code)}</pre></div>"
            f'<div class="cell"><div class="prompt out">Out[{number}]:</div>'
            f"<div>{output}</div></div>")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "notebook.png")
    args = parser.parse_args()
    x, y, z = Value(-2.0), Value(5.0), Value(-4.0)
    first = engine.from_micrograd((x + y) * z)
    second = engine.evaluate("f = 1 / (1 + exp(-(w0*x0 + w1*x1 + w2)))",
                             dict(w0=2, x0=-1, w1=-3, x1=-2, w2=-3))
    page_text = PAGE.format(cells=cell(1, CELL_1, first._repr_html_())
                            + cell(2, CELL_2, second._repr_html_()))
    problems = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        path = Path(tmp) / "notebook.html"
        path.write_text(page_text)
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 960, "height": 800})
        page.on("console", lambda m: m.type == "error" and problems.append(m.text))
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.goto(path.as_uri())
        player = page.frame_locator("iframe.backprop-viz").first
        player.locator("#step-first").click()
        for _ in range(3):  # the forward pass, then backward through *
            player.locator("#step-next").click()
        page.wait_for_timeout(500)  # let the label fade-ins finish
        page.screenshot(path=str(args.out), full_page=True)
        browser.close()
    print(args.out)
    if problems:
        sys.exit("console errors: " + "; ".join(problems))


if __name__ == "__main__":
    main()
