"""The computation graph: built from parsed statements, evaluated forward, differentiated backward.

Nodes are created children-first, so node ids are already a topological order:
the forward pass walks ids upwards and the backward pass walks them downwards,
both as plain loops (no recursion, whatever the size of the program).
"""

from __future__ import annotations

import gc
import math
from dataclasses import dataclass

import numpy as np

from .errors import LimitError, NameError_, ShapeError, ValueError_
from .numbers import shape_text
from .ops import CONSTANTS, OPS, apply
from .parser import Expr, Statement, parse


@dataclass(frozen=True)
class Limits:
    """Bounds on what one evaluation may take on; each is answered with a clear error."""

    max_length: int = 2_000_000  # characters of program text
    max_nodes: int = 1_000_000  # graph nodes
    max_depth: int = 1000  # nesting of brackets and calls
    max_array_size: int = 1_000_000  # entries in one array value


class Node:
    """One graph node: an input, a constant or an operation."""

    __slots__ = ("id", "kind", "op", "symbol", "name", "inputs", "start", "end",
                 "outer_start", "outer_end", "op_start", "op_end", "literal",
                 "value", "grad", "shape")

    def __init__(self, id, kind, op, symbol, name, inputs, start, end,
                 outer_start=None, outer_end=None, op_start=None, op_end=None):
        self.id = id
        self.kind = kind
        self.op = op
        self.symbol = symbol
        self.name = name
        self.inputs = inputs
        self.start = start
        self.end = end
        self.outer_start = start if outer_start is None else outer_start
        self.outer_end = end if outer_end is None else outer_end
        self.op_start = start if op_start is None else op_start
        self.op_end = end if op_end is None else op_end
        self.literal = False  # an input whose value the program itself gives (x = -2)
        self.value = None
        self.grad = None
        self.shape = ()


def _is_literal(expr: Expr) -> bool:
    """Whether an assignment's right side is a plain number or list of numbers."""
    stack = [expr]
    while stack:
        e = stack.pop()
        if e.kind == "num":
            continue
        if e.kind == "unary" or e.kind == "list":
            stack.extend(e.args)
            continue
        return False
    return True


def _refuse_use_before_assignment(name: str, used_as_input: dict) -> None:
    """A name first read as an input and only then assigned is an error at that first use."""
    if name in used_as_input:
        s, t = used_as_input[name]
        raise NameError_(f"'{name}' is used before it is assigned: move "
                         f"'{name} = ...' above its first use", s, t)


_ARRAY_ONLY = ("matmul", "dot")  # operations that make no sense on two plain numbers


def _result_shape(op: str, shapes: list[tuple]) -> tuple | str:
    """The output shape of ``op`` on arguments of these shapes, or why it does not fit."""
    if all(s == () for s in shapes):
        if op == "matmul":
            return "@ is the matrix product: it needs vectors or matrices, not numbers (use * for numbers)"
        if op == "dot":
            return "dot() takes two vectors, not numbers (use * for numbers)"
        return ()
    if op == "matmul":
        a, b = shapes
        if a == () or b == ():
            return (f"@ needs vectors or matrices on both sides, got {shape_text(a)} @ "
                    f"{shape_text(b)} (use * to scale by a number)")
        inner_a = a[-1]
        inner_b = b[0]
        if inner_a != inner_b:
            return (f"{shape_text(a)} @ {shape_text(b)}: inner dimensions {inner_a} and "
                    f"{inner_b} differ")
        return a[:-1] + b[1:]
    if op == "dot":
        a, b = shapes
        if len(a) != 1 or len(b) != 1:
            return (f"dot() takes two vectors, got {shape_text(a)} and {shape_text(b)}; "
                    f"use @ for matrices")
        if a != b:
            return f"dot() of vectors of different lengths: {shape_text(a)} and {shape_text(b)}"
        return ()
    if op in ("sum", "mean"):
        return ()
    if op == "transpose":
        return tuple(reversed(shapes[0]))
    if len(shapes) == 1:
        return shapes[0]
    a, b = shapes
    if a == b or b == ():
        return a
    if a == ():
        return b
    try:
        return tuple(np.broadcast_shapes(*shapes))
    except ValueError:
        symbol = OPS[op].symbol
        return (f"shapes {shape_text(shapes[0])} and {shape_text(shapes[1])} do not broadcast "
                f"for '{symbol}': each pair of trailing dimensions must be equal or 1")


def _unbroadcast(grad, shape):
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


def _to_value(raw, name: str, max_size: int):
    """Check one user-given value and convert it to a float or a float64 array."""
    if isinstance(raw, bool) or raw is None:
        raise ValueError_(f"the value of '{name}' must be a number, not {raw!r}")
    if isinstance(raw, (int, float)):
        v = float(raw)
        if not math.isfinite(v):
            raise ValueError_(f"the value of '{name}' is {v}: give a finite number")
        return v
    if isinstance(raw, str):
        try:
            v = float(raw)
        except ValueError:
            raise ValueError_(f"the value of '{name}' must be a number, not {raw!r}") from None
        if not math.isfinite(v):
            raise ValueError_(f"the value of '{name}' is {raw!r}: give a finite number")
        return v
    if isinstance(raw, np.ndarray) and raw.dtype.kind in "iuf" and 1 <= raw.ndim <= 2:
        if raw.size > max_size:
            raise LimitError(f"the value of '{name}' has {raw.size} entries, more than the "
                             f"limit of {max_size}")
        arr = np.array(raw, dtype=np.float64)
        if arr.size == 0 or not np.isfinite(arr).all():
            raise ValueError_(f"the value of '{name}' must be non-empty and finite")
        return arr
    if isinstance(raw, (list, tuple, np.ndarray)):
        arr = _array_from_nested(raw, name, max_size)
        return arr
    raise ValueError_(f"the value of '{name}' must be a number or a list of numbers, "
                      f"not {type(raw).__name__}")


def _array_from_nested(raw, name: str, max_size: int) -> np.ndarray:
    """A vector or matrix from nested lists, with clear errors for ragged or odd entries."""
    if isinstance(raw, np.ndarray):
        raw = raw.tolist()
    if len(raw) == 0:
        raise ValueError_(f"the value of '{name}' is an empty list")
    rows = [r for r in raw if isinstance(r, (list, tuple))]
    if rows and len(rows) != len(raw):
        raise ValueError_(f"the value of '{name}' mixes numbers and lists: a matrix is a "
                          f"list of rows of equal length")
    if rows:
        width = len(rows[0])
        if width == 0:
            raise ValueError_(f"the value of '{name}' has an empty row")
        for i, r in enumerate(rows):
            if len(r) != width:
                raise ValueError_(f"the value of '{name}' is ragged: row 0 has {width} "
                                  f"entries but row {i} has {len(r)}")
        flat = [x for r in rows for x in r]
        shape = (len(rows), width)
    else:
        flat = list(raw)
        shape = (len(flat),)
    if len(flat) > max_size:
        raise LimitError(f"the value of '{name}' has {len(flat)} entries, more than the "
                         f"limit of {max_size}")
    for x in flat:
        if isinstance(x, bool) or not isinstance(x, (int, float)):
            what = "a list" if isinstance(x, (list, tuple)) else repr(x)
            raise ValueError_(f"the value of '{name}' has an entry that is not a number: "
                              f"{what} (vectors and matrices only: at most two levels of lists)")
    arr = np.array(flat, dtype=np.float64).reshape(shape)
    if not np.isfinite(arr).all():
        raise ValueError_(f"the value of '{name}' has an entry that is not a finite number")
    return arr


class Graph:
    """Nodes and edges of one program, with forward values and gradients once run."""

    def __init__(self, text: str, statements: list[Statement], limits: Limits):
        self.text = text
        self.limits = limits
        self.nodes: list[Node] = []
        self.edges: list[tuple[int, int, int]] = []  # (source, target, slot)
        self.names: dict[str, int] = {}  # every input and assigned name -> node id
        self.inputs: list[str] = []  # inputs whose values come from the caller
        self.output: int = -1
        self.output_name: str | None = None
        self.edge_grads: list = []
        self.warnings: list[str] = []
        self.fp_events = 0  # floating-point exceptions numpy reported while running
        self._first_edge: list[int] | None = None
        self._build(statements)

    # building ----------------------------------------------------------------
    def _add(self, node: Node) -> Node:
        if len(self.nodes) >= self.limits.max_nodes:
            raise LimitError(f"the program makes more than {self.limits.max_nodes} graph nodes "
                             f"(the limit)", node.start, node.end)
        self.nodes.append(node)
        for slot, src in enumerate(node.inputs):
            self.edges.append((src, node.id, slot))
        return node

    def _build(self, statements: list[Statement]) -> None:
        used_as_input: dict[str, tuple[int, int]] = {}
        for stmt in statements:
            if stmt.target is not None and _is_literal(stmt.expr):
                _refuse_use_before_assignment(stmt.target, used_as_input)
                self._literal_input(stmt)
                continue
            ids: dict[int, int] = {}  # id(Expr) -> node id
            for e in stmt.nodes:
                ids[id(e)] = self._node_for(e, ids, used_as_input)
            root = self.nodes[ids[id(stmt.expr)]] if stmt.nodes else None
            if stmt.target is not None:
                # after the right side: `x = x + 1` uses x before assigning it
                _refuse_use_before_assignment(stmt.target, used_as_input)
                if root.name is None and root.kind == "op":
                    root.name = stmt.target
                else:
                    # `q = x` or `q = 2`: an alias gets an identity gate of its own, so the
                    # name has a wire of its own and the graph stays one-name-per-node.
                    node = Node(len(self.nodes), "op", "pos", "=", stmt.target, [root.id],
                                root.outer_start, root.outer_end)
                    self._add(node)
                    root = node
                self.names[stmt.target] = root.id
            self.output = root.id
        last = statements[-1]
        # A bare name as the last line (`q = x * 2; q`) makes that name the output's.
        self.output_name = last.target or self.nodes[self.output].name

    def _literal_input(self, stmt: Statement) -> None:
        name = stmt.target
        node = Node(len(self.nodes), "input", None, name, name, [], stmt.target_start,
                    stmt.target_end)
        node.literal = True
        node.value = self._literal_value(stmt.expr, name)
        self._add(node)
        self.names[name] = node.id
        self.output = node.id

    def _literal_value(self, expr: Expr, name: str):
        """The number or array a literal right-hand side stands for, computed without eval."""
        # Post-order over the literal's own nodes (numbers, signs, lists).
        done: dict[int, object] = {}
        stack = [(expr, False)]
        while stack:
            e, visited = stack.pop()
            if e.kind == "num":
                done[id(e)] = e.value
            elif not visited:
                stack.append((e, True))
                stack.extend((a, False) for a in e.args)
            elif e.kind == "unary":
                v = done[id(e.args[0])]
                done[id(e)] = _negate(v) if e.op == "neg" else v
            else:
                done[id(e)] = [done[id(a)] for a in e.args]
        raw = done[id(expr)]
        try:
            return _to_value(raw, name, self.limits.max_array_size)
        except ValueError_ as err:
            raise ValueError_(err.message, expr.start, expr.end) from None

    def _node_for(self, e: Expr, ids: dict, used_as_input: dict) -> int:
        kind = e.kind
        if kind == "num":
            text = self.text[e.start:e.end]
            return self._add(Node(len(self.nodes), "const", None, text, None, [], e.start,
                                  e.end, e.outer_start, e.outer_end)).id
        if kind == "name":
            name = e.name
            if name in self.names:
                return self.names[name]
            if name in CONSTANTS:
                node = Node(len(self.nodes), "const", None, name, None, [], e.start, e.end,
                            e.outer_start, e.outer_end)
                node.value = CONSTANTS[name]
                return self._add(node).id
            node = self._add(Node(len(self.nodes), "input", None, name, name, [], e.start,
                                  e.end))
            self.names[name] = node.id
            self.inputs.append(name)
            used_as_input[name] = (e.start, e.end)
            return node.id
        if kind == "list":
            if _is_literal(e):
                node = Node(len(self.nodes), "const", None, self.text[e.start:e.end], None, [],
                            e.start, e.end, e.outer_start, e.outer_end)
                node.value = self._literal_value(e, "the list")
                return self._add(node).id
            raise ShapeError("a list literal can hold only numbers; build arrays from "
                             "variables with +, * and the functions", e.start, e.end)
        op = OPS[e.op]
        symbol = op.symbol
        return self._add(Node(len(self.nodes), "op", e.op, symbol, None,
                              [ids[id(a)] for a in e.args], e.start, e.end,
                              e.outer_start, e.outer_end, e.op_start, e.op_end)).id

    # running -----------------------------------------------------------------
    def bind(self, values: dict) -> None:
        """Give every input its value, listing every missing one in a single error."""
        if values is None:
            values = {}
        if not isinstance(values, dict):
            raise ValueError_("values must map input names to numbers")
        missing = [n for n in self.inputs if n not in values]
        if missing:
            s, t = self.first_use_of(missing[0])
            names = ", ".join(missing)
            plural = "s" if len(missing) > 1 else ""
            raise ValueError_(f"missing value{plural} for input{plural}: {names}", s, t)
        for name in self.inputs:
            node = self.nodes[self.names[name]]
            try:
                node.value = _to_value(values[name], name, self.limits.max_array_size)
            except ValueError_ as err:
                raise type(err)(err.message, node.start, node.end) from None

    def first_use_of(self, name: str) -> tuple[int, int]:
        node = self.nodes[self.names[name]]
        return node.start, node.end

    def forward(self) -> None:
        """Compute every node's value in topological (id) order."""
        nodes = self.nodes
        # numpy reports inf/nan births to _fp_event instead of warning: a finite run
        # of array code then needs no value-by-value check afterwards.
        with np.errstate(all="call", call=self._fp_event):
            for node in nodes:
                kind = node.kind
                if kind != "op":
                    if node.value is None:  # a number written in the program
                        node.value = float(self.text[node.start:node.end])
                    v = node.value
                    node.shape = () if type(v) is float else v.shape
                    continue
                ins = node.inputs
                op = OPS[node.op]
                # Scalars (the common case) take the short road: one call, no shape work.
                if len(ins) == 1:
                    a = nodes[ins[0]].value
                    if type(a) is float:
                        try:
                            node.value = op.fwd(a)
                        except (ArithmeticError, ValueError):
                            node.value = apply(op.fwd, (a,))
                        continue
                    args = [a]
                else:
                    a = nodes[ins[0]].value
                    b = nodes[ins[1]].value
                    if type(a) is float and type(b) is float and node.op not in _ARRAY_ONLY:
                        try:
                            node.value = op.fwd(a, b)
                        except (ArithmeticError, ValueError):
                            node.value = apply(op.fwd, (a, b))
                        continue
                    args = [a, b]
                self._forward_array(node, op, args)
        out = nodes[self.output]
        if out.shape != ():
            self.warnings.append(
                f"the output has shape {shape_text(out.shape)}, not a single number: its "
                f"gradient is taken as all ones (the gradient of the sum of its entries)")

    def _forward_array(self, node: Node, op, args: list) -> None:
        """One operation with an array argument: check shapes first, then numpy."""
        shapes = [() if type(a) is float else a.shape for a in args]
        shape = _result_shape(node.op, shapes)
        if isinstance(shape, str):
            raise ShapeError(shape, node.op_start, node.op_end)
        size = 1
        for n in shape:
            size *= n
        if size > self.limits.max_array_size:
            raise LimitError(f"this result would have {size} entries, more than the limit of "
                             f"{self.limits.max_array_size}", node.op_start, node.op_end)
        value = op.fwd(*args)
        if type(value) is not float:
            value = np.asarray(value, dtype=np.float64)
            if value.shape != shape:
                value = np.broadcast_to(value, shape).copy()
        node.value = value
        node.shape = shape

    def backward(self) -> None:
        """Reverse-mode chain rule from the output; fills node grads and edge grads.

        Each edge keeps its own contribution (what flows back along that one wire)
        and, for elementwise gates, its local derivative, for the step trace.
        """
        nodes = self.nodes
        n_nodes = len(nodes)
        live = bytearray(n_nodes)  # 1 for the output and every node it depends on
        live[self.output] = 1
        for i in range(self.output, -1, -1):
            if live[i]:
                for j in nodes[i].inputs:
                    live[j] = 1
        grads: list = [None] * n_nodes
        out = nodes[self.output]
        grads[self.output] = 1.0 if out.shape == () else np.ones(out.shape)
        n_edges = len(self.edges)
        edge_grads: list = [None] * n_edges
        local_of: list = [None] * n_edges
        first_edge = self._first_edges()
        with np.errstate(all="call", call=self._fp_event):
            for i in range(self.output, -1, -1):
                node = nodes[i]
                if not live[i] or node.kind != "op":
                    continue
                g = grads[i]
                if g is None:  # live but nothing flowed back: an exact zero
                    g = grads[i] = 0.0 if node.shape == () else np.zeros(node.shape)
                ins = node.inputs
                op = OPS[node.op]
                k = first_edge[i]
                if op.partials is not None:
                    if len(ins) == 1:
                        args = (node.value, nodes[ins[0]].value)
                    else:
                        args = (node.value, nodes[ins[0]].value, nodes[ins[1]].value)
                    try:
                        locals_ = op.partials(*args)
                    except (ArithmeticError, ValueError):
                        locals_ = apply(op.partials, args)
                    scalar = type(g) is float
                    for slot in range(len(ins)):
                        src = ins[slot]
                        local = locals_[slot]
                        if scalar or type(local) is not float or local != 1.0:
                            contrib = local * g
                        else:
                            contrib = g  # + and - pass the gradient through unchanged
                        if not (scalar and type(local) is float):
                            if type(contrib) is not np.ndarray:
                                contrib = np.asarray(contrib, dtype=np.float64)
                            contrib = _unbroadcast(contrib, nodes[src].shape)
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
                            contrib = _unbroadcast(np.asarray(contrib, dtype=np.float64),
                                                   nodes[src].shape)
                            if np.ndim(contrib) == 0:
                                contrib = float(contrib)
                        edge_grads[k] = contrib
                        k += 1
                        prev = grads[src]
                        grads[src] = contrib if prev is None else prev + contrib
        for node, g in zip(nodes, grads):
            if g is None:
                g = 0.0 if node.shape == () else np.zeros(node.shape)
            node.grad = g
        edges = self.edges
        for k in range(n_edges):
            if edge_grads[k] is None:
                shape = nodes[edges[k][0]].shape
                edge_grads[k] = 0.0 if shape == () else np.zeros(shape)
        self.edge_grads = edge_grads
        self.local = local_of
        self.live = live
        self._warn_nonfinite()

    def _first_edges(self) -> list[int]:
        """Each node's first in-edge id (edges are stored by target, in slot order)."""
        if self._first_edge is None or len(self._first_edge) != len(self.nodes):
            first = [0] * len(self.nodes)
            k = 0
            for node in self.nodes:
                first[node.id] = k
                k += len(node.inputs)
            self._first_edge = first
        return self._first_edge

    def _fp_event(self, kind: str, flag: int) -> None:
        self.fp_events += 1

    def _warn_nonfinite(self) -> None:
        """Name the nodes where an inf or nan first appears (not every node it spreads to)."""
        nodes = self.nodes
        isfinite = math.isfinite
        # Inputs are finite, so an array turns non-finite only through a floating-point
        # event numpy reported; scalars are Python floats, cheap to check one by one.
        if not self.fp_events and all(
                (type(n.value) is not float or isfinite(n.value))
                and (type(n.grad) is not float or isfinite(n.grad)) for n in nodes):
            return
        # Inputs and constants were checked finite when given; only gates can turn bad.
        bad_value = [n.kind == "op" and not _finite(n.value) for n in nodes]
        for node in nodes:
            if node.kind == "op" and bad_value[node.id] and not any(
                    bad_value[j] for j in node.inputs):
                self.warnings.append(
                    f"{describe_value(node.value)} from '{snippet(self.text, node.start, node.end)}' "
                    f"(node {node.id}): a non-finite result, computed the IEEE way")
        bad_grad = [not _finite(n.grad) for n in nodes]
        reported = 0
        for node in reversed(nodes):
            if node.kind == "op" and not bad_value[node.id] and not bad_grad[node.id]:
                srcs = [j for j in node.inputs if bad_grad[j] and not bad_value[j]]
                if srcs and reported < 5:
                    reported += 1
                    self.warnings.append(
                        f"the gradient through '{snippet(self.text, node.start, node.end)}' (node "
                        f"{node.id}) is not finite: its local derivative is infinite or "
                        f"undefined there")


def snippet(text: str, start: int, end: int, limit: int = 80) -> str:
    """The text of a span on one line, its middle elided when longer than ``limit``."""
    if end - start > limit:
        half = (limit - 3) // 2
        head = " ".join(text[start:start + half].split())
        tail = " ".join(text[end - half:end].split())
        return f"{head} … {tail}"
    return " ".join(text[start:end].split())


def _negate(v):
    if isinstance(v, list):
        out = []
        stack = [(v, out)]
        while stack:
            src, dst = stack.pop()
            for x in src:
                if isinstance(x, list):
                    sub: list = []
                    dst.append(sub)
                    stack.append((x, sub))
                else:
                    dst.append(-x)
        return out
    return -v


def _finite(v) -> bool:
    if type(v) is float:
        return math.isfinite(v)
    # inf and nan survive a sum, so a finite sum proves every entry finite; only a
    # non-finite sum (possibly a mere overflow) needs the entry-by-entry check.
    with np.errstate(all="ignore"):
        return math.isfinite(float(v.sum())) or bool(np.isfinite(v).all())


def describe_value(v) -> str:
    if type(v) is float:
        return "nan" if v != v else ("inf" if v > 0 else "-inf")
    return "inf/nan entries"


def build(text: str, limits: Limits) -> Graph:
    """Check the limits, parse and build the graph (no values yet)."""
    if not isinstance(text, str):
        raise ValueError_("the program must be text")
    if len(text) > limits.max_length:
        raise LimitError(f"the program is {len(text)} characters long, more than the limit of "
                         f"{limits.max_length}", limits.max_length, len(text))
    # Building makes many small objects and no reference cycles; pausing the cyclic
    # collector meanwhile avoids its repeated full scans on large programs.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        statements = parse(text, limits.max_depth)
        return Graph(text, statements, limits)
    finally:
        if was_enabled:
            gc.enable()
