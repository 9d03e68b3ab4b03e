"""A stand-in for a module's ``time``: it moves only when the code under test sleeps, so the
delays that code chooses are read exactly and cost no time."""

from __future__ import annotations

import time as _time


class FakeClock:
    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now
        self.sleeps: list[float] = []  # each sleep, rounded to the microsecond

    def monotonic(self) -> float:
        return self.now

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 6))
        self.now += seconds

    # formatting dates (Retry-After, cache metadata) needs the real functions
    strftime = staticmethod(_time.strftime)
    gmtime = staticmethod(_time.gmtime)
