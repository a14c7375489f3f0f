"""Helpers for the API tests: post to /api/graph and read its answers strictly."""

from app import fuzzing


def post(client, body):
    """POST a body to /api/graph: dicts as JSON, strings and bytes as they are."""
    if isinstance(body, (str, bytes)):
        return client.post("/api/graph", data=body, content_type="application/json")
    return client.post("/api/graph", json=body)


def strict_json(response):
    """The body parsed as strict JSON: a bare NaN or Infinity would fail here."""
    return fuzzing.strict_json(response.get_data())


def error_of(response, status=400):
    """The {"message", "start", "end"} of an error answer, after checking its whole shape."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    body = strict_json(response)
    assert set(body) == {"error"}
    error = body["error"]
    # An engine error also says what it is as data (a stable code and its parameters).
    assert {"message", "start", "end"} <= set(error) <= {
        "message", "start", "end", "code", "params", "hint", "inputs"}
    assert isinstance(error["message"], str) and error["message"]
    assert error["start"] is None or isinstance(error["start"], int)
    assert error["end"] is None or isinstance(error["end"], int)
    assert "Traceback" not in response.get_data(as_text=True)
    return error
