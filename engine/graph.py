"""The computation graph: built from parsed statements, then run by engine.autodiff.

Nodes are created children-first, so node ids are already a topological order:
the forward pass walks ids upwards and the backward pass walks them downwards,
both as plain loops (no recursion, whatever the size of the program).  There is
one edge per use (``x * x`` has two edges from x), stored by target in slot
order, so node i's in-edges are numbered consecutively.
"""

from __future__ import annotations

import gc
import time
from contextlib import contextmanager
from dataclasses import dataclass

from .errors import InputValueError, LimitError, NamingError, ShapeError
from .ops import CONSTANTS, OPS
from .parser import Expr, Statement, parse
from .values import negate, to_value


@dataclass(frozen=True)
class Limits:
    """Bounds on what one evaluation may take on; each is answered with a clear error."""

    max_length: int = 2_000_000  # characters of program text
    max_nodes: int = 1_000_000  # graph nodes
    max_depth: int = 1000  # nesting of brackets and calls
    max_array_size: int = 1_000_000  # entries in one array value
    max_total_entries: int = 20_000_000  # entries of all the program's values together
    max_seconds: float | None = None  # wall-clock time of one evaluation
    # A value given as text ("2.5") is read as a number for Python callers; the API,
    # whose JSON has numbers of its own, refuses text where a number belongs.
    text_values: bool = True


class Node:
    """One graph node: an input, a constant or an operation."""

    __slots__ = ("id", "kind", "op", "symbol", "name", "inputs", "start", "end",
                 "outer_start", "outer_end", "op_start", "op_end", "literal",
                 "value", "grad", "shape")

    def __init__(self, id, kind, op, symbol, name, inputs, start, end,
                 outer_start, outer_end, op_start, op_end, value=None):
        self.id = id
        self.kind = kind  # "input" | "const" | "op"
        self.op = op  # the op table's name, for kind "op"
        self.symbol = symbol  # how it is written: the op's symbol, the name, the number
        self.name = name  # an input's name, or the name a statement gives the value
        self.inputs = inputs
        self.start = start
        self.end = end
        self.outer_start = outer_start
        self.outer_end = outer_end
        self.op_start = op_start
        self.op_end = op_end
        self.literal = False  # an input whose value the program itself gives (x = -2)
        self.value = value
        self.grad = None
        self.shape = ()


_SYMBOL = {name: op.symbol for name, op in OPS.items()}


def _is_literal(expr: Expr) -> bool:
    """Whether an expression is a plain number or list of numbers, signs allowed."""
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


class Graph:
    """Nodes and edges of one program, with forward values and gradients once run."""

    def __init__(self, text: str, statements: list[Statement], limits: Limits):
        self.text = text
        self.limits = limits
        self.nodes: list[Node] = []
        self.edges: list[tuple[int, int, int]] = []  # (source, target, slot)
        self.first_edge: list[int] = []  # per node: the id of its first in-edge
        self.names: dict[str, int] = {}  # every input and assigned name -> node id
        self.inputs: list[str] = []  # inputs whose values come from the caller
        self.output: int = -1
        self.output_name: str | None = None
        self.warnings: list[str] = []  # in English; warning_data has them as codes and params
        self.warning_data: list[dict] = []
        # filled by engine.autodiff
        self.edge_grads: list = []
        self.local: list = []  # per edge: the local derivative (elementwise gates) or None
        self.live = b""  # per node: 1 if the output depends on it
        self.fp_events = 0
        self.total_entries = 0  # of all values, from engine.autodiff.plan
        self.deadline = None if limits.max_seconds is None else (
            time.monotonic() + limits.max_seconds)
        self._used_as_input: dict[str, tuple[int, int]] = {}
        for stmt in statements:
            self._statement(stmt)
        last = statements[-1]
        # A bare name as the last line (`q = x * 2; q`) makes that name the output's.
        self.output_name = last.target or self.nodes[self.output].name

    # building ----------------------------------------------------------------
    def _add(self, node: Node) -> Node:
        if node.id >= self.limits.max_nodes:
            raise LimitError.of("limit.nodes", node.start, node.end, limit=self.limits.max_nodes)
        self.nodes.append(node)
        self.first_edge.append(len(self.edges))
        for slot, src in enumerate(node.inputs):
            self.edges.append((src, node.id, slot))
        return node

    def _statement(self, stmt: Statement) -> None:
        target = stmt.target
        if target is not None and _is_literal(stmt.expr):
            self._refuse_use_before_assignment(target)
            node = Node(len(self.nodes), "input", None, target, target, (), stmt.target_start,
                        stmt.target_end, stmt.target_start, stmt.target_end, stmt.target_start,
                        stmt.target_end, self._literal_value(stmt.expr, target))
            node.literal = True
            self.names[target] = self._add(node).id
            self.output = node.id
            return
        node_for = self._node_for
        names = self.names
        for e in stmt.nodes:
            if e.kind == "name" and e.name in names:  # a value used again: no new node
                e.node = names[e.name]
            else:
                e.node = node_for(e)
        root = self.nodes[stmt.expr.node]
        if target is not None:
            # after the right side: `x = x + 1` uses x before assigning it
            self._refuse_use_before_assignment(target)
            if root.name is None and root.kind == "op":
                root.name = target
            else:
                # `q = x` or `q = 2`: an alias gets an identity gate of its own, so the
                # name has a wire of its own and the graph stays one-name-per-node.
                root = self._add(Node(len(self.nodes), "op", "alias", OPS["alias"].symbol,
                                      target, (root.id,), root.outer_start, root.outer_end,
                                      root.outer_start, root.outer_end, root.outer_start,
                                      root.outer_end))
            self.names[target] = root.id
        self.output = root.id

    def _refuse_use_before_assignment(self, name: str) -> None:
        """A name first read as an input and only then assigned is an error at that first use."""
        if name in self._used_as_input:
            s, t = self._used_as_input[name]
            raise NamingError.of("name.used_before_assigned", s, t, name=name)

    def _literal_value(self, expr: Expr, name: str):
        """The number or array a literal right-hand side stands for, computed without eval."""
        done: dict[int, object] = {}  # post-order over the literal's own nodes
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
                done[id(e)] = negate(v) if e.op == "neg" else v
            else:
                done[id(e)] = [done[id(a)] for a in e.args]
        try:
            return to_value(done[id(expr)], name, self.limits.max_array_size)
        except (InputValueError, LimitError) as err:
            raise err.at(expr.start, expr.end) from None

    def _node_for(self, e: Expr) -> int:
        """The graph node of one tree node (its operands already have theirs)."""
        kind = e.kind
        nodes = self.nodes
        nid = len(nodes)
        if kind == "name":
            name = e.name
            known = self.names.get(name)
            if known is not None:
                return known
            if name in CONSTANTS:
                return self._add(Node(nid, "const", None, name, None, (), e.start, e.end,
                                      e.outer_start, e.outer_end, e.start, e.end,
                                      CONSTANTS[name])).id
            self._add(Node(nid, "input", None, name, name, (), e.start, e.end, e.start, e.end,
                           e.start, e.end))
            self.names[name] = nid
            self.inputs.append(name)
            self._used_as_input[name] = (e.start, e.end)
            return nid
        if kind == "num":
            return self._add(Node(nid, "const", None, self.text[e.start:e.end], None, (),
                                  e.start, e.end, e.outer_start, e.outer_end, e.start, e.end,
                                  e.value)).id
        if kind == "list":
            if _is_literal(e):
                return self._add(Node(nid, "const", None, self.text[e.start:e.end], None, (),
                                      e.start, e.end, e.outer_start, e.outer_end, e.start,
                                      e.end, self._literal_value(e, "the list"))).id
            raise ShapeError.of("shape.list_of_expressions", e.start, e.end)
        # An operation: added here directly, the hot path of building a big program.
        if nid >= self.limits.max_nodes:
            raise LimitError.of("limit.nodes", e.start, e.end, limit=self.limits.max_nodes)
        args = e.args
        edges = self.edges
        self.first_edge.append(len(edges))
        a = args[0].node
        edges.append((a, nid, 0))
        if len(args) == 1:
            inputs = (a,)
        else:
            b = args[1].node
            edges.append((b, nid, 1))
            inputs = (a, b)
        nodes.append(Node(nid, "op", e.op, _SYMBOL[e.op], None, inputs, e.start, e.end,
                          e.outer_start, e.outer_end, e.op_start, e.op_end))
        return nid

    # values ----------------------------------------------------------------------
    def bind(self, values: dict) -> None:
        """Give every input its value, listing every missing one in a single error."""
        if values is None:
            values = {}
        if not isinstance(values, dict):
            raise InputValueError.of("value.not_a_mapping")
        missing = [n for n in self.inputs if n not in values]
        if missing:
            node = self.nodes[self.names[missing[0]]]
            raise InputValueError.of("value.missing", node.start, node.end, names=missing)
        for name in self.inputs:
            node = self.nodes[self.names[name]]
            try:
                node.value = to_value(values[name], name, self.limits.max_array_size,
                                      self.limits.text_values)
            except (InputValueError, LimitError) as err:
                raise err.at(node.start, node.end) from None

    def first_edges(self) -> list[int]:
        """Each node's first in-edge id (edges are stored by target, in slot order)."""
        return self.first_edge

    def forward(self) -> None:
        """Compute every node's value (engine.autodiff.forward)."""
        from .autodiff import forward
        forward(self)

    def backward(self) -> None:
        """Every node's and edge's gradient of the output (engine.autodiff.backward)."""
        from .autodiff import backward
        backward(self)


def snippet(text: str, start: int, end: int, limit: int = 80) -> str:
    """The text of a span on one line, its middle elided when longer than ``limit``."""
    if end - start > limit:
        half = (limit - 3) // 2
        head = " ".join(text[start:start + half].split())
        tail = " ".join(text[end - half:end].split())
        return f"{head} … {tail}"
    return " ".join(text[start:end].split())


@contextmanager
def cycle_collector_paused():
    """Run a block with Python's cyclic garbage collector paused.

    The engine makes many small objects and no reference cycles (children hold
    no references to their parents), so the collector's passes over a graph
    being built and run are pure cost: measured, its young-generation scans of
    a 30,000-node graph took several times as long as binding its values.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def build(text: str, limits: Limits) -> Graph:
    """Check the limits, parse and build the graph (no values yet)."""
    if not isinstance(text, str):
        raise InputValueError.of("parse.not_text")
    if len(text) > limits.max_length:
        raise LimitError.of("limit.length", limits.max_length, len(text), length=len(text),
                            limit=limits.max_length)
    with cycle_collector_paused():
        return Graph(text, parse(text, limits.max_depth), limits)
