"""Text that reaches DOT: escaping, attribute lists, colours, and the pieces both layouts share."""

from __future__ import annotations

import html
import re

from ..numbers import format_value

FONT = "DejaVu Sans"
VALUE_COLOR = "#008000"   # the figure's green
GRAD_COLOR = "#d00000"    # the figure's red
NONFINITE_COLOR = "#c05000"

# A wire drawn dashed, in orange, because its value or gradient is inf or nan.
DASHED = f', style="dashed", color="{NONFINITE_COLOR}"'

_PLAIN_TEXT = re.compile(r"[A-Za-z0-9_ .,:;+\-*/()\[\]=…∂ᵀ]*")
_LINE_BREAKS = re.compile(r"[\t\n\r]")
# What the XML parser in `dot` (expat) rejects, and noncharacters, which it
# may pass but have no business in a picture: control characters (C0, DEL,
# C1), lone surrogates (not UTF-8 at all), U+FDD0-U+FDEF and the last two code
# points of every plane (U+FFFE, U+FFFF, U+1FFFE ...).
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef"
                     + "".join(f"{chr(p + 0xFFFE)}{chr(p + 0xFFFF)}" for p in range(0, 0x110000, 0x10000))
                     + "]")


def text(s) -> str:
    """Any text made safe for the inside of an HTML-like DOT label.

    `&`, `<`, `>` and quotes become entities, so nothing can close the label or
    add markup; a backslash is doubled because Graphviz expands `\\N`, `\\G`, ...
    even inside HTML labels; tabs and line breaks become spaces, and every
    other code point `dot` cannot take (see _UNSAFE) becomes U+FFFD.
    """
    s = str(s)
    if _PLAIN_TEXT.fullmatch(s):
        return s  # numbers and names, nearly every label: nothing to escape
    s = _UNSAFE.sub("\ufffd", _LINE_BREAKS.sub(" ", s))
    return html.escape(s, quote=True).replace("\\", "\\\\")


def font(s: str, color: str | None = None) -> str:
    """Escaped text, coloured."""
    body = text(s)
    return f'<font color="{color}">{body}</font>' if color else body


class Html(str):
    """An HTML-like label whose text parts were all escaped by ``text``."""


def attrs(**kw) -> str:
    """A DOT attribute list; plain values are quoted, ``Html`` labels go in as `<...>`.

    (The per-wire lines of the layouts are written directly as f-strings: their
    values are our own ids, classes and numbers, which need no quoting.)
    """
    parts = []
    for key, value in kw.items():
        if value is None:
            continue
        if isinstance(value, Html):
            parts.append(f"{key}=<{value}>")
        else:
            quoted = str(value).replace("\\", "\\\\").replace('"', '\\"')
            parts.append(f'{key}="{quoted}"')
    return "[" + ", ".join(parts) + "]"


def gate(nid, label, xlabel=None) -> str:
    """A gate: a small circle with its operation inside (`node-<id>`, class gate)."""
    size = "12" if len(label) <= 3 else "10"
    more = f", xlabel=<{xlabel}>" if xlabel is not None else ""
    return (f'  g{nid} [label=<{text(label)}>, shape="circle", width="0.36", margin="0.02", '
            f'fontsize="{size}", id="node-{nid}", class="gate"{more}]')


def number_cells(key, value, grad, precision, padding) -> tuple[str, str]:
    """The two table cells of a wire's numbers: the green value (with its shape) and the red gradient."""
    value_td = (f'<td id="value-edge-{key}" href="#" align="left" cellpadding="{padding}">'
                f'{font(format_value(value, precision, shape=True), VALUE_COLOR)}</td>')
    grad_td = (f'<td id="grad-edge-{key}" href="#" align="left" cellpadding="{padding}">'
               f'{font(format_value(grad, precision), GRAD_COLOR)}</td>')
    return value_td, grad_td
