"""Link checking: fetch every source URL once and classify what came back.

The data types (:mod:`~citeaudit.fetch.result`, :mod:`~citeaudit.fetch.options`) import no
HTTP client, so a stage that only names them (the store, the archive) loads none; the engine
is loaded by the first name that needs it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from citeaudit._lazy import exports

if TYPE_CHECKING:
    from citeaudit.fetch.anchors import FragmentCheck as FragmentCheck
    from citeaudit.fetch.classify import PERMANENT_CODES as PERMANENT_CODES
    from citeaudit.fetch.classify import REDIRECT_CODES as REDIRECT_CODES
    from citeaudit.fetch.classify import Classification as Classification
    from citeaudit.fetch.classify import classify_error as classify_error
    from citeaudit.fetch.classify import classify_response as classify_response
    from citeaudit.fetch.classify import judge_page as judge_page
    from citeaudit.fetch.classify import status_line as status_line
    from citeaudit.fetch.classify import tls_problem as tls_problem
    from citeaudit.fetch.engine import fetch_all as fetch_all
    from citeaudit.fetch.engine import fetch_all_sync as fetch_all_sync
    from citeaudit.fetch.fetcher import strip_fragment as strip_fragment
    from citeaudit.fetch.fetcher import url_problem as url_problem
    from citeaudit.fetch.network import network_state as network_state
    from citeaudit.fetch.options import MIB as MIB
    from citeaudit.fetch.options import FetchOptions as FetchOptions
    from citeaudit.fetch.options import parse_size as parse_size
    from citeaudit.fetch.options import parse_status_codes as parse_status_codes
    from citeaudit.fetch.result import Exchange as Exchange
    from citeaudit.fetch.result import Failure as Failure
    from citeaudit.fetch.result import FetchResult as FetchResult
    from citeaudit.fetch.result import Headers as Headers
    from citeaudit.fetch.result import Hop as Hop
    from citeaudit.fetch.soft404 import SoftKind as SoftKind
    from citeaudit.fetch.soft404 import is_html as is_html

exports(
    globals(),
    {
        "anchors": ("FragmentCheck",),
        "classify": (
            "PERMANENT_CODES",
            "REDIRECT_CODES",
            "Classification",
            "classify_error",
            "classify_response",
            "judge_page",
            "status_line",
            "tls_problem",
        ),
        "engine": (
            "fetch_all",
            "fetch_all_sync",
        ),
        "fetcher": (
            "strip_fragment",
            "url_problem",
        ),
        "network": ("network_state",),
        "options": (
            "MIB",
            "FetchOptions",
            "parse_size",
            "parse_status_codes",
        ),
        "result": (
            "Exchange",
            "Failure",
            "FetchResult",
            "Headers",
            "Hop",
        ),
        "soft404": (
            "SoftKind",
            "is_html",
        ),
    },
)
