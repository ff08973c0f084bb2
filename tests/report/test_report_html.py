"""The HTML report: escaped, self-contained, and laid out by a real browser (headless Chromium,
Debian's ``chromium`` package; the browser tests are skipped, saying why, where it is missing)."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
from html import escape
from pathlib import Path

import pytest
from lxml import html as lxml_html  # type: ignore[import-untyped]

from citeaudit.report import Format, RenderOptions, renderer
from citeaudit.report.html import HtmlReport, href
from citeaudit.report.model import ArchivedCopyModel, ClaimModel, EvidenceModel, ReportModel
from citeaudit.vocab import ClaimVerdict, Verdict
from report_fixture import OPTIONS, fixed_report, snap

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def hostile_report() -> ReportModel:
    """The fixed report with markup in every place text from the web or the file can reach."""
    report = fixed_report()
    source = report.sources[0].model_copy(
        update={
            "title": f"Title {HOSTILE}",
            "publisher": '"><svg onload=alert(2)>',
            "archived_copy": ArchivedCopyModel(
                url="javascript:alert(3)", date=report.run.started, found=True
            ),
            "robust_link": f'<a href="x">{HOSTILE}</a>',
            "reason": HOSTILE,
        }
    )
    claim = ClaimModel(
        id="hostile-claim",
        text=f"A claim {HOSTILE}",
        verdict=ClaimVerdict.UNSUPPORTED,
        evidence=[
            EvidenceModel(
                source=source.id,
                ref=f"1{HOSTILE}",
                locator=f"p. 1 {HOSTILE}",
                quote=f"quoted {HOSTILE}",
                verdict=Verdict.NOT_IN_SOURCE,
                note=f"note {HOSTILE}",
                passage=None,
                link="javascript:alert(4)",
            ),
            EvidenceModel(
                source=source.id,
                quote="q",
                verdict=Verdict.VERIFIED,
                passage=f"passage {HOSTILE} &amp; </blockquote></li></ol>",
                found_at=f"p. 2 {HOSTILE}",
                link='https://example.org/"onmouseover="alert(5)',
            ),
        ],
    )
    return report.model_copy(
        update={
            "sources": [source, *report.sources[1:]],
            "claims": [claim, *report.claims],
            "document": report.document.model_copy(update={"title": f"Doc {HOSTILE}"})
            if report.document
            else None,
        }
    )


def render(report: ReportModel) -> str:
    return renderer(Format.HTML, OPTIONS).render(report)


def test_markup_from_the_web_is_shown_as_text() -> None:
    page = render(hostile_report())
    assert "<script" not in page and "<img" not in page and "<svg" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    assert "javascript:" not in page.replace("javascript:alert(3)", "")  # shown, never linked
    assert 'href="javascript' not in page
    assert "onmouseover=" not in page.replace("&#34;onmouseover=&#34;", "")
    # The document parses to the structure the template wrote: one article per claim, and
    # nothing the page's text tried to add.
    tree = lxml_html.fromstring(page)
    assert len(tree.xpath("//article")) == len(hostile_report().claims)
    assert tree.xpath("//script | //img | //svg | //iframe | //object | //embed") == []
    assert all(not a.startswith("on") for el in tree.iter() for a in el.attrib)
    title = tree.xpath("//title")[0].text_content()
    assert title == f"Citation audit: Doc {HOSTILE}"
    claim = tree.xpath("//article[@id='claim-hostile-claim']//p[@class='claim-text']")[0]
    assert claim.text_content() == f"A claim {HOSTILE}"
    passage = tree.xpath("//article[@id='claim-hostile-claim']//blockquote[@class='passage']")
    assert passage[0].text_content() == f"passage {HOSTILE} &amp; </blockquote></li></ol>"
    robust = tree.xpath("//details[@class='robust']/code")[0].text_content()
    assert robust == f'<a href="x">{HOSTILE}</a>'  # the snippet to paste, as text


def test_only_web_links_are_links() -> None:
    assert href("https://example.org/a?b=1") == "https://example.org/a?b=1"
    assert href("http://example.org/") == "http://example.org/"
    for bad in ("javascript:alert(1)", "JaVaScRiPt:x", "data:text/html,x", "file:///etc/passwd"):
        assert href(bad) is None
    assert href(" javascript:alert(1)") is None
    assert href(None) is None and href("") is None


def test_the_page_is_self_contained() -> None:
    page = render(fixed_report())
    tree = lxml_html.fromstring(page)
    assert tree.xpath("//link | //script | //iframe | //img | //object") == []
    assert "@import" not in page and "url(" not in page
    csp = tree.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
    assert csp == ["default-src 'none'; style-src 'unsafe-inline'; img-src data:"]
    viewport = tree.xpath("//meta[@name='viewport']/@content")
    assert viewport == ["width=device-width, initial-scale=1"]
    assert "@media print" in page and "@media (max-width: 40rem)" in page
    # Every link goes to the web or, relatively, to the store.
    for link in tree.xpath("//a/@href"):
        assert link.startswith(("https://", "http://", "#", ".citeaudit/")), link


def test_links_to_the_passage_the_snapshot_and_the_archive() -> None:
    tree = lxml_html.fromstring(render(fixed_report()))
    links: dict[str, str] = {}
    for a in tree.xpath("//article//a"):
        links.setdefault(a.text_content().strip(), a.get("href"))
    assert links["Open the page at the passage"].startswith(
        "https://www.ahsnnetwork.com/sim#:~:text="
    )
    # Snapshots: a relative link from where the report is written to the WARC in the store.
    assert links["Our snapshot of 2026-05-03"] == (".citeaudit/archive/20260503100000-run3.warc.gz")
    snapshot = tree.xpath("//a[text()='Our snapshot of 2026-05-03']/@title")[0]
    # a recipient without the sender's disk is told whose store holds it and how to open it
    record = "<urn:uuid:00000000-0000-4000-8000-000000000001>"
    assert snapshot.startswith(f"archive/20260503100000-run3.warc.gz, record {record}")
    assert "evidence store of whoever ran the audit" in snapshot and "--wacz" in snapshot
    assert links["Public archive copy of 2021-05-10"] == (
        "https://web.archive.org/web/20210510093000/https://highintensitynetwork.org/numbers.pdf"
    )
    # Written elsewhere, the snapshot link still leads to the store.
    elsewhere = HtmlReport(
        output_dir=Path("/reports/out/html"), store_dir=Path("/reports/.citeaudit")
    )
    snap = fixed_report().sources[0].snapshot
    assert elsewhere.snapshot_href(fixed_report(), snap) == (
        "../../.citeaudit/archive/20260503100000-run3.warc.gz"
    )


def test_misquotation_is_marked_with_del_and_ins() -> None:
    tree = lxml_html.fromstring(render(fixed_report()))
    quote = tree.xpath("//article[@id='claim-academic-networks']//figure[@class='compare']")[0]
    assert [d.text for d in quote.xpath(".//del")] == ["Health Science"]
    assert [i.text for i in quote.xpath(".//ins")] == ["Science Health", "(AHSNs)"]
    assert " ".join(quote.xpath(".//blockquote")[0].text_content().split()) == (
        "As one of the 15 Academic Health Science Science Health Networks (AHSNs) in England"
    )


def test_sources_table_with_history() -> None:
    tree = lxml_html.fromstring(render(fixed_report()))
    rows = tree.xpath("//section[@class='sources']//tbody/tr")
    assert [r.get("id") for r in rows] == [f"source-{s.id}" for s in fixed_report().sources]
    gone = tree.xpath("//tr[@id='source-hin-numbers']")[0]
    assert gone.get("class") == "attention"
    squares = gone.xpath(".//span[contains(@class, 'sq')]")
    assert [s.get("class") for s in squares] == ["sq st-ok", "sq st-rotted", "sq st-rotted"]
    assert squares[1].get("title") == "2026-05-02 10:00 UTC: not_found (404), copy kept"
    text = " ".join(gone.text_content().split())
    assert "failing since 2026-05-02" in text and "last answered 2026-05-01" in text
    assert tree.xpath("//tr[@id='source-ahsn-sim']")[0].get("class") is None


# ---------------------------------------------------------------------------------------------
# In a real browser

CHROMIUM = next(
    (p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None
)
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="headless Chromium is not installed (Debian: apt-get install chromium; "
    ".ci/run installs it when run as root)",
)


def chromium(tmp_path: Path, page: Path, *args: str) -> str:
    """Run headless Chromium on a local page, with nothing to reach and no profile kept."""
    assert CHROMIUM is not None
    done = subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--hide-scrollbars",
            f"--user-data-dir={tmp_path / 'profile'}",
            *args,
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@needs_chromium
def test_chromium_shows_the_page_as_written(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(render(hostile_report()), encoding="utf-8")
    dom = chromium(tmp_path, page, "--dump-dom")
    tree = lxml_html.fromstring(dom)
    # The browser built the page the template wrote, and ran nothing from the text.
    assert tree.xpath("//script | //img | //svg") == []
    assert len(tree.xpath("//article")) == len(hostile_report().claims)
    text = " ".join(tree.text_content().split())
    assert f"A claim {HOSTILE}" in text
    assert "Claims at a glance" in text and "How to read this report" in text
    assert "2 claims unsupported" in text
    for claim in hostile_report().claims:
        assert " ".join(claim.text.split()) in text

    shot = tmp_path / "desktop.png"
    chromium(tmp_path, page, f"--screenshot={shot}", "--window-size=1280,2000")
    assert png_size(shot) == (1280, 2000)
    assert shot.stat().st_size > 50_000  # a page of text and colour, not a blank one


# Headless Chromium lays a window out at least 500 px wide, so the page is measured in an
# iframe of the width wanted. A script the test adds (the report itself has none, and its
# policy forbids running one) asks the browser how the page was laid out and writes the
# answers on the parent page, where --dump-dom shows them.
LAYOUT_PROBE = """<script>
const rights = [...document.querySelectorAll("body *")].map(e => e.getBoundingClientRect().right);
const found = parent.document.body.dataset;
found.viewport = window.innerWidth;
found.scrollWidth = document.documentElement.scrollWidth;
found.widest = Math.ceil(Math.max(...rights));
found.tableDisplay = getComputedStyle(document.querySelector("table")).display;
found.tiles = getComputedStyle(document.querySelector(".tiles")).gridTemplateColumns;
</script>"""


@needs_chromium
@pytest.mark.parametrize(("width", "table", "columns"), [(375, "block", 2), (1280, "table", 4)])
def test_chromium_lays_it_out_without_sideways_scrolling(
    tmp_path: Path, width: int, table: str, columns: int
) -> None:
    html = render(fixed_report())
    html = re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html)
    probed = html.replace("</body>", LAYOUT_PROBE + "</body>")
    page = tmp_path / "probe.html"
    page.write_text(
        '<!doctype html><html><body style="margin:0">'
        f'<iframe style="border:0;width:{width}px;height:900px" srcdoc="{escape(probed)}">'
        "</iframe></body></html>",
        encoding="utf-8",
    )
    dom = chromium(tmp_path, page, "--dump-dom", f"--window-size={max(width, 500)},900")
    body = lxml_html.fromstring(dom).xpath("//body")[0]
    assert body.get("data-viewport") == str(width)
    assert int(body.get("data-scroll-width")) <= width  # nothing sticks out sideways
    assert int(body.get("data-widest")) <= width
    assert body.get("data-table-display") == table  # on a phone, each source is a card
    assert len(body.get("data-tiles").split()) == columns

    shot = tmp_path / "shot.png"
    chromium(tmp_path, page, f"--screenshot={shot}", f"--window-size={width},900")
    assert png_size(shot) == (width, 900)


@needs_chromium
def test_chromium_prints_it(tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(render(fixed_report()), encoding="utf-8")
    pdf = tmp_path / "report.pdf"
    chromium(tmp_path, page, f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    text = " ".join(
        " ".join(document[i].get_textpage().get_text_range().split()) for i in range(len(document))
    )
    assert 2 <= len(document) <= 12
    assert "Claims at a glance" in text and "How to read this report" in text
    # On paper, each link's address is printed after it (it is nowhere else on the page).
    assert "(https://web.archive.org/web/20210510093000/" in text.replace(" ", "")


def test_render_options_reach_the_html() -> None:
    report = fixed_report()
    same = RenderOptions(output_dir=Path("/reports"), store_dir=Path("/reports/.citeaudit"))
    assert renderer(Format.HTML, same).render(report) == render(report)
    assert "Serenity Integrated Mentoring (SIM)" in render(report)


def test_a_rotted_source_never_offers_its_error_page_as_our_snapshot() -> None:
    report = fixed_report()
    error_page = snap(9, 3)  # what the dead link answered on this run: a 404 page
    gone = report.source("hin-numbers")
    assert gone is not None and gone.status is not None and not gone.status.alive
    sources = [
        s.model_copy(update={"snapshot": error_page}) if s.id == gone.id else s
        for s in report.sources
    ]
    row = lxml_html.fromstring(render(report.model_copy(update={"sources": sources})))
    cell = row.xpath("//tr[@id='source-hin-numbers']//td[@data-label='Copies']")[0]
    assert "Our snapshot" not in cell.text_content()  # no good copy of ours: none offered
    assert "Public archive copy of 2021-05-10" in cell.text_content()
    # With an older good copy that a verdict was reached on, that one is offered.
    good = snap(8, 1)
    claims = [
        c.model_copy(
            update={
                "evidence": [
                    e.model_copy(update={"snapshot": good}) if e.source == gone.id else e
                    for e in c.evidence
                ]
            }
        )
        for c in report.claims
    ]
    page = render(report.model_copy(update={"sources": sources, "claims": claims}))
    cell = lxml_html.fromstring(page).xpath(
        "//tr[@id='source-hin-numbers']//td[@data-label='Copies']"
    )[0]
    links = {a.text_content(): a.get("href") for a in cell.xpath(".//a")}
    assert links["Our snapshot of 2026-05-01"].endswith(good.warc)
    assert error_page.warc not in page.split('id="source-hin-numbers"')[1].split("</tr>")[0]


def test_a_changed_source_and_a_wrong_page_as_a_reader_sees_them() -> None:
    tree = lxml_html.fromstring(render(fixed_report()))
    claim = tree.xpath("//article[@id='claim-fell-by']")[0]
    assert claim.xpath(".//span[contains(@class, 'badge')]/text()")[0] == "supported"
    changed = claim.xpath(".//li[contains(@class, 'e-verified')]")[0]
    assert "source changed" in changed.xpath(".//span[contains(@class, 'changed')]/text()")
    drift = changed.xpath(".//div[@class='drift']")[0]
    assert drift.xpath(".//del/text()") == ["23%"] and drift.xpath(".//ins/text()") == ["21%"]
    assert "“23%” became “21%” (number)" in drift.text_content()
    links = {a.text_content().strip(): a.get("href") for a in changed.xpath(".//a")}
    # the live page no longer says it: the link says so, and opens it where it now differs
    assert links["Open the page as it reads now (it has changed)"].startswith(
        "https://council.example/press/air#:~:text="
    )
    assert "Open the page at the passage" not in links
    # the wrong page: the claim stands, the citation is listed to correct
    fix = tree.xpath("//section[@id='corrections']")[0].text_content()
    assert "cited letter [7] p. 5, found at p. 2" in fix
    row = tree.xpath("//tr[@id='source-council']")[0]
    assert "attention" in row.get("class")
    said = " ".join(row.xpath(".//span[contains(@class, 'changed')]//text()"))
    assert "it said “nitrogen dioxide levels fell by 23% across the borough”" in said
    assert "it now says “nitrogen dioxide levels fell by 21% across the borough”" in said
    summary = tree.xpath("//p[@class='sources-line']")[0].text_content()
    assert "1 changed since cited" in summary and "1 citation to correct" in summary
