"""POST /api/export/<kind>: the standalone HTML player and the animated SVG, as downloads."""

import shutil

import pytest

import engine
from app import create_app

pytestmark = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` not installed")

BODY = {"expression": "q = x + y; f = q * z", "values": {"x": -2, "y": 5, "z": -4}}


def test_the_html_export_is_the_engines_standalone_page(client):
    response = client.post("/api/export/html", json=BODY)
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert response.headers["Content-Disposition"] == 'attachment; filename="backprop-graph.html"'
    expected = engine.evaluate(BODY["expression"], BODY["values"]).to_html()
    assert response.get_data(as_text=True) == expected
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_options_the_page_sends_are_honoured(client):
    body = {**BODY, "values": {"x": -2}, "options": {"precision": 3, "fold_constants": False,
                                                     "default_value": 1.0}}
    response = client.post("/api/export/html", json=body)
    expected = engine.evaluate(BODY["expression"], {"x": -2}, default=1.0).to_html(
        precision=3, fold_constants=False)
    assert response.get_data(as_text=True) == expected


def test_the_animated_svg_export(client):
    response = client.post("/api/export/animated-svg", json=BODY)
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert 'filename="backprop-graph-animated.svg"' in response.headers["Content-Disposition"]
    expected = engine.evaluate(BODY["expression"], BODY["values"]).to_animated_svg()
    assert response.get_data(as_text=True) == expected


@pytest.mark.parametrize("method,path,body,status,message", [
    ("post", "/api/export/pdf", BODY, 404, "There is no export 'pdf'; the exports are: html, "
                                           "animated-svg."),
    ("get", "/api/export/html", None, 405, "This endpoint does not accept that method."),
    ("post", "/api/export/html", {"expression": "x +"}, 400, "missing a value after '+'"),
    ("post", "/api/export/html", {"expression": 3}, 400, '"expression" must be a string.'),
    ("post", "/api/export/html", {"expression": "x", "values": {"x": "a"}}, 400,
     "the value of 'x' must be a number, not a string"),
    ("post", "/api/export/html", {**BODY, "options": {"precision": 99}}, 400,
     '"precision" must be a whole number from 0 to 10.'),
])
def test_bad_requests_answer_the_apis_json(client, method, path, body, status, message):
    response = getattr(client, method)(path, json=body)
    assert response.status_code == status
    assert response.is_json and response.json["error"]["message"].startswith(message)


def test_a_program_over_the_limits_is_a_413_that_names_the_setting():
    client = create_app({"TESTING": True, "MAX_NODES": 5}).test_client()
    response = client.post("/api/export/html", json={"expression": "a*b + c*d + e*f*g"})
    assert response.status_code == 413
    assert response.json["error"]["params"]["setting"] == "BACKPROP_MAX_NODES"


def test_a_graph_that_cannot_be_drawn_is_a_422_with_the_reason(client, monkeypatch):
    from engine import render

    def refuse(*args, **kwargs):
        raise render.RenderError("Graphviz's `dot` program is not installed")
    monkeypatch.setattr(render, "to_svg", refuse)
    response = client.post("/api/export/html", json=BODY)
    assert response.status_code == 422
    assert response.json["error"]["message"] == "Graphviz's `dot` program is not installed"
