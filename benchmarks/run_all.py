"""`make bench`: every benchmark at a size that finishes in a few minutes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.common import HEADLINE, table  # noqa: E402

BENCHES = [
    ("build of the bundled trial", ["build_bench.py"]),
    ("the workspace as a user meets it: kg run, a query, kg related (issue 16)",
     ["workspace.py", "--runs", "3"]),
    ("library queries and kg related, both stores", ["queries_bench.py", "--runs", "5"]),
    ("related-study ranking against graded labels (issue 13)", ["ranking.py"]),
    ("interactive graph: generate and settle", ["viz_bench.py", "--sizes", "200,2000",
                                                "--runs", "1"]),
    ("what Oxigraph charges per quad to load (the floor under a field build)",
     ["load_floor.py"]),
    ("recognition against NLM's indexing, 2,000 articles of pubmed20n0014 (issue 12)",
     ["recognition.py", "--limit", "2000", "--runs", "3"]),
    ("real PubMed files (a slice of NLM's baseline and update files) against pubmed_parser "
     "and the load floor", ["real_pubmed.py", "--records", "2000"]),
    ("computable eligibility: extraction and kg match", ["match_bench.py", "--trials", "1000",
                                                         "--runs", "3"]),
    ("field scale", ["field.py", "--trials", "500", "--articles", "5000", "--rdflib-trials", "100",
                     "--rdflib-articles", "1000", "--budget", "20", "--runs", "1"]),
]


def main() -> int:
    failed, headlines = [], []
    for title, args in BENCHES:
        script = HERE / args[0]
        if not script.exists():
            print(f"\n== {title}: {args[0]} not present, skipped")
            continue
        print(f"\n== {title}", flush=True)
        code, lines = _run(script, args[1:])
        headlines += [line[len(HEADLINE):].split(" | ", 1) for line in lines
                      if line.startswith(HEADLINE)]
        if code:
            failed.append(title)
    print("\n== summary")
    print(table(["measure", "value"], [[m, v] for m, v in headlines]))
    if failed:
        print("\nfailed: " + ", ".join(failed))
    return 1 if failed else 0


def _run(script: Path, args: list[str]) -> tuple[int, list[str]]:
    """Run one benchmark, echoing its output as it comes, and keep its lines."""
    lines = []
    with subprocess.Popen([sys.executable, str(script), *args], stdout=subprocess.PIPE,
                          text=True, bufsize=1) as child:
        for line in child.stdout:
            print(line, end="", flush=True)
            lines.append(line.rstrip("\n"))
    return child.returncode, lines


if __name__ == "__main__":
    sys.exit(main())
