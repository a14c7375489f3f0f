"""How the app reads a request: JSON only, the body limit for chunked bodies too, redirects.

(The same checks through a real gunicorn and through nginx are in tests/test_front.py.)
"""

import io
import json

import pytest
from werkzeug.test import EnvironBuilder, run_wsgi_app

from tests.support.apiclient import error_of, post

SMALL = {"expression": "x * y", "values": {"x": 3, "y": 4}}


class ReadOnly:
    """A body stream with ``read`` and nothing else, as gunicorn's is (Werkzeug reads it otherwise)."""

    def __init__(self, data):
        self._data = io.BytesIO(data)

    def read(self, size=-1):
        return self._data.read(size)


def chunked_post(app, data):
    """POST ``data`` with no Content-Length, as gunicorn hands on a chunked body.

    Straight to the WSGI app: the test client would measure the stream and add a length.
    """
    environ = EnvironBuilder(path="/api/graph", method="POST",
                             content_type="application/json").get_environ()
    environ.pop("CONTENT_LENGTH", None)
    environ["wsgi.input"] = ReadOnly(data)
    environ["wsgi.input_terminated"] = True
    body, status, headers = run_wsgi_app(app, environ, buffered=True)
    return app.response_class(b"".join(body), status=status, headers=headers)


def padded(size):
    """A valid JSON request body of exactly ``size`` bytes."""
    text = json.dumps(SMALL)
    return (text[:-1] + " " * (size - len(text)) + "}").encode()


@pytest.mark.parametrize("content_type", [
    "text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x", "", "application/jsonx", "application/json-patch+json",
])
def test_only_json_is_accepted(client, content_type):
    response = client.post("/api/graph", data=json.dumps(SMALL), content_type=content_type)
    error = error_of(response, 415)
    assert "application/json" in error["message"]


@pytest.mark.parametrize("content_type", [
    "application/json", "application/json; charset=utf-8", "Application/JSON;charset=UTF-8",
])
def test_json_with_or_without_a_charset_is_accepted(client, content_type):
    response = client.post("/api/graph", data=json.dumps(SMALL), content_type=content_type)
    assert response.status_code == 200
    assert response.get_json()["output"]["value"] == 12.0


def test_a_chunked_body_at_the_limit_is_read_whole(app):
    limit = app.config["MAX_CONTENT_LENGTH"]
    response = chunked_post(app, padded(limit))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["output"]["value"] == 12.0


@pytest.mark.parametrize("over", [1, 1000, 300_000])
def test_a_chunked_body_over_the_limit_is_413_even_when_its_cut_is_json(app, over):
    limit = app.config["MAX_CONTENT_LENGTH"]
    # The first `limit` bytes are a complete, valid request: cutting there would answer 200.
    data = padded(limit) + b" " * over
    assert json.loads(data[:limit]) == SMALL
    error = error_of(chunked_post(app, data), 413)
    assert error["message"] == "The request body is too large."


def test_a_body_with_a_length_over_the_limit_is_still_413(client, app):
    error_of(post(client, padded(app.config["MAX_CONTENT_LENGTH"] + 1)), 413)


@pytest.mark.parametrize("method, path, location", [
    ("POST", "//api//graph", "/api/graph"),
    ("POST", "/api//graph", "/api/graph"),
    ("GET", "/static//style.css", "/static/style.css"),
    ("GET", "///static///style.css?v=1", "/static/style.css?v=1"),
])
def test_redirects_never_echo_the_host_header(client, method, path, location):
    path, _, query = path.partition("?")
    # Through PATH_INFO: the test client would read "//api" as a host name.
    response = client.open("/", method=method, headers={"Host": "evil.example"},
                           environ_overrides={"PATH_INFO": path, "QUERY_STRING": query})
    assert response.status_code == 308
    assert response.headers["Location"] == location
