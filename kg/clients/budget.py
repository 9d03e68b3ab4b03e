"""A cap on the HTTP requests one command sends, whatever loop sends them.

Each client loop has its own stop (a search stops at its limit or at a page that brings
nothing new; retries are counted), but a server can still keep a loop going (page tokens
without end, a list that never shrinks). The budget is the last line: every request to
ClinicalTrials.gov and NCBI spends from the active budget, and past its limit the command
stops with one line. A command opens one with :func:`request_budget`; outside any, requests
are counted without a limit (library use, tests).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

from kg.errors import NetworkError

DEFAULT_MAX_REQUESTS = 5_000  # about 28 minutes of NCBI's keyless rate


class RequestCapReached(NetworkError):
    """The command has sent as many requests as it may."""


@dataclass
class Budget:
    limit: int | None = None
    used: int = 0
    by_service: dict[str, int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def spend(self, service: str, where: str) -> None:
        """Count one request about to be sent; refuse it past the limit."""
        with self._lock:
            if self.limit is not None and self.used >= self.limit:
                raise RequestCapReached(
                    f"stopped at {self.limit:,} HTTP requests, the cap for one command "
                    "(a server that keeps a loop going, or a larger job: --max-requests "
                    "raises the cap)", where=where)
            self.used += 1
            self.by_service[service] = self.by_service.get(service, 0) + 1

    def line(self) -> str:
        parts = ", ".join(f"{k} {v:,}" for k, v in sorted(self.by_service.items()))
        cap = f" of at most {self.limit:,}" if self.limit is not None else ""
        return f"http requests: {self.used:,}{cap}" + (f" ({parts})" if parts else "")


_unlimited = Budget()
_active: Budget | None = None
_active_lock = threading.Lock()


def current() -> Budget:
    """The budget of the running command (shared by its threads), or the unlimited one."""
    return _active or _unlimited


@contextlib.contextmanager
def request_budget(limit: int | None = DEFAULT_MAX_REQUESTS) -> Iterator[Budget]:
    """Make a fresh budget the active one for the duration (process-wide, so threads the
    command starts spend from it too)."""
    global _active
    budget = Budget(limit)
    with _active_lock:
        previous, _active = _active, budget
    try:
        yield budget
    finally:
        with _active_lock:
            _active = previous
