"""A pytest plugin for mutation runs only (pyproject.toml [tool.mutmut] loads it with -p):
each test of a mutant's run gets a time limit of its own.

A mutant that makes a loop endless was stopped only by its run's limit (mutation/budget.py
cpu_limit: six times the whole selection's recorded cost), about 20 seconds of a core each
(a tenth of a first full run went to a few dozen of them). The looping test is nearly always
a cheap one, so each test's call may use TEST_TIMEOUT_FACTOR times its own recorded cost
(mutation/costs.py) plus TEST_TIMEOUT_ALLOWANCE seconds, of CPU time (ITIMER_PROF: another
process on the core does not count); past it the run ends at once with mutmut's exit status
for a time-out (36), so the report counts it as a timed-out kill.

The allowance is for work the recorded cost does not show: the statistics run times each
test in one long process, where a cache of a module that is not mutated (the query library's
parsed queries, say) was filled by an earlier test, while a mutant's process starts with it
empty, and the first test of the selection to need it pays. A limit that ignored this
stopped unmutated code and counted a surviving mutant as killed: with a floor of 1 s instead
of an allowance, 119 mutants of the endpoint's request handler "timed out" in the page test,
whose call costs 0.02 s recorded and 1.3 s in a fresh process (the query library's parse).
Only a run of a mutant is limited (mutmut names it in MUTANT_UNDER_TEST): the statistics,
costs and clean runs are not.
"""

from __future__ import annotations

import json
import os
import signal
from functools import lru_cache
from pathlib import Path

import pytest

TEST_TIMEOUT_FACTOR = float(os.environ.get("MUTATION_TEST_TIMEOUT_FACTOR", "10"))
TEST_TIMEOUT_ALLOWANCE = float(os.environ.get("MUTATION_TEST_TIMEOUT_ALLOWANCE", "3"))
TIMED_OUT = 36  # mutmut/stats.py: "timeout"


@lru_cache(maxsize=1)
def own_costs(path: Path) -> dict[str, float]:
    """{test: its own recorded seconds} from the costs record (empty when there is none)."""
    try:
        tests = json.loads(path.read_text())["tests"]
    except (OSError, ValueError, KeyError):
        return {}
    return {test: recorded["own"] for test, recorded in tests.items()}


def limit_of(test: str, costs: dict[str, float]) -> float | None:
    """CPU seconds the test's call may use; None for a test without a recorded cost."""
    own = costs.get(test)
    return None if own is None else TEST_TIMEOUT_ALLOWANCE + TEST_TIMEOUT_FACTOR * own


def _out_of_time(signum, frame) -> None:
    os._exit(TIMED_OUT)  # the mutant's process is disposable: no teardown, no report


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item: pytest.Item):
    limit = None
    if "__mutmut_" in os.environ.get("MUTANT_UNDER_TEST", ""):
        # mutmut runs a mutant's tests from mutants/, where its costs record is
        limit = limit_of(item.nodeid, own_costs(item.config.rootpath / "test-costs.json"))
    if limit is not None:
        signal.signal(signal.SIGPROF, _out_of_time)
        signal.setitimer(signal.ITIMER_PROF, limit)
    try:
        yield
    finally:
        if limit is not None:
            signal.setitimer(signal.ITIMER_PROF, 0)
