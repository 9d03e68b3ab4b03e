"""Run mutmut with each mutated function's tests cut to a time budget.

mutmut links each mutated function to every test that calls it, and runs all of them against
a surviving mutant. The parsers and extractors are called by hundreds of tests (every test
that builds the bundled graph), so a survivor of theirs costs about a minute, and a full run
on two cores would take most of a day. Each function keeps instead the tests of its module's
own test file, then its cheapest other tests, each within a budget of seconds: the unit
tests, not the end-to-end runs that repeat them at many times the cost. A test's cost is what
it adds to a mutant's run, fixtures included (mutation/costs.py records them): a shared
fixture is paid once per selection. A kill rate measured this way is a lower bound of the
whole suite's.

A function called while a module's shared fixture is built (a parse, a graph) is linked by
mutmut to the one test during whose set-up that happened, and not to the tests that check
the fixture's result. Those tests (the fixture's other users, recorded by mutation/costs.py)
compete for a budget of their own after the home tests. Session-wide and package fixtures are
left out: their users are most of the suite.

mutmut has no option for this, so the selection is applied to its loaded statistics before
the mutants run, by wrapping its `collect_or_load_stats` (mutmut 3.8, pinned in
pyproject.toml); the statistics file itself keeps every test. Mutants already known to
survive (recorded equivalent, or of import-time functions) are dropped from its list of
mutants to run the same way, and its clean run checks only the tests of the mutants left to
try (none after a full statistics run, which has just passed them all). Each mutant's time
limit is set from its selection's recorded cost (cpu_limit) rather than mutmut's call times.

    python mutation/budget.py run [mutmut run's arguments]
"""

from __future__ import annotations

import math
import os
import sys

# Seconds of recorded test time per mutated function, and the most tests (fixture set-up,
# which mutmut does not time, is paid again in each mutant's process). The tests of the
# module's own test file come first and have a budget of their own: the fastest tests that
# merely pass through a function often assert nothing about it.
BUDGET_SECONDS = float(os.environ.get("MUTATION_BUDGET_SECONDS", "3"))
MAX_TESTS = int(os.environ.get("MUTATION_MAX_TESTS", "30"))
HOME_BUDGET_SECONDS = float(os.environ.get("MUTATION_HOME_BUDGET_SECONDS", "5"))
FIXTURE_BUDGET_SECONDS = float(os.environ.get("MUTATION_FIXTURE_BUDGET_SECONDS", "3"))
# A mutant's run may use this many times its selection's recorded cost, plus a second for
# pytest's start, in CPU seconds before it counts as timed out (mutmut's wall-clock bound is
# half of that). mutmut's own bound, 30 x (the tests' call time + 1 s), let each mutant that
# loops forever hold a core for about 20 s of wall time, and knew nothing of fixtures.
TIMEOUT_FACTOR = float(os.environ.get("MUTATION_TIMEOUT_FACTOR", "6"))
# Processes for the first, full statistics run (mutation/split_stats.py); 0: as many as
# mutmut runs mutants in (run.py's --max-children), 1: mutmut's single one. One by default:
# split over two workers the run took 3 minutes instead of 6, but the costs it recorded
# came out higher (tests 8%, shared fixtures 45%: a worker that reaches a file first builds
# its fixtures with cold caches, and the two compete for memory), and the budgets, set on
# single-process costs, then kept fewer tests: find_related kept 12 of its 30 tests
# instead of 23, and kg/views/related.py fell to 64% killed. Splitting is the default once
# the budgets are set on costs measured that way.
STATS_WORKERS = int(os.environ.get("MUTATION_STATS_WORKERS", "1"))



def is_home(test: str, function: str) -> bool:
    """Is ``test`` in a test file of the function's module or package
    (tests/**/test_<module>*.py or test_<package>*.py; kg.views.match.evaluate has
    test_match.py)? A package's ``__init__`` module is named by its package."""
    names = function.rsplit(".", 1)[0].split(".")[1:][-2:]
    stem = test.split("::", 1)[0].rsplit("/", 1)[-1]
    return any(stem.startswith(f"test_{name}") for name in names)


def is_local(key: str) -> bool:
    """Is a shared fixture's key (mutation/costs.py: ``node::name[i]``) one of a test module
    or class? A session fixture's node is "" and a package's a folder."""
    return ".py" in key.rsplit("::", 1)[0]


def fixture_users(costs: dict) -> dict[str, set[str]]:
    """{test: the other users of each module or class fixture built during its set-up}."""
    users: dict[str, set[str]] = {}
    for test, recorded in costs["tests"].items():
        for key in recorded["shared"]:
            if is_local(key):
                users.setdefault(key, set()).add(test)
    siblings: dict[str, set[str]] = {}
    for key, builder in costs.get("built_by", {}).items():
        if key in users:
            siblings.setdefault(builder, set()).update(users[key] - {builder})
    return siblings


def budgeted(tests: set[str], duration: dict[str, float], function: str = "",
             costs: dict | None = None, siblings: dict[str, set[str]] | None = None) -> list[str]:
    """The function's home tests within their budget, then the cheapest others (name breaks
    ties) until BUDGET_SECONDS or MAX_TESTS is spent (at least one test), then the other
    users of the shared fixtures these tests built (``siblings``, fixture_users) within
    FIXTURE_BUDGET_SECONDS.

    Returned in the order to run them (mutmut passes the list to pytest as it is, and pytest
    runs its arguments in order, stopping at the first failure): home tests first, as they
    most often kill, then the fixtures' users, then the others cheapest first, each test file
    kept together so a module's shared fixtures are set up once.

    A test's cost is what adding it to the selection adds to a mutant's run: its own seconds
    and the set-up of shared fixtures the selection does not have yet (mutation/costs.py).
    Without recorded costs, mutmut's call time stands in for it."""
    costs = costs or {"tests": {}, "shared": {}}
    have: set[str] = set()

    def take(candidates: list[str], budget: float, most: int, kept: list[str]) -> None:
        # Tests needing the same shared fixtures are grouped, cheapest first, so each step
        # compares one head per group rather than every test left.
        groups: dict[frozenset, list[tuple[float, str]]] = {}
        for test in candidates:
            recorded = costs["tests"].get(test)
            shared = frozenset(recorded["shared"]) if recorded else frozenset()
            own = recorded["own"] if recorded else duration.get(test, 0.0)
            groups.setdefault(shared, []).append((own, test))
        for members in groups.values():
            members.sort(reverse=True)  # cheapest last, popped first
        spent = 0.0
        while groups and len(kept) < most:
            cost, test, shared = min(
                (members[-1][0] + sum(costs["shared"].get(k, 0.0) for k in shared - have),
                 members[-1][1], shared) for shared, members in groups.items())
            if kept and spent + cost > budget:
                return
            kept.append(test)
            spent += cost
            have.update(shared)
            groups[shared].pop()
            if not groups[shared]:
                del groups[shared]

    home = [t for t in tests if is_home(t, function)]
    others = [t for t in tests if not is_home(t, function)]
    users = sorted({u for t in tests for u in (siblings or {}).get(t, ())} - tests)
    kept: list[str] = []
    take(home, HOME_BUDGET_SECONDS, len(home), kept)
    take(others, BUDGET_SECONDS, len(kept) + MAX_TESTS, kept)
    # after the others, so the fixture a kept builder set up is not charged again
    kept_users: list[str] = []
    take(users, FIXTURE_BUDGET_SECONDS, MAX_TESTS, kept_users)
    first = len([t for t in kept if t in home])
    return in_run_order(kept[:first] + kept_users + kept[first:])


def selection_cost(tests: list[str], duration: dict[str, float], costs: dict | None) -> float:
    """Seconds a run of ``tests`` is recorded to take: each test's own time and each shared
    fixture once (mutmut's call time for a test without a recorded cost)."""
    costs = costs or {"tests": {}, "shared": {}}
    own, shared = 0.0, set()
    for test in tests:
        recorded = costs["tests"].get(test)
        own += recorded["own"] if recorded else duration.get(test, 0.0)
        shared.update(recorded["shared"] if recorded else ())
    return own + sum(costs["shared"].get(key, 0.0) for key in shared)


def cpu_limit(cost: float) -> int:
    """CPU seconds a mutant's run of a selection costing ``cost`` may use (TIMEOUT_FACTOR)."""
    return math.ceil(TIMEOUT_FACTOR * (cost + 1.0))


def in_run_order(kept: list[str]) -> list[str]:
    """``kept`` with each test file's tests together, files in the order they first appear."""
    by_file: dict[str, list[str]] = {}
    for test in kept:
        by_file.setdefault(test.split("::", 1)[0], []).append(test)
    return [test for tests in by_file.values() for test in tests]


def not_worth_running(mutants: list[tuple[str, str]], known: dict[str, dict],
                      diff_of, named: tuple[str, ...] = ()) -> set[str]:
    """The mutants of ``mutants`` ((name, source path) pairs) whose verdict is already known:
    each recorded as equivalent in mutation/equivalent.toml whose diff still makes the
    recorded change (``diff_of(name, path)``), and the mutants of import-time functions, which
    mutmut cannot try. Equivalents survive by definition, so each would cost its whole test
    budget for nothing. A stale record's mutant runs, and a mutant ``named`` exactly is run
    when asked for."""
    import run  # mutation/run.py: what the record says of a mutant

    return {name for name, path in mutants if name not in named
            and run.recorded(name, path, known, diff_of) in ("import_time", "equivalent")}


def tests_to_check(mutants: list[tuple[str, int | None]], named: tuple[str, ...],
                   tests_by_function: dict[str, list[str]]) -> list[str]:
    """The tests mutmut's clean run (the unmutated code must pass them) needs to check: those
    of the mutants ((name, earlier exit code) pairs) that will run, which are the ones not yet
    judged, or all when ``named``. mutmut checks the whole selection when no mutant is named,
    a few minutes on every run even when nothing is left to try."""
    out: dict[str, None] = {}
    for name, result in mutants:
        if named or result is None:
            function = name.replace("__init__.", "").partition("__mutmut_")[0]
            out.update(dict.fromkeys(tests_by_function.get(function, ())))
    return list(out)


def stale_tests(old_hashes: dict[str, str], new_hashes: dict[str, str],
                tests_by_function: dict[str, set[str]]) -> list[str]:
    """The tests linked to a function whose source changed or went since the statistics
    were taken (none when there is no earlier record)."""
    if not old_hashes:
        return []
    changed = {f for f in old_hashes.keys() | new_hashes.keys()
               if old_hashes.get(f) != new_hashes.get(f)}
    return sorted({t for f in changed for t in tests_by_function.get(f, ())})


def timing_the_whole_run(run_stats, plugins):
    """mutmut's PytestRunner.run_stats, adding the plugins ``plugins()`` makes (the costs
    recorder, mutation/costs.py; a worker's file claims, mutation/split_stats.py) to a run of
    the whole selection (``tests`` empty), so that one run gives both mutmut's links and each
    test's cost; a run of some tests records nothing (their costs are not the suite's)."""

    def run(self, *, tests):
        if not tests:
            execute = self.execute_pytest

            def execute_timing(params, **kwargs):
                return execute(params, **{**kwargs, "plugins": [*kwargs.get("plugins", ()),
                                                                 *plugins()]})

            self.execute_pytest = execute_timing
        try:
            return run_stats(self, tests=tests)
        finally:
            vars(self).pop("execute_pytest", None)

    return run


def run_args(runner) -> list[str]:
    """The arguments mutmut's PytestRunner gives pytest.main for a run of the whole
    selection (execute_pytest, _pytest_args_regular_run), for the fork server's session."""
    return ["--rootdir=.", "--tb=native", *runner._pytest_args_regular_run([]),
            *runner._pytest_add_cli_args]


def stats_collector(runner, split, record):
    """The runner's collect_stats, with a full statistics run (no tests named) split over
    STATS_WORKERS processes by ``split`` (mutation/split_stats.py), its costs recorded at
    ``record``; an incremental run (some tests) stays mutmut's single child."""
    collect_stats = runner.collect_stats

    def collect(tests):
        workers = min(STATS_WORKERS or runner.max_workers, runner.max_workers)
        if tests or workers < 2:
            return collect_stats(tests)
        return split.collect(runner, workers, record)

    return collect


def main() -> None:
    import costs  # mutation/costs.py, beside this script (on sys.path as the script's folder)
    import live_session  # mutation/live_session.py: one collected session for every mutant
    import mutmut.__main__ as mutmut_main
    import run  # mutation/run.py: the record of equivalent mutants
    import split_stats  # mutation/split_stats.py: the statistics run on every core
    from mutmut.runners.harness import PytestRunner
    from mutmut.state import state

    PytestRunner.warm_up = live_session.warming(
        PytestRunner.warm_up, run_args, lambda: (costs.load() or {}).get("imports", ()))
    PytestRunner.run_tests = live_session.running(PytestRunner.run_tests)
    PytestRunner.run_stats = timing_the_whole_run(
        PytestRunner.run_stats,
        lambda: [costs.CostRecorder(costs.ROOT, target=split_stats.costs_target()),
                 *split_stats.plugins()])

    collect = mutmut_main.collect_or_load_stats
    cost_of: dict[str, float] = {}  # function -> recorded seconds of its selection

    # The full statistics run has just passed every selected test on the unmutated code (it
    # stops mutmut when one fails), so the clean run would only repeat it.
    full_stats_ran = []
    run_stats = mutmut_main.run_stats_collection

    def run_stats_noted(runner, tests=None):
        run_stats(runner, tests)
        full_stats_ran.append(tests is None)

    def collect_then_cut(*args, **kwargs):
        collect(*args, **kwargs)
        relink(args[0] if args else kwargs["runner"])
        tests_by_function = state().tests_by_mangled_function_name
        recorded = costs.load()
        if recorded is None:
            print("mutation/budget.py: no test costs recorded for these tests; mutmut's call "
                  "times stand in (a full statistics run or mutation/run.py records them)",
                  flush=True)
        siblings = fixture_users(recorded) if recorded else {}
        for function, tests in list(tests_by_function.items()):
            tests_by_function[function] = budgeted(set(tests), state().duration_by_test,
                                                    function, recorded, siblings)
            cost_of[function] = selection_cost(tests_by_function[function],
                                               state().duration_by_test, recorded)

    def relink(runner) -> None:
        """mutmut's incremental statistics run only the new tests, so a function that
        changed keeps the links of its old version and a helper it now calls gets none from
        the old tests (their mutants "survive" untested). Tests that called a changed or
        removed function are run again for their links."""
        if any(full_stats_ran):
            return
        tests = stale_tests(state().old_function_hashes, state().current_function_hashes,
                            state().tests_by_mangled_function_name)
        if tests:
            print(f"mutation/budget.py: {len(tests)} tests called functions that changed; "
                  "their statistics are taken again", flush=True)
            mutmut_main.run_stats_collection(runner, tests=tests)

    gather = mutmut_main.collect_source_file_mutation_data
    to_check: list[str] = []

    def gather_but_known(*, mutant_names):
        mutants, by_path = gather(mutant_names=mutant_names)
        skip = not_worth_running([(name, str(data.path)) for data, name, _ in mutants],
                                 run.equivalents(), run.diff, tuple(mutant_names))
        if skip:
            print(f"mutation/budget.py: {len(skip)} mutants recorded as equivalent or "
                  "import-time are not run (mutation/equivalent.toml)", flush=True)
        mutants = [m for m in mutants if m[1] not in skip]
        to_check[:] = tests_to_check([(name, result) for _, name, result in mutants],
                                     tuple(mutant_names), state().tests_by_mangled_function_name)
        return mutants, by_path

    make_runner = mutmut_main.get_mutant_runner

    def runner_checking_what_runs(*args, **kwargs):
        runner = make_runner(*args, **kwargs)
        clean = runner.run_clean_tests

        def run_clean_tests(tests):
            if any(full_stats_ran) or not to_check:
                print("mutation/budget.py: no clean run ("
                      + ("the statistics run just passed every test" if any(full_stats_ran)
                         else "no mutant left to try") + ")", flush=True)
                return 0
            return clean(tests=to_check)

        submit = runner.submit

        def submit_with_own_limit(mutant_name, tests, cpu_time_limit, estimated_time):
            cost = cost_of.get(mutant_name.partition("__mutmut_")[0])
            if cost is not None:
                cpu_time_limit = cpu_limit(cost)
            submit(mutant_name, tests, cpu_time_limit, estimated_time)

        runner.run_clean_tests = run_clean_tests
        runner.submit = submit_with_own_limit
        runner.collect_stats = stats_collector(runner, split_stats,
                                               costs.record_path(costs.ROOT))
        return runner

    mutmut_main.collect_or_load_stats = collect_then_cut
    mutmut_main.collect_source_file_mutation_data = gather_but_known
    mutmut_main.run_stats_collection = run_stats_noted
    mutmut_main.get_mutant_runner = runner_checking_what_runs
    sys.argv[0] = "mutmut"
    mutmut_main.cli()


if __name__ == "__main__":
    main()
