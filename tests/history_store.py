"""A store built by three real runs over a local site, for the history and search tests:
all well; then /sim gone (404) and the PDF unchanged; then /sim still gone."""

from __future__ import annotations

from pathlib import Path

from citeaudit.catalog import load_catalog
from citeaudit.pipeline import AuditOptions, archive, audit
from documents import make_pdf
from localsite import LocalSite, html, write_sources

HOSTILE = "[bold red]boom[/] \x1b[2J <b>tag</b> \u202eevil"
PAGES = {
    "/sim": (
        "text/html",
        html("SIM", f"There were approximately twenty teams live across the country. {HOSTILE}"),
    ),
    "/report.pdf": (
        "application/pdf",
        make_pdf(["Contents.", "The boards are commissioned directly by NHS England."]),
    ),
}


def three_runs(tmp_path: Path) -> Path:
    """The store folder after the three runs: p0 is /sim, p1 the PDF."""
    with LocalSite(dict(PAGES)) as site:
        sources = write_sources(tmp_path / "sources.yaml", site, ["/sim", "/report.pdf"])
        catalog = load_catalog(sources)
        archive(catalog, sources, AuditOptions())
        del site.pages["/sim"]
        archive(catalog, sources, AuditOptions())
        audit(catalog, sources, AuditOptions())
    return tmp_path / ".citeaudit"
