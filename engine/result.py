"""The result of one evaluation: values, gradients, the step trace and the JSON shape.

The CLI, the API and the page all read this one ``to_dict()`` shape (see the
README's "Python API" for every field).
"""

from __future__ import annotations

from .english import Writer
from .folding import fold
from .graph import Graph, snippet
from .labels import make_labels, output_label
from .numbers import format_number, json_value as full_json
from .ops import notation
from .formula import related_heads
from .trace import backward_steps, forward_steps, node_formula


def _encoder(summary_above):
    """numbers.json_value with this summary threshold."""
    if summary_above is None:
        return full_json
    return lambda v: full_json(v, summary_above)


class Result:
    """Everything one program computes: see ``to_dict`` for the shape."""

    def __init__(self, graph: Graph, check: bool = False):
        self.graph = graph
        self._labels: list[str] | None = None
        self._steps: dict = {}  # (precision, fold_constants) -> steps
        self._check = None
        if check:
            self.check()

    def tangents(self, name: str, entry: int | None = None) -> dict:
        """Forward mode for one input (engine.tangents): d(value)/d(name) for every node."""
        from .tangents import tangent_dict
        return tangent_dict(self.graph, name, entry)

    def check(self) -> dict:
        """The gradient check against central finite differences (engine.check), computed once."""
        if self._check is None:
            from .check import gradient_check
            self._check = gradient_check(self.graph)
        return self._check

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

    @property
    def labels(self) -> list[str]:
        """Every node's short label, by id (engine.labels)."""
        if self._labels is None:
            self._labels = make_labels(self.graph)
        return self._labels

    def label(self, i: int) -> str:
        """How the trace calls node i: its name, its number, its short subexpression or t<k>."""
        return self.labels[i]

    # the trace -----------------------------------------------------------------
    def trace(self, precision: int = 2, fold_constants: bool = True,
              summary_above: int | None = None) -> list[dict]:
        """The steps (engine.trace), with their English text at ``precision`` decimals.

        Arrays of more than ``summary_above`` entries are given as summaries
        (numbers.json_value).
        """
        key = (precision, fold_constants, summary_above)
        if key not in self._steps:
            folding = self.folding(fold_constants)
            enc = _encoder(summary_above)
            steps = (forward_steps(self.graph, folding.hidden, enc)
                     + backward_steps(self.graph, self.labels, folding, enc))
            Writer(self.graph, self.labels, precision).describe(steps)
            self._steps[key] = steps
        return self._steps[key]

    @property
    def steps(self) -> list[dict]:
        return self.trace()

    def folding(self, fold_constants: bool = True):
        """Which constants the figure folds into gates (engine.folding)."""
        g = self.graph
        nodes = [{"id": n.id, "kind": n.kind, "op": n.op, "symbol": n.symbol, "name": n.name,
                  "value": n.value} for n in g.nodes]
        edges = [{"id": k, "source": s, "target": t, "slot": slot}
                 for k, (s, t, slot) in enumerate(g.edges)]
        return fold(nodes, edges, fold_constants)

    # JSON ---------------------------------------------------------------------
    def to_dict(self, steps: bool = True, precision: int = 2,
                fold_constants: bool = True, summary_above: int | None = None) -> dict:
        """The one JSON shape of a result, shared by the CLI, the API and the page.

        ``steps=False`` leaves out the step trace, the costly part, for callers
        that want it later (the API writes it while `dot` lays the graph out).
        ``precision`` is the decimals of the trace's English text; ``fold_constants``
        decides which constants are folded into gates (each gate's ``gate`` field);
        arrays of more than ``summary_above`` entries travel as summaries (shape,
        first entries, min, max, mean: numbers.json_value), everything else in full.
        """
        json_value = _encoder(summary_above)
        g = self.graph
        text = g.text
        labels = self.labels
        folding = self.folding(fold_constants)
        nodes = []
        used_ops = set()
        for n in g.nodes:
            d = {
                "id": n.id, "kind": n.kind, "op": n.op, "symbol": n.symbol, "name": n.name,
                "value": json_value(n.value), "grad": json_value(n.grad),
                "shape": list(n.shape), "inputs": list(n.inputs),
                "span": [n.start, n.end], "text": snippet(text, n.start, n.end, 200),
                "literal": n.literal, "label": labels[n.id], "drawn": n.id not in folding.hidden,
            }
            if n.kind == "op":
                used_ops.add(n.op)
                constant = folding.constant.get(n.id)
                d["formula"] = node_formula(g, n.id)
                d["gate"] = {"label": folding.labels[n.id],
                             "folded": None if constant is None else {
                                 "edge": constant[0], "node": g.edges[constant[0]][0],
                                 "text": constant[1]}}
            nodes.append(d)
        edges = [{"id": k, "source": s, "target": t, "slot": slot,
                  "value": json_value(g.nodes[s].value), "grad": json_value(g.edge_grads[k]),
                  "folded": k in folding.folded}
                 for k, (s, t, slot) in enumerate(g.edges)]
        out = g.nodes[g.output]
        d = {
            "output": {"node": g.output, "value": json_value(out.value),
                       "name": g.output_name, "label": output_label(g)},
            "gradients": {name: json_value(g.nodes[i].grad) for name, i in g.names.items()},
            "inputs": list(g.inputs),
            "nodes": nodes,
            "edges": edges,
        }
        if steps:
            d["steps"] = self.trace(precision, fold_constants, summary_above)
        d["warnings"] = list(g.warnings)
        d["warning_data"] = list(g.warning_data)
        d["notation"] = notation(related_heads(used_ops))
        if self._check is not None:
            d["check"] = self._check
        return d

    # exports and notebooks --------------------------------------------------------
    def to_html(self, precision: int = 2, fold_constants: bool = True, layout: str = "auto",
                step: int | None = None, timeout: float | None = None) -> str:
        """One self-contained HTML file that plays the steps with no server (engine.standalone).

        ``step`` is the state it opens on: 0 the start, None the whole figure;
        ``timeout`` the seconds `dot` may take.
        """
        from .standalone import standalone_html
        return standalone_html(self, precision, fold_constants, layout, step, timeout)

    def to_animated_svg(self, precision: int = 2, fold_constants: bool = True,
                        layout: str = "auto", forward: bool = False,
                        timeout: float | None = None) -> str:
        """The figure with the backward pass (and with ``forward`` the forward pass) animated
        in a loop, CSS inside the SVG (engine.animate)."""
        from .animate import animated_svg
        return animated_svg(self, precision, fold_constants, layout, forward, timeout=timeout)

    def _repr_html_(self):
        """In Jupyter: the step-through player, sandboxed in an iframe of its own."""
        from . import render
        from .standalone import notebook_html
        try:
            return notebook_html(self)
        except render.RenderError:
            return None  # no drawing: the notebook shows the plain repr instead

    def _repr_svg_(self):
        """For renderers that show only static output (GitHub, nbconvert to PDF): the figure."""
        from . import render
        try:
            return render.to_svg(self.to_dict())
        except render.RenderError:
            return None  # no drawing (too big, no `dot`): the plain repr, not a traceback

    def to_graphviz(self, precision: int = 2, fold_constants: bool = True, layout: str = "auto"):
        """The picture as a ``graphviz.Source`` of ``render.to_dot``'s DOT, for ``.render()``,
        ``.pipe(format=...)``, ``.view()`` and notebook display in any Graphviz format.

        Raises RenderError, as ``render.to_svg`` does, for a graph `dot` could not lay
        out in reasonable time (``render.plan``).  The graphviz package runs `dot` with
        no time limit; the server keeps ``render``'s runner, which has one.
        """
        import graphviz

        from . import render
        source, plan = render.prepare(self.to_dict(steps=False), precision, fold_constants,
                                      layout=layout)
        if plan.refusal:
            raise render.RenderError(plan.refusal)
        return graphviz.Source(source)

    def __repr__(self) -> str:
        value = self.value
        shown = format_number(value) if type(value) is float else f"array{list(value.shape)}"
        return f"<Result output={shown} nodes={len(self.graph.nodes)}>"
