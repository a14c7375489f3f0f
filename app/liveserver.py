"""Run the app for real on 127.0.0.1 at a free port, for the tests, scripts and benchmarks.

* ``live_server()``: Werkzeug's threaded server in a background thread of this
  process (the browser tests, ``scripts/screenshots.py``, ``benchmarks/page_bench.py``).
* ``request()``: one HTTP request to 127.0.0.1 on a fresh connection.
  (gunicorn and nginx started as ``make run`` starts them: ``app.serving.launch``.)
* ``CHROMIUM``, ``CHROMIUM_ARGS``, ``VIEWPORT``: how all of them drive Debian's
  Chromium with Playwright (``playwright install`` is never needed).

The app itself never imports this module.
"""

from __future__ import annotations

import contextlib
import http.client
import threading

from werkzeug.serving import make_server

from app import create_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
VIEWPORT = {"width": 1440, "height": 900}

@contextlib.contextmanager
def live_server(config=None):
    """Yield the base URL of a running threaded server; shut it down on exit."""
    server = make_server("127.0.0.1", 0, create_app(config), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def request(port, method, path, body=None, content_type="application/json", timeout=60.0):
    """One request to 127.0.0.1:``port`` on a fresh connection: (status, body bytes)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        headers = {"Content-Type": content_type} if body is not None else {}
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()
