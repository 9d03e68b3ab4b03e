"""Mutation testing for the modules where a silent bug becomes a wrong fact or a lost file.

`make mutation` runs this: mutmut (configured in pyproject.toml, [tool.mutmut]) mutates the
listed modules, runs only the tests that call each mutated function, and this script then
prints the kill rate per module and every surviving mutant. Mutants recorded in
`mutation/equivalent.toml` (beside this script) with a reason count as equivalent: they are
left out of the rate, and an entry whose mutant no longer makes the recorded change is
reported as stale, so the record cannot silently drift from the code.

    python mutation/run.py                 # mutate what changed since the last run, report
    python mutation/run.py --recheck       # also re-run the survivors (after adding tests)
    python mutation/run.py --report        # only report the last results
    python mutation/run.py 'kg.io.*'       # only these mutants (mutmut's name globs)

Exit status 1 when a module is below the target (80% killed), so it can gate a closing note.
Not part of `make test` or CI: a full run takes most of an hour on two cores.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parent.parent
EQUIVALENT = Path(__file__).resolve().parent / "equivalent.toml"
TARGET = 0.80
# mutmut's exit codes per mutant (mutmut/stats.py): a timeout or crash is a detected mutant
KILLED = {1, 3, 36, -24, 24, 152, 255, -11, -9}
SURVIVED = {0}
NO_TESTS = {5, 33}


@dataclass
class Module:
    path: str
    killed: list[str] = field(default_factory=list)
    survived: list[str] = field(default_factory=list)
    no_tests: list[str] = field(default_factory=list)
    equivalent: list[str] = field(default_factory=list)
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
    if not EQUIVALENT.exists():
        return {}
    entries = tomllib.loads(EQUIVALENT.read_text()).get("mutant", [])
    for entry in entries:
        missing = {"name", "change", "reason"} - entry.keys()
        if missing:
            sys.exit(f"{EQUIVALENT}: entry {entry.get('name', '?')} lacks {sorted(missing)}")
    return {entry["name"]: entry for entry in entries}


def diff(name: str, path: str) -> str:
    from mutmut.mutation.diff_apply import get_diff_for_mutant

    return get_diff_for_mutant(name, path=path)


def collect(known: dict[str, dict]) -> tuple[list[Module], list[str]]:
    modules, stale = [], []
    for path in mutated_modules():
        module = Module(path)
        meta = ROOT / "mutants" / (path + ".meta")
        codes = json.loads(meta.read_text())["exit_code_by_key"] if meta.exists() else {}
        for name, code in sorted(codes.items()):
            if name in known:
                change = known[name]["change"]
                if change in diff(name, path):
                    module.equivalent.append(name)
                    continue
                stale.append(f"{name}: its diff no longer shows {change!r}")
            if code in KILLED:
                module.killed.append(name)
            elif code in SURVIVED:
                module.survived.append(name)
            elif code in NO_TESTS:
                module.no_tests.append(name)
            else:
                module.other.append(name)
        modules.append(module)
    stale += [f"{name}: no such mutant" for name in known
              if not any(name in m.equivalent or name in m.killed + m.survived + m.no_tests
                         + m.other for m in modules)]
    return modules, stale


def report(modules: list[Module], stale: list[str], show_diffs: bool) -> bool:
    print(f"\n{'module':44} {'mutants':>7} {'killed':>6} {'surv.':>5} {'no test':>7} "
          f"{'equiv.':>6} {'rate':>6}")
    for m in modules:
        flag = "" if m.rate >= TARGET else ("  not run" if not m.judged else "  < target")
        print(f"{m.path:44} {m.judged + len(m.equivalent) + len(m.other):7d} {len(m.killed):6d} "
              f"{len(m.survived):5d} {len(m.no_tests):7d} {len(m.equivalent):6d} "
              f"{m.rate:6.1%}{flag}")
    total = Module("all")
    for m in modules:
        total.killed += m.killed
        total.survived += m.survived
        total.no_tests += m.no_tests
        total.equivalent += m.equivalent
    print(f"{'all':44} {total.judged + len(total.equivalent):7d} {len(total.killed):6d} "
          f"{len(total.survived):5d} {len(total.no_tests):7d} {len(total.equivalent):6d} "
          f"{total.rate:6.1%}")
    alive = [(m.path, name, kind) for m in modules
             for kind, names in (("survived", m.survived), ("no tests", m.no_tests),
                                 ("not judged", m.other)) for name in names]
    if alive:
        print(f"\nsurviving mutants ({len(alive)}; `mutmut show NAME` prints one):")
        for path, name, kind in alive:
            print(f"  {name}  [{kind}]")
            if show_diffs:
                print("    " + diff(name, path).replace("\n", "\n    "))
    for line in stale:
        print(f"stale entry in {EQUIVALENT.name}: {line}")
    return all(m.rate >= TARGET for m in modules) and not stale


def mutmut(*args: str) -> None:
    command = [sys.executable, "-m", "mutmut", "run", "--max-children",
               os.environ.get("MUTATION_WORKERS", str(os.cpu_count() or 2)), *args]
    print("+", " ".join(command), flush=True)
    subprocess.run(command, cwd=ROOT, check=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="mutant name globs (default: all)")
    parser.add_argument("--report", action="store_true", help="report the last results only")
    parser.add_argument("--recheck", action="store_true",
                        help="re-run surviving mutants too (mutmut keeps earlier verdicts)")
    parser.add_argument("--diff", action="store_true", help="print each survivor's diff")
    args = parser.parse_args()
    os.chdir(ROOT)
    if not args.report:
        mutmut(*args.names)
        if args.recheck:
            modules, _ = collect(equivalents())
            again = [name for m in modules for name in m.survived + m.no_tests + m.other
                     if not args.names or any(fnmatch.fnmatch(name, g) for g in args.names)]
            if again:
                mutmut(*again)
    modules, stale = collect(equivalents())
    return 0 if report(modules, stale, args.diff) else 1


if __name__ == "__main__":
    sys.exit(main())
