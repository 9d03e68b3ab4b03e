"""A ClinicalSetting (plain model) as triples.

Two layers, so that questions stay simple and every fact stays checkable:

- on the study, one direct link per value (``tkg:diseaseSetting``, ``tkg:lineOfTherapy``,
  ``tkg:studyDesign``, ``tkg:evidenceKind``, and ``tkg:experimentalDrug`` /
  ``tkg:backgroundDrug`` / ``tkg:comparatorDrug`` / ``tkg:otherDrug`` for drug roles): what
  the related-study ranking and the library queries match on;
- one ``tkg:SettingFact`` node per (aspect, value, drug, source field) with the field and
  the quoted words (``tkg:sourceField``, ``tkg:sourceText``): where each link came from.

The values are concepts declared in ontologies/trialkg.ttl; ``concept_triples`` gives
their labels and families to the store as reference data.
"""

from __future__ import annotations

from rdflib import URIRef

from kg.extract.setting_concepts import CONCEPTS
from kg.model import ClinicalSetting
from kg.rdf import iris
from kg.rdf.namespaces import RDF, RDFS, SKOS, TKG
from kg.rdf.terms import Triples

ASPECT_PROPERTY = {
    "disease-setting": TKG.diseaseSetting,
    "line": TKG.lineOfTherapy,
    "phase": TKG.studyDesign,
    "allocation": TKG.studyDesign,
    "comparator": TKG.studyDesign,
    "blinding": TKG.studyDesign,
    "evidence": TKG.evidenceKind,
}
ROLE_PROPERTY = {
    "experimental": TKG.experimentalDrug,
    "background": TKG.backgroundDrug,
    "comparator": TKG.comparatorDrug,
    "other": TKG.otherDrug,
}
ASPECT_CLASS = {
    "disease-setting": TKG.DiseaseSetting,
    "line": TKG.LineOfTherapy,
    "phase": TKG.DesignFeature,
    "allocation": TKG.DesignFeature,
    "comparator": TKG.DesignFeature,
    "blinding": TKG.DesignFeature,
    "evidence": TKG.EvidenceKind,
    "drug-role": TKG.DrugRole,
}


def concept(aspect: str, value: str) -> URIRef:
    return iris.setting_concept(CONCEPTS[aspect][value][0])


def setting_triples(t: Triples, subject: URIRef, owner: str, setting: ClinicalSetting) -> None:
    """Add ``setting`` to ``t`` for the study ``subject`` (``owner``: its NCT id or
    ``pubmed/PMID``, the root of the fact IRIs)."""
    for f in setting.facts:
        if f.aspect == "drug-role":
            t.add(subject, ROLE_PROPERTY[f.value], iris.drug(f.drug))
        else:
            t.add(subject, ASPECT_PROPERTY[f.aspect], concept(f.aspect, f.value))
        node = iris.setting_fact(owner, f.aspect, f.value, f.field, f.drug)
        t.add(subject, TKG.settingFact, node)
        t.add(node, RDF.type, TKG.SettingFact)
        t.text(node, TKG.aspect, f.aspect)
        t.add(node, TKG.settingValue, concept(f.aspect, f.value))
        t.add(node, TKG.concernsDrug, iris.drug(f.drug) if f.drug else None)
        t.text(node, TKG.sourceField, f.field)
        t.text(node, TKG.sourceText, f.text or f.field)


def concept_triples() -> Triples:
    """Every setting concept with its label and family: the store's copy of what
    ontologies/trialkg.ttl declares, so queries can name the values."""
    t = Triples()
    for aspect, values in CONCEPTS.items():
        for value, (_local, label, family) in values.items():
            node = concept(aspect, value)
            t.add(node, RDF.type, ASPECT_CLASS[aspect])
            t.add(node, RDF.type, SKOS.Concept)
            t.text(node, RDFS.label, label)
            t.text(node, SKOS.notation, value)
            if family:
                t.add(node, SKOS.broader, concept(aspect, family))
    return t
