"""Mentions as triples: each drug or condition found in a record's field is a tkg:Mention
node (field, text as written, how it matched, the concept), and the plain link
(tkg:mentionsDrug, tkg:mentionsCondition, or tkg:studiesDrug for the registry's own
intervention terms) that queries use. Trials and articles share it."""

from __future__ import annotations

from rdflib import URIRef

from kg.model import ConceptMention, Trial
from kg.rdf import iris
from kg.rdf.namespaces import RDF, TKG
from kg.rdf.terms import Triples
from kg.vocab import Vocabulary

# Fields whose mentions are facts of their own (conditions, interventions): the others are
# weaker evidence, said with tkg:mentionsDrug / tkg:mentionsCondition.
_REGISTERED = {"conditions", "interventionName", "interventionOtherName"}


def trial_mention_triples(t: Triples, s: URIRef, trial: Trial, vocab: Vocabulary) -> None:
    """Each concept found in a field of the trial, with the field, the text and how it
    matched (a tkg:Mention node); and the plain link for queries."""
    from kg.extract.concepts import INTERVENTION_BROWSE, trial_mentions

    for m in trial_mentions(trial, vocab):
        node = iris.trial_mention(trial.nct_id, m.field, m.kind, m.key, m.text)
        concept = mention_target(m)
        mention_node(t, s, node, m, concept)
        if concept is None or m.kind == "concept":
            continue
        if m.field == INTERVENTION_BROWSE and m.kind == "drug":
            t.add(s, TKG.studiesDrug, concept)
        elif m.field not in _REGISTERED and not m.field.startswith("registry:"):
            t.add(s, TKG.mentionsDrug if m.kind == "drug" else TKG.mentionsCondition, concept)


def mention_target(m: ConceptMention) -> URIRef | None:
    """The node a mention is of: the drug node, or the MeSH concept of a condition."""
    if m.mesh is None:
        return None
    return iris.drug(m.key) if m.kind == "drug" else iris.mesh(m.mesh)  # condition, concept


def mention_node(t: Triples, owner: URIRef, node: URIRef, m: ConceptMention,
                 concept: URIRef | None) -> None:
    t.add(owner, TKG.hasMention, node)
    t.add(node, RDF.type, TKG.Mention)
    t.text(node, TKG.inField, m.field)
    t.text(node, TKG.matchedText, m.text)
    t.text(node, TKG.matchMethod, m.how)
    t.text(node, TKG.mentionKind, m.kind)
    if concept is not None:
        t.add(node, TKG.mentionOf, concept)
    elif m.how.startswith("registry"):
        t.text(node, TKG.registryMeshId, m.key)
