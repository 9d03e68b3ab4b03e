"""Spacing requests so that every client in the process together stays under NCBI's limit.

The limit is per user (IP address or API key), not per client object, so pacers are shared:
two clients for the same host and key draw from the same slots. Slots are reserved under a
lock and slept outside it, so threads queue fairly without holding the lock while asleep.
"""

from __future__ import annotations

import threading
import time


class Pacer:
    """Hands out request start times at least ``interval`` seconds apart."""

    def __init__(self, interval: float):
        self.interval = interval
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> float:
        """Block until our slot; return the seconds slept."""
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next)
            self._next = slot + self.interval
        delay = slot - now
        if delay > 0:
            time.sleep(delay)
        return delay


_shared: dict[tuple[str, str, float], Pacer] = {}
_shared_lock = threading.Lock()


def shared_pacer(host: str, api_key: str | None, interval: float) -> Pacer:
    """The process-wide pacer for one NCBI user at one host."""
    key = (host, api_key or "", interval)
    with _shared_lock:
        pacer = _shared.get(key)
        if pacer is None:
            pacer = _shared[key] = Pacer(interval)
        return pacer
