"""How gather_evidence (kg.views.related_evidence) reads the finder's query rows: which
disease rows count and how each is worded, the candidates it is limited to, MeSH overlaps
without labels. The rows are SYNTHETIC, as the finder's queries would give them; the queries
themselves run against real stores in tests/test_related*.py."""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef

from kg.rdf import iris
from kg.views import related_evidence
from kg.views.related_seed import SeedTables
from kg.vocab import default_vocabulary

SEED = iris.trial("NCT05807880")
CONDITION = iris.mesh("D000077274")  # Nasopharyngeal Carcinoma


def _trial(n: int) -> str:
    return str(iris.trial(f"NCT{n:08d}"))


def _gathered(monkeypatch, rows: dict[str, list[dict]], candidates=None):
    asked: list[tuple[str, dict]] = []

    def run(store, name, seed, tables=None):
        assert seed == SEED
        asked.append((name, tables))
        return rows.get(name, [])

    monkeypatch.setattr(related_evidence, "run", run)
    monkeypatch.setattr(related_evidence.rr, "profiles", lambda store, found: {})
    collected, _ = related_evidence.gather_evidence(
        None, SEED, default_vocabulary(), SeedTables(drugs=[], conditions={CONDITION: "same"}),
        candidates)
    return collected, asked


def _disease(candidate: str, relation: str, via: str) -> dict:
    return {"candidate": URIRef(candidate), "relation": Literal(relation), "via": Literal(via),
            "condition": CONDITION}


def test_disease_rows_without_points_are_passed_over_and_the_rest_worded(monkeypatch):
    rows = {"shared-conditions": [
        _disease(_trial(1), "cousin", "text"),        # 1 - 1 points: nothing
        _disease(_trial(2), "cousin", "registered"),  # 1 point: counts
        _disease(_trial(3), "same", "mesh"),
        _disease(_trial(4), "sibling", "text"),
    ]}
    collected, asked = _gathered(monkeypatch, rows)
    said = {c: [(e.kind, e.via, e.points, e.reason, e.detail) for e in slots.values()]
            for c, slots in collected.best.items()}
    label = related_evidence._condition_label(default_vocabulary(), CONDITION)
    assert said == {
        _trial(2): [("disease", "cousin", 1.0,
                     f"cousin of the seed's condition: {label} (registered condition)",
                     f"registered {CONDITION}")],
        _trial(3): [("disease", "same", 5.0, f"same disease: {label} (MeSH heading)",
                     f"mesh {CONDITION}")],
        _trial(4): [("disease", "sibling", 1.5,
                     f"sibling of the seed's condition: {label} (named in title/abstract)",
                     f"text {CONDITION}")]}
    assert [name for name, _ in asked] == ["shared-conditions", "shared-drugs",
                                           "citation-links", "mesh-overlap"]


def test_given_candidates_bound_every_query_and_none_binds_nothing(monkeypatch):
    _, asked = _gathered(monkeypatch, {}, candidates=[_trial(1), _trial(2)])
    for name, tables in asked:
        assert tables[("candidate",)] == [(URIRef(_trial(1)),), (URIRef(_trial(2)),)], name
    _, asked = _gathered(monkeypatch, {})
    assert all(("candidate",) not in (tables or {}) for _, tables in asked)


@pytest.mark.parametrize(("labels", "said"), [
    ({"labels": Literal("Neoplasms; Carcinoma")}, "Carcinoma; Neoplasms"),  # sorted
    ({}, ""),  # a store that leaves an empty GROUP_CONCAT unbound
])
def test_a_mesh_overlap_names_its_descriptors_sorted(monkeypatch, labels, said):
    rows = {"mesh-overlap": [{"candidate": URIRef(_trial(1)), "shared": Literal(2), **labels}]}
    collected, _ = _gathered(monkeypatch, rows)
    (evidence,) = collected.best[_trial(1)].values()
    assert evidence.reason == f"shares 2 MeSH descriptor(s) with the seed's citations: {said}"
