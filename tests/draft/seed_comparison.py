"""The seed statement drafted from each format it is made in, compared reference by reference
with the bundled, hand-written ``sources.yaml``: the URLs each reference names, their access
dates, and the locator and quote of each (reference, document) pair.

Run it to print the comparison as Markdown tables: ``uv run python tests/draft/seed_comparison.py``.
"""

from __future__ import annotations

import importlib
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from citeaudit.catalog import Catalog, parse_catalog

ROOT = Path(__file__).resolve().parents[2]
BUNDLED = ROOT / "sources.yaml"
SEED = ROOT / "tests" / "fixtures" / "stopsim_statement.txt"
#: Each format the seed is made in, and the generator in ``seed_documents`` that makes it
#: (None: the fixture itself, plain text).
FORMATS: dict[str, tuple[str, str] | None] = {
    "text": None,
    "markdown": ("seed_markdown", "seed.md"),
    "markdown-footnotes": ("seed_markdown_footnotes", "seed-footnotes.md"),
    "html": ("seed_html", "seed.html"),
    "docx": ("seed_docx", "seed.docx"),
    "pdf": ("seed_pdf", "seed.pdf"),
}
CORRESPONDENCE = "(correspondence)"


@dataclass(frozen=True)
class Row:
    """One reference compared: whether each field matches, and what differs."""

    ref: str
    urls: bool
    accessed: bool
    locator: bool
    quote: bool
    claim: bool
    notes: tuple[str, ...]

    @property
    def matches(self) -> bool:
        return self.urls and self.accessed and self.locator and self.quote and self.claim


@dataclass(frozen=True)
class Cited:
    """What a sources file says about one reference number."""

    urls: frozenset[str]
    accessed: dict[str, str | None]
    locators: dict[str, str | None]
    quotes: dict[str, str | None]
    claims: tuple[str, ...]


class Unavailable(Exception):
    """A format cannot be drafted yet: its generator or reader is not there."""


def _words(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


def by_reference(catalog: Catalog) -> dict[str, Cited]:
    """What ``catalog`` says about each reference number: sources matched by URL, the
    correspondence source (no URL) by its kind."""
    found: dict[str, dict[str, dict[str, str | None]]] = {}
    urls: dict[str, set[str]] = {}
    claims: dict[str, list[str]] = {}
    for claim in catalog.claims:
        for evidence in claim.evidence:
            if evidence.ref is None:
                continue
            ref = str(evidence.ref)
            source = catalog.source(evidence.source)
            key = source.url or CORRESPONDENCE
            urls.setdefault(ref, set()).add(key)
            fields = found.setdefault(ref, {"accessed": {}, "locator": {}, "quote": {}})
            fields["accessed"][key] = source.accessed.isoformat() if source.accessed else None
            fields["locator"][key] = str(evidence.locator) if evidence.locator else None
            fields["quote"][key] = _words(evidence.quote) if evidence.quote else None
            texts = claims.setdefault(ref, [])
            if _words(claim.text) not in texts:
                texts.append(_words(claim.text))
    return {
        ref: Cited(
            frozenset(urls[ref]),
            fields["accessed"],
            fields["locator"],
            fields["quote"],
            tuple(claims[ref]),
        )
        for ref, fields in found.items()
    }


def compare(drafted: str, bundled: str) -> list[Row]:
    """The drafted sources file compared with the bundled one, one row per reference of
    the bundled file, in number order."""
    mine = by_reference(parse_catalog(drafted, "drafted.yaml"))
    theirs = by_reference(parse_catalog(bundled, "sources.yaml"))
    rows: list[Row] = []
    for ref in sorted(theirs, key=lambda r: (len(r), r)):
        want, got = theirs[ref], mine.get(ref)
        if got is None:
            rows.append(Row(ref, False, False, False, False, False, ("not cited in the draft",)))
            continue
        notes: list[str] = []
        urls = want.urls == got.urls
        if not urls:
            notes.append(f"URLs {sorted(got.urls - want.urls)} for {sorted(want.urls - got.urls)}")
        shared = sorted(want.urls & got.urls)
        checks = {}
        for name, expected, actual in (
            ("accessed", want.accessed, got.accessed),
            ("locator", want.locators, got.locators),
            ("quote", want.quotes, got.quotes),
        ):
            wrong = [u for u in shared if expected.get(u) != actual.get(u)]
            checks[name] = not wrong
            notes.extend(
                f"{name} at {_short(u)}: {actual.get(u)!r} for {expected.get(u)!r}" for u in wrong
            )
        claim = all(any(w in g or g in w for g in got.claims) for w in want.claims)
        if not claim:
            notes.append(f"claim {got.claims} for {want.claims}")
        rows.append(
            Row(
                ref,
                urls,
                checks["accessed"],
                checks["locator"],
                checks["quote"],
                claim,
                tuple(notes),
            )
        )
    return rows


def _short(url: str) -> str:
    return url if len(url) <= 60 else url[:57] + "..."


def draft_format(name: str, folder: Path) -> str:
    """The seed drafted from the format ``name`` (made in ``folder``); raises Unavailable
    when its generator or reader does not exist yet."""
    from citeaudit.draft.compose import draft_sources

    try:
        from citeaudit.draft.reading import read_document
    except ImportError as exc:
        raise Unavailable(f"no reader yet ({exc})") from exc
    made = FORMATS[name]
    if made is None:
        path = SEED
    else:
        try:
            documents = importlib.import_module("draft.seed_documents")
        except ImportError as exc:
            raise Unavailable(f"no seed documents yet ({exc})") from exc
        generator, file_name = made
        make: Callable[[Path], Path] | None = getattr(documents, generator, None)
        if make is None:
            raise Unavailable(f"no generator {generator} yet")
        path = make(folder / file_name)
    try:
        document = read_document(path.read_bytes(), path.name)
    except ModuleNotFoundError as exc:
        raise Unavailable(f"no reader for {name} yet ({exc.name})") from exc
    return draft_sources(document, origin=path.name).text


def comparison(name: str, folder: Path) -> list[Row]:
    """The comparison table of one format."""
    return compare(draft_format(name, folder), BUNDLED.read_text(encoding="utf-8"))


def markdown_table(rows: list[Row]) -> str:
    """Rows as a GitHub-flavoured Markdown table."""
    mark = {True: "yes", False: "**no**"}
    lines = [
        "| ref | urls match | accessed match | locator match | quote match | claim | notes |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        notes = "; ".join(row.notes).replace("|", "\\|") or ""
        lines.append(
            f"| {row.ref} | {mark[row.urls]} | {mark[row.accessed]} | {mark[row.locator]} | "
            f"{mark[row.quote]} | {mark[row.claim]} | {notes} |"
        )
    return "\n".join(lines)


def main() -> None:
    """Print every format's comparison as Markdown."""
    with tempfile.TemporaryDirectory() as folder:
        for name in FORMATS:
            print(f"### {name}\n")
            try:
                rows = comparison(name, Path(folder))
            except Unavailable as exc:
                print(f"not compared: {exc}\n")
                continue
            except Exception as exc:  # noqa: BLE001 - a table of every format, whatever fails
                print(f"drafting failed: {type(exc).__name__}: {exc}\n")
                continue
            matched = sum(row.matches for row in rows)
            print(markdown_table(rows))
            print(f"\n{matched} of {len(rows)} references match in every field.\n")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    main()
