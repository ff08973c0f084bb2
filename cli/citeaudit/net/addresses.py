"""Which addresses a fetch may connect to: the one address policy of every client.

A public page must not make the user fetch their own network. So every address a
connection is about to be made to (after the name is resolved, before the connect) is
classified as public, private (loopback, RFC 1918, unique local, shared address space and
every other range that is not globally reachable) or link-local (the local link, and the
cloud metadata services, which are the usual prize), and the rule of the hop decides:

* link-local: never, whoever wrote the URL;
* private: when the user wrote the URL (it is theirs to fetch), or when the answer that
  redirected here came from a private address too; never on a redirect from a public one.
* public: always.

The classifier is a plain callable so tests can say which loopback address counts as
what, and send traffic nowhere else. No HTTP client is imported here.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Awaitable, Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class AddressKind(StrEnum):
    """Where an address is, as far as what may be fetched is concerned."""

    PUBLIC = "public"
    PRIVATE = "private"
    LINK_LOCAL = "link-local"


#: An address to its kind; :func:`classify_address` unless a test injects its own.
Classifier = Callable[[IPAddress], AddressKind]
#: A host name and port to the addresses it resolves to (as text), in the order to try.
Resolver = Callable[[str, int], Awaitable[Sequence[str]]]

# Cloud metadata services outside 169.254/16 (which is link-local anyway): AWS and GCP
# over IPv6, Alibaba Cloud, Azure's platform address. As dangerous as link-local.
_METADATA = frozenset(
    ipaddress.ip_address(a)
    for a in ("fd00:ec2::254", "fd20:ce::254", "100.100.100.200", "168.63.129.16")
)
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def classify_address(address: IPAddress) -> AddressKind:
    """The real classification, from the ranges Python's ipaddress knows; an IPv4 address
    written as IPv6 (mapped, or NAT64) is classified as the IPv4 address it stands for."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped
        if embedded is None and address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            address = embedded
    if address.is_link_local or address in _METADATA:
        return AddressKind.LINK_LOCAL
    if not address.is_global or address.is_multicast or address.is_private:
        return AddressKind.PRIVATE
    return AddressKind.PUBLIC


def parse_address(text: str) -> IPAddress | None:
    """An IP address written as text (an IPv6 scope, ``%eth0``, allowed); None if it is a
    name."""
    try:
        return ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        return None


@dataclass(frozen=True)
class AddressRule:
    """What one request may connect to. ``came_from`` is the kind of the address whose
    answer redirected here; None for the URL the user wrote."""

    classify: Classifier = classify_address
    came_from: AddressKind | None = None

    def kind(self, address: str) -> AddressKind:
        parsed = parse_address(address)
        # Not an address at all: nothing to connect to, so never waved through.
        return AddressKind.LINK_LOCAL if parsed is None else self.classify(parsed)

    def refusal(self, address: str) -> str | None:
        """Why ``address`` may not be connected to for this request, in words; None if it
        may."""
        kind = self.kind(address)
        if kind is AddressKind.LINK_LOCAL:
            if self.came_from is None:
                return (
                    f"{address} is a link-local address (the local network link, or a "
                    "cloud's metadata service): never fetched"
                )
            return f"redirected to a link-local address ({address}): not followed"
        if kind is AddressKind.PRIVATE and self.came_from is AddressKind.PUBLIC:
            return f"redirected from a public address to a private one ({address}): not followed"
        return None

    def after(self, address: str | None) -> AddressRule:
        """The rule of a hop that an answer from ``address`` redirected to. An unknown
        address (behind a proxy that alone could resolve the name) counts as public."""
        came_from = AddressKind.PUBLIC if address is None else self.kind(address)
        return AddressRule(self.classify, came_from)


# The rule of the request being sent in this task, for connection layers that cannot be
# handed it (httpx's): set around each request by the one who sends it.
CURRENT_RULE: ContextVar[AddressRule | None] = ContextVar("citeaudit_address_rule", default=None)


def _host(url: str) -> str | None:
    try:
        return urlsplit(url).hostname
    except ValueError:
        return None


def written_address_note(url: str, classify: Classifier = classify_address) -> str | None:
    """What ``validate`` says of a URL the user wrote whose host is a private, loopback or
    link-local address (a literal IP, or ``localhost``), without looking any name up."""
    host = _host(url)
    if host is None:
        return None
    if host == "localhost" or host.endswith(".localhost"):
        return f"{host} is this machine: it is fetched, as you wrote it"
    address = parse_address(host)
    if address is None:
        return None
    return address_note(url, str(address), classify)


def address_note(url: str, address: str, classify: Classifier = classify_address) -> str | None:
    """What ``check`` says of a URL the user wrote that was reached at ``address``, when
    that is not a public address."""
    parsed = parse_address(address)
    kind = AddressKind.LINK_LOCAL if parsed is None else classify(parsed)
    host = _host(url) or ""
    where = address if host == address or host == str(parsed) else f"{host} ({address})"
    if kind is AddressKind.PRIVATE:
        return f"{where} is a private or loopback address: it is fetched, as you wrote it"
    if kind is AddressKind.LINK_LOCAL:
        return f"{where} is a link-local address: it is never fetched"
    return None
