"""judge_claim: whether the cited pages say what a claim says (supported), say otherwise
(contradicted) or neither (not_supported), with the passage the judgement rests on.

Precision before recall: calling a contradiction or an unrelated claim supported is the
worst error, so supported needs the passage to carry most of what the claim says (its rare
words and all its numbers), no explicit difference (conflicts.py) and no hedge the claim
drops ("may", "considering"). The thresholds are fitted on the labelled set's calibration
split (bench/meaning/calibrate.py writes calibration_builtin.json).

The score is the calibrated probability that a claim is supported, given how much of it
its best passage carries (a logistic fit over the support features, on the calibration
split); when a contradiction or a hedge is found it is the share of such claims that were
supported there. It never falls when the passage carries more of the claim.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from citeaudit.meaning.conflicts import find_conflicts, settled_figures
from citeaudit.meaning.evidence import (
    Carried,
    Source,
    Unit,
    carried,
    claim_units,
    gaps,
    misplaced,
    source,
    stretches,
    terms_at,
)
from citeaudit.meaning.judgement import Conflict, Judgement, Scorer
from citeaudit.meaning.parties import first_person, missing_subject, other_actor
from citeaudit.meaning.passages import candidate_spans, rank
from citeaudit.meaning.polarity import denies, ends
from citeaudit.meaning.reading import Token, read, sentences

#: Candidate passages judged per claim (windows and single sentences, by BM25).
CANDIDATES = 8
#: The support features, in the order of the calibration's coefficients.
FEATURES = ("carried", "weakest", "numbers", "sentence")
_HEDGES = frozenset(
    {"may", "might", "could", "considering", "consider", "considers", "hoped", "hopes",
     "hope", "possible", "possibly", "potential", "potentially", "whether", "would",
     "consult", "consults", "consulted", "consulting", "consultation", "propose",
     "proposes", "proposed", "proposal", "proposals", "intends", "intend"}
)  # fmt: skip
_BUILTIN = Path(__file__).with_name("calibration_builtin.json")
_MODEL = Path(__file__).with_name("calibration_model.json")


@dataclass(frozen=True)
class Calibration:
    """What calibration_builtin.json holds: the logistic score's coefficients (one per
    FEATURES) and intercept, the score at or above which a claim is supported
    (``supported``), a lower one at which the built-in evidence may back a model's
    support (``weak``), the share of the claim a passage must carry to be about the same
    thing as it (``about``, for a contradiction; ``about_party`` for one of who acts on
    whom, which is read from word order and so wants more), and the score given when a conflict or
    a hedge is found."""

    coefficients: tuple[float, ...] = (4.0, 2.0, 2.0, 2.0)
    intercept: float = -6.0
    supported: float = 0.8
    weak: float = 0.5
    about: float = 0.4
    about_party: float = 0.7
    given_conflict: float = 0.05
    given_hedge: float = 0.1

    def score(self, features: Sequence[float]) -> float:
        """Probability of support for a passage's features (monotone in each)."""
        z = self.intercept + sum(c * x for c, x in zip(self.coefficients, features, strict=True))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@lru_cache(maxsize=1)
def builtin_calibration() -> Calibration:
    """The fitted calibration shipped with the package (defaults if it is missing)."""
    try:
        data = json.loads(_BUILTIN.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return Calibration()
    return calibration_from(data)


def calibration_from(data: dict[str, object]) -> Calibration:
    """A Calibration from the JSON object calibrate.py writes."""
    coefficients = data.get("coefficients", [])
    assert isinstance(coefficients, list)
    names = ("supported", "weak", "about", "about_party", "given_conflict", "given_hedge")
    values = {k: data[k] for k in names if k in data}
    return Calibration(
        tuple(float(c) for c in coefficients),
        float(str(data["intercept"])),
        **{k: float(str(v)) for k, v in values.items()},
    )


@dataclass
class Candidate:
    """One passage judged against the claim."""

    start: int
    end: int
    text: str
    carried: Carried
    features: tuple[float, ...]
    conflicts: list[Conflict]
    hedged: bool
    #: The stretch (one sentence, or two on one subject) that carries most of the claim.
    stretch: tuple[int, int] = (0, 0)
    #: Why that stretch cannot support the claim, for a reader; "" when it may.
    lacks: str = ""


@dataclass
class Assessment:
    """Everything the decision needs about one claim on one source (kept apart from the
    decision so calibration can try thresholds without judging again)."""

    claim: str
    tokens: tuple[Token, ...]
    candidates: list[Candidate] = field(default_factory=list)
    where: str = "the cited pages"


def _bag(tokens: Sequence[Token], src: Source) -> Counter[str]:
    bag: Counter[str] = Counter()
    for token in tokens:
        if token.term:
            bag[token.term] += 1
            bag.update(src.acronyms.get(token.term, ()))
        elif token.quantity is not None and any(ch.isdigit() for ch in token.word):
            bag[token.word] += 1
    return bag


def _hedged(claim: tuple[Token, ...], passage: tuple[Token, ...], found: Carried) -> bool:
    """Whether the passage says only that it may be so where the claim says it is."""
    if _HEDGES & {t.word for t in claim}:
        return False
    matched = {u.token.term for u, f in zip(found.units, found.found, strict=True) if f}
    best, hedged = 0, False
    for sentence in sentences(passage):
        here = len({passage[i].term for i in sentence} & matched)
        if here and here >= best:
            hedged = bool(_HEDGES & {passage[i].word for i in sentence}) or (
                here == best and hedged
            )
            best = here
    return hedged


def assess(
    claim: str,
    text: str,
    ranges: Sequence[tuple[int, int]],
    *,
    blocks: bool = False,
    headings: Sequence[tuple[int, int]] = (),
    prefer: Callable[[str], bool] | None = None,
) -> Assessment:
    """Read the claim, pick its candidate passages and measure each against it."""
    src = source(text)
    tokens = tuple(read(claim))
    found = Assessment(claim, tokens)
    units = claim_units(tokens, src)
    wanted = _bag(tokens, src)
    if not units or not wanted:
        return found
    spans = candidate_spans(
        text, ranges, blocks=blocks, headings=headings, prefer=prefer, singles=True
    )
    slices = [src.slice(s, e) for s, e in spans]
    top = rank(set(wanted), [_bag(piece, src) for piece in slices], k=CANDIDATES, needed=1)
    setting = frozenset(t for s, e in ranges for t in _bag(src.slice(s, e), src))
    settled = settled_figures(tokens, tuple(t for s, e in ranges for t in src.slice(s, e)))
    for index, _ in top:
        piece = slices[index]
        have = carried(tokens, units, piece, src, setting)
        stretch, best = _best_stretch(tokens, units, piece, src, setting)
        features = (have.weighted, have.weakest(tokens), best.numbers, best.weighted)
        conflicts = find_conflicts(tokens, piece, src, claim, settled)
        start, end = spans[index]
        lacks = _lacks(tokens, claim, piece, stretch, best, src)
        found.candidates.append(
            Candidate(
                start,
                end,
                text[start:end],
                have,
                features,
                conflicts,
                _hedged(tokens, piece, have),
                (piece[stretch[0]].start, piece[stretch[-1]].end) if stretch else (start, end),
                lacks,
            )
        )
    return found


def _best_stretch(
    tokens: tuple[Token, ...],
    units: list[Unit],
    piece: tuple[Token, ...],
    src: Source,
    setting: frozenset[str],
) -> tuple[list[int], Carried]:
    """The stretch of a passage carrying most of the claim, and what it carries."""
    spans = sentences(piece)
    pool = stretches(piece, spans, src) if "stretch" in RULES else spans
    best: tuple[float, int, list[int], Carried] | None = None
    for stretch in pool:
        have = carried(tokens, units, tuple(piece[i] for i in stretch), src, setting)
        key = (have.weighted, -len(stretch))
        if best is None or key > best[:2]:
            best = (*key, stretch, have)
    if best is None:
        return [], carried(tokens, units, (), src, setting)
    return best[2], best[3]


def _lacks(
    tokens: tuple[Token, ...],
    claim: str,
    piece: tuple[Token, ...],
    stretch: list[int],
    have: Carried,
    src: Source,
) -> str:
    """Why a passage's best stretch cannot support the claim, or ""."""
    words = tuple(piece[i] for i in stretch)
    said = gaps(tokens, claim, have)
    if not said and "misplaced" in RULES:
        said = misplaced(tokens, claim, words)
    if said:
        return said
    matched = {u.token.term for u, f in zip(have.units, have.found, strict=True) if f >= 1}
    terms = {t for t in matched if t}
    if "actor" in RULES:
        named = {
            t
            for u, f in zip(have.units, have.found, strict=True)
            if f >= 1
            for t in terms_at(tokens, [tokens.index(u.token)], src)
        }
        said = other_actor(tokens, piece, stretch, terms, src, named)
        if said:
            return said
    subject = missing_subject(tokens, terms)
    if subject:
        return f"the passage does not say it of “{subject}”"
    ended = ends(tokens, words)
    if ended:
        return f"the passage says “{ended}”: read whether it still holds"
    denied = denies(tokens)
    if denied != denies(words):
        if denied:
            return "the claim says it is not so, and the passage does not"
        return "the passage says it is not so, or no longer"
    if (
        "writer" in RULES
        and first_person(piece, stretch)
        and not first_person(tokens, range(len(tokens)))
    ):
        return 'the passage speaks as "we": it cannot show who the claim says acts'
    return ""


RULES = {"stretch", "actor", "writer", "misplaced"}


def _words(found: Carried) -> str:
    done, total = found.counts
    return f"{done} of the claim's {total} content words and figures"


def decide(assessment: Assessment, calibration: Calibration, judge: str = "built-in") -> Judgement:
    """The judgement an assessment comes to under a calibration."""
    candidates = assessment.candidates
    if not candidates:
        return Judgement(
            "not_supported",
            round(calibration.score((0.0,) * len(FEATURES)), 4),
            judge,
            reason=f"no passage on {assessment.where} shares the claim's words",
        )
    scored = [(calibration.score(c.features), c) for c in candidates]
    eligible = [(s, c) for s, c in scored if not c.hedged and not c.lacks]
    backing = [c for s, c in eligible if s >= calibration.supported and not c.conflicts]
    # who acts on whom, read from word order, wants more of the claim in the passage
    candidates = [
        replace(c, conflicts=[k for k in c.conflicts if k.kind != "party"])
        if c.carried.about < calibration.about_party
        else c
        for c in candidates
    ]
    about = [c for c in candidates if c.conflicts and c.carried.about >= calibration.about]
    if about and backing:
        # one passage says it and another says otherwise: the judges of the two disagree,
        # so neither verdict is given; the passage that says otherwise is shown to read
        chosen = max(about, key=lambda c: (len(c.conflicts), c.carried.about))
        first = chosen.conflicts[0]
        return Judgement(
            "not_supported",
            round(min(calibration.score(chosen.features), calibration.weak), 4),
            judge,
            chosen.start,
            chosen.end,
            tuple(chosen.conflicts),
            f"one passage seems to say it and another to say otherwise ({first.claim} / "
            f"{first.passage}): read both",
        )
    if about:
        chosen = max(about, key=lambda c: (len(c.conflicts), c.carried.about))
        first = chosen.conflicts[0]
        said = {
            "negation": "the passage says the opposite",
            "quantifier": f"the passage says “{first.passage}”, the claim “{first.claim}”",
            "party": f"the passage has “{first.passage}” acting, not “{first.claim}”",
            "abolished": f"the passage says “{first.claim}” {first.passage}",
        }.get(first.kind, f"the passage says “{first.passage}”, the claim “{first.claim}”")
        return Judgement(
            "contradicted",
            round(calibration.given_conflict, 4),
            judge,
            chosen.start,
            chosen.end,
            tuple(chosen.conflicts),
            said,
        )
    if eligible:
        best_score, best = max(eligible, key=lambda pair: (pair[0], -pair[1].start))
        if best_score >= calibration.supported:
            return Judgement(
                "supported",
                round(best_score, 4),
                judge,
                best.start,
                best.end,
                reason=f"the passage carries {_words(best.carried)}",
            )
    closest_score, closest = max(scored, key=lambda pair: (pair[0], -pair[1].start))
    if closest.hedged:
        reason = "the passage only says it may be so"
        value = min(closest_score, calibration.given_hedge)
    elif closest.lacks:
        # a check held the closest passage back: say which, and never score it as high as
        # a passage that supports
        reason = closest.lacks
        value = min(closest_score, calibration.weak)
    else:
        done, total = closest.carried.counts
        reason = (
            f"no passage on {assessment.where} says it; the closest shares {done} of "
            f"{total} words and figures"
        )
        value = closest_score
    return Judgement(
        "not_supported", round(value, 4), judge, closest.start, closest.end, reason=reason
    )


@dataclass(frozen=True)
class ModelThresholds:
    """The model judge's calibrated thresholds (calibration_model.json), for the scorer
    whose name it gives: cosine for support, and optionally NLI entailment for support
    and contradiction probability for a contradiction."""

    similarity_supported: float | None = None
    similarity_related: float | None = None
    entail_supported: float | None = None
    contradict: float | None = None


def model_thresholds(name: str, path: Path | None = None) -> ModelThresholds | None:
    """The thresholds measured for the model ``name``; None when there are none for it."""
    try:
        data = json.loads((path or _MODEL).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("model") != name:
        return None

    def number(key: str) -> float | None:
        value = data.get(key)
        return float(value) if isinstance(value, int | float) else None

    return ModelThresholds(
        number("similarity_supported"),
        number("similarity_related"),
        number("entail_supported"),
        number("contradict"),
    )


def combine(
    assessment: Assessment,
    built: Judgement,
    calibration: Calibration,
    scorer: Scorer,
    thresholds: ModelThresholds | None,
) -> Judgement:
    """The built-in judgement with a model's view, which may only take support away: a
    supported claim becomes not_supported when its passage is off the claim's subject for
    the model (similarity below ``similarity_related``) or, with an NLI model, when the
    passage does not entail the claim or contradicts it. The model never makes a claim
    supported or contradicted on its own (embedding similarity barely tells a supported
    claim from a related one)."""
    judge = f"built-in + {scorer.name}"
    built = replace(built, judge=judge)
    if built.label != "supported" or built.start is None:
        return built
    t = thresholds or ModelThresholds()
    passage = next(
        (c.text for c in assessment.candidates if (c.start, c.end) == (built.start, built.end)),
        None,
    )
    if passage is None:
        return built
    similarity = scorer.similarities(assessment.claim, [passage])[0]
    nli = scorer.entailment(assessment.claim, [passage])
    entail_bar = t.entail_supported if t.entail_supported is not None else 0.5
    contradict_bar = t.contradict if t.contradict is not None else 0.9
    reason = ""
    if t.similarity_related is not None and similarity < t.similarity_related:
        reason = "the wording matches but the model reads the passage as about something else"
    elif nli is not None and (nli[0][0] < entail_bar or nli[0][2] >= contradict_bar):
        reason = "the wording matches but the model does not read the passage as saying it"
    if not reason:
        return built
    return replace(
        built, label="not_supported", score=min(built.score, calibration.weak), reason=reason
    )


def judge_claim(
    claim: str,
    text: str,
    ranges: Sequence[tuple[int, int]],
    *,
    blocks: bool = False,
    headings: Sequence[tuple[int, int]] = (),
    prefer: Callable[[str], bool] | None = None,
    scorer: Scorer | None = None,
) -> Judgement:
    """Judge a claim that quotes nothing against the pages it cites.

    ``text`` is the source's whole text and ``ranges`` the spans of the cited pages in it
    (the whole text when none is cited); ``blocks``, ``headings`` and ``prefer`` are as
    for best_passage. With a ``scorer`` (a model judge) the two are combined, never more
    readily supported than the built-in judge alone would allow.
    """
    calibration = builtin_calibration()
    assessment = assess(claim, text, ranges, blocks=blocks, headings=headings, prefer=prefer)
    built = decide(assessment, calibration)
    if scorer is None:
        return built
    return combine(assessment, built, calibration, scorer, model_thresholds(scorer.name))
