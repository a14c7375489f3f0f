"""Downloads the page asks the server to write: ``POST /api/export/<kind>``.

``html``: one self-contained HTML file that plays the steps with no server
(engine.standalone); ``animated-svg``: the figure with its backward pass animated
(engine.animate).  The request body is ``POST /api/graph``'s (expression, values,
options: precision, fold_constants, default_value); the answer is the file, as an
attachment.  Errors answer the API's JSON, as /api/graph does.
"""

from flask import Blueprint, current_app

import engine
from engine import render

from app import api
from app.drawing import Busy, render_slots
from app.errors import json_error, json_http_error
from app.options import BadRequest, check_options

bp = Blueprint("exports", __name__, url_prefix="/api/export")

for _status in (400, 404, 405, 413, 415, 500):
    bp.register_error_handler(_status, json_http_error)
bp.register_error_handler(BadRequest, api.bad_request)
bp.register_error_handler(Busy, api.busy)
bp.register_error_handler(engine.EngineError, api.engine_error)

# kind -> (how the result writes it, mimetype, file name)
KINDS = {
    "html": ("to_html", "text/html", "backprop-graph.html"),
    "animated-svg": ("to_animated_svg", "image/svg+xml", "backprop-graph-animated.svg"),
}


@bp.errorhandler(render.RenderError)
def not_drawn(error):
    """Without a drawing there is nothing to export: 422, with the renderer's reason."""
    return json_error(422, **error.to_dict())


@bp.post("/<kind>")
def export(kind):
    """Evaluate the program of the request and answer it as a file of this ``kind``."""
    if kind not in KINDS:
        return json_error(404, f"There is no export '{kind}'; the exports are: "
                          + ", ".join(KINDS) + ".")
    body = api.read_json_body()
    expression = body.get("expression")
    if not isinstance(expression, str):
        raise BadRequest('"expression" must be a string.')
    values = body.get("values", {})
    options = check_options(body.get("options", {}))
    config = current_app.config
    result = engine.evaluate(expression, values, api.config_limits(config),
                             default=options["default_value"])
    method, mimetype, filename = KINDS[kind]
    plan = render.plan(result.to_dict(steps=False), fold_constants=options["fold_constants"],
                       max_nodes=config["MAX_NODES"])
    if plan.refusal:
        raise render.RenderError(plan.refusal)
    with render_slots(current_app).hold(plan.cost > config["COSTLY_RENDER_SECONDS"], config):
        text = getattr(result, method)(precision=options["precision"],
                                       fold_constants=options["fold_constants"],
                                       timeout=config["RENDER_TIMEOUT"])
    response = current_app.response_class(text.encode(), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
