"""The address policy in tests, on loopback addresses alone: 127.0.0.1 stands for a public
address, 127.0.0.2 for a private one and 127.0.0.3 for a link-local one, and every other
address counts as link-local, which the policy always refuses. So a test that goes wrong
still sends nothing beyond 127.0.0.0/8: the classifier it injects refuses it first.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
import time
from collections.abc import Sequence

from citeaudit.net import AddressKind, Resolver
from servers import Handler, RawServer, read_request, request_target

PUBLIC_IP = "127.0.0.1"
PRIVATE_IP = "127.0.0.2"
LINK_LOCAL_IP = "127.0.0.3"

_KINDS = {
    PUBLIC_IP: AddressKind.PUBLIC,
    PRIVATE_IP: AddressKind.PRIVATE,
    LINK_LOCAL_IP: AddressKind.LINK_LOCAL,
}


def pretend(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> AddressKind:
    """The classifier tests inject: three loopback addresses, everything else refused."""
    return _KINDS.get(str(address), AddressKind.LINK_LOCAL)


def resolver(answers: dict[str, list[Sequence[str]]]) -> Resolver:
    """A resolver giving each name its next answer in turn (the last one again once they
    run out), as a DNS server that changes its mind would; ``asked`` counts look-ups."""
    asked: dict[str, int] = {}

    async def resolve(host: str, port: int) -> Sequence[str]:
        count = asked.get(host, 0)
        asked[host] = count + 1
        given = answers.get(host)
        if not given:
            raise socket.gaierror(socket.EAI_NONAME, f"{host} is not a test name")
        return given[min(count, len(given) - 1)]

    resolve.asked = asked  # type: ignore[attr-defined]
    return resolve


class LoopbackServer(RawServer):
    """A :class:`RawServer` on another loopback address: ``connections`` counts every
    connection it accepted, so a test can show none was made."""

    def __init__(
        self, host: str, handler: Handler, context: ssl.SSLContext | None = None, port: int = 0
    ) -> None:
        super().__init__(handler, context)
        self._sock.close()
        self.host = host
        self._sock = socket.create_server((host, port))
        self._sock.settimeout(0.05)
        self.port = self._sock.getsockname()[1]

    def __enter__(self) -> LoopbackServer:
        super().__enter__()
        return self

    def url(self, path: str = "/", scheme: str = "http") -> str:
        return f"{scheme}://{self.host}:{self.port}{path}"

    def accepted(self) -> int:
        """Connections accepted so far, after a pause longer than the accept loop's poll,
        so that a connection made (by mistake) just before is counted too."""
        time.sleep(0.2)
        return self.connections


def response(status: str, headers: dict[str, str] | None = None, body: bytes = b"") -> bytes:
    """A whole HTTP/1.1 answer that closes the connection (so every request opens one)."""
    head = f"HTTP/1.1 {status}\r\nContent-Length: {len(body)}\r\nConnection: close\r\n"
    head += "".join(f"{name}: {value}\r\n" for name, value in (headers or {}).items())
    return head.encode("latin-1") + b"\r\n" + body


def serve(answers: bytes | dict[str, bytes], delay: float = 0.0) -> Handler:
    """Record each request head in ``server.requests`` and send its answer (after ``delay``
    seconds): the one given, or the one for its request target (404 for any other)."""

    def handler(conn: socket.socket, server: RawServer) -> None:
        request = read_request(conn)
        with server._lock:
            server.requests.append(request)
        time.sleep(delay)
        if isinstance(answers, bytes):
            conn.sendall(answers)
        else:
            target = request_target(request).decode("latin-1") if request else ""
            conn.sendall(answers.get(target, response("404 Not Found")))

    return handler


def page_answer(text: str = "<p>a page</p>") -> bytes:
    return response("200 OK", {"Content-Type": "text/html; charset=utf-8"}, text.encode())


def page(text: str = "<p>a page</p>") -> Handler:
    return serve(page_answer(text))


def redirect(location: str, status: str = "302 Found") -> Handler:
    return serve(response(status, {"Location": location}))
