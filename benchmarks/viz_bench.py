"""How long the graph page takes to generate and to settle in headless Chromium.

Graphs are SYNTHETIC (kg.views.viz.synthetic: trials with arms, sites, drugs and conditions;
articles with authors, journals and MeSH terms), at about 200, 2,000 and 10,000 drawn
nodes; the node cap is raised so every node is drawn. "generate" is RDF graph -> view model
-> HTML file (kg.views.viz.write_viz); "settle" is navigation start -> layout stabilised and
physics off (the page's own ready flag, measured inside the page). Medians of a few runs,
fewer at 10,000 nodes.

    .venv/bin/python benchmarks/viz_bench.py [--sizes 200,2000,10000] [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.common import headline  # noqa: E402
from kg.views.viz import write_viz  # noqa: E402
from kg.views.viz.synthetic import synthetic_graph  # noqa: E402
from tests.viz.browser import missing_reason, offline_chrome, open_page  # noqa: E402


def bench(sizes: list[int], runs: int, big_runs: int) -> list[dict]:
    rows = []
    reason = missing_reason()
    driver = None if reason else offline_chrome()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for size in sizes:
                n_runs = big_runs if size >= 10_000 else runs
                graph = synthetic_graph(size)
                path = Path(tmp) / f"graph-{size}.html"
                generate, settle = [], []
                summary = None
                for _ in range(n_runs):
                    start = time.perf_counter()
                    summary = write_viz(graph, path, max_nodes=max(2 * size, 2000))
                    generate.append(time.perf_counter() - start)
                    if driver is not None:
                        driver.get("about:blank")
                        open_page(driver, path, timeout=600)
                        settle.append(driver.execute_script("return kgViz.readyAt") / 1000)
                assert summary is not None
                rows.append({"size": size, "nodes": summary.nodes_drawn,
                             "edges": summary.edges_drawn, "runs": n_runs,
                             "mb": path.stat().st_size / 1e6 if path.exists() else 0.0,
                             "generate": statistics.median(generate),
                             "settle": statistics.median(settle) if settle else None})
                print(_row(rows[-1]), flush=True)
                if rows[-1]["settle"] is not None:
                    headline(f"kg viz, {rows[-1]['nodes']:,} nodes: page settles",
                             f"{rows[-1]['settle']:.2f} s")
    finally:
        if driver is not None:
            driver.quit()
    if reason:
        print(f"(no browser timings: {reason})")
    return rows


HEADER = (f"{'target':>7} {'nodes':>7} {'edges':>7} {'page MB':>8} {'generate s':>11} "
          f"{'settle s':>9} {'runs':>5}")


def _row(r: dict) -> str:
    settle = f"{r['settle']:9.2f}" if r["settle"] is not None else f"{'n/a':>9}"
    return (f"{r['size']:>7,} {r['nodes']:>7,} {r['edges']:>7,} {r['mb']:>8.2f} "
            f"{r['generate']:>11.2f} {settle} {r['runs']:>5}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="200,2000,10000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--big-runs", type=int, default=1, help="runs at 10,000+ nodes")
    args = parser.parse_args()
    print("kg viz on SYNTHETIC trial+article graphs, headless Chromium (offline), medians")
    print(HEADER)
    bench([int(s) for s in args.sizes.split(",")], args.runs, args.big_runs)


if __name__ == "__main__":
    main()
