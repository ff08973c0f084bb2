"""The quote set against the passage it was matched to, word by word, for a misquotation.

The quote is read by the same quotation rules as the quote finder
(:mod:`citeaudit.text.quotation`): what the verdict took as a cut (any form of ellipsis) is
shown as one, and what it dropped as editorial (``[sic]``, ``[emphasis added]``) is not
shown as words the quote added.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

from citeaudit.text import fold_keeping_accents, marks

if TYPE_CHECKING:  # the report model imports this module; its types are only named here
    from citeaudit.report.model import DifferenceModel, SegmentModel
    from citeaudit.verify import Difference

_WORD = re.compile(r"\S+\s*")
_NOT_WORD = re.compile(r"[^\w]+")
# Punctuation right after a cut or an editorial bracket goes with it: "…," "[sic].".
_AFTER_MARK = ".,;:"
_CUT = "\x00…"
SegmentOp = Literal["equal", "insert", "delete", "elided"]


def _key(token: str) -> str:
    folded = fold_keeping_accents(token.strip())
    return _NOT_WORD.sub("", folded) or folded


class _Segments(list["SegmentModel"]):
    """Segments being built: runs of one kind are joined."""

    def add(self, op: SegmentOp, tokens: list[str]) -> None:
        from citeaudit.report.model import SegmentModel

        text = "".join(tokens).strip()
        if not text:
            return
        if self and self[-1].op == op:
            self[-1] = SegmentModel(op=op, text=f"{self[-1].text} {text}")
        else:
            self.append(SegmentModel(op=op, text=text))


def _quote_tokens(quote: str) -> tuple[list[str], list[str]]:
    """The quote's words as printed and their keys: each ellipsis one cut (key
    :data:`_CUT`), editorial brackets left out."""
    text = " ".join(quote.split())
    tokens: list[str] = []
    position = 0
    for mark in marks(text):
        if mark.kind not in ("ellipsis", "editorial"):
            continue  # a changed letter or a bracket for the source's words: words of the quote
        tokens.extend(_WORD.findall(text[position : mark.start]))
        if mark.kind == "ellipsis":
            tokens.append(_CUT)
        position = mark.end
        after = text[position : position + 2]
        if after[:1] and after[0] in _AFTER_MARK and after[1:2] in ("", " "):
            position += 1
    tokens.extend(_WORD.findall(text[position:]))
    tokens = [t if t.endswith(" ") else f"{t} " for t in tokens]  # words apart when joined
    keys = [_CUT if t == f"{_CUT} " else _key(t) for t in tokens]
    return tokens, keys


def _find(keys: list[str], part: list[str], start: int) -> int:
    """Where ``part`` next occurs in ``keys`` from ``start``, or -1."""
    for at in range(start, len(keys) - len(part) + 1):
        if keys[at : at + len(part)] == part:
            return at
    return -1


def _guided(
    quote: tuple[list[str], list[str]],
    passage: tuple[list[str], list[str]],
    differences: Sequence[DifferenceModel | Difference],
) -> list[SegmentModel] | None:
    """The segments the quote finder's own differences describe, in passage order; None
    when they cannot be laid over the words (then a plain word diff is used)."""
    (q_tokens, q_keys), (p_tokens, p_keys) = quote, passage
    segments = _Segments()
    qi = pi = 0
    for diff in differences:
        dq = [_key(t) for t in _WORD.findall(diff.quote)]
        ds = [_key(t) for t in _WORD.findall(diff.source)]
        if diff.op == "insert":
            at = _find(q_keys, dq, qi)
            same = at - qi
        else:
            at = _find(p_keys, ds, pi)
            same = at - pi
        if at < 0 or q_keys[qi : qi + same] != p_keys[pi : pi + same]:
            return None
        segments.add("equal", p_tokens[pi : pi + same])
        qi, pi = qi + same, pi + same
        if diff.op != "insert":
            segments.add("delete", p_tokens[pi : pi + len(ds)])
            pi += len(ds)
        if diff.op != "delete":
            if q_keys[qi : qi + len(dq)] != dq:
                return None
            segments.add("insert", q_tokens[qi : qi + len(dq)])
            qi += len(dq)
    if q_keys[qi:] != p_keys[pi:]:
        return None
    segments.add("equal", p_tokens[pi:])
    return list(segments)


def compare_words(
    quote: str, passage: str, differences: Sequence[DifferenceModel | Difference] = ()
) -> list[SegmentModel]:
    """The quote set against the passage it was matched to, word by word: the passage's
    words as printed where they agree, with what the quote left out or changed (``delete``)
    and what it added (``insert``). Case, typography and punctuation are not differences
    here, as they are not for the verdict; a cut marked with an ellipsis is ``elided``.

    The quote finder's ``differences`` are followed where they fit the words (so a swap of
    two words reads as one change, as the verdict says); else the words are diffed here.
    """
    q_tokens, q_keys = _quote_tokens(quote)
    p_tokens = _WORD.findall(" ".join(passage.split()))
    p_keys = [_key(t) for t in p_tokens]
    if differences:
        guided = _guided((q_tokens, q_keys), (p_tokens, p_keys), differences)
        if guided is not None:
            return guided
    segments = _Segments()
    matcher = difflib.SequenceMatcher(None, q_keys, p_keys, autojunk=False)
    for tag, q0, q1, p0, p1 in matcher.get_opcodes():
        quoted, printed = q_tokens[q0:q1], p_tokens[p0:p1]
        if tag == "equal":
            segments.add("equal", printed)
        elif quoted and all(k == _CUT for k in q_keys[q0:q1]):
            segments.add("elided", printed)
        else:
            segments.add("delete", printed)
            segments.add(
                "insert", [t for t, k in zip(quoted, q_keys[q0:q1], strict=True) if k != _CUT]
            )
    return list(segments)
