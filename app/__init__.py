"""Flask layer of backprop-viz: a page and a JSON API over the engine.

The app stays thin: it checks the request, asks ``engine.evaluate`` for the
numbers and ``engine.render`` for the picture, and answers JSON.  Everything the
page shows comes from that one answer.
"""

import re
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent  # the top of the checkout, when running from one


def _folder(name: str) -> Path:
    """Where templates/ or static/ is: inside the package when installed from a wheel
    or an sdist (pyproject maps them there), else at the top of the checkout."""
    installed = HERE / name
    return installed if installed.is_dir() else ROOT / name


DEFAULT_CONFIG = {
    # Largest request body in bytes; larger bodies get a JSON 413.
    "MAX_CONTENT_LENGTH": 256 * 1024,
    # Largest program in characters, nodes and nesting depth (engine.Limits).
    "MAX_EXPRESSION_LENGTH": 20_000,
    "MAX_NODES": 2000,
    "MAX_DEPTH": 1000,
    # A budget for a whole program, checked from its shapes before anything is computed:
    # entries in one array, and in all the program's values together; and the seconds
    # one evaluation may take.
    "MAX_ARRAY_SIZE": 1_000_000,
    "MAX_TOTAL_ENTRIES": 4_000_000,
    "EVAL_TIMEOUT": 5.0,
    # Arrays with more entries travel as summaries (shape, first entries, min, max,
    # mean) unless the request asks for "full_arrays"; and the largest answer, in bytes.
    "ARRAY_SUMMARY_ABOVE": 1000,
    "MAX_ANSWER_BYTES": 16 * 1024 * 1024,
    # Seconds Graphviz may take to lay out one graph (a layout predicted to take over
    # 2 s is refused before it starts: engine/render/planning.py).
    "RENDER_TIMEOUT": 5.0,
    # `dot` processes one worker process runs at once; None means one per CPU core.
    # Graphs whose layout is predicted to take over COSTLY_RENDER_SECONDS may use all
    # slots but one (see app/drawing.py).
    "MAX_CONCURRENT_RENDERS": None,
    "COSTLY_RENDER_SECONDS": 0.25,
    # Seconds a request waits for a free render slot before answering without a
    # picture (render_error: the server is busy); a
    # costly graph waits COSTLY_QUEUE_TIMEOUT, and only while few others wait.
    "RENDER_QUEUE_TIMEOUT": 10.0,
    "COSTLY_QUEUE_TIMEOUT": 5.0,
    # Bytes of recent drawn answers kept per worker, to answer a repeated request at once (0: off).
    "RESPONSE_CACHE_BYTES": 64 * 1024 * 1024,
    # Bytes of recent pictures (DOT source -> SVG) kept per worker, so the same DOT
    # reached by another request is not laid out again (0: off).
    "PICTURE_CACHE_BYTES": 32 * 1024 * 1024,
    # Bytes of drawn answers that `make run`'s nginx keeps on disk, for all workers,
    # by request body (app/nginx.py; 0: off).
    "FRONT_CACHE_BYTES": 256 * 1024 * 1024,
    # `make run`'s nginx lets at most FRONT_LARGE_AT_ONCE requests with a body over
    # FRONT_LARGE_BYTES (a program of some 600 nodes, or large arrays) into the app at
    # once, and answers others 429 at once (app/nginx.py large_requests; 0: no limit).
    "FRONT_LARGE_BYTES": 2048,
    "FRONT_LARGE_AT_ONCE": 2,
    # Origins whose pages may show the embed view (/embed) in a frame, e.g.
    # ["https://course.example.org"] (BACKPROP_FRAME_ANCESTORS='["https://a.org"]' or
    # "https://a.org https://b.org").  Empty: no page may frame it (frame-ancestors 'none').
    "FRAME_ANCESTORS": (),
}

# No inline script and no inline style anywhere: the page's code and CSS are
# files under static/, and the Graphviz SVG carries presentation attributes only.
POLICY_WITHOUT_FRAMING = (
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data: blob:; object-src 'none'; base-uri 'none'; "
)
CONTENT_SECURITY_POLICY = POLICY_WITHOUT_FRAMING + "frame-ancestors 'none'"

# A source the FRAME_ANCESTORS setting may list: 'self', or an origin (a scheme,
# a host that may start with "*.", an optional port).  Nothing that could end
# the directive (";", ",", quotes, spaces) gets into the header.
FRAME_SOURCE = re.compile(r"^(?:'self'|https?://(?:\*\.)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*(?::(?:\d{1,5}|\*))?)$")


def frame_ancestors(setting) -> tuple:
    """The FRAME_ANCESTORS setting as a tuple of CSP sources: a list of origins, or one
    string of them separated by spaces or commas (as an environment variable gives
    it).  A source that is not an origin is refused at start-up with its reason."""
    if setting is None:
        return ()
    items = re.split(r"[\s,]+", setting) if isinstance(setting, str) else list(setting)
    sources = []
    for item in items:
        if not isinstance(item, str):
            raise ValueError(f"FRAME_ANCESTORS: {item!r} is not text; list origins such as https://example.org")
        item = item.strip().rstrip("/")
        if not item:
            continue
        if item.lower() in ("*", "'none'", "none"):
            raise ValueError(f"FRAME_ANCESTORS: {item!r} is not allowed; list the origins that may frame the "
                             "page, or leave the setting empty for none")
        if not FRAME_SOURCE.match(item):
            raise ValueError(f"FRAME_ANCESTORS: {item!r} is not an origin such as https://example.org "
                             "or http://localhost:8000")
        sources.append(item)
    return tuple(sources)


def content_security_policy(ancestors=()) -> str:
    """The page's policy; `ancestors` (frame_ancestors()) may frame it, or nobody."""
    return POLICY_WITHOUT_FRAMING + "frame-ancestors " + (" ".join(ancestors) if ancestors else "'none'")

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def relative_redirect(response):
    """Make ``Location`` a path: the app only redirects within itself (``//api//graph`` to
    ``/api/graph``), and Werkzeug writes the Host header, which the client chose, into it."""
    location = response.headers.get("Location")
    if location:
        parts = urlsplit(location)
        # One leading slash: "//host/..." would be read as another site.
        path = "/" + parts.path.lstrip("/")
        response.headers["Location"] = urlunsplit(("", "", path, parts.query, parts.fragment))
    return response


def create_app(config=None):
    """Build the app: defaults, then ``BACKPROP_*`` environment variables, then ``config``."""
    # Imported here, not at the top: `backprop-viz eval` (app.cli) then starts
    # without loading Flask, about 0.2 s of a 0.45 s run.
    from flask import Flask

    app = Flask(
        __name__,
        template_folder=str(_folder("templates")),
        static_folder=str(_folder("static")),
    )
    app.config.from_mapping(DEFAULT_CONFIG)
    # Answers can be hundreds of KB (the SVG and DOT ride along): sorting every
    # object's keys is pure cost. (ASCII escaping stays: user text may hold lone
    # surrogates, which UTF-8 cannot encode.)
    app.json.sort_keys = False
    # BACKPROP_MAX_NODES=500 becomes app.config["MAX_NODES"] == 500 (values are read as JSON).
    app.config.from_prefixed_env(prefix="BACKPROP")
    if config:
        app.config.from_mapping(config)
    app.config["FRAME_ANCESTORS"] = frame_ancestors(app.config.get("FRAME_ANCESTORS"))

    from app import answers, api, drawing, errors, exports, pages

    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(exports.bp)
    drawing.init_app(app)
    answers.init_app(app)
    errors.init_app(app)

    @app.after_request
    def add_security_headers(response):
        for header, value in SECURITY_HEADERS.items():
            response.headers.setdefault(header, value)
        return relative_redirect(response)

    return app
