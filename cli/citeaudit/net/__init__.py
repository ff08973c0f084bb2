"""The network layer, below every stage that talks HTTP: exchanges as plain data, the
URL rules and the one host key, Content-Encoding decoding, the run's request and TLS
settings, and the one politeness policy (per-host slots, pacing, back-off, Retry-After,
capped reads) shared by the link checker and the web-archive client, and the one address
policy (which addresses a request may connect to). The link checker's own HTTP client is
:mod:`citeaudit.net.http1`."""

from __future__ import annotations

from typing import TYPE_CHECKING

from citeaudit._lazy import exports

if TYPE_CHECKING:
    from citeaudit.net.addresses import AddressKind as AddressKind
    from citeaudit.net.addresses import AddressRule as AddressRule
    from citeaudit.net.addresses import Classifier as Classifier
    from citeaudit.net.addresses import Resolver as Resolver
    from citeaudit.net.addresses import address_note as address_note
    from citeaudit.net.addresses import classify_address as classify_address
    from citeaudit.net.addresses import written_address_note as written_address_note
    from citeaudit.net.connect import AddressRefused as AddressRefused
    from citeaudit.net.decoding import ACCEPT_ENCODING as ACCEPT_ENCODING
    from citeaudit.net.decoding import BROTLI as BROTLI
    from citeaudit.net.decoding import ContentDecodingError as ContentDecodingError
    from citeaudit.net.decoding import decode_body as decode_body
    from citeaudit.net.decoding import decode_content as decode_content
    from citeaudit.net.exchange import Exchange as Exchange
    from citeaudit.net.exchange import Headers as Headers
    from citeaudit.net.exchange import Hop as Hop
    from citeaudit.net.exchange import Reply as Reply
    from citeaudit.net.exchange import header as header
    from citeaudit.net.exchange import header_value as header_value
    from citeaudit.net.exchange import recorded as recorded
    from citeaudit.net.exchange import text_headers as text_headers
    from citeaudit.net.httpx_client import GuardedClient as GuardedClient
    from citeaudit.net.httpx_client import make_client as make_client
    from citeaudit.net.httpx_client import send as send
    from citeaudit.net.httpx_client import timeouts as timeouts
    from citeaudit.net.linkheader import Link as Link
    from citeaudit.net.linkheader import format_http_date as format_http_date
    from citeaudit.net.linkheader import http_date as http_date
    from citeaudit.net.linkheader import iter_links as iter_links
    from citeaudit.net.linkheader import parse_links as parse_links
    from citeaudit.net.linkheader import with_rel as with_rel
    from citeaudit.net.policy import HostSlots as HostSlots
    from citeaudit.net.policy import PolicySettings as PolicySettings
    from citeaudit.net.policy import RetryPolicy as RetryPolicy
    from citeaudit.net.policy import read_capped as read_capped
    from citeaudit.net.policy import retry_after_seconds as retry_after_seconds
    from citeaudit.net.requests import ACCEPT as ACCEPT
    from citeaudit.net.requests import USER_AGENT as USER_AGENT
    from citeaudit.net.requests import ClientSettings as ClientSettings
    from citeaudit.net.requests import request_headers as request_headers
    from citeaudit.net.tls import check_ca_variables as check_ca_variables
    from citeaudit.net.tls import proxied as proxied
    from citeaudit.net.tls import tls_context as tls_context
    from citeaudit.net.urls import REDACTED as REDACTED
    from citeaudit.net.urls import Target as Target
    from citeaudit.net.urls import host_key as host_key
    from citeaudit.net.urls import host_label as host_label
    from citeaudit.net.urls import host_name as host_name
    from citeaudit.net.urls import plain_url as plain_url
    from citeaudit.net.urls import redacted_headers as redacted_headers
    from citeaudit.net.urls import scrubbed as scrubbed
    from citeaudit.net.urls import shown_url as shown_url
    from citeaudit.net.urls import strip_fragment as strip_fragment
    from citeaudit.net.urls import target as target
    from citeaudit.net.urls import url_problem as url_problem

exports(
    globals(),
    {
        "addresses": (
            "AddressKind",
            "AddressRule",
            "Classifier",
            "Resolver",
            "address_note",
            "classify_address",
            "written_address_note",
        ),
        "connect": ("AddressRefused",),
        "decoding": (
            "ACCEPT_ENCODING",
            "BROTLI",
            "ContentDecodingError",
            "decode_body",
            "decode_content",
        ),
        "exchange": (
            "Exchange",
            "Headers",
            "Hop",
            "Reply",
            "header",
            "header_value",
            "recorded",
            "text_headers",
        ),
        "httpx_client": (
            "GuardedClient",
            "make_client",
            "send",
            "timeouts",
        ),
        "linkheader": (
            "Link",
            "format_http_date",
            "http_date",
            "iter_links",
            "parse_links",
            "with_rel",
        ),
        "policy": (
            "HostSlots",
            "PolicySettings",
            "RetryPolicy",
            "read_capped",
            "retry_after_seconds",
        ),
        "requests": (
            "ACCEPT",
            "USER_AGENT",
            "ClientSettings",
            "request_headers",
        ),
        "tls": (
            "check_ca_variables",
            "proxied",
            "tls_context",
        ),
        "urls": (
            "REDACTED",
            "Target",
            "host_key",
            "host_label",
            "host_name",
            "plain_url",
            "redacted_headers",
            "scrubbed",
            "shown_url",
            "strip_fragment",
            "target",
            "url_problem",
        ),
    },
)
