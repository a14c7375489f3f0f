"""A second live server, on another port (so another origin), whose one page frames a URL:
for the tests of who may show the embed view in an iframe."""

import contextlib
import html
import threading

from werkzeug.serving import make_server


def parent_page(src: str) -> bytes:
    """A tiny page of another site with the app in an iframe."""
    return (f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A course page</title></head>'
            f'<body><h1>A course page</h1><iframe id="embedded" title="backprop-viz" width="700" height="500" '
            f'src="{html.escape(src, quote=True)}"></iframe></body></html>').encode()


@contextlib.contextmanager
def framing_site():
    """Yield (origin, frame(src)): the site's origin, and a function that sets the URL
    its page frames.  Its page is served at the origin's /."""
    framed = {"src": "about:blank"}

    def app(environ, start_response):
        body = parent_page(framed["src"])
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(body)))])
        return [body]

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="framing-site", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", lambda src: framed.update(src=src)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
