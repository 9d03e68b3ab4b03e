"""`make bench`: every benchmark at a size that finishes in a few minutes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHES = [
    ("build of the bundled trial", ["build_bench.py"]),
    ("library queries and kg related, both stores", ["queries_bench.py", "--runs", "5"]),
    ("interactive graph: generate and settle", ["viz_bench.py", "--quick"]),
    ("what Oxigraph charges per quad to load (the floor under a field build)",
     ["load_floor.py"]),
    ("field scale", ["field.py", "--trials", "500", "--articles", "5000", "--rdflib-trials", "100",
                     "--rdflib-articles", "1000", "--budget", "20", "--runs", "1"]),
]


def main() -> int:
    failed = []
    for title, args in BENCHES:
        script = HERE / args[0]
        if not script.exists():
            print(f"\n== {title}: {args[0]} not present, skipped")
            continue
        print(f"\n== {title}", flush=True)
        code = subprocess.call([sys.executable, str(script), *args[1:]])
        if code:
            failed.append(title)
    if failed:
        print("\nfailed: " + ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
