"""The address policy: which addresses are public, private or link-local, what each hop may
connect to, and the notes validate and check give for a URL to a private host."""

from __future__ import annotations

import ipaddress

import pytest

from citeaudit.net import AddressKind, AddressRule, address_note, written_address_note
from citeaudit.net.addresses import classify_address, parse_address
from loopbacks import LINK_LOCAL_IP, PRIVATE_IP, PUBLIC_IP, pretend

PUBLIC, PRIVATE, LINK_LOCAL = AddressKind.PUBLIC, AddressKind.PRIVATE, AddressKind.LINK_LOCAL


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("93.184.216.34", PUBLIC),
        ("2606:2800:220:1:248:1893:25c8:1946", PUBLIC),
        ("127.0.0.1", PRIVATE),
        ("127.255.0.9", PRIVATE),
        ("::1", PRIVATE),
        ("10.0.0.5", PRIVATE),
        ("172.16.0.1", PRIVATE),
        ("172.31.255.254", PRIVATE),
        ("192.168.1.1", PRIVATE),
        ("100.64.0.1", PRIVATE),  # shared address space (CGNAT)
        ("0.0.0.0", PRIVATE),  # connecting to it reaches this machine
        ("fc00::1", PRIVATE),
        ("fd12:3456::1", PRIVATE),
        ("198.18.0.1", PRIVATE),  # benchmarking: not globally reachable
        ("224.0.0.1", PRIVATE),  # multicast: not a server
        ("::ffff:10.0.0.5", PRIVATE),  # IPv4-mapped: judged as the IPv4 address
        ("64:ff9b::a00:5", PRIVATE),  # NAT64 of 10.0.0.5
        ("169.254.169.254", LINK_LOCAL),  # the metadata service of most clouds
        ("169.254.0.1", LINK_LOCAL),
        ("fe80::1", LINK_LOCAL),
        ("fd00:ec2::254", LINK_LOCAL),  # AWS metadata over IPv6
        ("100.100.100.200", LINK_LOCAL),  # Alibaba Cloud metadata
        ("::ffff:169.254.169.254", LINK_LOCAL),
    ],
)
def test_addresses_are_classified(address: str, kind: AddressKind) -> None:
    assert classify_address(ipaddress.ip_address(address)) is kind


def test_parse_address_tells_addresses_from_names() -> None:
    assert parse_address("10.0.0.5") == ipaddress.ip_address("10.0.0.5")
    assert parse_address("[::1]") == ipaddress.ip_address("::1")
    assert parse_address("example.org") is None


def test_the_url_the_user_wrote_may_go_anywhere_but_link_local() -> None:
    rule = AddressRule()
    assert rule.refusal("93.184.216.34") is None
    assert rule.refusal("10.0.0.5") is None
    assert rule.refusal("127.0.0.1") is None
    assert rule.refusal("169.254.169.254") == (
        "169.254.169.254 is a link-local address (the local network link, or a cloud's "
        "metadata service): never fetched"
    )


def test_a_redirect_from_a_public_address_may_not_go_private() -> None:
    rule = AddressRule().after("93.184.216.34")
    assert rule.came_from is PUBLIC
    assert rule.refusal("10.0.0.5") == (
        "redirected from a public address to a private one (10.0.0.5): not followed"
    )
    assert rule.refusal("::1") is not None
    assert rule.refusal("8.8.8.8") is None
    assert rule.refusal("169.254.169.254") == (
        "redirected to a link-local address (169.254.169.254): not followed"
    )


def test_a_redirect_from_a_private_address_may_stay_private() -> None:
    rule = AddressRule().after("10.0.0.5")
    assert rule.came_from is PRIVATE
    assert rule.refusal("10.0.0.6") is None
    assert rule.refusal("8.8.8.8") is None
    assert rule.refusal("169.254.169.254") is not None
    # ...until a public address answers on the way.
    assert rule.after("8.8.8.8").refusal("10.0.0.6") is not None


def test_an_unknown_address_counts_as_public() -> None:
    """Behind a proxy that alone resolves names, where an answer came from is unknown."""
    assert AddressRule().after(None).came_from is PUBLIC


def test_what_is_not_an_address_is_never_connected_to() -> None:
    assert AddressRule().refusal("not-an-address") is not None


def test_the_classifier_is_injectable_so_tests_stay_on_loopback() -> None:
    rule = AddressRule(pretend)
    assert rule.refusal(PUBLIC_IP) is None
    assert rule.refusal(PRIVATE_IP) is None
    assert rule.refusal(LINK_LOCAL_IP) is not None
    assert rule.refusal("93.184.216.34") is not None  # outside the test's world: refused
    after_public = rule.after(PUBLIC_IP)
    assert after_public.refusal(PRIVATE_IP) is not None
    assert after_public.classify is pretend


def test_validate_notes_a_private_host_written_in_the_url() -> None:
    assert written_address_note("http://10.0.0.5/report") == (
        "10.0.0.5 is a private or loopback address: it is fetched, as you wrote it"
    )
    assert written_address_note("http://[::1]:8080/") == (
        "::1 is a private or loopback address: it is fetched, as you wrote it"
    )
    assert written_address_note("http://localhost:8000/") == (
        "localhost is this machine: it is fetched, as you wrote it"
    )
    assert written_address_note("http://169.254.169.254/latest/") == (
        "169.254.169.254 is a link-local address: it is never fetched"
    )
    assert written_address_note("https://example.org/") is None  # no look-up here
    assert written_address_note("https://93.184.216.34/") is None


def test_check_notes_the_address_a_name_was_reached_at() -> None:
    assert address_note("http://intranet.example:8080/a", "10.1.2.3") == (
        "intranet.example (10.1.2.3) is a private or loopback address: it is fetched, as "
        "you wrote it"
    )
    assert address_note("http://alice:pw@10.1.2.3/", "10.1.2.3") == (
        "10.1.2.3 is a private or loopback address: it is fetched, as you wrote it"
    )
    assert address_note("https://example.org/", "93.184.216.34") is None
    assert address_note("http://x.test/", PUBLIC_IP, pretend) is None
    assert address_note("http://x.test/", PRIVATE_IP, pretend) is not None
