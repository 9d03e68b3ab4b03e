"""Spacing requests so that everything one user runs together stays under NCBI's limit.

The limit is per user (IP address or API key), not per client object or per process: two
``kg`` commands of the same user share it. So the time of the last request to a host under
a key is kept in a small file in the cache directory, read and rewritten under an
exclusive ``flock``, which serialises the threads of one process and the processes of one
user alike. The lock is held while waiting out the interval and during the request, and the
file gets the moment the request ended: the next one starts ``interval`` after that, so the
server sees them ``interval`` apart whatever each process's own delays.

Times are ``time.monotonic()`` (``CLOCK_MONOTONIC``: one clock for every process of the
machine, never stepped by NTP). A stored time from before a reboot may lie in the future:
a wait is never longer than one interval, so it costs at most that.

When the file cannot be used (a read-only cache directory), pacing falls back to this
process alone and says so once in the log.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

log = logging.getLogger(__name__)


class Pacer:
    """Request starts at least ``interval`` seconds apart: within this process, or, with
    ``path``, across every process that paces through the same file."""

    def __init__(self, interval: float, path: Path | None = None):
        self.interval = interval
        self.path = path
        self._last = float("-inf")
        self._lock = threading.Lock()
        self._warned = False

    def wait(self) -> float:
        """Block until our turn, and take it as a request that ends at once."""
        with self.turn() as waited:
            return waited

    @contextlib.contextmanager
    def turn(self) -> Iterator[float]:
        """Wait until ``interval`` has passed since the previous request *ended*, then hold
        the turn while the caller's request runs (yielding the seconds waited). Measured
        from the end, not the start, the server sees requests at least ``interval`` apart
        however long each took and however late a process got to send its own: a start
        time would let a slow first request and a prompt second one arrive together."""
        with self._lock, self._shared() as last:
            delay = min(max(0.0, last[0] + self.interval - time.monotonic()), self.interval)
            if delay > 0:
                time.sleep(delay)
            try:
                yield delay
            finally:
                last[0] = self._last = time.monotonic()

    @contextlib.contextmanager
    def _shared(self) -> Iterator[list[float]]:
        """[last request time], read from and written back to the shared file when there is
        one; this process's own otherwise."""
        handle = self._open()
        if handle is None:
            yield [self._last]
            return
        try:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                last = [max(self._last, _read_time(handle))]
                yield last
                os.pwrite(handle, f"{last[0]!r}\n".ljust(32).encode(), 0)
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
        finally:
            os.close(handle)

    def _open(self) -> int | None:
        if self.path is None:
            return None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            return os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            if not self._warned:
                self._warned = True
                log.warning("NCBI pacing file %s unusable (%s): pacing this process alone",
                            self.path, exc.strerror or exc)
            return None


def _read_time(handle: int) -> float:
    try:  # float() takes the padding; an empty or damaged file is a ValueError
        return float(os.pread(handle, 64, 0).decode("ascii"))
    except (OSError, ValueError):
        return float("-inf")  # empty or damaged: no request on record


def pacing_file(cache_dir: Path, host: str, api_key: str | None) -> Path:
    """One file per NCBI user at one host; the key is hashed, never written in clear."""
    digest = hashlib.sha256(f"{host}\n{api_key or ''}".encode()).hexdigest()[:20]
    return cache_dir / "pacing" / f"ncbi-{digest}.time"


_shared: dict[tuple[str, str, float, str], Pacer] = {}
_shared_lock = threading.Lock()


def shared_pacer(host: str, api_key: str | None, interval: float) -> Pacer:
    """The pacer for one NCBI user at one host, shared by this process's clients and, through
    its file in the cache directory, by the user's other processes."""
    from kg.clients.cache import default_cache_dir

    path = pacing_file(default_cache_dir(), host, api_key)
    key = (host, api_key or "", interval, str(path))
    with _shared_lock:
        pacer = _shared.get(key)
        if pacer is None:
            pacer = _shared[key] = Pacer(interval, path)
        return pacer
