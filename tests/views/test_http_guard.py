"""kg.views.http_guard as a unit: Host checks and body framing at their limits, each refusal
with its status and message (the endpoint tests in test_serve_security.py go over HTTP)."""

from __future__ import annotations

import io
from email.message import Message
from http.server import BaseHTTPRequestHandler

import pytest

from kg.views import http_guard
from kg.views.http_guard import (
    MAX_BODY,
    BodyError,
    allowed_hosts,
    host_allowed,
    is_loopback,
    normal_host,
    read_body,
)


def _headers(*pairs: tuple[str, str]) -> Message:
    message = Message()
    for name, value in pairs:
        message[name] = value
    return message


def _refusal(headers: Message, body: bytes, limit: int = MAX_BODY) -> tuple[int, str]:
    with pytest.raises(BodyError) as caught:
        read_body(headers, io.BytesIO(body), limit)
    return caught.value.status, str(caught.value)


@pytest.mark.parametrize(("address", "loopback"), [
    ("127.0.0.1", True), ("127.8.9.10", True), ("::1", True), ("10.0.0.1", False),
    ("0.0.0.0", False), ("::", False), ("192.168.1.5", False),
])
def test_is_loopback(address, loopback):
    """Bound socket addresses, the only values the endpoint asks about."""
    assert is_loopback(address) is loopback


def test_allowed_hosts():
    assert allowed_hosts("127.0.0.1") == {"localhost", "127.0.0.1", "::1"}
    assert allowed_hosts("[::1]") == {"localhost", "127.0.0.1", "::1"}
    assert allowed_hosts("192.168.1.5", [" Lab.Example:8890 ", "  "]) == {
        "localhost", "127.0.0.1", "::1", "192.168.1.5", "lab.example"}
    assert allowed_hosts("0.0.0.0") == allowed_hosts("::") == allowed_hosts("") == {
        "localhost", "127.0.0.1", "::1"}
    assert allowed_hosts("MyHost") >= {"myhost"}
    # only the brackets of an IPv6 address are taken off a bound name
    assert allowed_hosts("XENON.LAB") == {"localhost", "127.0.0.1", "::1", "xenon.lab"}


@pytest.mark.parametrize(("header", "name"), [
    ("LocalHost:8890", "localhost"), ("[::1]:8890", "::1"), ("[::1", "[::1"), ("[::1]]:80", "::1"),
    ("example.org.", "example.org"), ("  a.b  ", "a.b"), ("::1", "::1"),
])
def test_normal_host(header, name):
    assert normal_host(header) == name


def test_host_allowed():
    allowed = allowed_hosts("127.0.0.1")
    assert host_allowed(None, allowed)  # HTTP/1.0 without Host
    assert host_allowed("localhost:8890", allowed)
    assert not host_allowed("evil.example", allowed)
    assert host_allowed("evil.example", allowed | {"*"})


def test_content_length_bodies():
    assert read_body(_headers(), io.BytesIO(b"ignored")) == b""
    assert read_body(_headers(("Content-Length", "3")), io.BytesIO(b"abcdef")) == b"abc"
    assert read_body(_headers(("Content-Length", "3"), ("Content-Length", " 3")),
                     io.BytesIO(b"abc")) == b"abc"
    assert read_body(_headers(("Content-Length", "5")), io.BytesIO(b"12345"), limit=5) == \
        b"12345"


@pytest.mark.parametrize(("pairs", "body", "status", "message"), [
    ((("Content-Length", "3"), ("Content-Length", "4")), b"abcd", 400,
     "conflicting Content-Length headers"),
    ((("Content-Length", "-1"),), b"", 400, "Content-Length must be a number of bytes, not '-1'"),
    ((("Content-Length", "1" * 16),), b"", 413, "request body too large (limit 6 bytes)"),
    ((("Content-Length", "7"),), b"1234567", 413,
     "request body too large (7 bytes; limit 6)"),
    ((("Content-Length", "4"),), b"12", 0, "the client closed the connection mid-body"),
    ((("Content-Length", "1"), ("Transfer-Encoding", "chunked")), b"", 400,
     "give Content-Length or Transfer-Encoding, not both"),
    ((("Transfer-Encoding", "gzip, chunked"),), b"", 501,
     "unsupported transfer coding 'gzip, chunked'; send the body with Content-Length or "
     "chunked"),
])
def test_refused_framings(pairs, body, status, message):
    assert _refusal(_headers(*pairs), body, limit=6) == (status, message)


CHUNKED = _headers(("Transfer-Encoding", " Chunked "))


def test_chunked_bodies():
    body = b"3;ext=1\r\nabc\r\n2\r\nde\r\n0\r\nX-Trailer: 1\r\n\r\n"
    assert read_body(CHUNKED, io.BytesIO(body)) == b"abcde"
    assert read_body(CHUNKED, io.BytesIO(b"0\n\n")) == b""
    assert read_body(CHUNKED, io.BytesIO(b"6\r\n123456\r\n0\r\n\r\n"), limit=6) == b"123456"


@pytest.mark.parametrize(("body", "status", "message"), [
    (b"zz\r\n", 400, "malformed chunked body: a chunk size is not hexadecimal"),
    (b"", 0, "the client closed the connection mid-body"),
    (b"3\r\nabc", 0, "the client closed the connection mid-body"),
    (b"3\r\nabcXY0\r\n\r\n", 400, "malformed chunked body: a chunk does not end with CRLF"),
    (b"4\r\n1234\r\n3\r\n567\r\n", 413, "request body too large (over 6 bytes)"),
    (b"7\r\n", 413, "request body too large (over 6 bytes)"),
    (b"1" * 1025 + b"\r\n", 400, "malformed chunked body: a line too long or not ended"),
    (b"0\r\nno end", 400, "malformed chunked body: a line too long or not ended"),
    (b"0\r\n" + b"T: 1\r\n" * 32 + b"\r\n", 400,
     "malformed chunked body: too many trailer lines"),
])
def test_refused_chunked_bodies(body, status, message):
    assert _refusal(CHUNKED, body, limit=6) == (status, message)


def test_a_chunk_size_line_at_the_limit_is_read():
    line = b"0;" + b"x" * (http_guard.MAX_CHUNK_LINE - 4) + b"\r\n"  # extensions fill it
    assert len(line) == http_guard.MAX_CHUNK_LINE
    assert read_body(CHUNKED, io.BytesIO(line + b"\r\n")) == b""
    assert read_body(CHUNKED, io.BytesIO(b"0\r\n" + b"T: 1\r\n" * 31 + b"\r\n")) == b""


def test_transfer_codings_are_read_across_headers_and_commas():
    """Several Transfer-Encoding headers are one comma list: each coding named once in the
    refusal, and a trailing comma is not a coding."""
    two = _headers(("Transfer-Encoding", "gzip"), ("Transfer-Encoding", "Chunked"))
    assert _refusal(two, b"") == (501, "unsupported transfer coding 'gzip, chunked'; send the "
                                       "body with Content-Length or chunked")
    twice = _headers(("Transfer-Encoding", "chunked"), ("Transfer-Encoding", "chunked"))
    assert _refusal(twice, b"")[1].startswith("unsupported transfer coding 'chunked, chunked'")
    trailing = _headers(("Transfer-Encoding", "chunked, "))
    assert read_body(trailing, io.BytesIO(b"2\r\nok\r\n0\r\n\r\n")) == b"ok"


def test_a_chunk_size_is_what_comes_before_the_first_semicolon():
    body = b"3;a=1;b=2\r\nabc\r\n0;c\r\n\r\n"
    assert read_body(CHUNKED, io.BytesIO(body)) == b"abc"


def test_a_long_chunk_line_is_refused_after_reading_one_byte_past_the_cap():
    """The cap bounds what is read, not only what is accepted."""
    rfile = io.BytesIO(b"1" * 5000 + b"\r\n")
    with pytest.raises(BodyError, match="a line too long or not ended"):
        read_body(CHUNKED, rfile)
    assert rfile.tell() == http_guard.MAX_CHUNK_LINE + 1


def test_a_bad_content_length_is_quoted_to_40_characters():
    value = "x" * 39 + "YZ" + "w" * 30
    status, message = _refusal(_headers(("Content-Length", value)), b"")
    assert status == 400
    assert message == f"Content-Length must be a number of bytes, not {value[:40]!r}"
    assert "Y" in message and "Z" not in message


def test_handle_error_is_silent_for_clients_that_leave_and_one_line_otherwise(capsys):
    server = http_guard.QuietHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    try:
        for gone in (ConnectionResetError("reset"), BrokenPipeError("pipe"), TimeoutError()):
            try:
                raise gone
            except OSError:
                server.handle_error(None, ("127.0.0.9", 4242))
        assert capsys.readouterr() == ("", "")
        try:
            raise ValueError("a bad template")
        except ValueError:
            server.handle_error(None, ("127.0.0.9", 4242))
        assert capsys.readouterr() == (
            "", "kg serve: a request from 127.0.0.9 failed: ValueError: a bad template\n")
    finally:
        server.server_close()
