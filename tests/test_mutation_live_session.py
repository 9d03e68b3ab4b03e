"""One collected pytest session for every mutant's process (mutation/live_session.py): a
selection run through it gives what `pytest.main` on the same tests gives, verdict and all.

The project here is synthetic: one test file whose tests and module fixture log what runs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "mutation"))

import live_session  # noqa: E402

TESTS = '''
import os
import pytest

def log(text):
    with open("run.log", "a") as f:
        f.write(text + "\\n")

@pytest.fixture(scope="module")
def shared():
    log("set up")
    yield
    log("torn down")

def test_a(shared):
    log("a")

def test_b(shared):
    log("b")
    assert os.environ.get("MUTANT_UNDER_TEST") != "breaks_b"

def test_c(shared):
    log("c")

@pytest.mark.parametrize("n", [1, 2])
def test_p(n):
    log(f"p{n}")

def test_exits(shared):
    pytest.exit("stopped", returncode=7)

def test_noisy():
    print("NOISE-PRINTED")
    os.write(1, b"NOISE-WRITTEN\\n")

@pytest.fixture
def broken():
    raise RuntimeError("set-up fails")

def test_needs_broken(broken):
    log("never")

def test_tmp(tmp_path, tmp_path_factory):
    log(str(tmp_path))
    log(str(tmp_path_factory.getbasetemp()))

@pytest.mark.skip_me
def test_deselected():
    log("deselected")
'''

# Builds the session in the project, then runs each case in a process forked from it, once
# through the session and once through pytest.main, and prints what each gave.
DRIVER = '''
import json, os, sys
import pytest
sys.path.insert(0, sys.argv[1])
import live_session
cases = json.loads(sys.argv[2])
args = ["--rootdir=.", "-x", "-q", "-p", "no:cacheprovider", "-p", "no:randomly",
        "-m", "not skip_me", "tests"]
preloaded = "colorsys" in sys.modules
session = live_session.LiveSession(args, ["colorsys", "no_such_module_here"])
print("SERVER-OUTPUT", flush=True)
import gc
out = {"held": sorted(session.items), "frozen": gc.get_freeze_count() > 0, "cases": [],
       "preloaded": [preloaded, "colorsys" in sys.modules], "failed": session.not_preloaded}
for mutant, tests in cases:
    for how in ("live", "main"):
        if os.path.exists("run.log"):
            os.remove("run.log")
        pid = os.fork()
        if pid == 0:
            os.environ["MUTANT_UNDER_TEST"] = mutant
            if how == "live":
                code = session.run(tests)
            else:
                code = int(pytest.main(["-x", "-q", "-p", "no:cacheprovider",
                                        "-p", "no:randomly", *tests]))
            sys.stdout.flush()
            os._exit(code)
        _, status = os.waitpid(pid, 0)
        log = open("run.log").read().split() if os.path.exists("run.log") else []
        out["cases"].append([how, os.waitstatus_to_exitcode(status), log,
                             [os.path.exists(x) for x in log if x.startswith("/")]])
print("RESULT " + json.dumps(out))
'''

A, B, C = (f"tests/test_x.py::test_{name}" for name in "abc")
CASES = [
    ("none", [A, B, C]),                    # all pass, in the order given
    ("none", [C, A]),
    ("breaks_b", [A, B, C]),                # -x: c never runs, the module fixture is torn down
    ("none", ["tests/test_x.py::test_p[2]", "tests/test_x.py::test_p[1]"]),
    ("none", ["tests/test_x.py::test_exits", A]),  # pytest.exit's return code
    ("none", ["tests/test_x.py::test_needs_broken", A]),  # a set-up error is a failure
    ("none", ["tests/test_x.py::test_noisy"]),
    ("none", ["tests/test_x.py::test_tmp"]),
]


@pytest.fixture(scope="module")
def driven(tmp_path_factory):
    project = tmp_path_factory.mktemp("project")
    (project / "tests").mkdir()
    (project / "tests" / "test_x.py").write_text(TESTS)
    (project / "pytest.ini").write_text("[pytest]\nmarkers =\n    skip_me: left out\n")
    done = subprocess.run(
        [sys.executable, "-c", DRIVER, str(ROOT / "mutation"), json.dumps(CASES)],
        cwd=project, capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"})  # the project needs none
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.split("RESULT ", 1)[1])
    return done.stdout, result, [tuple(case) for case in result["cases"]]


def _live_and_main(driven, index):
    _, _, cases = driven
    return cases[2 * index], cases[2 * index + 1]


@pytest.mark.parametrize(("index", "code", "log"), [
    (0, 0, ["set", "up", "a", "b", "c", "torn", "down"]),
    (1, 0, ["set", "up", "c", "a", "torn", "down"]),
    (2, 1, ["set", "up", "a", "b", "torn", "down"]),
    (3, 0, ["p2", "p1"]),
    (4, 7, ["set", "up", "torn", "down"]),  # what pytest.exit left set up is torn down
    (5, 1, []),
    (6, 0, []),
])
def test_a_selection_runs_as_pytest_main_runs_it(driven, index, code, log):
    live, main = _live_and_main(driven, index)
    assert live[:3] == ("live", code, log)
    assert main[1:3] == live[1:3]


def test_a_run_has_a_temporary_folder_of_its_own_removed_when_it_ends(driven):
    live, main = _live_and_main(driven, 7)
    (tmp_path, base), gone = live[2], live[3]
    assert Path(tmp_path).parent == Path(base)
    assert Path(base).name.startswith("mutant-pytest-") and gone == [False, False]
    # pytest's own stays, locked until an atexit a forked process never runs
    assert Path(main[2][1]).name.startswith("pytest-") and main[3] == [True, True]


def test_the_session_holds_the_selected_items_and_only_those(driven):
    _, result, _ = driven
    assert result["held"] == [f"tests/test_x.py::test_{name}" for name in
                    ("a", "b", "c", "exits", "needs_broken", "noisy", "p[1]", "p[2]", "tmp")]


def test_what_the_server_built_is_left_out_of_each_runs_garbage_collections(driven):
    assert driven[1]["frozen"] is True


def test_the_libraries_named_are_imported_once_and_one_that_fails_is_passed_over(driven):
    assert (driven[1]["preloaded"], driven[1]["failed"]) == ([False, True],
                                                             ["no_such_module_here"])


def test_tests_output_stays_captured_and_the_servers_own_is_not(driven):
    stdout, _, _ = driven
    assert "SERVER-OUTPUT" in stdout
    assert "NOISE" not in stdout


class _Session:
    def __init__(self, held):
        self.held, self.ran, self.cwd = set(held), [], None

    def holds(self, tests):
        return set(tests) <= self.held

    def run(self, tests):
        self.ran.append(list(tests))
        self.cwd = Path.cwd().name
        return 1


@pytest.mark.parametrize(("held", "tests", "through"), [
    ({"t1", "t2"}, ["t2", "t1"], "live"),
    ({"t1"}, ["t1", "t9"], "main"),    # a test the server did not collect
    ({"t1"}, [], "main"),              # mutmut's forced-fail run names none
    (None, ["t1"], "main"),            # a process not forked from the server
])
def test_a_run_goes_through_the_session_only_when_it_holds_every_test(
        tmp_path, monkeypatch, held, tests, through):
    (tmp_path / "mutants").mkdir()
    monkeypatch.chdir(tmp_path)
    seen = []
    runner = type("Runner", (), {})()
    if held is not None:
        runner.live_session = _Session(held)
    run = live_session.running(lambda self, *, mutant_name, tests: seen.append(tests) or 0)
    code = run(runner, mutant_name="m", tests=iter(tests))
    if through == "live":
        assert (code, runner.live_session.ran, runner.live_session.cwd) == (1, [tests], "mutants")
        assert seen == []
    else:
        assert (code, seen) == (0, [tests])
        assert held is None or runner.live_session.ran == []
    assert Path.cwd() == tmp_path


def test_the_server_builds_a_session_in_mutants_unless_turned_off(tmp_path, monkeypatch):
    (tmp_path / "mutants").mkdir()
    monkeypatch.chdir(tmp_path)
    built = []
    monkeypatch.setattr(live_session, "LiveSession", lambda args, preload: built.append(
        (args, preload, Path.cwd().name)) or "session")
    runner = type("Runner", (), {})()
    warm = live_session.warming(lambda self: built.append("mutmut's"), lambda self: ["-x"],
                                lambda: ["lark"])
    warm(runner)
    assert (built, runner.live_session) == ([(["-x"], ["lark"], "mutants")], "session")
    monkeypatch.setattr(live_session, "ENABLED", False)
    warm(type("Runner", (), {})())
    assert built[-1] == "mutmut's"


def test_it_is_on_unless_the_environment_turns_it_off():
    code = "import live_session; print(live_session.ENABLED)"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "mutation")}
    outputs = [subprocess.run([sys.executable, "-c", code], env={**env, **extra},
                              capture_output=True, text=True, check=True).stdout.strip()
               for extra in ({}, {"MUTATION_LIVE_SESSION": "0"},
                             {"MUTATION_LIVE_SESSION": "1"})]
    assert outputs == ["True", "False", "True"]


def test_the_servers_arguments_are_those_of_mutmuts_whole_run():
    import budget
    from mutmut.runners.harness import PytestRunner

    runner = PytestRunner.__new__(PytestRunner)
    runner._pytest_add_cli_args = ["-p", "plugin"]
    runner._pytest_add_cli_args_test_selection = ["tests", "-m", "not browser"]
    assert budget.run_args(runner) == [
        "--rootdir=.", "--tb=native", "-x", "-q", "-p", "no:randomly", "-p", "no:random-order",
        "tests", "-m", "not browser", "-p", "plugin"]
