"""Eligibility constraints (kg.model.Constraint) as triples, linked to their criterion.

Each constraint is a node with a stable IRI under its criterion (``.../eligibility/
inclusion/6.1.1/constraint/c1``); its time window is flattened onto it (no blank nodes, so
the Turtle stays byte-identical). Analytes are LOINC IRIs, conditions MeSH IRIs, drug
classes and drugs the vocabulary's IRIs; the curated key of each concept is kept as a
literal too, because the matcher works on keys (some analytes have no verified LOINC code).
"""

from __future__ import annotations

import json
from dataclasses import asdict

from rdflib import Literal, URIRef

from kg.extract.constraints.concepts import default_concepts
from kg.model import Constraint, EligibilityCriterion
from kg.rdf import iris
from kg.rdf.namespaces import RDF, RDFS, TKG
from kg.rdf.terms import Triples

KIND_CLASSES = {
    "age": TKG.AgeConstraint,
    "sex": TKG.SexConstraint,
    "performance-status": TKG.PerformanceStatusConstraint,
    "measurement": TKG.MeasurementConstraint,
    "condition": TKG.ConditionConstraint,
    "therapy": TKG.TherapyConstraint,
    "medication": TKG.MedicationConstraint,
    "all-of": TKG.CompositeConstraint,
    "any-of": TKG.CompositeConstraint,
}


def criterion_constraint_triples(t: Triples, node: URIRef, nct_id: str,
                                 c: EligibilityCriterion) -> None:
    for constraint in c.constraints:
        target = iris.constraint(nct_id, c.section, c.number, constraint.key)
        t.add(node, TKG.hasConstraint, target)
        _constraint(t, target, nct_id, c.section, c.number, constraint)
    if c.not_computable:
        t.text(node, TKG.notComputableReason, c.not_computable)


def eligibility_constraint_triples(t: Triples, node: URIRef, nct_id: str,
                                   constraints: list[Constraint]) -> None:
    for constraint in constraints:
        target = iris.constraint(nct_id, None, None, constraint.key)
        t.add(node, TKG.hasConstraint, target)
        _constraint(t, target, nct_id, None, None, constraint)
        t.text(target, TKG.readFrom, "structured eligibility fields")


def _constraint(t: Triples, s: URIRef, nct_id: str, section: str | None, number: str | None,
                c: Constraint) -> None:
    t.add(s, RDF.type, TKG.Constraint)
    t.add(s, RDF.type, KIND_CLASSES[c.kind])
    t.text(s, TKG.constraintKey, c.key)
    t.text(s, TKG.constraintKind, c.kind)
    t.text(s, TKG.effect, c.effect)
    t.text(s, TKG.parseStatus, c.status)
    t.text(s, TKG.sourceText, c.text)
    t.integer(s, TKG.spanStart, c.start)
    t.integer(s, TKG.spanEnd, c.end)
    t.text(s, TKG.notComputableReason, c.reason)
    for assumption in c.assumptions:
        t.text(s, TKG.assumption, assumption)
    t.text(s, TKG.concept, c.concept)
    t.text(s, RDFS.label, c.label)
    _codes(t, s, c)
    t.text(s, TKG.comparator, c.comparator)
    t.decimal(s, TKG.thresholdValue, c.value)
    t.decimal(s, TKG.upperValue, c.upper)
    t.text(s, TKG.ucumUnit, c.unit)
    t.text(s, TKG.normalLimit, c.limit)
    t.text(s, TKG.scale, c.scale)
    t.text(s, TKG.appliesTo, c.applies_to)
    for key in c.exceptions:
        t.text(s, TKG.exceptConcept, key)
        concept = default_concepts().conditions.get(key)
        for code in concept.mesh if concept else ():
            t.add(s, TKG.exceptCondition, iris.mesh(code.code))
    for key in c.drug_classes:
        t.add(s, TKG.drugClass, iris.drug_class(key))
    for key in c.drugs:
        if key == "prednisone":  # a dose reference, not a curated drug
            t.text(s, TKG.doseEquivalentOf, key)
        else:
            t.add(s, TKG.concernsDrug, iris.drug(key))
    if c.window is not None:
        t.text(s, TKG.windowRelation, c.window.relation)
        t.decimal(s, TKG.windowAmount, c.window.amount)
        t.text(s, TKG.windowUnit, c.window.unit)
        t.text(s, TKG.windowAnchor, c.window.anchor)
    for part in c.parts:
        node = iris.constraint(nct_id, section, number, part.key)
        t.add(s, TKG.hasPart, node)
        _constraint(t, node, nct_id, section, number, part)
    for alternative in c.unless:
        node = iris.constraint(nct_id, section, number, alternative.key)
        t.add(s, TKG.unless, node)
        _constraint(t, node, nct_id, section, number, alternative)


def _codes(t: Triples, s: URIRef, c: Constraint) -> None:
    for code in c.codes:
        if c.kind in ("measurement", "performance-status"):
            t.add(s, TKG.analyte, iris.loinc(code))
        elif code[:1] in ("D", "C"):
            t.add(s, TKG.conditionConcept, iris.mesh(code))


def match_index_literal(trial, vocab) -> Literal:
    """The same constraints as one compact JSON literal (rdf:JSON) on the eligibility node.

    Why a second form: the matcher must read every constraint of a field in one pass, and on
    an on-disk store each extra triple pattern costs a lookup per row (measured: 19,000
    constraints with their ~20 fields took 9 s to read as triples from a 2,000-trial
    Oxigraph store, while one literal per trial is a single index scan). Both forms are
    written here from the same dataclasses, so they cannot disagree; queries and SHACL use
    the triples, ``kg match`` (kg.views.match.read) the literal.
    """
    e = trial.eligibility
    doc = {"nct": trial.nct_id,
           "condition_keys": sorted({k for name in trial.conditions
                                     for k in vocab.condition_keys_in(name)}),
           "criteria": [{"section": None, "number": None, "kind": "inclusion",
                         "constraints": _encode(e.constraints)}]}
    for c in _walk(e.criteria):
        doc["criteria"].append({"section": c.section, "number": c.number, "kind": c.kind,
                                "not_computable": c.not_computable,
                                "constraints": _encode(c.constraints)})
    text = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return Literal(text, datatype=RDF.JSON)


def _walk(criteria):
    for c in criteria:
        yield c
        yield from _walk(c.children)


def _encode(constraints: list[Constraint]) -> str:
    """A criterion's constraints as their own JSON string inside the document: criteria
    that read the same ("ECOG 0-1", "hemoglobin >= 90 g/L") give the same string in every
    trial, so the matcher parses and checks each distinct one once per patient."""
    return json.dumps([_compact(asdict(c)) for c in constraints], sort_keys=True,
                      separators=(",", ":"), ensure_ascii=False)


_DROPPED = ("start", "end", "assumptions")


def _compact(value):
    """Without empty fields (None, [], ""), the source spans and assumptions (the triples
    keep them); the source text only where the matcher shows it (conditions, and what is
    not computable): the literal stays small and equal criteria give equal strings."""
    if isinstance(value, dict):
        keep_text = value.get("kind") == "condition" or value.get("status") == "not-computable"
        return {k: _compact(v) for k, v in value.items()
                if v not in (None, [], "") and k not in _DROPPED
                and (k != "text" or keep_text)}
    if isinstance(value, list):
        return [_compact(v) for v in value]
    return value
