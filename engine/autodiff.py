"""Forward values and reverse-mode gradients over a built graph, by the op table's rows.

Both passes are plain loops over node ids (a topological order).  The backward
pass is the chain rule: every gate hands each input wire ``local x upstream``
(or its row's vjp), and a value used several times sums what its wires bring
back.  Each edge keeps its own contribution and, for elementwise gates, its
local derivative, for the step trace.
"""

from __future__ import annotations

import math
import time

import numpy as np

from .errors import LimitError, ShapeError
from .messages import english
from .ops import OPS, ShapeProblem, apply


def warn(graph, code: str, node=None, **params) -> None:
    """Record a warning as data (code, params, node) with its English words."""
    if node is not None:
        params["node"] = node
    graph.warnings.append(english(code, params))
    graph.warning_data.append({"code": code, "params": params})


_ARRAY_ONLY = frozenset(name for name, op in OPS.items() if op.array_only)


def plan(graph) -> int:
    """Every node's shape, from the inputs' values alone, before anything is computed.

    Shape errors surface here, with their place; so does a program whose arrays
    would hold more entries in all than ``Limits.max_total_entries`` (each entry
    costs a value and a gradient, and the answer carries both), however cheap
    its text.  Answers the total.
    """
    nodes = graph.nodes
    limits = graph.limits
    total = 0
    for node in nodes:
        if node.kind != "op":
            v = node.value
            shape = node.shape = () if type(v) is float else v.shape
        else:
            ins = node.inputs
            # Numbers in, a number out (the common case): no shape rule to ask.
            if (nodes[ins[0]].shape == () and (len(ins) == 1 or nodes[ins[1]].shape == ())
                    and node.op not in _ARRAY_ONLY):
                node.shape = ()
                total += 1
                continue
            op = OPS[node.op]
            try:
                shape = node.shape = op.shape([nodes[j].shape for j in ins], op.symbol)
            except ShapeProblem as problem:
                err = ShapeError.of(problem.code, node.op_start, node.op_end, **problem.params)
                err.hint = _input_to_blame(graph, node)  # which input needs which shape
                raise err from None
        size = math.prod(shape) if shape else 1
        if size > limits.max_array_size:
            raise LimitError.of("limit.array_result", node.op_start, node.op_end, size=size,
                                limit=limits.max_array_size)
        total += size
    if total > limits.max_total_entries:
        # (the first node past the budget is the place to point at)
        running = 0
        for node in nodes:
            running += math.prod(node.shape) if node.shape else 1
            if running > limits.max_total_entries:
                raise LimitError.of("limit.total_entries", node.op_start, node.op_end,
                                    limit=limits.max_total_entries)
    return total


def _input_to_blame(graph, node):
    """For `W @ x` or `dot(x, y)` that does not fit: which input needs which shape, if one can say.

    Answers the hint as data, ``{"code", "params", "message"}`` (params name the
    input; message is the English), or None.

    A number where an array is needed is blamed first (a freshly typed name
    starts as 1.0), then the right operand, then the left; only inputs the
    caller gives are blamed (their fields are what the user can change).
    """
    if node.op not in ("matmul", "dot"):
        return None
    from .labels import make_labels
    nodes = graph.nodes
    a, b = (nodes[j] for j in node.inputs)
    given = [n for n in (a, b) if n.kind == "input" and not n.literal]
    if not given:
        return None
    given.sort(key=lambda n: (n.shape != (), n is a))
    culprit = given[0]
    if not a.shape and not b.shape:  # both numbers: the matrix on the left comes first
        culprit = a if a in given else b
    other = b if culprit is a else a
    labels = make_labels(graph)
    if node.op == "dot":
        count = other.shape[0] if len(other.shape) == 1 else None
        if count is None:
            return None
        return _hint("shape.input_vector", name=culprit.name, other=labels[other.id],
                     count=count, actual=list(culprit.shape))
    if culprit is a and other.shape:  # W @ x: W's columns must match x's entries (rows)
        return _hint("shape.input_columns", name=culprit.name, other=labels[other.id],
                     count=other.shape[0], actual=list(culprit.shape))
    if culprit is b and other.shape:  # W @ x: x's entries must match W's columns
        return _hint("shape.input_entries", name=culprit.name, other=labels[other.id],
                     count=other.shape[-1], actual=list(culprit.shape))
    if not culprit.shape and not other.shape:  # both numbers: the user has typed no array yet
        return _hint("shape.input_array", name=culprit.name)
    return None


def _hint(code: str, **params) -> dict:
    return {"code": code, "params": params, "message": english(code, params)}


def forward(graph) -> None:
    """Compute every node's value in topological (id) order (after ``plan``)."""
    graph.warnings, graph.warning_data = [], []
    graph.fp_events = 0
    graph.total_entries = plan(graph)
    recompute(graph, 0)
    out = graph.nodes[graph.output]
    if out.shape != ():
        warn(graph, "warn.output_not_scalar", shape=list(out.shape))


def recompute(graph, start: int) -> None:
    """The values of nodes ``start`` onwards, from the values of the nodes before them.

    (The gradient check changes one node's value and recomputes what follows.)
    """
    nodes = graph.nodes

    def fp_event(kind, flag):
        graph.fp_events += 1

    # numpy reports inf/nan births to fp_event instead of warning: a finite run of
    # array code then needs no value-by-value check afterwards.
    deadline = graph.deadline
    with np.errstate(all="call", call=fp_event):
        for node in nodes[start:] if start else nodes:
            if deadline is not None and not node.id & 1023:
                _check_time(graph)
            if node.kind != "op":  # its value is given (and its shape known from plan)
                continue
            ins = node.inputs
            op = OPS[node.op]
            # Scalars (the common case) take the short road: one call, no shape work.
            a = nodes[ins[0]].value
            if len(ins) == 1:
                if type(a) is float:
                    try:
                        node.value = op.fwd(a)
                    except (ArithmeticError, ValueError):
                        node.value = apply(op.fwd, (a,))
                    continue
                args = [a]
            else:
                b = nodes[ins[1]].value
                if type(a) is float and type(b) is float and not op.array_only:
                    try:
                        node.value = op.fwd(a, b)
                    except (ArithmeticError, ValueError):
                        node.value = apply(op.fwd, (a, b))
                    continue
                args = [a, b]
            _forward_array(node, op, args)
            if deadline is not None:
                _check_time(graph)


def _check_time(graph) -> None:
    """Stop an evaluation past its wall-clock limit (``Limits.max_seconds``)."""
    if time.monotonic() > graph.deadline:
        raise LimitError.of("limit.time", seconds=graph.limits.max_seconds)


def _forward_array(node, op, args: list) -> None:
    """One operation with an array argument; plan() has checked its shape and size already."""
    value = op.fwd(*args)
    if type(value) is not float:
        value = np.asarray(value, dtype=np.float64)
        if value.shape != node.shape:  # (a result numpy broadcast less than the rule says)
            value = np.broadcast_to(value, node.shape).copy()
    node.value = value


def unbroadcast(grad, shape):
    """Sum a gradient over the axes that broadcasting stretched, back to ``shape``."""
    gshape = grad.shape if type(grad) is np.ndarray else np.shape(grad)
    if gshape == shape:
        return grad
    if shape == ():
        return float(np.sum(grad))
    grad = np.asarray(grad, dtype=np.float64)
    lead = len(gshape) - len(shape)
    if lead > 0:
        grad = grad.sum(axis=tuple(range(lead)))
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if axes:
        grad = grad.sum(axis=axes, keepdims=True)
    return np.broadcast_to(grad, shape).astype(np.float64)


def _array_contribution(local, g, shape):
    """local x upstream where either is an array, summed back to the operand's ``shape``."""
    if type(local) is float and local == 1.0:
        contrib = g  # + and - pass the gradient through unchanged
    else:
        contrib = local * g
    if type(contrib) is not np.ndarray:
        contrib = np.asarray(contrib, dtype=np.float64)
    return unbroadcast(contrib, shape)


def backward(graph) -> None:
    """Reverse-mode chain rule from the output; fills node grads, edge grads and locals."""
    nodes = graph.nodes
    n_nodes = len(nodes)
    live = bytearray(n_nodes)  # 1 for the output and every node it depends on
    live[graph.output] = 1
    for i in range(graph.output, -1, -1):
        if live[i]:
            for j in nodes[i].inputs:
                live[j] = 1
    grads: list = [None] * n_nodes
    out = nodes[graph.output]
    grads[graph.output] = 1.0 if out.shape == () else np.ones(out.shape)
    n_edges = len(graph.edges)
    edge_grads: list = [None] * n_edges
    local_of: list = [None] * n_edges
    first_edge = graph.first_edge

    def fp_event(kind, flag):
        graph.fp_events += 1

    deadline = graph.deadline
    with np.errstate(all="call", call=fp_event):
        for i in range(graph.output, -1, -1):
            node = nodes[i]
            if not live[i] or node.kind != "op":
                continue
            if deadline is not None and (node.shape or not i & 1023):
                _check_time(graph)
            g = grads[i]
            if g is None:  # live but nothing flowed back: an exact zero
                g = grads[i] = 0.0 if node.shape == () else np.zeros(node.shape)
            ins = node.inputs
            op = OPS[node.op]
            k = first_edge[i]
            if op.partials is not None:
                if len(ins) == 2:
                    args = (node.value, nodes[ins[0]].value, nodes[ins[1]].value)
                else:
                    args = (node.value, nodes[ins[0]].value)
                try:
                    locals_ = op.partials(*args)
                except (ArithmeticError, ValueError):
                    locals_ = apply(op.partials, args)
                scalar = type(g) is float
                for slot in range(len(ins)):
                    src = ins[slot]
                    local = locals_[slot]
                    if scalar and type(local) is float:
                        contrib = local * g  # the chain rule, on numbers
                    else:
                        contrib = _array_contribution(local, g, nodes[src].shape)
                    local_of[k] = local
                    edge_grads[k] = contrib
                    k += 1
                    prev = grads[src]
                    grads[src] = contrib if prev is None else prev + contrib
            else:
                downs = op.vjp(g, node.value, *[nodes[j].value for j in ins])
                for slot, src in enumerate(ins):
                    contrib = downs[slot]
                    if type(contrib) is not float:
                        contrib = unbroadcast(np.asarray(contrib, dtype=np.float64),
                                              nodes[src].shape)
                        if np.ndim(contrib) == 0:
                            contrib = float(contrib)
                    edge_grads[k] = contrib
                    k += 1
                    prev = grads[src]
                    grads[src] = contrib if prev is None else prev + contrib
    for node, g in zip(nodes, grads):
        node.grad = (0.0 if node.shape == () else np.zeros(node.shape)) if g is None else g
    edges = graph.edges
    for k in range(n_edges):
        if edge_grads[k] is None:
            shape = nodes[edges[k][0]].shape
            edge_grads[k] = 0.0 if shape == () else np.zeros(shape)
    graph.edge_grads = edge_grads
    graph.local = local_of
    graph.live = live
    _warn_nonfinite(graph)


def finite(v) -> bool:
    """Whether a number or every entry of an array is finite."""
    if type(v) is float:
        return math.isfinite(v)
    # inf and nan survive a sum, so a finite sum proves every entry finite; only a
    # non-finite sum (possibly a mere overflow) needs the entry-by-entry check.
    with np.errstate(all="ignore"):
        return math.isfinite(float(v.sum())) or bool(np.isfinite(v).all())


def _warn_nonfinite(graph) -> None:
    """Name the nodes where an inf or nan first appears (not every node it spreads to)."""
    from .graph import snippet
    nodes = graph.nodes
    isfinite = math.isfinite
    # Inputs are finite, so an array turns non-finite only through a floating-point
    # event numpy reported; scalars are Python floats, cheap to check one by one.
    if not graph.fp_events:
        for n in nodes:
            v, g = n.value, n.grad
            if (type(v) is float and not isfinite(v)) or (type(g) is float and not isfinite(g)):
                break
        else:
            return
    bad_value = [n.kind == "op" and not finite(n.value) for n in nodes]
    for node in nodes:
        if node.kind == "op" and bad_value[node.id] and not any(
                bad_value[j] for j in node.inputs):
            text = snippet(graph.text, node.start, node.end)
            v = node.value
            if type(v) is float:
                word = "nan" if v != v else ("inf" if v > 0 else "-inf")
                warn(graph, "warn.nonfinite_value", node.id, value=word, text=text)
            else:
                warn(graph, "warn.nonfinite_entries", node.id, text=text)
    bad_grad = [not finite(n.grad) for n in nodes]
    reported = 0
    for node in reversed(nodes):
        if node.kind == "op" and not bad_value[node.id] and not bad_grad[node.id]:
            if reported < 5 and any(bad_grad[j] and not bad_value[j] for j in node.inputs):
                reported += 1
                warn(graph, "warn.nonfinite_grad", node.id,
                     text=snippet(graph.text, node.start, node.end))

