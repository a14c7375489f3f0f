"""The compact layout, for graphs the figure cannot lay out fast.

Wire nodes double the ranks dot works on, and long wires cost it one virtual
node per rank they cross: on a few hundred nodes with reuse the figure takes
from seconds to minutes, or crashes dot 2.43.  Here each wire is one edge,
gate to gate (or input name to gate), with its numbers as an ``xlabel`` (green
value over red gradient) that dot places after the layout; a wire that would
cross the picture starts instead from a copy of its value's name beside the
gate it feeds.  The page's ids are the same as in the figure (see compact_dot).
"""

from __future__ import annotations

from ..numbers import format_value, is_nonfinite
from .circuit import Circuit
from .dot_text import DASHED, FONT, GRAD_COLOR, Html, attrs, font, gate, number_cells, text

# Room between nodes in a rank and between ranks (inches) for the numbers
# placed after layout: tighter, and they overlap more often.
COMPACT_SEP = ("0.3", "0.5")
# Weight of the wire from each gate's deepest operand (see spine): 8 keeps
# long sums straight (sum of 200 products: 300 pt high instead of 9,700).
COMPACT_GATE_WEIGHT = "8"
# dot's own bounds on its work (multiples of its default iterations): the crossing
# minimisation (mclimit) and the network simplex that places nodes (nslimit).  A
# fifth of each halves a tangled graph's layout (2,000 nodes of random reuse: 8 s
# to 4.5 s) and changes little on the others.
COMPACT_EFFORT = {"mclimit": "0.2", "nslimit": "0.2"}


def numbers_label(key, name_cell, value, grad, precision) -> Html:
    """A wire's external label: green value over red gradient, the name (if any) before them."""
    name_td = ""
    if name_cell is not None:
        nid, name = name_cell
        name_td = (f'<td id="name-node-{nid}" href="#" rowspan="2" valign="middle" '
                   f'cellpadding="1">{font(name)}</td>')
    value_td, grad_td = number_cells(key, value, grad, precision, padding=0)
    return Html('<table border="0" cellborder="0" cellspacing="0" cellpadding="0">'
                f"<tr>{name_td}{value_td}</tr><tr>{grad_td}</tr></table>")


def start_label(nid, name, total, precision) -> Html:
    """A value's own label in the compact layout: its name, and under it the total gradient."""
    rows = []
    if name is not None:
        rows.append(f'<tr><td id="name-node-{nid}" href="#" cellpadding="1">{font(name)}</td></tr>')
    if total is not None:
        rows.append(f'<tr><td id="total-node-{nid}" href="#" cellpadding="1">'
                    f'{font(format_value(total, precision), GRAD_COLOR)}</td></tr>')
    return Html('<table border="0" cellborder="0" cellspacing="0" cellpadding="0">'
                + ("".join(rows) or "<tr><td></td></tr>") + "</table>")


def spine(c: Circuit, copies) -> set:
    """The wires from each gate's deepest operand (longest path from an input).

    Drawn straight (heavy), they make the long chains of a big graph (the `+`
    of a long sum) run straight across, with the short side branches beside
    them, instead of sloping down the picture.
    """
    depth: dict[int, int] = {}
    best: dict[int, tuple] = {}
    for nid in c.drawn:
        depth[nid] = best[nid][0] + 1 if nid in best else 0
        if c.nodes[nid].get("kind") != "op":
            continue
        for w in c.wires[nid]:
            t = w["target"]
            if t is not None and w["id"] not in copies and depth[nid] > best.get(t, (-1, None))[0]:
                best[t] = (depth[nid], w["id"])
    return {key for _, key in best.values()}


def compact_dot(c: Circuit, precision: int, copies=frozenset()) -> str:
    """Gates and names joined by one edge per wire, the numbers placed beside it afterwards.

    No wire nodes and no edge labels inside the layout: dot ranks only the gates,
    and writes each wire's numbers as an `xlabel` once everything is placed.
    SVG ids, as in the figure: gate `node-<id>` (class gate), wire `edge-<e>`
    (the edge itself, class `wire wire-head`: the page colours that class's
    path and arrow), its `value-edge-<e>`/`grad-edge-<e>`, the output's
    `edge-out` (into an invisible point); an input or constant is its own
    label `start-node-<id>` with `name-node-<id>`, and `total-node-<id>` under
    it when it has several wires; a gate with several wires carries its name
    and total as an xlabel, one with a single wire writes its name before the
    wire's numbers.  There are no `head-edge-`/`tail-node-` pieces.
    A wire in ``copies`` starts at a copy of its value's name, placed next to
    the gate it feeds, instead of crossing the picture from the value itself:
    the copy belongs to its wire (id `tail-edge-<wire>`, as the stretch of a
    wire before its numbers does in the figure).
    """
    nodes, wires = c.nodes, c.wires
    straight = spine(c, copies)
    lines = [
        "digraph circuit {",
        "  graph " + attrs(rankdir="LR", splines="line", nodesep=COMPACT_SEP[0],
                           ranksep=COMPACT_SEP[1], fontname=FONT, bgcolor="white", pad="0.15",
                           forcelabels="true", **COMPACT_EFFORT),
        "  node " + attrs(fontname=FONT, fontsize="10", shape="plaintext", margin="0"),
        "  edge " + attrs(fontname=FONT, fontsize="9", arrowsize="0.4", penwidth="0.7"),
    ]
    for nid in c.drawn:
        node, its_wires = nodes[nid], wires[nid]
        kind = node.get("kind")
        name = c.name(nid)
        # the total gradient is shown where a value splits into several wires
        total = node.get("grad") if len(its_wires) != 1 else None
        if kind == "op":
            own = total is not None and len(its_wires) > 1
            xlabel = start_label(nid, name, total, precision) if own else None
            lines.append(gate(nid, c.gate_labels[nid], xlabel))
        else:
            own = True
            lines.append(f"  n{nid} " + attrs(
                label=start_label(nid, name, total, precision),
                id=f"start-node-{nid}", **{"class": f"start {kind}"}))
        for e in its_wires:
            key = e["id"]
            start = f"g{nid}" if kind == "op" else f"n{nid}"
            if key in copies:
                start = f"c{key}"
                copy = name if name is not None else c.text(nid, 16)
                lines.append(f"  c{key} " + attrs(
                    label=Html(text(copy)),
                    id=f"tail-edge-{key}",
                    **{"class": f"wire-tail start {kind} copy of-edge-{key}"}))
            bad = is_nonfinite(e.get("value"), e.get("grad"))
            # (wire-head: the page highlights that class's path and arrow)
            classes = f"wire wire-head of-edge-{key}" + (" nonfinite" if bad else "")
            name_cell = (nid, name) if (not own and name is not None) else None
            target = f"g{e['target']}" if e["target"] is not None else "wout"
            if target == "wout":
                lines.append("  wout " + attrs(shape="point", style="invis", width="0.01"))
            label = numbers_label(key, name_cell, e.get("value"), e.get("grad"), precision)
            weight = f', weight="{COMPACT_GATE_WEIGHT}"' if key in straight else ""
            lines.append(f'  {start} -> {target} [xlabel=<{label}>, id="edge-{key}", '
                         f'class="{classes}"{weight}{DASHED if bad else ""}]')
    lines.append("}")
    return "\n".join(lines) + "\n"
