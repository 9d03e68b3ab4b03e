"""What the richer graph (issues 12, 13, 15) adds is folded into cards, not drawn: setting
facts and their SKOS values, mentions, eligibility constraints and the match index; MeSH
concepts no record uses appear as tree paths on the cards of those records use."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pytest
from rdflib import Graph, URIRef

from kg.model import Constraint, EligibilityCriterion, TimeWindow
from kg.rdf import iris
from kg.rdf import namespaces as ns
from kg.rdf.constraints import criterion_constraint_triples
from kg.rdf.terms import Triples
from kg.views.export import graph_bytes
from kg.views.viz import build_view, write_exports
from kg.views.viz.constraints import criterion_facts, number, unit_text
from kg.views.viz.extract import DETAIL_LINKS, extract
from kg.views.viz.index import Index
from kg.views.viz.page import render_page

SEED = str(iris.trial("NCT05807880"))
NPC = str(iris.mesh("D000077274"))  # Nasopharyngeal Carcinoma: records use it
NASOPHARYNGEAL_NEOPLASMS = str(iris.mesh("D009303"))
NEOPLASMS = str(iris.mesh("D009369"))  # a tree top, reached only by skos:broader
ANLOTINIB = str(iris.drug("anlotinib"))
ANLOTINIB_MESH = str(iris.mesh("C000625192"))  # the drug's own MeSH concept
DETAIL_TYPES = [ns.TKG.Constraint, ns.TKG.SettingFact, ns.TKG.Mention, ns.TKG.DiseaseSetting,
                ns.TKG.LineOfTherapy, ns.TKG.DesignFeature, ns.TKG.EvidenceKind,
                ns.TKG.DrugRole]


def _criterion(section: str, number: str) -> str:
    return str(iris.criterion("NCT05807880", section, number))


@pytest.fixture(scope="module")
def view(real_graph):
    return build_view(real_graph)


@pytest.fixture(scope="module")
def cards(real_graph):
    return {n.id: n for n in extract(real_graph).nodes.values()}


def test_no_detail_node_is_drawn_or_exported(real_graph, view, tmp_path: Path):
    drawn = {n.id for n in view.nodes}
    for cls in DETAIL_TYPES:
        details = {str(s) for s in real_graph.subjects(ns.RDF.type, cls)}
        assert details, cls  # the graph has them: the check below is not vacuous
        assert not details & drawn, cls
    assert {n.kind for n in view.nodes} <= {
        "trial", "drug", "condition", "drug-class", "article", "arm", "intervention",
        "regimen", "organisation", "journal", "person", "site", "criterion", "author"}
    assert not any(set(e.predicates) & {str(p) for p in DETAIL_LINKS} for e in view.edges)
    # LOINC analytes and other things only constraints point at are gone with them
    assert not any(n.startswith("https://loinc.org/") for n in drawn)
    write_exports(real_graph, tmp_path / "g.graphml", None)
    exported = set(nx.read_graphml(tmp_path / "g.graphml").nodes)
    assert exported == set(extract(real_graph).drawable().nodes)
    assert not any("/constraint/" in n or "/setting/" in n or "/mention/" in n
                   for n in exported)


def test_the_match_index_is_never_shown(real_graph, view):
    literal = next(o for o in real_graph.objects(None, ns.TKG.matchIndex))
    assert '"condition_keys"' in str(literal)
    html = render_page(view)
    assert '\\"condition_keys\\"' not in html and "condition_keys" not in html
    assert not any(name == "match index" for n in view.nodes for name, _ in n.facts)


def test_a_trial_card_shows_its_setting_with_where_it_was_read(cards):
    facts = cards[SEED].facts
    settings = [v for k, v in facts if k == "setting"]
    assert ("recurrent/metastatic (from briefSummary: “First-diagnosed metastasis or "
            "recurrence/metastasis NPC Patients will be treated with anlotinib, penpulimab…”; "
            "briefTitle: “Anlotinib, Penpulimab and Capecitabine in Recurrent/Metastatic "
            "Nasopharyngeal Carcinoma”)") in settings
    lines = [v for k, v in facts if k == "line of therapy"]
    assert lines and lines[0].startswith("first-line (from detailedDescription: “")
    assert ("design", "single-arm (from interventionModel: “SINGLE_GROUP”)") in facts
    assert ("evidence", "clinical trial (from studyType: “INTERVENTIONAL”)") in facts
    assert ("drug role", "anlotinib, capecitabine, penpulimab: experimental arm (from arm: "
            "Intervention arm: “Intervention arm (EXPERIMENTAL)”)") in facts
    # the setting comes right after the trial's own identity and status, before the rest
    names = [k for k, _ in facts]
    assert names.index("setting") < names.index("minimum age") < names.index("description")


def test_an_article_card_shows_its_setting_and_what_its_text_names(cards):
    article = cards[str(iris.article("37207654"))]
    assert ("line of therapy", "first-line (from title: “Tislelizumab plus chemotherapy as "
            "first-line treatment for recurrent or metastatic nasopharyngeal cancer: A…”)"
            ) in article.facts
    assert ("found in text", "Nasopharyngeal Neoplasms: title (as “nasopharyngeal cancer”)"
            ) in article.facts


def test_mentions_end_the_card_with_fields_and_words(cards):
    facts = cards[SEED].facts
    found = [v for k, v in facts if k == "found in text"]
    assert ("Nasopharyngeal Carcinoma: briefTitle, briefSummary, detailedDescription "
            "(as “NPC”)") in found
    assert found[0].startswith("anlotinib: briefTitle, briefSummary")  # most fields first
    assert facts[-len(found):] == [("found in text", v) for v in found]


def test_a_criterion_card_lists_its_constraints_in_plain_words(cards):
    assert ("requires", "hemoglobin ≥ 90 g/L") in cards[_criterion("inclusion", "6.1.1")].facts
    assert ("requires", "white blood cell count ≥ 4 ×10⁹/L (assumed)") in \
        cards[_criterion("inclusion", "6.1.2")].facts
    assert ("requires", "total bilirubin ≤ 1.5 × ULN") in \
        cards[_criterion("inclusion", "6.2.1")].facts
    assert ("requires", "ECOG performance status 0–1") in \
        cards[_criterion("inclusion", "2")].facts
    heart = cards[_criterion("exclusion", "11")].facts
    assert ("excluded if", "heart failure within 6 months before inclusion") in heart
    assert ("excluded if", "corrected QT interval (QTc) ≥ 480 ms") in heart
    thyroid = dict(cards[_criterion("inclusion", "6.5")].facts)
    assert thyroid["requires"] == ("thyroid-stimulating hormone (TSH) ≤ 1 × ULN — unless free "
                                   "triiodothyronine (FT3) within the normal range and free "
                                   "thyroxine (FT4) within the normal range")
    assert thyroid["assumption"].startswith("conditional kept: when this fails")
    hepatitis = cards[_criterion("inclusion", "11")].facts
    assert ("excluded if", "hepatitis B and hepatitis B virus DNA ≥ 10,000 copies/mL "
            "(assumed)") in hepatitis
    assert ("excluded if", "hepatitis C and abnormal hepatic function (not computable: no "
            "rule reads this part of the conjunction)") in hepatitis
    malignancy = cards[_criterion("inclusion", "9")]  # listed under inclusion, excludes
    assert ("excluded if", "malignant neoplasm (not counting cervical carcinoma in situ, "
            "nonmelanoma skin cancer, papillary thyroid cancer)") in malignancy.facts


def _synthetic_card(*constraints: Constraint, not_computable: str | None = None):
    """A synthetic criterion written by the real mapping (kg.rdf.constraints)."""
    criterion = EligibilityCriterion("1", "synthetic", "inclusion", "inclusion", "synthetic",
                                     constraints=list(constraints),
                                     not_computable=not_computable)
    node = iris.criterion("NCT00000000", "inclusion", "1")
    t = Triples()
    criterion_constraint_triples(t, node, "NCT00000000", criterion)
    graph = Graph()
    for triple in t:
        graph.add(triple)
    return criterion_facts(Index(graph), node)


def test_constraint_words_cover_every_kind_and_qualifier():
    facts = _synthetic_card(
        Constraint("c1", "age", "require", "18 to 75", concept="age", label="age",
                   comparator="in-range", value=18, upper=75, unit="a"),
        Constraint("c2", "sex", "require", "FEMALE", concept="female", label="sex",
                   comparator="=="),
        Constraint("c10", "therapy", "exclude", "x", label="anti-PD-1 antibody",
                   window=TimeWindow("within", 1, "a", "intervention")),
        Constraint("c3", "therapy", "require", "x", label="radiotherapy",
                   window=TimeWindow("at-least", 6, "mo", "surgery")),
        Constraint("c4", "measurement", "require", "x", label="systolic blood pressure",
                   comparator="<", value=150, unit="mm[Hg]", applies_to="female"),
        Constraint("c5", "any-of", "exclude", "x", label="either", parts=[
            Constraint("c5.1", "condition", "require", "x", label="HIV infection"),
            Constraint("c5.2", "condition", "require", "x", label="syphilis",
                       status="assumed", assumptions=["TP read as syphilis"])]),
        Constraint("c6", "condition", "exclude", "x", label="cannot withdraw",
                   status="not-computable"),
        not_computable="the rest is prose")
    assert facts == [
        ("requires", "age 18–75 years"),
        ("requires", "sex: female"),
        ("requires", "radiotherapy at least 6 months after surgery"),
        ("requires", "for women: systolic blood pressure < 150 mmHg"),
        ("excluded if", "HIV infection or syphilis (assumed)"),
        ("excluded if", "cannot withdraw (not computable)"),
        ("excluded if", "anti-PD-1 antibody within 1 year before the study treatment"),
        ("assumption", "TP read as syphilis"),
        ("not computable", "the rest is prose"),
    ]
    assert _synthetic_card() == []


@pytest.mark.parametrize(("code", "words"), [("10*9/L", "×10⁹/L"), ("10*-3", "×10⁻³"),
                                             ("{copies}/mL", "copies/mL"), ("g/L", "g/L"),
                                             ("mm[Hg]", "mmHg"), (None, "")])
def test_units_read_as_written_on_a_ward(code, words):
    assert unit_text(code) == words


def test_numbers_lose_trailing_zeros_but_keep_decimals():
    assert [number(x) for x in ("90.0", "10000.0", "1.5", "0.25", "x", None)] == [
        "90", "10,000", "1.5", "0.25", "x", ""]


def test_mesh_ancestors_are_tree_paths_not_nodes(real_graph, view, cards):
    drawn = {n.id for n in view.nodes}
    assert NPC in drawn and NASOPHARYNGEAL_NEOPLASMS in drawn  # used by records: drawn
    assert NEOPLASMS not in drawn and ANLOTINIB_MESH not in drawn
    assert (URIRef(NASOPHARYNGEAL_NEOPLASMS), ns.SKOS.broader, None) in real_graph
    # between two concepts records use, the hierarchy is still an edge
    assert any(e.source == NPC and e.target == NASOPHARYNGEAL_NEOPLASMS and
               "is a kind of" in e.label for e in view.edges)
    trees = [v for k, v in cards[NASOPHARYNGEAL_NEOPLASMS].facts if k == "MeSH tree"]
    assert trees[0] == ("Neoplasms > Neoplasms by Site > Head and Neck Neoplasms > "
                        "Otorhinolaryngologic Neoplasms > Pharyngeal Neoplasms > "
                        "Nasopharyngeal Neoplasms")
    assert trees[-1] == "and 3 more paths" and len(trees) == 4
    drug = cards[ANLOTINIB].facts
    assert ("MeSH", "anlotinib (C000625192)") in drug
    assert [v.rsplit(" > ", 2)[1:] for k, v in drug if k == "MeSH tree"] == [
        ["Indoles", "anlotinib"], ["Quinolines", "anlotinib"]]
    # every MeSH concept left out is one no record links to
    background = extract(real_graph).background
    assert NEOPLASMS in background and NPC not in background
    assert all(n.startswith(str(ns.MESH)) for n in background)


def test_a_page_focused_on_an_ancestor_draws_its_tree(real_graph):
    tree = build_view(real_graph, focus="D009369", depth=1)
    ids = {n.id for n in tree.nodes}
    assert NEOPLASMS in ids and str(iris.mesh("D009371")) in ids  # Neoplasms by Site
    assert tree.seed == NEOPLASMS


def test_kg_export_graphml_draws_what_kg_run_exports(real_graph, tmp_path: Path):
    write_exports(real_graph, tmp_path / "run.graphml", None)
    assert graph_bytes(real_graph, "graphml") == (tmp_path / "run.graphml").read_bytes()


def test_a_card_too_long_says_how_much_it_left_out(real_graph, monkeypatch):
    import kg.views.viz.extract as ex

    full = extract(real_graph).nodes[SEED].facts
    monkeypatch.setattr(ex, "MAX_FACTS", 10)
    cut = extract(real_graph).nodes[SEED].facts
    assert cut[:9] == full[:9] and len(cut) == 10
    assert cut[9] == ("not shown", f"{len(full) - 9} more facts (see the graph)")
