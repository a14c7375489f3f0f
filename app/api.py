"""The JSON API: ``POST /api/graph`` evaluates a program and draws its graph."""

import json
import math

from flask import Blueprint, current_app, request

import engine
from app.answers import answer_cache, answer_parts, json_answer
from app.drawing import BUSY_MESSAGE, Busy, Drawing
from app.errors import json_error, json_http_error

bp = Blueprint("api", __name__, url_prefix="/api")

MAX_PRECISION = 10
DEFAULT_OPTIONS = {"precision": 2, "fold_constants": True, "default_value": None}


class BadRequest(Exception):
    """The request body is not what the API expects; ``message`` says what is wrong."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


# Errors raised inside the API's views answer JSON; routing errors (no such
# endpoint, wrong method) and unexpected exceptions are caught app-wide by
# app.errors, which also answers JSON for every /api/ path.
for _status in (400, 404, 405, 413, 500):
    bp.register_error_handler(_status, json_http_error)


@bp.errorhandler(BadRequest)
def bad_request(error):
    return json_error(400, error.message)


@bp.errorhandler(Busy)
def busy(error):
    response, status = json_error(503, BUSY_MESSAGE)
    response.headers["Retry-After"] = "1"
    return response, status


@bp.errorhandler(engine.EngineError)
def engine_error(error):
    # A program over the configured limits is "too large", everything else is a mistake in it.
    status = 413 if isinstance(error, engine.LimitError) else 400
    return json_error(status, error.message, error.start, error.end)


@bp.post("/graph")
def graph():
    """Evaluate ``expression`` with ``values`` and answer the engine's result plus its drawing.

    Request: ``{"expression": str, "values": {name: number},
    "options": {"precision": int, "fold_constants": bool, "default_value": number|null}}``.
    With ``default_value`` set, inputs that have no value get it (the page sends
    1.0 so a freshly typed name shows up at once); the engine's ``"inputs"`` lists
    the names that take a value.

    Answer: ``Result.to_dict()`` plus ``"svg"``, ``"dot"`` and ``"render_error"``.
    When Graphviz cannot draw the graph (missing, too slow, too big) the numbers
    still come back with ``"svg": null`` and ``"render_error": {"message",
    "start", "end"}``.  When every render slot stays taken for
    RENDER_QUEUE_TIMEOUT seconds the answer is 503 with ``Retry-After: 1``.  A
    request answered (and drawn) before comes from the answer cache.
    """
    body = read_json_body()
    expression = body.get("expression")
    if not isinstance(expression, str):
        raise BadRequest('"expression" must be a string.')
    values = check_values(body.get("values", {}))
    options = check_options(body.get("options", {}))

    answers = answer_cache(current_app)
    key = answers.key(expression, values, options)
    cached = answers.get(key)
    if cached is not None:
        return json_answer(cached)

    result = engine.evaluate(expression, values, limits(current_app.config),
                             default=options["default_value"])
    with Drawing(current_app, len(result.graph.nodes)) as drawing:
        data = result.to_dict(steps=False)
        drawing.start(data, options)
        # `dot` lays the graph out in another process meanwhile: the step texts
        # and the JSON of everything but the picture are written in that time.
        data["steps"] = result.steps
        data["warnings"] = data.pop("warnings")  # keep to_dict's key order
        head = current_app.json.dumps(data)
        svg, render_error = drawing.finish()

    answer = answer_parts(head, drawing.dot, svg, render_error)
    if svg is not None:  # drawing failures may be passing (busy, timeout): not kept
        answers.put(key, answer)
    return json_answer(answer)


def limits(config):
    """The engine's limits on a program, from the app's configuration."""
    return engine.Limits(max_length=config["MAX_EXPRESSION_LENGTH"],
                         max_nodes=config["MAX_NODES"], max_depth=config["MAX_DEPTH"])


def read_json_body():
    """The body as a JSON object; NaN and Infinity literals are refused (they are not JSON)."""
    raw = request.get_data(cache=False)  # over MAX_CONTENT_LENGTH this raises a 413
    try:
        body = json.loads(raw, parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as error:
        raise BadRequest(f"The request body is not valid JSON ({error}).") from None
    if not isinstance(body, dict):
        raise BadRequest("The request body must be a JSON object.")
    return body


def _refuse_constant(name):
    raise ValueError(f"{name} is not a JSON number")


def check_values(values):
    """``{name: value}`` where a value is a finite number or a vector/matrix of them.

    Booleans are not numbers, and neither are strings.  Shapes (ragged rows and
    so on) are the engine's to check, with the place of the input in the text.
    """
    if not isinstance(values, dict):
        raise BadRequest('"values" must be an object mapping input names to numbers.')
    for name, value in values.items():
        problem = value_problem(value)
        if problem:
            raise BadRequest(f'The value of "{name}" {problem}.')
    return values


def value_problem(value, depth=0):
    """Why ``value`` is not a usable input value, or None when it is."""
    if isinstance(value, list) and depth < 2:
        for item in value:
            problem = value_problem(item, depth + 1)
            if problem:
                return problem
        return None
    if not is_number(value):
        if depth == 0:
            return f"must be a number, not {describe(value)}"
        if isinstance(value, list):
            return ("has lists nested more than two deep: a value is a number, a vector "
                    "or a matrix")
        return f"has an entry that is not a number: {describe(value)}"
    try:
        finite = math.isfinite(value)
    except OverflowError:  # a JSON integer too large for a float
        finite = False
    return None if finite else "must be a finite number"


def check_options(options):
    if not isinstance(options, dict):
        raise BadRequest('"options" must be an object.')
    checked = dict(DEFAULT_OPTIONS)
    precision = options.get("precision", checked["precision"])
    if not (isinstance(precision, int) and not isinstance(precision, bool)
            and 0 <= precision <= MAX_PRECISION):
        raise BadRequest(f'"precision" must be a whole number from 0 to {MAX_PRECISION}.')
    fold = options.get("fold_constants", checked["fold_constants"])
    if not isinstance(fold, bool):
        raise BadRequest('"fold_constants" must be true or false.')
    default = options.get("default_value", checked["default_value"])
    if default is not None and (not is_number(default) or value_problem(default)):
        raise BadRequest('"default_value" must be a finite number or null.')
    checked.update(precision=precision, fold_constants=fold, default_value=default)
    return checked


def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def describe(value):
    """A JSON value's kind in words, for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return "a number"
