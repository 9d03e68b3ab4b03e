"""What a run of the literature service did, for ``-v`` output."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class LiteratureStats:
    """Counts of articles by origin, of other E-utilities answers, and seconds per stage.

    Stages: "snapshot", "cache", "network" (HTTP, pacing and back-off included), "parse".
    """

    from_snapshot: int = 0
    from_cache: int = 0
    from_network: int = 0
    not_found: int = 0  # asked for, and NCBI's EFetch answer did not include them
    answers_from_cache: int = 0  # ESearch/ELink/ECitMatch answers
    answers_from_network: int = 0
    requests: int = 0  # HTTP attempts, retries included
    retries: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started

    def lines(self) -> list[str]:
        """One line per fact, stable order."""
        out = [
            f"articles: {self.from_snapshot} from snapshot, {self.from_cache} from cache, "
            f"{self.from_network} from network, {self.not_found} not found",
            f"other answers: {self.answers_from_cache} from cache, "
            f"{self.answers_from_network} from network",
            f"http requests: {self.requests} ({self.retries} retries)",
        ]
        out += [f"{name}: {secs:.3f} s" for name, secs in sorted(self.seconds.items())]
        return out
