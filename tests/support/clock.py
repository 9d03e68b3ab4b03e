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

    def gmtime(self, seconds: float | None = None) -> _time.struct_time:
        """The fake moment as UTC unless given one, as ``time.gmtime`` reads the real one."""
        return _time.gmtime(self.now if seconds is None else seconds)

    # formatting a given date needs the real function
    strftime = staticmethod(_time.strftime)
