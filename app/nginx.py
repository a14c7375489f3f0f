"""nginx before gunicorn, for `make run` (app.serving): its configuration, written per run.

Why a front: gunicorn's threads read a request's body and write its answer
themselves, so slow clients would hold them; nginx reads whole requests and takes
whole answers into its buffers, and its timeouts drop clients that stall.
"""

from __future__ import annotations

import ipaddress
import json
import os
import pwd
import shutil
import textwrap
from pathlib import Path

# Seconds nginx waits on a client: for the request line and headers, between two
# reads of a body, between two writes of an answer, and for the next request on
# a kept-alive connection.  A client that stalls longer is dropped.
TIMEOUTS = {"client_header_timeout": 10, "client_body_timeout": 10, "send_timeout": 30,
            "keepalive_timeout": 15}
# Seconds nginx waits for an app server: to connect, and for its answer (a
# graph's layout stops at RENDER_TIMEOUT, gunicorn kills a worker stuck 30 s).
UPSTREAM_TIMEOUTS = {"proxy_connect_timeout": 5, "proxy_read_timeout": 60,
                     "proxy_send_timeout": 30}

# The errors nginx answers itself, as the API's JSON, in the app's words (app/errors.py)
# where it has them.
FRONT_ERRORS = (400, 408, 413, 414, 429, 494, 500, 502, 503, 504)


def nginx_binary() -> str | None:
    """Debian installs nginx in /usr/sbin, which is not on a user's PATH."""
    return shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(p, os.X_OK)), None)


def error_body(message: str) -> str:
    """The API's JSON error as an nginx single-quoted string (json.dumps writes ASCII; no ``$``)."""
    body = json.dumps({"error": {"message": message, "start": None, "end": None}})
    return "'" + body.replace("\\", "\\\\").replace("'", "\\'") + "\\n'"


def listen_address(host: str, port: int) -> str:
    try:
        if ipaddress.ip_address(host).version == 6:
            return f"[{host}]:{port}"
    except ValueError:
        pass  # a host name
    return f"{host}:{port}"


def nginx_config(listen: str, upstreams: list[str], run_dir: Path, max_body: int,
                 messages: dict, user: str | None = None, cache_bytes: int = 0,
                 large_bytes: int = 0, large_at_once: int = 0) -> str:
    """nginx.conf for a front on ``listen`` before ``upstreams`` (``host:port`` or ``unix:path``).

    ``cache_bytes`` > 0 keeps answers of ``POST /api/graph`` in ``run_dir`` (see
    answer_cache), at most that many bytes of them.  ``large_at_once`` > 0 lets
    at most that many requests with a body over ``large_bytes`` reach the app
    at once (see large_requests).
    """
    words = {**MESSAGES_FALLBACK, **messages}
    errors = "\n".join(
        f"        error_page {code} @error{code};\n        location @error{code} "
        f"{{ default_type application/json;{RETRY_AFTER if code in (429, 503) else ''} "
        f"return {code} {error_body(words[code])}; }}"
        for code in FRONT_ERRORS)
    servers = "\n".join(f"        server {u};" for u in upstreams)
    cache_path, cache = answer_cache(run_dir, cache_bytes)
    large_zone, large = large_requests(large_bytes, large_at_once)
    proxy = textwrap.indent(PROXY, " " * 12)
    timeouts = "\n".join(f"    {k} {v}s;" for k, v in {**TIMEOUTS, **UPSTREAM_TIMEOUTS}.items())
    temp = "\n".join(f"    {kind}_temp_path {run_dir / kind};"
                     for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return f"""# Written by app/serving.py for one run; removed when it stops.
{f"user {user};" if user else ""}
worker_processes auto;
worker_rlimit_nofile 8192;
pid {run_dir / "nginx.pid"};
error_log stderr warn;
daemon off;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    server_tokens off;
    default_type application/octet-stream;
{temp}
{timeouts}
    reset_timedout_connection on;
    # The app's MAX_CONTENT_LENGTH, held in memory: the whole body is read before
    # the request goes on (proxy_request_buffering), chunked or not.
    client_max_body_size {max_body or 0};
    client_body_buffer_size {max_body or "1m"};
    upstream app {{
{servers}
    }}
{cache_path}{large_zone}
    server {{
        listen {listen} default_server;
        server_name _;
        absolute_redirect off;
{errors}
        location / {{
{proxy}
        }}
        location = /api/graph {{
{proxy}
{cache}{large}
        }}
    }}
}}
"""


# How nginx passes every request on to the app (in each location).
PROXY = """proxy_pass http://app;
proxy_http_version 1.1;
proxy_request_buffering on;
# The answer is taken whole, 512 KB in memory and the rest in a temporary
# file, so the app's thread is free before a slow client has read it.
proxy_buffering on;
proxy_buffer_size 16k;
proxy_buffers 8 64k;
proxy_busy_buffers_size 128k;
proxy_set_header Host $http_host;
proxy_set_header X-Forwarded-For $remote_addr;
proxy_set_header X-Forwarded-Proto $scheme;
proxy_set_header Connection "";
# A request that could not be sent (connection refused) goes to the next
# app server; one that was sent is not sent again (the default), so a
# request that kills its worker cannot go on to kill every server.
proxy_next_upstream error timeout;
"""


def answer_cache(run_dir: Path, max_bytes: int) -> tuple[str, str]:
    """(http-level, location-level) configuration of the front's cache of answers.

    An answer of ``POST /api/graph`` is a pure function of the request's body
    (and its Content-Type, which decides between an answer and a 415), so the
    body is the key: the whole body, held in one memory buffer (the app's limit,
    ``client_body_buffer_size``); a body nginx did not hold so (none) is never
    looked up or kept.  nginx keeps only what the app marks with
    X-Accel-Expires (app/answers.py: answers with their picture, never one with
    a render_error, a busy 503 or an error), at most ``max_bytes`` on disk in
    ``run_dir`` (least recently used out first), and says HIT or MISS in
    X-Cache.  It finds an entry by the MD5 of the key and, on a hit, checks the
    key's CRC32 and length too.
    """
    if max_bytes <= 0:
        return "", ""
    http = (f"    proxy_cache_path {run_dir / 'answers'} levels=1:2 keys_zone=answers:8m "
            f"max_size={max_bytes} inactive=1d use_temp_path=off;\n"
            '    map $request_body $body_not_held { "" 1; default 0; }')
    location = """            client_body_in_single_buffer on;
            proxy_cache answers;
            proxy_cache_methods POST;
            proxy_cache_key "$request_method $uri $content_type $request_body";
            proxy_cache_bypass $body_not_held;
            proxy_no_cache $body_not_held;
            add_header X-Cache $upstream_cache_status always;"""
    return http, location


RETRY_AFTER = " add_header Retry-After 1 always;"


def large_requests(large_bytes: int, at_once: int) -> tuple[str, str]:
    """(http-level, location-level) configuration that lets at most ``at_once``
    requests with a body over ``large_bytes`` bytes (or of unknown length:
    chunked) into the app at once; the others are answered 429 at once, by nginx.

    A large program costs the app its whole evaluation, trace and layout, and
    one of its threads; clients looping large programs would otherwise take
    every thread and core, and a small request would wait behind them (a
    canary's p95 went from 6 ms to 1.3 s under 10 such clients).  Small bodies
    are not counted (an empty key is not), so they never wait for this.
    """
    if at_once <= 0:
        return "", ""
    # Admitted at `at_once` a second, a burst of ten seconds' worth waiting in nginx (a
    # connection there costs no CPU), so clients that loop do not spin on 429s either.
    http = ('\n    map $content_length $large_body { "" large; '
            f'"~^({over(large_bytes)})$" large; default ""; }}\n'
            "    limit_conn_zone $large_body zone=large:1m;\n"
            f"    limit_req_zone $large_body zone=large_rate:1m rate={at_once}r/s;")
    location = f"""
            limit_conn large {at_once};
            limit_req zone=large_rate burst={10 * at_once};
            limit_conn_status 429;
            limit_req_status 429;
            limit_conn_log_level info;
            limit_req_log_level info;"""
    return http, location


def over(n: int) -> str:
    """A regular expression of the decimal numbers (no leading zeros) greater than ``n``."""
    digits = str(n)
    bigger = [rf"[1-9]\d{{{len(digits)},}}"]  # more digits
    for i, d in enumerate(digits):            # as many: a greater digit after the same start
        if d != "9":
            rest = len(digits) - i - 1
            bigger.append(digits[:i] + f"[{int(d) + 1}-9]" + (rf"\d{{{rest}}}" if rest else ""))
    return "|".join(bigger)


# Words for statuses the app never answers itself (so app/errors.py has none).
MESSAGES_FALLBACK = {
    408: "The request took too long to arrive.",
    414: "The request address is too long.",
    429: "The server is busy with other large programs; try again in a moment.",
    494: "The request headers are too large.",
    502: "The server is not answering; try again in a moment.",
    503: "The server is busy; try again in a moment.",
    504: "The server took too long to answer; try again in a moment.",
}


def worker_user() -> str | None:
    """The unprivileged user nginx's workers run as when it is started as root."""
    if os.geteuid() != 0:
        return None
    for user, group in (("www-data", "www-data"), ("nobody", "nogroup")):
        try:
            pwd.getpwnam(user)
            return f"{user} {group}"
        except KeyError:
            continue
    return None
