"""How explain and _reasons (kg.views.related_evidence) turn gathered evidence into ranked,
labelled, worded results: scores, order, dropped and filtered candidates, labels, the
sentences a clinician reads. The evidence, profiles and labels are SYNTHETIC, as
gather_evidence and the label queries would give them (gather_evidence and _labels are
replaced here; tests/test_related_evidence.py runs them on real stores)."""

from __future__ import annotations

import pytest

from kg.rdf import iris
from kg.views import related_evidence
from kg.views import related_reasons as rr
from kg.views.related_scoring import Evidence
from kg.views.related_seed import SeedTables
from kg.vocab import default_vocabulary

SEED = iris.trial("NCT05807880")
CONDITION = iris.mesh("D000077274")  # Nasopharyngeal Carcinoma
TABLES = SeedTables(drugs=[], conditions={CONDITION: "same"},
                    settings={"disease-setting": ["recurrent-metastatic"], "line": ["first-line"]})
T1, T2, T3, T4 = (str(iris.trial(f"NCT0000000{n}")) for n in range(1, 5))
A1, A2 = (str(iris.article(str(n))) for n in (101, 102))


def _disease(relation: str = "same", points: float = 5.0, via: str = "mesh") -> Evidence:
    return Evidence("disease", relation, "disease", points, f"{relation} disease",
                    f"{via} {CONDITION}")


def _drug(points: float, detail: str = "camrelizumab", via: str = "class/experimental",
          key: str = "penpulimab") -> Evidence:
    return Evidence("drug", via, key, points, f"drug {detail}", detail)


SETTING = Evidence("setting", "same", "setting", 1.0, "setting same: recurrent-metastatic")
CITED = Evidence("link", "cited", "cited", -1.0, "cited by the seed trial")
REPORTS = Evidence("link", "reports", "reports", 3.0, "reports the seed trial")
MESH = Evidence("mesh", "overlap", "mesh", 0.5, "MeSH shared with the seed's citations: X")


def _label(kind: str, ident: str, label: str) -> dict:
    return {"kind": kind, "id": ident, "label": label}


LABELS = {T1: _label("trial", "NCT00000001", "  First\n trial  "),
          T2: _label("trial", "NCT00000002", "Second"),
          T3: _label("trial", "NCT00000003", "Third"),
          A1: _label("article", "101", "An article"),
          A2: {"kind": "article"}}  # neither id nor label (a citation without either)


def _explain(monkeypatch, best: dict[str, list[Evidence]], *, gated=(), described=None,
             labels=LABELS, kind=None, wanted=None, matches=None, labels_for=None,
             candidates=None):
    collector = related_evidence._Collector()
    for candidate, evidence in best.items():
        for ev in evidence:
            collector.add(candidate, ev)
    collector.gated = set(gated)
    seen: dict[str, list] = {"gathered": [], "labels": []}

    def gather(store, seed, vocab, tables, asked):
        assert (store, seed, tables) == ("store", SEED, TABLES)
        seen["gathered"].append(asked)
        return collector, described or {}

    def label(store, seed, ranked, limit):
        assert (store, seed) == ("store", SEED)
        seen["labels"].append((list(ranked), limit))
        return labels

    monkeypatch.setattr(related_evidence, "gather_evidence", gather)
    monkeypatch.setattr(related_evidence, "_labels", label)
    results = related_evidence.explain("store", SEED, default_vocabulary(), TABLES, candidates,
                                       kind, wanted or {}, matches, labels_for)
    return results, seen


def _summary(results) -> list[tuple]:
    return [(r.iri, r.kind, r.identifier, r.label, r.score, r.cited) for r in results]


def test_results_are_scored_ordered_labelled_and_unlabelled_ones_dropped(monkeypatch):
    results, seen = _explain(monkeypatch, {
        T2: [_disease("sibling", 1.5), SETTING],  # not the seed's disease: no context points
        A1: [_drug(3.0), MESH],                   # no disease at all: capped at 2
        T3: [_drug(2.0), REPORTS],                # 2 as well: a trial before an article
        T1: [_disease(), SETTING, CITED],          # 5 + 1 - 1
        T4: [_disease(points=7.0)],                # the best, but nothing labels it
        A2: [CITED],                               # below zero: 0
    }, gated={T1, T4}, candidates=[T1], labels_for=7)
    assert _summary(results) == [
        (T1, "trial", "NCT00000001", "First trial", 5.0, True),
        (T3, "trial", "NCT00000003", "Third", 2.0, False),
        (A1, "article", "101", "An article", 2.0, False),
        (T2, "trial", "NCT00000002", "Second", 1.5, False),
        (A2, "article", "", "", 0.0, True)]
    assert seen == {"gathered": [[T1]], "labels": [([T4, T1, T3, A1, T2, A2], 7)]}


def test_a_results_evidence_is_strongest_first_then_by_kind_and_reason(monkeypatch):
    evidence = [MESH, _drug(2.0, "toripalimab"), _drug(2.0, "camrelizumab", key="anlotinib"),
                _disease(), CITED, SETTING]
    results, _ = _explain(monkeypatch, {T1: evidence}, gated={T1})
    assert [(e.kind, e.reason) for e in results[0].evidence] == [
        ("disease", "same disease"), ("drug", "drug camrelizumab"), ("drug", "drug toripalimab"),
        ("setting", "setting same: recurrent-metastatic"),
        ("mesh", "MeSH shared with the seed's citations: X"),
        ("link", "cited by the seed trial")]
    assert results[0].evidence_kinds == ["disease", "drug", "link", "mesh", "setting"]


@pytest.mark.parametrize(("kind", "kept"), [
    ("article", [A1]), ("trial", [T1, T3]), (None, [T1, A1, T3])])
def test_a_kind_keeps_only_its_results_wherever_they_rank(monkeypatch, kind, kept):
    results, _ = _explain(monkeypatch, {T1: [_disease(points=6.0)], A1: [_disease()],
                                        T3: [_disease(points=4.0)]}, kind=kind)
    assert [r.iri for r in results] == kept


def test_wanted_results_are_those_the_filters_match_and_are_asked_with_the_profile(
        monkeypatch):
    profile = rr.Profile(drugs={"experimental": ["camrelizumab"]})
    asked = []

    def matches(result, p, wanted, vocab):
        asked.append((result.iri, p, wanted, vocab is default_vocabulary()))
        return result.iri != T3

    wanted = {"drug": {"camrelizumab"}}
    results, _ = _explain(monkeypatch, {T1: [_disease(points=6.0)], T3: [_disease(points=5.0)],
                                        A1: [_disease(points=4.0)]},
                          described={T1: profile}, wanted=wanted, matches=matches)
    assert [r.iri for r in results] == [T1, A1]
    assert asked == [(T1, profile, wanted, True), (T3, rr.Profile(), wanted, True),
                     (A1, rr.Profile(), wanted, True)]


def test_without_wanted_filters_the_matcher_is_never_asked(monkeypatch):
    def matches(*args):
        raise AssertionError("no filter was asked for")

    results, _ = _explain(monkeypatch, {T1: [_disease()]}, matches=matches)
    assert [r.iri for r in results] == [T1]


def test_a_result_states_the_setting_line_and_design_its_record_states(monkeypatch):
    profile = rr.Profile(settings={"disease-setting": ["recurrent-metastatic"],
                                   "line": ["first-line", "pretreated"]},
                         design=["randomised", "phase-3", "double-blind"])
    results, _ = _explain(monkeypatch, {T1: [_disease()], T2: [_disease()]},
                          described={T1: profile}, gated={T1})
    first, second = results
    assert (first.setting, first.line, first.design) == (
        "recurrent/metastatic", "first-line or pretreated", "randomised phase 3, double-blind")
    assert (second.setting, second.line, second.design) == ("", "", "")


VOCAB = default_vocabulary()


def _reasons(evidence, profile=None, gated=True):
    return related_evidence._reasons(evidence, profile or rr.Profile(), TABLES, VOCAB, gated)


def test_the_seeds_disease_is_said_with_the_candidates_setting_against_the_seeds():
    like = rr.Profile(settings={"disease-setting": ["recurrent-metastatic"],
                                "line": ["first-line"]})
    assert _reasons([_disease()], like) == [
        "first-line recurrent/metastatic nasopharyngeal carcinoma like the seed"]
    other = rr.Profile(settings={"disease-setting": ["curative"]})
    assert _reasons([_disease(via="text")], other) == [
        "curative-intent treatment nasopharyngeal carcinoma (named in the title or abstract); "
        "the seed is recurrent/metastatic"]


def test_a_related_disease_is_said_with_its_relation_to_the_seeds_condition():
    assert _reasons([_disease("sibling", 1.5)], gated=False) == [
        "related disease (sibling of the seed's condition): nasopharyngeal carcinoma"]


def test_drugs_are_named_by_their_closest_link_to_the_seed():
    profile = rr.Profile(drugs={"experimental": ["camrelizumab"]})
    closest = _drug(3.0, "camrelizumab", via="drug/experimental", key="camrelizumab")
    farther = _drug(2.0, "camrelizumab", via="class/experimental", key="penpulimab")
    assert _reasons([_disease(), closest, farther], profile) == [
        "nasopharyngeal carcinoma like the seed (line and setting not stated)",
        "camrelizumab (the seed's drug) in the experimental arm"]


def test_drug_evidence_without_a_shared_disease_says_its_cap():
    profile = rr.Profile(drugs={"experimental": ["camrelizumab"]})
    said = _reasons([_drug(3.0)], profile, gated=False)
    assert said[-1] == "no shared disease: drug evidence counts at most 2 points"
    assert len(said) == 2
    assert _reasons([MESH], gated=False) == [MESH.reason]  # no drug: no cap said


def test_the_design_then_links_and_mesh_overlap_close_the_reasons():
    profile = rr.Profile(design=["single-arm", "phase-2"], evidence=["review"])
    assert _reasons([_disease(), SETTING, MESH, CITED], profile) == [
        "nasopharyngeal carcinoma like the seed (line and setting not stated)",
        "review or meta-analysis, single-arm phase 2",
        MESH.reason, CITED.reason]


def test_no_evidence_worth_saying_says_nothing():
    assert _reasons([SETTING]) == []


def test_the_collector_keeps_the_strongest_piece_and_breaks_ties_on_the_reason():
    collector = related_evidence._Collector()
    for ev in (_drug(2.0, "b"), _drug(3.0, "c"), _drug(3.0, "a"), _drug(1.0, "d")):
        collector.add(T1, ev)
    collector.add(T2, _drug(1.0, "z"))
    assert {c: [e.reason for e in slots.values()] for c, slots in collector.best.items()} == {
        T1: ["drug a"], T2: ["drug z"]}
    assert collector.gated == set()

