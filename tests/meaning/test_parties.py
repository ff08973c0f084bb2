"""Who acts on whom: swapped parties, another doer, the writer as a party."""

from __future__ import annotations

from citeaudit.meaning.evidence import source
from citeaudit.meaning.parties import first_person, other_actor
from citeaudit.meaning.reading import read, sentences


def actor(claim: str, passage: str) -> str:
    src = source(passage)
    claim_tokens, tokens = tuple(read(claim)), src.tokens
    matched = {t.term for t in claim_tokens if t.term} & {t.term for t in tokens if t.term}
    named = matched
    stretch = sentences(tokens)[0]
    return other_actor(claim_tokens, tokens, stretch, {m for m in matched if m}, src, named)


def test_another_doer_or_the_writer_cannot_support() -> None:
    passage = "Train operators set unregulated fares for the government."
    assert "someone else" in actor("The government sets unregulated fares.", passage)
    assert not actor("Train operators set unregulated fares.", passage)
    writer = "We hold the Chief Constable to account for policing in the county."
    assert "writer" in actor("The Chief Constable holds the mayor to account.", writer)


def test_passive_doer_is_read_after_by() -> None:
    passage = "The figures are published by the Harbour Board every month."
    assert not actor("The Harbour Board publishes the figures.", passage)
    other = "The Harbour Board figures are published by the port team every month."
    assert actor("The Harbour Board publishes the figures.", other)


def test_first_person_is_not_the_us_acronym() -> None:
    tokens = tuple(read("US exports fell. We report it."))
    assert not first_person(tokens, range(3)) and first_person(tokens, range(len(tokens)))
