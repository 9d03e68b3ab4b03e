"""mutmut's first statistics run on every core.

The statistics run (every selected test once, recording which mutated functions each calls,
and here each test's cost: mutation/costs.py) ran in one process: on two cores it was 6 of
the 8.4 minutes a full run spent before its first mutant, with one core idle. Here as many
worker processes as mutmut will use for mutants each run the selection, every test file in
one of them: each worker walks the files in its own order (worker k starts k/n of the way
along, and wraps round) and claims a file before its first test runs it; a file another
worker has claimed is passed by. Claims are taken as the workers reach the files, so they
finish within about one file of each other with no costs known beforehand (a fresh clone
has none). Whole files go to one process, as `make test` gives them to pytest-xdist
(--dist loadfile), so a module's fixtures are built once.

mutmut has no option for this. Its fork-server runner (mutmut 3.8, pinned) runs the
statistics in one forked child and merges what the child measured into its state();
mutation/budget.py replaces that method for a full statistics run with `collect`, which does
the same with n children and merges their test costs into one record.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
import traceback
from dataclasses import dataclass
from pathlib import Path

import pytest
from _pytest import runner as pytest_runner  # its run of one test (no public name)


def _file(item) -> str:
    return item.nodeid.split("::", 1)[0]


class FileClaims:
    """The pytest plugin of worker ``worker`` of ``workers``: runs the test files in its
    order, each only if this worker is the first to claim it in ``claims`` (a folder)."""

    def __init__(self, claims: Path, worker: int, workers: int) -> None:
        self.claims = claims
        self.worker = worker
        self.workers = workers
        self._mine: dict[str, bool] = {}

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items) -> None:
        files = list(dict.fromkeys(_file(item) for item in items))
        start = len(files) * self.worker // self.workers
        place = {name: (n - start) % len(files) for n, name in enumerate(files)}
        items.sort(key=lambda item: place[_file(item)])  # stable: a file keeps its order

    def claimed(self, name: str) -> bool:
        """Is this worker the one to run file ``name``? The first to ask creates its claim."""
        if name not in self._mine:
            path = self.claims / hashlib.sha256(name.encode()).hexdigest()
            try:
                os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
                self._mine[name] = True
            except FileExistsError:
                self._mine[name] = False
        return self._mine[name]

    def _next_claimed(self, item):
        """The first test after ``item`` in a file this worker claims (claiming that file
        now), or None."""
        items = item.session.items
        for later in items[items.index(item) + 1:]:
            if self.claimed(_file(later)):
                return later
        return None

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_protocol(self, item, nextitem):
        """A test of a file another worker claimed is passed by (True: handled, so pytest's
        own protocol never runs for it). A test of this worker's runs by pytest's own
        protocol, told the next test this worker will run: pytest tears a test's fixtures
        down to what the next test shares, and a test passed by shares what this worker
        never set up (its folder, its package)."""
        if not self.claimed(_file(item)):
            return True
        if nextitem is not None and _file(nextitem) != _file(item):
            nextitem = self._next_claimed(item)
        pytest_runner.pytest_runtest_protocol(item, nextitem)
        return True


@dataclass(frozen=True)
class Worker:
    """What a worker process needs to know of its part (set only in the worker)."""
    folder: Path
    number: int
    of: int

    @property
    def costs(self) -> Path:
        return self.folder / f"costs-{self.number}.json"

    @property
    def result(self) -> Path:
        return self.folder / f"result-{self.number}.pickle"

    @property
    def log(self) -> Path:
        return self.folder / f"pytest-{self.number}.log"


current: Worker | None = None  # this process's part, in a worker


def plugins() -> list:
    """The plugins a statistics run adds: the file claims, in a worker."""
    return [] if current is None else [FileClaims(current.folder / "claims", current.number,
                                                  current.of)]


def costs_target() -> Path | None:
    """Where this process's costs recorder writes: a worker writes its part."""
    return None if current is None else current.costs


def _run_worker(runner, worker: Worker, found) -> None:
    """In the forked worker: run the statistics, leave what ``found`` (mutmut's state) then
    holds and exit."""
    global current
    current = worker
    code = 1
    try:
        with open(worker.log, "w") as log:
            sys.stdout = sys.stderr = log
            exit_code = runner.test_runner_class(**runner.test_runner_args).run_stats(tests=[])
            log.flush()
            links = found.tests_by_mangled_function_name
            result = {"exit_code": exit_code,
                      "tests_by_mangled_function_name": {k: set(v) for k, v in links.items()},
                      "duration_by_test": dict(found.duration_by_test),
                      "function_dependencies": {
                          k: set(v) for k, v in found.function_dependencies.items()}}
            with open(worker.result, "wb") as out:
                pickle.dump(result, out)
        code = 0
    except BaseException:
        with open(worker.log, "a") as log:
            log.write(traceback.format_exc())
    finally:
        os._exit(code)


def collect(runner, workers: int, record: Path, found=None) -> int:
    """The full statistics run in ``workers`` processes forked from mutmut's (the parent
    stays free of pytest, as mutmut keeps it), merged into ``found`` (mutmut's state) and,
    when every worker passed, one costs record at ``record``. Returns the first failing exit
    status."""
    import costs  # mutation/costs.py, beside this module

    if found is None:
        from mutmut.state import state

        found = state()

    with tempfile.TemporaryDirectory(prefix="mutation-stats-") as folder:
        (Path(folder) / "claims").mkdir()
        parts = [Worker(Path(folder), number, workers) for number in range(workers)]
        pids = {}
        for worker in parts:
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                _run_worker(runner, worker, found)
            pids[pid] = worker
        failed = 0
        for pid, worker in pids.items():
            _, status = os.waitpid(pid, 0)
            if os.waitstatus_to_exitcode(status) != 0 or not worker.result.exists():
                failed = failed or 1
                _show_log(worker)
                continue
            with open(worker.result, "rb") as stored:
                result = pickle.load(stored)
            for function, tests in result["tests_by_mangled_function_name"].items():
                found.tests_by_mangled_function_name[function] |= tests
            found.duration_by_test.update(result["duration_by_test"])
            for function, callers in result["function_dependencies"].items():
                found.function_dependencies[function] |= callers
            if result["exit_code"] != 0:
                failed = failed or result["exit_code"]
                _show_log(worker)
        recorded = [costs.json_of(worker.costs) for worker in parts]
        if not failed and all(part is not None for part in recorded):
            costs.write(record, costs.merged(recorded))
        return failed


def _show_log(worker: Worker, lines: int = 80) -> None:
    try:
        text = worker.log.read_text(errors="replace").splitlines()
    except OSError:
        return
    print(f"mutation/split_stats.py: statistics worker {worker.number} failed; its last "
          f"{min(lines, len(text))} lines:", *text[-lines:], sep="\n", file=sys.__stderr__,
          flush=True)
