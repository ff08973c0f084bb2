"""Connections under the address rule, against servers on loopback addresses standing for
public (127.0.0.1), private (127.0.0.2) and link-local (127.0.0.3) ones: a refused address is
never connected to (its server accepts nothing), a name is looked up once and only its
allowed addresses are tried, and a name that changes its answer is judged on each."""

from __future__ import annotations

import asyncio
import socket

import pytest

from citeaudit.net import AddressRefused, AddressRule
from citeaudit.net.connect import allowed_addresses, open_connection
from loopbacks import (
    LINK_LOCAL_IP,
    PRIVATE_IP,
    PUBLIC_IP,
    LoopbackServer,
    page,
    pretend,
    resolver,
)

FIRST = AddressRule(pretend)  # the URL the user wrote
AFTER_PUBLIC = FIRST.after(PUBLIC_IP)  # a redirect from a public address


async def _connect(host: str, port: int, rule: AddressRule, **kwargs: object) -> str:
    transport, _, address = await open_connection(
        asyncio.Protocol,
        host,
        port,
        rule,
        **kwargs,  # type: ignore[arg-type]
    )
    transport.close()
    return address


def connect(host: str, port: int, rule: AddressRule, **kwargs: object) -> str:
    return asyncio.run(_connect(host, port, rule, **kwargs))


def test_a_link_local_address_is_refused_before_any_connection() -> None:
    with LoopbackServer(LINK_LOCAL_IP, page()) as server:
        with pytest.raises(AddressRefused) as refused:
            connect(LINK_LOCAL_IP, server.port, FIRST)
        assert server.accepted() == 0
    assert refused.value.address == LINK_LOCAL_IP
    assert "link-local" in refused.value.reason


def test_a_private_address_is_refused_after_a_public_one_before_any_connection() -> None:
    with LoopbackServer(PRIVATE_IP, page()) as server:
        with pytest.raises(AddressRefused) as refused:
            connect(PRIVATE_IP, server.port, AFTER_PUBLIC)
        assert server.accepted() == 0
        assert str(refused.value) == (
            f"redirected from a public address to a private one ({PRIVATE_IP}): not followed"
        )
        # The user's own URL may go there.
        assert connect(PRIVATE_IP, server.port, FIRST) == PRIVATE_IP
        assert connect(PRIVATE_IP, server.port, FIRST.after(PRIVATE_IP)) == PRIVATE_IP


def test_a_name_is_checked_on_what_it_resolves_to() -> None:
    resolve = resolver({"metadata.test": [[LINK_LOCAL_IP]]})
    with LoopbackServer(LINK_LOCAL_IP, page()) as server:
        with pytest.raises(AddressRefused):
            connect("metadata.test", server.port, FIRST, resolve=resolve)
        assert server.accepted() == 0


def test_only_the_allowed_addresses_of_a_name_are_connected_to() -> None:
    with LoopbackServer(PRIVATE_IP, page()) as private:
        with LoopbackServer(PUBLIC_IP, page(), port=private.port) as public:
            resolve = resolver({"both.test": [[PRIVATE_IP, PUBLIC_IP]]})
            address = connect("both.test", private.port, AFTER_PUBLIC, resolve=resolve)
            assert address == PUBLIC_IP
            assert public.accepted() == 1
        assert private.accepted() == 0


def test_a_name_that_changes_its_answer_is_judged_on_each_look_up() -> None:
    """DNS rebinding: public on the first look-up, private on the next; the check is on
    the look-up whose address is connected to, so the second is refused."""
    with LoopbackServer(PRIVATE_IP, page()) as private:
        with LoopbackServer(PUBLIC_IP, page(), port=private.port) as public:
            resolve = resolver({"rebind.test": [[PUBLIC_IP], [PRIVATE_IP]]})
            assert connect("rebind.test", public.port, AFTER_PUBLIC, resolve=resolve) == PUBLIC_IP
            with pytest.raises(AddressRefused):
                connect("rebind.test", public.port, AFTER_PUBLIC, resolve=resolve)
        assert private.accepted() == 0
    assert resolve.asked == {"rebind.test": 2}  # type: ignore[attr-defined]


def test_the_next_address_is_tried_when_one_refuses_the_connection() -> None:
    with LoopbackServer(PUBLIC_IP, page()) as public:
        resolve = resolver({"two.test": [[PRIVATE_IP, PUBLIC_IP]]})  # nothing on .2
        assert connect("two.test", public.port, FIRST, resolve=resolve) == PUBLIC_IP


def test_a_name_that_does_not_resolve_is_a_dns_error() -> None:
    with pytest.raises(socket.gaierror):
        asyncio.run(allowed_addresses("nowhere.test", 80, FIRST, resolver({})))
