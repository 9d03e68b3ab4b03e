"""The seed's side of the ranking: condition similarity by distance in the MeSH hierarchy
(skos:broader in the graph), cut at generic headings, and the drugs it shares by class.
A small hand-made hierarchy with MeSH's real descriptor ids and tree numbers stands in for
the full tree another part of the project loads."""

from __future__ import annotations

from rdflib import Literal

from kg.rdf import iris
from kg.rdf.namespaces import SCHEMA, SKOS, TKG
from kg.store import open_store
from kg.views.related import WEIGHTS, disease_points
from kg.views.related_seed import SeedTables, _true

NPC, NASO, PHARYNX, ORL, HEAD_NECK, BY_SITE, NEOPLASMS = (
    "D000077274", "D009303", "D010610", "D010039", "D006258", "D009371", "D009369")
CARCINOMA, GLANDULAR, HISTOLOGIC, ADENO = "D002277", "D009375", "D009370", "D000230"
ORO, LARYNX, MOUTH, LUNG, MELANOMA = "D009959", "D007822", "D009062", "D008175", "D008545"
BROADER = [(NPC, NASO), (NPC, CARCINOMA), (NASO, PHARYNX), (PHARYNX, ORL), (ORL, HEAD_NECK),
           (HEAD_NECK, BY_SITE), (BY_SITE, NEOPLASMS), (CARCINOMA, GLANDULAR),
           (GLANDULAR, HISTOLOGIC), (HISTOLOGIC, NEOPLASMS), (ADENO, CARCINOMA), (ORO, PHARYNX),
           (LARYNX, ORL), (MOUTH, HEAD_NECK), (LUNG, NEOPLASMS), (MELANOMA, NEOPLASMS)]


def store_with(*seed_conditions: str):
    store = open_store("memory")
    m = iris.mesh
    triples = [(m(a), SKOS.broader, m(b)) for a, b in BROADER]
    triples.append((m(CARCINOMA), TKG.meshTreeNumber, Literal("C04.557.470.200")))
    triples += [(iris.trial("NCT09999990"), SCHEMA.healthCondition, m(seed_condition))
                for seed_condition in seed_conditions]
    store.replace_graph(iris.record_graph("test", "hierarchy"), triples)
    return store


def relations(*seed_conditions: str) -> dict[str, str]:
    tables = SeedTables.of(store_with(*seed_conditions), iris.trial("NCT09999990"))
    prefix = str(iris.mesh(""))
    return {str(c)[len(prefix):]: rel for c, rel in tables.conditions.items()}


def test_distance_from_nasopharyngeal_carcinoma():
    got = relations(NPC)
    assert got == {NPC: "same", NASO: "parent", PHARYNX: "grandparent", ORO: "cousin"}
    # Carcinoma is a histologic-type heading (C04.557): adenocarcinoma of any organ is no kin


def test_distance_from_nasopharyngeal_neoplasms():
    got = relations(NASO)
    assert got == {NASO: "same", NPC: "same", PHARYNX: "parent", ORO: "sibling",
                   ORL: "grandparent", LARYNX: "cousin"}
    # Head and Neck Neoplasms and Mouth Neoplasms are three steps away: not kin


def test_a_heading_two_steps_above_one_condition_and_one_above_another_is_a_parent():
    # Pharyngeal Neoplasms: grandparent of NPC, parent of Oropharyngeal Neoplasms
    for seed_conditions in ((NPC, ORO), (ORO, NPC)):  # whichever row the store gives first
        assert relations(*seed_conditions) == {
            NPC: "same", ORO: "same", NASO: "parent", PHARYNX: "parent", ORL: "grandparent",
            LARYNX: "cousin"}


def test_a_heading_one_step_below_the_top_passes_no_kinship():
    # Head and Neck Neoplasms is specific (Neoplasms two steps up); Neoplasms by Site, right
    # under Neoplasms, is not: no grandparent, no cousins through it
    assert relations(MOUTH) == {MOUTH: "same", HEAD_NECK: "parent", ORL: "sibling"}


def test_a_condition_under_a_generic_heading_does_not_stop_the_others():
    assert relations(MELANOMA, LUNG, NPC) == {
        MELANOMA: "same", LUNG: "same", NPC: "same", NASO: "parent", PHARYNX: "grandparent",
        ORO: "cousin"}


def test_no_kinship_through_a_heading_near_the_top():
    # Melanoma sits right under Neoplasms: lung cancer is not its sibling
    assert relations(MELANOMA) == {MELANOMA: "same"}


def test_closer_conditions_count_more():
    points = [disease_points(r, "registered") for r in
              ("same", "parent", "sibling", "grandparent", "cousin")]
    assert points == sorted(points, reverse=True) and points[0] == WEIGHTS[("disease", "same")]
    assert disease_points("same", "text") == points[0] + WEIGHTS[("disease", "text")]
    assert disease_points("cousin", "text") == 0.0  # never below nothing


def test_seed_drugs_leave_out_its_comparator(seed_build):
    tables = SeedTables.of(seed_build.store, iris.trial("NCT05807880"))
    assert [str(d).rsplit("/", 1)[-1] for d in tables.seed_drugs()] == [
        "anlotinib", "capecitabine", "penpulimab"]
    keynote = open_store("memory")
    t = iris.trial("NCT09999990")
    keynote.replace_graph(iris.record_graph("test", "t"), [
        (t, TKG.studiesDrug, iris.drug("pembrolizumab")),
        (t, TKG.studiesDrug, iris.drug("capecitabine")),
        (t, TKG.comparatorDrug, iris.drug("capecitabine"))])
    assert SeedTables.of(keynote, t).seed_drugs() == [iris.drug("pembrolizumab")]


def test_a_stores_boolean_is_read_as_true_or_1():
    """Oxigraph and rdflib answer a boolean as "true", Virtuoso as 1."""
    from rdflib.namespace import XSD

    assert [_true(t) for t in (Literal(True), Literal(1), Literal("1", datatype=XSD.boolean),
                               Literal("TRUE"))] == [True] * 4
    assert [_true(t) for t in (Literal(False), Literal(0), Literal(2), None)] == [False] * 4


def test_drugs_of_the_seeds_class_and_of_a_broader_class_are_told_apart():
    """SYNTHETIC drugs and classes: the seed studies drug-a of class narrow, which is under
    class wide; drug-b shares narrow, drug-c only wide, drug-d neither."""
    from rdflib.namespace import RDF

    store = open_store("memory")
    t = iris.trial("NCT09999991")
    a, b, c, d = (iris.drug(f"drug-{x}") for x in "abcd")
    narrow, wide, other = (iris.drug_class(x) for x in ("narrow", "wide", "other"))
    store.replace_graph(iris.record_graph("test", "t"), [
        (t, TKG.studiesDrug, a), (narrow, SKOS.broader, wide),
        *((x, RDF.type, TKG.Drug) for x in (a, b, c, d)),
        (a, SCHEMA.drugClass, narrow), (b, SCHEMA.drugClass, narrow),
        (c, SCHEMA.drugClass, wide), (d, SCHEMA.drugClass, other)])
    assert SeedTables.of(store, t).drugs == [
        (a, a, "drug"), (b, a, "class"), (c, a, "broader-class")]
