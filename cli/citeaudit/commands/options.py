"""The options that several commands share, each defined once, with the parsers that turn
their text into the core's values. Imported by every command at start-up, so it names the
core's option types only (no engine is loaded to print ``--help``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from citeaudit.errors import UsageError
from citeaudit.extract import DEFAULT_MEMORY, ExtractLimits
from citeaudit.fetch import FetchOptions, parse_size, parse_status_codes
from citeaudit.report import Format
from citeaudit.result import FAIL_ON_VALUES, parse_fail_on
from citeaudit.vocab import ArchivedMode

# Options shared by several commands, defined once.
FileArg = Annotated[
    Path,
    typer.Argument(help="The sources file.", show_default=True, metavar="FILE"),
]
FormatOpt = Annotated[
    Format,
    typer.Option(
        "--format",
        "-f",
        help="Report format: " + ", ".join(Format) + ".",
        case_sensitive=False,
    ),
]
OutputOpt = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write the report to this file instead of stdout."),
]
StoreOpt = Annotated[
    Path | None,
    typer.Option("--store", help="Evidence store directory (default: .citeaudit/ beside FILE)."),
]
ConcurrencyOpt = Annotated[
    int, typer.Option("--concurrency", min=1, max=256, help="Requests in flight at once.")
]
PerHostOpt = Annotated[
    int, typer.Option("--per-host", min=1, max=64, help="Requests in flight to one host.")
]
WorkersOpt = Annotated[
    int,
    typer.Option(
        "--workers",
        min=0,
        max=64,
        help="Processes that make the requests: 0 chooses (one per core, up to 4, for 100 "
        "URLs or more, on Linux); 1 keeps everything in one process.",
    ),
]
TimeoutOpt = Annotated[
    float,
    typer.Option("--timeout", min=0.1, help="Seconds allowed for one URL, redirects included."),
]


def _size(value: str | int) -> int:
    try:
        return value if isinstance(value, int) else parse_size(value)
    except UsageError as exc:
        raise typer.BadParameter(exc.message) from None


def _codes(value: str | frozenset[int]) -> frozenset[int]:
    try:
        return value if isinstance(value, frozenset) else parse_status_codes(value)
    except UsageError as exc:
        raise typer.BadParameter(exc.message) from None


HeadOpt = Annotated[
    bool,
    typer.Option(
        "--head",
        help="Ask with HEAD first (faster, no body read); GET when HEAD gets anything but 2xx. "
        "Pages are then not read for soft 404s, except for links with a #fragment.",
    ),
]
AcceptOpt = Annotated[
    frozenset[int],
    typer.Option(
        "--accept",
        parser=_codes,
        metavar="CODES",
        show_default="none",
        help="HTTP codes to count as fine, e.g. 403,429 or 500-599: reported as they are, "
        "but not findings.",
    ),
]
InsecureOpt = Annotated[
    bool,
    typer.Option("--insecure", help="Do not verify TLS certificates (the report says so)."),
]
UserAgentOpt = Annotated[
    str, typer.Option("--user-agent", metavar="TEXT", help="User-Agent header to send.")
]
MaxBytesOpt = Annotated[
    int,
    typer.Option(
        "--max-bytes",
        parser=_size,
        metavar="SIZE",
        show_default=f"{FetchOptions.max_bytes // 2**20}MiB",
        help="Largest body read per URL, e.g. 50MB or 1GiB; longer ones are cut and say so.",
    ),
]
MinIntervalOpt = Annotated[
    float,
    typer.Option(
        "--min-interval",
        min=0.0,
        metavar="SECONDS",
        help="Least time between the starts of two requests to one host.",
    ),
]
RetriesOpt = Annotated[
    int,
    typer.Option("--retries", min=0, max=10, help="Retries after a timeout, reset, 429 or 5xx."),
]
CaBundleOpt = Annotated[
    Path | None,
    typer.Option("--ca-bundle", metavar="PATH", help="Trust the CA certificates in this PEM file."),
]
ExtractMemoryOpt = Annotated[
    int,
    typer.Option(
        "--extract-memory",
        parser=_size,
        metavar="SIZE",
        show_default=f"{DEFAULT_MEMORY // 2**20}MiB",
        help="Memory the process reading one document may use, e.g. 1GiB; a document that "
        "needs more is not searched, and says why.",
    ),
]
ExtractTimeoutOpt = Annotated[
    float,
    typer.Option(
        "--extract-timeout",
        min=1.0,
        metavar="SECONDS",
        help="Time one document may take to read; a document that takes longer is not "
        "searched, and says why.",
    ),
]


def extract_limits(memory: int, timeout: float) -> ExtractLimits:
    """The limits of reading one document; each is read in a process of its own."""
    try:
        return ExtractLimits(memory=memory, timeout=timeout)
    except UsageError as exc:
        raise typer.BadParameter(exc.message) from None


AllowOutsideFilesOpt = Annotated[
    bool,
    typer.Option(
        "--allow-outside-files",
        help="Also read local files outside the folder of the sources file (by default a "
        "sources file can only cite files in its folder and below, so one received from "
        "someone else cannot make citeaudit archive and share your other files). Devices, "
        "pipes, sockets and anything under /proc, /sys or /dev are never read.",
    ),
]


def _fail_on_values(values: list[str] | None) -> list[str] | None:
    """Refuse an unknown --fail-on value before any work is done."""
    try:
        parse_fail_on(values or ())
    except UsageError as exc:
        message = f"{exc.message}; {exc.hint}" if exc.hint else exc.message
        raise typer.BadParameter(message) from None
    return values


FailOnOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--fail-on",
        metavar="WHAT",
        callback=_fail_on_values,
        show_default="default",
        help="What makes the exit code 1 (repeat it, or separate with commas): default "
        "(rotted links, sources changed since cited, quotes found on another page than "
        "cited, claims contradicted, claims unsupported or partly_supported by their quotes; "
        "not claims only judged not_supported on meaning), any, none, rotted, changed, or any "
        "claim verdict, evidence verdict or link status, e.g. unsupported,misquoted,blocked. "
        "Values: " + ", ".join(FAIL_ON_VALUES) + ".",
    ),
]
ReviewerOpt = Annotated[
    str | None,
    typer.Option(
        "--reviewer",
        metavar="NAME",
        envvar="CITEAUDIT_REVIEWER",
        help="Who publishes the check: the author of each ClaimReview (--format claimreview).",
    ),
]
ReviewUrlOpt = Annotated[
    str | None,
    typer.Option(
        "--review-url",
        metavar="URL",
        envvar="CITEAUDIT_REVIEW_URL",
        help="Where the check will be published (the HTML report's address): each "
        "ClaimReview's url is this with #claim-ID (default: #claim-ID alone, the claim in "
        "the HTML report beside it).",
    ),
]
TimegateOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--timegate",
        metavar="URL",
        show_default="CITEAUDIT_TIMEGATE, else https://web.archive.org/web/",
        help="A Memento TimeGate to ask for archived copies near each source's accessed "
        "date; repeat it to ask several, in order.",
    ),
]
ArchivedOpt = Annotated[
    ArchivedMode,
    typer.Option(
        "--archived",
        case_sensitive=False,
        help="Which sources to look up in public web archives: never, missing (those whose "
        "live copy failed) or always (drift is then also sought in the archived copy).",
    ),
]
SaveOpt = Annotated[
    bool,
    typer.Option(
        "--save",
        help="Ask the Wayback Machine's Save Page Now to capture every live source (with "
        "IA_ACCESS_KEY and IA_SECRET_KEY from the environment, else anonymously).",
    ),
]
SaveEndpointOpt = Annotated[
    str | None,
    typer.Option(
        "--save-endpoint",
        metavar="URL",
        show_default="CITEAUDIT_SPN_ENDPOINT, else https://web.archive.org/save",
        help="The Save Page Now endpoint used with --save.",
    ),
]


def archive_options(
    timegate: list[str] | None, archived: ArchivedMode, save: bool, save_endpoint: str | None
) -> dict[str, Any]:
    """AuditOptions' public web archive fields from --timegate, --archived and --save."""
    from citeaudit.webarchive import MementoOptions, SaveOptions

    return {
        "archived": archived,
        "memento": MementoOptions(timegates=tuple(timegate)) if timegate else None,
        "save": SaveOptions.from_env(save_endpoint) if save else None,
    }


DEFAULTS = FetchOptions()


def fetch_options(
    concurrency: int,
    per_host: int,
    timeout: float,
    *,
    retries: int = DEFAULTS.retries,
    min_interval: float = DEFAULTS.min_interval,
    max_bytes: int = DEFAULTS.max_bytes,
    user_agent: str = DEFAULTS.user_agent,
    insecure: bool = False,
    ca_bundle: Path | None = None,
    head: bool = False,
    accept: frozenset[int] = frozenset(),
    workers: int = DEFAULTS.workers,
) -> FetchOptions:
    if insecure:
        from citeaudit.commands.console import err

        err().print("warning: --insecure: TLS certificates are not verified")
    return FetchOptions(
        concurrency=concurrency,
        per_host=per_host,
        timeout=timeout,
        retries=retries,
        min_interval=min_interval,
        max_bytes=max_bytes,
        user_agent=user_agent,
        insecure=insecure,
        ca_bundle=str(ca_bundle) if ca_bundle else None,
        head_first=head,
        accept=accept,
        workers=workers,
    )
