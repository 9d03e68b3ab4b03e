"""The vocabulary a graph uses, as triples: MeSH concepts with their place in the trees, the
release they come from, and the curated drugs and classes on top.

Not the whole release (350k concepts): the concepts the records use, each with every concept
above it up to the top of its trees (``skos:broader``, tree numbers), so hierarchy queries
work ("trials under Head and Neck Neoplasms"). Each concept is its own named graph, so loading
more records adds or refreshes concepts and never drops ones other records point at; the
release description (year, source file, SHA-256, licence) is one more graph.

Graphs: ``graph/vocabulary/mesh`` (the release), ``graph/vocabulary/mesh/<UI>`` (a concept as
the release states it), ``graph/reference/drug/<key>``, ``graph/reference/drug-class/<key>``
and ``graph/reference/condition/<key>`` (the curated layer: names MeSH lacks, classes).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from rdflib import Literal, URIRef

from kg.model import Article, Trial
from kg.rdf import iris
from kg.rdf.namespaces import DCTERMS, PROV, RDF, RDFS, SCHEMA, SKOS, TKG, XSD
from kg.rdf.terms import Triples
from kg.vocab import Identifier, Vocabulary
from kg.vocab import names as N

NLM = "U.S. National Library of Medicine"


def _identifiers(t: Triples, node, identifiers: Iterable[Identifier]) -> None:
    for ident in identifiers:
        target = iris.external(ident.scheme, ident.id)
        t.add(node, SKOS.exactMatch, target)
        if ident.scheme == "mesh":
            continue  # the MeSH concept's own graph says where it comes from (skos:inScheme)
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
    if key in vocab.curated.drugs:  # a MeSH-only drug's names live on its MeSH concept
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
    if cls.mesh:
        # The closest MeSH heading (a pharmacological action or chemical group): close,
        # not the same, since the class is the clinicians' grouping.
        t.add(node, SKOS.closeMatch, iris.mesh(cls.mesh))
    _identifiers(t, node, [i for i in cls.identifiers if i.scheme != "mesh"])


def _curated_condition(t: Triples, vocab: Vocabulary, key: str) -> None:
    """What the curated layer adds to a MeSH disease: names MeSH does not list."""
    cur = vocab.curated.conditions[key]
    node = iris.mesh(cur.mesh)
    t.add(node, RDF.type, TKG.Condition)
    for name in cur.synonyms:
        t.text(node, SKOS.altLabel, name)
    t.text(node, TKG.curatedKey, key)


def mesh_concept_triples(vocab: Vocabulary, ui: str) -> Triples:
    """One MeSH concept as the release states it."""
    t = Triples()
    rec = vocab.concept(ui)
    node = iris.mesh(ui)
    t.add(node, RDF.type, TKG.MeshSupplementaryConcept if rec.supplementary
          else TKG.MeshDescriptor)
    if rec.kinds & N.CONDITION:
        t.add(node, RDF.type, SCHEMA.MedicalCondition)
        t.add(node, RDF.type, TKG.Condition)
    t.text(node, RDFS.label, rec.name)
    for term in rec.terms:
        t.text(node, SKOS.altLabel, term)
    for tree in rec.trees:
        t.text(node, TKG.meshTreeNumber, tree)
    for head in rec.mapped:
        if vocab.has_mesh(head):
            t.add(node, TKG.mappedTo, iris.mesh(head))
    for broader in vocab.broader_mesh(ui):
        t.add(node, SKOS.broader, iris.mesh(broader))
    t.add(node, SKOS.inScheme, release_iri(vocab))
    return t


def release_iri(vocab: Vocabulary) -> URIRef:
    return iris.vocabulary_release(vocab.release.slug)


def release_triples(vocab: Vocabulary) -> Triples:
    """The release description: what it is, where it came from, under which terms."""
    t = Triples()
    rel = vocab.release
    node = release_iri(vocab)
    t.add(node, RDF.type, SKOS.ConceptScheme)
    t.add(node, RDF.type, PROV.Entity)
    t.text(node, RDFS.label, rel.label)
    t.text(node, DCTERMS.title, f"Medical Subject Headings (MeSH) {rel.year}")
    t.text(node, DCTERMS.publisher, NLM)
    t.text(node, TKG.releaseYear, rel.year)
    t.text(node, TKG.vocabularySource, rel.source)
    t.text(node, TKG.distribution, rel.distribution)
    t.text(node, DCTERMS.license, rel.licence)
    for f in rel.files:
        file_node = iris.vocabulary_file(rel.slug, f.sha256)
        t.add(node, PROV.wasDerivedFrom, file_node)
        t.add(file_node, RDF.type, PROV.Entity)
        t.text(file_node, TKG.fileName, f.path)
        t.text(file_node, TKG.sha256, f.sha256)
        t.add(file_node, TKG.byteSize, Literal(f.size, datatype=XSD.integer))
    return t


def _one(emit, vocab: Vocabulary, key: str) -> Triples:
    t = Triples()
    emit(t, vocab, key)
    return t


def mesh_closure(vocab: Vocabulary, uis: Iterable[str]) -> list[str]:
    """The UIs (of the loaded release) and every UI above them, sorted."""
    out: set[str] = set()
    for ui in uis:
        if ui and ui not in out and vocab.has_mesh(ui):
            out.add(ui)
            out.update(vocab.ancestor_mesh(ui))
    return sorted(out)


def reference_graphs(vocab: Vocabulary, drug_keys: Iterable[str], mesh_uis: Iterable[str]
                     ) -> Iterator[tuple[URIRef, Triples]]:
    """(graph, triples) for the vocabulary a graph uses: the drugs and their classes, the
    MeSH concepts (the drugs' own included) with everything above them, the curated names
    of the conditions among them, and the release description."""
    drugs = sorted(set(drug_keys))
    for key in drugs:
        yield iris.record_graph("reference", f"drug/{key}"), _one(_drug, vocab, key)
    for key in sorted({c for d in drugs for c in vocab.classes_of(d)}):
        yield iris.record_graph("reference", f"drug-class/{key}"), \
            _one(_drug_class, vocab, key)
    wanted = set(mesh_uis)
    wanted.update(vocab.drugs[d].mesh for d in drugs if vocab.drugs[d].mesh)
    wanted.update(vocab.classes[c].mesh for d in drugs for c in vocab.classes_of(d)
                  if vocab.classes[c].mesh)
    closure = mesh_closure(vocab, wanted)
    curated = {c.mesh: k for k, c in vocab.curated.conditions.items()}
    for ui in closure:
        if ui in curated:
            yield iris.record_graph("reference", f"condition/{curated[ui]}"), \
                _one(_curated_condition, vocab, curated[ui])
    yield iris.record_graph("vocabulary", "mesh"), release_triples(vocab)
    for ui in closure:
        yield iris.record_graph("vocabulary", f"mesh/{ui}"), mesh_concept_triples(vocab, ui)
    from kg.rdf.setting import concept_triples  # the values of clinical-setting facts

    yield iris.record_graph("reference", "setting/concepts"), concept_triples()


def concepts_of_trial(trial: Trial, vocab: Vocabulary) -> tuple[set[str], set[str]]:
    """(drug keys, MeSH UIs) a trial uses: registered interventions and regimens, the
    registry's MeSH terms, and what was recognised in its fields. One definition for every
    load path."""
    from kg.extract.concepts import trial_mentions

    drugs = {k for iv in trial.interventions for k in iv.drugs}
    drugs.update(r.drug for arm in trial.arms for r in arm.regimens)
    meshes: set[str] = set()
    for m in trial_mentions(trial, vocab):
        if m.mesh:
            meshes.add(m.mesh)
            if m.kind == "drug":
                drugs.add(m.key)
    return drugs, meshes


def concepts_of_article(article: Article, vocab: Vocabulary) -> tuple[set[str], set[str]]:
    """(drug keys, MeSH UIs) an article uses: what its title, abstract and keywords name, and
    its MeSH headings, chemicals and publication types."""
    from kg.extract.concepts import article_mentions

    drugs: set[str] = set()
    meshes: set[str] = set()
    for m in article_mentions(article, vocab):
        if m.mesh:
            meshes.add(m.mesh)
            if m.kind == "drug":
                drugs.add(m.key)
    meshes.update(h.descriptor_ui for h in article.mesh_headings)
    meshes.update(c.ui for c in article.chemicals if c.ui)
    meshes.update(ui for ui, _ in article.publication_types if ui)
    return drugs, {ui for ui in meshes if vocab.has_mesh(ui)}
