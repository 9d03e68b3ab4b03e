"""Run mutmut with each mutated function's tests cut to a time budget.

mutmut links each mutated function to every test that calls it, and runs all of them against
a surviving mutant. The parsers and extractors are called by hundreds of tests (every test
that builds the bundled graph), so a survivor of theirs costs about a minute, and a full run
on two cores would take most of a day. Each function keeps instead the tests of its module's
own test file, then its fastest other tests, each within a budget of recorded test seconds:
the unit tests, not the end-to-end runs that repeat them at many times the cost. A kill rate
measured this way is a lower bound of the whole suite's.

mutmut has no option for this, so the selection is applied to its loaded statistics before
the mutants run, by wrapping its `collect_or_load_stats` (mutmut 3.8, pinned in
pyproject.toml); the statistics file itself keeps every test.

    python mutation/budget.py run [mutmut run's arguments]
"""

from __future__ import annotations

import os
import sys

# Seconds of recorded test time per mutated function, and the most tests (fixture set-up,
# which mutmut does not time, is paid again in each mutant's process). The tests of the
# module's own test file come first and have a budget of their own: the fastest tests that
# merely pass through a function often assert nothing about it.
BUDGET_SECONDS = float(os.environ.get("MUTATION_BUDGET_SECONDS", "3"))
MAX_TESTS = int(os.environ.get("MUTATION_MAX_TESTS", "30"))
HOME_BUDGET_SECONDS = float(os.environ.get("MUTATION_HOME_BUDGET_SECONDS", "5"))


def is_home(test: str, function: str) -> bool:
    """Is ``test`` in a test file of the function's module or package
    (tests/**/test_<module>*.py or test_<package>*.py; kg.views.match.evaluate has
    test_match.py)? A package's ``__init__`` module is named by its package."""
    names = function.rsplit(".", 1)[0].split(".")[1:][-2:]
    stem = test.split("::", 1)[0].rsplit("/", 1)[-1]
    return any(stem.startswith(f"test_{name}") for name in names)


def budgeted(tests: set[str], duration: dict[str, float], function: str = "") -> set[str]:
    """The function's home tests within their budget, then the fastest others (name breaks
    ties) until BUDGET_SECONDS or MAX_TESTS is spent; at least one test."""
    def fastest(names):
        return sorted(names, key=lambda t: (duration.get(t, 0.0), t))

    home = [t for t in tests if is_home(t, function)]
    kept, spent = [], 0.0
    for test in fastest(home):
        if kept and spent + duration.get(test, 0.0) > HOME_BUDGET_SECONDS:
            break
        kept.append(test)
        spent += duration.get(test, 0.0)
    spent = 0.0
    for others, test in enumerate(fastest(set(tests) - set(home))):
        cost = duration.get(test, 0.0)
        if kept and (spent + cost > BUDGET_SECONDS or others >= MAX_TESTS):
            break
        kept.append(test)
        spent += cost
    return set(kept)


def main() -> None:
    import mutmut.__main__ as mutmut_main
    from mutmut.state import state

    collect = mutmut_main.collect_or_load_stats

    def collect_then_cut(*args, **kwargs):
        collect(*args, **kwargs)
        tests_by_function = state().tests_by_mangled_function_name
        for function, tests in list(tests_by_function.items()):
            tests_by_function[function] = budgeted(set(tests), state().duration_by_test,
                                                    function)

    mutmut_main.collect_or_load_stats = collect_then_cut
    sys.argv[0] = "mutmut"
    mutmut_main.cli()


if __name__ == "__main__":
    main()
