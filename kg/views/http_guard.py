"""What ``kg serve`` checks before a request reaches a query: who it is addressed to (the
Host header) and how its body is framed and how large it is.

The standard library's ``BaseHTTPRequestHandler`` reads neither a body nor its framing:
``int(Content-Length)`` trusts the client, a chunked body is left unread, and nothing
caps either. No standard-library piece decodes a chunked *request* (``http.client`` does
it for responses only), so the small decoder below is ours, with a cap on every line,
every chunk and the total.

Host checking is the defence against DNS rebinding: a web page on ``evil.example`` whose
name is re-pointed at 127.0.0.1 can make a browser send requests to a local endpoint, but
the browser still sends ``Host: evil.example``. A loopback endpoint therefore answers only
Host names that mean this machine (``localhost``, ``127.0.0.1``, ``::1``, the bound
address) plus the names given with ``--allowed-host``.
"""

from __future__ import annotations

import ipaddress
import re
import sys
from collections.abc import Iterable
from http.server import ThreadingHTTPServer
from typing import BinaryIO

MAX_BODY = 1_000_000  # bytes of a request body (a query or a form), whatever the framing
MAX_CHUNK_LINE = 1024  # a chunk-size line with its extensions
MAX_TRAILERS = 32
READ_TIMEOUT = 30.0  # seconds a client may stall while sending its request
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
_DIGITS = re.compile(r"[0-9]{1,15}")
_HEX = re.compile(rb"[0-9A-Fa-f]{1,15}")


class BodyError(Exception):
    """A request body the endpoint refuses; ``status`` is the HTTP answer (400, 411, 413,
    501), or 0 when the client went away and there is no one to answer."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def is_loopback(address: str) -> bool:
    """Whether a bound socket's address (``server_address[0]``: always numeric, never a name
    or bracketed) is a loopback one."""
    return ipaddress.ip_address(address).is_loopback


def allowed_hosts(bind_host: str, extra: Iterable[str] = ()) -> frozenset[str]:
    """Host names the endpoint answers: this machine's loopback names, the bound address
    unless it is a wildcard, and ``extra`` (``*`` in ``extra`` means any)."""
    names = set(LOOPBACK_NAMES)
    bound = bind_host.strip("[]").lower()
    if bound and bound not in ("0.0.0.0", "::"):
        names.add(bound)
    names.update(normal_host(e) for e in extra if e.strip())
    return frozenset(names)


def normal_host(value: str) -> str:
    """``Host`` header value -> lower-case name without port, brackets or trailing dot."""
    text = value.strip().lower()
    if text.startswith("["):  # [::1]:8890
        return text[1:text.find("]")] if "]" in text else text
    if text.count(":") == 1:
        text = text.partition(":")[0]
    return text.rstrip(".")


def host_allowed(header: str | None, allowed: frozenset[str]) -> bool:
    """A request without Host (HTTP/1.0, no browser sends one) is not a rebinding attempt."""
    if header is None:
        return True
    return "*" in allowed or normal_host(header) in allowed


def read_body(headers, rfile: BinaryIO, limit: int = MAX_BODY) -> bytes:
    """The request body, framed by Content-Length or chunked transfer coding, at most
    ``limit`` bytes; BodyError for anything else."""
    encodings = headers.get_all("Transfer-Encoding") or []
    lengths = headers.get_all("Content-Length") or []
    if encodings:
        if lengths:  # which one frames the body? a smuggling trick; refuse both
            raise BodyError(400, "give Content-Length or Transfer-Encoding, not both")
        codings = [c.strip().lower() for c in ",".join(encodings).split(",") if c.strip()]
        if codings != ["chunked"]:
            raise BodyError(501, f"unsupported transfer coding {', '.join(codings)!r}; "
                                 "send the body with Content-Length or chunked")
        return _read_chunked(rfile, limit)
    if not lengths:
        return b""
    values = {v.strip() for v in lengths}
    if len(values) != 1:
        raise BodyError(400, "conflicting Content-Length headers")
    value = values.pop()
    if not _DIGITS.fullmatch(value):
        if re.fullmatch(r"[0-9]+", value):
            raise BodyError(413, f"request body too large (limit {limit:,} bytes)")
        raise BodyError(400, f"Content-Length must be a number of bytes, not {value[:40]!r}")
    length = int(value)
    if length > limit:
        raise BodyError(413, f"request body too large ({length:,} bytes; limit {limit:,})")
    return _read_exactly(rfile, length)


def _read_exactly(rfile: BinaryIO, size: int) -> bytes:
    data = rfile.read(size)
    if len(data) < size:
        raise BodyError(0, "the client closed the connection mid-body")
    return data


def _read_line(rfile: BinaryIO) -> bytes:
    line = rfile.readline(MAX_CHUNK_LINE + 1)
    if not line:
        raise BodyError(0, "the client closed the connection mid-body")
    if len(line) > MAX_CHUNK_LINE or not line.endswith(b"\n"):
        raise BodyError(400, "malformed chunked body: a line too long or not ended")
    return line


def _read_chunked(rfile: BinaryIO, limit: int) -> bytes:
    parts: list[bytes] = []
    total = 0
    while True:
        size_text = _read_line(rfile).partition(b";")[0].strip()
        if not _HEX.fullmatch(size_text):
            raise BodyError(400, "malformed chunked body: a chunk size is not hexadecimal")
        size = int(size_text, 16)
        if size == 0:
            break
        total += size
        if total > limit:  # refused before the chunk is read
            raise BodyError(413, f"request body too large (over {limit:,} bytes)")
        parts.append(_read_exactly(rfile, size))
        if _read_exactly(rfile, 2) != b"\r\n":
            raise BodyError(400, "malformed chunked body: a chunk does not end with CRLF")
    for _ in range(MAX_TRAILERS):
        if _read_line(rfile) in (b"\r\n", b"\n"):
            return b"".join(parts)
    raise BodyError(400, "malformed chunked body: too many trailer lines")


class QuietHTTPServer(ThreadingHTTPServer):
    """A client that disconnects or stalls is normal traffic, not a crash: nothing is
    logged for it. Any other failure of one request is one line on stderr, never the
    traceback ``socketserver`` prints by default."""

    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)):
            return
        print(f"kg serve: a request from {client_address[0]} failed: "
              f"{type(exc).__name__}: {exc}", file=sys.stderr)
