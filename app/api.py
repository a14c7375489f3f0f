"""The JSON API: ``POST /api/graph`` evaluates a program and draws its graph."""

import json

from flask import Blueprint, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge, UnsupportedMediaType

import engine
from app.answers import answer_cache, answer_parts, json_answer
from app.drawing import BUSY_MESSAGE, Busy, Drawing
from app.errors import json_error, json_http_error
from app.options import BadRequest, check_options
from engine.numbers import json_value

bp = Blueprint("api", __name__, url_prefix="/api")

# Errors raised inside the API's views answer JSON; routing errors (no such
# endpoint, wrong method) and unexpected exceptions are caught app-wide by
# app.errors, which also answers JSON for every /api/ path.
for _status in (400, 404, 405, 413, 415, 500):
    bp.register_error_handler(_status, json_http_error)

# What full arrays cost an answer, per entry of the program's values: each is written as
# a node's value and gradient, its wires' and its steps' (measured: 48 on a 1000x1000 bomb).
ANSWER_BYTES_PER_ENTRY = 40

# The server setting behind each of the engine's limits, named in a refusal.
LIMIT_SETTINGS = {"limit.length": "MAX_EXPRESSION_LENGTH", "limit.nodes": "MAX_NODES",
                  "limit.depth": "MAX_DEPTH", "limit.value_size": "MAX_ARRAY_SIZE",
                  "limit.array_result": "MAX_ARRAY_SIZE",
                  "limit.total_entries": "MAX_TOTAL_ENTRIES", "limit.time": "EVAL_TIMEOUT",
                  "limit.answer_size": "MAX_ANSWER_BYTES"}

JSON_ONLY_MESSAGE = "The request body must be JSON, sent with Content-Type: application/json."


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
    """A mistake in the program or its values is 400; a program over a limit is 413."""
    if not isinstance(error, engine.LimitError):
        return json_error(400, **error.to_dict())
    return limit_refusal(error.to_dict())


def limit_refusal(error):
    """A 413 that names the limit and the server setting that raises it."""
    setting = LIMIT_SETTINGS.get(error.get("code"))
    if setting:
        error["params"] = {**error.get("params", {}), "setting": f"BACKPROP_{setting}"}
        error["message"] += (f" (a limit of this server: its operator can raise it with the "
                             f"setting BACKPROP_{setting})")
    return json_error(413, **error)


@bp.post("/graph")
def graph():
    """Evaluate ``expression`` with ``values`` and answer the engine's result plus its drawing.

    Request: ``{"expression": str, "values": {name: value}, "options": {...}}``
    (app/options.py: precision, fold_constants, default_value, check, tangents,
    full_arrays, descent).  Answer: ``Result.to_dict()`` plus ``"svg"``, ``"dot"``
    and ``"render_error"`` (and ``"tangents"``, ``"descent"`` when asked).  When
    Graphviz cannot draw the graph the numbers still come back with ``"svg":
    null`` and the reason, also when no render slot frees up in time (the
    server is busy drawing others: the numbers are computed already, so they go
    out, and no cache keeps that answer); a request answered (and drawn) before
    comes from the answer cache.
    """
    body = read_json_body()
    expression = body.get("expression")
    if not isinstance(expression, str):
        raise BadRequest('"expression" must be a string.')
    values = body.get("values", {})
    options = check_options(body.get("options", {}))

    answers = answer_cache(current_app)
    key = answers.key(expression, values, options)
    cached = answers.get(key)
    if cached is not None:
        return json_answer(cached, cached.shared)

    config = current_app.config
    limits = config_limits(config)
    descent = None
    if options["descent"] is not None:
        # Walk first, then answer the graph where the walk ended (and how it got there).
        walk = options["descent"]
        descent = engine.descend(expression, values, walk["lr"], walk["steps"], walk["params"],
                                 walk["maximize"], limits, options["default_value"])
        values = descent.pop("values")
    result = engine.evaluate(expression, values, limits, default=options["default_value"],
                             check=options["check"])
    summary_above = None if options["full_arrays"] else config["ARRAY_SUMMARY_ABOVE"]
    if summary_above is None:
        refuse_a_large_answer(ANSWER_BYTES_PER_ENTRY * result.graph.total_entries)
    tangents = None if options["tangents"] is None else result.tangents(
        options["tangents"]["input"], options["tangents"]["entry"])

    with Drawing(current_app) as drawing:
        data = result.to_dict(steps=False, fold_constants=options["fold_constants"],
                              summary_above=summary_above)
        drawing.start(data, options)
        # `dot` lays the graph out in another process meanwhile: the step texts
        # and the JSON of everything but the picture are written in that time.
        data["steps"] = result.trace(options["precision"], options["fold_constants"],
                                     summary_above)
        if tangents is not None:
            data["tangents"] = tangents
        if descent is not None:  # the values in full, whatever their size: the page goes on from them
            descent["values"] = {n: json_value(values[n]) for n in descent["params"]}
            data["descent"] = descent
        for field in ("warnings", "warning_data", "notation", "check"):  # to_dict's key order
            if field in data:
                data[field] = data.pop(field)
        head = current_app.json.dumps(data)
        refuse_a_large_answer(len(head) + len(drawing.dot or ""))
        svg, render_error = drawing.finish()

    answer = answer_parts(head, drawing.dot, svg, render_error)
    # Drawing failures may be passing (a timeout on a busy machine): only a refusal
    # that is the graph's own for good is kept with the pictures.
    if svg is not None or drawing.lasting:
        answers.put(key, answer, shared=svg is not None)
    return json_answer(answer, shared=svg is not None)


def refuse_a_large_answer(size):
    """LimitError when an answer of ``size`` bytes would pass MAX_ANSWER_BYTES."""
    limit = current_app.config["MAX_ANSWER_BYTES"]
    if size > limit:
        raise engine.LimitError.of("limit.answer_size", size=size, limit=limit)


def config_limits(config):
    """The engine's limits for one program, from the app's settings."""
    return engine.Limits(
        max_length=config["MAX_EXPRESSION_LENGTH"],
        max_nodes=config["MAX_NODES"],
        max_depth=config["MAX_DEPTH"],
        max_array_size=config["MAX_ARRAY_SIZE"],
        max_total_entries=config["MAX_TOTAL_ENTRIES"],
        max_seconds=config["EVAL_TIMEOUT"],
        text_values=False,  # JSON has numbers: "2" is a string, not a number
    )


def read_json_body():
    """The body as a JSON object; NaN and Infinity literals are refused (they are not JSON)."""
    raw = read_body()
    try:
        body = json.loads(raw, parse_constant=_refuse_constant, parse_float=_finite_float)
    except (ValueError, RecursionError) as error:
        raise BadRequest(f"The request body is not valid JSON ({error}).") from None
    if not isinstance(body, dict):
        raise BadRequest("The request body must be a JSON object.")
    return body


def read_body():
    """The request body, after checking it is JSON and not over MAX_CONTENT_LENGTH (415, 413).

    Only ``application/json`` (a charset parameter is fine) is accepted: a web page
    on another site can post ``text/plain`` from its visitors' browsers without
    asking first, but not JSON, which needs a CORS preflight that this API refuses.
    A body without a Content-Length (chunked) is read up to one byte past the
    limit: Werkzeug would stop at the limit and hand back the cut, which may
    parse as JSON.
    """
    if request.mimetype != "application/json":
        raise UnsupportedMediaType(JSON_ONLY_MESSAGE)
    limit = request.max_content_length
    if (limit is None or request.content_length is not None
            or not request.environ.get("wsgi.input_terminated")):
        return request.get_data(cache=False)  # a Content-Length over the limit raises 413
    stream, chunks, size = request.environ["wsgi.input"], [], 0
    while size <= limit:
        chunk = stream.read(limit + 1 - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > limit:
        raise RequestEntityTooLarge()
    return b"".join(chunks)


def _refuse_constant(name):
    raise ValueError(f"{name} is not a JSON number")


def _finite_float(text):
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"{text} is too large for a float64")
    return value
