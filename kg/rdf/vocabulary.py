"""Curated reference data as triples: the drugs, drug classes and conditions a graph uses.

Only concepts the graph refers to are emitted (with their broader classes and conditions),
so a one-trial graph is not padded with unrelated drugs.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from kg.model import Article, Trial
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


def _drug(t: Triples, vocab: Vocabulary, key: str) -> None:
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


def _drug_class(t: Triples, vocab: Vocabulary, key: str) -> None:
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


def _condition(t: Triples, vocab: Vocabulary, key: str) -> None:
    from kg.rdf.trial import condition_iri

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
    # The node is the MeSH descriptor itself: its MeSH identifier's check is a source on it.
    _identifiers(t, node, [i for i in cond.identifiers if i.scheme != "mesh"])
    for ident in cond.identifiers:
        if ident.scheme == "mesh":
            t.text(node, DCTERMS.source, ident.source)


def _one(emit, vocab: Vocabulary, key: str) -> Triples:
    t = Triples()
    emit(t, vocab, key)
    return t


def reference_records(vocab: Vocabulary, drug_keys: Iterable[str],
                      condition_keys: Iterable[str]) -> Iterator[tuple[str, str, Triples]]:
    """The curated concepts a graph uses, one record each: ("drug"|"drug-class"|"condition",
    key, triples), broader classes and conditions included. Each concept lives in its own
    named graph, so loading more records only adds or refreshes concepts and never drops
    ones other records still point at."""
    drugs = sorted(set(drug_keys))
    for key in drugs:
        yield "drug", key, _one(_drug, vocab, key)
    for key in sorted({c for d in drugs for c in vocab.classes_of(d)}):
        yield "drug-class", key, _one(_drug_class, vocab, key)
    conditions = {a for key in condition_keys for a in vocab.condition_ancestors(key)}
    for key in sorted(conditions):
        yield "condition", key, _one(_condition, vocab, key)
    from kg.rdf.setting import concept_triples  # the values of clinical-setting facts

    yield "setting", "concepts", concept_triples()


def concepts_of_trial(trial: Trial, vocab: Vocabulary) -> tuple[set[str], set[str]]:
    """(drug keys, condition keys) a trial uses: registered interventions and regimens, and
    names in its conditions and titles. One definition for every load path."""
    drugs = {k for iv in trial.interventions for k in iv.drugs}
    drugs.update(r.drug for arm in trial.arms for r in arm.regimens)
    conditions: set[str] = set()
    for text in (*trial.conditions, trial.brief_title or "", trial.official_title or ""):
        conditions.update(vocab.condition_keys_in(text))
        drugs.update(vocab.drug_keys_in(text))
    return drugs, conditions


def concepts_of_article(article: Article, vocab: Vocabulary) -> tuple[set[str], set[str]]:
    """(drug keys, condition keys) an article names in its title, keywords and abstract, plus
    conditions among its MeSH headings."""
    text = " ".join([article.title or "", *(k.text for k in article.keywords),
                     *(a.text for a in article.abstract)])
    drugs = set(vocab.drug_keys_in(text))
    conditions = set(vocab.condition_keys_in(text))
    for heading in article.mesh_headings:
        cond = vocab.condition_by_mesh(heading.descriptor_ui)
        if cond is not None:
            conditions.add(cond.key)
    return drugs, conditions
