"""An engine result dict read for drawing: its values, their wires, and the gate labels."""

from __future__ import annotations

from .errors import RenderError
from ..folding import const_text, fold


def read_result(d, max_nodes: int):
    """The nodes (by id), edges and output node id of a result dict, checked for drawing.

    Ids become parts of DOT names and SVG ids, so they must be plain integers.
    """
    try:
        nodes = {}
        for n in d["nodes"]:
            nid = n["id"]
            if isinstance(nid, bool) or not isinstance(nid, int):
                raise RenderError(f"cannot draw: node id {nid!r} is not an integer")
            nodes[nid] = n
        if len(nodes) > max_nodes:
            raise RenderError(
                f"The graph has {len(nodes)} nodes, more than the {max_nodes} that can "
                f"be drawn; use a smaller program to see its picture.")
        edges = []
        for e in d["edges"]:
            eid, src, dst = e["id"], e["source"], e["target"]
            if isinstance(eid, bool) or not isinstance(eid, int):
                raise RenderError(f"cannot draw: edge id {eid!r} is not an integer")
            if src not in nodes or dst not in nodes:
                raise RenderError(f"cannot draw: edge {eid} joins unknown nodes")
            edges.append(e)
        out = d["output"]["node"]
        if out not in nodes:
            raise RenderError(f"cannot draw: the output node {out!r} is unknown")
    except (KeyError, TypeError) as err:
        raise RenderError(f"cannot draw: the result is malformed ({err!r})") from None
    edges.sort(key=lambda e: (e["target"], e.get("slot", 0), e["id"]))
    return nodes, edges, out


class Circuit:
    """An engine result read for drawing: the values, their wires, and the gate labels.

    ``wires[n]`` lists the wires that carry node n's value: one per use that is
    drawn (`x*x` has two), plus the output's own wire (id "out", target None).
    ``drawn`` are the node ids that appear in the picture, in id order; folded
    constants and the signs of signed numbers do not.
    """

    def __init__(self, d: dict, fold_constants: bool, max_nodes: int):
        nodes, edges, out = read_result(d, max_nodes)
        folding = fold(nodes, edges, fold_constants)  # the engine's one folding rule
        folded, hidden, labels = folding.folded, folding.hidden, folding.labels
        wires: dict[int, list] = {nid: [] for nid in nodes}
        for e in edges:
            if e["id"] not in folded:
                wires[e["source"]].append(e)
        out_node = nodes[out]
        wires[out].append({"id": "out", "source": out, "target": None,
                           "value": d["output"].get("value", out_node.get("value")),
                           "grad": out_node.get("grad", 1.0)})
        self.nodes, self.edges, self.out, self.output = nodes, edges, out, d["output"]
        self.hidden, self.gate_labels, self.wires = hidden, labels, wires
        self.drawn = [nid for nid in sorted(nodes)
                      if nid not in hidden
                      and not (nodes[nid].get("kind") == "const" and not wires[nid])]

    def name(self, nid) -> str | None:
        """The black text at the start of a node's wire: input name, number, or assigned name.

        An unnamed output is called by the trace's name for it (`f`).
        """
        node = self.nodes[nid]
        kind = node.get("kind")
        if kind == "const":
            return const_text(node)
        name = node.get("name")
        if kind == "input" and name is None:
            name = node.get("symbol", "?")
        if name is None and nid == self.out:
            name = self.output.get("label")
        return name

    def text(self, nid, limit: int = 30) -> str:
        """A value's program text (or its gate's label) on one line, shortened to ``limit``."""
        return short_text(self.nodes[nid].get("text") or self.gate_labels.get(nid, "?"), limit)


def short_text(text, limit: int = 30) -> str:
    """Program text for a message or a label: one line, shortened."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"
