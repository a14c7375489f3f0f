"""Any program text that reaches a picture is drawn as text: nothing in it can break `dot`."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET

import pytest

import engine
from engine import render

NEEDS_DOT = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` not installed")
SVG = "{http://www.w3.org/2000/svg}"


def gate_texts(svg):
    """The text inside every gate of a picture."""
    root = ET.fromstring(svg)
    return ["".join(t.text or "" for t in g.iter(f"{SVG}text"))
            for g in root.iter(f"{SVG}g") if "gate" in g.get("class", "").split()]


@NEEDS_DOT
@pytest.mark.parametrize("odd", ["\uffff", "\ufffe", "\ufdd0", "\U0001fffe", "\U0010ffff",
                                 "\x01", "\x7f", "\x85", "\ud800", "\udfff"])
@pytest.mark.parametrize("layout", ["figure", "compact"])
def test_programs_with_odd_code_points_in_a_comment_are_drawn(odd, layout):
    for program, values in ((f"x = [1, 2 # {odd}\n]; f = sum(x)", {}),
                            (f"f = x * [1 # {odd}\n]", {"x": 2.0})):
        d = engine.evaluate(program, values).to_dict()
        svg = render.to_svg(d, layout=layout)
        assert odd not in svg
    # the folded list literal is written on its gate, the odd code point shown as U+FFFD
    assert gate_texts(svg) == ["*[1 # \ufffd ]"]


def test_text_dot_cannot_read_never_reaches_the_dot_source():
    odd = "".join(map(chr, [0, 1, 0x1f, 0x7f, 0x9f, 0xd800, 0xdfff, 0xfdd0, 0xfdef, 0xfffe, 0xffff,
                            0x1fffe, 0x10ffff]))
    d = engine.evaluate(f"f = x * [1 # {odd}\n]", {"x": 2.0}).to_dict()
    dot = render.to_dot(d)
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
                         "\U0001fffe\U0010ffff]", dot)
    dot.encode("utf-8")   # no lone surrogate left: the source is UTF-8 as dot reads it
