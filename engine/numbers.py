"""Numbers as text and as JSON: the one formatter the trace, the wires, the CLI and the API share.

The rules (the page's static/js/format.js follows the same ones, and a test
compares both on a table):

* ``precision`` decimals in fixed notation: ``-2.00``, ``0.73``;
* scientific notation, with ``precision`` decimals and a two-digit exponent,
  where fixed notation would hide the number: magnitudes from 1e5 up (also
  when rounding reaches 1e5) or below ``10**-precision`` (which would print as
  zero): ``1.23e+05``, ``1.00e-10``;
* rounding is half away from zero on the exact binary value (what the
  browser's ``toFixed``/``toExponential`` do), so ``0.125`` is ``0.13``;
* zero, and negative zero, is ``0.00``; non-finite numbers are ``inf``,
  ``-inf`` and ``nan``, everywhere.

JSON carries non-finite numbers as the strings "Infinity", "-Infinity", "NaN".
"""

from __future__ import annotations

import math
import warnings
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

#: The most decimals any caller may ask for.
MAX_PRECISION = 12
#: Arrays with at most this many entries are written out in full.
SMALL_ARRAY = 6
#: Entries shown after the shape for larger arrays.
ARRAY_PREVIEW = 3

# 10**-p as the literal "1e-p" reads (the page parses the same literal, so both
# sides compare against the same float64).
_SMALLEST_FIXED = [float(f"1e-{p}") for p in range(MAX_PRECISION + 1)]
_NONFINITE_JSON = {"Infinity": math.inf, "-Infinity": -math.inf, "NaN": math.nan}


def as_float(v) -> float:
    """A number from the JSON contract (a number, or "Infinity"/"-Infinity"/"NaN") as a float."""
    if type(v) is float:
        return v
    if isinstance(v, str) and v in _NONFINITE_JSON:
        return _NONFINITE_JSON[v]
    if isinstance(v, bool) or not isinstance(v, (int, float, np.floating, np.integer)):
        raise ValueError(f"{v!r} is not a number")
    return float(v)


def _half_up_fixed(x: float, precision: int) -> str:
    return f"{Decimal(x).quantize(Decimal(1).scaleb(-precision), ROUND_HALF_UP):f}"


def _fixed(x: float, precision: int) -> str:
    text = f"{x:.{precision}f}"  # correctly rounded, but half to even on an exact tie
    # An exact tie shows as a trailing 5 one digit further; only then is Decimal needed.
    if f"{x:.{precision + 1}f}"[-1] == "5":
        text = _half_up_fixed(x, precision)
    return text


def _scientific(x: float, precision: int) -> str:
    mantissa, _, exponent = f"{x:.{precision}e}".partition("e")
    if f"{x:.{precision + 1}e}".partition("e")[0][-1] == "5":  # a possible exact tie
        d = Decimal(x)
        e = d.adjusted()
        m = d.scaleb(-e).quantize(Decimal(1).scaleb(-precision), ROUND_HALF_UP)
        if abs(m) >= 10:
            e += 1
            m = d.scaleb(-e).quantize(Decimal(1).scaleb(-precision), ROUND_HALF_UP)
        mantissa, exponent = f"{m:f}", f"{e:+03d}"
    return f"{mantissa}e{exponent}"


def format_number(v, precision: int = 2) -> str:
    """One number as every part of the product writes it: ``-2.00``, ``1.23e+05``, ``inf``."""
    x = v if type(v) is float else as_float(v)
    if x != x:
        return "nan"
    if x in (math.inf, -math.inf):
        return "inf" if x > 0 else "-inf"
    if x == 0:
        return f"{0.0:.{precision}f}"  # also turns -0.0 into 0.00
    a = abs(x)
    if _SMALLEST_FIXED[precision] <= a < 1e5:
        text = _fixed(x, precision)
        if abs(float(text)) < 1e5:
            return text
    return _scientific(x, precision)


def shape_text(shape) -> str:
    """A shape as the engine writes it: ``()``, ``(3,)``, ``(2,3)``."""
    shape = tuple(shape)
    return "(" + ",".join(str(n) for n in shape) + ("," if len(shape) == 1 else "") + ")"


def _shape_and_leaves(v):
    """(shape, flat entries) of a number, a numpy array or a nested list of numbers."""
    if isinstance(v, np.ndarray):
        return v.shape, v.ravel().tolist()
    if not isinstance(v, list):
        return (), [v]
    if not v:
        return (0,), []
    if isinstance(v[0], list):
        return (len(v), len(v[0])), [x for row in v for x in row]
    return (len(v),), list(v)


def format_value(v, precision: int = 2, shape: bool = False) -> str:
    """A number, a small array in full, or a larger one as its shape and first entries.

    ``[2.00, -3.00]``, ``[[1.00, 2.00], [3.00, 4.00]]``, ``(3,4) [1.00, 2.00, 3.00, …]``;
    with ``shape`` a small array is prefixed by its shape too: ``(2,) [2.00, -3.00]``.
    """
    if isinstance(v, np.ndarray):
        v = v.tolist() if v.ndim else float(v)
    if isinstance(v, dict):  # a summary of a large array
        preview = ", ".join(format_number(x, precision) for x in v["first"][:ARRAY_PREVIEW])
        return f"{shape_text(v['shape'])} [{preview}, …]"
    if not isinstance(v, list):
        return format_number(v, precision)
    dims, leaves = _shape_and_leaves(v)
    if len(leaves) <= SMALL_ARRAY:
        if len(dims) == 2:
            body = "[" + ", ".join(
                "[" + ", ".join(format_number(x, precision) for x in row) + "]" for row in v) + "]"
        else:
            body = "[" + ", ".join(format_number(x, precision) for x in leaves) + "]"
        return f"{shape_text(dims)} {body}" if shape else body
    preview = ", ".join(format_number(x, precision) for x in leaves[:ARRAY_PREVIEW])
    return f"{shape_text(dims)} [{preview}, …]"


def is_nonfinite(*values) -> bool:
    """Whether any entry of these numbers or arrays (floats, lists or JSON strings) is inf or nan."""
    for v in values:
        if type(v) is float:  # nearly every wire: a plain finite number
            if not math.isfinite(v):
                return True
            continue
        if isinstance(v, dict):  # a summary of a large array
            if v.get("nonfinite"):
                return True
            continue
        _, leaves = _shape_and_leaves(v)
        if any(not math.isfinite(as_float(x)) for x in leaves):
            return True
    return False


def json_number(v):
    """A float for JSON; inf and nan as the strings "Infinity", "-Infinity", "NaN"."""
    if math.isfinite(v):
        return float(v)
    if v != v:
        return "NaN"
    return "Infinity" if v > 0 else "-Infinity"


#: Entries of an array's summary that are shown.
SUMMARY_FIRST = 6


def json_value(v, summary_above: int | None = None):
    """A number or a nested list of numbers, JSON-safe.

    An array of more than ``summary_above`` entries travels as its summary
    instead: ``{"summary": true, "shape", "size", "first", "min", "max", "mean", "nonfinite"}``
    (``first``: its first entries in row order; min, max and mean ignore nan;
    ``nonfinite`` counts the inf and nan entries).
    """
    if type(v) is float:
        return json_number(v)
    arr = np.asarray(v, dtype=np.float64)
    if arr.ndim == 0:
        return json_number(float(arr))
    if summary_above is not None and arr.size > summary_above:
        return summarize(arr)
    if np.isfinite(arr).all():
        return arr.tolist()
    if arr.ndim == 1:
        return [json_number(x) for x in arr.tolist()]
    return [[json_number(x) for x in row] for row in arr.tolist()]


def summarize(arr: np.ndarray) -> dict:
    """The summary of a large array (see ``json_value``)."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an all-nan array has no min
        stats = [float(f(arr)) for f in (np.nanmin, np.nanmax, np.nanmean)]
    return {"summary": True, "shape": list(arr.shape), "size": int(arr.size),
            "first": [json_number(x) for x in arr.ravel()[:SUMMARY_FIRST].tolist()],
            "min": json_number(stats[0]), "max": json_number(stats[1]),
            "mean": json_number(stats[2]), "nonfinite": int(arr.size - np.isfinite(arr).sum())}
