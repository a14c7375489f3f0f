"""micrograd graphs, drawn: ``from_micrograd(root)`` turns a micrograd ``Value`` into a Result.

A micrograd ``Value`` (PyPI micrograd 0.1.0, or the lecture's version, which adds
``label``, ``tanh`` and ``exp``) is one node of a graph: ``data``, ``grad``,
``_prev`` (the *set* of its operands) and ``_op`` (how it was made: ``'+'``,
``'*'``, ``'**2'``, ``'ReLU'``, ``'tanh'``, ``'exp'``; ``''`` for a leaf).
``translate`` writes that graph as a program of our language plus the values of
its inputs, walking it with explicit stacks (micrograd's own walk is recursive
and stops at about a thousand levels); ``from_micrograd`` evaluates that program,
so the figure, the step trace and the JSON are exactly those of a typed program.

Which leaves are inputs: when any value of the graph has a label, the labeled
leaves are inputs named by their labels and the unlabeled leaves are constants
(the numbers micrograd wraps for ``x + 1`` or ``-x``); when no value has a label,
every leaf is an input, named ``a``, ``b``, ``c``, ... (``e`` is our constant and
``f`` the output's usual name, so both are skipped).  Labeled intermediate values
become named lines (``e = a * b``); an unlabeled value used more than once gets a
line of its own too (``t1 = ...``), as text repeated would be two nodes.  micrograd
divides by multiplying by ``x**-1``: that power is written ``1 / x``, the same
function, which the figure draws as the 1/x gate of the CS231n notes.

micrograd's ``_prev`` is a set, so ``x * x`` keeps one operand: the op tells that
it was used twice.  The operands' order (``w * x``, not ``x * w``) is read from the
variables ``self`` and ``other`` that micrograd's backward closure keeps; without
them a commutative op takes its operands in a fixed order and a non-commutative
one is refused.  micrograd is never imported: any object with those attributes
is a Value.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from .errors import EngineError
from .messages import english
from .ops import VOCABULARY

# micrograd op -> (our op's spelling, kind): "binary" infix, "call" function of one.
_BINARY = {"+": "+", "*": "*", "-": "-", "/": "/"}
_CALLS = {"ReLU": "relu", "relu": "relu", "tanh": "tanh", "exp": "exp", "log": "log",
          "sigmoid": "sigmoid"}
_COMMUTATIVE = {"+", "*"}
_ATOM = 100  # binding power of a name, a number or a call: never needs parentheses
#: An expression nested deeper than this (brackets and calls) is split into a line of its own.
MAX_INLINE_DEPTH = 32
_SHORT = "abcdghijklmnopqrstuvwxyz"  # short input names: no `e` (our constant) nor `f`
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_NOT_NAME = re.compile(r"[^A-Za-z0-9_]+")


def is_value(obj) -> bool:
    """Whether ``obj`` looks like a micrograd Value (data, grad, _prev, _op)."""
    return all(hasattr(obj, a) for a in ("data", "grad", "_prev", "_op"))


@dataclass
class Translation:
    """A micrograd graph as a program: the text, its input values, and where each Value went."""

    program: str
    values: dict
    names: dict = field(default_factory=dict)  # id(Value) -> the name its line or input has
    spans: dict = field(default_factory=dict)  # id(Value) -> (start, end) of its text
    renamed: list = field(default_factory=list)  # (code, params) for labels written otherwise
    order: list = field(default_factory=list)  # every Value of the graph, operands first

    def node_ids(self, graph) -> list[tuple]:
        """(Value, node id) for every Value of the graph, in the evaluated ``graph``."""
        by_span = {}
        for node in graph.nodes:  # in id order, so a gate wins over its operand (-1 over 1)
            by_span[(node.start, node.end)] = node.id
        found = []
        for v in self.order:
            name = self.names.get(id(v))
            if name is not None and name in graph.names:
                found.append((v, graph.names[name]))
            elif id(v) in self.spans and self.spans[id(v)] in by_span:
                found.append((v, by_span[self.spans[id(v)]]))
        return found


def _label(v) -> str:
    label = getattr(v, "label", "")
    if label is None:
        return ""
    return (label if isinstance(label, str) else str(label)).strip()


def _number(v) -> float:
    try:
        x = float(v.data)
    except (TypeError, ValueError):
        raise EngineError.of("micrograd.not_a_number", data=repr(v.data)[:60]) from None
    if not math.isfinite(x):
        raise EngineError.of("micrograd.not_finite", data=repr(v.data)[:60])
    return x


def _operands(v) -> list:
    """The operands of ``v`` in the order it was written (see the module's docstring)."""
    op = v._op
    children = list(v._prev)
    if op in _BINARY:
        if len(children) == 1:  # x * x: one Value used twice
            return children * 2
        if len(children) != 2:
            raise EngineError.of("micrograd.arity", op=op, count=len(children), arity=2)
        bound = _closure(v)
        first, second = bound.get("self"), bound.get("other")
        ids = {id(c) for c in children}
        if first is not None and second is not None and {id(first), id(second)} == ids:
            return [first, second]
        if op not in _COMMUTATIVE:
            raise EngineError.of("micrograd.operand_order", op=op)
        return sorted(children, key=lambda c: (_label(c), float(c.data)))
    if len(children) != 1:
        raise EngineError.of("micrograd.arity", op=op, count=len(children), arity=1)
    return children


def _closure(v) -> dict:
    """The variables micrograd's ``_backward`` closure keeps (self, other, out), or {}."""
    backward = getattr(v, "_backward", None)
    code, cells = getattr(backward, "__code__", None), getattr(backward, "__closure__", None)
    if code is None or not cells:
        return {}
    bound = {}
    for name, cell in zip(code.co_freevars, cells):
        try:
            bound[name] = cell.cell_contents
        except ValueError:  # an empty cell
            continue
    return bound


def _walk(root) -> tuple[list, dict, dict]:
    """Every Value, operands before their users (left to right), and how often each is used."""
    order, uses, operands = [], {id(root): 0}, {}
    stack = [(root, False)]
    seen = set()
    while stack:
        v, expanded = stack.pop()
        if expanded:
            order.append(v)
            continue
        if id(v) in seen:
            continue
        seen.add(id(v))
        stack.append((v, True))
        kids = [] if not v._prev else _operands(v)
        operands[id(v)] = kids
        for child in kids:
            uses[id(child)] = uses.get(id(child), 0) + 1
        for child in reversed(kids):
            if id(child) not in seen:
                stack.append((child, False))
    return order, uses, operands


class _Names:
    """Names for the program: labels where they are names of ours, else made-up ones."""

    def __init__(self):
        vocabulary = VOCABULARY
        self.reserved = set(vocabulary.functions) | set(vocabulary.constants)
        self.taken = set()
        self.renamed = []
        self.next = {}  # pattern -> the next number to try (so n made-up names cost n tries)

    def label(self, label: str) -> str:
        """The name a Value labeled ``label`` gets (noted in ``renamed`` when it differs)."""
        name = label
        why = None
        if not _IDENT.match(name):
            name = _NOT_NAME.sub("_", name).strip("_")
            if name and name[0].isdigit():
                name = "_" + name
            why = "micrograd.label_not_a_name"
        elif name in self.reserved:
            name, why = name + "_", "micrograd.label_reserved"
        if not name:
            return ""  # nothing usable: a made-up name instead
        if name in self.taken:
            base, k = name, 2
            while f"{base}_{k}" in self.taken or f"{base}_{k}" in self.reserved:
                k += 1
            name, why = f"{base}_{k}", why or "micrograd.label_taken"
        self.taken.add(name)
        if why:
            self.renamed.append((why, {"label": label, "name": name}))
        return name

    def made_up(self, pattern) -> str:
        """The first name ``pattern(k)``, k = 0, 1, ..., that no label and no made-up name has."""
        k = self.next.get(pattern, 0)
        while pattern(k) in self.taken or pattern(k) in self.reserved:
            k += 1
        self.next[pattern] = k + 1
        self.taken.add(pattern(k))
        return pattern(k)


def _line_name(k: int) -> str:
    return f"t{k + 1}"


def _short_name(k: int) -> str:
    letter, round_ = _SHORT[k % len(_SHORT)], k // len(_SHORT)
    return letter + (str(round_) if round_ else "")


def _number_text(x: float) -> tuple[str, int]:
    """A number as our language writes it, and its binding power (a negative one is ``-3``)."""
    magnitude = abs(x)
    text = str(int(magnitude)) if magnitude.is_integer() and magnitude < 1e15 else repr(magnitude)
    if x < 0:
        return "-" + text, VOCABULARY.prefix["-"][1]
    return text, _ATOM


def translate(root) -> Translation:
    """The program (and input values) that computes the same graph as ``root``."""
    if not is_value(root):
        raise EngineError.of("micrograd.not_a_value", type=type(root).__name__)
    order, uses, operands = _walk(root)
    labeled = any(_label(v) for v in order)
    names = _Names()
    name_of = {}
    # Labels first (they keep their own spelling wherever they can), then made-up names.
    for v in order:
        if _label(v):
            name = names.label(_label(v))
            if name:
                name_of[id(v)] = name
    for v in order:
        # Unlabeled leaves are constants when labels are about; a label that gave no
        # name (all of it outside A-Za-z0-9_) still marks an input.
        if not v._prev and id(v) not in name_of and (not labeled or _label(v)):
            name_of[id(v)] = names.made_up(_short_name)
    values = {}
    lines = []
    expr = {}  # id(Value) -> (fragment, binding power, nesting depth) of its inline text
    for v in order:
        key = id(v)
        if not v._prev:
            if key in name_of:
                values[name_of[key]] = _number(v)
                expr[key] = (name_of[key], _ATOM, 0)
            else:
                text, power = _number_text(_number(v))
                expr[key] = (_marked(v, text), power, 0)
            continue
        fragment, power, depth = _gate(v, operands[key], expr)
        needs_line = key in name_of or (v is not root and (uses.get(key, 0) > 1
                                                           or depth > MAX_INLINE_DEPTH))
        if needs_line:
            if key not in name_of:
                name_of[key] = names.made_up(_line_name)
            lines.append([name_of[key], " = ", fragment])
            expr[key] = (name_of[key], _ATOM, 0)
        else:
            expr[key] = (fragment, power, depth)
        for child in operands[key]:  # what a user has inlined is no longer needed alone
            if not uses.get(id(child), 0) > 1:
                expr.pop(id(child), None)
    if id(root) in name_of:
        if not root._prev:
            lines.append([name_of[id(root)]])
    else:
        lines.append([expr[id(root)][0]])
    program, spans = _flatten(lines)
    return Translation(program, values, name_of, spans, names.renamed, order)


def _marked(v, fragment):
    """A fragment whose place in the text is recorded for ``v``."""
    return [("open", id(v)), fragment, ("close", id(v))]


def _gate(v, kids, expr):
    """The inline text of the gate ``v`` over its operands' texts: (fragment, power, depth)."""
    op = v._op
    if op in _BINARY:
        spelling = _BINARY[op]
        _, power, right = VOCABULARY.binary[spelling]
        left = _wrapped(expr[id(kids[0])], power + (1 if right else 0))
        rite = _wrapped(expr[id(kids[1])], power + (0 if right else 1))
        return _marked(v, [left[0], f" {spelling} ", rite[0]]), power, max(left[1], rite[1])
    if op.startswith("**"):
        try:
            exponent = float(op[2:])
        except ValueError:
            raise EngineError.of("micrograd.unknown_op", op=op) from None
        if not math.isfinite(exponent):
            raise EngineError.of("micrograd.not_finite", data=op[2:])
        if exponent == -1:  # micrograd's division: drawn as the figure's 1/x gate
            _, power, _ = VOCABULARY.binary["/"]
            below = _wrapped(expr[id(kids[0])], power + 1)
            return _marked(v, ["1 / ", below[0]]), power, below[1]
        _, power, _ = VOCABULARY.binary["**"]
        base = _wrapped(expr[id(kids[0])], power + 1)
        text, exp_power = _number_text(exponent)
        exp = _wrapped((text, exp_power, 0), power)
        return _marked(v, [base[0], "**", exp[0]]), power, max(base[1], exp[1])
    if op in _CALLS:
        inner, _, depth = expr[id(kids[0])]
        return _marked(v, [_CALLS[op], "(", inner, ")"]), _ATOM, depth + 1
    raise EngineError.of("micrograd.unknown_op", op=op)


def _wrapped(item, at_least):
    """(fragment, depth) of an operand, in parentheses when it binds looser than ``at_least``."""
    fragment, power, depth = item
    if power >= at_least:
        return fragment, depth
    return ["(", fragment, ")"], depth + 1


def _flatten(lines) -> tuple[str, dict]:
    """The program text of the lines' fragments, and the span of every marked Value."""
    parts, spans, starts = [], {}, {}
    pos = 0
    stack = []
    for i in range(len(lines) - 1, -1, -1):
        stack.append(lines[i])
        if i:
            stack.append("\n")
    while stack:
        item = stack.pop()
        if type(item) is str:
            parts.append(item)
            pos += len(item)
        elif type(item) is tuple:
            if item[0] == "open":
                starts[item[1]] = pos
            else:
                spans[item[1]] = (starts[item[1]], pos)
        else:
            stack.extend(reversed(item))
    return "".join(parts), spans


def from_micrograd(root, limits=None, check: bool = False):
    """The Result of the micrograd graph that ends in ``root`` (see the module's docstring).

    Runs ``root.backward()`` first when the gradients are unset (``root.grad`` is 0),
    then compares micrograd's gradients with ours: a difference is a warning (as
    when backward() ran twice, since micrograd adds into ``.grad``).  Labels that
    are not names of ours are renamed, with a warning each.  ``limits`` and
    ``check`` are ``engine.evaluate``'s.  Raises EngineError for what has no
    counterpart here (an unknown op, a value that is not a finite number).
    """
    from . import evaluate

    translation = translate(root)  # before backward(): a refusal leaves the graph untouched
    notes = list(translation.renamed)
    if not root.grad:
        try:
            root.backward()
        except RecursionError:
            notes.append(("micrograd.backward_failed", {"error": "RecursionError"}))
    result = evaluate(translation.program, translation.values, limits, check=check)
    graph = result.graph
    if root.grad:
        notes.extend(_differences(translation, result))
    for code, params in notes:
        graph.warnings.append(english(code, params))
        graph.warning_data.append({"code": code, "params": params})
    return result


def _differences(translation, result) -> list:
    """A note when micrograd's own gradients differ from ours (at most one, with the count)."""
    differ = []
    for v, node in translation.node_ids(result.graph):
        ours = float(result.graph.nodes[node].grad)
        theirs = float(v.grad)
        if not math.isclose(theirs, ours, rel_tol=1e-9, abs_tol=1e-12):
            differ.append((node, theirs, ours))
    if not differ:
        return []
    node, theirs, ours = differ[0]
    return [("micrograd.grad_differs", {"name": result.label(node), "theirs": theirs,
                                        "ours": ours, "count": len(differ)})]
