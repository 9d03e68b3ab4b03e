"""Each library query and `kg related` on the bundled graph, rdflib memory store vs
Oxigraph (in memory): medians of interleaved runs, and their ratio.

    python benchmarks/queries_bench.py [--runs N]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import headline, interleaved, ms, table  # noqa: E402
from kg.pipeline.build import BuildOptions, build  # noqa: E402
from kg.views import query as q  # noqa: E402
from kg.views.related import find_related  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args(argv)
    stores = {}
    for spec in ("memory", "oxigraph:"):
        start = time.perf_counter()
        stores[spec] = build(BuildOptions(store=spec)).store
        print(f"built {spec:<10} {len(stores[spec]):>6} triples in "
              f"{ms(time.perf_counter() - start)} ms")
    rows = []
    work = {name: lq for name, lq in q.library().items()}
    for name, lq in work.items():
        medians = interleaved({spec: (lambda s=s, lq=lq: q.run(s, lq)) for spec, s in
                               stores.items()}, args.runs)
        a, b = medians["memory"], medians["oxigraph:"]
        rows.append([name, ms(a), ms(b), f"{a / b:.1f}x"])
    medians = interleaved({spec: (lambda s=s: find_related(s)) for spec, s in stores.items()},
                          args.runs)
    a, b = medians["memory"], medians["oxigraph:"]
    rows.append(["kg related (finder)", ms(a), ms(b), f"{a / b:.1f}x"])
    print(f"\nmedian of {args.runs} interleaved runs, bundled graph (trial + corpus)")
    print(table(["query", "rdflib ms", "oxigraph ms", "rdflib/oxigraph"], rows))
    ratios = sorted(float(r[3].rstrip("x")) for r in rows[:-1])
    headline("library queries, bundled graph: Oxigraph speed-up over rdflib",
             f"median {ratios[len(ratios) // 2]:.1f}x ({ratios[0]:.1f}x-{ratios[-1]:.1f}x)")
    headline("kg related, bundled graph: rdflib / Oxigraph", f"{ms(a)} / {ms(b)} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
