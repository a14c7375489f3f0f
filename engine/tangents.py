"""Forward mode: the tangent d(value)/d(input) of every value, for one chosen input.

Dual numbers, one pass forward: the chosen input's tangent is 1 (for an array,
1 at one entry and 0 elsewhere: the derivative along that entry), every other
input's and constant's is 0, and each gate's tangent is the sum over its
inputs of local derivative x the input's tangent (its row's ``partials``), or
its row's ``jvp`` for ops whose local derivative is a Jacobian.  One such pass
gives the derivatives of everything with respect to one input; reverse mode
gives the derivatives of one output with respect to everything in one pass
(colah, "Calculus on Computational Graphs").
"""

from __future__ import annotations

import numpy as np

from .errors import InputValueError
from .numbers import json_value
from .ops import OPS, apply


def tangents(graph, name: str, entry: int | None = None) -> list:
    """Per node id, d(node)/d(name) (along entry ``entry`` of an array input)."""
    nodes = graph.nodes
    if name not in graph.names or nodes[graph.names[name]].kind != "input":
        raise InputValueError.of("value.unknown_input", name=name)
    seed_node = nodes[graph.names[name]]
    out: list = [None] * len(nodes)
    seed_shape = seed_node.shape
    if seed_shape == ():
        seed = 1.0
    else:
        size = int(np.prod(seed_shape))
        flat = 0 if entry is None else entry
        if not 0 <= flat < size:
            raise InputValueError.of("value.bad_entry", name=name, entry=flat, size=size)
        seed = np.zeros(seed_shape)
        seed.flat[flat] = 1.0
    with np.errstate(all="ignore"):
        for node in nodes:
            if node.id == seed_node.id:
                out[node.id] = seed
                continue
            if node.kind != "op":
                out[node.id] = None  # independent of the input: zero
                continue
            ins = node.inputs
            ts = [out[j] for j in ins]
            if all(t is None for t in ts):
                continue
            op = OPS[node.op]
            args = [nodes[j].value for j in ins]
            if op.jvp is not None:
                full = [np.zeros(nodes[j].shape) if t is None else t for j, t in zip(ins, ts)]
                full = [float(t) if np.ndim(t) == 0 else t for t in full]
                out[node.id] = op.jvp(full, node.value, *args)
                continue
            locals_ = apply(op.partials, [node.value] + args)
            total = None
            for local, t in zip(locals_, ts):
                if t is not None:
                    term = local * t
                    total = term if total is None else total + term
            if np.shape(total) != node.shape:
                total = np.broadcast_to(total, node.shape).astype(np.float64)
            out[node.id] = total
    return [0.0 if t is None and n.shape == () else
            (np.zeros(n.shape) if t is None else t) for t, n in zip(out, nodes)]


def tangent_dict(graph, name: str, entry: int | None = None) -> dict:
    """The answer's ``tangents`` object: the input, the entry, and one tangent per node."""
    values = tangents(graph, name, entry)
    return {"input": name, "entry": entry, "nodes": [json_value(v) for v in values]}
