"""Flask layer of backprop-viz: a page and a JSON API over the engine.

The app stays thin: it checks the request, asks ``engine.evaluate`` for the
numbers and ``engine.render`` for the picture, and answers JSON.  Everything the
page shows comes from that one answer.
"""

from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent

DEFAULT_CONFIG = {
    # Largest request body in bytes; larger bodies get a JSON 413.
    "MAX_CONTENT_LENGTH": 256 * 1024,
    # Largest program in characters, nodes and nesting depth (engine.Limits).
    "MAX_EXPRESSION_LENGTH": 20_000,
    "MAX_NODES": 2000,
    "MAX_DEPTH": 1000,
    # Seconds Graphviz may take to lay out one graph.
    "RENDER_TIMEOUT": 10.0,
    # `dot` processes one worker process runs at once; None means one per CPU core.
    # Graphs with more than LARGE_RENDER_NODES nodes may use all slots but one.
    "MAX_CONCURRENT_RENDERS": None,
    "LARGE_RENDER_NODES": 500,
    # Seconds a request waits for a free render slot before answering 503 (busy).
    "RENDER_QUEUE_TIMEOUT": 10.0,
    # Bytes of recent drawn answers kept per worker, to answer a repeated request at once (0: off).
    "RESPONSE_CACHE_BYTES": 64 * 1024 * 1024,
    # Bytes of recent pictures (DOT source -> SVG) kept per worker, so the same DOT
    # reached by another request is not laid out again (0: off).
    "PICTURE_CACHE_BYTES": 32 * 1024 * 1024,
}

# No inline script and no inline style anywhere: the page's code and CSS are
# files under static/, and the Graphviz SVG carries presentation attributes only.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; "
    "img-src 'self' data: blob:; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def create_app(config=None):
    """Build the app: defaults, then ``BACKPROP_*`` environment variables, then ``config``."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
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

    from app import answers, api, drawing, errors, pages

    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    drawing.init_app(app)
    answers.init_app(app)
    errors.init_app(app)

    @app.after_request
    def add_security_headers(response):
        for header, value in SECURITY_HEADERS.items():
            response.headers.setdefault(header, value)
        return response

    return app
