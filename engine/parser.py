"""The parser: program text -> statements of expression trees, for a given vocabulary.

An operator-precedence (shunting-yard) parser driven by explicit stacks, so no
input, however deeply nested, can exhaust Python's recursion limit.  It knows
no operator, function, binding power or constant of its own: a ``Vocabulary``
(engine.ops: from the op table) says which spellings exist and how tightly they
bind.  For the program language that is, loosest to tightest::

    + -      1  left        unary - +   3  prefix
    * / @    2  left        ** ^        4  right    (-x**2 is -(x**2); 2**3**2 is 2**9)

Every tree node keeps its start/end offsets so errors and the page can point
at the exact text; errors carry a stable code (engine/messages.py).
"""

from __future__ import annotations

import difflib
from collections import namedtuple

from .errors import LimitError, NamingError, ParseError
from .ops import FORMULA_VOCABULARY, VOCABULARY, Vocabulary
from .tokens import Tokenizer

Token = namedtuple("Token", "kind text start end")
_TOKENIZERS: dict[int, Tokenizer] = {}


def _tokenizer(vocabulary: Vocabulary) -> Tokenizer:
    key = id(vocabulary)
    if key not in _TOKENIZERS:
        _TOKENIZERS[key] = Tokenizer(list(vocabulary.binary) + list(vocabulary.prefix))
    return _TOKENIZERS[key]


def tokenize(text: str, vocabulary: Vocabulary = VOCABULARY) -> list[Token]:
    """The tokens of a program, as ``Token(kind, text, start, end)``."""
    return [Token(*t) for t in _tokenizer(vocabulary).tokenize(text)]


class Expr:
    """One node of an expression tree.

    kind: "num" (value), "name" (name), "binary"/"unary"/"call" (op, args),
    "list" (args are the elements). ``start``/``end`` span the node's text;
    ``outer_start``/``outer_end`` also cover parentheses around it. ``op_start``
    and ``op_end`` locate the operator or function name, where shape errors point.
    ``node`` is free for the graph builder (the id of the graph node it became).
    """

    __slots__ = ("kind", "start", "end", "op", "args", "value", "name", "op_start", "op_end",
                 "outer_start", "outer_end", "node")

    def __init__(self, kind, start, end, op=None, args=(), value=None, name=None,
                 op_start=0, op_end=0):
        self.kind = kind
        self.start = self.outer_start = start
        self.end = self.outer_end = end
        self.op = op
        self.args = args
        self.value = value
        self.name = name
        self.op_start = op_start
        self.op_end = op_end
        self.node = None


class Statement:
    """``target = expr`` (target None for a bare expression).

    ``nodes`` lists the statement's tree nodes children-first (post-order),
    which is also the order the graph builder creates them in.
    """

    __slots__ = ("target", "target_start", "target_end", "expr", "nodes", "start", "end")

    def __init__(self, target, target_start, target_end, expr, nodes, start, end):
        self.target = target
        self.target_start = target_start
        self.target_end = target_end
        self.expr = expr
        self.nodes = nodes
        self.start = start
        self.end = end


class _Group:
    """An open bracket on the operator stack: '(' or a call or a '[' list."""

    __slots__ = ("kind", "token", "name_token", "base")

    def __init__(self, kind, token, name_token=None, base=0):
        self.kind = kind  # "paren" | "call" | "list"
        self.token = token
        self.name_token = name_token
        self.base = base  # operand-stack height when the group opened


_CLOSER = {"paren": ")", "call": ")", "list": "]"}


def _found(tok) -> str:
    """A token as error parameters carry it: its text ("" at the end, "\\n" at a line end)."""
    return tok[1]


class Parser:
    """Turns tokens into statements; one instance per program."""

    def __init__(self, text: str, max_depth: int = 1000, vocabulary: Vocabulary = VOCABULARY):
        self.text = text
        self.max_depth = max_depth
        self.vocabulary = vocabulary
        self.tokens = _tokenizer(vocabulary).tokenize(text)
        self.i = 0

    # program ---------------------------------------------------------------
    def parse_program(self) -> list[Statement]:
        statements: list[Statement] = []
        assigned: dict[str, tuple] = {}
        tokens = self.tokens
        while True:
            while tokens[self.i][0] == "sep":
                self.i += 1
            tok = tokens[self.i]
            if tok[0] == "eof":
                break
            target = None
            t_start = t_end = tok[2]
            if tok[0] == "name" and tokens[self.i + 1][0] == "=":
                target, t_start, t_end = tok[1], tok[2], tok[3]
                self._check_target(tok, assigned)
                assigned[target] = tok
                self.i += 2
                if tokens[self.i][0] in ("sep", "eof"):
                    eq = tokens[self.i - 1]
                    raise ParseError.of("parse.missing_after_assign", eq[2], eq[3], name=target)
            expr, nodes = self.parse_expression()
            statements.append(Statement(target, t_start, t_end, expr, nodes,
                                        t_start if target else expr.outer_start, expr.outer_end))
        if not statements:
            raise ParseError.of("parse.empty", 0, len(self.text))
        return statements

    def _check_target(self, tok, assigned: dict) -> None:
        name = tok[1]
        if name in self.vocabulary.functions:
            raise NamingError.of("name.assign_function", tok[2], tok[3], name=name)
        if name in self.vocabulary.constants:
            raise NamingError.of("name.assign_constant", tok[2], tok[3], name=name,
                                 value=self.vocabulary.constants[name])
        if name in assigned:
            line = self.text.count("\n", 0, assigned[name][2]) + 1
            raise NamingError.of("name.assigned_twice", tok[2], tok[3], name=name, line=line)

    # expressions -----------------------------------------------------------
    def parse_expression(self) -> tuple[Expr, list[Expr]]:
        """Parse one expression up to a statement separator, without recursion."""
        binary = self.vocabulary.binary
        prefix = self.vocabulary.prefix
        functions = self.vocabulary.functions
        tokens = self.tokens
        operands: list[Expr] = []
        ops: list = []  # (op name, power, token) for operators, or a _Group
        nodes: list[Expr] = []
        depth = 0
        expect_operand = True
        prev = None  # the last token consumed
        i = self.i

        def reduce_top():
            name, _, tok = ops.pop()
            b = operands.pop()
            if tok[0] == "prefix":
                node = Expr("unary", tok[2], b.outer_end, name, [b], None, None, tok[2], tok[3])
            else:
                a = operands.pop()
                node = Expr("binary", a.outer_start, b.outer_end, name, [a, b], None, None,
                            tok[2], tok[3])
            nodes.append(node)
            operands.append(node)

        def reduce_to_group():
            while ops and type(ops[-1]) is not _Group:
                reduce_top()
            return ops[-1] if ops else None

        def open_group(group):
            nonlocal depth
            depth += 1
            if depth > self.max_depth:
                raise LimitError.of("limit.depth", group.token[2], group.token[3],
                                    limit=self.max_depth)
            ops.append(group)

        while True:
            tok = tokens[i]
            i += 1
            k = tok[0]
            if expect_operand:
                if k == "name" and tokens[i][0] != "(":
                    if tok[1] in functions:
                        raise NamingError.of("name.function_as_value", tok[2], tok[3],
                                             name=tok[1])
                    node = Expr("name", tok[2], tok[3], None, (), None, tok[1])
                    nodes.append(node)
                    operands.append(node)
                    expect_operand = False
                elif k == "num":
                    value = float(tok[1])
                    if value == float("inf"):
                        raise ParseError.of("parse.number_too_large", tok[2], tok[3],
                                            text=tok[1])
                    node = Expr("num", tok[2], tok[3], None, (), value)
                    nodes.append(node)
                    operands.append(node)
                    expect_operand = False
                elif k == "name":  # a call
                    paren = tokens[i]
                    i += 1
                    if tok[1] not in functions:
                        self._refuse_function(tok)
                    open_group(_Group("call", paren, tok, len(operands)))
                    prev = paren
                    if tokens[i][0] == ")":
                        close = tokens[i]
                        i += 1
                        self._finish_call(ops.pop(), close, operands, nodes)
                        depth -= 1
                        expect_operand = False
                    tok = tokens[i - 1]
                elif k == "(":
                    open_group(_Group("paren", tok, base=len(operands)))
                elif k == "[":
                    open_group(_Group("list", tok, base=len(operands)))
                    if tokens[i][0] == "]":
                        raise ParseError.of("parse.empty_list", tok[2], tokens[i][3])
                elif k == "op" and tok[1] in prefix:
                    name, power = prefix[tok[1]]
                    ops.append((name, power, ("prefix",) + tok[1:]))
                else:
                    self._missing_operand(tok, prev)
            elif k == "op":
                name, power, right = binary[tok[1]]
                while ops and type(ops[-1]) is not _Group:
                    top_name, top_power, top = ops[-1]
                    if top_power < power or (top_power == power and right):
                        break
                    if top[0] == "prefix":
                        reduce_top()
                        continue
                    # a binary reduction, inlined: the hot path of a long sum
                    ops.pop()
                    b = operands.pop()
                    a = operands[-1]
                    node = Expr("binary", a.outer_start, b.outer_end, top_name, [a, b], None,
                                None, top[2], top[3])
                    nodes.append(node)
                    operands[-1] = node
                ops.append((name, power, tok))
                expect_operand = True
            elif k == ")":
                group = reduce_to_group()
                if group is None:
                    raise ParseError.of("parse.unmatched_close", tok[2], tok[3])
                if group.kind == "list":
                    raise ParseError.of("parse.mismatched_close", tok[2], tok[3],
                                        offset=group.token[2])
                ops.pop()
                depth -= 1
                if group.kind == "call":
                    self._finish_call(group, tok, operands, nodes)
                else:
                    inner = operands[-1]
                    inner.outer_start, inner.outer_end = group.token[2], tok[3]
            elif k == "]":
                group = reduce_to_group()
                if group is None:
                    raise ParseError.of("parse.unexpected_bracket", tok[2], tok[3])
                if group.kind != "list":
                    raise ParseError.of("parse.unexpected_bracket_open", tok[2], tok[3],
                                        offset=group.token[2])
                ops.pop()
                depth -= 1
                elems = operands[group.base:]
                del operands[group.base:]
                node = Expr("list", group.token[2], tok[3], None, elems, None, None,
                            group.token[2], group.token[2] + 1)
                nodes.append(node)
                operands.append(node)
            elif k == ",":
                group = reduce_to_group()
                if group is None or group.kind == "paren":
                    raise ParseError.of("parse.unexpected_comma", tok[2], tok[3])
                expect_operand = True
            elif k in ("sep", "eof"):
                while ops:
                    top = ops[-1]
                    if type(top) is _Group:
                        if tok[1] == ";":
                            raise ParseError.of("parse.semicolon_in_brackets", tok[2], tok[3],
                                                open=top.token[1], offset=top.token[2])
                        raise ParseError.of("parse.unclosed", top.token[2], top.token[3],
                                            open=top.token[1], close=_CLOSER[top.kind])
                    reduce_top()
                self.i = i - 1  # leave the separator for parse_program
                return operands[0], nodes
            elif k == "=":
                raise ParseError.of("parse.misplaced_equals", tok[2], tok[3])
            else:  # a value right after a value
                raise ParseError.of("parse.missing_operator", tok[2], tok[3], found=_found(tok))
            prev = tok

    def _refuse_function(self, tok) -> None:
        name = tok[1]
        callable_names = [n for n, (op, _) in self.vocabulary.functions.items()]
        close = difflib.get_close_matches(name, callable_names, n=1, cutoff=0.6)
        if close:
            raise NamingError.of("name.unknown_function", tok[2], tok[3], name=name,
                                 suggestion=close[0])
        raise NamingError.of("name.unknown_function_multiply", tok[2], tok[3], name=name)

    @staticmethod
    def _missing_operand(tok, prev) -> None:
        """The error for a token where a value should be, naming what is missing."""
        k = tok[0]
        if k in ("eof", "sep") and prev is not None:
            # Nothing to underline at the end: point at what is left dangling.
            if prev[0] in ("(", "["):
                raise ParseError.of("parse.unclosed_at_end", prev[2], prev[3], open=prev[1],
                                    found=_found(tok) if k == "eof" else "\n")
            raise ParseError.of("parse.missing_after_at_end", prev[2], prev[3], after=prev[1],
                                found=_found(tok) if k == "eof" else "\n")
        if prev is not None and prev[0] == "(" and k == ")":
            raise ParseError.of("parse.empty_parens", prev[2], tok[3])
        if prev is not None and prev[0] == "op":
            raise ParseError.of("parse.missing_after_op", prev[2], prev[3], op=prev[1],
                                found=_found(tok))
        if prev is not None and prev[0] == ",":
            raise ParseError.of("parse.missing_after_comma", tok[2], tok[3], found=_found(tok))
        if k == "=":
            raise ParseError.of("parse.equals_for_value", tok[2], tok[3])
        if k == "op":
            raise ParseError.of("parse.missing_before_op", tok[2], tok[3], op=tok[1])
        if k == ")":
            raise ParseError.of("parse.unmatched_close", tok[2], tok[3])
        raise ParseError.of("parse.expected_value", tok[2], max(tok[3], tok[2] + 1),
                            found=_found(tok))

    def _finish_call(self, group: _Group, close, operands: list[Expr], nodes: list[Expr]):
        name_tok = group.name_token
        args = operands[group.base:]
        del operands[group.base:]
        op, arity = self.vocabulary.functions[name_tok[1]]
        if len(args) != arity:
            raise ParseError.of("parse.arity", name_tok[2], close[3], name=name_tok[1],
                                arity=arity, got=len(args))
        node = Expr("call", name_tok[2], close[3], op, args, None, None, name_tok[2], name_tok[3])
        nodes.append(node)
        operands.append(node)


def parse(text: str, max_depth: int = 1000, vocabulary: Vocabulary = VOCABULARY) -> list[Statement]:
    """Parse a whole program into statements."""
    return Parser(text, max_depth, vocabulary).parse_program()


def parse_formula(text: str) -> Expr:
    """One derivative formula of the op table (engine.formula), in the formula vocabulary."""
    return parse(text, vocabulary=FORMULA_VOCABULARY)[0].expr


def to_sexpr(expr: Expr, vocabulary: Vocabulary = VOCABULARY) -> str:
    """Compact S-expression of a tree, e.g. ``(** 2 (** 3 2))``; iterative, linear time."""
    symbols = {name: spelling for spelling, (name, *_) in vocabulary.binary.items()
               if spelling not in ("^",)}
    symbols.update({name: spelling for spelling, (name, _) in vocabulary.prefix.items()})
    symbols.update({name: call for call, (name, _) in vocabulary.functions.items()
                    if name not in symbols})
    pieces: list[str] = []
    # Each stack entry is a node to write, or a literal piece of text (")" or " ").
    stack: list = [expr]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            pieces.append(item)
        elif item.kind == "num":
            v = item.value
            pieces.append(str(int(v)) if v == int(v) and abs(v) < 1e15 else repr(v))
        elif item.kind == "name":
            pieces.append(item.name)
        else:
            head = "list" if item.kind == "list" else symbols.get(item.op, item.op)
            pieces.append("(" + head)
            stack.append(")")
            for a in reversed(item.args):
                stack.append(a)
                stack.append(" ")
    return "".join(pieces)
