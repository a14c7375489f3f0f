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

# One match per token: the blank before it, then the token.  findall runs the whole
# text in C; the loop below only sorts tokens by their first character (a
# match per token, and no match object, is what keeps this fast).
_TOKEN = (r"([ \t\r\f\v]*)((?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
          r"|[A-Za-z_][A-Za-z0-9_]*|{ops}|[()\[\],=;\n]|\#[^\n]*|[^ \t\r\f\v])")
_FIRST = {**{c: "num" for c in "0123456789."},
          **{c: "name" for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_"},
          **{c: c for c in "()[],="}, ";": "sep", "\n": "sep", "#": "comment"}


class Tokenizer:
    """Splits text into tokens for one vocabulary (its operator spellings)."""

    def __init__(self, operators):
        spellings = sorted(operators, key=len, reverse=True)  # `**` before `*`
        ops = "|".join(re.escape(s) for s in spellings)
        self._pattern = re.compile(_TOKEN.replace("{ops}", ops), re.DOTALL)
        self._first = {**_FIRST, **{s[0]: "op" for s in spellings}}

    def tokenize(self, text: str) -> list[tuple]:
        """The tokens of ``text``, ending with an "eof" token; newlines in brackets are space."""
        tokens = []
        append = tokens.append
        first = self._first.get
        depth = 0
        end = 0
        n = len(text)
        for blank, tok in self._pattern.findall(text):
            start = end + len(blank)
            end = start + len(tok)
            kind = first(tok[0], "bad")
            if kind == "name" or kind == "op":
                pass
            elif kind == "num":
                if tok == ".":
                    _refuse_char(text, start)
                if end < n and (text[end].isalnum() or text[end] == "_"):
                    _refuse_glued(text, start, end)
            elif kind in "([":
                depth += 1
            elif kind in ")]":
                depth = max(0, depth - 1)
            elif kind == "sep":
                if tok == "\n" and depth:
                    continue  # a line break inside brackets continues the expression
            elif kind == "comment":
                continue
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
