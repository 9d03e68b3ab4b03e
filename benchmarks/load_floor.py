"""The floor under a field build: what Oxigraph charges per quad to load, on this machine.

A field build parses, maps and loads; the load alone is a lower bound on its time. This
measures pyoxigraph's ``bulk_load`` on N-Quads from a synthetic field (the same quads a field
build loads: per-record named graphs), in CPU microseconds per quad (threads included):
on disk (what a persistent store needs), on disk with ``lenient=True`` (what kg/pipeline/bulk.py
uses), in memory (not persistent; for comparison), and the same triples in the default
graph (fewer indexes: what per-record named graphs cost). It then prints the build time the
load alone implies for a field of the size given, with every core loading and nothing else
running.

    python benchmarks/load_floor.py [--trials 200 --articles 5000] [--field-quads 15000000]
"""

from __future__ import annotations

import argparse
import re
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import headline, table  # noqa: E402
from benchmarks.synthetic_field import generate  # noqa: E402


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _measure(load, quads: int) -> tuple[float, float]:
    """(wall s, CPU us per quad) of one load."""
    wall, cpu = time.perf_counter(), _cpu()
    load()
    return time.perf_counter() - wall, (_cpu() - cpu) / quads * 1e6


def _nquads(work: Path, trials: int, articles: int) -> tuple[Path, Path, int]:
    """N-Quads and N-Triples of a synthetic field, as a field build stores them."""
    import pyoxigraph as ox

    from kg.pipeline.bulk import build_field

    field = generate(work / "field", trials, articles, seed=7)
    build_field(work / "store", field.all_trial_files, field.all_pubmed_files)
    store = ox.Store(str(work / "store"))
    nq, nt = work / "field.nq", work / "field.nt"
    store.dump(output=str(nq), format=ox.RdfFormat.N_QUADS)
    del store
    graph = re.compile(r" <[^>]*> \.$")
    quads = 0
    with nq.open(encoding="utf-8") as src, nt.open("w", encoding="utf-8") as out:
        for line in src:
            out.write(graph.sub(" .", line.rstrip("\n")) + "\n")
            quads += 1
    return nq, nt, quads


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--trials", type=int, default=200)
    ap.add_argument("--articles", type=int, default=5000)
    ap.add_argument("--field-quads", type=int, default=15_000_000,
                    help="quads of the field to project to (default: 10k trials/100k articles)")
    ap.add_argument("--cores", type=int, default=2)
    args = ap.parse_args(argv)
    import pyoxigraph as ox

    work = Path(tempfile.mkdtemp(prefix="trialkg-load-floor-"))
    try:
        nq, nt, quads = _nquads(work, args.trials, args.articles)
        cases = {
            "on disk, N-Quads (named graphs)": lambda: ox.Store(str(work / "a")).bulk_load(
                path=str(nq), format=ox.RdfFormat.N_QUADS),
            "on disk, N-Quads, lenient (bulk build)": lambda: ox.Store(str(work / "b")).bulk_load(
                path=str(nq), format=ox.RdfFormat.N_QUADS, lenient=True),
            "on disk, same triples in the default graph": lambda: ox.Store(
                str(work / "c")).bulk_load(path=str(nt), format=ox.RdfFormat.N_TRIPLES,
                                           lenient=True),
            "in memory, N-Quads, lenient (not persistent)": lambda: ox.Store().bulk_load(
                path=str(nq), format=ox.RdfFormat.N_QUADS, lenient=True),
        }
        rows = []
        for name, load in cases.items():
            wall, per_quad = _measure(load, quads)
            floor = per_quad * args.field_quads / 1e6 / args.cores
            rows.append([name, f"{wall:.2f}", f"{per_quad:.1f}", f"{floor:.0f}"])
            if "kg/pipeline/bulk.py" in name:
                headline("Oxigraph on-disk bulk load (the floor under a field build)",
                         f"{per_quad:.1f} us CPU a quad: {floor:.0f} s for "
                         f"{args.field_quads / 1e6:.1f}M quads on {args.cores} cores")
        print(f"{quads:,} quads from {args.trials:,} synthetic trials and {args.articles:,} "
              f"articles")
        print(table(["bulk_load", "wall s", "CPU us/quad",
                     f"s for {args.field_quads / 1e6:.1f}M quads on {args.cores} cores"], rows))
        print("The last column is a floor for the load alone: parsing and mapping come on top.")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
