"""The workspace as a user meets it (issue 16): `kg run` warm, what opening the workspace adds
to a one-trial query, and `kg related` on the default workspace, all as whole commands.

Each command runs as its own process against a workspace in a temporary folder (built once
first, so the runs are warm), interleaved with the floor it is measured against: the CLI's
own start-up (`kg --help`, which imports the command modules but opens no store). Medians.

    python benchmarks/workspace.py [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.common import headline, table  # noqa: E402

KG = str(Path(sys.executable).parent / "kg")


def _wall(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run([KG, *args], env=env, check=True, capture_output=True)
    return time.perf_counter() - start


def _open_and_close(path: Path, runs: int) -> float:
    """In-process: opening the workspace read-only (lock, RocksDB, staging check) and
    closing it, without the interpreter's start-up."""
    from kg.store import open_store

    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        open_store(f"oxigraph:{path}", read_only=True, create=False).close()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kg-ws-bench-") as tmp:
        store = Path(tmp) / "store"
        env = {**os.environ, "TRIALKG_STORE": str(store)}
        _wall(["build", "-q"], env)  # the workspace, built once
        commands = {
            "kg --help (start-up floor)": ["--help"],
            "kg query trial-overview --param trial=NCT05807880":
                ["query", "trial-overview", "--param", "trial=NCT05807880"],
            "kg related (top 20)": ["related"],
            "kg run (warm: records unchanged)": ["run", "--output", str(Path(tmp) / "out")],
        }
        samples: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, argv in commands.items():
                samples[name].append(_wall(argv, env))
        med = {name: statistics.median(v) for name, v in samples.items()}
        opening = _open_and_close(store, max(args.runs, 20))
    floor = med["kg --help (start-up floor)"]
    rows = [[name, f"{value:.2f}", f"{value - floor:+.2f}", f"{value / floor:.1f}x"]
            for name, value in med.items()]
    rows.append(["open + close the workspace (in process)", f"{opening:.3f}", "", ""])
    print(table(["command (median wall s)", "s", "over floor", "ratio"], rows))
    headline("kg run warm (target < 8 s)", f"{med['kg run (warm: records unchanged)']:.2f} s")
    headline("opening the workspace (target < 0.2 s)", f"{opening * 1000:.1f} ms")
    headline("one-trial query over CLI start-up",
             f"{med['kg query trial-overview --param trial=NCT05807880'] - floor:+.2f} s")
    headline("kg related on the workspace, wall (target < 0.5 s)",
             f"{med['kg related (top 20)']:.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
