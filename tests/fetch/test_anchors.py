"""#fragments checked against the page: element ids and names, and text fragments (matched
by text/directives.py, tested in tests/text/test_directives.py), against real pages."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import yaml
from pytest_httpserver import HTTPServer

from citeaudit.fetch import FetchOptions, FetchResult, fetch_all_sync
from citeaudit.fetch.anchors import FragmentCheck, PageAnchors
from citeaudit.vocab import LinkStatus
from documents import make_pdf

FAST = FetchOptions(backoff_base=0.01, timeout=5.0, connect_timeout=2.0, read_timeout=2.0)
BUNDLED = Path(__file__).parents[2] / "sources.yaml"


def fetch(urls: list[str], **changes: Any) -> dict[str, FetchResult]:
    return fetch_all_sync(urls, replace(FAST, **changes))


def test_the_bundled_fragment_against_a_page_like_the_handbook() -> None:
    sources = yaml.safe_load(BUNDLED.read_text(encoding="utf-8"))["sources"]
    (url,) = [s["url"] for s in sources if "#:~:text=" in (s.get("url") or "")]
    fragment = url.split("#", 1)[1]
    markup = (
        b"<html><body><h2>Statutory duties</h2><p>NHS bodies, providers of primary care "
        b"services and others must have regard to the NHS Constitution; the Secretary of State "
        b"must renew it at least once every 10 years.</p></body></html>"
    )
    changed = markup.replace(b"10 years", b"ten years")

    ok = PageAnchors(markup, "text/html").check(fragment)
    gone = PageAnchors(changed, "text/html").check(fragment)

    assert ok == FragmentCheck(fragment, True)
    assert gone.found is False
    assert gone.problem == (
        "text fragment 'NHS bodies, providers of primary' … 'least once every 10 years' "
        "not found on the page"
    )


def test_hidden_and_script_text_is_not_matched() -> None:
    markup = (
        b"<html><body><p>shown</p><div hidden>secret words</div>"
        b"<script>var x = 'script words';</script></body></html>"
    )
    page = PageAnchors(markup, "text/html")
    assert page.check(":~:text=shown").found is True
    assert page.check(":~:text=secret%20words").found is False
    assert page.check(":~:text=script%20words").found is False


# --------------------------------------------------------------------------- against a server

PAGE = (
    "<!doctype html><html><head><title>Handbook</title></head><body>"
    '<nav><a href="#top">top</a></nav>'
    '<h2 id="statutory-duties">Statutory duties</h2>'
    "<p>NHS bodies, providers of primary care and others must have regard to it.</p>"
    '<h2><a name="legacy-anchor"></a>Renewal</h2>'
    "<p>It is renewed at least once every 10 years.</p>"
    '<h3 id="r%C3%A9sum%C3%A9-raw">raw</h3>'
    '<h3 id="ré sumé">Résumé</h3>'
    "</body></html>"
)


def text(value: str) -> str:
    return ":~:text=" + value


@pytest.mark.parametrize(
    ("fragment", "problem"),
    [
        ("statutory-duties", None),
        ("legacy-anchor", None),
        ("top", None),
        ("TOP", None),
        ("/app/route", None),
        ("r%C3%A9%20sum%C3%A9", None),  # percent-decoded to match the id
        ("r%C3%A9sum%C3%A9-raw", None),  # matched as written first
        ("missing-section", "no element with id or name 'missing-section' on the page"),
        ("Statutory-Duties", "no element with id or name 'Statutory-Duties' on the page"),
        (text("Statutory%20duties"), None),
        (text("providers%20of-,primary%20care,-and"), None),
        (text("NHS%20bodies,once%20every%2010%20years"), None),
        (text("least%20once%20every%2010%20years&text=Statutory%20duties"), None),
        (
            text("least%20once%20every%205%20years"),
            "text fragment 'least once every 5 years' not found on the page",
        ),
        (
            text("secondary-,care"),
            "text fragment 'care' after 'secondary' not found on the page",
        ),
        (
            text("Statutory%20duties&text=gone,-away"),
            "text fragment 'gone' before 'away' not found on the page",
        ),
        (
            "statutory-duties:~:text=Renewal",
            None,
        ),
        (
            "nowhere:~:text=nothing",
            "no element with id or name 'nowhere' on the page; "
            "text fragment 'nothing' not found on the page",
        ),
        (text("a,b,c"), "malformed text fragment 'text=a,b,c'"),
    ],
)
def test_fragments_against_a_live_page(
    httpserver: HTTPServer, fragment: str, problem: str | None
) -> None:
    httpserver.expect_request("/handbook").respond_with_data(
        PAGE, content_type="text/html; charset=utf-8"
    )
    url = f"{httpserver.url_for('/handbook')}#{fragment}"

    result = fetch([url])[url]

    assert result.status is LinkStatus.OK  # a fragment never changes the link status
    assert result.reason == "200 OK"
    assert result.fragment == FragmentCheck(fragment, problem is None, problem)
    assert result.fragment_problem == problem


def test_one_fetch_serves_every_fragment_of_a_url(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/handbook").respond_with_data(PAGE, content_type="text/html")
    base = httpserver.url_for("/handbook")
    urls = [f"{base}#statutory-duties", f"{base}#gone", base, f"{base}#", f"{base}#{text('x')}"]

    results = fetch(urls)

    assert len(httpserver.log) == 1
    assert results[f"{base}#statutory-duties"].fragment_problem is None
    assert results[f"{base}#gone"].fragment_problem == (
        "no element with id or name 'gone' on the page"
    )
    assert results[base].fragment is None
    assert results[f"{base}#"].fragment is None  # an empty fragment is the top of the page
    assert results[f"{base}#{text('x')}"].fragment_problem == (
        "text fragment 'x' not found on the page"
    )


def test_fragments_of_a_non_html_document_are_not_checked(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/report.pdf").respond_with_data(
        make_pdf(["one", "two"]), content_type="application/pdf"
    )
    url = httpserver.url_for("/report.pdf") + "#page=2"

    result = fetch([url])[url]

    assert result.status is LinkStatus.OK
    assert result.fragment == FragmentCheck(
        "page=2", None, None, "fragment not checked: not an HTML page"
    )
    assert result.fragment_problem is None


def test_fragments_of_a_dead_link_are_not_checked(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/gone").respond_with_data(PAGE, status=404)
    url = httpserver.url_for("/gone") + "#statutory-duties"

    result = fetch([url])[url]

    assert result.status is LinkStatus.NOT_FOUND
    assert result.fragment is not None and result.fragment.found is None
    assert result.fragment.note == "fragment not checked: the link is not_found"


def test_fragments_in_a_windows_1252_page(httpserver: HTTPServer) -> None:
    markup = (
        '<html><body><h2 id="résumé">Résumé</h2><p>Évaluation à mi-parcours du programme.</p>'
        "</body></html>"
    ).encode("cp1252")
    httpserver.expect_request("/fr").respond_with_data(
        markup, content_type="text/html; charset=windows-1252"
    )
    base = httpserver.url_for("/fr")
    by_id = f"{base}#{quote('résumé')}"
    by_text = f"{base}#{text(quote('évaluation à mi-parcours'))}"

    results = fetch([by_id, by_text])

    assert results[by_id].fragment == FragmentCheck(by_id.split("#")[1], True)
    assert results[by_text].fragment == FragmentCheck(by_text.split("#")[1], True)


def test_text_fragment_in_a_shift_jis_page(httpserver: HTTPServer) -> None:
    markup = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">'
        "</head><body><p>精神保健福祉法の改正について</p></body></html>"
    ).encode("shift_jis")
    httpserver.expect_request("/ja").respond_with_data(markup, content_type="text/html")
    base = httpserver.url_for("/ja")
    present = f"{base}#{text(quote('精神保健福祉法'))}"
    absent = f"{base}#{text(quote('介護保険法'))}"

    results = fetch([present, absent])

    assert results[present].fragment_problem is None
    assert results[absent].fragment_problem == "text fragment '介護保険法' not found on the page"


def test_a_truncated_page_says_so(httpserver: HTTPServer) -> None:
    markup = "<html><body>" + "<p>filler words here</p>" * 200 + '<h2 id="end">End</h2>'
    httpserver.expect_request("/long").respond_with_data(markup, content_type="text/html")
    url = httpserver.url_for("/long") + "#end"

    result = fetch([url], max_bytes=1024)[url]

    assert result.truncated
    assert result.fragment_problem == (
        "no element with id or name 'end' on the page (only the start of the page was read: "
        "it was over the size limit)"
    )
