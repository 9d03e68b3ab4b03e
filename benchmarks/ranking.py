"""Ranking quality: nDCG@10 and precision@5 of `kg related` for the bundled seed against the
graded labels in benchmarks/ranking-labels.tsv (criteria: ranking-labels.md), for the
current weights and for the weights before issue 13, on the same graph.

    python benchmarks/ranking.py [--store memory|oxigraph:]

Figures, never assertions: the tests assert the ranking's invariants instead.
"""

from __future__ import annotations

import argparse
import csv
import math
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.common import headline, table  # noqa: E402
from benchmarks.ranking_previous import previous_ranking  # noqa: E402
from kg import resources  # noqa: E402
from kg.pipeline.build import BuildOptions, build  # noqa: E402
from kg.rdf import iris  # noqa: E402
from kg.views.related import find_related  # noqa: E402

LABELS = HERE / "ranking-labels.tsv"
RELEVANT = 2  # grade from which a study counts for precision


def load_labels(path: Path = LABELS) -> dict[str, int]:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines()
             if line and not line.startswith("#")]
    return {row["id"]: int(row["grade"]) for row in csv.DictReader(lines, delimiter="\t")}


def identifier(iri: str) -> str:
    for prefix in (str(iris.trial("")), str(iris.article(""))):
        if iri.startswith(prefix):
            return iri[len(prefix):]
    return iri


def ndcg(ranked: list[str], labels: dict[str, int], k: int = 10) -> float:
    def dcg(grades: list[int]) -> float:
        return sum((2 ** g - 1) / math.log2(i + 2) for i, g in enumerate(grades[:k]))

    ideal = dcg(sorted(labels.values(), reverse=True))
    return dcg([labels.get(i, 0) for i in ranked]) / ideal if ideal else 0.0


def precision(ranked: list[str], labels: dict[str, int], k: int = 5) -> float:
    return sum(1 for i in ranked[:k] if labels.get(i, 0) >= RELEVANT) / k


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--store", default="memory")
    args = ap.parse_args(argv)
    labels = load_labels()
    store = build(BuildOptions(store=args.store)).store  # the bundled trial and corpus
    seed = iris.trial(resources.BUNDLED_NCT)
    rankings = {
        "current weights": [r.identifier for r in find_related(store, seed)],
        "previous weights (before issue 13)": [identifier(c) for c, _ in
                                               previous_ranking(store, seed)],
    }
    rows = []
    for name, ranked in rankings.items():
        unlabelled = [i for i in ranked if i not in labels]
        rows.append([name, f"{ndcg(ranked, labels):.3f}", f"{precision(ranked, labels):.2f}",
                     ", ".join(unlabelled) or "-"])
    print(f"{len(labels)} graded studies; seed {resources.BUNDLED_NCT}")
    print(table(["ranking", "nDCG@10", "P@5", "unlabelled results (grade 0)"], rows))
    for name, ranked in rankings.items():
        print(f"\ntop 10, {name}:")
        for rank, ident in enumerate(ranked[:10], start=1):
            print(f"{rank:>3}. {ident:<12} grade {labels.get(ident, '?')}")
    for (name, _), row in zip(rankings.items(), rows, strict=True):
        short = "current" if name.startswith("current") else "previous"
        headline(f"related ranking nDCG@10 / P@5 ({short} weights)", f"{row[1]} / {row[2]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
