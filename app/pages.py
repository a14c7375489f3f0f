"""The one page: the editor, the graph and the step-through player."""

from flask import Blueprint, current_app, render_template, send_from_directory

bp = Blueprint("pages", __name__)


@bp.get("/")
def index():
    """Serve the page; everything after this is static files and /api/graph."""
    return render_template("index.html")


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page says; answer with the SVG icon."""
    return send_from_directory(current_app.static_folder, "favicon.svg", mimetype="image/svg+xml")
