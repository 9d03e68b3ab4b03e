"""A stand-in HTTP server on 127.0.0.1 for tests of the live code paths.

Real sockets, real HTTP: time-outs, retries and pacing are exercised for real rather than
by mocking the HTTP library. A test scripts the replies; the server records every request
with its arrival time so tests can assert on request counts, batching and pacing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass
class Reply:
    """What the stand-in answers. ``truncate_to`` cuts the body after that many bytes while
    still announcing the full Content-Length, as a dropped connection does; ``delay`` sleeps
    before answering (to trip client time-outs)."""

    status: int = 200
    body: bytes | str = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    truncate_to: int | None = None
    content_type: str = "text/xml; charset=UTF-8"


@dataclass
class Request:
    method: str
    path: str
    params: dict[str, list[str]]  # query string and form body merged
    body: bytes
    headers: dict[str, str]
    time: float

    def param(self, name: str) -> str | None:
        values = self.params.get(name)
        return values[0] if values else None


Handler = Callable[[Request], Reply]


class StandIn:
    """A running stand-in server. ``handler`` may be swapped between requests."""

    def __init__(self, handler: Handler):
        self.handler = handler
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        outer = self

        class _H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep test output quiet
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                split = urlsplit(self.path)
                params = parse_qs(split.query, keep_blank_values=True)
                ctype = self.headers.get("Content-Type", "")
                if body and "application/x-www-form-urlencoded" in ctype:
                    for k, v in parse_qs(body.decode("utf-8"), keep_blank_values=True).items():
                        params.setdefault(k, []).extend(v)
                req = Request(self.command, split.path, params, body, dict(self.headers),
                              time.monotonic())
                with outer._lock:
                    outer.requests.append(req)
                reply = outer.handler(req)
                if reply.delay:
                    time.sleep(reply.delay)
                data = reply.body.encode("utf-8") if isinstance(reply.body, str) else reply.body
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", reply.content_type)
                    self.send_header("Content-Length", str(len(data)))
                    for k, v in reply.headers.items():
                        self.send_header(k, v)
                    if reply.truncate_to is not None:
                        self.send_header("Connection", "close")
                    self.end_headers()
                    if reply.truncate_to is not None:
                        self.wfile.write(data[: reply.truncate_to])
                        self.wfile.flush()
                        self.close_connection = True
                    else:
                        self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (time-out): that is what the test wanted

            do_GET = _serve
            do_POST = _serve

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _H)
        self._server.daemon_threads = True
        # a short poll: stopping waits for it, and tests start and stop many of these
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,),
                                        daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> StandIn:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@contextmanager
def stand_in(handler: Handler) -> Iterator[StandIn]:
    server = StandIn(handler).start()
    try:
        yield server
    finally:
        server.stop()


def sequence(*replies: Reply) -> Handler:
    """A handler that answers with ``replies`` in turn, repeating the last one."""
    state = {"i": 0}
    lock = threading.Lock()

    def handle(_: Request) -> Reply:
        with lock:
            i = min(state["i"], len(replies) - 1)
            state["i"] += 1
        return replies[i]

    return handle
