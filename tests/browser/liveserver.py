"""Serve the app on 127.0.0.1 at a free port from a background thread (tests and scripts)."""

import threading
from contextlib import contextmanager

from werkzeug.serving import make_server

from app import create_app


@contextmanager
def live_server(config=None):
    """Yield the base URL of a running server; shut it down on exit."""
    server = make_server("127.0.0.1", 0, create_app(config), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
