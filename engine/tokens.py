"""The tokenizer: program text -> tokens, each with its start and end offsets.

A token is a plain tuple ``(kind, text, start, end)`` (tuples are what keeps
tokenizing a 100,000-term program fast).  Kinds: "num", "name", "op" (an
operator of the vocabulary), the punctuation itself ("(", ")", "[", "]", ",",
"="), "sep" (";" or a line break outside brackets) and "eof".  Only ASCII
digits and letters make numbers and names: `৪` or `٣` is refused with a clear
error instead of being read as a digit.
"""

from __future__ import annotations

import re

from .errors import ParseError

KIND, TEXT, START, END = 0, 1, 2, 3

_SPACE = r"(?P<ws>[ \t\r\f\v]+|\#[^\n]*)"
_NUMBER = r"(?P<num>(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)"
_NAME = r"(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
_PUNCT = r"(?P<punct>[()\[\],=;\n])"
_BAD = r"(?P<bad>.)"


class Tokenizer:
    """Splits text into tokens for one vocabulary (its operator spellings)."""

    def __init__(self, operators):
        spellings = sorted(operators, key=len, reverse=True)  # `**` before `*`
        ops = "|".join(re.escape(s) for s in spellings)
        self._pattern = re.compile(
            "|".join([_SPACE, _NUMBER, _NAME, f"(?P<op>{ops})", _PUNCT, _BAD]), re.DOTALL)

    def tokenize(self, text: str) -> list[tuple]:
        """The tokens of ``text``, ending with an "eof" token; newlines in brackets are space."""
        tokens = []
        append = tokens.append
        depth = 0
        n = len(text)
        for m in self._pattern.finditer(text):
            kind = m.lastgroup
            if kind == "ws":
                continue
            start, end = m.span()
            tok = m.group()
            if kind == "punct":
                if tok in "([":
                    depth += 1
                elif tok in ")]":
                    depth = max(0, depth - 1)
                if tok == "\n":
                    if depth:
                        continue  # a line break inside brackets continues the expression
                    kind = "sep"
                elif tok == ";":
                    kind = "sep"
                else:
                    kind = tok
            elif kind == "num":
                if end < n and (text[end].isalnum() or text[end] == "_"):
                    _refuse_glued(text, start, end)
            elif kind == "bad":
                _refuse_char(text, start)
            append((kind, tok, start, end))
        append(("eof", "", n, n))
        return tokens


def _refuse_glued(text: str, start: int, end: int):
    """A number glued to letters: "2x" is a common slip, and "2e" an unfinished exponent."""
    j = end
    while j < len(text) and (text[j].isalnum() or text[j] == "_"):
        j += 1
    glued = text[start:j]
    for k in range(end, j):
        if not text[k].isascii():
            _refuse_char(text, k)
    if text[end] in "eE" and (j == end + 1 or not text[end + 1].isalpha()):
        raise ParseError.of("parse.bad_exponent", start, j, text=glued,
                            mantissa=text[start:end])
    raise ParseError.of("parse.number_name", start, j, text=glued, number=text[start:end],
                        name=text[end:j])


def _refuse_char(text: str, pos: int):
    ch = text[pos]
    if ch.isdecimal():
        raise ParseError.of("parse.foreign_digit", pos, pos + 1, char=ch)
    variant = {".": ".dot", "{": ".brace", "}": ".brace", "!": ".bang"}.get(ch, "")
    if ch in "²³":
        variant = ".superscript"
    raise ParseError.of("parse.unknown_char" + variant, pos, pos + 1, char=ch)
