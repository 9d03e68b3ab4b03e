"""The clinical setting as triples: a direct link per value for questions, a fact node per
value and source field that says where it was read, concepts declared in the ontology and
carried as reference data, and shapes that reject a fact without its source."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal

from kg import resources
from kg.extract.setting_concepts import CONCEPTS
from kg.model import ClinicalSetting, SettingFact
from kg.rdf import iris
from kg.rdf.namespaces import RDF, RDFS, SKOS, TKG
from kg.rdf.setting import concept, concept_triples, setting_triples
from kg.rdf.terms import Triples
from kg.rdf.validate import validate_graph

T = iris.trial("NCT05807880")


def test_direct_links_of_the_seed(seed_graph):
    g = seed_graph
    assert set(g.objects(T, TKG.diseaseSetting)) == {TKG.RecurrentMetastaticDisease,
                                                     TKG.PrimaryMetastaticDisease}
    assert set(g.objects(T, TKG.lineOfTherapy)) == {TKG.FirstLine}
    assert set(g.objects(T, TKG.studyDesign)) == {TKG.Phase2, TKG.SingleArm, TKG.OpenLabel}
    assert set(g.objects(T, TKG.evidenceKind)) == {TKG.ClinicalTrialEvidence}
    assert set(g.objects(T, TKG.experimentalDrug)) == {
        iris.drug("anlotinib"), iris.drug("penpulimab"), iris.drug("capecitabine")}
    assert not set(g.objects(T, TKG.comparatorDrug))


def test_each_fact_keeps_its_field_and_words(seed_graph):
    g = seed_graph
    node = iris.setting_fact("NCT05807880", "line", "first-line", "detailedDescription")
    assert str(node) == ("https://w3id.org/trialkg/resource/NCT05807880/setting/line/"
                         "first-line/detaileddescription")
    assert (T, TKG.settingFact, node) in g
    assert (node, RDF.type, TKG.SettingFact) in g
    assert str(g.value(node, TKG.aspect)) == "line"
    assert g.value(node, TKG.settingValue) == TKG.FirstLine
    assert str(g.value(node, TKG.sourceField)) == "detailedDescription"
    assert "never accepted systemic treatment" in str(g.value(node, TKG.sourceText))
    role = iris.setting_fact("NCT05807880", "drug-role", "experimental", "arm: Intervention arm",
                             "penpulimab")
    assert g.value(role, TKG.concernsDrug) == iris.drug("penpulimab")
    assert str(g.value(role, TKG.sourceText)) == "Intervention arm (EXPERIMENTAL)"
    facts = list(g.objects(T, TKG.settingFact))
    assert len(set(facts)) == 11  # 3 settings, line, phase, allocation, blinding, kind, 3 roles


def test_articles_carry_their_setting_too(seed_graph):
    captain = iris.article("34174189")
    assert set(seed_graph.objects(captain, TKG.backgroundDrug)) == {
        iris.drug("gemcitabine"), iris.drug("cisplatin")}
    node = iris.setting_fact("pubmed/34174189", "line", "first-line", "title")
    assert str(seed_graph.value(node, TKG.sourceField)) == "title"


def test_the_ontology_declares_every_concept_as_the_code_names_it():
    onto = Graph().parse(resources.VOCABULARY_TTL)
    store = Graph()
    for triple in concept_triples():
        store.add(triple)
    for aspect, values in CONCEPTS.items():
        for value, (_local, label, fam) in values.items():
            node = concept(aspect, value)
            assert onto.value(node, RDFS.label) == Literal(label, lang="en"), node
            assert str(onto.value(node, SKOS.notation)) == value
            assert str(store.value(node, RDFS.label)) == label
            assert store.value(node, SKOS.broader) == (concept(aspect, fam) if fam else None)
            assert onto.value(node, SKOS.broader) == store.value(node, SKOS.broader)
    for prop in (TKG.diseaseSetting, TKG.lineOfTherapy, TKG.experimentalDrug, TKG.otherDrug,
                 TKG.settingFact, TKG.sourceField, TKG.concernsDrug):
        assert onto.value(prop, RDFS.label) is not None, prop


def _graph(setting: ClinicalSetting) -> Graph:
    t = Triples()
    setting_triples(t, T, "NCT05807880", setting)
    g = Graph()
    for triple in (*t, *concept_triples()):
        g.add(triple)
    g.add((iris.drug("capecitabine"), RDF.type, TKG.Drug))
    return g


def test_shapes_accept_facts_with_sources():
    ok = ClinicalSetting([SettingFact("line", "first-line", "officialTitle", "First-line"),
                          SettingFact("drug-role", "comparator", "arm: B", "B (ACTIVE_COMPARATOR)",
                                      drug="capecitabine")])
    report = validate_graph(_graph(ok))
    # Only the drug shape's own demands (a label, a class) are unmet in this bare graph.
    assert "SettingFact" not in report.text and "StudySetting" not in report.text


@pytest.mark.parametrize(("broken", "message"), [
    (lambda g, n: g.remove((n, TKG.sourceField, None)), "tkg:sourceField"),
    (lambda g, n: g.remove((n, TKG.concernsDrug, None)), "drug-role fact"),
    (lambda g, n: g.set((n, TKG.aspect, Literal("mood"))), "tkg:aspect"),
])
def test_shapes_reject_a_fact_without_its_source_or_drug(broken, message):
    fact = SettingFact("drug-role", "comparator", "arm: B", "B", drug="capecitabine")
    g = _graph(ClinicalSetting([fact]))
    node = iris.setting_fact("NCT05807880", "drug-role", "comparator", "arm: B", "capecitabine")
    broken(g, node)
    report = validate_graph(g)
    assert not report.conforms
    assert message in report.text


def test_same_input_same_triples():
    s = ClinicalSetting([SettingFact("line", "pretreated", "briefTitle", "second-line")])
    a, b = Triples(), Triples()
    setting_triples(a, T, "NCT05807880", s)
    setting_triples(b, T, "NCT05807880", s)
    assert list(a) == list(b) and len(a) == 7
