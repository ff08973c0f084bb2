"""The run's TLS settings (``--insecure``, ``--ca-bundle``, ``SSL_CERT_FILE`` and
``SSL_CERT_DIR``), against an HTTPS server on 127.0.0.1 with trustme certificates."""

from __future__ import annotations

import ssl
from pathlib import Path

import pytest
import trustme
from pytest_httpserver import HTTPServer

import fetching
from citeaudit.errors import UsageError
from citeaudit.fetch import FetchOptions
from citeaudit.net import check_ca_variables, proxied, tls_context
from citeaudit.vocab import LinkStatus
from fetching import fetch_one

# The shared fixtures these tests use by name (an autouse one keeps the machine's proxy
# and CA settings out).
isolated_network = fetching.isolated_network
ca = fetching.ca
https_server = fetching.https_server


# --------------------------------------------------------------------------- CAs


def test_trusted_ca_via_option(https_server: HTTPServer, ca: trustme.CA) -> None:
    with ca.cert_pem.tempfile() as bundle:
        result = fetch_one(https_server.url_for("/"), ca_bundle=bundle)

    assert result.status is LinkStatus.OK
    assert result.content == b"secure"


def test_trusted_ca_via_ssl_cert_file(
    https_server: HTTPServer, ca: trustme.CA, monkeypatch: pytest.MonkeyPatch
) -> None:
    with ca.cert_pem.tempfile() as bundle:
        monkeypatch.setenv("SSL_CERT_FILE", bundle)
        result = fetch_one(https_server.url_for("/"))

    assert result.status is LinkStatus.OK


def test_missing_ca_bundle_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="CA certificates"):
        fetch_one("https://nonexistent.invalid/", ca_bundle="/nonexistent/ca.pem")


@pytest.mark.parametrize("variable", ["SSL_CERT_FILE", "SSL_CERT_DIR"])
def test_a_ca_path_from_the_environment_that_names_nothing_stops_the_run_at_once(
    variable: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The CAs are loaded when the first HTTPS connection needs them, but a wrong path is
    found before any request, even on a run with no HTTPS URL."""
    monkeypatch.setenv(variable, "/nonexistent/ca")
    with pytest.raises(UsageError, match=f"{variable} names /nonexistent/ca"):
        fetch_one("http://127.0.0.1:9/")


# --------------------------------------------------------------------------- insecure


def test_insecure_skips_verification(https_server: HTTPServer) -> None:
    assert fetch_one(https_server.url_for("/"), insecure=True).status is LinkStatus.OK


def test_insecure_is_recorded_on_the_result(https_server: HTTPServer) -> None:
    secure = fetch_one(https_server.url_for("/"))
    insecure = fetch_one(https_server.url_for("/"), insecure=True)

    assert (secure.status, secure.insecure) == (LinkStatus.TLS_ERROR, False)
    assert (insecure.status, insecure.insecure) == (LinkStatus.OK, True)


# --------------------------------------------------------------------------- context, proxies


def test_one_context_verifies_or_not_as_the_options_say(ca: trustme.CA) -> None:
    with ca.cert_pem.tempfile() as bundle:
        trusting = tls_context(FetchOptions(ca_bundle=bundle))
    lax = tls_context(FetchOptions(insecure=True, ca_bundle="/nonexistent/ignored.pem"))

    assert trusting.verify_mode is ssl.CERT_REQUIRED and trusting.check_hostname
    assert len(trusting.get_ca_certs()) == 1  # the bundle's CA, and only it
    assert lax.verify_mode is ssl.CERT_NONE and not lax.check_hostname


def test_a_ca_variable_naming_nothing_is_found_before_any_request(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    check_ca_variables()  # nothing set: nothing to say
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path))
    check_ca_variables()  # a directory that exists
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "missing.pem"))
    with pytest.raises(UsageError) as caught:
        check_ca_variables()

    assert caught.value.hint == "check --ca-bundle, SSL_CERT_FILE and SSL_CERT_DIR"


def test_a_proxy_is_seen_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert not proxied()
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    assert proxied()
