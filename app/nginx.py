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
FRONT_ERRORS = (400, 408, 413, 414, 494, 500, 502, 503, 504)


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
                 messages: dict, user: str | None = None) -> str:
    """nginx.conf for a front on ``listen`` before ``upstreams`` (``host:port`` or ``unix:path``)."""
    words = {**MESSAGES_FALLBACK, **messages}
    errors = "\n".join(
        f"        error_page {code} @error{code};\n        location @error{code} "
        f"{{ default_type application/json; return {code} {error_body(words[code])}; }}"
        for code in FRONT_ERRORS)
    servers = "\n".join(f"        server {u};" for u in upstreams)
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
    server {{
        listen {listen} default_server;
        server_name _;
        absolute_redirect off;
{errors}
        location / {{
            proxy_pass http://app;
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
        }}
    }}
}}
"""


# Words for statuses the app never answers itself (so app/errors.py has none).
MESSAGES_FALLBACK = {
    408: "The request took too long to arrive.",
    414: "The request address is too long.",
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
