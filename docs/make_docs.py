"""Make the report examples and screenshots in docs/ from the bundled evidence base.

The bundled ``sources.yaml`` is audited against the local stand-ins in
``tests/fixtures/bundled/`` (served on 127.0.0.1, as tests/test_bundled.py does: there is no
network here), and the report kept in the store is rendered as the docs show it, with each
link given back its real address. Run from the repository root::

    uv run python docs/make_docs.py

It writes docs/report.html, docs/report.md, docs/report-terminal.txt, and, when headless
Chromium is installed, the screenshots docs/report.png (a desktop browser) and
docs/report-phone.png (a phone, 390 CSS pixels wide).

It also writes the case the README shows for a source that changed and a page cited wrong:
a council's press release edited from 23% to 21% between two audits, and a quote cited at
p. 9 of a six-page PDF (docs/changed-terminal.txt, docs/changed.html, docs/changed.png).
"""

from __future__ import annotations

import html
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner

from citeaudit.commands.app import app
from citeaudit.report import Format, RenderOptions, renderer
from citeaudit.report.model import ReportModel
from citeaudit.report.saved import load_report

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
FIXTURES = ROOT / "tests" / "fixtures" / "bundled"
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def stand_in(source_id: str) -> Path:
    return next(p for p in FIXTURES.iterdir() if p.stem == source_id and p.suffix in TYPES)


def audit_local_copy(folder: Path) -> tuple[ReportModel, dict[str, str]]:
    """Audit the bundled sources against the stand-ins; the stored report and, for each
    local address, the real one it stands for."""
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    try:
        data: dict[str, Any] = yaml.safe_load((ROOT / "sources.yaml").read_text("utf-8"))
        base = server.url_for("").rstrip("/")
        real: dict[str, str] = {}
        for source in data["sources"]:
            if not source.get("url"):
                continue
            path = stand_in(source["id"])
            server.expect_request(f"/{path.name}").respond_with_data(
                path.read_bytes(), content_type=TYPES[path.suffix]
            )
            url, _, fragment = source["url"].partition("#")
            real[f"{base}/{path.name}"] = url
            source["url"] = f"{base}/{path.name}" + (f"#{fragment}" if fragment else "")
        sources = folder / "sources.yaml"
        sources.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
        os.environ["CITEAUDIT_TIMEGATE"] = "none"  # nothing to ask: every stand-in answers
        done = CliRunner().invoke(app, ["audit", str(sources), "--format", "json"])
        if done.exit_code not in (0, 1):
            sys.exit(f"the audit failed: {done.stderr}")
    finally:
        server.stop()
    return load_report(folder / ".citeaudit"), real


CHANGED_SOURCES = """\
document:
  title: Air quality in the borough
sources:
  - id: press
    title: "Cleaner air: council press release"
    url: {base}/press
  - id: asr
    title: Air Quality Annual Status Report 2023
    url: {base}/asr.pdf
claims:
  - id: no2-fell
    text: Nitrogen dioxide fell by 23% across the borough.
    evidence:
      - source: press
        quote: nitrogen dioxide levels fell by 23% across the borough
      - source: asr
        locator: p. 9
        quote: the annual mean fell at every monitoring site
"""


def _press(figure: str) -> bytes:
    words = (
        f"The council said today that nitrogen dioxide levels fell by {figure} across the "
        "borough between 2019 and 2023. The mayor welcomed the figures."
    )
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>Cleaner air</title></head>"
        f"<body><main><h1>Cleaner air</h1><p>{words}</p></main></body></html>"
    ).encode()


def _report_pdf() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=12)
    for number in range(1, 7):
        pdf.add_page()
        text = f"Page {number}: monitoring methods and the network of diffusion tubes."
        if number == 4:
            text = "Across the borough, the annual mean fell at every monitoring site."
        pdf.multi_cell(0, 8, text)
    return bytes(pdf.output())


def audit_changed_case(folder: Path) -> tuple[ReportModel, dict[str, str]]:
    """Audit a press release, edit it, audit again: the stored report of the second run."""
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    try:
        base = server.url_for("").rstrip("/")
        sources = folder / "sources.yaml"
        sources.write_text(CHANGED_SOURCES.format(base=base), "utf-8")
        for figure in ("23%", "21%"):
            server.clear()
            server.expect_request("/press").respond_with_data(
                _press(figure), content_type="text/html; charset=utf-8"
            )
            server.expect_request("/asr.pdf").respond_with_data(
                _report_pdf(), content_type="application/pdf"
            )
            done = CliRunner().invoke(app, ["audit", str(sources), "--format", "json"])
            if done.exit_code not in (0, 1):
                sys.exit(f"the audit failed: {done.stderr}")
    finally:
        server.stop()
    real = {
        f"{base}/press": "https://council.example/news/cleaner-air",
        f"{base}/asr.pdf": "https://council.example/documents/asr-2023.pdf",
    }
    return load_report(folder / ".citeaudit"), real


def with_real_addresses(report: ReportModel, real: dict[str, str]) -> ReportModel:
    """The report with each stand-in's address replaced by the real one it stands for."""
    text = report.model_dump_json()
    for local, url in sorted(real.items(), key=lambda item: -len(item[0])):
        text = text.replace(local, url)
    fixed = ReportModel.model_validate_json(text)
    run = fixed.run.model_copy(update={"sources_file": "sources.yaml", "store": ".citeaudit"})
    return fixed.model_copy(update={"run": run})


def chromium(*args: str) -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        print("no headless Chromium: screenshots not made", file=sys.stderr)
        return
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--hide-scrollbars",
                f"--user-data-dir={profile}",
                *args,
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        stored, real = audit_local_copy(Path(tmp))
    report = with_real_addresses(stored, real)
    options = RenderOptions(width=100, output_dir=DOCS, store_dir=DOCS / ".citeaudit")
    page = renderer(Format.HTML, options).render(report)
    (DOCS / "report.html").write_text(page, encoding="utf-8")
    (DOCS / "report.md").write_text(renderer(Format.MARKDOWN).render(report), encoding="utf-8")
    terminal = renderer(Format.TERMINAL, options).render(report)
    (DOCS / "report-terminal.txt").write_text(terminal, encoding="utf-8")

    with tempfile.TemporaryDirectory() as tmp:
        desk = Path(tmp) / "report.html"
        desk.write_text(page, encoding="utf-8")
        chromium(f"--screenshot={DOCS / 'report.png'}", "--window-size=1100,2900", desk.as_uri())
        # Headless Chromium lays a window out at least 500 px wide: a phone is an iframe.
        phone = Path(tmp) / "phone.html"
        phone.write_text(
            '<!doctype html><html><body style="margin:0">'
            '<iframe style="border:0;width:390px;height:1400px" '
            f'srcdoc="{html.escape(page)}"></iframe></body></html>',
            encoding="utf-8",
        )
        chromium(
            f"--screenshot={DOCS / 'report-phone.png'}", "--window-size=390,1400", phone.as_uri()
        )
    with tempfile.TemporaryDirectory() as tmp:
        stored, real = audit_changed_case(Path(tmp))
    changed = with_real_addresses(stored, real)
    terminal = renderer(Format.TERMINAL, options).render(changed)
    (DOCS / "changed-terminal.txt").write_text(terminal, encoding="utf-8")
    page = renderer(Format.HTML, options).render(changed)
    (DOCS / "changed.html").write_text(page, encoding="utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        desk = Path(tmp) / "changed.html"
        desk.write_text(page, encoding="utf-8")
        chromium(f"--screenshot={DOCS / 'changed.png'}", "--window-size=1000,1500", desk.as_uri())
    print(f"written: {', '.join(sorted(p.name for p in DOCS.iterdir() if p.suffix != '.py'))}")


if __name__ == "__main__":
    main()
