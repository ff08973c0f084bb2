"""Denials and endings: the cues shared by the contradiction checks and the support gates."""

from __future__ import annotations

import pytest

from citeaudit.meaning.polarity import denies, ends, negated
from citeaudit.meaning.reading import clauses, read


@pytest.mark.parametrize(
    ("text", "denied"),
    [
        ("The council will not close the library.", True),
        ("The trust no longer runs the centre.", True),
        ("The board refused to approve the budget.", True),
        ("Authorities can franchise without needing approval.", True),
        ("Many families went without meals.", False),  # going without is no denial
        ("The council will close the library.", False),
        ("Only 12 were seen.", False),
    ],
)
def test_denies(text: str, denied: bool) -> None:
    assert denies(tuple(read(text))) is denied


def test_a_modal_not_counts_only_when_asked() -> None:
    tokens = tuple(read("Children should not be placed out of area."))
    (clause,) = clauses(tokens)
    assert negated(tokens, clause) == []
    assert negated(tokens, clause, modal=True)


@pytest.mark.parametrize(
    ("claim", "passage", "cue"),
    [
        ("The partnership procures the contracts.", "The partnership was dissolved.", "dissolved"),
        (
            "The partnership procures the contracts.",
            "Until March 2023 the partnership procured the contracts.",
            "until",
        ),
        ("The trust runs the centre.", "The trust no longer runs the centre.", "no longer"),
        ("The partnership was dissolved in 2023.", "The partnership was dissolved.", ""),
        ("The centre was run by a former director.", "A former director ran it.", ""),
    ],
)
def test_ends(claim: str, passage: str, cue: str) -> None:
    assert ends(tuple(read(claim)), tuple(read(passage))) == cue
