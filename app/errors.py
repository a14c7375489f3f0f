"""Errors as JSON for the API: ``{"error": {"message", "start", "end"}}``, never HTML."""

from flask import current_app, jsonify, request
from werkzeug.exceptions import HTTPException, InternalServerError

# Plainer words than Werkzeug's defaults for the statuses the API can answer.
MESSAGES = {
    400: "The request could not be read.",
    404: "There is no such API endpoint.",
    405: "This endpoint does not accept that method.",
    413: "The request body is too large.",
    415: "The request body must be JSON.",
    500: "Something went wrong on the server.",
}


def json_error(status, message, start=None, end=None, code=None, params=None, inputs=None,
               hint=None):
    """A JSON error response; ``start``/``end`` locate the problem in the program text.

    ``code`` and ``params`` say what the problem is as data (engine/messages.py),
    so the page can word it in the reader's language; ``inputs`` lists the names of a
    program that parsed, so the page can offer their fields even while it fails.
    """
    error = {"message": message, "start": start, "end": end}
    if code is not None:
        error.update(code=code, params=params or {})
    if hint is not None:  # a second sentence: which input needs which shape
        error["hint"] = hint
    if inputs is not None:  # the program parsed: the inputs it needs values for
        error["inputs"] = inputs
    return jsonify({"error": error}), status


def json_http_error(error):
    """Turn a Werkzeug HTTPException into the API's JSON error shape."""
    status = error.code or 500
    if error.description and error.description != type(error).description:
        message = error.description  # a message written for this request
    else:
        message = MESSAGES.get(status, error.name)
    response, status = json_error(status, message)
    if status == 405 and error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    return response, status


def is_api_request():
    return request.path == "/api" or request.path.startswith("/api/")


def init_app(app):
    """App-level handlers: routing errors (404/405) happen before any blueprint is chosen."""

    @app.errorhandler(HTTPException)
    def http_error(error):
        return json_http_error(error) if is_api_request() else error

    @app.errorhandler(Exception)
    def unexpected_error(error):
        if not is_api_request():
            raise error  # Flask's own handling: its 500 page, or the debugger in `make dev`
        current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
        return json_http_error(InternalServerError())
