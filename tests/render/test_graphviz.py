"""The picture through the graphviz package: Result.to_graphviz and the CLI's --out/--format."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET

import graphviz
import pytest

import engine
from engine import render
from engine.cli import main
from engine.render import RenderError

pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` not installed")

CIRCUIT = "q = x + y; f = q * z"
VALUES = {"x": -2, "y": 5, "z": -4}
ARGS = [CIRCUIT, "x=-2", "y=5", "z=-4"]
# Every gate, wire, value label and gradient label of the circuit (render's ids).
CIRCUIT_IDS = {"node-2", "node-4", "edge-0", "edge-1", "edge-2", "edge-3", "edge-out",
               "value-edge-0", "grad-edge-0", "value-edge-out", "grad-edge-out"}


def svg_ids(svg: bytes | str) -> set[str]:
    """The ids in an SVG, as an XML parser reads them (dot writes `-` as `&#45;`)."""
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    # A cell's id comes out of dot as `a_<id>` (see render's module docstring).
    return {e.get("id").removeprefix("a_") for e in root.iter() if e.get("id")}


def cli(capsysbinary, *argv):
    rc = main(list(argv))
    out, err = capsysbinary.readouterr()
    return rc, out, err.decode()


@pytest.fixture(scope="module")
def circuit():
    return engine.evaluate(CIRCUIT, VALUES)


# --- Result.to_graphviz -------------------------------------------------------------------

@pytest.mark.parametrize("opts", [{}, {"precision": 3}, {"fold_constants": False},
                                  {"layout": "compact"}])
def test_to_graphviz_is_the_dot_of_to_dot(opts):
    r = engine.evaluate("f = 1 / (1 + exp(-(w*x + b)))", {"w": 2, "x": -1, "b": -3})
    source = r.to_graphviz(**opts)
    assert isinstance(source, graphviz.Source)
    assert source.source == render.to_dot(r.to_dict(), **opts)


def test_to_graphviz_pipes_an_svg_with_the_figures_ids(circuit):
    svg = circuit.to_graphviz().pipe(format="svg")
    assert CIRCUIT_IDS <= svg_ids(svg)


def test_to_graphviz_displays_inline(circuit):
    bundle = circuit.to_graphviz()._repr_mimebundle_()
    assert CIRCUIT_IDS <= svg_ids(bundle["image/svg+xml"])


def test_to_graphviz_renders_a_file(circuit, tmp_path):
    path = circuit.to_graphviz(precision=3).render(tmp_path / "circuit", format="pdf")
    assert path.endswith("circuit.pdf")
    assert (tmp_path / "circuit.pdf").read_bytes().startswith(b"%PDF")


def test_to_graphviz_refuses_what_dot_cannot_lay_out(circuit):
    r = engine.evaluate("f = " + " + ".join(["x"] * 300), {"x": 1})
    with pytest.raises(RenderError, match="^x is used 300 times across the graph"):
        r.to_graphviz(layout="figure")
    with pytest.raises(RenderError, match="layout must be one of auto, figure, compact"):
        circuit.to_graphviz(layout="big")


# --- the CLI: --out, --format ---------------------------------------------------------------

def test_format_pdf_with_out_writes_a_pdf(capsysbinary, tmp_path):
    out_file = tmp_path / "circuit"
    rc, out, err = cli(capsysbinary, *ARGS, "--format", "pdf", "--out", str(out_file))
    assert rc == 0 and err == ""
    assert out_file.read_bytes().startswith(b"%PDF")
    assert b"output f = -12.0" in out.splitlines()   # the table is still printed


@pytest.mark.parametrize("name,magic", [("f.pdf", b"%PDF"), ("f.PNG", b"\x89PNG\r\n\x1a\n"),
                                        ("f.jpg", b"\xff\xd8\xff"), ("f.ps", b"%!PS"),
                                        ("f.gif", b"GIF8")])
def test_out_takes_the_format_from_the_extension(capsysbinary, tmp_path, name, magic):
    rc, _, err = cli(capsysbinary, *ARGS, "--out", str(tmp_path / name))
    assert rc == 0, err
    assert (tmp_path / name).read_bytes().startswith(magic)


def test_svg_and_png_still_work(capsysbinary, tmp_path, circuit):
    rc, _, err = cli(capsysbinary, *ARGS, "--svg", str(tmp_path / "a.svg"),
                     "--png", str(tmp_path / "a.png"))
    assert rc == 0, err
    svg = (tmp_path / "a.svg").read_text()
    assert svg == render.to_svg(circuit.to_dict())    # the SVG the page shows
    assert CIRCUIT_IDS <= svg_ids(svg)
    assert (tmp_path / "a.png").read_bytes().startswith(b"\x89PNG")


def test_out_svg_is_the_svg_of_the_page(capsysbinary, tmp_path, circuit):
    rc, _, err = cli(capsysbinary, *ARGS, "--out", str(tmp_path / "a.svg"), "--precision", "3")
    assert rc == 0, err
    assert (tmp_path / "a.svg").read_text() == render.to_svg(circuit.to_dict(), precision=3)


def test_format_without_out_writes_the_picture_instead_of_the_table(capsysbinary):
    rc, out, err = cli(capsysbinary, *ARGS, "--format", "PDF")
    assert rc == 0 and err == ""
    assert out.startswith(b"%PDF")


@pytest.mark.parametrize("argv,message", [
    (["--format", "nope"], "--format 'nope' is not a Graphviz format; the formats are: "),
    (["--out", "f.nope"], "'nope', the extension of 'f.nope', is not a Graphviz format"),
    (["--out", "picture"], "cannot tell the format of 'picture' from its name; give --format"),
    (["--format", "svg", "--json"], "cannot go with --json or --dot"),
    # A format Graphviz knows but Debian's `dot` cannot write (it is macOS's).
    (["--format", "cgimage"], "Graphviz could not write cgimage: "),
])
def test_bad_format_is_a_clear_error(capsysbinary, tmp_path, monkeypatch, argv, message):
    monkeypatch.chdir(tmp_path)
    rc, out, err = cli(capsysbinary, *ARGS, *argv)
    assert rc == 2
    assert out == b""
    assert err.startswith("error: ") and message in err
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_the_formats_in_the_message_are_graphvizs(capsysbinary):
    _, _, err = cli(capsysbinary, *ARGS, "--format", "nope")
    graphvizs, ours = err.strip().split("the formats are: ")[1].split("; besides them, ")
    listed = graphvizs.split(", ")
    assert set(listed) == graphviz.FORMATS and "pdf" in listed
    assert ours == "html (the player) and animated-svg"


# --- draw: only the picture ---------------------------------------------------------------

def test_draw_writes_svg_to_standard_output(capsysbinary, circuit):
    rc = main(ARGS, prog="backprop-viz draw", draw=True)
    out, err = capsysbinary.readouterr()
    assert rc == 0 and err == b""
    assert out.decode() == render.to_svg(circuit.to_dict())


def test_draw_to_a_file_prints_nothing(capsysbinary, tmp_path):
    rc = main([*ARGS, "--out", str(tmp_path / "f.pdf")], prog="backprop-viz draw", draw=True)
    out, err = capsysbinary.readouterr()
    assert rc == 0 and out == b"" and err == b""
    assert (tmp_path / "f.pdf").read_bytes().startswith(b"%PDF")


def test_draw_has_no_table_options(capsysbinary):
    # As for any unknown option, the word is read as an input value.
    rc = main([*ARGS, "--json"], prog="backprop-viz draw", draw=True)
    out, err = capsysbinary.readouterr()
    assert rc == 2 and out == b""
    assert err.decode() == "error: '--json' is not of the form name=value\n"
