"""The shortlist's fetch loop (kg.views.related_rank.shortlist) against a store whose ranking
is given: which candidates are complete at a cut through a tie, when it fetches again and how
much, the kind filter, the no-disease cap and the exhausted ranking. The end-to-end check
(the shortlist is the head of the full ranking on real stores) is in tests/test_related.py;
this one pins each step of the loop in milliseconds. Every candidate here is SYNTHETIC."""

from __future__ import annotations

import re

import pytest
from rdflib import Literal, URIRef

from kg.rdf import iris
from kg.store import QueryResult
from kg.views import related_scoring
from kg.views.related_rank import _design_aspect, rank_tables, shortlist
from kg.views.related_seed import SeedTables

SEED = iris.trial("NCT00000000")
TABLES = SeedTables(drugs=[], conditions={})


def trial(n: int) -> str:
    return str(iris.trial(f"NCT{n:08d}"))


def article(n: int) -> str:
    return str(iris.article(str(n)))


class RankedStore:
    """Answers rank.rq with a fixed ranking (best first, ties in the order given, as a store
    that orders by score only may), cut at the query's LIMIT; records each LIMIT asked."""

    def __init__(self, ranked: list[tuple[str, float | str]]) -> None:
        self.ranked = ranked
        self.limits: list[int] = []

    def query(self, text: str) -> QueryResult:
        body, limit = re.fullmatch(r"(?s)(.*)\nLIMIT (\d+)", text).groups()
        assert "?candidate" in body and "?score" in body  # rank.rq itself
        assert f"<{SEED}>" in body  # filled with the seed's tables
        assert not self.limits or int(limit) > self.limits[-1], "each try must fetch more"
        self.limits.append(int(limit))
        rows = [{"candidate": URIRef(c), "score": Literal(s)} for c, s in self.ranked[:int(limit)]]
        return QueryResult("select", ["candidate", "score"], rows)


class EmptyGroupStore(RankedStore):
    """rdflib's answer to an aggregate over no candidates: one row with the sum alone."""

    def query(self, text: str) -> QueryResult:
        result = super().query(text)
        return QueryResult("select", result.variables, [{"score": Literal(0)}, *result.rows])


def test_a_row_without_a_candidate_is_skipped():
    store = EmptyGroupStore([(trial(2), 7.5), (trial(1), 5.0)])
    assert shortlist(store, SEED, TABLES, 2) == [trial(2), trial(1)]
    assert shortlist(EmptyGroupStore([]), SEED, TABLES, 2) is None  # too few to tell


@pytest.fixture
def first_fetch(monkeypatch):
    def set_to(n: int) -> None:
        monkeypatch.setattr(related_scoring, "SHORTLIST_MIN_FETCH", n)
    return set_to


def test_the_default_first_fetch_is_500_rows_and_ranks_trials_before_articles_at_a_tie():
    store = RankedStore([(trial(3), 9.0), (article(111), 7.5), (trial(2), 7.5),
                         (trial(1), 5.0), (article(222), 5.0)])
    assert shortlist(store, SEED, TABLES, 3) == [trial(3), trial(2), article(111)]
    assert store.limits == [500]


def test_a_first_fetch_of_ten_rows_per_wanted_candidate(first_fetch):
    first_fetch(1)
    store = RankedStore([(trial(i), 9.0 - i * 0.25) for i in range(30)])
    assert shortlist(store, SEED, TABLES, 2) == [trial(0), trial(1)]
    assert store.limits == [20]  # 2 x 10 rows, all above the lowest score: enough


def test_a_tie_cut_by_the_limit_is_fetched_whole_before_it_is_ordered(first_fetch):
    # 32 candidates tie at 8.0; the one that sorts first among them is past the first cut
    first_fetch(1)
    tie = [(article(1000 + i), 8.0) for i in range(31)] + [(trial(1), 8.0)]
    store = RankedStore([(trial(9), 9.0), (article(1), 8.5), *tie, (trial(2), 5.0)])
    assert shortlist(store, SEED, TABLES, 3) == [trial(9), article(1), trial(1)]
    assert store.limits == [30, 240]  # 30 rows end inside the tie: fetch eight times more


def test_exactly_enough_candidates_above_the_cut_need_no_second_fetch(first_fetch):
    first_fetch(1)
    store = RankedStore([(trial(1), 9.0), (trial(2), 8.5), *[(article(i), 7.0)
                                                              for i in range(30)]])
    assert shortlist(store, SEED, TABLES, 2) == [trial(1), trial(2)]
    assert store.limits == [20]


def test_the_last_row_alone_sets_the_cut(first_fetch):
    # rows 2 to 19 tie at 8.0 above the 20th row's 7.0: all of them are complete
    first_fetch(1)
    tie = [(article(i), 8.0) for i in range(17)] + [(trial(2), 8.0)]
    store = RankedStore([(trial(1), 9.0), *tie, (article(99), 7.0),
                         *[(article(100 + i), 6.0) for i in range(10)]])
    assert shortlist(store, SEED, TABLES, 2) == [trial(1), trial(2)]
    assert store.limits == [20]


def test_an_exhausted_ranking_is_complete_down_to_its_last_row():
    store = RankedStore([(article(2), 4.0), (trial(1), 3.0), (article(1), 3.0)])
    assert shortlist(store, SEED, TABLES, 3) == [article(2), trial(1), article(1)]
    assert store.limits == [500]


def test_a_ranking_of_fewer_complete_candidates_than_asked_is_none():
    # the store cannot tell: the caller then explains every candidate
    store = RankedStore([(trial(1), 6.0), (trial(2), 5.0)])
    assert shortlist(store, SEED, TABLES, 3) is None


def test_no_candidate_at_or_under_the_no_disease_cap_is_shortlisted():
    cap = related_scoring.WEIGHTS[("no disease", "at most")]
    assert cap == 2.0
    ranked = [(trial(1), 2.5), (trial(2), 2.0), (trial(3), 1.0)]
    assert shortlist(RankedStore(ranked), SEED, TABLES, 1) == [trial(1)]
    assert shortlist(RankedStore(ranked), SEED, TABLES, 2) is None  # not the one at the cap


def test_rdflibs_row_for_an_empty_group_is_no_candidate():
    class EmptyGroup(RankedStore):
        def query(self, text: str) -> QueryResult:
            super().query(text)
            return QueryResult("select", ["candidate", "score"], [{}])

    assert shortlist(EmptyGroup([]), SEED, TABLES, 1) is None


@pytest.mark.parametrize(("kind", "expected"), [
    ("trial", [trial(2), trial(1)]),
    ("article", [article(5), article(4)]),
    (None, [article(5), trial(2)]),
])
def test_a_kind_keeps_only_its_candidates(kind, expected):
    store = RankedStore([(article(5), 9.0), (trial(2), 8.0), (article(4), 7.0),
                         (trial(1), 6.0)])
    assert shortlist(store, SEED, TABLES, 2, kind) == expected


def test_scores_are_compared_at_two_decimals_as_the_ranking_shows_them():
    # float noise from the store's sums (or a third decimal) does not split a tie
    store = RankedStore([(article(1), "7.004"), (trial(1), "7.001")])
    assert shortlist(store, SEED, TABLES, 2) == [trial(1), article(1)]


# --------------------------------------------------------------------------- rank.rq's tables

NPC, NPN, HNN, OTHER = (iris.mesh(ui) for ui in ("D000077274", "D009303", "D006258",
                                                  "D010255"))
PEN, TORI = iris.drug("penpulimab"), iris.drug("toripalimab")
SETTING_SEED = SeedTables(
    drugs=[(PEN, PEN, "drug"), (TORI, PEN, "class")],
    conditions={NPC: "same", NPN: "parent", OTHER: "sibling", HNN: "cousin"},
    settings={"disease-setting": ["recurrent-metastatic"], "line": ["first-line"]})


def _as_text(tables: dict) -> dict:
    return {key: [tuple(str(x) for x in row) for row in rows] for key, rows in tables.items()}


def test_rank_tables_carry_the_seed_side_of_every_piece_of_evidence_with_its_points():
    got = _as_text(rank_tables(SEED, SETTING_SEED))
    vocab = "https://w3id.org/trialkg/vocab#"
    assert got.pop(("seed",)) == [(str(SEED),)]
    # registered and title/abstract points by distance; the cousin's text points are 0, not -
    assert got.pop(("condition", "pointsRegistered", "pointsText")) == [
        (str(NPC), "5.0", "4.0"), (str(HNN), "1.0", "0.0"), (str(NPN), "4.0", "3.0"),
        (str(OTHER), "2.5", "1.5")]
    assert got.pop(("gateCondition",)) == [(str(NPC),), (str(NPN),)]  # same and parent only
    assert got.pop(("diseaseCondition",)) == [(str(NPC),), (str(HNN),), (str(NPN),),
                                              (str(OTHER),)]
    assert got.pop(("drug", "seedDrug", "relation")) == [(str(PEN), str(PEN), "drug"),
                                                        (str(TORI), str(PEN), "class")]
    assert got.pop(("relation", "role", "points")) == [
        ("drug", "experimental", "4.0"), ("drug", "background", "2.5"),
        ("drug", "comparator", "0.5"), ("drug", "other", "2.5"),
        ("class", "experimental", "2.0"), ("class", "background", "1.25"),
        ("class", "comparator", "0.25"), ("class", "other", "1.25"),
        ("broader-class", "experimental", "1.0"), ("broader-class", "background", "0.5"),
        ("broader-class", "comparator", "0.0"), ("broader-class", "other", "0.5")]
    assert got.pop(("link", "points")) == [("cited", "-1.0"), ("databank", "4.0")]
    # the seed's own setting and line score most, their families less, the rest below zero
    assert got.pop(("settingValue", "points")) == [
        (vocab + "AdjuvantSetting", "-0.5"), (vocab + "AdvancedDisease", "1.5"),
        (vocab + "ConcurrentRadiotherapySetting", "-0.5"),
        (vocab + "CurativeIntentSetting", "-0.5"),
        (vocab + "LocoregionallyAdvancedDisease", "-0.5"),
        (vocab + "NeoadjuvantInductionSetting", "-0.5"),
        (vocab + "PrimaryMetastaticDisease", "1.5"),
        (vocab + "RecurrentMetastaticDisease", "2.5")]
    assert got.pop(("lineValue", "points")) == [
        (vocab + "FirstLine", "2.0"), (vocab + "PlatinumRefractory", "-1.0"),
        (vocab + "Pretreated", "-1.0")]
    # review, epidemiology and preclinical have no points and no row
    assert got.pop(("evidenceValue", "points")) == [
        (vocab + "CaseReportEvidence", "0.25"), (vocab + "ClinicalStudyEvidence", "0.75"),
        (vocab + "ClinicalTrialEvidence", "1.5"), (vocab + "ObservationalEvidence", "0.75")]
    assert got.pop(("designValue", "points")) == [(vocab + "Randomised", "0.5")]
    assert got.pop(("meshPoint", "meshCap")) == [("0.5", "2.0")]
    assert got.pop(("descriptor",))[:2] == [("http://id.nlm.nih.gov/mesh/D000328",),
                                           ("http://id.nlm.nih.gov/mesh/D000368",)]
    assert got.pop(("cap",)) == [("2.0",)]
    assert got == {}


def test_a_seed_without_a_setting_or_line_scores_neither():
    bare = SeedTables(drugs=[], conditions={NPC: "same"})
    got = _as_text(rank_tables(SEED, bare))
    assert got[("settingValue", "points")] == [] and got[("lineValue", "points")] == []
    assert got[("gateCondition",)] == [(str(NPC),)]
    assert got[("designValue", "points")] == [(
        "https://w3id.org/trialkg/vocab#Randomised", "0.5")]


def test_a_value_worth_nothing_is_no_row_and_one_worth_a_point_is(monkeypatch):
    from kg.views.related_scoring import WEIGHTS

    monkeypatch.setitem(WEIGHTS, ("line", "other"), 0.0)
    monkeypatch.setitem(WEIGHTS, ("line", "same"), 1.0)
    seed = SeedTables(drugs=[], conditions={NPC: "same"}, settings={"line": ["first-line"]})
    vocab = "https://w3id.org/trialkg/vocab#"
    assert _as_text(rank_tables(SEED, seed))[("lineValue", "points")] == [
        (vocab + "FirstLine", "1.0")]


@pytest.mark.parametrize(("value", "aspect"), [
    ("phase-2", "phase"), ("randomised", "allocation"), ("single-arm", "allocation"),
    ("placebo", "comparator"), ("double-blind", "blinding")])
def test_a_design_value_is_read_under_its_own_aspect(value, aspect):
    assert _design_aspect(value) == aspect
