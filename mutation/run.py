"""Mutation testing for the modules where a silent bug becomes a wrong fact or a lost file.

`make mutation` runs this: mutmut (configured in pyproject.toml, [tool.mutmut]) mutates the
listed modules, runs only the tests that call each mutated function, and this script then
prints the kill rate per module and every surviving mutant. Mutants recorded in
`mutation/equivalent.toml` (beside this script) with a reason count as equivalent: they are
left out of the rate, and an entry whose mutant no longer makes the recorded change is
reported as stale, so the record cannot silently drift from the code. The same file names
the functions that run only while their module is imported (factories of parser tables):
mutmut swaps a function at call time, so their mutants never run; they are listed apart.

    python mutation/run.py                 # mutate what changed since the last run, report
    python mutation/run.py --recheck       # also re-run the survivors (after adding tests)
    python mutation/run.py --report        # only report the last results
    python mutation/run.py 'kg.io.*'       # only these mutants (mutmut's name globs)

Exit status 1 when a module is below the target (80% killed), so it can gate a closing note;
2 when mutmut itself stopped (a selected test failing on the unmutated code, say).
Not part of `make test` or CI: a first run of every module takes hours on two cores; later
runs try only the mutants of changed functions.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parent.parent
EQUIVALENT = Path(__file__).resolve().parent / "equivalent.toml"
TARGET = 0.80
# mutmut's exit codes per mutant (mutmut/stats.py): a timeout or crash is a detected mutant
KILLED = {1, 3, 36, -24, 24, 152, 255, -11, -9}
TIMED_OUT = {36, -24, 24, 152, 255}  # killed by running past its limit (budget.cpu_limit)
SURVIVED = {0}
NO_TESTS = {5, 33}


@dataclass
class Module:
    path: str
    killed: list[str] = field(default_factory=list)
    timed_out: list[str] = field(default_factory=list)  # also in killed
    survived: list[str] = field(default_factory=list)
    no_tests: list[str] = field(default_factory=list)
    equivalent: list[str] = field(default_factory=list)
    import_time: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)  # not checked, suspicious, interrupted

    @property
    def judged(self) -> int:
        return len(self.killed) + len(self.survived) + len(self.no_tests)

    @property
    def rate(self) -> float:
        """Killed among the judged; 0 when nothing was judged (a module not run is no pass)."""
        return len(self.killed) / self.judged if self.judged else 0.0


def mutated_modules() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]
    paths = []
    for source in config["source_paths"]:
        for path in sorted((ROOT / source).rglob("*.py")):
            rel = path.relative_to(ROOT).as_posix()
            if any(fnmatch.fnmatch(rel, pattern) for pattern in config["only_mutate"]):
                paths.append(rel)
    return paths


def equivalents() -> dict[str, dict]:
    """{mutant name: entry} and, under the key "import_time", {function: entry}."""
    if not EQUIVALENT.exists():
        return {"import_time": {}}
    data = tomllib.loads(EQUIVALENT.read_text())
    for kind, needed in (("mutant", {"name", "change", "reason"}),
                         ("import_time", {"function", "reason"})):
        for entry in data.get(kind, []):
            missing = needed - entry.keys()
            if missing:
                sys.exit(f"{EQUIVALENT}: {kind} entry {entry.get('name') or entry.get('function')}"
                         f" lacks {sorted(missing)}")
    known: dict = {}
    for entry in data.get("mutant", []):
        if entry["name"] in known:  # a second record of one mutant would silently win
            sys.exit(f"{EQUIVALENT}: mutant {entry['name']} is recorded twice")
        known[entry["name"]] = entry
    known["import_time"] = {entry["function"]: entry for entry in data.get("import_time", [])}
    return known


def diff(name: str, path: str) -> str:
    from mutmut.mutation.diff_apply import get_diff_for_mutant

    return get_diff_for_mutant(name, path=path)


def recorded(name: str, path: str, known: dict[str, dict], diff_of=diff) -> str | None:
    """What mutation/equivalent.toml says of a mutant: "import_time" (of a function run only
    at import), "equivalent" (recorded, and its diff ``diff_of(name, path)`` still makes the
    recorded change), "stale" (recorded, but the diff no longer does), or None."""
    if name.rsplit("__mutmut_", 1)[0] in known.get("import_time", {}):
        return "import_time"
    if name not in known:
        return None
    return "equivalent" if known[name]["change"] in diff_of(name, path) else "stale"


def collect(known: dict[str, dict]) -> tuple[list[Module], list[str]]:
    modules, stale = [], []
    import_time = known.get("import_time", {})
    for path in mutated_modules():
        module = Module(path)
        meta = ROOT / "mutants" / (path + ".meta")
        codes = json.loads(meta.read_text())["exit_code_by_key"] if meta.exists() else {}
        for name, code in sorted(codes.items()):
            verdict = recorded(name, path, known)
            if verdict in ("import_time", "equivalent"):
                getattr(module, verdict).append(name)
                continue
            if verdict == "stale":
                stale.append(f"{name}: its diff no longer shows {known[name]['change']!r}")
            if code in KILLED:
                module.killed.append(name)
                if code in TIMED_OUT:
                    module.timed_out.append(name)
            elif code in SURVIVED:
                module.survived.append(name)
            elif code in NO_TESTS:
                module.no_tests.append(name)
            else:
                module.other.append(name)
        modules.append(module)
    stale += [f"{name}: no such mutant" for name in known if name != "import_time"
              and not any(name in m.equivalent or name in m.killed + m.survived + m.no_tests
                          + m.other for m in modules)]
    stale += [f"{function}: no mutant of this function" for function in import_time
              if not any(n.startswith(function + "__mutmut_") for m in modules
                         for n in m.import_time)]
    return modules, stale


def report(modules: list[Module], stale: list[str], show_diffs: bool) -> bool:
    print(f"\n{'module':44} {'mutants':>7} {'killed':>6} {'(time)':>6} {'surv.':>5} "
          f"{'no test':>7} {'equiv.':>6} {'import':>6} {'rate':>6}")
    total = Module("all")
    for m in modules:
        flag = ("" if _passes(m) else "  not run" if not m.judged else "  < target")
        if not _count(m):
            flag = "  (nothing to mutate)"
        print(f"{m.path:44} {_count(m):7d} {len(m.killed):6d} {len(m.timed_out):6d} "
              f"{len(m.survived):5d} {len(m.no_tests):7d} {len(m.equivalent):6d} "
              f"{len(m.import_time):6d} {m.rate:6.1%}{flag}")
        for name in ("killed", "timed_out", "survived", "no_tests", "equivalent", "import_time",
                     "other"):
            getattr(total, name).extend(getattr(m, name))
    print(f"{'all':44} {_count(total):7d} {len(total.killed):6d} {len(total.timed_out):6d} "
          f"{len(total.survived):5d} {len(total.no_tests):7d} {len(total.equivalent):6d} "
          f"{len(total.import_time):6d} {total.rate:6.1%}")
    print("rate: killed / (mutants - equivalent - import-time); `(time)`: of the killed, those "
          "that ran past their time limit; `import`: mutants of functions run only at import "
          "(mutation/equivalent.toml), which mutmut cannot try")
    if total.other:
        print(f"not judged yet (an unfinished run, or mutmut's 'suspicious'): {len(total.other)}")
    alive = [(m.path, name, kind) for m in modules
             for kind, names in (("survived", m.survived), ("no tests", m.no_tests))
             for name in names]
    if alive:
        print(f"\nsurviving mutants ({len(alive)}; `mutmut show NAME` prints one):")
        for path, name, kind in alive:
            print(f"  {name}  [{kind}]")
            if show_diffs:
                print("    " + diff(name, path).replace("\n", "\n    "))
    for line in stale:
        print(f"stale entry in {EQUIVALENT.name}: {line}")
    return all(_passes(m) for m in modules) and not stale and not total.other


def _passes(m: Module) -> bool:
    return m.rate >= TARGET or not _count(m)


def _count(m: Module) -> int:
    return m.judged + len(m.equivalent) + len(m.import_time) + len(m.other)


def record_test_costs() -> None:
    """Time every selected test's own seconds and shared fixtures (mutation/costs.py) when
    the tests changed since they were last timed: one run of the selection, a few minutes.
    Before mutmut's first statistics run there is nothing to do: that run times them
    (mutation/budget.py)."""
    sys.path.insert(0, str(Path(__file__).parent))
    import costs

    if costs.load(ROOT) is not None or not (ROOT / "mutants" / "mutmut-stats.json").exists():
        return
    command = [sys.executable, "-m", "pytest", *costs.command_args(ROOT)]
    print("+", " ".join(command), flush=True)
    if subprocess.run(command, cwd=ROOT, check=False).returncode != 0:
        sys.exit("mutation/run.py: the selected tests fail before any mutation; fix them first")


def mutmut(*args: str) -> int:
    """mutmut run (through budget.py) on the named mutants or all; its exit status."""
    command = [sys.executable, str(Path(__file__).with_name("budget.py")), "run", "--max-children",
               os.environ.get("MUTATION_WORKERS", str(os.cpu_count() or 2)), *args]
    print("+", " ".join(command), flush=True)
    started = time.monotonic()
    status = subprocess.run(command, cwd=ROOT, check=False).returncode
    print(f"mutation/run.py: mutmut ran for {(time.monotonic() - started) / 60:.1f} min",
          flush=True)
    return status


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="mutant name globs (default: all)")
    parser.add_argument("--report", action="store_true", help="report the last results only")
    parser.add_argument("--recheck", action="store_true",
                        help="re-run surviving mutants too (mutmut keeps earlier verdicts)")
    parser.add_argument("--diff", action="store_true", help="print each survivor's diff")
    args = parser.parse_args()
    os.chdir(ROOT)
    status = 0
    if not args.report:
        record_test_costs()
        status = mutmut(*args.names)
        if args.recheck and not status:
            modules, _ = collect(equivalents())
            again = [name for m in modules for name in m.survived + m.no_tests + m.other
                     if not args.names or any(fnmatch.fnmatch(name, g) for g in args.names)]
            if again:
                status = mutmut(*again)
    modules, stale = collect(equivalents())
    passed = report(modules, stale, args.diff)
    if status:
        print(f"mutation/run.py: mutmut stopped with status {status} before judging every "
              "mutant (its output above says why); the figures are those of earlier runs",
              file=sys.stderr)
        return 2
    return 0 if passed else 1


if __name__ == "__main__":
    sys.exit(main())
