"""The result of one evaluation: values, gradients, the step trace and the JSON shape.

The CLI, the API and the page all read this one ``to_dict()`` shape.
"""

from __future__ import annotations

import math
import re

import numpy as np

from .graph import Graph, snippet
from .numbers import json_value, shape_text
from .ops import OPS

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_LABEL_MAX = 24  # longer subexpressions are called by their node id in the trace


def fmt(v) -> str:
    """A number as the trace writes it: up to 4 significant digits, no trailing zeros."""
    if type(v) is not float:
        arr = np.asarray(v)
        if arr.ndim == 0:
            return fmt(float(arr))
        if arr.size > 6:
            return f"<{'x'.join(map(str, arr.shape))} array>"
        if arr.ndim == 1:
            return "[" + ", ".join(fmt(float(x)) for x in arr) + "]"
        return "[" + ", ".join(fmt(row) for row in arr) + "]"
    if v != v:
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    if v == 0:
        return "0"
    return f"{v:.4g}"


class Result:
    """Everything one program computes: see ``to_dict`` for the shape."""

    def __init__(self, graph: Graph):
        self.graph = graph
        self._steps = None
        self._labels: dict[int, str] = {}  # node id -> label, computed once
        self._ds: dict[int, str] = {}

    # plain accessors ---------------------------------------------------------
    @property
    def value(self):
        return self.graph.nodes[self.graph.output].value

    @property
    def gradients(self) -> dict:
        g = self.graph
        return {name: g.nodes[i].grad for name, i in g.names.items()}

    @property
    def warnings(self) -> list[str]:
        return list(self.graph.warnings)

    # labels for the trace ------------------------------------------------------
    def _out_label(self) -> str:
        g = self.graph
        if g.output_name:
            return g.output_name
        return "f" if "f" not in g.names else "out"

    def label(self, i: int) -> str:
        """How the trace calls node i: its name, its number, or its short subexpression."""
        lab = self._labels.get(i)
        if lab is None:
            lab = self._labels[i] = self._make_label(i)
        return lab

    def _make_label(self, i: int) -> str:
        node = self.graph.nodes[i]
        if i == self.graph.output:
            return self._out_label()
        if node.name:
            return node.name
        if node.kind == "const":
            return node.symbol
        text = snippet(self.graph.text, node.start, node.end, 2 * _LABEL_MAX)
        if len(text) <= _LABEL_MAX:
            return text
        # Too long to repeat in every formula: keep the gate and elide its operands.
        op = OPS[node.op]
        if node.symbol == "=":
            return f"n{i}"
        if op.style == "infix":
            return f"… {op.symbol} …"
        if op.style == "prefix":
            return f"{op.symbol}(…)"
        return f"{op.symbol}(…)"

    def _operand(self, parent, j: int) -> str:
        """Node j's label as written inside its parent, in parentheses where needed."""
        lab = self.label(j)
        child = self.graph.nodes[j]
        if (child.kind == "op" and not child.name and child.symbol != "="
                and OPS[parent.op].style != "call" and OPS[child.op].style != "call"):
            return f"({lab})"
        return lab

    def _d(self, i: int) -> str:
        """``d<label>`` with parentheses when the label is not a plain name."""
        d = self._ds.get(i)
        if d is None:
            lab = self.label(i)
            d = self._ds[i] = f"d{lab}" if _IDENT.match(lab) else f"d({lab})"
        return d

    def _expr_text(self, node, parts: list[str]) -> str:
        op = OPS[node.op]
        if node.symbol == "=":
            return parts[0]
        if op.style == "infix":
            return f"{parts[0]} {op.symbol} {parts[1]}"
        if op.style == "prefix":
            return f"{op.symbol}{parts[0]}"
        name = "pow" if node.op == "pow" else op.symbol
        return f"{name}({', '.join(parts)})"

    def _vector_rule(self, node, slot: int, up_name: str) -> str:
        """The gradient rule of a non-elementwise gate, written with the operands' names."""
        nodes = self.graph.nodes
        a = self._operand(node, node.inputs[0])
        dout = up_name
        if node.op in ("matmul", "dot"):
            b = self._operand(node, node.inputs[1])
            sa, sb = nodes[node.inputs[0]].shape, nodes[node.inputs[1]].shape
            if len(sa) <= 1 and len(sb) <= 1:  # a dot product: dout is a number
                return f"{dout} * {b}" if slot == 0 else f"{dout} * {a}"
            if len(sb) == 1:  # matrix @ vector
                return f"{dout} {b}ᵀ (outer product)" if slot == 0 else f"{a}ᵀ {dout}"
            if len(sa) == 1:  # vector @ matrix
                return f"{b} {dout}" if slot == 0 else f"{a} {dout}ᵀ (outer product)"
            return f"{dout} {b}ᵀ" if slot == 0 else f"{a}ᵀ {dout}"
        shape = shape_text(nodes[node.inputs[0]].shape)
        if node.op == "sum":
            return f"{dout} copied to every entry of {shape}"
        if node.op == "mean":
            n = int(np.prod(nodes[node.inputs[0]].shape)) if nodes[node.inputs[0]].shape else 1
            return f"{dout} / {n} copied to every entry of {shape}"
        if node.op == "transpose":
            return f"transpose({dout})"
        return OPS[node.op].rules[slot]

    # the trace -----------------------------------------------------------------
    @property
    def steps(self) -> list[dict]:
        if self._steps is None:
            self._steps = self._build_steps()
        return self._steps

    def _build_steps(self) -> list[dict]:
        g = self.graph
        nodes = g.nodes
        steps: list[dict] = []
        for node in nodes:
            if node.kind != "op":
                continue
            expr = self._expr_text(node, [self._operand(node, j) for j in node.inputs])
            nums = [fmt(nodes[j].value) for j in node.inputs]
            if OPS[node.op].style == "prefix" and nums[0].startswith("-"):
                nums[0] = f"({nums[0]})"
            nums = self._expr_text(node, nums)
            lhs = self.label(node.id)
            head = f"{lhs} = " if node.name or node.id == g.output else ""
            text = f"{head}{expr} = {nums} = {fmt(node.value)}"
            if nums == fmt(node.value):
                text = f"{head}{expr} = {nums}"
            elif expr == nums:
                text = f"{head}{expr} = {fmt(node.value)}"
            steps.append({"phase": "forward", "node": node.id, "text": text,
                          "value": json_value(node.value)})

        out = self._out_label()
        edge_of = g._first_edges()
        # Out-edges per source that carry gradient (targets on the path to the output).
        live_out: dict[int, list[int]] = {}
        for k, (src, tgt, _slot) in enumerate(g.edges):
            if g.live[tgt]:
                live_out.setdefault(src, []).append(k)
        remaining = {s: len(ks) for s, ks in live_out.items()}
        position = {k: n for ks in live_out.values() for n, k in enumerate(ks)}
        for i in range(g.output, -1, -1):
            node = nodes[i]
            if node.kind != "op" or not g.live[i]:
                continue
            up = node.grad
            d_node = self._d(i)
            edges = []
            completes = []
            for slot, src in enumerate(node.inputs):
                k = edge_of[i] + slot
                contrib = g.edge_grads[k]
                local = g.local[k]
                fan = len(live_out[src])
                d_src = self._d(src)
                local_name = f"{d_node}/{d_src}"
                if i == g.output or fan > 1:
                    # The local derivative would read like the total gradient (df/dq at
                    # the output gate, df/dx for x used twice): write it as a partial.
                    local_name = f"∂{d_node[1:]}/∂{d_src[1:]}"
                up_name = f"d{out}/{d_node}"
                grad_name = f"d{out}/{d_src}"
                part = f" (part {position[k] + 1} of {fan})" if fan > 1 else ""
                if local is not None:
                    chain = (f"{local_name} * {up_name} = {fmt(local)} * {fmt(up)} = "
                             f"{fmt(contrib)}")
                    text = (f"{grad_name}{part} = {up_name} * {local_name} = {fmt(up)} * "
                            f"{fmt(local)} = {fmt(contrib)}")
                else:
                    rule = self._vector_rule(node, slot, up_name)
                    chain = (f"{grad_name} = {rule} = {fmt(contrib)}   shapes: "
                             f"{shape_text(nodes[src].shape)} <- {shape_text(node.shape)}")
                    text = f"{grad_name}{part} = {rule} = {fmt(contrib)}"
                if local is not None and nodes[src].shape != node.shape:
                    note = (f" (summed over the broadcast axes back to shape "
                            f"{shape_text(nodes[src].shape)})")
                    chain += note
                    text += note
                edges.append({"edge": k, "source": src, "slot": slot,
                              "source_kind": nodes[src].kind,
                              "local": None if local is None else json_value(local),
                              "upstream": json_value(up), "grad": json_value(contrib),
                              "local_name": local_name, "upstream_name": up_name,
                              "grad_name": grad_name, "rule": OPS[node.op].rules[slot],
                              "chain": chain, "text": text})
                remaining[src] -= 1
                if remaining[src] == 0:
                    parts = [g.edge_grads[e] for e in live_out[src]]
                    total = nodes[src].grad
                    if len(parts) > 1:
                        ctext = (f"{grad_name} = " + " + ".join(fmt(p) for p in parts)
                                 + f" = {fmt(total)}")
                    else:
                        ctext = f"{grad_name} = {fmt(total)}"
                    completes.append({"node": src, "edges": list(live_out[src]),
                                      "parts": [json_value(p) for p in parts],
                                      "total": json_value(total), "text": ctext})
            lines = [e["text"] for e in edges if nodes[e["source"]].kind != "const"]
            if not lines:
                lines = [f"d{out}/{d_node} = {fmt(up)}: its inputs are constants, so the "
                         f"gradient stops here"]
            lines += [c["text"] for c in completes
                                                   if len(c["parts"]) > 1]
            steps.append({"phase": "backward", "node": i, "upstream": json_value(up),
                          "upstream_name": f"d{out}/{d_node}", "text": "\n".join(lines),
                          "edges": edges, "completes": completes})
        return steps

    # JSON ---------------------------------------------------------------------
    def to_dict(self, steps: bool = True) -> dict:
        """The one JSON shape of a result, shared by the CLI, the API and the page.

        ``steps=False`` leaves out the step trace, the costly part, for callers
        that want it later (the API writes it while `dot` lays the graph out).
        """
        g = self.graph
        text = g.text
        nodes = []
        for n in g.nodes:
            nodes.append({
                "id": n.id, "kind": n.kind, "op": n.op, "symbol": n.symbol, "name": n.name,
                "value": json_value(n.value), "grad": json_value(n.grad),
                "shape": list(n.shape), "inputs": list(n.inputs),
                "span": [n.start, n.end], "text": snippet(text, n.start, n.end, 200),
                "literal": n.literal,
            })
        edges = [{"id": k, "source": s, "target": t, "slot": slot,
                  "value": json_value(g.nodes[s].value), "grad": json_value(g.edge_grads[k])}
                 for k, (s, t, slot) in enumerate(g.edges)]
        out = g.nodes[g.output]
        d = {
            "output": {"node": g.output, "value": json_value(out.value),
                       "name": g.output_name, "label": self._out_label()},
            "gradients": {name: json_value(g.nodes[i].grad) for name, i in g.names.items()},
            "inputs": list(g.inputs),
            "nodes": nodes,
            "edges": edges,
        }
        if steps:
            d["steps"] = self.steps
        d["warnings"] = list(g.warnings)
        return d

    # notebooks -----------------------------------------------------------------
    def _repr_svg_(self):
        from . import render
        return render.to_svg(self.to_dict())

    def to_graphviz(self, precision: int = 2, fold_constants: bool = True, layout: str = "auto"):
        """The picture as a ``graphviz.Source`` of ``render.to_dot``'s DOT, for ``.render()``,
        ``.pipe(format=...)``, ``.view()`` and notebook display in any Graphviz format.

        Raises RenderError, as ``render.to_svg`` does, for a graph `dot` could not lay
        out in reasonable time (``render.plan``).  The graphviz package runs `dot` with
        no time limit; the server keeps ``render``'s runner, which has one.
        """
        import graphviz

        from . import render
        source, refusal = render.prepare(self.to_dict(steps=False), precision, fold_constants,
                                         layout=layout)
        if refusal:
            raise render.RenderError(refusal)
        return graphviz.Source(source)

    def __repr__(self) -> str:
        return f"<Result output={fmt(self.value)} nodes={len(self.graph.nodes)}>"
