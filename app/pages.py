"""The page: the editor, the graph and the step-through player; and its embed view."""

from flask import Blueprint, current_app, make_response, render_template, request, send_from_directory

from app import content_security_policy

bp = Blueprint("pages", __name__)

# The parts of the page an embed's link may hide: /embed?hide=editor,inputs
EMBED_PARTS = ("editor", "inputs", "options", "details", "strip", "player", "explain", "export")


@bp.get("/")
def index():
    """Serve the page; everything after this is static files and /api/graph."""
    return render_template("index.html")


@bp.get("/embed")
def embed():
    """The page for an iframe: no header, a link to the whole page, and the parts named
    by ``hide`` (comma-separated, or repeated) left out.  Only this view may be framed,
    and only by the origins of the FRAME_ANCESTORS setting."""
    asked = {flag.strip().lower() for value in request.args.getlist("hide") for flag in value.split(",")}
    hide = [part for part in EMBED_PARTS if part in asked]
    response = make_response(render_template("index.html", embed=True, hide=hide))
    response.headers["Content-Security-Policy"] = content_security_policy(current_app.config["FRAME_ANCESTORS"])
    return response


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page says; answer with the SVG icon."""
    return send_from_directory(current_app.static_folder, "favicon.svg", mimetype="image/svg+xml")
