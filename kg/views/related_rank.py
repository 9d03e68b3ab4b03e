"""The store's ranking (``queries/related/rank.rq``): the seed's side of every piece of
evidence with its points from ``kg.views.related_scoring.WEIGHTS`` as VALUES tables, and the
shortlist of the best candidates it gives."""

from __future__ import annotations

from rdflib import Literal, URIRef

from kg.extract.setting_concepts import CONCEPTS
from kg.rdf import iris
from kg.rdf.setting import concept
from kg.store import Store
from kg.store.sparql import fill_values
from kg.views import related_scoring
from kg.views.query import parse_query_file
from kg.views.related_scoring import (
    CONTEXT_RELATIONS,
    WEIGHTS,
    context_points,
    disease_points,
    drug_points,
    mesh_check_tags,
    order,
)
from kg.views.related_seed import RELATED_QUERIES, SeedTables

_TRIAL_PREFIX = str(iris.trial(""))


def shortlist(store: Store, seed: URIRef, tables: SeedTables, size: int,
               kind: str | None = None) -> list[str] | None:
    """The ``size`` best candidates by the store's ranking, ties broken as ``_order`` does;
    None when the store's ranking cannot tell them (then every candidate is explained).

    rank.rq scores only candidates sharing a disease with the seed: any other scores at
    most the no-disease cap, so its answer is the head of the full ranking when ``size``
    candidates score above the cap; a graph with fewer of them is small. The store orders
    by score only, so the candidates at the lowest score it returned may be an arbitrary
    part of a larger tie: only scores above it are complete. Fetch more until ``size``
    complete candidates are in hand or the ranking is exhausted."""
    text = fill_values(parse_query_file(RELATED_QUERIES / "rank.rq", check=False).text,
                       rank_tables(seed, tables))
    cap = WEIGHTS[("no disease", "at most")]
    # Each try costs the whole aggregation (~0.4 s on a 15M-quad field) and returning more
    # rows costs little, so the first asks for plenty: ties at the cut are common.
    fetch = max(size * 10, related_scoring.SHORTLIST_MIN_FETCH)
    while True:
        rows = store.query(f"{text}\nLIMIT {int(fetch)}").rows
        # rdflib answers an empty group with a row that has no candidate: skip it.
        scores = [(round(float(r["score"]), 2), str(r["candidate"])) for r in rows
                  if "candidate" in r and "score" in r]
        lowest = scores[-1][0] if scores else 0.0
        if kind:  # a trial's IRI is its registry page: kind is known without a look-up
            scores = [s for s in scores if s[1].startswith(_TRIAL_PREFIX) == (kind == "trial")]
        exhausted = len(rows) < fetch
        complete = scores if exhausted else [s for s in scores if s[0] > lowest]
        complete = [s for s in complete if s[0] > cap]
        if len(complete) >= size:
            break
        if exhausted:
            return None
        fetch *= 8
    complete.sort(key=lambda s: order(*s))
    return [candidate for _, candidate in complete[:size]]


def rank_tables(seed: URIRef, tables: SeedTables) -> dict:
    """rank.rq's VALUES tables: the seed's side of the evidence with its points."""
    def lit(x) -> Literal:
        return Literal(x)

    conditions = []
    for cond, rel in sorted(tables.conditions.items()):
        registered, text = disease_points(rel, "registered"), disease_points(rel, "text")
        if registered > 0:
            conditions.append((cond, lit(registered), lit(text)))
    gates = [(cond,) for cond, rel in sorted(tables.conditions.items())
             if rel in CONTEXT_RELATIONS]
    context = context_points(tables)

    def concept_rows(aspect: str | None, values: dict[str, float]) -> list:
        """Rows of (concept, points); a design value's aspect (None) is the one it is of."""
        return [(concept(aspect or _design_aspect(v), v), lit(p))
                for v, p in sorted(values.items()) if p != 0]

    roles = ("experimental", "background", "comparator", "other")
    return {
        ("seed",): [(seed,)],
        ("condition", "pointsRegistered", "pointsText"): conditions,
        ("gateCondition",): gates,
        ("diseaseCondition",): [(row[0],) for row in conditions],
        ("drug", "seedDrug", "relation"): [(d, s, lit(r)) for d, s, r in tables.drugs],
        ("relation", "role", "points"): [(lit(rel), lit(role), lit(drug_points(rel, role)))
                                         for rel in ("drug", "class", "broader-class")
                                         for role in roles],
        ("link", "points"): [(lit(k), lit(WEIGHTS[("link", k)])) for k in ("cited", "databank")],
        ("settingValue", "points"): concept_rows("disease-setting",
                                                 context.get("disease-setting", {})),
        ("lineValue", "points"): concept_rows("line", context.get("line", {})),
        ("evidenceValue", "points"): concept_rows("evidence", context["evidence"]),
        ("designValue", "points"): concept_rows(None, context["design"]),
        ("meshPoint", "meshCap"): [(lit(WEIGHTS[("mesh", "per descriptor")]),
                                    lit(WEIGHTS[("mesh", "at most")]))],
        ("descriptor",): mesh_check_tags(),
        ("cap",): [(lit(WEIGHTS[("no disease", "at most")]),)],
    }


def _design_aspect(value: str) -> str:
    return next(a for a in ("phase", "allocation", "comparator", "blinding")
                if value in CONCEPTS[a])
