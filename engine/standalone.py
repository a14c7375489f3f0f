"""One HTML file that plays a result with no server: the figure, the steps and the player.

``standalone_html(result)`` writes a self-contained page: the figure as inline SVG,
the answer (``Result.to_dict()``) as inline JSON, the page's own CSS, and the page's
own player code.  It works opened from ``file://``, makes no network request, and is
what ``--html FILE``, the page's "HTML" button and a notebook's output cell show
(``notebook_html`` puts it in a sandboxed ``<iframe srcdoc>``).

The player code is the page's ES modules (static/js/timeline.js, player.js,
view.js, ...), inlined by ``bundle``: one copy of the logic, whether the page runs
it from the server or a file carries it.  A module becomes a function whose result
is its exports, and ``import {a, b as c} from "./x.js"`` becomes
``const {a, b: c} = modules["js/x.js"]``.  Only that plain form of import and
``export function/class/const/let`` are understood; anything else is refused by
name, so a module written otherwise fails the tests instead of the user.
"""

from __future__ import annotations

import html
import json
import re
from functools import lru_cache
from pathlib import Path

ENTRY = "standalone/standalone.js"
TEMPLATE = "standalone/standalone.html"
STYLES = ("style.css", "figure.css", "standalone/standalone.css")
#: Arrays with more entries travel as summaries, as the server sends them to the page.
SUMMARY_ABOVE = 1000

_IMPORT = re.compile(r'^import\s+(?:\*\s+as\s+([\w$]+)|\{([^}]*)\})\s+from\s+"(\.{1,2}/[^"]+)";?'
                     r'[ \t]*$', re.M)
_EXPORT = re.compile(r"^export\s+((?:async\s+)?function\*?\s+|class\s+|const\s+|let\s+)([\w$]+)",
                     re.M)
_LEFT = re.compile(r"^\s*(?:import|export)\b.*$", re.M)
_SLOT = re.compile(r"\{\{(\w+)\}\}")


def static_dir() -> Path:
    """The page's static/ folder: inside the app package when installed, else the checkout's."""
    top = Path(__file__).resolve().parent.parent
    installed = top / "app" / "static"
    return installed if installed.is_dir() else top / "static"


def _module(path: str, source: str) -> tuple[str, list[str]]:
    """One ES module as a function body returning its exports, and the modules it imports."""
    deps = []

    def importing(m):
        namespace, names, target = m.group(1), m.group(2), m.group(3)
        dep = _resolve(path, target)
        deps.append(dep)
        if namespace:
            return f"const {namespace} = modules[{json.dumps(dep)}];"
        pairs = []
        for item in names.split(","):
            words = item.split()
            if len(words) == 3 and words[1] == "as":
                pairs.append(f"{words[0]}: {words[2]}")
            elif len(words) == 1:
                pairs.append(words[0])
            elif words:
                raise ValueError(f"{path}: cannot inline the import {{{names.strip()}}}")
        return f"const {{ {', '.join(pairs)} }} = modules[{json.dumps(dep)}];"

    body = _IMPORT.sub(importing, source)
    exports = [m.group(2) for m in _EXPORT.finditer(body)]
    body = _EXPORT.sub(lambda m: m.group(1) + m.group(2), body)
    left = _LEFT.search(body)
    if left:
        raise ValueError(f"{path}: cannot inline {left.group(0).strip()!r} (only `import {{...}} "
                         'from "./x.js"`, `import * as X from` and `export function/class/'
                         "const/let` are understood)")
    return f"{body}\nreturn {{ {', '.join(exports)} }};", deps


def _resolve(path: str, target: str) -> str:
    """``target`` imported from static/``path``, as a path under static/."""
    parts = path.split("/")[:-1]
    for piece in target.split("/"):
        if piece == "..":
            if not parts:
                raise ValueError(f"{path}: {target} leaves static/")
            parts.pop()
        elif piece != ".":
            parts.append(piece)
    return "/".join(parts)


def bundle(entry: str = ENTRY) -> str:
    """The module ``entry`` (under static/) and everything it imports, as one classic script."""
    root = static_dir()
    return _bundle(root, entry, _stamps(root, entry))


def _stamps(root: Path, entry: str) -> tuple:
    """Modification times of the files a bundle reads: a changed file is read again."""
    return tuple(p.stat().st_mtime_ns for p in sorted((root / "js").glob("*.js"))) + (
        (root / entry).stat().st_mtime_ns,)


@lru_cache(maxsize=4)
def _bundle(root: Path, entry: str, _stamps) -> str:
    order, bodies = [], {}
    stack = [(entry, False)]
    while stack:  # depth first, a module after everything it imports
        path, done = stack.pop()
        if done:
            if path not in order:
                order.append(path)
            continue
        if path in bodies:
            continue
        body, deps = _module(path, (root / path).read_text(encoding="utf-8"))
        bodies[path] = body
        stack.append((path, True))
        stack.extend((dep, False) for dep in reversed(deps) if dep not in bodies)
    parts = ["(() => {", '"use strict";', "const modules = {};"]
    for path in order:
        parts.append(f"modules[{json.dumps(path)}] = (() => {{\n{bodies[path]}\n}})();")
    parts.append("})();")
    return "\n".join(parts).replace("</script", "<\\/script")


def _read(name: str) -> str:
    return (static_dir() / name).read_text(encoding="utf-8")


def standalone_html(result, precision: int = 2, fold_constants: bool = True,
                    layout: str = "auto", step: int | None = None,
                    timeout: float | None = None, language: str = "en") -> str:
    """The self-contained HTML page that plays ``result`` (see the module's docstring).

    ``step`` is the state it opens on (0 the start, None the whole figure, as the
    page opens); ``timeout`` the seconds `dot` may take (render's default when
    None); ``language`` the page's language for its words ("en" or "ko").  Raises ``render.RenderError`` when the graph cannot be drawn.
    """
    from . import render

    d = result.to_dict(precision=precision, fold_constants=fold_constants,
                       summary_above=SUMMARY_ABOVE)
    svg = render.to_svg(d, precision=precision, fold_constants=fold_constants, layout=layout,
                        timeout=timeout or render.DEFAULT_TIMEOUT)
    # The page's words ride along too (English, and the language asked for): no fetch.
    languages = ["en"] + ([language] if language != "en" else [])
    catalogs = {lang: json.loads(_read(f"i18n/{lang}.json")) for lang in languages}
    data = json.dumps({"result": d, "precision": precision, "step": step, "language": language,
                       "catalogs": catalogs}, allow_nan=False, ensure_ascii=False,
                      separators=(",", ":"))
    program = result.graph.text
    first = program.strip().splitlines()[0] if program.strip() else ""
    slots = {
        "title": html.escape("backprop-viz: " + (first[:77] + "..." if len(first) > 80 else first)),
        "style": "\n".join(_read(name) for name in STYLES).replace("</style", "<\\/style"),
        "program": html.escape(program),
        "svg": svg,
        # Inside <script>, "<" only ever stands in JSON strings: escaped, no "</script>" can end it.
        "data": data.replace("<", "\\u003c"),
        "script": bundle(),
    }
    return _SLOT.sub(lambda m: slots[m.group(1)], _read(TEMPLATE))


#: Pixels the player takes under the figure in a notebook cell (controls, explanation, margins).
PLAYER_PX = 330
FIGURE_PX = (160, 520)
#: The width of an output cell the height is planned for (a wider figure is scaled down to it).
CELL_PX = 960


def notebook_html(result, precision: int = 2, fold_constants: bool = True) -> str:
    """The standalone player in a sandboxed ``<iframe srcdoc>``, for a notebook's output cell.

    ``sandbox="allow-scripts"`` runs the player in a document of its own with an
    opaque origin: two results in one notebook cannot touch each other (nor the
    notebook).  An iframe does not size itself, so its height is the figure's
    (scaled to a ``CELL_PX`` wide cell, within ``FIGURE_PX``) plus the player's.
    """
    page = standalone_html(result, precision, fold_constants)
    match = re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', page)
    if match:  # points to pixels: 96 / 72
        width, figure = (96 / 72 * float(n) for n in match.groups())
        figure *= min(1.0, CELL_PX / width)
    else:
        figure = FIGURE_PX[1]
    height = round(max(FIGURE_PX[0], min(FIGURE_PX[1], figure)) + PLAYER_PX)
    return (f'<iframe class="backprop-viz" sandbox="allow-scripts" srcdoc="{html.escape(page)}" '
            f'style="width: 100%; height: {height}px; border: 0;" '
            f'title="backprop-viz: step through backpropagation"></iframe>')
