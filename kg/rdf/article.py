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


def mention_triples(t: Triples, subject: URIRef, vocab: Vocabulary, text: str) -> None:
    """tkg:mentionsDrug / tkg:mentionsCondition for curated names found in free text.

    Evidence of a weaker kind than a registered intervention or a MeSH heading; the
    related-study finder says which kind each reason rests on."""
    from kg.rdf.trial import condition_iri

    for key in vocab.drug_keys_in(text):
        t.add(subject, TKG.mentionsDrug, iris.drug(key))
    for key in vocab.condition_keys_in(text):
        t.add(subject, TKG.mentionsCondition, condition_iri(vocab, key))


def article_triples(article: Article, *, trial_nodes: set[str] | None = None,
                    vocab: Vocabulary | None = None) -> Triples:
    """Triples for one article. ``trial_nodes`` are NCT ids already in the graph; a DataBank
    link to any other trial makes a small trial node so the link has something to point at.
    With ``vocab``, drugs and conditions named in the title, abstract or keywords are
    recorded as text mentions (the shipped records have no MeSH to go on)."""
    t = Triples()
    s = iris.article(article.pmid)
    if vocab is not None:
        texts = [article.title or "", *(a.text for a in article.abstract),
                 *(k.text for k in article.keywords)]
        mention_triples(t, s, vocab, " \n ".join(texts))
        from kg.extract.setting import article_setting
        from kg.rdf.setting import setting_triples

        setting_triples(t, s, f"pubmed/{article.pmid}", article_setting(article, vocab))
    t.add(s, RDF.type, SCHEMA.ScholarlyArticle)
    t.add(s, RDF.type, BIBO.AcademicArticle)
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
    for ui, name in article.publication_types:
        node = iris.mesh(ui) if ui else None
        if node is not None:
            t.add(s, TKG.publicationType, node)
            t.text(node, RDFS.label, name)
        else:
            t.text(s, TKG.publicationTypeText, name)
    _authors(t, s, article)
    _mesh(t, s, article)
    for chem in article.chemicals:
        if chem.ui:
            node = iris.mesh(chem.ui)
            t.add(s, TKG.chemical, node)
            t.text(node, RDFS.label, chem.name)
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
    for position, author in enumerate(article.authors, start=1):
        person = iris.author(author.last_name, author.initials, author.orcid,
                             author.collective_name)
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


def _mesh(t: Triples, s: URIRef, article: Article) -> None:
    for heading in article.mesh_headings:
        descriptor = iris.mesh(heading.descriptor_ui)
        node = iris.mesh_heading(article.pmid, heading.descriptor_ui)
        t.add(s, DCTERMS.subject, descriptor)
        t.add(s, TKG.hasMeshHeading, node)
        t.add(node, RDF.type, TKG.MeshHeading)
        t.add(node, TKG.descriptor, descriptor)
        t.boolean(node, TKG.majorTopic, heading.major)
        t.add(descriptor, RDF.type, TKG.MeshDescriptor)
        t.text(descriptor, RDFS.label, heading.descriptor_name)
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
