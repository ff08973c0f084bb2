"""TLS and proxy settings of a run, as the environment and the options give them.

One TLS context serves every client of a run (the link checker, the web-archive client),
so ``--insecure``, ``--ca-bundle`` and ``SSL_CERT_FILE`` mean the same everywhere, and a CA
path that names nothing stops the run before any request rather than failing each one.
"""

from __future__ import annotations

import os
import ssl
import urllib.request

import httpx

from citeaudit.errors import UsageError
from citeaudit.net.requests import ClientSettings

_CA_HINT = "check --ca-bundle, SSL_CERT_FILE and SSL_CERT_DIR"


def proxied() -> bool:
    """Whether the environment names an HTTP(S) proxy, as httpx reads it."""
    found = urllib.request.getproxies()
    return any(found.get(scheme) for scheme in ("http", "https", "all"))


def check_ca_variables() -> None:
    """Stop at once when SSL_CERT_FILE or SSL_CERT_DIR names nothing (cheap: the CAs
    themselves are loaded when the first HTTPS connection needs them)."""
    for name, exists in (("SSL_CERT_FILE", os.path.isfile), ("SSL_CERT_DIR", os.path.isdir)):
        path = os.environ.get(name)
        if path and not exists(path):
            raise UsageError(
                f"cannot load the CA certificates: {name} names {path}, which does not exist",
                hint=_CA_HINT,
            )


def tls_context(settings: ClientSettings) -> ssl.SSLContext:
    """The TLS settings of a run (``--insecure``, ``--ca-bundle``, ``SSL_CERT_FILE``), shared
    by every client that talks for it; a CA file that cannot be read is the user's to fix."""
    verify: ssl.SSLContext | bool = not settings.insecure
    try:
        if settings.ca_bundle and not settings.insecure:
            verify = ssl.create_default_context(cafile=settings.ca_bundle)
        return httpx.create_ssl_context(verify=verify, trust_env=True)
    except (OSError, ssl.SSLError) as exc:
        raise UsageError(f"cannot load the CA certificates: {exc}", hint=_CA_HINT) from exc
