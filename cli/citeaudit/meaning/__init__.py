"""Judging meaning: whether a passage of the cited pages says what a claim says in other
words, says otherwise, or neither; and which passage bears on a claim at all (BM25)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from citeaudit._lazy import exports

if TYPE_CHECKING:
    from citeaudit.meaning.judgement import Conflict as Conflict
    from citeaudit.meaning.judgement import Judgement as Judgement
    from citeaudit.meaning.judgement import Scorer as Scorer
    from citeaudit.meaning.judging import judge_claim as judge_claim
    from citeaudit.meaning.passages import best_passage as best_passage

exports(
    globals(),
    {
        "judgement": ("Conflict", "Judgement", "Scorer"),
        "judging": ("judge_claim",),
        "passages": ("best_passage",),
    },
)
