"""check_links: every source's link checked once, nothing kept, sources with no copy said so."""

from __future__ import annotations

from pathlib import Path

from pytest_httpserver import HTTPServer

from citeaudit.catalog import load_catalog, parse_catalog
from citeaudit.pipeline.linkcheck import no_copy_note, source_urls
from citeaudit.result import findings
from citeaudit.vocab import LinkStatus

CATALOG = """\
sources:
  - id: a
    url: https://example.org/page#one
  - id: b
    url: https://example.org/page#one
  - id: c
    url: https://example.org/other
  - id: letter
    kind: correspondence
  - id: local
    file: letter.pdf
"""


def test_each_url_is_checked_once_and_copies_are_named() -> None:
    catalog = parse_catalog(CATALOG, "sources.yaml")
    assert source_urls(catalog) == ["https://example.org/page#one", "https://example.org/other"]
    assert no_copy_note(catalog.source("letter")) == (
        "no public copy (correspondence): the source has no url or file"
    )


def test_check_links_records_the_accepted_codes(tmp_path: Path, httpserver: HTTPServer) -> None:
    from citeaudit.fetch import FetchOptions
    from citeaudit.pipeline import check_links

    httpserver.expect_request("/refused").respond_with_data("no", 403)
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        f"sources:\n  - id: refused\n    url: {httpserver.url_for('/refused')}\n", encoding="utf-8"
    )
    options = FetchOptions(retries=0, accept=frozenset({403}))
    result = check_links(load_catalog(sources), sources, options)

    assert result.run.accept == frozenset({403})
    assert result.sources[0].status is LinkStatus.BLOCKED
    assert not findings(result)


def test_check_notes_a_url_the_user_wrote_that_reached_a_private_address(
    tmp_path: Path,
) -> None:
    """127.0.0.2 stands for a private address, 127.0.0.1 for a public one (loopbacks.py)."""
    from citeaudit.fetch import FetchOptions
    from citeaudit.pipeline import check_links
    from loopbacks import PRIVATE_IP, PUBLIC_IP, LoopbackServer, page, pretend

    with LoopbackServer(PRIVATE_IP, page()) as inside, LoopbackServer(PUBLIC_IP, page()) as out:
        sources = tmp_path / "sources.yaml"
        sources.write_text(
            f"sources:\n  - id: intranet\n    url: {inside.url('/wiki')}\n"
            f"  - id: public\n    url: {out.url('/page')}\n",
            encoding="utf-8",
        )
        options = FetchOptions(retries=0, address_classifier=pretend)
        result = check_links(load_catalog(sources), sources, options)

    intranet, public = result.sources
    assert intranet.status is LinkStatus.OK
    assert intranet.note == (
        f"{PRIVATE_IP} is a private or loopback address: it is fetched, as you wrote it"
    )
    assert public.note is None
    assert not findings(result)  # a note, not a finding
