"""The related-study ranking as it was before issue 13 (commit 2697d3d), kept only so that
benchmarks/ranking.py can measure the new ranking against it on the same graph.

Its queries are copied unchanged into benchmarks/previous_related/; its weights are below.
It saw the disease (registered, MeSH or text, per seed condition), the drug (registered or
text) and the drug class (direct or broader, per candidate drug), citation and DataBank
links, and MeSH overlap with the seed's citations; not the setting, the line, a drug's role
or the kind of study."""

from __future__ import annotations

from pathlib import Path

from rdflib import URIRef

from kg.rdf import iris
from kg.store import Store
from kg.store.sparql import fill_values
from kg.views.query import parse_query_file
from kg.views.related import mesh_check_tags

QUERIES = Path(__file__).resolve().parent / "previous_related"
WEIGHTS = {
    ("condition", "registered"): 4.0, ("condition", "mesh"): 4.0, ("condition", "text"): 3.0,
    ("drug", "registered"): 3.0, ("drug", "text"): 2.0,
    ("class", "direct"): 2.0, ("class", "broader"): 1.0,
    ("link", "cited"): 3.0, ("link", "databank"): 4.0,
}
MESH_POINT, MESH_CAP = 0.5, 2.0
_TRIAL = str(iris.trial(""))


def _run(store: Store, name: str, seed: URIRef, tables: dict | None = None) -> list[dict]:
    text = parse_query_file(QUERIES / f"{name}.rq", check=False).text
    if tables:
        text = fill_values(text, tables)
    return store.query(text, {"seed": seed}).rows


def _true(term) -> bool:
    return str(term).lower() in ("true", "1")


def previous_ranking(store: Store, seed: URIRef) -> list[tuple[str, float]]:
    """(candidate IRI, score), best first, ties as before: trials first, then IRI."""
    class_rows = _run(store, "seed-class-drugs", seed)
    conditions = [(r["condition"], r["seedCondition"])
                  for r in _run(store, "seed-conditions", seed)]
    best: dict[str, dict[tuple[str, str], float]] = {}

    def add(candidate, kind: str, key: str, points: float) -> None:
        slot = best.setdefault(str(candidate), {})
        slot[(kind, key)] = max(points, slot.get((kind, key), 0.0))

    for r in _run(store, "shared-conditions", seed,
                  {("condition", "seedCondition"): conditions}):
        add(r["candidate"], "condition", str(r["seedCondition"]),
            WEIGHTS[("condition", str(r["via"]))])
    for r in _run(store, "shared-drugs", seed):
        add(r["candidate"], "drug", str(r["drug"]), WEIGHTS[("drug", str(r["via"]))])
    table = [(r["drug"], r["drugClass"], r["seedDrug"], r["broader"]) for r in class_rows]
    for r in _run(store, "shared-drug-classes", seed,
                  {("drug", "drugClass", "seedDrug", "broader"): table}):
        via = "broader" if _true(r.get("broader", "false")) else "direct"
        add(r["candidate"], "class", str(r["drug"]), WEIGHTS[("class", via)])
    for r in _run(store, "citation-links", seed):
        add(r["candidate"], "link", str(r["link"]), WEIGHTS[("link", str(r["link"]))])
    for r in _run(store, "mesh-overlap", seed,
                  {("seed",): [(seed,)], ("descriptor",): mesh_check_tags()}):
        add(r["candidate"], "mesh", "overlap", min(MESH_CAP, MESH_POINT * int(r["shared"])))
    scored = [(c, round(sum(s.values()), 2)) for c, s in best.items()]
    scored.sort(key=lambda cs: (-cs[1], not cs[0].startswith(_TRIAL), cs[0]))
    return scored
