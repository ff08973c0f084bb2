"""The report model: one typed document that every format renders.

It mirrors the JSON report (the contract for scripts, README "The JSON report") field by
field: the JSON format is this model dumped as it is, the JSON Schema shipped in
``report/schema/`` is generated from it, and ``audit`` keeps it in the store so ``citeaudit
report`` can render any format again without the network. Fields may be added (with a
default, so reports saved earlier still load); never renamed.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from citeaudit import __version__
from citeaudit.result import Outcome
from citeaudit.vocab import ClaimVerdict, JudgedOn, LinkStatus, Network, Verdict

#: The most captures of one source a report lists (the newest); the store keeps them all.
HISTORY_LIMIT = 50


class _Model(BaseModel):
    # Unknown fields are ignored, not refused: a report saved by a newer citeaudit still
    # loads, and the schema allows fields added later. Every field is in every report, so
    # the schema (of the output) lists them all as required.
    model_config = ConfigDict(frozen=True, json_schema_serialization_defaults_required=True)


class ToolModel(_Model):
    """The program that made the report."""

    name: str = "citeaudit"
    version: str = __version__


class RunModel(_Model):
    """When and on what the run happened."""

    id: str
    started: datetime
    finished: datetime
    sources_file: str
    network: Network
    store: str | None = None
    accept: list[int] = []
    insecure: bool = False
    #: SHA-256 of the sources file as the run read it (None for ``check``, and in reports
    #: kept before it was recorded): ``report`` warns when the file has changed since.
    sources_sha256: str | None = None


class DocumentModel(_Model):
    """The document whose claims were audited."""

    title: str | None = None
    author: str | None = None
    publisher: str | None = None
    published: date | None = None
    url: str | None = None
    # Added with drafting:
    #: The document (path or URL) the claims were drafted from (``citeaudit draft``, or
    #: ``audit DOCUMENT``): a machine's reading of its citations, for a person to check.
    drafted_from: str | None = None


class RedirectModel(_Model):
    """One hop of a redirect chain."""

    url: str
    status: int


class SnapshotModel(_Model):
    """Where a copy is kept in the store: a WARC record (``warc`` is relative to the store)."""

    warc: str
    offset: int
    record_id: str
    date: datetime


class ArchivedCopyModel(_Model):
    """A public web archive's copy (a Memento), or why none was found: ``found`` is False
    when the archive had none, None when it could not be asked (``note`` says why)."""

    url: str | None = None
    date: datetime | None = None
    raw_url: str | None = None
    timegate: str | None = None
    found: bool | None = None
    note: str | None = None
    http_status: int | None = None


class FragmentModel(_Model):
    """The check of a cited URL's ``#fragment`` against the page."""

    fragment: str
    found: bool | None
    problem: str | None = None
    note: str | None = None


class CaptureModel(_Model):
    """One earlier look at a source, from the store: when, what came back, what was kept."""

    run_id: str
    date: datetime
    status: LinkStatus | None  # None for a local file, which is not fetched
    http_status: int | None = None
    #: ``response`` (a new copy), ``revisit`` (unchanged), ``resource`` (a local file), or
    #: None (nothing came back to keep).
    kept: str | None = None


class SourceModel(_Model):
    """One source: its link status, the copy kept of it, and its history in the store."""

    id: str
    title: str | None = None
    kind: str | None = None
    url: str | None = None
    file: str | None = None
    accessed: date | None = None
    status: LinkStatus | None = None
    reason: str | None = None
    http_status: int | None = None
    final_url: str | None = None
    redirects: list[RedirectModel] = []
    permanent: bool | None = None
    content_type: str | None = None
    sha256: str | None = None
    truncated: bool = False
    fetched: datetime | None = None
    elapsed: float | None = None
    error: str | None = None
    snapshot: SnapshotModel | None = None
    archived_copy: ArchivedCopyModel | None = None
    note: str | None = None
    soft_kind: str | None = None
    accepted: bool = False
    insecure: bool = False
    fragment: FragmentModel | None = None
    fragment_problem: str | None = None
    # Added with the report formats:
    publisher: str | None = None
    #: What Save Page Now archived on this run (``--save``), when it was asked to.
    saved: ArchivedCopyModel | None = None
    #: Every look at the source in the store, oldest first (at most the newest 50).
    history: list[CaptureModel] = []
    #: When the current run of failures began (None when the latest look did not fail).
    failing_since: datetime | None = None
    #: When the source last answered with its content.
    last_answered: datetime | None = None
    #: A Robust Link (robustlinks.mementoweb.org) to paste where the source is cited: the
    #: live URL with the public archive's copy as ``data-versionurl``.
    robust_link: str | None = None
    # Added with changed sources as findings:
    #: Quoted words are gone from the copy checked first; an older copy has them (each
    #: evidence's ``drift`` says which words, and what the source says now).
    changed: bool = False
    #: Why the source's local file cannot be read (missing, a folder, too big).
    problem: str | None = None

    @property
    def rotted(self) -> bool:
        """Whether the link is evidence of rot (and the user did not accept its code)."""
        return self.status is not None and self.status.rotted and not self.accepted

    @property
    def refused(self) -> bool:
        """Refused (``blocked``, ``rate_limited``): not proof of rot."""
        return self.status in (LinkStatus.BLOCKED, LinkStatus.RATE_LIMITED)

    @property
    def needs_attention(self) -> bool:
        """Whether a reader should look at this source: it did not answer, or answered with
        a caveat (a fragment missing, a body cut short, no TLS check, a code accepted)."""
        return bool(
            (self.status is not None and not self.status.alive)
            or (self.status is None and not self.file)
            or self.fragment_problem
            or self.truncated
            or self.insecure
            or self.accepted
            or self.changed
            or self.problem
        )

    @property
    def archive_copy(self) -> ArchivedCopyModel | None:
        """The public archive's copy to link to: the one looked up, else one saved now."""
        for copy in (self.archived_copy, self.saved):
            if copy is not None and copy.found and copy.url:
                return copy
        return None

    @property
    def archive_url(self) -> str | None:
        """The URL of :attr:`archive_copy`."""
        copy = self.archive_copy
        return copy.url if copy else None


class DifferenceModel(_Model):
    """One way the quote differs from the source, word by word (see ``quotes.Difference``)."""

    op: Literal["insert", "delete", "replace"]
    quote: str
    source: str
    kind: str | None = None


class SegmentModel(_Model):
    """A run of words of the quote set against the passage: ``equal`` (as the source has
    it), ``delete`` (the source's words the quote left out or changed), ``insert`` (the
    quote's words the source does not have), ``elided`` (cut with an ellipsis)."""

    op: Literal["equal", "insert", "delete", "elided"]
    text: str


class SuggestionModel(_Model):
    """For evidence that quotes nothing: the passage likeliest to support the claim."""

    text: str
    found_at: str | None = None
    link: str | None = None


class DriftModel(_Model):
    """The source changed since it was cited: the copy judged first lacks the quoted words,
    an older copy (of ``snapshot_date``) has them. The verdict stands on the older copy;
    this says what the changed copy has instead."""

    snapshot_date: datetime | None = None
    note: str
    # Added with changed sources as findings:
    #: The changed copy: which (``live``, ``snapshot``, ``archive``, ``file``) and of when.
    judged_on: JudgedOn | None = None
    copy_date: datetime | None = None
    #: What the changed copy came to: ``misquoted`` (it reads differently) or ``not_in_source``.
    verdict: Verdict | None = None
    #: The changed copy's closest words (None when nothing came close), and where they are.
    passage: str | None = None
    found_at: str | None = None
    #: The quoted (old) words against the new, word by word, as for a misquotation.
    differences: list[DifferenceModel] = []
    comparison: list[SegmentModel] = []
    #: The changed copy opened at its closest words (a live page that no longer says it).
    link: str | None = None


class ConflictModel(_Model):
    """One difference that makes a contradiction: what the claim says and what the passage
    says (``23%`` against ``21%``; ``not`` against nothing for a dropped negation)."""

    kind: str
    claim: str
    passage: str


class MeaningModel(_Model):
    """A judgement of meaning on a claim that quotes nothing, not a quote found: which judge
    made it (``built-in``, or ``built-in + <model>``), its score (0 to 1: how far the passage
    carries what the claim says, calibrated on a labelled set; see the README), why in one
    line, and for a contradiction the differences that made it. The passage it rests on is
    the evidence's ``passage`` (``supported``, ``contradicted``) or its
    ``suggested_passage``, the closest one (``not_supported``)."""

    judge: str
    score: float
    reason: str
    conflicts: list[ConflictModel] = []


class EvidenceModel(_Model):
    """One piece of evidence, its verdict, and where it was found."""

    source: str
    ref: int | str | None = None
    locator: str | None = None
    quote: str | None = None
    verdict: Verdict
    judged_on: JudgedOn | None = None
    copy_date: datetime | None = None
    found_at: str | None = None
    passage: str | None = None
    differences: list[DifferenceModel] = []
    similarity: float | None = None
    link: str | None = None
    note: str | None = None
    suggested_passage: SuggestionModel | None = None
    drift: DriftModel | None = None
    # Added with the report formats:
    #: The record in our store of the copy the verdict was reached on.
    snapshot: SnapshotModel | None = None
    #: That record's WARC file, as the run named its store (``<store>/archive/...warc.gz``).
    snapshot_link: str | None = None
    #: The quote set word by word against the passage, for a misquotation (else empty).
    comparison: list[SegmentModel] = []
    # Added with judgements of meaning:
    #: For evidence that quotes nothing, how its claim was judged on meaning (None: quoted,
    #: or not judged).
    meaning: MeaningModel | None = None


class ClaimModel(_Model):
    """One claim, its verdict, and its evidence."""

    id: str
    text: str
    verdict: ClaimVerdict
    evidence: list[EvidenceModel]


class SummaryModel(_Model):
    """How many sources ended in each status ('no_copy' for none), claims in each verdict."""

    sources: dict[str, int] = {}
    claims: dict[str, int] = {}


class ReportModel(_Model):
    """The whole report: what every format renders, and what the JSON format is."""

    tool: ToolModel = ToolModel()
    run: RunModel
    document: DocumentModel | None = None
    sources: list[SourceModel] = []
    claims: list[ClaimModel] = []
    summary: SummaryModel = SummaryModel()

    # -- what renderers ask of it ------------------------------------------------------

    def source(self, source_id: str) -> SourceModel | None:
        """The source with this id, if the report has it."""
        return next((s for s in self.sources if s.id == source_id), None)

    def outcome(self) -> Outcome:
        """The facts findings are decided on (``result.findings``), as the run had them."""
        return Outcome(
            network=self.run.network,
            sources=tuple((s.id, s.status, s.accepted) for s in self.sources),
            claims=tuple(
                (c.id, c.verdict, tuple(e.verdict for e in c.evidence)) for c in self.claims
            ),
            changed=tuple(  # from the evidence: a report kept before `changed` has it too
                dict.fromkeys(e.source for c in self.claims for e in c.evidence if e.drift)
            ),
            unreadable=tuple((s.id, s.problem) for s in self.sources if s.problem),
        )

    def evidence_on(self, source_id: str) -> list[tuple[ClaimModel, EvidenceModel]]:
        """Every piece of evidence on this source, with its claim."""
        return [(c, e) for c in self.claims for e in c.evidence if e.source == source_id]

    def changes(self, source_id: str) -> list[tuple[ClaimModel, EvidenceModel]]:
        """The evidence on this source whose quoted words the source no longer has."""
        return [(c, e) for c, e in self.evidence_on(source_id) if e.drift]

    def claim_tally(self) -> dict[ClaimVerdict, int]:
        """Claims in each verdict, every verdict listed, best first."""
        counts = Counter(c.verdict for c in self.claims)
        return {v: counts[v] for v in ClaimVerdict}

    def source_tally(self) -> dict[str, int]:
        """Sources by what a reader cares about: ``ok`` (answered, perhaps after redirects),
        ``rotted``, ``blocked`` (refused: not proof of rot), ``other`` (an HTTP code the
        user accepted), ``local`` (a local file), ``unreadable`` (a local file that cannot be
        read), ``no_copy`` (nothing public to check), ``unreached`` (the network was down:
        nothing is known of the source)."""
        kinds = ("ok", "rotted", "blocked", "other", "local", "unreadable", "no_copy", "unreached")
        tally = dict.fromkeys(kinds, 0)
        offline = self.run.network is Network.OFFLINE
        for s in self.sources:
            if s.status is None:
                tally["unreadable" if s.problem else "local" if s.file else "no_copy"] += 1
            elif offline and not s.status.alive:
                tally["unreached"] += 1
            elif s.status.alive:
                tally["ok"] += 1
            elif s.accepted:
                tally["other"] += 1
            elif s.status.rotted:
                tally["rotted"] += 1
            else:
                tally["blocked"] += 1
        return tally

    def attention(self) -> list[SourceModel]:
        """The sources a reader should look at, in the order of the sources file."""
        return [s for s in self.sources if s.needs_attention]


#: The JSON Schema of the JSON report, shipped in the package (generated from the model).
SCHEMA_FILE = "schema/report.schema.json"
SCHEMA_ID = "https://github.com/citeaudit/citeaudit/blob/main/cli/citeaudit/report/" + SCHEMA_FILE


def json_schema() -> dict[str, Any]:
    """The JSON Schema (2020-12) of the JSON report, generated from :class:`ReportModel`."""
    schema = ReportModel.model_json_schema(mode="serialization")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "citeaudit report",
        **{key: value for key, value in schema.items() if key != "title"},
    }


def schema_text() -> str:
    """The schema as the shipped file holds it: indented JSON ending in a newline."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


def shipped_schema() -> dict[str, Any]:
    """The schema file shipped in the package."""
    text = resources.files("citeaudit.report").joinpath(SCHEMA_FILE).read_text("utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


__all__ = [
    "ArchivedCopyModel",
    "CaptureModel",
    "ClaimModel",
    "DifferenceModel",
    "DocumentModel",
    "DriftModel",
    "EvidenceModel",
    "FragmentModel",
    "RedirectModel",
    "ReportModel",
    "RunModel",
    "SegmentModel",
    "SnapshotModel",
    "SourceModel",
    "SuggestionModel",
    "SummaryModel",
    "ToolModel",
    "json_schema",
    "shipped_schema",
]
