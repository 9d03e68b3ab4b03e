"""`kg build` of the bundled trial (trial only, and with the corpus): per-stage medians.

    python benchmarks/build_bench.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import headline, ms, table  # noqa: E402
from kg.pipeline.build import BuildOptions, build  # noqa: E402
from kg.pipeline.run import write_graph_files  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args(argv)
    rows = []
    for label, opts in (("trial only", BuildOptions(corpus=False)),
                        ("trial + corpus", BuildOptions())):
        stages: dict[str, list[float]] = {}
        with tempfile.TemporaryDirectory() as out:
            for _ in range(args.runs):
                result = build(opts)
                write_graph_files(result, Path(out))
                for stage, secs in result.timings.stages.items():
                    stages.setdefault(stage, []).append(secs)
        total = sum(statistics.median(v) for v in stages.values())
        for stage, values in stages.items():
            rows.append([label, stage, ms(statistics.median(values))])
        rows.append([label, "TOTAL (in process)", ms(total)])
    print(table(["graph", "stage", "median ms"], rows))
    with tempfile.TemporaryDirectory() as out:
        walls = []
        for _ in range(3):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "kg", "build", "--output", out], check=True,
                           capture_output=True)
            walls.append(time.perf_counter() - start)
    print(f"\n`kg build` wall time including interpreter start-up and imports: "
          f"median {ms(statistics.median(walls))} ms")
    headline("kg build, bundled trial: wall incl. start-up", f"{ms(statistics.median(walls))} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
