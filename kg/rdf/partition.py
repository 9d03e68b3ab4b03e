"""Which named graph each triple of a record belongs in.

A record graph (one trial, one article) holds the triples about the nodes that record owns:
its own IRI and the project IRIs minted under it (arms, regimens, criteria, authorships…).
Triples about shared nodes (a journal, an author, a sponsor, a site, the activity of a file
import, a cited article seen from a trial) go to one graph per shared node, added to rather
than replaced, because many records say the same about them.

Why: a triple repeated in thousands of record graphs is repeated as often in a union
default graph that is a bag (Oxigraph's is), and a two-pattern join over a file-import
activity shared by 10,000 articles then yields 25 million rows. Partitioned, each triple
is stored about once, and the union is the same set as before.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from rdflib import URIRef

from kg.rdf import iris
from kg.rdf.terms import Triple


def owned_prefixes(kind: str, identifier: str) -> tuple[str, ...]:
    if kind == "trial":
        own = str(iris.trial(identifier))
        return own, str(iris.trial_part(identifier, ""))
    if kind == "pubmed":
        own = str(iris.article(identifier))
        return own, str(iris.authorship(identifier, 0)).rsplit("/author/", 1)[0] + "/"
    raise ValueError(f"no ownership rule for record kind {kind!r}")


def entity_graph(subject: URIRef) -> URIRef:
    """The graph for triples about one shared node (a stable digest of its IRI)."""
    digest = hashlib.sha1(str(subject).encode("utf-8")).hexdigest()[:20]
    return iris.record_graph("entity", digest)


def partition(kind: str, identifier: str, triples: Iterable[Triple]
              ) -> tuple[list[Triple], dict[URIRef, list[Triple]]]:
    """(triples of the record's own graph, {entity graph: triples about that entity})."""
    own_iri, own_prefix = owned_prefixes(kind, identifier)
    owned: list[Triple] = []
    shared: dict[URIRef, list[Triple]] = {}
    for triple in triples:
        s = str(triple[0])
        if s == own_iri or s.startswith(own_prefix):
            owned.append(triple)
        else:
            shared.setdefault(entity_graph(triple[0]), []).append(triple)
    return owned, shared


def store_record(store, kind: str, identifier: str, triples: Iterable[Triple]) -> None:
    """Replace one record's own graph and add what it says about shared nodes."""
    owned, shared = partition(kind, identifier, triples)
    store.replace_graph(iris.record_graph(kind, identifier), owned)
    for graph, about in sorted(shared.items()):
        store.add_to_graph(graph, about)
