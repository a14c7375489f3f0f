"""The step trace as data: one forward step per gate, one backward step per gate on the way back.

A step carries numbers, node ids and formulas (engine.formula trees), never
sentences: engine/english.py writes the English ``text`` fields from them, and
the page writes its own (in any language).

Forward step: ``{"phase": "forward", "node", "value", "formula", "drawn"}``,
``formula`` the gate over its operands (``["mul", ["ref", 2], ["ref", 3]]``).

Backward step: ``{"phase": "backward", "node", "upstream", "upstream_name",
"edges", "completes", "stops"}``; each entry of ``edges`` is one input wire of
the gate: ``{"edge", "source", "slot", "source_kind", "kind", "local",
"upstream", "grad", "formula", "partial", "part", "broadcast", "shapes",
"folded", "local_name", "upstream_name", "grad_name"}`` where ``kind`` is
"local" (downstream = local x upstream; ``formula`` is the local derivative
∂gate/∂source) or "rule" (a Jacobian op; ``formula`` is the downstream
gradient itself, over ``["grad", gate]``); ``partial`` says the local
derivative is written ∂ (at the output gate, or for a value with several wires,
where d would read like a total); ``part`` is [k, n] for the k-th of n wires
of a fanned-out value; ``broadcast`` is {"from", "to"} shapes when the gradient
was summed back over broadcast axes; ``folded`` marks a constant that the
figure folds into the gate.  ``completes`` lists the values whose gradient is
complete after this step: ``{"node", "edges", "parts", "total"}``.
"""

from __future__ import annotations

from . import formula
from .labels import is_plain
from .numbers import json_value


def node_formula(graph, i: int) -> list:
    """A gate over its operands: ``[op, ["ref", a], ["ref", b]]``."""
    node = graph.nodes[i]
    return [node.op] + [["ref", j] for j in node.inputs]


def d_name(labels, i: int) -> str:
    """``q`` as the denominator of a derivative: ``dq``, or ``d(w0*x0)``."""
    label = labels[i]
    return f"d{label}" if is_plain(label) else f"d({label})"


def _local_formula(graph, i: int, slot: int) -> list:
    node = graph.nodes[i]
    ins = node.inputs
    shapes = [graph.nodes[j].shape for j in ins]
    env = {"a": ["ref", ins[0]], "out": ["ref", i], "up": ["grad", i]}
    if len(ins) > 1:
        env["b"] = ["ref", ins[1]]
    return formula.bind(formula.derivative(node.op, slot, shapes), env)


def forward_steps(graph, hidden, enc=json_value) -> list[dict]:
    """One step per gate, in id order; ``enc`` writes a value for JSON (numbers.json_value)."""
    return [{"phase": "forward", "node": node.id, "value": enc(node.value),
             "formula": node_formula(graph, node.id), "drawn": node.id not in hidden}
            for node in graph.nodes if node.kind == "op"]


def backward_steps(graph, labels, folding, enc=json_value) -> list[dict]:
    """One step per gate the output depends on, from the output back."""
    nodes = graph.nodes
    live = graph.live
    out_d = d_name(labels, graph.output)[1:]  # "f": the numerator of every gradient's name
    first_edge = graph.first_edges()
    # Out-edges per source that carry gradient (targets on the path to the output).
    live_out: dict[int, list[int]] = {}
    for k, (src, tgt, _slot) in enumerate(graph.edges):
        if live[tgt]:
            live_out.setdefault(src, []).append(k)
    remaining = {s: len(ks) for s, ks in live_out.items()}
    position = {k: n for ks in live_out.values() for n, k in enumerate(ks)}
    steps = []
    for i in range(graph.output, -1, -1):
        node = nodes[i]
        if node.kind != "op" or not live[i]:
            continue
        d_node = d_name(labels, i)
        up_name = f"d{out_d}/{d_node}"
        entries, completes = [], []
        for slot, src in enumerate(node.inputs):
            k = first_edge[i] + slot
            local = graph.local[k]
            fan = len(live_out[src])
            partial = i == graph.output or fan > 1
            d_src = d_name(labels, src)
            local_name = (f"∂{d_node[1:]}/∂{d_src[1:]}" if partial else f"{d_node}/{d_src}")
            src_shape = nodes[src].shape
            entries.append({
                "edge": k, "source": src, "slot": slot, "source_kind": nodes[src].kind,
                "kind": "rule" if local is None else "local",
                "local": None if local is None else enc(local),
                "upstream": enc(node.grad), "grad": enc(graph.edge_grads[k]),
                "formula": _local_formula(graph, i, slot), "partial": partial,
                "part": [position[k] + 1, fan] if fan > 1 else None,
                "broadcast": ({"from": list(node.shape), "to": list(src_shape)}
                              if local is not None and src_shape != node.shape else None),
                "shapes": {"source": list(src_shape), "gate": list(node.shape)},
                "folded": k in folding.folded,
                "local_name": local_name, "upstream_name": up_name,
                "grad_name": f"d{out_d}/{d_src}",
            })
            remaining[src] -= 1
            if remaining[src] == 0:
                parts = live_out[src]
                completes.append({"node": src, "edges": list(parts),
                                  "parts": [enc(graph.edge_grads[e]) for e in parts],
                                  "total": enc(nodes[src].grad)})
        steps.append({"phase": "backward", "node": i, "upstream": enc(node.grad),
                      "upstream_name": up_name, "edges": entries, "completes": completes,
                      "stops": all(nodes[e["source"]].kind == "const" for e in entries),
                      "drawn": i not in folding.hidden})
    return steps
