"""Where a check may go, and what it keeps of a URL's credentials, against servers on
loopback addresses standing for the three kinds: 127.0.0.1 public, 127.0.0.2 private,
127.0.0.3 link-local (``loopbacks.pretend``, injected as the run's classifier; any other
address counts as link-local, so nothing here can reach beyond 127.0.0.0/8)."""

from __future__ import annotations

import base64
import pickle
from dataclasses import replace

import pytest

import fetching
from citeaudit.fetch import Failure, Hop
from citeaudit.net import REDACTED
from citeaudit.vocab import LinkStatus
from fetching import fetch, fetch_one
from loopbacks import (
    LINK_LOCAL_IP,
    PRIVATE_IP,
    PUBLIC_IP,
    LoopbackServer,
    page,
    page_answer,
    pretend,
    redirect,
    resolver,
    response,
    serve,
)
from servers import request_target

isolated_network = fetching.isolated_network

POLICY = {"address_classifier": pretend}


def test_a_redirect_from_a_public_address_to_a_private_one_is_refused() -> None:
    with LoopbackServer(PRIVATE_IP, page()) as private:
        with LoopbackServer(PUBLIC_IP, redirect(private.url("/admin"))) as public:
            result = fetch_one(public.url("/page"), **POLICY)
        assert private.accepted() == 0

    assert result.status is LinkStatus.BLOCKED
    assert result.failure is Failure.ADDRESS
    assert result.reason == (
        f"redirected from a public address to a private one ({PRIVATE_IP}): not followed"
    )
    assert result.redirects == (Hop(public.url("/page"), 302),)
    assert [e.url for e in result.exchanges] == [public.url("/page")]  # the redirect alone
    assert result.content == b"" and result.attempts == 1  # never retried


def test_a_redirect_to_a_link_local_address_is_refused() -> None:
    with LoopbackServer(LINK_LOCAL_IP, page()) as metadata:
        with LoopbackServer(PUBLIC_IP, redirect(metadata.url("/latest/"))) as public:
            result = fetch_one(public.url("/"), **POLICY)
        assert metadata.accepted() == 0
    assert (result.status, result.failure) == (LinkStatus.BLOCKED, Failure.ADDRESS)
    assert result.reason == f"redirected to a link-local address ({LINK_LOCAL_IP}): not followed"


def test_a_link_local_address_is_refused_even_when_the_user_wrote_it() -> None:
    with LoopbackServer(LINK_LOCAL_IP, page()) as metadata:
        result = fetch_one(metadata.url("/latest/"), **POLICY)
        assert metadata.accepted() == 0
    assert (result.status, result.failure) == (LinkStatus.BLOCKED, Failure.ADDRESS)
    assert result.reason.startswith(f"{LINK_LOCAL_IP} is a link-local address")
    assert result.exchanges == ()


def test_a_private_url_the_user_wrote_is_fetched_with_a_note() -> None:
    with LoopbackServer(PRIVATE_IP, page()) as private, LoopbackServer(PUBLIC_IP, page()) as public:
        results = fetch([private.url("/intranet"), public.url("/")], **POLICY)
    result = results[private.url("/intranet")]
    assert result.status is LinkStatus.OK
    assert result.extra["address"] == (
        f"{PRIVATE_IP} is a private or loopback address: it is fetched, as you wrote it"
    )
    assert "address" not in results[public.url("/")].extra


def test_a_redirect_may_stay_in_the_private_network_the_user_pointed_at() -> None:
    with LoopbackServer(PRIVATE_IP, page()) as target:
        with LoopbackServer(PRIVATE_IP, redirect(target.url("/b"))) as start:
            result = fetch_one(start.url("/a"), **POLICY)
    assert result.status is LinkStatus.REDIRECTED
    assert result.final_url == target.url("/b")


def test_a_public_address_on_the_way_closes_the_private_network_again() -> None:
    with LoopbackServer(PRIVATE_IP, page()) as inside:
        with LoopbackServer(PUBLIC_IP, redirect(inside.url("/secret"))) as outside:
            with LoopbackServer(PRIVATE_IP, redirect(outside.url("/out"))) as start:
                result = fetch_one(start.url("/"), **POLICY)
        assert inside.accepted() == 0
    assert result.failure is Failure.ADDRESS
    assert len(result.redirects) == 2


def test_a_name_that_resolves_elsewhere_on_the_next_look_up_is_refused() -> None:
    """DNS rebinding: the name is public when the chain starts, and private when the
    redirect to it (on a new connection) looks it up again."""
    with LoopbackServer(PUBLIC_IP, page()) as public:
        with LoopbackServer(PRIVATE_IP, page(), port=public.port) as private:
            # The redirect names the server's own port, known once it listens.
            public.handler = redirect(f"http://rebind.test:{public.port}/next")
            resolve = resolver({"rebind.test": [[PUBLIC_IP], [PRIVATE_IP]]})
            result = fetch_one(f"http://rebind.test:{public.port}/", resolver=resolve, **POLICY)
            assert private.accepted() == 0
    assert result.failure is Failure.ADDRESS
    assert PRIVATE_IP in result.reason
    assert [request_target(r) for r in public.requests] == [b"/"]


@pytest.mark.parametrize("answer", ["kept", "in_flight"])
def test_an_answer_shared_between_chains_is_not_handed_to_a_refused_one(answer: str) -> None:
    """The user's private URL is fetched once; a public page redirecting to it is refused,
    whether the private answer is in when the redirect comes (kept for later chains) or
    still on its way (the redirected chain would wait for it)."""
    slow = {"kept": (0.0, 0.3), "in_flight": (0.3, 0.0)}[answer]
    with LoopbackServer(PRIVATE_IP, serve(page_answer(), delay=slow[0])) as private:
        target = private.url("/shared")
        redirecting = serve(response("302 Found", {"Location": target}), delay=slow[1])
        with LoopbackServer(PUBLIC_IP, redirecting) as public:
            results = fetch([target, public.url("/to-private")], **POLICY)
    assert results[target].status is LinkStatus.OK
    assert results[public.url("/to-private")].failure is Failure.ADDRESS
    assert len(private.requests) == 1


def test_credentials_are_sent_but_kept_nowhere_in_the_result() -> None:
    secret = "S3cretPW"
    token = base64.b64encode(f"alice:{secret}".encode()).decode()
    answers = {"/page": response("302 Found", {"Location": "/next"}), "/next": page_answer()}
    with LoopbackServer(PUBLIC_IP, serve(answers)) as server:
        url = f"http://alice:{secret}@{PUBLIC_IP}:{server.port}/page"
        result = fetch_one(url, **POLICY)
    # Sent on every hop to the same origin (a relative redirect keeps them, as browsers do).
    assert [f"Authorization: Basic {token}".encode() in r for r in server.requests] == [True] * 2
    assert result.status is LinkStatus.REDIRECTED
    shown = f"http://{PUBLIC_IP}:{server.port}"
    assert result.final_url == f"{shown}/next"
    assert result.redirects == (Hop(f"{shown}/page", 302),)
    assert [e.url for e in result.exchanges] == [f"{shown}/page", f"{shown}/next"]
    for exchange in result.exchanges:
        assert ("Authorization", f"Basic {REDACTED}") in exchange.request_headers
    kept = pickle.dumps(replace(result, url=""))  # the URL as given is the caller's key
    assert secret.encode() not in kept and token.encode() not in kept
