"""The exports: the standalone HTML player (engine.standalone), the animated SVG
(engine.animate), the notebook's HTML, and the command line that writes them.
They play in Chromium in tests/page/test_browser_standalone.py."""

from __future__ import annotations

import html
import json
import re
import shutil
import xml.etree.ElementTree as ET

import pytest

import engine
from engine import standalone
from engine.animate import reveal_steps
from engine.cli import main

pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` not installed")

CIRCUIT = "q = x + y; f = q * z"
VALUES = {"x": -2, "y": 5, "z": -4}
SVG_NS = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def circuit():
    return engine.evaluate(CIRCUIT, VALUES)


def embedded_data(page: str) -> dict:
    match = re.search(r'<script type="application/json" id="backprop-data">(.*?)</script>', page,
                      re.S)
    return json.loads(match.group(1))


def test_the_standalone_page_carries_everything_and_refers_to_nothing(circuit):
    page = circuit.to_html()
    # The figure inline, with the renderer's ids; the answer as JSON; the code inline.
    assert page.count("<svg width=") == 1 and 'id="grad-edge-out"' in page
    data = embedded_data(page)
    assert data["result"] == json.loads(json.dumps(circuit.to_dict(summary_above=1000)))
    assert data["precision"] == 2 and data["step"] is None
    # Nothing outside the file: no src/href to anything, no CSS import or url(), no module.
    assert not re.search(r"""\b(?:src|href)\s*=\s*["'](?!#)""", page)
    assert "@import" not in page and not re.search(r"url\(\s*['\"]?(?!#|data:)", page)
    assert 'type="module"' not in page
    assert re.findall(r"<script[^>]*>", page) == ['<script type="application/json" '
                                                 'id="backprop-data">', "<script>"]
    # The page's own modules are in it, each once.
    for module in ("js/timeline.js", "js/player.js", "js/view.js", "standalone/standalone.js"):
        assert page.count(f'modules["{module}"] = ') == 1


def test_text_of_the_program_cannot_break_out_of_the_page():
    hostile = "</script><script>alert(1)</script> <!-- & </style>"
    result = engine.evaluate(f"x = 1 # {hostile}\nf = x * 2")
    result.graph.warnings.append(hostile)  # text that travels in the JSON
    page = result.to_html()
    assert page.count("</script>") == 2  # the data's and the player's own
    assert page.count("<script") == 2 and page.count("</style>") == 1
    assert html.escape(result.graph.text) in page  # the program, as text
    assert embedded_data(page)["result"]["warnings"] == [hostile]


def test_step_and_precision_go_into_the_page(circuit):
    page = circuit.to_html(precision=3, step=0)
    data = embedded_data(page)
    assert data["precision"] == 3 and data["step"] == 0
    assert ">-12.000<" in page  # the figure at 3 decimals


def test_the_bundler_refuses_what_it_does_not_understand():
    body, deps = standalone._module("js/a.js", 'import { b, c as d } from "./b.js";\n'
                                    'import * as E from "../x/e.js";\n'
                                    "export function f() { return b + d; }\n"
                                    "export const g = 1;\nexport class H {}\n")
    assert deps == ["js/b.js", "x/e.js"]
    assert 'const { b, c: d } = modules["js/b.js"];' in body
    assert 'const E = modules["x/e.js"];' in body
    assert body.endswith("return { f, g, H };")
    for bad in ("export default 1;", "export { f };", 'import f from "./f.js";'):
        with pytest.raises(ValueError, match="cannot inline"):
            standalone._module("js/a.js", bad)


def test_the_notebook_html_is_the_page_in_a_sandboxed_iframe(circuit):
    cell = circuit._repr_html_()
    match = re.fullmatch(r'<iframe class="backprop-viz" sandbox="allow-scripts" srcdoc="([^"]*)" '
                         r'style="width: 100%; height: (\d+)px; border: 0;" title="[^"]+"></iframe>',
                         cell)
    assert match, cell[:200]
    assert html.unescape(match.group(1)) == circuit.to_html()
    # 148pt of figure is about 197 px, and the player's 330 under it.
    assert int(match.group(2)) == round(96 / 72 * 148) + standalone.PLAYER_PX
    assert circuit._repr_svg_().startswith("<svg")  # static renderers still get the figure


def test_reveal_steps_follow_the_players_states(circuit):
    shown, gates = reveal_steps(circuit.to_dict())
    # 0: the inputs' values; 1, 2: q and f forward; 3: through *; 4: through +.
    assert shown == {"value-edge-0": 0, "value-edge-1": 0, "value-edge-3": 0,
                     "value-edge-2": 1, "value-edge-out": 2,
                     "grad-edge-out": 3, "grad-edge-2": 3, "grad-edge-3": 3,
                     "grad-edge-0": 4, "grad-edge-1": 4,
                     # the total under a value's name (drawn only for a value used twice)
                     "total-node-2": 3, "total-node-3": 3, "total-node-0": 4, "total-node-1": 4}
    assert gates == {1: 2, 2: 4, 3: 4, 4: 2}


def test_the_animated_svg_is_svg_with_an_animation_per_gradient(circuit):
    svg = circuit.to_animated_svg()
    root = ET.fromstring(svg)  # well-formed XML, an <svg>
    assert root.tag == SVG_NS + "svg"
    style = root.find(SVG_NS + "style").text
    # The backward pass only: each red label appears at its step; values are there from the start.
    for label, step in (("grad-edge-out", 3), ("grad-edge-2", 3), ("grad-edge-0", 4)):
        assert f'[id="{label}"] {{ animation: bpv-show-{step} 6s infinite; }}' in style
    assert "value-edge" not in style
    # A 6 s loop: one still step, the two backward steps, three still at the end;
    # step 3 shows from 1 s, step 4 from 2 s.
    assert "@keyframes bpv-show-3 { 0%, 16.667% { opacity: 0; } 16.668%, 100% { opacity: 1; } }" \
        in style
    assert "@keyframes bpv-show-4 { 0%, 33.333% { opacity: 0; }" in style
    assert '[id="node-4"] > ellipse { animation: bpv-lit-3 6s infinite; }' in style
    assert "prefers-reduced-motion" in style
    both = circuit.to_animated_svg(forward=True)
    assert '[id="value-edge-2"] { animation: bpv-show-1 8s infinite; }' in both


def test_the_cli_writes_the_player_and_the_animation(tmp_path, capsys):
    html_file, svg_file = tmp_path / "walk.html", tmp_path / "anim.svg"
    rc = main([CIRCUIT, "x=-2", "y=5", "z=-4", "--html", str(html_file),
               "--animated-svg", str(svg_file)], draw=True)
    out, err = capsys.readouterr()
    assert rc == 0 and out == "" and err == ""  # files asked for: nothing on standard output
    expected = engine.evaluate(CIRCUIT, VALUES)
    assert html_file.read_text() == expected.to_html()
    assert svg_file.read_text() == expected.to_animated_svg()
    # --out by extension (.html, .htm) and --format name the same exports.
    for name in ("a.html", "b.htm"):
        assert main([CIRCUIT, "x=-2", "y=5", "z=-4", "--out", str(tmp_path / name)]) == 0
        assert (tmp_path / name).read_text() == expected.to_html()
    capsys.readouterr()
    assert main([CIRCUIT, "x=-2", "y=5", "z=-4", "--format", "animated-svg"]) == 0
    assert capsys.readouterr().out == expected.to_animated_svg()


def test_a_result_that_cannot_be_drawn_shows_its_plain_repr_in_a_notebook(circuit, monkeypatch):
    from engine import render

    def refuse(*args, **kwargs):
        raise render.RenderError("the graph has 15001 nodes, more than 2000")
    monkeypatch.setattr(render, "to_svg", refuse)
    assert circuit._repr_html_() is None and circuit._repr_svg_() is None
    assert repr(circuit) == "<Result output=-12.00 nodes=5>"
    with pytest.raises(render.RenderError, match="15001 nodes"):
        circuit.to_html()
