"""What each test really costs a mutant's run: a pytest plugin, and the file it writes.

mutmut times only a test's call phase. A mutant's process pays for the fixtures as well: a
test whose call takes a millisecond may need a module fixture that builds the bundled graph
or starts a stand-in server, and every mutant that selects it builds it again. Choosing the
"fastest" tests by call time alone picked exactly those: a function of kg/rdf/iris.py kept
22 tests whose calls took 2.8 s and whose run took 10 s.

This plugin times every fixture set-up and records, per test, its own cost (call, teardown
and function-scoped fixtures) and the shared fixtures (module, class, package or session
scope) it needs, each timed once; mutation/budget.py charges a shared fixture once per
selection. It also records the test during whose set-up each shared fixture was built:
mutmut links what the fixture calls to that test alone. One run of the selected suite
writes ``mutants/test-costs.json``, keyed by a hash of the test files, so it is measured
again only when the tests change.

    python -m pytest -q -p no:randomly -p mutation.costs [mutmut's test selection]
    (mutation/run.py runs it: costs.command_args)
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

import pytest
import tomllib

ROOT = Path(__file__).resolve().parent.parent


def record_path(root: Path = ROOT) -> Path:
    """Where the costs of ``root``'s tests are recorded."""
    return root / "mutants" / "test-costs.json"


def tests_fingerprint(root: Path = ROOT) -> str:
    """A hash of every file under tests/ (names and bytes): the costs belong to these tests."""
    digest = hashlib.sha256()
    for path in sorted((root / "tests").rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def selection(root: Path = ROOT) -> list[str] | None:
    """mutmut's selection of tests and its added pytest arguments, as ``root``'s
    pyproject.toml [tool.mutmut] gives them (None without one): what the costs belong to."""
    try:
        config = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["mutmut"]
    except (OSError, KeyError):
        return None
    return [*config["pytest_add_cli_args_test_selection"], *config["pytest_add_cli_args"]]


def command_args(root: Path = ROOT) -> list[str]:
    """pytest's arguments for timing mutmut's selection of tests in a run of their own (a run
    of a few files is no record of the suite)."""
    return ["-q", "-p", "no:randomly", "-p", "mutation.costs", *selection(root)]


def load(root: Path = ROOT) -> dict | None:
    """The recorded costs when they were measured on the current tests and selection, else
    None."""
    data = json_of(record_path(root))
    if data is None or data.get("selection") != selection(root):
        return None
    return data if data.get("fingerprint") == tests_fingerprint(root) else None


def json_of(path: Path) -> dict | None:
    """A record as written, or None when there is none."""
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def _shared_key(node_id: str, argname: str, param_index: int) -> str:
    return f"{node_id}::{argname}[{param_index}]"


class CostRecorder:
    """The plugin: ``root`` is the project the record is for (default: pytest's rootdir);
    mutmut's statistics run works in a copy of it, mutants/."""

    def __init__(self, root: Path | None = None, target: Path | None = None) -> None:
        self.root = root
        self.target = target  # default: record_path(root); a worker's part of a split run
        self.own: dict[str, float] = {}
        self._ran: set[str] = set()
        self.shared_cost: dict[str, float] = {}
        self.shared_of: dict[str, list[str]] = {}
        self.built_by: dict[str, str] = {}
        self._item: str | None = None

    @pytest.hookimpl(hookwrapper=True)
    def pytest_fixture_setup(self, fixturedef, request):
        start = time.perf_counter()
        yield
        spent = time.perf_counter() - start
        if fixturedef.scope == "function":
            if self._item is not None:
                self.own[self._item] = self.own.get(self._item, 0.0) + spent
            return
        key = _shared_key(request.node.nodeid, fixturedef.argname,
                          getattr(request, "param_index", 0))
        # a fixture torn down and set up again keeps its dearest set-up
        self.shared_cost[key] = max(self.shared_cost.get(key, 0.0), spent)
        if self._item is not None:
            self.built_by.setdefault(key, self._item)

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_protocol(self, item, nextitem):
        self._item = item.nodeid
        self.own.setdefault(item.nodeid, 0.0)
        self.shared_of[item.nodeid] = sorted(_shared_fixtures(item))
        yield
        self._item = None
        if item.nodeid not in self._ran:  # passed by (another worker runs its file): no cost
            self.own.pop(item.nodeid, None)
            self.shared_of.pop(item.nodeid, None)

    def pytest_runtest_logreport(self, report):
        self._ran.add(report.nodeid)
        if report.when in ("call", "teardown"):
            self.own[report.nodeid] = self.own.get(report.nodeid, 0.0) + report.duration

    def pytest_sessionfinish(self, session, exitstatus):
        if exitstatus != 0:
            return  # the costs of a failing suite are not the costs of the suite
        root = self.root or session.config.rootpath
        data = {"fingerprint": tests_fingerprint(root), "selection": selection(root),
                "tests": {t: {"own": round(self.own.get(t, 0.0), 4), "shared": shared}
                          for t, shared in sorted(self.shared_of.items())},
                "shared": {k: round(v, 4) for k, v in sorted(self.shared_cost.items())},
                "built_by": dict(sorted(self.built_by.items())),
                "imports": libraries_imported()}
        write(self.target or record_path(root), data)


def libraries_imported() -> list[str]:
    """The modules of the standard library and installed packages this process has
    imported (none of the project's, which mutmut mutates, nor a test's temporary ones):
    mutation/live_session.py imports them in the fork server, so a mutant's process does
    not import them again (ucumvert alone, imported when a unit is first converted, cost
    each match mutant 0.4 CPU-s)."""
    import sys
    import sysconfig

    homes = tuple({str(Path(sysconfig.get_paths()[key]).resolve()) + os.sep
                   for key in ("stdlib", "platstdlib", "purelib", "platlib")})
    out = []
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None)
        if name != "__main__" and path and str(Path(path).resolve()).startswith(homes):
            out.append(name)
    return sorted(out)


def write(target: Path, data: dict) -> None:
    """Write a record whole or not at all."""
    target.parent.mkdir(exist_ok=True)
    partial = target.with_name(target.name + ".part")
    partial.write_text(json.dumps(data, indent=0))
    os.replace(partial, target)


def merged(parts: list[dict]) -> dict:
    """One record from the records of workers that each ran some of the test files
    (mutation/split_stats.py): a shared fixture both built keeps its dearer set-up and the
    test of the first part that built it."""
    tests: dict = {}
    shared: dict[str, float] = {}
    built_by: dict[str, str] = {}
    imports: set[str] = set()
    for part in parts:
        tests.update(part["tests"])
        imports.update(part.get("imports", ()))
        for key, cost in part["shared"].items():
            shared[key] = max(shared.get(key, 0.0), cost)
        for key, test in part["built_by"].items():
            built_by.setdefault(key, test)
    return {"fingerprint": parts[0]["fingerprint"], "selection": parts[0]["selection"],
            "tests": dict(sorted(tests.items())), "shared": dict(sorted(shared.items())),
            "built_by": dict(sorted(built_by.items())), "imports": sorted(imports)}


def _shared_fixtures(item) -> set[str]:
    """The keys of the fixtures of wider than function scope this test sets up or reuses,
    named as pytest_fixture_setup names them (the node of the fixture's scope)."""
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return set()
    scope_node = {"session": item.session,
                  "package": item.getparent(pytest.Package) or item.session,
                  "module": item.getparent(pytest.Module),
                  "class": item.getparent(pytest.Class) or item.getparent(pytest.Module)}
    indices = getattr(getattr(item, "callspec", None), "indices", {})
    keys = set()
    for name in info.names_closure:
        definitions = info.name2fixturedefs.get(name)
        if not definitions or definitions[-1].scope == "function":
            continue
        node = scope_node.get(definitions[-1].scope)
        if node is not None:
            keys.add(_shared_key(node.nodeid, name, indices.get(name, 0)))
    return keys


_recorder = CostRecorder()


def pytest_configure(config):
    config.pluginmanager.register(_recorder, "mutation-costs")
