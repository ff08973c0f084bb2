"""judge_claim: the three labels, the passage and reason, the calibrated score, the
combination with a model judge (a fake Scorer), and the calibration file."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import pytest

from citeaudit.meaning.judging import (
    FEATURES,
    Calibration,
    ModelThresholds,
    assess,
    builtin_calibration,
    combine,
    decide,
    judge_claim,
)

ROOT = Path(__file__).resolve().parents[2]
TEXT = (
    "Temporary accommodation\n"
    "The council revoked its Station Road air quality management area in June 2022 after "
    "five consecutive years of compliance. "
    "Clinical commissioning groups (CCGs) were abolished on 1 July 2022 and their budgets "
    "passed to integrated care boards. "
    "Since October 2022 the cap has been updated every three months. "
    "Theft from the person rose by a fifth in the year ending March 2023. "
    "The council may extend the scheme to frequent users of out-of-hours services. "
    "The library service lent more books to children this year than last."
)


def judge(claim: str, **options: object) -> object:
    return judge_claim(claim, TEXT, [(0, len(TEXT))], **options)  # type: ignore[arg-type]


def test_supported_paraphrases_with_equivalences() -> None:
    found = judge_claim("Thefts from the person went up by 20% in 2022-23.", TEXT, [(0, len(TEXT))])
    assert found.label == "supported"
    assert found.start is not None and "a fifth" in TEXT[found.start : found.end]
    assert found.judge == "built-in"
    assert "carries" in found.reason


def test_supported_through_an_acronym_the_source_defines() -> None:
    found = judge_claim(
        "CCGs were abolished on 1 July 2022 and their budgets passed to integrated care boards.",
        TEXT,
        [(0, len(TEXT))],
    )
    assert found.label == "supported"


def test_contradicted_with_both_sides() -> None:
    found = judge_claim("Theft from the person rose by a third in 2022-23.", TEXT, [(0, len(TEXT))])
    assert found.label == "contradicted"
    assert found.conflicts and found.conflicts[0].kind == "percentage"
    assert found.score < 0.2


def test_hedged_related_and_unrelated_are_not_supported() -> None:
    hedged = judge_claim(
        "The council is extending the scheme to frequent users of out-of-hours services.",
        TEXT,
        [(0, len(TEXT))],
    )
    assert hedged.label == "not_supported" and "may" in hedged.reason
    related = judge_claim("The library service lent fewer books to adults.", TEXT, [(0, len(TEXT))])
    assert related.label == "not_supported" and related.start is not None
    unrelated = judge_claim("Spaceships orbit Jupiter.", TEXT, [(0, len(TEXT))])
    assert unrelated.label == "not_supported" and unrelated.start is None


def test_support_needs_one_stretch_with_the_particulars() -> None:
    text = (
        "The Harbour Fund is paid to councils to repair sea walls. "
        "The Coastal Grant was worth £5.0 billion in 2023. "
        "Residents can book same-day appointments at the Quay Road surgery. "
        "We send the Port Authority a monthly report on dredging. "
        "Train operators set unregulated fares themselves."
    )
    whole = [(0, len(text))]
    for claim in (
        "The £5.0 billion Coastal Grant is paid to councils to repair sea walls.",
        "The Port Authority sends the council a monthly report on dredging.",
        "The government sets unregulated fares.",
    ):
        assert judge_claim(claim, text, whole).label != "supported", claim
    same_day = judge_claim("Residents can book same-day appointments at Quay Road.", text, whole)
    assert same_day.label == "supported"


def test_only_the_cited_range_is_searched() -> None:
    cited = TEXT.index("Since October")
    found = judge_claim("Thefts from the person went up by 20% in 2022-23.", TEXT, [(0, cited)])
    assert found.label == "not_supported"


def test_score_is_a_probability_monotone_in_support() -> None:
    calibration = builtin_calibration()
    low = [0.0] * len(FEATURES)
    previous = calibration.score(low)
    for step in range(1, 11):
        score = calibration.score([step / 10] * len(FEATURES))
        assert 0.0 <= score <= 1.0 and score >= previous
        previous = score
    assert all(c >= 0 for c in calibration.coefficients)


class FakeScorer:
    """A model judge with fixed answers (the Scorer protocol)."""

    def __init__(self, similarity: float, nli: tuple[float, float, float] | None) -> None:
        self.similarity, self.nli = similarity, nli

    @property
    def name(self) -> str:
        return "fake-model"

    def similarities(self, claim: str, passages: Sequence[str]) -> list[float]:
        return [self.similarity] * len(passages)

    def entailment(
        self, claim: str, passages: Sequence[str]
    ) -> list[tuple[float, float, float]] | None:
        return None if self.nli is None else [self.nli] * len(passages)


CLAIM = "Thefts from the person went up by 20% in 2022-23."


def combined(scorer: FakeScorer, thresholds: ModelThresholds | None, claim: str = CLAIM) -> object:
    calibration = builtin_calibration()
    found = assess(claim, TEXT, [(0, len(TEXT))])
    return combine(found, decide(found, calibration), calibration, scorer, thresholds)


def test_model_can_take_support_away_but_not_give_it_against_the_checks() -> None:
    agrees = combined(FakeScorer(0.9, (0.9, 0.05, 0.05)), None)
    assert agrees.label == "supported" and agrees.judge == "built-in + fake-model"  # type: ignore[attr-defined]
    vetoed = combined(FakeScorer(0.9, (0.1, 0.1, 0.8)), None)
    assert vetoed.label == "not_supported"  # type: ignore[attr-defined]
    low = combined(FakeScorer(0.2, None), ModelThresholds(similarity_related=0.437))
    assert low.label == "not_supported"  # type: ignore[attr-defined]
    related = combined(FakeScorer(0.5, None), ModelThresholds(similarity_related=0.437))
    assert related.label == "supported"  # type: ignore[attr-defined]
    contradiction = "Theft from the person rose by a third in 2022-23."
    kept = combined(FakeScorer(0.99, (0.99, 0.0, 0.01)), None, contradiction)
    assert kept.label == "contradicted"  # type: ignore[attr-defined]


def test_model_never_supports_an_unrelated_claim() -> None:
    found = combined(FakeScorer(0.99, (0.99, 0.0, 0.01)), None, "Spaceships orbit Jupiter.")
    assert found.label == "not_supported"  # type: ignore[attr-defined]


def test_model_never_adds_a_label_on_its_own() -> None:
    unrelated = combined(FakeScorer(0.9, (0.0, 0.01, 0.99)), None, "Spaceships orbit Jupiter.")
    assert unrelated.label == "not_supported"  # type: ignore[attr-defined]
    hedged = "The council is extending the scheme to frequent users of out-of-hours services."
    sure = combined(FakeScorer(0.99, (0.99, 0.0, 0.01)), ModelThresholds(0.7, 0.437), hedged)
    assert sure.label == "not_supported"  # type: ignore[attr-defined]


def test_scorer_passes_through_judge_claim() -> None:
    found = judge_claim(CLAIM, TEXT, [(0, len(TEXT))], scorer=FakeScorer(0.9, None))
    assert found.judge == "built-in + fake-model"


def _bench(name: str) -> ModuleType:
    path = ROOT / "bench" / "meaning" / f"{name}.py"
    sys.path.insert(0, str(path.parent))
    spec = importlib.util.spec_from_file_location(f"bench_meaning_{name}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_calibration_file_is_what_calibrate_fits() -> None:
    calibrate = _bench("calibrate")
    fitted = calibrate.fit(calibrate.load("calibrate"))
    shipped = json.loads(
        (ROOT / "cli" / "citeaudit" / "meaning" / "calibration_builtin.json").read_text()
    )
    assert fitted == shipped
    assert builtin_calibration() == Calibration(
        tuple(shipped["coefficients"]),
        shipped["intercept"],
        shipped["supported"],
        shipped["weak"],
        shipped["about"],
        shipped["about_party"],
        shipped["given_conflict"],
        shipped["given_hedge"],
    )


def _heldout_precision() -> float:
    evaluate = _bench("evaluate")
    items = evaluate.load("heldout")
    return float(evaluate.figures(items, evaluate.run(items))["precision_supported"])


def test_heldout_precision_of_supported_does_not_regress() -> None:
    # measured 0.67 (2 of the 3 claims said supported): a floor, on very few claims; the
    # fresh set (bench/meaning/fresh.jsonl) is the figure to trust
    assert _heldout_precision() >= 0.6


@pytest.mark.parametrize(
    ("claim", "page"),
    [
        (
            "The council will close Eastfield library in March 2025.",
            "Update. The council will not close Eastfield library in March 2025.",
        ),
        (
            "The council will not close Eastfield library in March 2025.",
            "Update. The council will close Eastfield library in March 2025.",
        ),
        (
            "The trust runs the Northgate walk-in centre.",
            "Services. The trust no longer runs the Northgate walk-in centre.",
        ),
    ],
)
def test_a_page_that_says_the_opposite_never_supports_even_a_short_one(
    claim: str, page: str
) -> None:
    """On a page of a sentence or two every word is rare and weighs little: a negation the
    claim lacks (or has alone) still keeps the passage from supporting it."""
    judged = judge_claim(claim, page, [(0, len(page))])
    assert judged.label != "supported", judged


@pytest.mark.parametrize(
    ("claim", "page", "label"),
    [
        (
            "The trust employs 1,500 nurses across its three hospitals.",
            "Workforce. The trust employs 1,200 nurses across its three hospitals.",
            "contradicted",
        ),
        (
            "Public Health England publishes the suicide data.",
            "Public Health England was abolished in 2021; its functions passed to the UK "
            "Health Security Agency, which publishes the suicide data.",
            "contradicted",
        ),
        ("Waiting times fell in 2023.", "Performance. Waiting times rose in 2023.", "contradicted"),
        (
            "The board approved the budget.",
            "Finance. The board rejected the budget.",
            "contradicted",
        ),
        (
            "The council closed the library.",
            "Libraries. The council consulted on closing the library.",
            "not_supported",
        ),
        (
            "The hospital has 400 beds.",
            "About us. The hospital has 400 staff and 250 beds.",
            "not_supported",
        ),
        (
            "The charity was founded in 1998 by local parents.",
            "History. The charity was founded in 1998 by local parents.",
            "supported",
        ),
    ],
)
def test_short_pages_are_judged_as_long_ones(claim: str, page: str, label: str) -> None:
    """A page of a sentence or two: the other number, the body abolished, the other way,
    a consultation for a decision, the same number of something else."""
    assert judge_claim(claim, page, [(0, len(page))]).label == label


@pytest.mark.parametrize(
    ("claim", "page", "label"),
    [
        (  # a share under the whole of what the claim says all of
            "Officers switched on body-worn video in every stop and search in the quarter.",
            "Searches. Body-worn video was switched on in 97% of searches in the quarter.",
            "contradicted",
        ),
        (  # so until a date: not so now
            "The partnership procures the council's waste contracts.",
            "Waste. Until March 2023 the council's waste contracts were procured by the "
            "partnership.",
            "not_supported",
        ),
        (  # two shares that make the whole are no contradiction
            "About 44% of patients on the list had waited 18 weeks or more.",
            "Elective care. 55.6% of patients on the list had waited less than 18 weeks.",
            "not_supported",
        ),
        (  # a difference is not an amount's rival
            "Treating a tonne of food waste will cost the council £74 less than burning it.",
            "Costs. Officers estimate the running cost of treating food waste at £1.45 million "
            "a year.",
            "not_supported",
        ),
    ],
)
def test_shares_periods_and_differences(claim: str, page: str, label: str) -> None:
    assert judge_claim(claim, page, [(0, len(page))]).label == label
