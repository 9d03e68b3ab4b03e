"""Curated reference data as triples: the drugs, drug classes and conditions a graph uses.

Only concepts the graph refers to are emitted (with their broader classes and conditions),
so a one-trial graph is not padded with unrelated drugs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

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


def reference_records(vocab: Vocabulary, drug_keys: Iterable[str],
                      condition_keys: Iterable[str]) -> Iterator[tuple[str, str, Triples]]:
    """The curated concepts a graph uses, one record each: ("drug"|"drug-class"|"condition",
    key, triples). Each concept lives in its own named graph, so loading more records only
    adds or refreshes concepts and never drops ones other records still point at."""
    drugs = sorted(set(drug_keys))
    for key in drugs:
        yield "drug", key, _only(drug_triples(vocab, [key]), iris.drug(key))
    classes = sorted({c for d in drugs for c in vocab.classes_of(d)})
    for key in classes:
        node = iris.drug_class(key)
        member = next(d for d in drugs if key in vocab.classes_of(d))
        yield "drug-class", key, _only(drug_triples(vocab, [member]), node)
    conditions: list[str] = []
    for key in condition_keys:
        conditions.extend(k for k in vocab.condition_ancestors(key) if k not in conditions)
    from kg.rdf.trial import condition_iri

    for key in sorted(conditions):
        yield "condition", key, _only(condition_triples(vocab, [key]), condition_iri(vocab, key))


def _only(triples: Triples, node) -> Triples:
    """The triples about ``node`` (and its identifier targets), out of a larger batch."""
    out = Triples()
    targets = {o for s, p, o in triples if s == node and p == SKOS.exactMatch}
    for s, p, o in triples:
        if s == node or s in targets:
            out.add(s, p, o)
    return out
