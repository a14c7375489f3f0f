"""Tokenizer and parser: program text -> statements of expression trees.

The parser is an operator-precedence (shunting-yard) parser driven by explicit
stacks, so no input, however deeply nested, can exhaust Python's recursion
limit. Binding powers, loosest to tightest::

    + -          1  left
    * / @        2  left
    unary - +    3  prefix
    ** ^         4  right    (-x**2 is -(x**2); 2**3**2 is 2**9)

Every token and tree node keeps its start/end offsets so errors and the page
can point at the exact text.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from .errors import LimitError, NameError_, ParseError
from .ops import CONSTANTS, FUNCTIONS

# --- tokens -----------------------------------------------------------------

_TOKEN_RE = re.compile(
    r"""
    (?P<ws>[ \t\r\f\v]+|\#[^\n]*)
  | (?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>\*\*|[-+*/@^])
  | (?P<punct>[()\[\],=;\n])
    """,
    re.VERBOSE,
)


@dataclass(slots=True)
class Token:
    kind: str  # "num" "name" "op" "(" ")" "[" "]" "," "=" "sep" "eof"
    text: str
    start: int
    end: int


def _describe_char(ch: str) -> str:
    if ch == "'":
        return '"\'" (U+0027)'
    if ch.isprintable() and not ch.isspace():
        return f"'{ch}' (U+{ord(ch):04X})"
    return f"U+{ord(ch):04X}"


def tokenize(text: str) -> list[Token]:
    """Split program text into tokens; newlines inside brackets are plain space."""
    tokens: list[Token] = []
    depth = 0
    pos = 0
    n = len(text)
    match = _TOKEN_RE.match
    while pos < n:
        m = match(text, pos)
        if m is None:
            ch = text[pos]
            hint = ""
            if ch == ".":
                hint = " (a number needs digits, as in .5 or 2.5)"
            elif ch in "{}":
                hint = "; use ( ) for grouping"
            elif ch == "!":
                hint = "; there are no comparison or logical operators"
            raise ParseError(f"unknown character {_describe_char(ch)}{hint}", pos, pos + 1)
        kind = m.lastgroup
        end = m.end()
        if kind == "ws":
            pos = end
            continue
        tok_text = m.group()
        if kind == "punct":
            if tok_text in "([":
                depth += 1
            elif tok_text in ")]":
                depth = max(0, depth - 1)
            if tok_text in ";\n":
                if tok_text == "\n" and depth > 0:
                    pos = end  # a line break inside brackets continues the expression
                    continue
                kind = "sep"
            else:
                kind = tok_text
        elif kind == "num" and end < n and (text[end].isalpha() or text[end] == "_"):
            # "2x" is a common slip; say what is meant instead of "two values side by side".
            j = end
            while j < n and (text[j].isalnum() or text[j] == "_"):
                j += 1
            if text[end] in "eE" and (j == end + 1 or not text[end + 1].isalpha()):
                raise ParseError(f"'{text[pos:j]}' is not a complete number: an exponent needs "
                                 f"digits, as in {text[pos:end]}e3 or {text[pos:end]}e-3",
                                 pos, j)
            raise ParseError(
                f"'{text[pos:j]}' is not a number or a name; write a multiplication as "
                f"'{text[pos:end]} * {text[end:j]}'",
                pos, j)
        tokens.append(Token(kind, tok_text, pos, end))
        pos = end
    tokens.append(Token("eof", "", n, n))
    return tokens


# --- trees ------------------------------------------------------------------


@dataclass(slots=True, eq=False)
class Expr:
    """One node of an expression tree.

    kind: "num" (value), "name" (name), "binary"/"unary"/"call" (op, args),
    "list" (args are the elements). ``start``/``end`` span the node's text;
    ``outer_start``/``outer_end`` also cover parentheses around it. ``op_start``
    and ``op_end`` locate the operator or function name, where shape errors point.
    """

    kind: str
    start: int
    end: int
    op: str | None = None
    args: list["Expr"] = field(default_factory=list)
    value: float | None = None
    name: str | None = None
    op_start: int = 0
    op_end: int = 0
    outer_start: int = -1
    outer_end: int = -1

    def __post_init__(self):
        if self.outer_start < 0:
            self.outer_start, self.outer_end = self.start, self.end


@dataclass(slots=True)
class Statement:
    """``target = expr`` (target may be None for the bare last expression).

    ``nodes`` lists the statement's tree nodes children-first (post-order),
    which is also the order the graph builder creates them in.
    """

    target: str | None
    target_start: int
    target_end: int
    expr: Expr
    nodes: list[Expr]
    start: int
    end: int


BINARY = {
    "+": (1, "add"), "-": (1, "sub"),
    "*": (2, "mul"), "/": (2, "div"), "@": (2, "matmul"),
    "**": (4, "pow"), "^": (4, "pow"),
}
RIGHT_ASSOC = {"**", "^"}
UNARY_POWER = 3
UNARY = {"-": "neg", "+": "pos"}


def _suggest(name: str, choices) -> str:
    close = difflib.get_close_matches(name, list(choices), n=1, cutoff=0.6)
    return f"; did you mean '{close[0]}'?" if close else ""


class _Group:
    """An open bracket on the operator stack: '(' or a call or a '[' list."""

    __slots__ = ("kind", "token", "name_token", "argc", "base")

    def __init__(self, kind, token, name_token=None, base=0):
        self.kind = kind  # "paren" | "call" | "list"
        self.token = token
        self.name_token = name_token
        self.argc = 0
        self.base = base  # operand-stack height when the group opened


class Parser:
    """Turns tokens into statements; one instance per program."""

    def __init__(self, text: str, max_depth: int = 1000):
        self.text = text
        self.max_depth = max_depth
        self.tokens = tokenize(text)
        self.i = 0

    # helpers ---------------------------------------------------------------
    def _peek(self) -> Token:
        return self.tokens[self.i]

    def _next(self) -> Token:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    @staticmethod
    def _shown(tok: Token) -> str:
        if tok.kind == "eof":
            return "the end of the program"
        if tok.kind == "sep":
            return "the end of the line" if tok.text == "\n" else "';'"
        return f"'{tok.text}'"

    # program ---------------------------------------------------------------
    def parse_program(self) -> list[Statement]:
        statements: list[Statement] = []
        assigned: dict[str, Token] = {}
        while True:
            while self._peek().kind == "sep":
                self.i += 1
            tok = self._peek()
            if tok.kind == "eof":
                break
            target = None
            t_start = t_end = tok.start
            if tok.kind == "name" and self.tokens[self.i + 1].kind == "=":
                target = tok.text
                t_start, t_end = tok.start, tok.end
                if target in FUNCTIONS:
                    raise NameError_(
                        f"'{target}' is a function and cannot be assigned; choose another name",
                        tok.start, tok.end)
                if target in CONSTANTS:
                    raise NameError_(
                        f"'{target}' is the constant {CONSTANTS[target]:.6g} and cannot be "
                        f"assigned; choose another name", tok.start, tok.end)
                if target in assigned:
                    first = assigned[target]
                    line = self.text.count("\n", 0, first.start) + 1
                    raise NameError_(
                        f"'{target}' is assigned twice (first on line {line}); "
                        f"each name can be assigned once", tok.start, tok.end)
                assigned[target] = tok
                self.i += 2
                if self._peek().kind in ("sep", "eof"):
                    raise ParseError(f"missing a value after '{target} ='",
                                     self.tokens[self.i - 1].start, self.tokens[self.i - 1].end)
            expr, nodes = self.parse_expression()
            statements.append(Statement(target, t_start, t_end, expr, nodes,
                                        t_start if target else expr.outer_start, expr.outer_end))
        if not statements:
            raise ParseError("the program is empty: type an expression such as (x + y) * z",
                             0, len(self.text))
        return statements

    # expressions -----------------------------------------------------------
    def parse_expression(self) -> tuple[Expr, list[Expr]]:
        """Parse one expression up to a statement separator, without recursion."""
        operands: list[Expr] = []
        ops: list = []  # ("bin", token) | ("unary", token) | _Group
        nodes: list[Expr] = []
        depth = 0
        expect_operand = True
        prev: Token | None = None  # the last token consumed

        def make(kind, start, end, **kw):
            node = Expr(kind, start, end, **kw)
            nodes.append(node)
            return node

        def reduce_top():
            kind, tok = ops.pop()
            if kind == "unary":
                a = operands.pop()
                operands.append(make("unary", tok.start, a.outer_end, op=UNARY[tok.text],
                                     args=[a], op_start=tok.start, op_end=tok.end))
            else:
                b = operands.pop()
                a = operands.pop()
                operands.append(make("binary", a.outer_start, b.outer_end, op=BINARY[tok.text][1],
                                     args=[a, b], op_start=tok.start, op_end=tok.end))

        def reduce_to_group() -> _Group | None:
            while ops and not isinstance(ops[-1], _Group):
                reduce_top()
            return ops[-1] if ops else None

        def missing_operand(tok: Token):
            if tok.kind in ("eof", "sep") and prev is not None:
                # Nothing to underline at the end: point at what is left dangling.
                what = {"(": "'(' is never closed", "[": "'[' is never closed"}.get(
                    prev.kind, f"missing a value after '{prev.text}'")
                raise ParseError(f"{what} (the {self._shown(tok)[4:] if tok.kind == 'eof' else 'line'} "
                                 f"comes first)", prev.start, prev.end)
            if prev is not None and prev.kind == "(" and tok.kind == ")":
                raise ParseError("empty parentheses: put an expression inside ( )",
                                 prev.start, tok.end)
            if prev is not None and prev.kind == "op":
                raise ParseError(f"missing a value after '{prev.text}' (found {self._shown(tok)})",
                                 prev.start, prev.end)
            if prev is not None and prev.kind == ",":
                raise ParseError(f"missing a value after ',' (found {self._shown(tok)})",
                                 tok.start, tok.end)
            if tok.kind == "=":
                raise ParseError("expected a value, found '=': there are no comparisons, and '=' "
                                 "only names a value at the start of a statement (q = x + y)",
                                 tok.start, tok.end)
            if tok.kind == "op":
                raise ParseError(f"missing a value before '{tok.text}'", tok.start, tok.end)
            if tok.kind == ")":
                raise ParseError("unexpected ')': there is no '(' for it to close",
                                 tok.start, tok.end)
            raise ParseError(f"expected a value, found {self._shown(tok)}",
                             tok.start, max(tok.end, tok.start + 1))

        def open_group(group: _Group):
            nonlocal depth
            depth += 1
            if depth > self.max_depth:
                raise LimitError(f"the expression is nested more than {self.max_depth} levels "
                                 f"deep (the limit)", group.token.start, group.token.end)
            ops.append(group)

        while True:
            tok = self._next()
            k = tok.kind
            if expect_operand:
                if k == "num":
                    value = float(tok.text)
                    if value == float("inf"):
                        raise ParseError(f"the number {tok.text} is too large for float64 "
                                         f"(at most about 1.8e308)", tok.start, tok.end)
                    operands.append(make("num", tok.start, tok.end, value=value))
                    expect_operand = False
                elif k == "name":
                    if self._peek().kind == "(":
                        paren = self._next()
                        if tok.text not in FUNCTIONS:
                            hint = _suggest(tok.text, FUNCTIONS)
                            if not hint:
                                hint = (f"; to multiply, write '{tok.text} * (...)'")
                            raise NameError_(f"unknown function '{tok.text}'{hint}",
                                             tok.start, tok.end)
                        open_group(_Group("call", paren, tok, len(operands)))
                        prev = paren
                        if self._peek().kind == ")":
                            close = self._next()
                            self._finish_call(ops.pop(), close, operands, make)
                            depth -= 1
                            expect_operand = False
                        tok = self.tokens[self.i - 1]
                    else:
                        if tok.text in FUNCTIONS:
                            raise NameError_(f"'{tok.text}' is a function: call it as "
                                             f"{tok.text}(...)", tok.start, tok.end)
                        operands.append(make("name", tok.start, tok.end, name=tok.text))
                        expect_operand = False
                elif k == "(":
                    open_group(_Group("paren", tok, base=len(operands)))
                elif k == "[":
                    open_group(_Group("list", tok, base=len(operands)))
                    if self._peek().kind == "]":
                        close = self._next()
                        raise ParseError("an empty list [] has no value", tok.start, close.end)
                elif k == "op" and tok.text in UNARY:
                    ops.append(("unary", tok))
                else:
                    missing_operand(tok)
            else:
                if k == "op":
                    power = BINARY[tok.text][0]
                    right = tok.text in RIGHT_ASSOC
                    while ops and not isinstance(ops[-1], _Group):
                        kind, top = ops[-1]
                        top_power = UNARY_POWER if kind == "unary" else BINARY[top.text][0]
                        if top_power > power or (top_power == power and not right):
                            reduce_top()
                        else:
                            break
                    ops.append(("bin", tok))
                    expect_operand = True
                elif k == ")":
                    group = reduce_to_group()
                    if group is None:
                        raise ParseError("unexpected ')': there is no '(' for it to close",
                                         tok.start, tok.end)
                    if group.kind == "list":
                        raise ParseError(f"')' does not match the '[' at offset {group.token.start}; "
                                         f"close it with ']'", tok.start, tok.end)
                    ops.pop()
                    depth -= 1
                    if group.kind == "call":
                        self._finish_call(group, tok, operands, make)
                    else:
                        inner = operands[-1]
                        inner.outer_start, inner.outer_end = group.token.start, tok.end
                elif k == "]":
                    group = reduce_to_group()
                    if group is None or group.kind != "list":
                        where = "" if group is None else f" (the '(' at offset {group.token.start} is still open)"
                        raise ParseError(f"unexpected ']'{where}", tok.start, tok.end)
                    ops.pop()
                    depth -= 1
                    elems = operands[group.base:]
                    del operands[group.base:]
                    operands.append(make("list", group.token.start, tok.end, args=elems,
                                         op_start=group.token.start, op_end=group.token.start + 1))
                elif k == ",":
                    group = reduce_to_group()
                    if group is None or group.kind == "paren":
                        raise ParseError("unexpected ',': commas only separate function "
                                         "arguments and list entries", tok.start, tok.end)
                    expect_operand = True
                elif k in ("sep", "eof"):
                    while ops:
                        top = ops[-1]
                        if isinstance(top, _Group):
                            closer = {"paren": ")", "call": ")", "list": "]"}[top.kind]
                            if tok.text == ";":
                                raise ParseError(f"';' ends the statement while the "
                                                 f"'{top.token.text}' at offset {top.token.start} "
                                                 f"is still open; separate arguments with ','",
                                                 tok.start, tok.end)
                            raise ParseError(f"'{top.token.text}' is never closed: add a '{closer}'",
                                             top.token.start, top.token.end)
                        reduce_top()
                    self.i -= 1  # leave the separator for parse_program
                    return operands[0], nodes
                elif k == "=":
                    raise ParseError("'=' can only follow a name at the start of a statement, "
                                     "as in q = x + y (there are no comparisons)",
                                     tok.start, tok.end)
                else:  # a value right after a value
                    shown = self._shown(tok)
                    raise ParseError(f"missing an operator before {shown}: two values side by side "
                                     f"(did you mean '*'?)", tok.start, tok.end)
            prev = tok

    def _finish_call(self, group: _Group, close: Token, operands: list[Expr], make):
        name_tok = group.name_token
        args = operands[group.base:]
        del operands[group.base:]
        arity = FUNCTIONS[name_tok.text]
        if len(args) != arity:
            plural = "s" if arity != 1 else ""
            raise ParseError(f"{name_tok.text}() takes {arity} argument{plural}, "
                             f"got {len(args)}", name_tok.start, close.end)
        operands.append(make("call", name_tok.start, close.end, op=name_tok.text, args=args,
                             op_start=name_tok.start, op_end=name_tok.end))


def parse(text: str, max_depth: int = 1000) -> list[Statement]:
    """Parse a whole program into statements."""
    return Parser(text, max_depth).parse_program()


def to_sexpr(expr: Expr) -> str:
    """Compact S-expression of a tree, e.g. ``(** 2 (** 3 2))``; iterative, linear time."""
    symbols = {"add": "+", "sub": "-", "mul": "*", "div": "/", "matmul": "@", "pow": "**",
               "neg": "-", "pos": "+"}
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
