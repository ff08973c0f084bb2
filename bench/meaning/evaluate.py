"""Run the judges of meaning over the held-out split of labelled.jsonl and print a Markdown
table: accuracy, precision of supported, recall of contradicted, the confusion matrix and
accuracy by kind. The built-in judge always; with ``--model`` the built-in + model judge
too (the model is loaded through citeaudit.meaning.model, which needs citeaudit[models]).

    uv run python bench/meaning/evaluate.py [--split heldout] [--model FOLDER] [--nli FOLDER]
    uv run python bench/meaning/evaluate.py --file bench/meaning/fresh.jsonl --split all
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from calibrate import LABELLED, call, load  # noqa: E402

from citeaudit.meaning.judgement import Judgement, Scorer  # noqa: E402
from citeaudit.meaning.judging import judge_claim  # noqa: E402

LABELS = ("supported", "contradicted", "not_supported")


def run(items: Sequence[dict[str, Any]], scorer: Scorer | None = None) -> list[Judgement]:
    """The judgement of each item, called as verify calls the judge."""
    return [judge_claim(item["claim"], *call(item), scorer=scorer) for item in items]


def figures(items: Sequence[dict[str, Any]], judged: Sequence[Judgement]) -> dict[str, float]:
    """Accuracy, precision of supported, recall of supported and of contradicted."""
    pairs = [(item["label"], j.label) for item, j in zip(items, judged, strict=True)]
    said_supported = [truth for truth, said in pairs if said == "supported"]
    contradicted = [said for truth, said in pairs if truth == "contradicted"]
    supported = [said for truth, said in pairs if truth == "supported"]
    return {
        "accuracy": sum(t == s for t, s in pairs) / len(pairs),
        "precision_supported": (
            said_supported.count("supported") / len(said_supported) if said_supported else 1.0
        ),
        "said_supported": len(said_supported),
        "recall_supported": supported.count("supported") / (len(supported) or 1),
        "recall_contradicted": contradicted.count("contradicted") / (len(contradicted) or 1),
    }


def table(name: str, items: Sequence[dict[str, Any]], judged: Sequence[Judgement]) -> str:
    """The Markdown report for one judge."""
    got = figures(items, judged)
    lines = [
        f"### {name} ({len(items)} items)",
        "",
        "| accuracy | precision of supported | recall of supported | recall of contradicted |",
        "|---:|---:|---:|---:|",
        f"| {got['accuracy']:.3f} | {got['precision_supported']:.3f} "
        f"({int(got['said_supported'])} said) | {got['recall_supported']:.3f} | "
        f"{got['recall_contradicted']:.3f} |",
        "",
        "| label \\ judged | " + " | ".join(LABELS) + " |",
        "|---|" + "---:|" * len(LABELS),
    ]
    confusion: Counter[tuple[str, str]] = Counter(
        (str(item["label"]), str(j.label)) for item, j in zip(items, judged, strict=True)
    )
    lines.extend(
        f"| {truth} | " + " | ".join(str(confusion[truth, s]) for s in LABELS) + " |"
        for truth in LABELS
    )
    lines += ["", "| kind | items | accuracy |", "|---|---:|---:|"]
    by_kind: dict[str, list[bool]] = {}
    for item, j in zip(items, judged, strict=True):
        by_kind.setdefault(item["kind"], []).append(item["label"] == j.label)
    for kind in sorted(by_kind):
        hits = by_kind[kind]
        lines.append(f"| {kind} | {len(hits)} | {sum(hits) / len(hits):.2f} |")
    return "\n".join(lines) + "\n"


def load_scorer(model: str, nli: str | None) -> Scorer:
    """The model judge, through the model module (offline: a folder or a cached model)."""
    from citeaudit.meaning import model as models

    return models.load_scorer(model, offline=True, nli=nli)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="heldout", choices=("heldout", "calibrate", "all"))
    parser.add_argument(
        "--file",
        type=Path,
        default=LABELLED,
        help="the labelled set (default labelled.jsonl; fresh.jsonl is the fresh test set, "
        "evaluated with --split all)",
    )
    parser.add_argument("--model", help="folder (or cached hub name) of an embedding model")
    parser.add_argument("--nli", help="folder (or cached hub name) of an NLI model")
    parser.add_argument(
        "--sources",
        help="only the items of these sources (comma-separated slugs, as item ids begin)",
    )
    args = parser.parse_args(argv)
    items = load(None if args.split == "all" else args.split, args.file)
    if args.sources:
        wanted = set(args.sources.split(","))
        items = [item for item in items if str(item["id"]).rsplit("-", 2)[0] in wanted]
    print(table("built-in", items, run(items)))
    if args.model:
        scorer = load_scorer(args.model, args.nli)
        print(table(f"built-in + {scorer.name}", items, run(items, scorer)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
