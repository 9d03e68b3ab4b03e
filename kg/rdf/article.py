"""A PubMed Article (plain model) as triples, with PROV-O saying where it came from.

The same Article gives the same triples whichever way it arrived (snapshot, file, cache or
a live EFetch): provenance lives on a separate activity node, the article triples
themselves do not depend on the route.
"""

from __future__ import annotations

import hashlib

from rdflib import Literal, URIRef

from kg.model import Article, SourceInfo
from kg.rdf import iris
from kg.rdf.namespaces import BIBO, DCTERMS, PROV, RDF, RDFS, SCHEMA, TKG, XSD
from kg.rdf.terms import Triples, date_literal
from kg.vocab import Vocabulary


def _mention_triples(t: Triples, s: URIRef, article: Article, vocab: Vocabulary) -> None:
    """tkg:mentionsDrug / tkg:mentionsCondition for what the title, abstract and keywords
    name, each with a tkg:Mention node saying where and how it was found. Evidence of a
    weaker kind than a registered intervention or a MeSH heading; the related-study finder
    says which kind each reason rests on."""
    from kg.extract.concepts import article_mentions
    from kg.rdf.mentions import mention_node, mention_target

    for m in article_mentions(article, vocab):
        concept = mention_target(m)
        node = iris.article_mention(article.pmid, m.field, m.kind, m.key, m.text)
        mention_node(t, s, node, m, concept)
        if concept is not None:
            t.add(s, TKG.mentionsDrug if m.kind == "drug" else TKG.mentionsCondition, concept)


def article_triples(article: Article, *, trial_nodes: set[str] | None = None,
                    vocab: Vocabulary | None = None) -> Triples:
    """Triples for one article. ``trial_nodes`` are NCT ids already in the graph; a DataBank
    link to any other trial makes a small trial node so the link has something to point at.
    Drugs and conditions named in the title, abstract or keywords are recorded as mentions
    (the shipped records have no MeSH to go on). MeSH ids link to MeSH concepts only when
    the loaded release has them (default: the built vocabulary); others stay as text."""
    if vocab is None:
        from kg.vocab import default_vocabulary

        vocab = default_vocabulary()
    t = Triples()
    s = iris.article(article.pmid)
    _mention_triples(t, s, article, vocab)
    if vocab is not None:
        from kg.extract.setting import article_setting
        from kg.rdf.setting import setting_triples

        setting_triples(t, s, f"pubmed/{article.pmid}", article_setting(article, vocab))
    t.add(s, RDF.type, SCHEMA.ScholarlyArticle)
    t.add(s, RDF.type, _bibo_type(article))
    t.text(s, TKG.bookTitle, article.book_title)
    t.text(s, BIBO.pmid, article.pmid)
    t.text(s, DCTERMS.title, article.title)
    t.text(s, SCHEMA.name, article.title)
    for section in article.abstract:
        text = f"{section.label}: {section.text}" if section.label else section.text
        t.text(s, DCTERMS.abstract, text)
    _journal(t, s, article)
    t.text(s, BIBO.volume, article.volume)
    t.text(s, BIBO.issue, article.issue)
    t.text(s, BIBO.pages, article.pages)
    t.text(s, BIBO.pageStart, article.start_page)
    t.text(s, BIBO.pageEnd, article.end_page)
    if article.pub_date is not None:
        iso = article.pub_date.iso()
        if iso:
            t.add(s, DCTERMS.issued, date_literal(iso))
        t.text(s, TKG.publicationDateText, article.pub_date.text)
    if article.epub_date is not None and article.epub_date.iso():
        t.add(s, TKG.epubDate, date_literal(article.epub_date.iso()))
    if article.doi:
        t.text(s, BIBO.doi, article.doi)
        t.add(s, SCHEMA.sameAs, iris.doi(article.doi))
    if article.pmcid:
        t.text(s, TKG.pmcid, article.pmcid)
        t.add(s, SCHEMA.sameAs, iris.pmc(article.pmcid))
    for lang in article.languages:
        t.text(s, DCTERMS.language, lang)
    # A MeSH id the loaded release has links to its concept (labelled by the release's own
    # graph); any other id stays text, so every MeSH IRI in the graph is one the release has.
    for ui, name in article.publication_types:
        if ui and vocab.has_mesh(ui):
            t.add(s, TKG.publicationType, iris.mesh(ui))
        else:
            t.text(s, TKG.publicationTypeText, name)
    _authors(t, s, article)
    _mesh(t, s, article, vocab)
    for chem in article.chemicals:
        if chem.ui and vocab.has_mesh(chem.ui):
            node = iris.mesh(chem.ui)
            t.add(s, TKG.chemical, node)
            t.text(node, TKG.registryNumber, chem.registry_number)
        else:
            t.text(s, TKG.chemicalText, chem.name)
    for kw in article.keywords:
        t.text(s, SCHEMA.keywords, kw.text)
    for nct in article.nct_ids:
        trial = iris.trial(nct)
        t.add(s, TKG.registeredTrial, trial)
        if trial_nodes is None or nct not in trial_nodes:
            t.add(trial, RDF.type, SCHEMA.MedicalTrial)
            t.add(trial, RDF.type, TKG.ClinicalTrial)
            t.text(trial, TKG.nctId, nct)
    return t


def _bibo_type(article: Article) -> URIRef:
    """A journal article; a Bookshelf record is a chapter of its book, or the book itself
    when it has no title of its own (the parser then gives it the book's)."""
    if article.book_title is None:
        return BIBO.AcademicArticle
    return BIBO.Book if article.title == article.book_title else BIBO.BookSection


def _journal(t: Triples, s: URIRef, article: Article) -> None:
    j = article.journal
    key = j.nlm_unique_id or j.medline_ta or j.iso_abbreviation or j.title
    if not key:
        return
    node = iris.journal(key)
    t.add(s, SCHEMA.isPartOf, node)
    t.add(node, RDF.type, SCHEMA.Periodical)
    t.add(node, RDF.type, BIBO.Journal)
    # The abbreviation is the same in every record of a journal; full titles vary between
    # transcriptions ("CA Cancer J Clin" vs "CA: a cancer journal for clinicians"), so they
    # are alternate names and the name stays single-valued.
    t.text(node, SCHEMA.name, j.iso_abbreviation or j.medline_ta or j.title)
    t.text(node, BIBO.shortTitle, j.iso_abbreviation or j.medline_ta)
    if j.title and j.title != (j.iso_abbreviation or j.medline_ta):
        t.text(node, SCHEMA.alternateName, j.title)
    t.text(node, TKG.nlmUniqueId, j.nlm_unique_id)
    t.text(node, BIBO.issn, j.issn_print)
    t.text(node, BIBO.eissn, j.issn_electronic)
    t.text(node, TKG.issnLinking, j.issn_linking)


def _authors(t: Triples, s: URIRef, article: Article) -> None:
    """Authorships in order, each with its person (see ``iris.author`` for who a person is).
    Two authorships of one article never share a person: a repeat (two "Wei Wang", or an
    ORCID given twice) becomes a person of that authorship alone."""
    taken: set[URIRef] = set()
    for position, author in enumerate(article.authors, start=1):
        person = iris.author(author.last_name, author.initials, author.orcid,
                             author.collective_name, author.fore_name,
                             pmid=article.pmid, position=position)
        if person in taken:
            person = iris.article_person(article.pmid, position)
        taken.add(person)
        ship = iris.authorship(article.pmid, position)
        t.add(s, SCHEMA.author, person)
        t.add(s, TKG.hasAuthorship, ship)
        t.add(ship, RDF.type, TKG.Authorship)
        t.add(ship, TKG.author, person)
        t.integer(ship, TKG.position, position)
        for affiliation in author.affiliations:
            t.text(ship, TKG.affiliationText, affiliation)
        if author.collective_name:
            t.add(person, RDF.type, SCHEMA.Organization)
            t.text(person, SCHEMA.name, author.collective_name)
            continue
        t.add(person, RDF.type, SCHEMA.Person)
        t.text(person, SCHEMA.name, author.display_name)
        t.text(person, SCHEMA.familyName, author.last_name)
        t.text(person, SCHEMA.givenName, author.fore_name)
        t.text(person, TKG.initials, author.initials)
        if author.orcid:
            t.text(person, TKG.orcid, author.orcid)


def _mesh(t: Triples, s: URIRef, article: Article, vocab: Vocabulary) -> None:
    for heading in article.mesh_headings:
        node = iris.mesh_heading(article.pmid, heading.descriptor_ui)
        t.add(s, TKG.hasMeshHeading, node)
        t.add(node, RDF.type, TKG.MeshHeading)
        t.boolean(node, TKG.majorTopic, heading.major)
        t.text(node, TKG.descriptorName, heading.descriptor_name)  # as PubMed names it
        if vocab.has_mesh(heading.descriptor_ui):
            descriptor = iris.mesh(heading.descriptor_ui)
            t.add(s, DCTERMS.subject, descriptor)
            t.add(node, TKG.descriptor, descriptor)
        else:
            t.text(node, TKG.descriptorUI, heading.descriptor_ui)
        for q in heading.qualifiers:
            qualifier = iris.mesh(q.ui)
            t.add(node, TKG.qualifier, qualifier)
            t.text(qualifier, RDFS.label, q.name)
            if q.major:
                t.add(node, TKG.majorQualifier, qualifier)


def provenance_triples(article: Article, source: SourceInfo, project_root: str | None = None
                       ) -> Triples:
    """PROV-O: which activity produced this article's triples (snapshot import, file import,
    or a live EFetch call with its database, ids and time)."""
    t = Triples()
    location = source.location
    if project_root and location.startswith(project_root):
        location = location[len(project_root):].lstrip("/")  # stable across checkouts
    # One activity per call (location and time) or per file: deterministic for files.
    key = f"{location}@{source.retrieved}" if source.retrieved else location
    activity = iris.activity(source.kind, hashlib.sha1(key.encode()).hexdigest()[:16])
    s = iris.article(article.pmid)
    t.add(s, PROV.wasGeneratedBy, activity)
    t.add(activity, RDF.type, PROV.Activity)
    t.text(activity, TKG.sourceKind, source.kind)
    t.text(activity, PROV.atLocation, location)
    t.text(activity, TKG.database, "pubmed")
    if source.retrieved:
        t.add(activity, PROV.startedAtTime, Literal(source.retrieved, datatype=XSD.dateTime))
    return t


def literature_link_triples(related: dict[str, list[str]], neighbours: dict[str, list[str]],
                            present: set[str]) -> Triples:
    """Links from Entrez related-literature searches: trial -> related article (ESearch by
    its drugs, classes and condition) and article -> ELink pubmed_pubmed neighbour. Only
    articles that made it into the graph are linked."""
    t = Triples()
    for nct, pmids in sorted(related.items()):
        for pmid in pmids:
            if pmid in present:
                t.add(iris.trial(nct), TKG.relatedArticle, iris.article(pmid))
    for pmid, near in sorted(neighbours.items()):
        for other in near:
            if other in present:
                t.add(iris.article(pmid), TKG.similarArticle, iris.article(other))
    return t
