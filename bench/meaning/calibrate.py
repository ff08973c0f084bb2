"""Fit the built-in judge's score and thresholds on the calibration split of labelled.jsonl
and write them to cli/citeaudit/meaning/calibration_builtin.json.

The score is a logistic fit of "this claim is supported" on the support features of each
item's best passage (coefficients kept non-negative, so the score never falls as the
passage carries more of the claim). The threshold for supported is then the lowest that
keeps the precision of supported at or above PRECISION on the calibration split, the
"about" share (how much of a claim a passage must carry for a difference to be a
contradiction) the lowest that keeps the precision of contradicted at or above
CONTRADICTED_PRECISION (a claim wrongly said to be contradicted fails a run), and the share
for who acts on whom (read from word order) the lowest at which no claim is wrongly said to
be contradicted by a party swap alone. Only the calibration split is read.

    uv run python bench/meaning/calibrate.py [--check]
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from citeaudit.meaning.judging import (
    FEATURES,
    Assessment,
    Calibration,
    assess,
    calibration_from,
    decide,
)

HERE = Path(__file__).resolve().parent
LABELLED = HERE / "labelled.jsonl"
OUTPUT = HERE.parents[1] / "cli" / "citeaudit" / "meaning" / "calibration_builtin.json"
#: Least precision of supported accepted on the calibration split.
PRECISION = 0.95
#: Lower bar for the built-in evidence behind a model's support.
WEAK_PRECISION = 0.8


def load(split: str | None = None, path: Path = LABELLED) -> list[dict[str, Any]]:
    """The labelled items, of one split when given."""
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [item for item in items if split is None or item["split"] == split]


def call(item: dict[str, Any]) -> tuple[str, list[tuple[int, int]]]:
    """The text and ranges a judge gets for an item, as verify calls it: pages joined with
    a line break, the cited page's span (every page when none is cited)."""
    spans = []
    position = 0
    for page in item["pages"]:
        spans.append((position, position + len(page["text"])))
        position += len(page["text"]) + 1
    text = "\n".join(page["text"] for page in item["pages"])
    cited = item["cited_page"]
    return text, [spans[cited - 1]] if cited else [(0, len(text))]


def assessments(items: Sequence[dict[str, Any]]) -> list[Assessment]:
    return [assess(item["claim"], *call(item)) for item in items]


def support_features(assessment: Assessment) -> tuple[float, ...]:
    """The features of the passage most likely to support the claim (the one carrying
    most of it, among those with no conflict or hedge)."""
    clean = [c for c in assessment.candidates if not c.conflicts and not c.hedged]
    pool = clean or assessment.candidates
    if not pool:
        return (0.0,) * len(FEATURES)
    return max(pool, key=lambda c: c.features).features


def fit_logistic(
    rows: Sequence[Sequence[float]], targets: Sequence[int], steps: int = 4000, rate: float = 0.5
) -> tuple[list[float], float]:
    """Coefficients and intercept of a logistic regression (gradient descent, a little
    L2, coefficients kept at or above zero so the score is monotone in support)."""
    width = len(rows[0])
    weights = [0.0] * width
    bias = 0.0
    n = len(rows)
    for _ in range(steps):
        grad = [0.0] * width
        grad_bias = 0.0
        for row, target in zip(rows, targets, strict=True):
            z = bias + sum(w * x for w, x in zip(weights, row, strict=True))
            error = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z)))) - target
            grad_bias += error
            for k in range(width):
                grad[k] += error * row[k]
        for k in range(width):
            weights[k] = max(0.0, weights[k] - rate * (grad[k] / n + 0.001 * weights[k]))
        bias -= rate * grad_bias / n
    return weights, bias


def measure(
    found: Sequence[Assessment], items: Sequence[dict[str, Any]], calibration: Calibration
) -> tuple[float, float, int]:
    """Accuracy, precision of supported and number judged supported, under a calibration."""
    right = said = true = 0
    for assessment, item in zip(found, items, strict=True):
        label = decide(assessment, calibration).label
        right += label == item["label"]
        if label == "supported":
            said += 1
            true += item["label"] == "supported"
    return right / len(items), (true / said if said else 1.0), said


def _rate(found: Sequence[Assessment], items: Sequence[dict[str, Any]], hedge: bool) -> float:
    """Share (smoothed) of the items with a conflict, or a hedge, that are supported."""
    hits = [
        item["label"] == "supported"
        for a, item in zip(found, items, strict=True)
        if any((c.hedged if hedge else bool(c.conflicts)) for c in a.candidates[:1])
    ]
    return (sum(hits) + 1) / (len(hits) + 2)


#: Least precision of "contradicted" on the calibration split: a claim wrongly said to be
#: contradicted is a finding that fails a run, so contradictions are precision first too.
CONTRADICTED_PRECISION = 0.97
#: The shares tried, from two fifths up: a passage carrying less of a claim is never taken
#: to be about the same thing, whatever the calibration split happens to hold.
_ABOUT = (0.4, 0.45, 0.5, 0.55, 0.6, 0.7, 0.8)


def _contradictions(
    found: Sequence[Assessment], items: Sequence[dict[str, Any]], calibration: Calibration
) -> tuple[float, int]:
    """Precision of contradicted, and how many contradicted items it finds."""
    said = right = 0
    for assessment, item in zip(found, items, strict=True):
        if decide(assessment, calibration).label == "contradicted":
            said += 1
            right += item["label"] == "contradicted"
    return (right / said if said else 1.0), right


def _about(
    found: Sequence[Assessment], items: Sequence[dict[str, Any]], base: Calibration
) -> float:
    """The share of the claim a passage must carry for a difference to be a contradiction:
    the lowest (most contradictions found) whose precision is at least
    CONTRADICTED_PRECISION; the highest tried when none is."""
    for about in _ABOUT:
        precision, _ = _contradictions(found, items, replace(base, about=about))
        if precision >= CONTRADICTED_PRECISION:
            return about
    return _ABOUT[-1]


def _about_party(
    found: Sequence[Assessment], items: Sequence[dict[str, Any]], base: Calibration
) -> float:
    """How much of the claim a passage must carry for who acts on whom to be told (read
    from word order, so it may want more than other differences): the lowest at which
    no claim not contradicted is said to be contradicted by a party swap alone."""
    for about in _ABOUT:
        calibration = replace(base, about_party=about)
        wrong = 0
        for assessment, item in zip(found, items, strict=True):
            judged = decide(assessment, calibration)
            parties = judged.conflicts and all(c.kind == "party" for c in judged.conflicts)
            wrong += bool(parties) and item["label"] != "contradicted"
        if wrong == 0:
            return about
    return _ABOUT[-1]


def source_of(item: dict[str, Any]) -> str:
    """The source an item cites: its id without the kind and the number."""
    return str(item["id"]).rsplit("-", 2)[0]


def fit(
    items: Sequence[dict[str, Any]], found: Sequence[Assessment] | None = None
) -> dict[str, Any]:
    """The calibration, fitted on ``items`` (the calibration split)."""
    found = assessments(items) if found is None else found
    rows = [support_features(a) for a in found]
    # the score weighs support where no difference was found: contradicted items are left
    # to the explicit checks and out of the fit
    pairs = [
        (row, int(item["label"] == "supported"))
        for row, item in zip(rows, items, strict=True)
        if item["label"] != "contradicted"
    ]
    weights, bias = fit_logistic([r for r, _ in pairs], [t for _, t in pairs])
    base = Calibration(tuple(weights), bias)
    scores = sorted({round(base.score(row), 4) for row in rows} | {0.5, 0.99})
    best_about = _about(found, items, Calibration(tuple(weights), bias, 1.01))
    party = _about_party(found, items, Calibration(tuple(weights), bias, 1.01, about=best_about))

    def choose(least: float) -> float:
        kept = []
        for threshold in scores:
            calibration = Calibration(tuple(weights), bias, threshold, about=best_about)
            accuracy, precision, said = measure(found, items, calibration)
            if precision >= least and said:
                kept.append((accuracy, threshold))
        return max(kept)[1] if kept else 1.0

    supported = choose(PRECISION)
    weak = min(supported, choose(WEAK_PRECISION))
    return {
        "features": list(FEATURES),
        "coefficients": [round(w, 4) for w in weights],
        "intercept": round(bias, 4),
        "supported": supported,
        "weak": weak,
        "about": best_about,
        "about_party": party,
        "given_conflict": round(_rate(found, items, hedge=False), 4),
        "given_hedge": round(_rate(found, items, hedge=True), 4),
        "measured_on": "calibrate",
        "items": len(items),
    }


def cross_validate(items: Sequence[dict[str, Any]]) -> list[tuple[dict[str, Any], str]]:
    """Leave one source out: each source's items judged under the calibration fitted on
    the other sources. The item and the label it was given, for every item."""
    found = assessments(items)
    out: list[tuple[dict[str, Any], str]] = []
    for left in sorted({source_of(item) for item in items}):
        rest = [(a, i) for a, i in zip(found, items, strict=True) if source_of(i) != left]
        data = fit([i for _, i in rest], [a for a, _ in rest])
        calibration = calibration_from(data)
        for assessment, item in zip(found, items, strict=True):
            if source_of(item) == left:
                out.append((item, decide(assessment, calibration).label))
    return out


def report(judged: Sequence[tuple[dict[str, Any], str]]) -> str:
    """One line of figures for (item, label judged) pairs."""
    pairs = [(str(item["label"]), said) for item, said in judged]
    said = [truth for truth, label in pairs if label == "supported"]
    truths = [truth for truth, _ in pairs]
    right = sum(truth == label for truth, label in pairs)
    contradicted = sum(t == s == "contradicted" for t, s in pairs)
    supported = said.count("supported")
    wrong = ", ".join(str(i["id"]) for i, s in judged if s == "supported" != i["label"])
    return (
        f"accuracy {right / len(pairs):.3f}; precision of supported "
        f"{supported / len(said) if said else 1.0:.3f} ({supported} of {len(said)} said); "
        f"recall of supported {supported / (truths.count('supported') or 1):.3f}; "
        f"recall of contradicted {contradicted / (truths.count('contradicted') or 1):.3f}; "
        f"supported contradicted as contradicted: "
        f"{sum(t == 'supported' and s == 'contradicted' for t, s in pairs)}"
        + (f"\nwrongly supported: {wrong}" if wrong else "")
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare with the file")
    parser.add_argument(
        "--cross-validate",
        action="store_true",
        help="leave-one-source-out figures on the calibration split (writes nothing)",
    )
    args = parser.parse_args(argv)
    if args.cross_validate:
        print("leave one source out:", report(cross_validate(load("calibrate"))))
        return 0
    fitted = fit(load("calibrate"))
    text = json.dumps(fitted, indent=2) + "\n"
    if args.check:
        same = OUTPUT.exists() and json.loads(OUTPUT.read_text(encoding="utf-8")) == fitted
        print("calibration_builtin.json is up to date" if same else "calibration differs")
        return 0 if same else 1
    OUTPUT.write_text(text, encoding="utf-8")
    print(text, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
