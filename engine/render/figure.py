"""The figure layout: every wire a line with its value above and its gradient below.

Each wire (one engine edge, or the output) is a plaintext node holding a small
HTML table::

    name | value        <- green, id value-edge-<e>
         | ----------   <- a one-pixel cell whose top border is the wire
         | gradient     <- red, id grad-edge-<e>

An edge from the gate (or name label) that produces the value runs into the
left end of that line, and an edge from its right end runs into the consuming
gate.  That puts the numbers exactly above and below the line, as in the
CS231n figure, which plain Graphviz edge labels cannot do (they sit beside the
edge).  Wire nodes double the ranks dot works on, so big graphs are drawn by
the compact layout instead (see planning).
"""

from __future__ import annotations

from ..numbers import format_value, is_nonfinite
from .circuit import Circuit
from .dot_text import (DASHED, FONT, GRAD_COLOR, NONFINITE_COLOR, Html, attrs, font, gate,
                       number_cells)
from .planning import MAX_ORDERED_FANOUT


def wire_node(key, name_cell, value, grad, precision, nonfinite) -> Html:
    """The table that draws one wire: optional name, value over the line, gradient under it."""
    line_style = ' style="dashed"' if nonfinite else ""
    line_color = f' color="{NONFINITE_COLOR}"' if nonfinite else ""
    name_td = empty_td = ""
    if name_cell is not None:
        nid, name = name_cell
        # (a 4-pixel spacer keeps the name off its value, "x -2" as in the figure)
        name_td = (f'<td port="name" id="name-node-{nid}" href="#" align="right" '
                   f'cellpadding="1">{font(name)}</td><td width="4"></td>')
        empty_td = '<td colspan="2"></td>'
    value_td, grad_td = number_cells(key, value, grad, precision, padding=1)
    # The empty 1-pixel cell's top border is the wire; min width keeps short
    # numbers on a visible stretch of line, as in the figure.
    line_td = (f'<td port="line" sides="T" border="1" height="1" width="44" '
               f'cellpadding="0"{line_style}{line_color}></td>')
    return Html('<table border="0" cellborder="0" cellspacing="0" cellpadding="0">'
                f"<tr>{name_td}{value_td}</tr>"
                f"<tr>{empty_td}{line_td}</tr>"
                f"<tr>{empty_td}{grad_td}</tr></table>")


def name_node(nid, name, total, precision) -> Html:
    """Where a fanned-out value starts: its name over a short line, its total gradient under it.

    The wires of each use leave from the line's right end, so the picture shows
    one value splitting into several wires whose gradients add up to the total.
    """
    name_td = (f'<td id="name-node-{nid}" href="#" align="left" cellpadding="1">'
               f'{font(name)}</td>' if name is not None else '<td></td>')
    total_td = (f'<td id="total-node-{nid}" href="#" align="left" cellpadding="1">'
                f'{font(format_value(total, precision), GRAD_COLOR)}</td>')
    line_td = '<td port="line" sides="T" border="1" height="1" width="30" cellpadding="0"></td>'
    return Html('<table border="0" cellborder="0" cellspacing="0" cellpadding="0">'
                f"<tr>{name_td}</tr><tr>{line_td}</tr><tr>{total_td}</tr></table>")


def figure_dot(c: Circuit, precision: int, pin_inputs: bool) -> str:
    """The CS231n figure: every wire a line with its value above and gradient below."""
    nodes, wires = c.nodes, c.wires
    # Keeping operands in slot order, top to bottom (w0 above x0), costs dot dearly
    # around a value with many wires: `x+x+...` with 100 uses takes minutes with it
    # and under a second without; 30 uses take 0.08 s with it.
    ordered = max(len(ws) for ws in wires.values()) <= MAX_ORDERED_FANOUT
    lines = [
        "digraph circuit {",
        "  graph " + attrs(rankdir="LR", splines="line", nodesep="0.12", ranksep="0.22",
                           fontname=FONT, bgcolor="white", pad="0.15", newrank="true",
                           **({"ordering": "in"} if ordered else {})),
        "  node " + attrs(fontname=FONT, fontsize="11", shape="plaintext", margin="0"),
        "  edge " + attrs(fontname=FONT, fontsize="11", arrowsize="0.45", penwidth="0.8",
                          arrowhead="none"),
    ]
    leaf_starts = []   # drawn at the left edge, like x, y, z in the figure

    for nid in c.drawn:
        node, its_wires = nodes[nid], wires[nid]
        kind = node.get("kind")
        name = c.name(nid)

        start = None   # where this value's wires begin: its gate, or its own label
        if kind == "op":
            lines.append(gate(nid, c.gate_labels[nid]))
            start = f"g{nid}"

        # With one wire the name rides on it (x -2.00).  A value used several
        # times gets a label of its own with the total gradient under it (the
        # sum of its wires'), and its wires fan out from there.  An unused input
        # has nothing but that label.
        own_label = len(its_wires) > 1 or (kind != "op" and not its_wires)
        if own_label:
            lines.append(f"  n{nid} [label=<{name_node(nid, name, node.get('grad'), precision)}>, "
                         f'id="start-node-{nid}", class="start {kind}"]')
            if start is None:
                leaf_starts.append(f"n{nid}")
            else:
                lines.append(f'  {start} -> n{nid}:line:w [arrowhead="normal", weight="8", '
                             f'id="tail-node-{nid}", class="wire-tail of-node-{nid}"]')
            start = f"n{nid}:line:e"

        for e in its_wires:
            key = e["id"]
            bad = is_nonfinite(e.get("value"), e.get("grad"))
            classes = f"of-edge-{key}" + (" nonfinite" if bad else "")
            dashed = DASHED if bad else ""
            name_cell = (nid, name) if (not own_label and name is not None) else None
            label = wire_node(key, name_cell, e.get("value"), e.get("grad"), precision, bad)
            lines.append(f'  w{key} [label=<{label}>, id="edge-{key}", class="wire {classes}"]')
            if start is None:
                leaf_starts.append(f"w{key}")
            else:
                head = f"w{key}:name:w" if name_cell else f"w{key}:line:w"
                arrow = "normal" if start.startswith("g") else "none"
                # heavy, so a value is written next to the gate that makes it
                # and the long stretch, if any, runs into the consumer
                lines.append(f'  {start} -> {head} [arrowhead="{arrow}", weight="8", '
                             f'id="tail-edge-{key}", class="wire-tail {classes}"{dashed}]')
            if e["target"] is not None:
                lines.append(f'  w{key}:line:e -> g{e["target"]} [arrowhead="normal", '
                             f'id="head-edge-{key}", class="wire-head {classes}"{dashed}]')

    if leaf_starts and pin_inputs:
        # Inputs line up at the left, so a late input (z) reaches its gate on a
        # long wire instead of floating in the middle.  On big graphs that makes
        # dot route hundreds of long wires (minutes of layout), so there the
        # inputs sit next to their gates instead.
        lines.append("  { rank=min; " + "; ".join(leaf_starts) + "; }")
    lines.append("}")
    return "\n".join(lines) + "\n"
