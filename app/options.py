"""The ``"options"`` of a ``POST /api/graph`` request, checked, with their defaults.

The program and the values are the engine's to check (with their place in the
text); these are the switches around them.
"""

MAX_PRECISION = 10
DEFAULT_OPTIONS = {"precision": 2, "fold_constants": True, "default_value": None, "check": False,
                   "tangents": None, "full_arrays": False, "descent": None}


class BadRequest(Exception):
    """The request body is not what the API expects; ``message`` says what is wrong."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def _flag(options, name):
    value = options.get(name, DEFAULT_OPTIONS[name])
    if not isinstance(value, bool):
        raise BadRequest(f'"{name}" must be true or false.')
    return value


def _is_finite_number(value):
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and float("-inf") < value < float("inf"))


def check_options(options):
    """The request's options with every default filled in; BadRequest names what is wrong."""
    if not isinstance(options, dict):
        raise BadRequest('"options" must be an object.')
    precision = options.get("precision", DEFAULT_OPTIONS["precision"])
    if not (isinstance(precision, int) and not isinstance(precision, bool)
            and 0 <= precision <= MAX_PRECISION):
        raise BadRequest(f'"precision" must be a whole number from 0 to {MAX_PRECISION}.')
    default = options.get("default_value", DEFAULT_OPTIONS["default_value"])
    if default is not None and not _is_finite_number(default):
        raise BadRequest('"default_value" must be a finite number or null.')
    return {"precision": precision, "fold_constants": _flag(options, "fold_constants"),
            "default_value": default, "check": _flag(options, "check"),
            "tangents": check_tangents(options), "full_arrays": _flag(options, "full_arrays"),
            "descent": check_descent(options)}


def check_tangents(options):
    """The "tangents" option (forward mode): an input name, or {"input": name, "entry": n}."""
    tangents = options.get("tangents")
    if tangents is None:
        return None
    if isinstance(tangents, str):
        return {"input": tangents, "entry": None}
    entry = tangents.get("entry") if isinstance(tangents, dict) else None
    if not (isinstance(tangents, dict) and isinstance(tangents.get("input"), str)
            and (entry is None or (isinstance(entry, int) and not isinstance(entry, bool)))):
        raise BadRequest('"tangents" must be an input name, {"input": name, "entry": n}, or null.')
    return {"input": tangents["input"], "entry": entry}


def check_descent(options):
    """The "descent" option: {"lr", "steps", "params": [names] or null, "maximize"}, or None.

    The learning rate and the steps are the engine's to check (engine.descent).
    """
    walk = options.get("descent")
    if walk is None:
        return None
    if not isinstance(walk, dict):
        raise BadRequest('"descent" must be an object {"lr", "steps", "params", "maximize"}.')
    params = walk.get("params")
    if params is not None and not (isinstance(params, list)
                                   and all(isinstance(p, str) for p in params)):
        raise BadRequest('"descent.params" must be a list of input names or null.')
    maximize = walk.get("maximize", False)
    if not isinstance(maximize, bool):
        raise BadRequest('"descent.maximize" must be true or false.')
    return {"lr": walk.get("lr"), "steps": walk.get("steps", 1), "params": params,
            "maximize": maximize}
