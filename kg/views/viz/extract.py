"""RDF graph -> ViewGraph: which resources become nodes, what they are called, what their
tooltips say, and which triples become edges.

Helper resources that only exist to carry detail (authorships, MeSH headings, trial
references, the eligibility block, provenance activities, secondary identifiers) are not
drawn: the direct triples the mapping also writes (``schema:author``, ``dcterms:subject``,
``dcterms:references``) carry the picture, and their detail becomes tooltip facts. Two such
helpers sit *between* things worth drawing, so they are contracted into one edge: trial ->
eligibility -> criterion becomes trial "has criterion" criterion, and trial -> responsible
party -> person becomes trial "responsible party" person.
"""

from __future__ import annotations

from collections import defaultdict

from rdflib import Graph, Literal, URIRef

from kg.rdf import iris
from kg.rdf.namespaces import BIBO, DCTERMS, MESH, PROV, RDF, RDFS, SCHEMA, SKOS, TKG
from kg.views.viz.kinds import WEAKER_THAN, kind_of, predicate_words, split_name, super_properties
from kg.views.viz.links import links_for
from kg.views.viz.model import ViewEdge, ViewGraph, ViewNode
from kg.views.viz.text import shorten

FOLDED = {TKG.Authorship, TKG.MeshHeading, TKG.TrialReference, TKG.Eligibility,
          TKG.ResponsibleParty, TKG.SecondaryIdentifier, TKG.PageSection, PROV.Activity,
          TKG.Mention, SKOS.ConceptScheme, PROV.Entity}  # the last three: issue 12
LINK_PREDICATES = {SCHEMA.sameAs, SKOS.exactMatch}
NOT_EDGES = LINK_PREDICATES | {RDF.type, TKG.publicationType, PROV.wasGeneratedBy,
                               SKOS.inScheme}
LABEL_PREDICATES = [RDFS.label, SKOS.prefLabel, SCHEMA.name, DCTERMS.title]
ELIGIBILITY_FACTS = [TKG.minimumAge, TKG.maximumAge, TKG.sex, TKG.healthyVolunteers]

# Literal properties that are the label, parts of a name, or too long for a tooltip.
SKIP_FACTS = {RDFS.label, SKOS.prefLabel, SCHEMA.name, DCTERMS.title, SCHEMA.familyName,
              SCHEMA.givenName, TKG.initials, TKG.position, BIBO.pages, BIBO.pageStart,
              BIBO.pageEnd, BIBO.volume, BIBO.issue, DCTERMS.abstract, SCHEMA.identifier,
              TKG.publicationDateText, TKG.kindReason, TKG.listedUnder, TKG.criterionNumber,
              TKG.minimumAgeYears, TKG.maximumAgeYears, DCTERMS.source, TKG.identifierScheme}
FACT_NAMES = {TKG.nctId: "NCT id", BIBO.pmid: "PMID", BIBO.doi: "DOI", TKG.pmcid: "PMCID",
              SCHEMA.alternateName: "also called", SKOS.altLabel: "synonyms",
              SCHEMA.startDate: "start", DCTERMS.issued: "published",
              DCTERMS.modified: "last update", BIBO.shortTitle: "abbreviation",
              SCHEMA.description: "description", SCHEMA.text: "text",
              SCHEMA.keywords: "keywords", SCHEMA.addressLocality: "city",
              SCHEMA.addressCountry: "country", SCHEMA.jobTitle: "job title",
              SCHEMA.doseValue: "dose", SCHEMA.doseUnit: "dose unit",
              SCHEMA.frequency: "frequency", RDFS.comment: "note"}
FACT_ORDER = [TKG.nctId, BIBO.pmid, BIBO.doi, TKG.officialTitle, SCHEMA.alternateName,
              TKG.overallStatus, TKG.phase, TKG.studyType, TKG.enrollment, SCHEMA.startDate,
              TKG.completionDate, TKG.conditionText, DCTERMS.issued, SKOS.altLabel,
              TKG.codeName, TKG.criterionKind, SCHEMA.text, TKG.armType,
              TKG.interventionType, TKG.treatmentPhase, SCHEMA.doseValue, SCHEMA.doseUnit,
              TKG.route, SCHEMA.frequency, SCHEMA.description]
MAX_VALUES, MAX_CHARS, MAX_FACTS = 3, 300, 14
# Other names of a thing, for search: a trial registered as "Anrotinib" is found by
# "anlotinib" because the drug's synonyms (skos:altLabel) and code names are on the page.
ALIAS_PREDICATES = [*LABEL_PREDICATES, SKOS.altLabel, TKG.codeName, SCHEMA.alternateName,
                    TKG.officialTitle, BIBO.shortTitle, TKG.nctId, TKG.orgStudyId, BIBO.pmid,
                    BIBO.doi]
SYNONYM_PREDICATES = [*LABEL_PREDICATES, SKOS.altLabel, TKG.codeName, SCHEMA.alternateName]
SYNONYM_KINDS = {"drug", "drug-class", "condition", "mesh"}


class _Index:
    """One pass over the triples, grouped the ways extraction asks for them."""

    def __init__(self, graph: Graph):
        self.types: dict[URIRef, set[URIRef]] = defaultdict(set)
        self.out: dict[URIRef, list[tuple[URIRef, URIRef]]] = defaultdict(list)
        self.lits: dict[URIRef, dict[URIRef, list[Literal]]] = defaultdict(
            lambda: defaultdict(list))
        for s, p, o in graph:
            if not isinstance(s, URIRef):
                continue
            if p == RDF.type:
                self.types[s].add(o)
            elif isinstance(o, URIRef):
                self.out[s].append((p, o))
            elif isinstance(o, Literal):
                self.lits[s][p].append(o)

    def first(self, node: URIRef, *predicates: URIRef) -> str | None:
        for p in predicates:
            values = self.lits.get(node, {}).get(p)
            if values:
                return sorted(str(v) for v in values)[0]
        return None

    def objects(self, node: URIRef, predicate: URIRef) -> list[URIRef]:
        return sorted(o for p, o in self.out.get(node, []) if p == predicate)


def extract(graph: Graph) -> ViewGraph:
    idx = _Index(graph)
    kinds = _node_kinds(idx)
    view = ViewGraph()
    for node in sorted(kinds):
        view.nodes[str(node)] = _view_node(idx, node, kinds[node])
    view.edges = _edges(idx, kinds)
    view.synonyms = _synonyms(idx, kinds)
    return view


def _synonyms(idx: _Index, kinds: dict[URIRef, str]) -> list[list[str]]:
    """Per drug, class or condition that has other names: all its names, lower-cased."""
    groups = set()
    for node in kinds:
        if kinds[node] not in SYNONYM_KINDS:
            continue
        lits = idx.lits.get(node, {})
        names = {" ".join(str(v).lower().split()) for p in SYNONYM_PREDICATES
                 for v in lits.get(p, [])}
        names.discard("")
        if len(names) > 1:
            groups.add(tuple(sorted(names)))
    return [list(g) for g in sorted(groups)]


def _node_kinds(idx: _Index) -> dict[URIRef, str]:
    kinds: dict[URIRef, str] = {}
    for node, types in idx.types.items():
        if not types & FOLDED:
            kinds[node] = kind_of(types) or "other"
    authors = {o for s in idx.out for p, o in idx.out[s] if p == SCHEMA.author}
    for node in authors & kinds.keys():
        kinds[node] = "author"
    for s in list(idx.out):
        if s not in kinds:
            continue
        for p, o in idx.out[s]:
            if p not in NOT_EDGES and o not in kinds and not idx.types.get(o, set()) & FOLDED:
                kinds[o] = "mesh" if str(o).startswith(str(MESH)) else "other"
    return kinds


def _edges(idx: _Index, kinds: dict[URIRef, str]) -> list[ViewEdge]:
    pairs: dict[tuple[URIRef, URIRef], set[URIRef]] = defaultdict(set)
    for s in kinds:
        for p, o in idx.out.get(s, []):
            if p in NOT_EDGES:
                continue
            if o in kinds:
                pairs[(s, o)].add(p)
            elif p == TKG.eligibility:
                for c in idx.objects(o, TKG.hasCriterion):
                    if c in kinds and not idx.objects(c, TKG.subCriterionOf):
                        pairs[(s, c)].add(TKG.hasCriterion)
            elif p == TKG.responsibleParty:
                for party in idx.objects(o, TKG.party):
                    if party in kinds:
                        pairs[(s, party)].add(TKG.responsibleParty)
    supers = super_properties()
    edges = []
    for (s, o), predicates in sorted(pairs.items()):
        implied = {sup for p in predicates for sup in supers.get(p, ())}
        implied |= {p for p in predicates if WEAKER_THAN.get(p, set()) & predicates}
        kept = sorted(predicates - implied) or sorted(predicates)
        words = sorted({predicate_words(p) for p in kept})
        edges.append(ViewEdge(str(s), str(o), " · ".join(words), [str(p) for p in kept]))
    return edges


def _view_node(idx: _Index, node: URIRef, kind: str) -> ViewNode:
    label, name = _label(idx, node, kind)
    same_as = [str(o) for p, o in idx.out.get(node, []) if p in LINK_PREDICATES]
    doi = idx.first(node, BIBO.doi)
    if doi and not any(u.startswith("https://doi.org/") for u in same_as):
        same_as.append(str(iris.doi(doi)))
    lits = idx.lits.get(node, {})
    aliases = sorted({" ".join(str(v).split()) for p in ALIAS_PREDICATES
                      for v in lits.get(p, [])} - {label, name, ""})
    return ViewNode(str(node), kind, label, name=name if name != label else "",
                    facts=_facts(idx, node, kind, name or label),
                    links=links_for(str(node), sorted(same_as)), aliases=aliases)


def _label(idx: _Index, node: URIRef, kind: str) -> tuple[str, str]:
    name = idx.first(node, *LABEL_PREDICATES) or ""
    if kind == "trial":
        return idx.first(node, TKG.nctId) or split_name(node), name
    if kind == "article":
        pmid = idx.first(node, BIBO.pmid)
        name = name or idx.first(node, TKG.citationText) or ""
        return (shorten(name, 48) if name else f"PMID {pmid}" if pmid else split_name(node)), name
    if kind == "criterion":
        kind_text = (idx.first(node, TKG.criterionKind) or "criterion")[:4]
        number = idx.first(node, TKG.criterionNumber) or ""
        return f"{kind_text}. {number}".strip(), idx.first(node, SCHEMA.text) or ""
    if kind == "regimen":
        drugs = [idx.first(d, *LABEL_PREDICATES) or split_name(d)
                 for d in idx.objects(node, TKG.drug)]
        phase = idx.first(node, TKG.treatmentPhase)
        text = " + ".join(drugs) or "regimen"
        return (f"{text} ({phase})" if phase else text), ""
    if name:
        return shorten(name, 40), name
    return split_name(node), ""


def _facts(idx: _Index, node: URIRef, kind: str, heading: str) -> list[tuple[str, str]]:
    lits = dict(idx.lits.get(node, {}))
    order = {p: i for i, p in enumerate(FACT_ORDER)}
    preds = sorted((p for p in lits if p not in SKIP_FACTS),
                   key=lambda p: (order.get(p, len(order)), _fact_name(p)))
    # A fact that only repeats the tooltip's heading (a criterion's text) is left out.
    facts = [(_fact_name(p), _values(lits[p])) for p in preds
             if not all(str(v) == heading for v in lits[p])]
    facts.extend(_derived_facts(idx, node, kind))
    return facts[:MAX_FACTS]


def _derived_facts(idx: _Index, node: URIRef, kind: str) -> list[tuple[str, str]]:
    """Detail carried by folded helper resources, shown on the node they describe."""
    facts: list[tuple[str, str]] = []
    if kind == "trial":
        for elig in idx.objects(node, TKG.eligibility):
            for p in ELIGIBILITY_FACTS:
                if idx.lits.get(elig, {}).get(p):
                    facts.append((_fact_name(p), _values(idx.lits[elig][p])))
        ids = [idx.first(s, SCHEMA.value) for s in idx.objects(node, TKG.secondaryIdentifier)]
        if any(ids):
            facts.append(("secondary ids", shorten(", ".join(i for i in ids if i), MAX_CHARS)))
    if kind == "article":
        authors = idx.objects(node, SCHEMA.author)
        if authors:
            facts.append(("authors", str(len(authors))))
        types = [idx.first(t, RDFS.label) or split_name(t)
                 for t in idx.objects(node, TKG.publicationType)]
        if types:
            facts.append(("publication type", shorten(", ".join(types), MAX_CHARS)))
        sources = sorted({idx.first(a, TKG.sourceKind) or "" for a in
                          idx.objects(node, PROV.wasGeneratedBy)} - {""})
        if sources:
            facts.append(("source", ", ".join(sources)))
    return facts


def _fact_name(predicate: URIRef) -> str:
    return FACT_NAMES.get(predicate) or predicate_words(predicate)


def _values(values: list[Literal]) -> str:
    texts = sorted({_literal_text(v) for v in values})
    shown = ", ".join(texts[:MAX_VALUES])
    if len(texts) > MAX_VALUES:
        shown += f" (+{len(texts) - MAX_VALUES} more)"
    return shorten(shown, MAX_CHARS)


def _literal_text(value: Literal) -> str:
    if isinstance(value.value, bool):
        return "yes" if value.value else "no"
    return str(value)
