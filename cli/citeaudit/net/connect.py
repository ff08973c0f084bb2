"""Connections opened only to addresses the hop's rule allows (:mod:`citeaudit.net.addresses`).

A name is resolved once, here, every address it gives is checked, and only those that pass
are connected to: the check is on the very address connected to, so a name that answers
with a public address to one lookup and a private one to the next (DNS rebinding) gains
nothing. When several addresses pass they are raced as asyncio's own ``create_connection``
does (Happy Eyeballs, families interleaved). The link checker's own client and httpx (through
:mod:`citeaudit.net.streams`) both connect through :func:`open_connection`.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
from asyncio import staggered
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

import httpx

from citeaudit.net.addresses import AddressRule, Resolver, parse_address

# Racing the addresses of one name: the next is tried this long after the one before.
HAPPY_EYEBALLS_DELAY = 0.25

P = TypeVar("P", bound=asyncio.BaseProtocol)


class AddressRefused(httpx.ConnectError):
    """No connection was made: every address of the host is one the rule refuses.

    An httpx error like every other failure of a request, so one classifier reads it."""

    def __init__(self, reason: str, address: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.address = address


async def system_resolve(host: str, port: int) -> list[str]:
    """The addresses of ``host`` from the system's resolver, in its order, each once."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


async def addresses_of(host: str, port: int, resolve: Resolver | None = None) -> list[str]:
    """A literal address itself, or the addresses a name resolves to (raises
    ``socket.gaierror`` when it does not)."""
    literal = parse_address(host)
    if literal is not None:
        return [str(literal)]
    return list(await (resolve or system_resolve)(host, port))


async def allowed_addresses(
    host: str, port: int, rule: AddressRule, resolve: Resolver | None = None
) -> list[str]:
    """The addresses of ``host`` the rule lets this request connect to; raises
    :class:`AddressRefused` when there is none (and ``socket.gaierror`` when the name does
    not resolve)."""
    found = await addresses_of(host, port, resolve)
    allowed: list[str] = []
    refusals: list[tuple[str, str]] = []
    for address in found:
        reason = rule.refusal(address)
        if reason is None:
            allowed.append(address)
        else:
            refusals.append((reason, address))
    if not allowed:
        if not refusals:
            raise socket.gaierror(socket.EAI_NONAME, f"no address for {host}")
        raise AddressRefused(*refusals[0])
    return allowed


def _interleaved(addresses: Sequence[str]) -> list[str]:
    """Addresses alternating between families, the first family first (RFC 8305)."""
    v6 = [a for a in addresses if ":" in a]
    v4 = [a for a in addresses if ":" not in a]
    first, second = (v6, v4) if addresses and ":" in addresses[0] else (v4, v6)
    mixed: list[str] = []
    for index in range(max(len(first), len(second))):
        mixed.extend(group[index] for group in (first, second) if index < len(group))
    return mixed


async def _connect_socket(address: str, port: int) -> socket.socket:
    loop = asyncio.get_running_loop()
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setblocking(False)
        await loop.sock_connect(sock, (address, port))
    except BaseException:
        sock.close()
        raise
    return sock


async def _race(addresses: Sequence[str], port: int) -> tuple[socket.socket, str]:
    """A connected socket to the first of ``addresses`` that accepts, and which it was."""
    if len(addresses) == 1:
        return await _connect_socket(addresses[0], port), addresses[0]
    order = _interleaved(addresses)

    def attempt(address: str) -> Callable[[], Awaitable[socket.socket]]:
        return lambda: _connect_socket(address, port)

    sock, index, failures = await staggered.staggered_race(
        [attempt(a) for a in order], HAPPY_EYEBALLS_DELAY
    )
    if sock is None or index is None:
        errors = [e for e in failures if isinstance(e, OSError)]
        if not errors:  # pragma: no cover - only OSErrors are left to the race
            raise OSError("All connection attempts failed")
        if len({e.errno for e in errors}) == 1:
            raise errors[0]
        raise OSError(f"Multiple exceptions: {', '.join(str(e) for e in errors)}")
    return sock, order[index]


async def open_connection(
    factory: Callable[[], P],
    host: str,
    port: int,
    rule: AddressRule,
    *,
    resolve: Resolver | None = None,
    tls: ssl.SSLContext | None = None,
    server_hostname: str | None = None,
) -> tuple[asyncio.Transport, P, str]:
    """Connect to ``host:port`` (TLS with ``tls``) at an address the rule allows; the
    transport, its protocol and the address connected to. Raises :class:`AddressRefused`
    before any connection is attempted when no address may be, and the OS's errors as
    they come."""
    addresses = await allowed_addresses(host, port, rule, resolve)
    sock, address = await _race(addresses, port)
    loop = asyncio.get_running_loop()
    try:
        transport, protocol = await loop.create_connection(
            factory, sock=sock, ssl=tls, server_hostname=server_hostname if tls else None
        )
    except BaseException:
        sock.close()
        raise
    return transport, protocol, address
