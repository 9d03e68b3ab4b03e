"""A bare TCP listener on 127.0.0.1 that records every connection made to it, for tests
that must prove nothing called out (SERVICE, FROM <http://…>): a real socket, so any HTTP
client in any library or engine (urllib, Oxigraph's Rust client) is seen."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager


class Listener:
    def __init__(self) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(16)
        self._sock.settimeout(0.1)
        self.received: list[bytes] = []  # the first bytes each connection sent
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._sock.getsockname()[1]}"

    @property
    def connections(self) -> int:
        with self._lock:
            return len(self.received)

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except (TimeoutError, OSError):
                continue
            with conn:
                conn.settimeout(0.5)
                try:
                    first = conn.recv(4096)
                except OSError:
                    first = b""
            with self._lock:
                self.received.append(first)

    def settle(self, seconds: float = 0.3) -> int:
        """Connections seen after giving a late caller ``seconds`` to show up."""
        time.sleep(seconds)
        return self.connections

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self._sock.close()


@contextmanager
def listening() -> Iterator[Listener]:
    listener = Listener()
    try:
        yield listener
    finally:
        listener.close()
