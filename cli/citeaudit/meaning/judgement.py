"""What a judge of meaning concludes about a claim and the passage that bears on it, as
plain data: the label, the passage (offsets into the text searched), a score, which judge,
and the differences that made a contradiction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol

#: A claim's relation to the cited pages.
MeaningLabel = Literal["supported", "contradicted", "not_supported"]
#: What kind of difference makes a passage say otherwise than the claim.
ConflictKind = Literal[
    "number",
    "percentage",
    "money",
    "date",
    "negation",
    "quantifier",
    "party",
    "abolished",
    "direction",  # rose against fell, approved against rejected
]


@dataclass(frozen=True)
class Conflict:
    """One difference that makes a contradiction: the claim's words and the passage's
    (``"23%"`` against ``"21%"``; ``"not"`` against ``""`` for a dropped negation)."""

    kind: ConflictKind
    claim: str
    passage: str


@dataclass(frozen=True)
class Judgement:
    """A judgement of meaning on one claim against the cited pages.

    ``start``/``end`` are offsets into the text searched of the passage the judgement rests
    on (for ``not_supported``, the closest passage; None when the pages have no passage
    sharing the claim's words). ``score`` is between 0 and 1: how far the passage carries
    what the claim says (calibrated, see the README). ``judge`` names who decided
    (``"built-in"``, or ``"built-in + <model>"``); ``reason`` says why in one line.
    """

    label: MeaningLabel
    score: float
    judge: str
    start: int | None = None
    end: int | None = None
    conflicts: tuple[Conflict, ...] = ()
    reason: str = ""


class Scorer(Protocol):
    """A model judge, as the judging uses it (an ONNX sentence-embedding model, and an NLI
    cross-encoder when the user has one)."""

    @property
    def name(self) -> str:
        """The model's name as reports show it (``paraphrase-MiniLM-L3-v2``)."""
        ...

    def similarities(self, claim: str, passages: Sequence[str]) -> list[float]:
        """Cosine similarity of the claim's sentence embedding with each passage's."""
        ...

    def entailment(
        self, claim: str, passages: Sequence[str]
    ) -> list[tuple[float, float, float]] | None:
        """For each passage as premise and the claim as hypothesis, the probabilities of
        (entailment, neutral, contradiction); None when there is no NLI model."""
        ...
