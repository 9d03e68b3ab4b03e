"""Curated reference data as triples: the drugs, drug classes and conditions a graph uses.

Only concepts the graph refers to are emitted (with their broader classes and conditions),
so a one-trial graph is not padded with unrelated drugs.
"""

from __future__ import annotations

from collections.abc import Iterable

from kg.rdf import iris
from kg.rdf.namespaces import DCTERMS, RDF, RDFS, SCHEMA, SKOS, TKG
from kg.rdf.terms import Triples
from kg.vocab import Identifier, Vocabulary


def _identifiers(t: Triples, node, identifiers: Iterable[Identifier]) -> None:
    for ident in identifiers:
        target = iris.external(ident.scheme, ident.id)
        t.add(node, SKOS.exactMatch, target)
        # Which public page the identifier was checked against, kept on the target so
        # each mapping can say where it came from.
        t.text(target, DCTERMS.source, ident.source)
        t.text(target, TKG.identifierScheme, ident.scheme)
        t.text(target, SCHEMA.identifier, ident.id)


def drug_triples(vocab: Vocabulary, drug_keys: Iterable[str]) -> Triples:
    t = Triples()
    class_keys: list[str] = []
    for key in sorted(set(drug_keys)):
        drug = vocab.drugs[key]
        node = iris.drug(key)
        t.add(node, RDF.type, SCHEMA.Drug)
        t.add(node, RDF.type, TKG.Drug)
        t.text(node, RDFS.label, drug.label)
        t.text(node, SKOS.prefLabel, drug.label)
        for name in drug.synonyms:
            t.text(node, SKOS.altLabel, name)
        for code in drug.code_names:
            t.text(node, TKG.codeName, code)
        for cls in drug.classes:
            t.add(node, SCHEMA.drugClass, iris.drug_class(cls))
        _identifiers(t, node, drug.identifiers)
        class_keys.extend(vocab.classes_of(key))
    for key in sorted(set(class_keys)):
        cls = vocab.classes[key]
        node = iris.drug_class(key)
        t.add(node, RDF.type, SCHEMA.DrugClass)
        t.add(node, RDF.type, TKG.DrugClass)
        t.text(node, RDFS.label, cls.label)
        t.text(node, SKOS.prefLabel, cls.label)
        for name in cls.synonyms:
            t.text(node, SKOS.altLabel, name)
        if cls.parent:
            t.add(node, SKOS.broader, iris.drug_class(cls.parent))
        _identifiers(t, node, cls.identifiers)
    return t


def condition_triples(vocab: Vocabulary, condition_keys: Iterable[str]) -> Triples:
    from kg.rdf.trial import condition_iri

    t = Triples()
    wanted: list[str] = []
    for key in condition_keys:
        wanted.extend(k for k in vocab.condition_ancestors(key) if k not in wanted)
    for key in sorted(wanted):
        cond = vocab.conditions[key]
        node = condition_iri(vocab, key)
        t.add(node, RDF.type, SCHEMA.MedicalCondition)
        t.add(node, RDF.type, TKG.Condition)
        t.text(node, RDFS.label, cond.label)
        for name in cond.synonyms:
            t.text(node, SKOS.altLabel, name)
        for tree in cond.tree_numbers:
            t.text(node, TKG.meshTreeNumber, tree)
        for broader in cond.broader:
            t.add(node, SKOS.broader, condition_iri(vocab, broader))
        _identifiers(t, node, [i for i in cond.identifiers if i.scheme != "mesh"])
        mesh_ids = [i for i in cond.identifiers if i.scheme == "mesh"]
        for ident in mesh_ids:
            t.text(node, DCTERMS.source, ident.source)
    return t
