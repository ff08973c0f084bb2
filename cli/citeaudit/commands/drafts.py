"""``draft``: a document's citations drafted into a sources file; and the document given to
``audit`` or ``check`` instead of a sources file, drafted in memory and audited in one go.
Also the judging options of ``audit`` (meaning on or off, a model judge)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from citeaudit.commands.console import long_lived, read_sources, say
from citeaudit.commands.options import (
    DEFAULTS,
    CaBundleOpt,
    ExtractMemoryOpt,
    ExtractTimeoutOpt,
    InsecureOpt,
    MaxBytesOpt,
    TimeoutOpt,
    UserAgentOpt,
    extract_limits,
    fetch_options,
)
from citeaudit.errors import UsageError
from citeaudit.extract import DEFAULT_MEMORY, DEFAULT_TIMEOUT

if TYPE_CHECKING:
    from citeaudit.catalog import Catalog
    from citeaudit.draft import Draft
    from citeaudit.extract import ExtractLimits
    from citeaudit.fetch import FetchOptions
    from citeaudit.verify import Judging

InputArg = Annotated[
    str,
    typer.Argument(
        help="The sources file; or a document (.txt, .md, .html, .docx, .pdf, or an http(s) "
        "URL) whose citations are drafted into sources in memory and audited in one go "
        "(see `citeaudit draft`).",
        metavar="FILE",
    ),
]


def draft_command(
    document: Annotated[
        str,
        typer.Argument(
            help="The document: a .txt, .md, .html, .docx or .pdf file (recognised by its "
            "content too), or an http(s) URL.",
            metavar="DOCUMENT",
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the sources file here instead of to stdout."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite the --output file if it exists.")
    ] = False,
    timeout: TimeoutOpt = DEFAULTS.timeout,
    max_bytes: MaxBytesOpt = DEFAULTS.max_bytes,
    user_agent: UserAgentOpt = DEFAULTS.user_agent,
    insecure: InsecureOpt = False,
    ca_bundle: CaBundleOpt = None,
    extract_memory: ExtractMemoryOpt = DEFAULT_MEMORY,
    extract_timeout: ExtractTimeoutOpt = DEFAULT_TIMEOUT,
) -> None:
    """Draft a sources file from a document's citations: a source per document its
    references name, a claim per sentence that cites one, with each quote and page. The
    summary on stderr says what needs a person's eye; `citeaudit validate` accepts the file,
    `citeaudit audit` runs it."""
    if output is not None and output.exists() and not force:
        raise UsageError(f"{output} already exists", hint="choose another --output, or add --force")
    fetch = fetch_options(
        4,
        2,
        timeout,
        max_bytes=max_bytes,
        user_agent=user_agent,
        insecure=insecure,
        ca_bundle=ca_bundle,
    )
    draft = _draft(document, fetch, extract_limits(extract_memory, extract_timeout))
    if output is None:
        typer.echo(draft.text, nl=False)
    else:
        output.write_text(draft.text, encoding="utf-8")
    _summary(draft, output)


def _draft(document: str, fetch: FetchOptions, limits: ExtractLimits | None = None) -> Draft:
    """The document drafted: fetched when a URL, read in a process of its own within
    ``limits`` either way."""
    with long_lived():
        from citeaudit.draft import draft_file, draft_url, is_url

        if is_url(document):
            return draft_url(document, fetch, limits)
        return draft_file(Path(document), limits)


def _summary(draft: Draft, output: Path | None) -> None:
    """What was drafted, and every place a person should look at, on stderr."""
    quotes = f"{draft.quotes} quote{'s' if draft.quotes != 1 else ''}"
    cited = [f"{draft.references} reference{'s' if draft.references != 1 else ''}"]
    if draft.links:
        cited.append(f"{draft.links} link{'s' if draft.links != 1 else ''} in the text")
    say(
        f"drafted {draft.sources} source{'s' if draft.sources != 1 else ''} and "
        f"{draft.claims} claim{'s' if draft.claims != 1 else ''} ({quotes}) from "
        + " and ".join(cited)
        + (f" into {output}" if output else "")
    )
    if draft.attention:
        say(f"check by hand ({len(draft.attention)}):")
        for line in draft.attention:
            say(f"  - {line}")
    if output is None:
        say("next: save it (--output FILE), then citeaudit validate FILE and citeaudit audit FILE")
    else:
        say(f"next: citeaudit validate {output}, then citeaudit audit {output}")


def read_input(
    given: str, fetch: FetchOptions, limits: ExtractLimits | None = None
) -> tuple[Catalog, str, Path]:
    """The catalog a run audits, the SHA-256 of what it was read from, and the path the
    run is named by (and its store kept beside): a sources file as it is; a document
    drafted in memory first, saying so on stderr."""
    from citeaudit.draft import is_document, is_url

    if not is_document(given):
        path = Path(given)
        catalog, sha256 = read_sources(path)
        return catalog, sha256, path
    draft = _draft(given, fetch, limits)
    from citeaudit.catalog import parse_catalog

    with long_lived():
        catalog = parse_catalog(draft.text, given)
    say(
        f"note: {given} is a document: drafted {draft.sources} sources and {draft.claims} "
        f"claims from its citations (citeaudit draft {given} writes them out to check)"
    )
    # the run records the hash of the bytes drafted, as it does a sources file's
    return catalog, draft.digest, Path("drafted-sources.yaml" if is_url(given) else given)


MeaningOpt = Annotated[
    bool,
    typer.Option(
        "--meaning/--no-meaning",
        help="Judge each piece of evidence that quotes nothing on its meaning: supported, "
        "contradicted or not_supported by a passage of the cited pages (the passage, a score "
        "and the judge are shown). --no-meaning leaves it link_only, with the likeliest "
        "passage to read.",
    ),
]
ModelOpt = Annotated[
    str | None,
    typer.Option(
        "--model",
        metavar="PATH|NAME",
        envvar="CITEAUDIT_MODEL",
        help="A sentence-embedding model in ONNX to judge beside the built-in judge (a "
        "claim is supported only when both agree): a folder with model.onnx and "
        "tokenizer.json, or a Hugging Face model name, downloaded on first use and cached. "
        "Needs pip install 'citeaudit[models]'.",
    ),
]
NliOpt = Annotated[
    str | None,
    typer.Option(
        "--nli",
        metavar="PATH|NAME",
        envvar="CITEAUDIT_NLI_MODEL",
        help="An NLI cross-encoder in ONNX (entailment, neutral, contradiction), used with "
        "--model: a folder, or a Hugging Face model name.",
    ),
]
OfflineOpt = Annotated[
    bool,
    typer.Option(
        "--offline",
        help="Download no model: --model and --nli must be folders or already cached; "
        "otherwise the built-in judge is used alone (and says so). Links are still checked.",
    ),
]


def judging(meaning: bool, model: str | None, nli: str | None, offline: bool) -> Judging:
    """How evidence that quotes nothing is judged. A model given as a folder that cannot be
    loaded is bad input (exit 2); a hub model that cannot be had (offline, no network) is
    said once, and the built-in judge is used alone."""
    from citeaudit.verify import Judging

    if not meaning:
        return Judging(meaning=False)
    if model is None:
        if nli is not None:
            raise UsageError("--nli is used with --model", hint="add --model PATH|NAME")
        return Judging()
    from citeaudit.errors import ModelError
    from citeaudit.meaning.model import load_scorer

    local = Path(model).exists()
    try:
        with _download_progress() as shown:
            scorer = load_scorer(model, offline=offline, nli=nli, progress=shown)
    except ModelError as exc:
        if local:
            raise
        say(f"note: model {model} not used ({exc.message}); the built-in judge is used alone")
        return Judging()
    return Judging(scorer=scorer)


@contextmanager
def _download_progress() -> Iterator[Callable[[str, int, int], None]]:
    """A callback that shows a progress bar on stderr while a model downloads (made only if
    one does), one task per file."""
    bar: Any = None
    tasks: dict[str, Any] = {}

    def shown(name: str, done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            from rich.progress import DownloadColumn, Progress, TransferSpeedColumn

            from citeaudit.commands.console import err

            bar = Progress(
                *Progress.get_default_columns(),
                DownloadColumn(),
                TransferSpeedColumn(),
                console=err(),
                transient=True,
            )
            bar.start()
        if name not in tasks:
            tasks[name] = bar.add_task(f"downloading {name}", total=total or None)
        bar.update(tasks[name], completed=done, total=total or None)

    try:
        yield shown
    finally:
        if bar is not None:
            bar.stop()
