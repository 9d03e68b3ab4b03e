"""The statistics run on every core (mutation/split_stats.py): each test file runs once, in
one worker, and the workers' links and test costs add up to one run's.

The projects here are synthetic: a few test files that log what runs."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "mutation"))

import costs  # noqa: E402
import split_stats  # noqa: E402

FILES = ("test_a.py", "test_b.py", "test_c.py", "test_d.py")
# importlib: each project's test_a.py is a module of its own in this process
PYTEST_ARGS = ["-q", "-p", "no:cacheprovider", "-p", "no:randomly", "--import-mode=importlib",
               "tests"]


@pytest.fixture(autouse=True)
def _no_worker(monkeypatch):
    """These tests may run inside a worker of a real split statistics run (the mutation
    run's own), whose part they must neither see nor change."""
    monkeypatch.setattr(split_stats, "current", None)


@pytest.fixture(autouse=True)
def _forget_project_modules(tmp_path):
    """The projects' test modules imported in this process (pytest.main here) are forgotten,
    so the next project's same-named tests/test_a.py is read, not the cached module."""
    yield
    for name, module in list(sys.modules.items()):
        if str(getattr(module, "__file__", None) or "").startswith(str(tmp_path)):
            del sys.modules[name]


def _project(tmp_path: Path, failing: str = "") -> Path:
    """Four test files whose tests, and module fixture set-ups and teardowns, append their
    names to run.log; ``failing`` names a file whose second test fails."""
    tests = tmp_path / "tests"
    tests.mkdir(parents=True)
    for name in FILES:
        stem = name[:-3]
        (tests / name).write_text(
            "import pytest\n"
            "def log(text):\n"
            "    with open('run.log', 'a') as f:\n"
            "        f.write(text + '\\n')\n"
            "@pytest.fixture(scope='module')\n"
            f"def built():\n    log('{stem} setup')\n    yield\n    log('{stem} teardown')\n"
            f"def test_one(built):\n    log('{stem}::one')\n"
            f"def test_two(built):\n    log('{stem}::two')\n"
            f"    assert {name == failing!r} is False\n")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.mutmut]\npytest_add_cli_args_test_selection = ["tests"]\n'
        'pytest_add_cli_args = ["-p", "no:cacheprovider"]\n')
    return tmp_path


def _run_worker_pytest(project: Path, claims: Path, worker: int, workers: int,
                       extra: list | None = None) -> int:
    os.chdir(project)
    claims_plugin = split_stats.FileClaims(claims, worker, workers)
    return int(pytest.main(PYTEST_ARGS, plugins=[claims_plugin, *(extra or [])]))


def test_a_worker_starts_its_share_along_the_files_and_passes_by_a_claimed_one(
        tmp_path, monkeypatch):
    project = _project(tmp_path)
    claims = tmp_path / "claims"
    claims.mkdir()
    monkeypatch.chdir(project)
    # another worker already runs test_c.py
    assert split_stats.FileClaims(claims, 0, 2).claimed("tests/test_c.py")
    assert _run_worker_pytest(project, claims, 1, 2) == 0
    # worker 1 of 2 starts half-way (test_c, claimed: passed by), then wraps round to a, b;
    # each file's module fixture is set up once and torn down before the next file
    assert (project / "run.log").read_text().split("\n")[:-1] == [
        "test_d setup", "test_d::one", "test_d::two", "test_d teardown",
        "test_a setup", "test_a::one", "test_a::two", "test_a teardown",
        "test_b setup", "test_b::one", "test_b::two", "test_b teardown"]
    assert len(list(claims.iterdir())) == 4  # every file claimed, each once


def test_a_file_passed_by_in_another_folder_leaves_nothing_set_up(tmp_path, monkeypatch):
    """pytest tears a test down to what the next test shares: told a passed-by test of
    tests/sub/ came next, it kept tests/sub/ set up, and the next test run, outside it, failed
    with "previous item was not torn down properly" (seen in the real suite)."""
    (tmp_path / "tests" / "sub").mkdir(parents=True)
    (tmp_path / "tests" / "sub" / "__init__.py").write_text("")  # a package, set up apart
    log = "def log(t):\n    open('run.log', 'a').write(t + '\\n')\n"
    (tmp_path / "tests" / "sub" / "conftest.py").write_text(
        "import pytest\n" + log + "@pytest.fixture(scope='package')\n"
        "def pkg():\n    log('sub setup')\n    yield\n    log('sub teardown')\n")
    for name in ("test_x.py", "test_y.py"):
        (tmp_path / "tests" / "sub" / name).write_text(
            log + f"def test_it(pkg):\n    log('{name}')\n")
    (tmp_path / "tests" / "test_z.py").write_text(log + "def test_it():\n    log('test_z.py')\n")
    claims = tmp_path / "claims"
    claims.mkdir()
    monkeypatch.chdir(tmp_path)
    assert split_stats.FileClaims(claims, 1, 2).claimed("tests/sub/test_y.py")
    assert _run_worker_pytest(tmp_path, claims, 0, 2) == 0
    assert (tmp_path / "run.log").read_text().split("\n")[:-1] == [
        "sub setup", "test_x.py", "sub teardown", "test_z.py"]


def test_a_claim_is_asked_once_and_the_first_to_ask_has_it(tmp_path):
    one = split_stats.FileClaims(tmp_path, 0, 2)
    two = split_stats.FileClaims(tmp_path, 1, 2)
    assert one.claimed("tests/test_a.py") and one.claimed("tests/test_a.py")
    assert not two.claimed("tests/test_a.py")
    assert two.claimed("tests/test_b.py") and not one.claimed("tests/test_b.py")


def test_the_first_worker_keeps_the_files_order(tmp_path, monkeypatch):
    project = _project(tmp_path)
    claims = tmp_path / "claims"
    claims.mkdir()
    monkeypatch.chdir(project)
    assert _run_worker_pytest(project, claims, 0, 2) == 0
    ran = [line for line in (project / "run.log").read_text().split("\n") if "::one" in line]
    assert ran == ["test_a::one", "test_b::one", "test_c::one", "test_d::one"]


def test_a_test_passed_by_has_no_recorded_cost(tmp_path, monkeypatch):
    project = _project(tmp_path)
    claims = tmp_path / "claims"
    claims.mkdir()
    monkeypatch.chdir(project)
    split_stats.FileClaims(claims, 0, 2).claimed("tests/test_a.py")
    target = tmp_path / "part.json"
    recorder = costs.CostRecorder(project, target=target)
    assert _run_worker_pytest(project, claims, 0, 2, [recorder]) == 0
    record = json.loads(target.read_text())
    assert sorted(record["tests"]) == [f"tests/test_{s}.py::test_{n}" for s in "bcd"
                                       for n in ("one", "two")]
    assert sorted(record["shared"]) == [f"tests/test_{s}.py::built[0]" for s in "bcd"]
    assert not (project / "mutants").exists()  # a worker writes its part, not the record


def test_parts_merge_into_one_record():
    base = {"fingerprint": "f", "selection": ["tests"]}
    one = {**base, "tests": {"t/b::x": {"own": 0.2, "shared": ["::s[0]"]}},
           "shared": {"::s[0]": 0.5, "t/b::m[0]": 0.1}, "built_by": {"::s[0]": "t/b::x"},
           "imports": ["json", "lark"]}
    two = {**base, "tests": {"t/a::y": {"own": 0.1, "shared": ["::s[0]"]}},
           "shared": {"::s[0]": 0.7}, "built_by": {"::s[0]": "t/a::y", "t/a::m[0]": "t/a::y"},
           "imports": ["colorsys", "json"]}
    merged = costs.merged([one, two])
    assert merged == {**base,
                      "tests": {"t/a::y": {"own": 0.1, "shared": ["::s[0]"]},
                                "t/b::x": {"own": 0.2, "shared": ["::s[0]"]}},
                      "shared": {"::s[0]": 0.7, "t/b::m[0]": 0.1},
                      "built_by": {"::s[0]": "t/b::x", "t/a::m[0]": "t/a::y"},
                      "imports": ["colorsys", "json", "lark"]}
    assert list(merged["tests"]) == ["t/a::y", "t/b::x"]  # sorted: the record is stable


class _Runner:
    """A stand-in for mutmut's test runner: its statistics run is pytest over the project
    with split_stats's plugins and a costs recorder, linking each file's tests to a made-up
    function named after the file (mutmut's trampolines do that for mutated code)."""

    def __init__(self, project: Path, found) -> None:
        self.project = project
        self.found = found

    def run_stats(self, *, tests):
        assert tests == []
        found = self.found

        class Links:
            def pytest_runtest_logreport(self, report):
                if report.when == "call":
                    stem = report.nodeid.split("::")[0].rsplit("/", 1)[-1][:-3]
                    found.tests_by_mangled_function_name[f"kg.{stem}.x_f"].add(report.nodeid)
                    found.duration_by_test[report.nodeid] = report.duration

        os.chdir(self.project)
        recorder = costs.CostRecorder(self.project, target=split_stats.costs_target())
        return int(pytest.main(PYTEST_ARGS, plugins=[Links(), recorder, *split_stats.plugins()]))


def _state():
    return SimpleNamespace(tests_by_mangled_function_name=defaultdict(set),
                           duration_by_test={}, function_dependencies=defaultdict(set))


def _fork_server(project: Path, found):
    return SimpleNamespace(test_runner_class=_Runner,
                           test_runner_args={"project": project, "found": found})


def test_two_workers_run_every_file_once_and_add_up_to_one_run(tmp_path, monkeypatch):
    project = _project(tmp_path)
    monkeypatch.chdir(project)
    found = _state()
    found.tests_by_mangled_function_name["kg.old.x_f"].add("tests/test_old.py::t")
    record = project / "mutants" / "test-costs.json"
    assert split_stats.collect(_fork_server(project, found), 2, record, found) == 0
    ran = (project / "run.log").read_text().split("\n")[:-1]
    assert sorted(line for line in ran if "::" in line) == sorted(
        f"test_{s}::{n}" for s in "abcd" for n in ("one", "two"))
    assert sorted(line for line in ran if "setup" in line) == [
        f"test_{s} setup" for s in "abcd"]
    links = found.tests_by_mangled_function_name
    assert links["kg.old.x_f"] == {"tests/test_old.py::t"}  # what mutmut had is kept
    for s in "abcd":
        assert links[f"kg.test_{s}.x_f"] == {f"tests/test_{s}.py::test_one",
                                             f"tests/test_{s}.py::test_two"}
    assert len(found.duration_by_test) == 8
    merged = json.loads(record.read_text())
    assert sorted(merged["tests"]) == sorted(f"tests/test_{s}.py::test_{n}" for s in "abcd"
                                             for n in ("one", "two"))
    assert merged["fingerprint"] == costs.tests_fingerprint(project)
    assert split_stats.current is None  # the parent is no worker


def test_a_failing_worker_fails_the_run_shows_its_output_and_writes_no_record(
        tmp_path, monkeypatch, capfd):
    project = _project(tmp_path, failing="test_b.py")
    monkeypatch.chdir(project)
    found = _state()
    record = project / "mutants" / "test-costs.json"
    assert split_stats.collect(_fork_server(project, found), 2, record, found) == 1
    assert not record.exists()
    err = capfd.readouterr().err
    assert re.search(r"statistics worker [01] failed", err)  # whichever claimed test_b.py
    assert "test_b.py::test_two" in err and "assert True is False" in err


def test_a_worker_that_crashes_is_a_failure_with_its_traceback(tmp_path, monkeypatch, capfd):
    project = _project(tmp_path)
    monkeypatch.chdir(project)

    class Broken(_Runner):
        def run_stats(self, *, tests):
            raise RuntimeError("no pytest here")

    found = _state()
    server = SimpleNamespace(test_runner_class=Broken,
                             test_runner_args={"project": project, "found": found})
    record = project / "mutants" / "test-costs.json"
    assert split_stats.collect(server, 2, record, found) == 1
    err = capfd.readouterr().err
    assert "statistics worker 0 failed" in err and "statistics worker 1 failed" in err
    assert "RuntimeError: no pytest here" in err
    assert not record.exists()


def test_budget_splits_only_a_full_statistics_run_when_asked(tmp_path, monkeypatch):
    import budget

    calls = []
    monkeypatch.setattr(split_stats, "collect",
                        lambda runner, workers, record: calls.append(("split", workers)) or 0)
    runner = SimpleNamespace(max_workers=2, collect_stats=lambda tests: calls.append(
        ("mutmut", tests)) or 0)
    collect = budget.stats_collector(runner, split_stats, Path("record.json"))
    monkeypatch.setattr(budget, "STATS_WORKERS", 0)  # as many as mutmut's workers
    assert collect(None) == 0 and collect([]) == 0
    assert collect(["tests/test_a.py::t"]) == 0  # an incremental run: mutmut's own
    monkeypatch.setattr(budget, "STATS_WORKERS", 5)  # no more than mutmut's workers
    assert collect(None) == 0
    monkeypatch.setattr(budget, "STATS_WORKERS", 1)
    assert collect(None) == 0
    assert calls == [("split", 2), ("split", 2), ("mutmut", ["tests/test_a.py::t"]),
                     ("split", 2), ("mutmut", None)]


def test_the_default_is_mutmuts_single_statistics_process():
    environment = {k: v for k, v in os.environ.items() if k != "MUTATION_STATS_WORKERS"}
    done = subprocess.run([sys.executable, "-c", "import budget; print(budget.STATS_WORKERS)"],
                          cwd=ROOT / "mutation", env=environment, capture_output=True,
                          text=True, check=True)
    assert done.stdout.strip() == "1"
