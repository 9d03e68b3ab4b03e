"""One pytest session, collected once in mutmut's fork server, that every mutant's process
runs its selection through.

mutmut's fork server imports the test modules (`pytest --collect-only`) and forks a process
per mutant, which then calls `pytest.main` on the mutant's tests: it parses the options,
registers some forty plugins, reads the configuration, collects the named files again and
builds their items before its first test runs. For a mutant its first home test kills (most
of them) that start was most of the process: 0.35-0.55 CPU-s of a killed therapy.py mutant's
0.45-0.6, against 0.11-0.15 CPU-s when the items come ready-made (forked from a server that
holds a collected session, same selection, same verdict). At 16,000 mutants that start was
about half an hour of a full run on two cores.

So the fork server configures pytest once with the options mutmut would pass a mutant's run
and the whole test selection, starts the session and collects every item; each mutant's
process then puts its own tests, in its order, into `session.items` and runs pytest's own
test loop (`pytest_runtestloop`: `-x` stops it at the first failure, fixtures are set up
and torn down by pytest's SetupState as in any run). Nothing has run in the server, so no
fixture is set up there: each process builds its fixtures itself, as before. The server
also imports the libraries the statistics run imported (mutation/costs.py records them), so
a library the code imports lazily is imported once rather than in every process (ucumvert,
imported when a unit is first converted, cost each mutant of the matcher 0.4 CPU-s).

This drives pytest below `pytest.main` (`_pytest.config._prepareconfig`,
`Config._do_configure`, the session's hooks), which pytest does not promise to keep: it is
checked on pytest 9.2 by tests/test_mutation_live_session.py, and a mutant whose tests the
session does not hold (a test added since the server collected) runs through `pytest.main`
as before. MUTATION_LIVE_SESSION=0 turns it off.
"""

from __future__ import annotations

import contextlib
import gc
import os
import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

ENABLED = os.environ.get("MUTATION_LIVE_SESSION", "1") != "0"


class LiveSession:
    """A configured pytest session with every item of ``args`` collected and none run."""

    def __init__(self, args: list[str], preload: Iterable[str] = ()) -> None:
        from _pytest.config import _prepareconfig
        from _pytest.main import Session

        self.config = _prepareconfig(list(args), None)
        self.session = Session.from_config(self.config)
        self.config._do_configure()
        self.config.hook.pytest_sessionstart(session=self.session)
        self.config.hook.pytest_collection(session=self.session)
        if self.session.testsfailed:  # a collection error: pytest.main would stop here too
            raise RuntimeError(f"collecting {' '.join(args)} failed "
                               f"({self.session.testsfailed} errors)")
        self.items = {item.nodeid: item for item in self.session.items}
        self.not_preloaded = _import(preload)
        # pytest redirected the server's output to files of its own while it collected;
        # each mutant's process captures its tests' output in files of its own instead
        self._capture = self.config.pluginmanager.getplugin("capturemanager")
        if self._capture is not None:
            self._capture.stop_global_capturing()
        gc.freeze()  # mutation/fresh_caches.py: what a process inherits is not walked

    def holds(self, tests: Iterable[str]) -> bool:
        return all(test in self.items for test in tests)

    def run(self, tests: Iterable[str]) -> int:
        """Run ``tests`` (node ids it holds, at least one) in this order, as `pytest.main`
        with `-x` would; its exit status: 0 passed, 1 a test failed or errored, 2
        interrupted (`pytest.exit` or Ctrl-C: its return code if it gave one), 3 pytest
        itself failed.
        For a process of its own (a fork of the one that built the session): it runs the
        session's hooks, which a second run in the same process would find used."""
        from _pytest.outcomes import Exit

        session = self.session
        session.items = [self.items[test] for test in tests]
        session.testscollected = len(session.items)
        if self._capture is not None:
            self._capture.start_global_capturing()
        base = _own_base_temp(self.config)
        try:
            self.config.hook.pytest_runtestloop(session=session)
        except session.Failed:
            pass  # -x: the first failure stopped the loop
        except (KeyboardInterrupt, Exit) as stop:
            code = getattr(stop, "returncode", None)
            return 2 if code is None else int(code)
        except BaseException:  # noqa: BLE001 - pytest.main's INTERNAL_ERROR
            return 3
        finally:
            _tear_down(session)
            if base is not None:
                shutil.rmtree(base, ignore_errors=True)
        return 1 if session.testsfailed else 0


def _import(names: Iterable[str]) -> list[str]:
    """Import each module named (libraries the tests imported lazily, as recorded by
    mutation/costs.py), so the processes forked from here have them; the names that failed
    to import (a module that only imports in its own context), which cost nothing more."""
    import importlib

    failed = []
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - best effort: the process imports it if it must
            failed.append(name)
    return failed


def _own_base_temp(config):
    """A fresh folder for this process's tmp_path and tmp_path_factory, removed when its
    run ends. pytest's own (/tmp/pytest-of-USER/pytest-N) is kept locked until its process
    exits through Python's atexit, which a mutant's process, ended with os._exit, never
    does: the folders stayed, thousands of them, and each process listed them all to number
    its own (30 ms at 9,000)."""
    factory = getattr(config, "_tmp_path_factory", None)
    if factory is None or factory._given_basetemp is not None:
        return None  # --basetemp: the user's choice stands
    factory._basetemp = Path(tempfile.mkdtemp(prefix="mutant-pytest-")).resolve()
    return factory._basetemp


def _tear_down(session) -> None:
    """Tear down what a stopped loop left set up (the fixtures the failing test shares with
    the next one), as pytest's session end does. The verdict is already known: a finalizer
    that fails here changes nothing, but one that starts a server process must still run."""
    with contextlib.suppress(BaseException):  # the run has its verdict
        session._setupstate.teardown_exact(None)


def warming(warm_up, args_of, preload=lambda: ()):
    """mutmut's PytestRunner.warm_up (run once in the fork server), building a LiveSession
    of ``args_of(runner)`` in mutants/ instead when ENABLED, with the modules ``preload()``
    names imported."""
    from mutmut.utils.file_utils import change_cwd

    def warm(self) -> None:
        if not ENABLED:
            return warm_up(self)
        with change_cwd("mutants"):
            self.live_session = LiveSession(args_of(self), preload())

    return warm


def running(run_tests):
    """mutmut's PytestRunner.run_tests, through the fork server's LiveSession when it holds
    every test asked for; `pytest.main` otherwise (and in processes not forked from it)."""
    from mutmut.utils.file_utils import change_cwd

    def run(self, *, mutant_name, tests):
        tests = list(tests)
        live = getattr(self, "live_session", None)
        if live is None or not tests or not live.holds(tests):
            return run_tests(self, mutant_name=mutant_name, tests=tests)
        with change_cwd("mutants"):
            return live.run(tests)

    return run
