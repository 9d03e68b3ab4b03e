"""Run mutmut with each mutated function's tests cut to a time budget.

mutmut links each mutated function to every test that calls it, and runs all of them against
a surviving mutant. The parsers and extractors are called by hundreds of tests (every test
that builds the bundled graph), so a survivor of theirs costs about a minute, and a full run
on two cores would take most of a day. Each function keeps instead its fastest tests, until a
budget of recorded test seconds or a number of tests is spent: mostly the unit tests of its
module, not the end-to-end runs that repeat them at many times the cost. A kill rate measured
this way is a lower bound of the whole suite's.

mutmut has no option for this, so the selection is applied to its loaded statistics before
the mutants run, by wrapping its `collect_or_load_stats` (mutmut 3.8, pinned in
pyproject.toml); the statistics file itself keeps every test.

    python mutation/budget.py run [mutmut run's arguments]
"""

from __future__ import annotations

import os
import sys

# Seconds of recorded test time per mutated function, and the most tests (fixture set-up,
# which mutmut does not time, is paid again in each mutant's process).
BUDGET_SECONDS = float(os.environ.get("MUTATION_BUDGET_SECONDS", "3"))
MAX_TESTS = int(os.environ.get("MUTATION_MAX_TESTS", "30"))


def budgeted(tests: set[str], duration: dict[str, float]) -> set[str]:
    """The fastest tests (name breaks ties) until BUDGET_SECONDS is spent; at least one."""
    kept, spent = set(), 0.0
    for test in sorted(tests, key=lambda t: (duration.get(t, 0.0), t)):
        cost = duration.get(test, 0.0)
        if kept and (spent + cost > BUDGET_SECONDS or len(kept) >= MAX_TESTS):
            break
        kept.add(test)
        spent += cost
    return kept


def main() -> None:
    import mutmut.__main__ as mutmut_main
    from mutmut.state import state

    collect = mutmut_main.collect_or_load_stats

    def collect_then_cut(*args, **kwargs):
        collect(*args, **kwargs)
        tests_by_function = state().tests_by_mangled_function_name
        for function, tests in list(tests_by_function.items()):
            tests_by_function[function] = budgeted(set(tests), state().duration_by_test)

    mutmut_main.collect_or_load_stats = collect_then_cut
    sys.argv[0] = "mutmut"
    mutmut_main.cli()


if __name__ == "__main__":
    main()
