"""dot's SVG made ready to inline into the page: stable ids and classes, no links or tooltips.

Graphviz copies ``id``/``class`` of nodes and edges onto their SVG ``<g>``.
Table cells can only carry an ``id`` that Graphviz emits when the cell has an
``href``, as ``<g id="a_<id>"><a ...>``; ``finish_svg`` turns those back into
``<g id="<id>" class="...">`` without the link.  That holds for cells of
``xlabel`` tables too (they land inside their edge's or gate's ``<g>``).
"""

from __future__ import annotations

import re

from .errors import RenderError

# The table cells that finish_svg gives ids back to: `value-edge-3` gets class "value".
CELL_KINDS = ("value", "grad", "name", "total")

_SVG_DROP = re.compile(r"<!--.*?-->\n?|<title>[^<]*</title>\n?", re.S)
_SVG_CELL_LINK = re.compile(r'<a xlink:href="#"[^>]*>')
_SVG_CELL_GROUP = re.compile(r'<g id="a_(' + "|".join(CELL_KINDS) + ")-")
# A dot that drew graphs before numbers this one's group as a later page: `page0,1_graph0`.
_SVG_PAGE_PREFIX = re.compile(r'<g id="page\d+,\d+_graph')


def finish_svg(svg: bytes) -> str:
    """dot's SVG with the table cells' `<g id="a_X"><a>...</a></g>` made into `<g id="X" class=...>`.

    The links only existed to make Graphviz emit the ids; clicking them would
    jump the page, so they go.  Graphviz's `<title>`s and comments name our
    internal DOT nodes (`w3`, `g2`) and would pop up as tooltips, so they go too.
    The XML prolog and DOCTYPE are dropped so the result can be inlined into HTML,
    and the graph's group is `graph0` whichever graph of its dot process it was.
    Plain string passes with fixed replacements over dot's regular output: an
    XML tree, or a Python call per match, would cost as much as a small
    graph's whole layout.
    """
    text = svg.decode("utf-8", "replace")
    start = text.find("<svg")
    end = text.rfind("</svg>")
    if start < 0 or end < start:
        raise RenderError("Graphviz's `dot` wrote an unreadable SVG (no <svg> element)")
    text = _SVG_DROP.sub("", text[start:end + len("</svg>")]).replace("&#45;", "-")
    text = _SVG_PAGE_PREFIX.sub('<g id="graph', text, count=1)
    text = _SVG_CELL_GROUP.sub(r'<g class="\1" id="\1-', text)
    # Only cells have links (href="#"), each opened right after its <g> and closed before its </g>.
    return _SVG_CELL_LINK.sub("", text).replace("</a>\n</g>", "</g>")
