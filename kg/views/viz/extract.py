"""RDF graph -> ViewGraph: which resources become nodes, what they are called, what their
cards say, and which triples become edges.

Three sorts of resources are folded instead of drawn (``FOLDED``):

- helpers that only carry detail of one thing (authorships, MeSH headings, trial
  references, secondary identifiers, provenance activities): the direct triples the
  mapping also writes (``schema:author``, ``dcterms:subject``, ``dcterms:references``)
  carry the picture, and their detail becomes card facts;
- two helpers that sit *between* things worth drawing, contracted into one edge: trial ->
  eligibility -> criterion becomes trial "has criterion" criterion, and trial ->
  responsible party -> person becomes trial "responsible party" person (``CONTRACTED``);
- bookkeeping of the richer graph (``DETAILS``): setting facts and their SKOS values
  (issue 13), mentions (issue 12) and eligibility constraints (issue 15) become rows on
  the card of the study or criterion they belong to (kg.views.viz.cards), with the field
  and words they were read from; the ``tkg:matchIndex`` literal is never shown.

MeSH concepts that no record uses directly, reached only up ``skos:broader`` (the tree
above a condition or a drug's MeSH concept), are kept out of the drawing
(``ViewGraph.background``) and shown as tree paths on the cards of the concepts records
do use. They are drawn only when the page is focused on one of them.
"""

from __future__ import annotations

from collections import defaultdict

from rdflib import Graph, Literal, URIRef

from kg.rdf import iris
from kg.rdf.namespaces import BIBO, DCTERMS, MESH, PROV, RDF, RDFS, SCHEMA, SKOS, TKG
from kg.views.viz.cards import derived_facts, trailing_facts
from kg.views.viz.index import LABEL_PREDICATES, Index
from kg.views.viz.kinds import WEAKER_THAN, kind_of, predicate_words, split_name, super_properties
from kg.views.viz.links import links_for
from kg.views.viz.model import ViewEdge, ViewGraph, ViewNode
from kg.views.viz.text import shorten

CONTRACTED = {TKG.Eligibility, TKG.ResponsibleParty}
HELPERS = {TKG.Authorship, TKG.MeshHeading, TKG.TrialReference, TKG.SecondaryIdentifier,
           TKG.PageSection, PROV.Activity, SKOS.ConceptScheme, PROV.Entity}
SETTING_VALUES = {TKG.DiseaseSetting, TKG.LineOfTherapy, TKG.DesignFeature, TKG.EvidenceKind,
                  TKG.DrugRole}
DETAILS = {TKG.Mention, TKG.SettingFact, TKG.Constraint, *SETTING_VALUES}
FOLDED = CONTRACTED | HELPERS | DETAILS
# Links from a record to its folded details: card rows, never edges (also when the detail
# resources carry no rdf:type, as in a neighbourhood cut short).
DETAIL_LINKS = {TKG.settingFact, TKG.hasMention, TKG.hasConstraint, TKG.diseaseSetting,
                TKG.lineOfTherapy, TKG.studyDesign, TKG.evidenceKind, TKG.settingValue}
# Links to helpers whose literals a card shows (ages, secondary ids, source, type names).
CARD_LINKS = {TKG.eligibility, TKG.secondaryIdentifier, PROV.wasGeneratedBy,
              TKG.publicationType}
LINK_PREDICATES = {SCHEMA.sameAs, SKOS.exactMatch, SKOS.closeMatch}
NOT_EDGES = LINK_PREDICATES | DETAIL_LINKS | {RDF.type, TKG.publicationType,
                                              PROV.wasGeneratedBy, SKOS.inScheme}
# MeSH's own structure: an edge that is only one of these does not make a concept "used".
HIERARCHY = {str(SKOS.broader), str(TKG.mappedTo)}

# Literal properties that are the label, parts of a name, or too long for a tooltip.
SKIP_FACTS = {RDFS.label, SKOS.prefLabel, SCHEMA.name, DCTERMS.title, SCHEMA.familyName,
              SCHEMA.givenName, TKG.initials, TKG.position, BIBO.pages, BIBO.pageStart,
              BIBO.pageEnd, BIBO.volume, BIBO.issue, DCTERMS.abstract, SCHEMA.identifier,
              TKG.publicationDateText, TKG.kindReason, TKG.listedUnder, TKG.criterionNumber,
              TKG.minimumAgeYears, TKG.maximumAgeYears, DCTERMS.source, TKG.identifierScheme,
              TKG.matchIndex, TKG.notComputableReason}
FACT_NAMES = {TKG.nctId: "NCT id", BIBO.pmid: "PMID", BIBO.doi: "DOI", TKG.pmcid: "PMCID",
              SCHEMA.alternateName: "also called", SKOS.altLabel: "synonyms",
              SCHEMA.startDate: "start", DCTERMS.issued: "published",
              DCTERMS.modified: "last update", BIBO.shortTitle: "abbreviation",
              SCHEMA.description: "description", SCHEMA.text: "text",
              SCHEMA.keywords: "keywords", SCHEMA.addressLocality: "city",
              SCHEMA.addressCountry: "country", SCHEMA.jobTitle: "job title",
              SCHEMA.doseValue: "dose", SCHEMA.doseUnit: "dose unit",
              SCHEMA.frequency: "frequency", RDFS.comment: "note"}
# Literal facts shown before the folded ones (the rest follow them), in this order.
FACT_ORDER = [TKG.nctId, BIBO.pmid, BIBO.doi, TKG.officialTitle, SCHEMA.alternateName,
              TKG.overallStatus, TKG.phase, TKG.studyType, TKG.enrollment, SCHEMA.startDate,
              TKG.completionDate, TKG.conditionText, DCTERMS.issued, SKOS.altLabel,
              TKG.codeName, TKG.criterionKind, SCHEMA.text, TKG.armType,
              TKG.interventionType, TKG.treatmentPhase, SCHEMA.doseValue, SCHEMA.doseUnit,
              TKG.route, SCHEMA.frequency]
MAX_VALUES, MAX_CHARS, MAX_FACTS = 3, 300, 40
# Other names of a thing, for search: a trial registered as "Anrotinib" is found by
# "anlotinib" because the drug's synonyms (skos:altLabel) and code names are on the page.
ALIAS_PREDICATES = [*LABEL_PREDICATES, SKOS.altLabel, TKG.codeName, SCHEMA.alternateName,
                    TKG.officialTitle, BIBO.shortTitle, TKG.nctId, TKG.orgStudyId, BIBO.pmid,
                    BIBO.doi]
SYNONYM_PREDICATES = [*LABEL_PREDICATES, SKOS.altLabel, TKG.codeName, SCHEMA.alternateName]
SYNONYM_KINDS = {"drug", "drug-class", "condition", "mesh"}


def extract(graph: Graph) -> ViewGraph:
    idx = Index(graph)
    kinds = _node_kinds(idx)
    view = ViewGraph()
    for node in sorted(kinds):
        view.nodes[str(node)] = _view_node(idx, node, kinds[node])
    view.edges = _edges(idx, kinds)
    view.synonyms = _synonyms(idx, kinds)
    view.background = vocabulary_only(view)
    return view


def vocabulary_only(view: ViewGraph) -> set[str]:
    """MeSH concepts no drawn record links to: every edge they have is MeSH's own
    hierarchy (skos:broader, tkg:mappedTo), or they have none (a drug's MeSH concept,
    reached by skos:exactMatch, which is a link on the drug's card)."""
    used: set[str] = set()
    for e in view.edges:
        if set(e.predicates) - HIERARCHY:
            used.update((e.source, e.target))
    return {n for n in view.nodes if n.startswith(str(MESH)) and n not in used}


def _synonyms(idx: Index, kinds: dict[URIRef, str]) -> list[list[str]]:
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


def _node_kinds(idx: Index) -> dict[URIRef, str]:
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


def _edges(idx: Index, kinds: dict[URIRef, str]) -> list[ViewEdge]:
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


def _view_node(idx: Index, node: URIRef, kind: str) -> ViewNode:
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


def _label(idx: Index, node: URIRef, kind: str) -> tuple[str, str]:
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


def _facts(idx: Index, node: URIRef, kind: str, heading: str) -> list[tuple[str, str]]:
    """The node's own literals (identity and status first), then what its folded helpers
    and details say (kg.views.viz.cards), then its other literals."""
    lits = dict(idx.lits.get(node, {}))
    order = {p: i for i, p in enumerate(FACT_ORDER)}
    preds = sorted((p for p in lits if p not in SKIP_FACTS),
                   key=lambda p: (order.get(p, len(order)), _fact_name(p)))
    # A fact that only repeats the card's heading (a criterion's text) is left out.
    facts = [(p, (_fact_name(p), _values(lits[p]))) for p in preds
             if not all(str(v) == heading for v in lits[p])]
    first = [f for p, f in facts if p in order]
    rest = [f for p, f in facts if p not in order]
    facts = first + derived_facts(idx, node, kind) + rest + trailing_facts(idx, node, kind)
    if len(facts) > MAX_FACTS:  # said, not silently cut
        left = len(facts) - MAX_FACTS + 1
        facts = [*facts[:MAX_FACTS - 1], ("not shown", f"{left} more facts (see the graph)")]
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
