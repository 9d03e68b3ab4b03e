"""Constraints in the graph (kg/rdf/constraints.py): linked to their criterion, typed,
with spans, statuses, LOINC and MeSH IRIs, SHACL-valid, and a match index literal that
holds the same constraints."""

from __future__ import annotations

import json

from rdflib import URIRef

from kg.rdf import iris
from kg.rdf.namespaces import RDF, TKG
from kg.rdf.validate import validate_graph

NCT = "NCT05807880"


def test_constraint_is_linked_to_its_criterion_with_its_fields(seed_graph):
    crit = iris.criterion(NCT, "inclusion", "6.1.1")
    node = iris.constraint(NCT, "inclusion", "6.1.1", "c1")
    assert (crit, TKG.hasConstraint, node) in seed_graph
    assert str(node).endswith("/NCT05807880/eligibility/inclusion/6.1.1/constraint/c1")
    assert (node, RDF.type, TKG.MeasurementConstraint) in seed_graph
    value = {str(p).split("#")[-1]: str(o) for p, o in seed_graph.predicate_objects(node)
             if p != RDF.type}
    assert value["comparator"] == ">=" and value["thresholdValue"] == "90.0"
    assert value["ucumUnit"] == "g/L" and value["effect"] == "require"
    assert value["parseStatus"] == "computable" and value["sourceText"] == \
        "Hemoglobin (HB) ≥ 90g/L"
    assert (value["spanStart"], value["spanEnd"]) == ("0", "23")
    assert (node, TKG.analyte, URIRef("https://loinc.org/718-7/")) in seed_graph


def test_assumptions_conditionals_and_conditions(seed_graph):
    plt = iris.constraint(NCT, "inclusion", "6.1.3", "c1")
    assumptions = {str(o) for o in seed_graph.objects(plt, TKG.assumption)}
    assert len(assumptions) == 3 and str(seed_graph.value(plt, TKG.parseStatus)) == "assumed"
    tsh = iris.constraint(NCT, "inclusion", "6.5", "c1")
    alternatives = set(seed_graph.objects(tsh, TKG.unless))
    assert alternatives == {iris.constraint(NCT, "inclusion", "6.5", "c1.u1"),
                            iris.constraint(NCT, "inclusion", "6.5", "c1.u2")}
    malignancy = iris.constraint(NCT, "inclusion", "9", "c1")
    assert (malignancy, TKG.conditionConcept, iris.mesh("D009369")) in seed_graph
    assert (malignancy, TKG.exceptCondition, iris.mesh("D012878")) in seed_graph
    ici = iris.constraint(NCT, "inclusion", "4", "c2")
    assert (ici, TKG.drugClass, iris.drug_class("anti-pd-1")) in seed_graph
    window = iris.constraint(NCT, "inclusion", "13", "c1")
    assert str(seed_graph.value(window, TKG.windowAmount)) == "30.0"
    assert str(seed_graph.value(window, TKG.windowUnit)) == "d"


def test_not_computable_criteria_say_why(seed_graph):
    crit = iris.criterion(NCT, "inclusion", "3")
    assert "RECIST" in str(seed_graph.value(crit, TKG.notComputableReason))
    assert seed_graph.value(crit, TKG.hasConstraint) is None


def test_graph_with_constraints_conforms_to_the_shapes(seed_graph):
    report = validate_graph(seed_graph)
    assert report.conforms, report.text[:2000]


def test_shapes_reject_a_constraint_without_status_reason(seed_graph):
    from rdflib import Graph, Literal

    g = Graph()
    for triple in seed_graph:
        g.add(triple)
    node = iris.constraint(NCT, "inclusion", "6.1.1", "c1")
    g.set((node, TKG.parseStatus, Literal("not-computable")))
    g.set((node, TKG.comparator, Literal("about")))
    report = validate_graph(g)
    assert not report.conforms
    assert "comparator" in report.text or "about" in report.text


def test_match_index_holds_the_same_constraints(seed_graph):
    literal = seed_graph.value(iris.eligibility(NCT), TKG.matchIndex)
    assert str(literal.datatype) == "http://www.w3.org/1999/02/22-rdf-syntax-ns#JSON"
    doc = json.loads(str(literal))
    assert doc["nct"] == NCT and doc["condition_keys"] == ["nasopharyngeal-neoplasms"]
    item = next(c for c in doc["criteria"] if c["number"] == "6.1.1")
    (hb,) = json.loads(item["constraints"])
    assert (hb["concept"], hb["comparator"], hb["value"], hb["unit"]) == \
        ("hemoglobin", ">=", 90.0, "g/L")
    graph_keys = {str(o) for o in seed_graph.objects(None, TKG.constraintKey)}
    index_keys = {c["key"] for item in doc["criteria"] for c in json.loads(item["constraints"])}
    assert index_keys <= graph_keys
