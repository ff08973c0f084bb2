"""Validate bench/meaning/labelled.jsonl and print its counts.

Usage: python3 bench/meaning/check_labelled.py [path]

Exits 1 and lists every problem found; exits 0 and prints the counts table when the file is sound.
Standard library only.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

DEFAULT_PATH = Path(__file__).with_name("labelled.jsonl")

LABELS: dict[str, tuple[str, ...]] = {
    "supported": ("paraphrase", "paraphrase_acronym", "paraphrase_equivalence"),
    "contradicted": ("number", "date", "negation", "quantifier", "party", "abolished"),
    "not_supported": ("related", "unrelated", "wrong_page", "partial", "hedged"),
}
KIND_LABEL: dict[str, str] = {kind: label for label, kinds in LABELS.items() for kind in kinds}
KINDS: tuple[str, ...] = tuple(KIND_LABEL)
SPLITS: tuple[str, ...] = ("calibrate", "heldout")
FIELDS: tuple[str, ...] = (
    "id",
    "claim",
    "pages",
    "cited_page",
    "label",
    "kind",
    "found_page",
    "passage",
    "note",
    "split",
)
# Kinds whose deciding passage is on found_page (which must then be set).
FOUND_KINDS: frozenset[str] = frozenset(
    LABELS["supported"] + LABELS["contradicted"] + ("wrong_page",)
)
# Kinds with no deciding passage.
NO_PASSAGE_KINDS: frozenset[str] = frozenset({"related", "unrelated"})
MAX_PAGES = 4
PAGE_WORDS = (80, 400)
CLAIM_WORDS = (8, 45)


def is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_pages(rid: str, pages: object, problems: list[str]) -> list[str]:
    """Check the pages list; return the page texts (page n at index n - 1)."""
    if not isinstance(pages, list) or not 1 <= len(pages) <= MAX_PAGES:
        problems.append(f"{rid}: pages must be a list of 1 to {MAX_PAGES} pages")
        return []
    texts: list[str] = []
    for number, page in enumerate(pages, start=1):
        if not isinstance(page, dict) or set(page) != {"page", "text"}:
            problems.append(f"{rid}: page {number} must be an object with 'page' and 'text'")
            return []
        if page["page"] != number or not is_int(page["page"]):
            problems.append(f"{rid}: pages must be numbered 1, 2, ... in order")
        text = page["text"]
        if not isinstance(text, str) or not text.strip():
            problems.append(f"{rid}: page {number} has no text")
            return []
        words = len(text.split())
        if not PAGE_WORDS[0] <= words <= PAGE_WORDS[1]:
            problems.append(f"{rid}: page {number} has {words} words, outside {PAGE_WORDS}")
        texts.append(text)
    return texts


def check_item(item: dict[str, Any], problems: list[str]) -> None:
    """Check one item's fields, types and internal consistency."""
    rid = str(item.get("id", "?"))
    missing = [name for name in FIELDS if name not in item]
    extra = sorted(set(item) - set(FIELDS))
    if missing or extra:
        problems.append(f"{rid}: missing fields {missing}, unexpected fields {extra}")
        return
    for name in ("id", "claim", "label", "kind", "note", "split"):
        if not isinstance(item[name], str) or not item[name].strip():
            problems.append(f"{rid}: '{name}' must be a non-empty string")
            return
    kind, label = item["kind"], item["label"]
    if kind not in KIND_LABEL:
        problems.append(f"{rid}: unknown kind {kind!r}")
        return
    if KIND_LABEL[kind] != label:
        problems.append(f"{rid}: kind {kind} goes with label {KIND_LABEL[kind]}, not {label}")
    if item["split"] not in SPLITS:
        problems.append(f"{rid}: split must be one of {SPLITS}")
    words = len(item["claim"].split())
    if not CLAIM_WORDS[0] <= words <= CLAIM_WORDS[1]:
        problems.append(f"{rid}: claim has {words} words, outside {CLAIM_WORDS}")

    texts = check_pages(rid, item["pages"], problems)
    if not texts:
        return
    cited, found, passage = item["cited_page"], item["found_page"], item["passage"]
    if cited is not None and not (is_int(cited) and 1 <= cited <= len(texts)):
        problems.append(f"{rid}: cited_page {cited!r} is not a page of the source")
        return
    if kind in FOUND_KINDS:
        if not (is_int(found) and 1 <= found <= len(texts)):
            problems.append(f"{rid}: found_page {found!r} is not a page of the source")
            return
    elif found is not None:
        problems.append(f"{rid}: found_page must be null for kind {kind}")
    if kind == "wrong_page":
        if cited is None or found == cited:
            problems.append(f"{rid}: wrong_page needs a cited_page that differs from found_page")
    elif kind in FOUND_KINDS and cited is not None and found != cited:
        problems.append(f"{rid}: found_page {found} differs from cited_page {cited}")

    if kind in NO_PASSAGE_KINDS:
        if passage is not None:
            problems.append(f"{rid}: passage must be null for kind {kind}")
        return
    if not isinstance(passage, str) or not passage.strip():
        problems.append(f"{rid}: passage must be a non-empty string for kind {kind}")
        return
    # The deciding passage: on found_page when set; else (partial, hedged) on the cited page,
    # or on some page of the document when the citation names no page.
    page = found if found is not None else cited
    candidates = [texts[page - 1]] if page is not None else texts
    if not any(passage in text for text in candidates):
        where = f"page {page}" if page is not None else "any page"
        problems.append(f"{rid}: passage does not occur verbatim on {where}")


def source_key(item: dict[str, Any]) -> str:
    """Identify the source document by its pages."""
    blob = json.dumps(item.get("pages"), ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def check_set(items: list[dict[str, Any]], problems: list[str]) -> None:
    """Checks across items: unique ids, one split per source, every kind in both splits."""
    ids = Counter(str(item.get("id")) for item in items)
    problems.extend(f"{rid}: id used {n} times" for rid, n in ids.items() if n > 1)
    splits_by_source: dict[str, set[str]] = defaultdict(set)
    for item in items:
        splits_by_source[source_key(item)].add(str(item.get("split")))
    mixed = sum(1 for splits in splits_by_source.values() if len(splits) > 1)
    if mixed:
        problems.append(f"{mixed} source document(s) have items in both splits")
    present = {(item.get("kind"), item.get("split")) for item in items}
    problems.extend(
        f"kind {kind} has no item in split {split}"
        for kind in KINDS
        for split in SPLITS
        if (kind, split) not in present
    )


def counts_table(items: list[dict[str, Any]]) -> str:
    """A Markdown table of items per kind and split, with label subtotals."""
    counts = Counter((str(item["kind"]), str(item["split"])) for item in items)
    sources: dict[str, set[str]] = {split: set() for split in SPLITS}
    for item in items:
        sources[str(item["split"])].add(source_key(item))
    lines = ["| label | kind | calibrate | heldout | total |", "|---|---|---:|---:|---:|"]
    for label, kinds in LABELS.items():
        for kind in kinds:
            row = [counts[(kind, split)] for split in SPLITS]
            lines.append(f"| {label} | {kind} | {row[0]} | {row[1]} | {sum(row)} |")
        sub = [sum(counts[(kind, split)] for kind in kinds) for split in SPLITS]
        lines.append(f"| **{label}** | all | **{sub[0]}** | **{sub[1]}** | **{sum(sub)}** |")
    total = [sum(counts[(kind, split)] for kind in KINDS) for split in SPLITS]
    lines.append(f"| **all** | all | **{total[0]}** | **{total[1]}** | **{sum(total)}** |")
    docs = [len(sources[split]) for split in SPLITS]
    lines.append(f"| sources | documents | {docs[0]} | {docs[1]} | {sum(docs)} |")
    return "\n".join(lines)


def load(path: Path, problems: list[str]) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                problems.append(f"line {number}: blank line")
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as error:
                problems.append(f"line {number}: not JSON ({error})")
                continue
            if not isinstance(item, dict):
                problems.append(f"line {number}: not a JSON object")
                continue
            items.append(item)
    return items


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 else DEFAULT_PATH
    problems: list[str] = []
    items = load(path, problems)
    for item in items:
        check_item(item, problems)
    check_set(items, problems)
    if problems:
        for problem in problems:
            print(f"problem: {problem}", file=sys.stderr)
        print(f"{len(problems)} problem(s) in {path}", file=sys.stderr)
        return 1
    print(counts_table(items))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
