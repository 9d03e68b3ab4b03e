"""Node kinds (with their look and rank) and edge wording: the page's visual vocabulary.

One table decides the colour, shape and legend text of every kind, and the order in which
kinds survive the node cap (trials, drugs and conditions first, authors last). Edge labels
come from the ``rdfs:label`` of each predicate in ontologies/trialkg.ttl; the few schema.org,
DCTerms and SKOS predicates we use get plain words here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from rdflib import Graph, URIRef

from kg import resources
from kg.rdf.namespaces import BIBO, DCTERMS, RDFS, SCHEMA, SKOS, TKG


@dataclass(frozen=True)
class Kind:
    key: str
    legend: str  # plural, for the legend and messages
    one: str  # singular, for a node's card
    colour: str
    shape: str  # a vis-network shape with the label below it
    size: int
    rank: int  # lower survives the node cap first
    font: int  # label size at zoom 1; smaller labels show only when zoomed in further


KINDS: dict[str, Kind] = {k.key: k for k in [
    Kind("trial", "trials", "trial", "#d62728", "star", 28, 0, 24),
    Kind("drug", "drugs", "drug", "#1f77b4", "diamond", 18, 1, 20),
    Kind("condition", "conditions", "condition", "#2ca02c", "square", 16, 2, 20),
    Kind("drug-class", "drug classes", "drug class", "#6baed6", "triangle", 15, 3, 18),
    Kind("article", "articles", "article", "#ff7f0e", "dot", 13, 4, 14),
    Kind("arm", "arms", "arm", "#bcbd22", "dot", 11, 5, 12),
    Kind("intervention", "interventions", "intervention", "#17becf", "dot", 10, 6, 12),
    Kind("regimen", "regimens", "regimen", "#8c8c00", "dot", 8, 7, 12),
    Kind("organisation", "organisations", "organisation", "#e377c2", "hexagon", 12, 8, 12),
    Kind("journal", "journals", "journal", "#8c564b", "triangleDown", 11, 9, 11),
    Kind("mesh", "MeSH terms", "MeSH term", "#74c476", "dot", 8, 10, 11),
    Kind("person", "people", "person", "#9e6ebd", "dot", 9, 11, 12),
    Kind("site", "sites", "site", "#7f7f7f", "square", 8, 12, 11),
    Kind("criterion", "eligibility criteria", "eligibility criterion", "#bdbdbd", "dot", 6, 13,
         10),
    Kind("author", "authors", "author", "#c5b0d5", "dot", 7, 14, 10),
    Kind("other", "other resources", "other resource", "#dddddd", "dot", 6, 15, 10),
]}

# rdf:type -> kind, most specific first: a site is also a schema:MedicalOrganization, a
# curated condition is also a MeSH descriptor when articles are indexed with it.
TYPE_KINDS: list[tuple[URIRef, str]] = [
    (TKG.ClinicalTrial, "trial"),
    (SCHEMA.MedicalTrial, "trial"),
    (TKG.Drug, "drug"),
    (SCHEMA.Drug, "drug"),
    (TKG.DrugClass, "drug-class"),
    (SCHEMA.DrugClass, "drug-class"),
    (TKG.Condition, "condition"),
    (SCHEMA.MedicalCondition, "condition"),
    (TKG.MeshDescriptor, "mesh"),
    (TKG.MeshSupplementaryConcept, "mesh"),  # issue 12: supplementary concepts (drugs)
    (SCHEMA.ScholarlyArticle, "article"),
    (BIBO.AcademicArticle, "article"),
    (SCHEMA.Periodical, "journal"),
    (BIBO.Journal, "journal"),
    (TKG.Site, "site"),
    (TKG.Arm, "arm"),
    (TKG.Intervention, "intervention"),
    (TKG.Regimen, "regimen"),
    (TKG.EligibilityCriterion, "criterion"),
    (SCHEMA.Person, "person"),
    (SCHEMA.Organization, "organisation"),
    (SCHEMA.MedicalOrganization, "organisation"),
]

# Plain words for predicates outside the project vocabulary, and for the few project
# predicates whose label is a noun that reads badly on an arrow.
EDGE_WORDS: dict[URIRef, str] = {
    SCHEMA.healthCondition: "studies condition",
    SCHEMA.sponsor: "sponsored by",
    SCHEMA.studyLocation: "recruits at",
    SCHEMA.author: "written by",
    SCHEMA.isPartOf: "published in",
    SCHEMA.drugClass: "in drug class",
    SCHEMA.affiliation: "affiliated with",
    SKOS.broader: "is a kind of",
    DCTERMS.references: "cites",
    DCTERMS.subject: "indexed with",
    TKG.drug: "gives drug",
    TKG.chemical: "indexes chemical",
    TKG.registeredTrial: "reports trial",
    TKG.leadSponsor: "lead sponsor",
    TKG.hasCriterion: "has criterion",
    TKG.responsibleParty: "responsible party",
}


# A parallel edge that says less: "mentions drug" next to "studies drug" adds nothing.
WEAKER_THAN: dict[URIRef, set[URIRef]] = {
    TKG.mentionsDrug: {TKG.studiesDrug, TKG.includesDrug, TKG.drug},
    TKG.mentionsCondition: {SCHEMA.healthCondition},
}


def kind_of(types: set[URIRef]) -> str | None:
    for cls, kind in TYPE_KINDS:
        if cls in types:
            return kind
    return None


@lru_cache(maxsize=1)
def _vocabulary() -> Graph:
    g = Graph()
    if resources.VOCABULARY_TTL.exists():
        g.parse(resources.VOCABULARY_TTL, format="turtle")
    return g


@cache
def predicate_words(predicate: URIRef) -> str:
    """'studies drug' for tkg:studiesDrug: our table, else the ontology's rdfs:label, else
    the local name split at capitals."""
    if predicate in EDGE_WORDS:
        return EDGE_WORDS[predicate]
    label = _vocabulary().value(predicate, RDFS.label)
    if label is not None:
        return str(label)
    return split_name(predicate)


def split_name(iri: str) -> str:
    local = re.split(r"[#/]", str(iri).rstrip("/#"))[-1]
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", local).lower() or str(iri)


@lru_cache(maxsize=1)
def super_properties() -> dict[URIRef, set[URIRef]]:
    """Property -> its declared super-properties, so a parallel 'sponsored by' edge is
    dropped next to the more specific 'lead sponsor'."""
    out: dict[URIRef, set[URIRef]] = {}
    for sub, sup in _vocabulary().subject_objects(RDFS.subPropertyOf):
        if isinstance(sub, URIRef) and isinstance(sup, URIRef):
            out.setdefault(sub, set()).add(sup)
    return out
