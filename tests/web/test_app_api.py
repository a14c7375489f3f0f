"""The JSON API and the page's headers, through Flask's test client."""

import json
import re

import pytest
from tests.support.apiclient import error_of, post, strict_json

import engine
from app import ROOT, SECURITY_HEADERS, create_app
from engine import render

CIRCUIT = "q = x + y\nf = q * z"
CIRCUIT_VALUES = {"x": -2, "y": 5, "z": -4}








# --- the figure's numbers ----------------------------------------------------------

def test_circuit_numbers_match_the_figure(client):
    response = post(client, {"expression": CIRCUIT, "values": CIRCUIT_VALUES})
    assert response.status_code == 200
    data = strict_json(response)
    assert data["output"]["value"] == -12
    assert data["gradients"] == {"x": -4, "y": -4, "z": 3, "q": -4, "f": 1}
    assert data["inputs"] == ["x", "y", "z"]
    assert data["render_error"] is None
    assert data["dot"].startswith("digraph")
    for svg_id in ("node-2", "node-4", "edge-0", "value-edge-0", "grad-edge-0",
                   "edge-out", "value-edge-out", "grad-edge-out", "name-node-0"):
        assert f'id="{svg_id}"' in data["svg"]
    assert ">-12.00<" in data["svg"] and ">-4.00<" in data["svg"]
    phases = [step["phase"] for step in data["steps"]]
    assert phases == ["forward", "forward", "backward", "backward"]


def test_response_is_the_engine_result_plus_the_drawing(client):
    response = post(client, {"expression": CIRCUIT, "values": CIRCUIT_VALUES,
                             "options": {"precision": 3, "fold_constants": False}})
    data = strict_json(response)
    expected = engine.evaluate(CIRCUIT, CIRCUIT_VALUES).to_dict(precision=3, fold_constants=False)
    assert {k: v for k, v in data.items() if k not in ("svg", "dot", "render_error")} == expected
    assert ">-12.000<" in data["svg"]


def test_neuron_output_is_073(client):
    values = {"w0": 2, "x0": -1, "w1": -3, "x1": -2, "w2": -3}
    data = strict_json(post(client, {
        "expression": "f = 1 / (1 + exp(-(w0*x0 + w1*x1 + w2)))", "values": values}))
    assert round(data["output"]["value"], 2) == 0.73
    assert round(data["gradients"]["x0"], 2) == 0.39


def test_default_value_fills_missing_inputs(client):
    data = strict_json(post(client, {"expression": "x * y + z", "values": {"x": 3},
                                     "options": {"default_value": 1.0}}))
    assert data["inputs"] == ["x", "y", "z"]
    assert data["output"]["value"] == 4
    inputs = {n["name"]: n["value"] for n in data["nodes"] if n["kind"] == "input"}
    assert inputs == {"x": 3, "y": 1, "z": 1}


def test_literal_assigned_names_take_no_value(client):
    data = strict_json(post(client, {"expression": "x = -2\nf = x * y", "values": {},
                                     "options": {"default_value": 1.0}}))
    assert data["inputs"] == ["y"]
    assert data["output"]["value"] == -2


def test_values_for_unknown_names_are_ignored(client):
    response = post(client, {"expression": "x + 1", "values": {"x": 1, "gone": 5},
                             "options": {"default_value": 1.0}})
    assert response.status_code == 200


def test_vector_values_are_accepted(client):
    data = strict_json(post(client, {"expression": "sum(v * v)", "values": {"v": [1, 2, 3]}}))
    assert data["output"]["value"] == 14


def test_non_finite_results_are_json_strings(client):
    data = strict_json(post(client, {"expression": "log(x)", "values": {"x": 0}}))
    assert data["output"]["value"] == "-Infinity"
    assert data["warnings"]


def test_unknown_keys_are_ignored(client):
    response = post(client, {"expression": "x", "values": {"x": 1}, "color": "blue",
                             "options": {"theme": "dark"}})
    assert response.status_code == 200


# --- bad requests ------------------------------------------------------------------

@pytest.mark.parametrize("body", [
    "{not json",
    "",
    "[1, 2]",
    '"(x + y) * z"',
    "null",
    '{"expression": "x", "values": {"x": NaN}}',
    '{"expression": "x", "values": {"x": Infinity}}',
    '{"expression": "x", "values": {"x": 1e400}}',
    b'{"expression": "\xff"}',
    "[" * 5000 + "]" * 5000,
], ids=["malformed", "empty", "array", "string", "null", "nan-literal", "infinity-literal",
        "overflowing-float", "not-utf8", "deeply-nested"])
def test_unreadable_bodies_are_400(client, body):
    error = error_of(post(client, body), 400)
    assert error["start"] is None


@pytest.mark.parametrize("body, words", [
    ({}, "expression"),
    ({"expression": None}, "expression"),
    ({"expression": 12}, "expression"),
    ({"expression": ["x"]}, "expression"),
    ({"expression": "x", "values": [1]}, "values"),
    ({"expression": "x", "values": "x=1"}, "values"),
    ({"expression": "x", "values": {"x": "2"}}, "number"),
    ({"expression": "x", "values": {"x": True}}, "number"),
    ({"expression": "x", "values": {"x": None}}, "number"),
    ({"expression": "x", "values": {"x": {"v": 1}}}, "number"),
    ({"expression": "x", "values": {"x": [[[1]]]}}, "number"),
    ({"expression": "x", "values": {"x": [1, False]}}, "number"),
    ({"expression": "x", "values": {"x": 10 ** 400}}, "finite"),
    ({"expression": "x", "values": {"x": 1}, "options": []}, "options"),
    ({"expression": "x", "values": {"x": 1}, "options": {"precision": "2"}}, "precision"),
    ({"expression": "x", "values": {"x": 1}, "options": {"precision": True}}, "precision"),
    ({"expression": "x", "values": {"x": 1}, "options": {"precision": -1}}, "precision"),
    ({"expression": "x", "values": {"x": 1}, "options": {"precision": 11}}, "precision"),
    ({"expression": "x", "values": {"x": 1}, "options": {"precision": 2.5}}, "precision"),
    ({"expression": "x", "values": {"x": 1}, "options": {"fold_constants": "yes"}}, "fold_constants"),
    ({"expression": "x", "values": {"x": 1}, "options": {"default_value": "1"}}, "default_value"),
    ({"expression": "x", "values": {"x": 1}, "options": {"default_value": True}}, "default_value"),
])
def test_wrong_types_are_400(client, body, words):
    error = error_of(post(client, body), 400)
    assert words in error["message"]


@pytest.mark.parametrize("expression, values", [
    ("(x + y", {"x": 1, "y": 2}),
    ("x + * y", {"x": 1, "y": 2}),
    ("x +", {"x": 1}),
    ("f = foo(x)", {"x": 1}),
    ("x * y", {"x": 1}),
    ("x @ y", {"x": [[1, 2], [3]], "y": [1, 2]}),
    ("q = x\nq = y", {"x": 1, "y": 2}),
])
def test_engine_errors_are_400_with_their_place(client, expression, values):
    error = error_of(post(client, {"expression": expression, "values": values}), 400)
    assert 0 <= error["start"] < error["end"] <= len(expression) + 1
    with pytest.raises(engine.EngineError) as expected:
        engine.evaluate(expression, values)
    assert error == expected.value.to_dict()


def test_empty_program_is_400(client):
    error_of(post(client, {"expression": "  \n", "values": {}}), 400)


def test_missing_value_names_the_input(client):
    error = error_of(post(client, {"expression": "x * y", "values": {"x": 1}}), 400)
    assert "y" in error["message"]
    assert (error["start"], error["end"]) == (4, 5)


# --- limits ------------------------------------------------------------------------

def test_body_over_the_limit_is_413_json():
    client = create_app({"TESTING": True, "MAX_CONTENT_LENGTH": 1024}).test_client()
    body = {"expression": "x" * 2000, "values": {}}
    error = error_of(post(client, body), 413)
    assert "too large" in error["message"]


def test_default_body_limit_is_256_kib(client):
    body = json.dumps({"expression": "x", "values": {"x": 1}, "pad": "." * (256 * 1024)})
    error_of(post(client, body), 413)


@pytest.mark.parametrize("config, expression", [
    ({"MAX_EXPRESSION_LENGTH": 20}, "x + " * 10 + "x"),
    ({"MAX_DEPTH": 10}, "(" * 20 + "x" + ")" * 20),
    ({"MAX_NODES": 10}, " + ".join(f"x{i}" for i in range(20))),
], ids=["length", "depth", "nodes"])
def test_programs_over_the_limits_are_413(config, expression):
    client = create_app({"TESTING": True, **config}).test_client()
    response = post(client, {"expression": expression, "values": {},
                             "options": {"default_value": 1.0}})
    error = error_of(response, 413)
    assert "limit" in error["message"]


def test_limits_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("BACKPROP_MAX_EXPRESSION_LENGTH", "5")
    app = create_app({"TESTING": True})
    assert app.config["MAX_EXPRESSION_LENGTH"] == 5
    error_of(post(app.test_client(), {"expression": "x + y + z", "values": {}}), 413)


def test_create_app_config_overrides_the_environment(monkeypatch):
    monkeypatch.setenv("BACKPROP_MAX_NODES", "5")
    app = create_app({"MAX_NODES": 7})
    assert app.config["MAX_NODES"] == 7


def test_defaults():
    config = create_app().config
    assert config["MAX_CONTENT_LENGTH"] == 256 * 1024
    assert config["MAX_EXPRESSION_LENGTH"] == 20000
    assert config["MAX_NODES"] == 2000
    assert config["MAX_DEPTH"] == 1000
    assert config["RENDER_TIMEOUT"] == 5


# --- when drawing fails -------------------------------------------------------------

def test_missing_dot_still_answers_the_numbers(client, monkeypatch):
    monkeypatch.setattr(render, "DOT_COMMAND", "/nonexistent/dot")
    render.clear_cache()
    try:
        response = post(client, {"expression": "x * 7", "values": {"x": 3}})
    finally:
        render.clear_cache()
    assert response.status_code == 200
    data = strict_json(response)
    assert data["output"]["value"] == 21
    assert data["svg"] is None
    assert data["dot"].startswith("digraph")
    assert "dot" in data["render_error"]["message"]


def test_render_timeout_still_answers_the_numbers(monkeypatch):
    client = create_app({"TESTING": True, "RENDER_TIMEOUT": 1e-9}).test_client()
    render.clear_cache()
    data = strict_json(post(client, {"expression": "x * 8", "values": {"x": 3}}))
    assert data["output"]["value"] == 24
    assert data["svg"] is None
    assert "longer than" in data["render_error"]["message"]


# --- errors outside the view ----------------------------------------------------------

def test_unexpected_errors_are_500_json(client, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("boom")
    monkeypatch.setattr(engine, "evaluate", explode)
    error = error_of(post(client, {"expression": "x", "values": {"x": 1}}), 500)
    assert "boom" not in error["message"]


@pytest.mark.parametrize("method, path, status", [
    ("get", "/api/graph", 405),
    ("put", "/api/graph", 405),
    ("get", "/api/nothing", 404),
    ("post", "/api/nothing", 404),
    ("get", "/api", 404),
])
def test_api_routing_errors_are_json(client, method, path, status):
    error_of(getattr(client, method)(path), status)


def test_405_names_the_allowed_method(client):
    assert "POST" in client.get("/api/graph").headers["Allow"]


def test_page_errors_stay_html(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"


# --- the page and its headers ----------------------------------------------------------

@pytest.mark.parametrize("method, path", [
    ("get", "/"),
    ("get", "/static/style.css"),
    ("get", "/static/js/main.js"),
    ("post", "/api/graph"),
    ("get", "/api/nothing"),
    ("get", "/no-such-page"),
])
def test_security_headers_on_every_response(client, method, path):
    with getattr(client, method)(path) as response:
        for header, value in SECURITY_HEADERS.items():
            assert response.headers[header] == value


def test_csp_allows_only_the_server(client):
    csp = client.get("/").headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe" not in csp


def test_page_has_no_inline_script_or_style_and_nothing_external(client):
    html = client.get("/").get_data(as_text=True)
    for script in re.findall(r"<script\b[^>]*>(.*?)</script>", html, re.S):
        assert script.strip() == ""
    assert all("src=" in tag for tag in re.findall(r"<script\b[^>]*>", html))
    assert "<style" not in html
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+=", html)  # no inline event handlers
    assert not re.search(r"(src|href)=\"(https?:)?//", html)


def test_static_files_never_fetch_from_elsewhere(client):
    static = ROOT / "static"
    paths = sorted(p for p in static.rglob("*") if p.suffix in (".js", ".css", ".svg"))
    assert len(paths) > 5
    for path in paths:
        with client.get("/static/" + path.relative_to(static).as_posix()) as response:
            assert response.status_code == 200
            text = response.get_data(as_text=True)
        # The SVG namespace is a name, not a fetch.
        text = text.replace("http://www.w3.org/2000/svg", "")
        assert "http://" not in text and "https://" not in text, path.name
        assert "@import" not in text and "url(" not in text, path.name


def test_page_errors_are_not_swallowed(app, monkeypatch):
    """Outside /api/ an unexpected error keeps Flask's own handling (the debugger in `make dev`)."""
    def explode():
        raise RuntimeError("page boom")
    monkeypatch.setitem(app.view_functions, "pages.index", explode)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/")
    assert response.status_code == 500
    assert response.mimetype == "text/html"
