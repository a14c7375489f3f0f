"""The JSON API: ``POST /api/graph`` evaluates a program and draws its graph."""

import json
import math
import os
import threading
import time
from collections import OrderedDict
from contextlib import contextmanager

from flask import Blueprint, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge, UnsupportedMediaType

import engine
from engine import render
from engine.numbers import json_value

from app.errors import json_error, json_http_error

bp = Blueprint("api", __name__, url_prefix="/api")

MAX_PRECISION = 10
DEFAULT_OPTIONS = {"precision": 2, "fold_constants": True, "default_value": None, "check": False,
                   "tangents": None, "full_arrays": False, "descent": None}


class BadRequest(Exception):
    """The request body is not what the API expects; ``message`` says what is wrong."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


# Errors raised inside the API's views answer JSON; routing errors (no such
# endpoint, wrong method) and unexpected exceptions are caught app-wide by
# app.errors, which also answers JSON for every /api/ path.
for _status in (400, 404, 405, 413, 415, 500):
    bp.register_error_handler(_status, json_http_error)


class Busy(Exception):
    """Every render slot stayed taken for RENDER_QUEUE_TIMEOUT seconds."""


BUSY_MESSAGE = "The server is busy drawing other graphs; try again in a moment."
RENDER_CRASH_MESSAGE = "The graph could not be drawn: the renderer failed (this is a bug)."


@bp.errorhandler(BadRequest)
def bad_request(error):
    return json_error(400, error.message)


@bp.errorhandler(Busy)
def busy(error):
    response, status = json_error(503, BUSY_MESSAGE)
    response.headers["Retry-After"] = "1"
    return response, status


# What full arrays cost an answer, per entry of the program's values: each is written as
# a node's value and gradient, its wires' and its steps' (measured: 48 on a 1000x1000 bomb).
ANSWER_BYTES_PER_ENTRY = 40

# The server setting behind each of the engine's limits, named in a refusal.
LIMIT_SETTINGS = {"limit.length": "MAX_EXPRESSION_LENGTH", "limit.nodes": "MAX_NODES",
                  "limit.depth": "MAX_DEPTH", "limit.value_size": "MAX_ARRAY_SIZE",
                  "limit.array_result": "MAX_ARRAY_SIZE", "limit.total_entries": "MAX_TOTAL_ENTRIES",
                  "limit.time": "EVAL_TIMEOUT", "limit.answer_size": "MAX_ANSWER_BYTES"}


@bp.errorhandler(engine.EngineError)
def engine_error(error):
    # A program over the configured limits is "too large", everything else is a mistake in it.
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

    Request: ``{"expression": str, "values": {name: number},
    "options": {"precision": int, "fold_constants": bool, "default_value": number|null}}``.
    With ``default_value`` set, inputs that have no value get it (the page sends
    1.0 so a freshly typed name shows up at once); the engine's ``"inputs"`` lists
    the names that take a value.

    Answer: ``Result.to_dict()`` plus ``"svg"`` and ``"dot"``.  When
    Graphviz cannot draw the graph (missing, too slow, too big) the numbers still
    come back with ``"svg": null`` and ``"render_error": {"message", "start", "end"}``.
    When every render slot stays taken for RENDER_QUEUE_TIMEOUT seconds the
    answer is 503 with ``Retry-After: 1``.  A request answered (and drawn) before
    comes from the answer cache without any of that work.
    """
    body = read_json_body()
    expression = body.get("expression")
    if not isinstance(expression, str):
        raise BadRequest('"expression" must be a string.')
    values = check_values(body.get("values", {}))
    options = check_options(body.get("options", {}))

    config = current_app.config
    cache = response_cache(current_app)
    key = cache.key(expression, values, options)
    cached = cache.get(key)
    if cached is not None:
        return json_answer(cached)
    limits = config_limits(config)
    summary_above = None if options["full_arrays"] else config["ARRAY_SUMMARY_ABOVE"]
    descent = None
    if options["descent"] is not None:
        # Walk first, then answer the graph where the walk ended (and how it got there).
        walk = options["descent"]
        descent = engine.descend(expression, values, walk["lr"], walk["steps"], walk["params"],
                                 walk["maximize"], limits, options["default_value"])
        values = descent.pop("values")
    result = engine.evaluate(expression, values, limits, default=options["default_value"],
                             check=options["check"])
    if summary_above is None and ANSWER_BYTES_PER_ENTRY * result.graph.total_entries > \
            config["MAX_ANSWER_BYTES"]:
        # Refused before writing it: the answer carries each entry several times over.
        raise engine.LimitError.of(
            "limit.answer_size", size=ANSWER_BYTES_PER_ENTRY * result.graph.total_entries,
            limit=config["MAX_ANSWER_BYTES"])
    tangents = None if options["tangents"] is None else result.tangents(
        options["tangents"]["input"], options["tangents"]["entry"])
    drawing = Drawing(len(result.graph.nodes), config)
    try:
        data = result.to_dict(steps=False, fold_constants=options["fold_constants"],
                              summary_above=summary_above)
        drawing.draw(data, options)
        # `dot` lays the graph out in another process meanwhile: the step texts
        # and the JSON of everything but the picture are written in that time,
        # so the request costs little more than the layout itself.
        data["steps"] = result.trace(options["precision"], options["fold_constants"],
                                     summary_above)
        if tangents is not None:
            data["tangents"] = tangents
        if descent is not None:
            # in full, whatever their size: the page continues from them
            descent["values"] = {n: json_value(values[n]) for n in descent["params"]}
            data["descent"] = descent
        for field in ("warnings", "warning_data", "notation", "check"):  # to_dict's key order
            if field in data:
                data[field] = data.pop(field)
        encode = current_app.json.dumps
        head = encode(data)
        dot_json = encode(drawing.dot)
        size = len(head) + len(dot_json)
        if size > config["MAX_ANSWER_BYTES"]:
            raise engine.LimitError.of("limit.answer_size", size=size,
                                       limit=config["MAX_ANSWER_BYTES"])
        if config["SPARE_DOT"] and render_slots(current_app).alone():
            # For the next request, while dot works on this one.  Not under load:
            # then the cores are the limit, and starting dot early saves nothing.
            render.start_spare("svg")
        svg, render_error = drawing.finish()
    finally:
        drawing.close()
    # The answer goes out as its parts: joining them would copy a megabyte.
    # (json.dumps escapes to ASCII, so encoding is a plain copy.)
    answer = body_parts((head[:-1].encode(), b', "svg": ', encode(svg).encode(), b', "dot": ',
                         dot_json.encode(), b', "render_error": ', encode(render_error).encode(),
                         b"}\n"))
    if svg is not None:  # drawing failures may be passing (busy, timeout): not kept
        cache.put(key, answer)
    return json_answer(answer)


def config_limits(config):
    """The engine's limits for one program, from the app's settings."""
    return engine.Limits(
        max_length=config["MAX_EXPRESSION_LENGTH"],
        max_nodes=config["MAX_NODES"],
        max_depth=config["MAX_DEPTH"],
        max_array_size=config["MAX_ARRAY_SIZE"],
        max_total_entries=config["MAX_TOTAL_ENTRIES"],
        max_seconds=config["EVAL_TIMEOUT"],
    )


# Below this many bytes an answer is sent as one piece: the server writes each
# part with its own system call, which costs more than copying a small answer.
JOIN_BELOW = 256 * 1024


def body_parts(parts):
    """The pieces to send a body in: ``parts`` as they are, or joined when small (see JOIN_BELOW)."""
    if sum(len(p) for p in parts) < JOIN_BELOW:
        return (b"".join(parts),)
    return tuple(parts)


def json_answer(parts):
    """A 200 JSON response whose body is ``parts`` (from ``body_parts``) in order, with its length set."""
    response = current_app.response_class(parts, mimetype="application/json")
    response.content_length = sum(len(p) for p in parts)
    return response


class Drawing:
    """One graph being drawn, with `dot` started as early as possible.

    Made as soon as the program has evaluated: it takes a render slot
    (``Busy`` when none frees up in time) and a `dot` already started (the
    spare that the previous request left, see SPARE_DOT) or starts one, so
    dot's start-up is done already or overlaps with writing the DOT.
    ``draw`` builds the DOT and hands it over; dot then lays it out while the
    request thread writes the rest of the answer; ``finish`` waits for the
    SVG; ``close`` stops a `dot` still running and gives the slot back (always
    call it).  When Graphviz cannot draw the graph (missing, too slow, too
    big, crashed) ``finish`` answers ``svg`` None and the reason, so the
    numbers still go out.
    """

    def __init__(self, nodes, config):
        self.config = config
        self.dot = self.svg = self.error = self.picture = self.run = None
        large = nodes > config["LARGE_RENDER_NODES"]
        self.release = render_slots(current_app).acquire(large, config["RENDER_QUEUE_TIMEOUT"])
        try:
            self.run = render.started_dot("svg", config["RENDER_TIMEOUT"])
        except Exception:
            self.close()
            raise

    def draw(self, data, options):
        """Write the DOT of ``data`` and give it to dot (or take the picture from the cache)."""
        try:
            # The DOT is built once: it is both part of the answer and what dot lays out.
            self.dot, refusal = render.prepare(
                data, precision=options["precision"], fold_constants=options["fold_constants"],
                max_nodes=self.config["MAX_NODES"])
            if refusal:
                raise render.RenderError(refusal)
            self.picture = render.start_svg(self.dot, self.config["RENDER_TIMEOUT"], self.run)
            self.run = None  # the picture has it now (or cancelled it: drawn before)
        except render.RenderError as error:
            self.error = error
            self.close()
        except Exception:  # a bug in the renderer must not cost the user the numbers
            current_app.logger.exception("render crashed")
            self.error = CRASH
            self.close()

    def finish(self):
        """(svg, render_error): the picture, or None and why there is none."""
        if self.picture is not None:
            try:
                self.svg = self.picture.result()
            except render.RenderError as error:
                self.error = error
            except Exception:
                current_app.logger.exception("render crashed")
                self.error = CRASH
            finally:
                self.close()
        if self.error is None:
            return self.svg, None
        if self.error is CRASH:
            return None, {"message": RENDER_CRASH_MESSAGE, "start": None, "end": None}
        current_app.logger.warning("render failed: %s", self.error.message)
        return None, self.error.to_dict()

    def close(self):
        for job in (self.picture, self.run):
            if job is not None:
                job.cancel()
        self.picture = self.run = None
        if self.release is not None:
            self.release()
            self.release = None


CRASH = object()  # Drawing.error when the renderer itself failed


# --- how many `dot`s run at once -----------------------------------------------------

def available_cores():
    """The CPUs this process may run on (the affinity mask, not the machine's count)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return os.cpu_count() or 1


class RenderSlots:
    """At most ``slots`` renders at once in this process, large graphs in at most ``slots - 1``.

    Layout is CPU-bound, so more `dot`s than cores only makes every one of them
    slower.  Keeping one slot free of large graphs (when there are two or more)
    means a few huge programs cannot hold every slot for seconds while small
    ones, which take milliseconds, wait behind them.  A request waits up to
    ``timeout`` seconds for its slot, then gives up with ``Busy``.
    """

    def __init__(self, slots):
        if isinstance(slots, bool) or not isinstance(slots, int) or slots < 1:
            raise ValueError(f"MAX_CONCURRENT_RENDERS must be a whole number >= 1, not {slots!r}")
        self.slots = slots
        self._all = threading.BoundedSemaphore(slots)
        self._large = threading.BoundedSemaphore(max(1, slots - 1))
        self._lock = threading.Lock()
        self.wanted = 0   # renders holding a slot or waiting for one

    def acquire(self, large, timeout):
        """Take a slot (``Busy`` after ``timeout`` seconds); answers the function that gives it back."""
        self._count(1)
        deadline = time.monotonic() + timeout
        if large and not self._large.acquire(timeout=timeout):
            self._count(-1)
            raise Busy()
        if not self._all.acquire(timeout=max(0.0, deadline - time.monotonic())):
            if large:
                self._large.release()
            self._count(-1)
            raise Busy()

        def release():
            self._all.release()
            if large:
                self._large.release()
            self._count(-1)
        return release

    def _count(self, change):
        with self._lock:
            self.wanted += change

    def alone(self):
        """Whether at most one render holds or wants a slot: the process is not under load."""
        return self.wanted <= 1

    @contextmanager
    def hold(self, large, timeout):
        release = self.acquire(large, timeout)
        try:
            yield
        finally:
            release()


# --- answers already given ------------------------------------------------------------

class ResponseCache:
    """The JSON bodies of recent answers that were drawn, by request, LRU, ``max_bytes`` in all.

    A body is kept as the parts it is sent in (see ``body_parts``), so a hit
    sends them as they are.

    engine/render.py caches the SVG of a DOT source, which saves `dot`; this saves
    the rest (evaluating, the DOT, JSON) for a request seen before, which is
    what the page sends when a change is undone or a link is opened again.
    An answer is a pure function of (expression, values, options) for a given
    app, so that is the key; answers with a ``render_error`` are not kept,
    since the next try may draw.  One answer may use at most a quarter of
    the budget.  ``max_bytes`` 0 turns it off.
    """

    def __init__(self, max_bytes):
        if isinstance(max_bytes, bool) or not isinstance(max_bytes, int) or max_bytes < 0:
            raise ValueError(f"RESPONSE_CACHE_BYTES must be a whole number >= 0, not {max_bytes!r}")
        self.max_bytes = max_bytes
        self.size = 0
        self._items = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def key(expression, values, options):
        return json.dumps([expression, values, options], sort_keys=True, separators=(",", ":"))

    def get(self, key):
        """The body (a tuple of bytes parts) answered for ``key`` before, or None."""
        if not self.max_bytes:
            return None
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            self._items.move_to_end(key)
            return item[0]

    def put(self, key, parts):
        cost = sum(len(p) for p in parts) + len(key)
        if not self.max_bytes or cost > self.max_bytes // 4:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.size -= old[1]
            self._items[key] = (tuple(parts), cost)
            self.size += cost
            while self.size > self.max_bytes:
                _, (_, old_cost) = self._items.popitem(last=False)
                self.size -= old_cost


def init_app(app):
    """Give ``app`` its render slots and answer cache (per process: gunicorn builds one app per worker)."""
    slots = app.config.get("MAX_CONCURRENT_RENDERS")
    if slots is None:
        slots = available_cores()
    app.extensions["render_slots"] = RenderSlots(slots)
    app.extensions["response_cache"] = ResponseCache(app.config["RESPONSE_CACHE_BYTES"])


def render_slots(app):
    return app.extensions["render_slots"]


def response_cache(app):
    return app.extensions["response_cache"]


def read_json_body():
    """The body as a JSON object; NaN and Infinity literals are refused (they are not JSON)."""
    raw = read_body()
    try:
        body = json.loads(raw, parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as error:
        raise BadRequest(f"The request body is not valid JSON ({error}).") from None
    if not isinstance(body, dict):
        raise BadRequest("The request body must be a JSON object.")
    return body


JSON_ONLY_MESSAGE = "The request body must be JSON, sent with Content-Type: application/json."


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
    check = options.get("check", checked["check"])
    if not isinstance(check, bool):
        raise BadRequest('"check" must be true or false.')
    tangents = options.get("tangents", checked["tangents"])
    if isinstance(tangents, str):
        tangents = {"input": tangents, "entry": None}
    if tangents is not None and not (
            isinstance(tangents, dict) and isinstance(tangents.get("input"), str)
            and (tangents.get("entry") is None or (isinstance(tangents["entry"], int)
                                                    and not isinstance(tangents["entry"], bool)))):
        raise BadRequest('"tangents" must be an input name, {"input": name, "entry": n}, or null.')
    if tangents is not None:
        tangents = {"input": tangents["input"], "entry": tangents.get("entry")}
    full = options.get("full_arrays", checked["full_arrays"])
    if not isinstance(full, bool):
        raise BadRequest('"full_arrays" must be true or false.')
    checked.update(precision=precision, fold_constants=fold, default_value=default, check=check,
                   tangents=tangents, full_arrays=full, descent=check_descent(options))
    return checked


def check_descent(options):
    """The "descent" option: {"lr", "steps", "params": [names] or null, "maximize"}, or None.

    The learning rate itself is the engine's to check (engine.descent.check_rate).
    """
    walk = options.get("descent")
    if walk is None:
        return None
    if not isinstance(walk, dict):
        raise BadRequest('"descent" must be an object {"lr", "steps", "params", "maximize"}.')
    params = walk.get("params")
    if params is not None and not (isinstance(params, list)
                                   and all(isinstance(p, str) for p in params)):
        raise BadRequest('"descent.params" must be a list of input names or null.')
    maximize = walk.get("maximize", False)
    if not isinstance(maximize, bool):
        raise BadRequest('"descent.maximize" must be true or false.')
    return {"lr": walk.get("lr"), "steps": walk.get("steps", 1), "params": params,
            "maximize": maximize}


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
