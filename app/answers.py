"""Answers of ``POST /api/graph`` as bytes: written in parts, sent in parts, kept for a repeat."""

import json

from flask import current_app

from engine.render import SizedLRU

# How long a cache in front of the app (nginx's, see app/nginx.py) may keep an answer
# it is told it may keep (X-Accel-Expires, which nginx reads and does not pass on).
FRONT_CACHE_SECONDS = 24 * 3600

# Below this many bytes an answer is sent as one piece: the server writes each
# part with its own system call, which costs more than copying a small answer.
JOIN_BELOW = 256 * 1024


def answer_parts(head, dot, svg, render_error):
    """The body of an answer: ``head`` (the JSON of the result) with the drawing's keys added.

    The SVG and the DOT are spliced in rather than encoded with the rest, so a
    large answer is not copied once more (json.dumps escapes to ASCII, so
    encoding to bytes is a plain copy).
    """
    encode = current_app.json.dumps
    parts = (head[:-1].encode(), b', "svg": ', encode(svg).encode(), b', "dot": ',
             encode(dot).encode(), b', "render_error": ', encode(render_error).encode(), b"}\n")
    if sum(len(p) for p in parts) < JOIN_BELOW:
        return (b"".join(parts),)
    return parts


def json_answer(parts, shared=False):
    """A 200 JSON response whose body is ``parts`` in order, with its length set.

    ``shared``: a cache in front of the app may keep the answer for any request
    with the same body.  Only answers with their picture are: one without may
    fail only for now (a timeout on a busy machine), and the front would keep
    answering it after the app's own memory of the failure ends.
    """
    response = current_app.response_class(parts, mimetype="application/json")
    response.content_length = sum(len(p) for p in parts)
    if shared:
        response.headers["X-Accel-Expires"] = str(FRONT_CACHE_SECONDS)
    return response


class Answer(tuple):
    """An answer's body as the parts it is sent in; ``shared`` as json_answer's."""

    shared = False


class AnswerCache:
    """The bodies of recent drawn answers, by request, least recently used dropped past ``max_bytes``.

    The picture cache saves `dot`; this saves the rest (evaluating, the DOT,
    the JSON) for a request seen before, which is what the page sends when a
    change is undone or a link is opened again.  An answer is a pure function
    of (expression, values, options) for a given app, so that is the key.  A
    body is kept as the parts it is sent in, so a hit sends them as they are.
    ``max_bytes`` 0 turns it off.
    """

    def __init__(self, max_bytes):
        self.lru = SizedLRU(max_bytes, "RESPONSE_CACHE_BYTES")

    @property
    def size(self):
        return self.lru.size

    @staticmethod
    def key(expression, values, options):
        return json.dumps([expression, values, options], sort_keys=True, separators=(",", ":"))

    def get(self, key):
        """The body (an Answer: a tuple of bytes parts) answered for ``key`` before, or None."""
        return self.lru.get(key)

    def put(self, key, parts, shared=False):
        answer = Answer(parts)
        answer.shared = shared
        self.lru.put(key, answer, sum(len(p) for p in answer) + len(key))


def init_app(app):
    """Give ``app`` its answer cache (per process: gunicorn builds one app per worker)."""
    app.extensions["answer_cache"] = AnswerCache(app.config["RESPONSE_CACHE_BYTES"])


def answer_cache(app):
    return app.extensions["answer_cache"]
