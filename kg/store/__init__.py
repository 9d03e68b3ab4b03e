"""The graph store as an interface, so nothing above it assumes rdflib's in-memory graph.

Every store keeps each source record's triples in its own named graph: re-importing one
changed trial or article replaces only its graph. Triples about nodes many records share
(journals, authors, sponsors) live in one additive graph per node (kg.rdf.partition).
Queries see the union of all graphs as
the default graph.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Protocol

from rdflib import Graph, URIRef
from rdflib.term import Node

Triple = tuple[Node, Node, Node]


@dataclass
class QueryResult:
    """A store-neutral SPARQL answer: SELECT rows, an ASK boolean, or a CONSTRUCT graph."""

    kind: str  # "select", "ask", "graph"
    variables: list[str] = field(default_factory=list)
    rows: list[dict[str, Node]] = field(default_factory=list)
    boolean: bool | None = None
    graph: Graph | None = None


class Store(Protocol):
    def replace_graph(self, name: URIRef, triples: Iterable[Triple]) -> None: ...

    def add_to_graph(self, name: URIRef, triples: Iterable[Triple]) -> None: ...

    def rewrite_subjects(self, name: URIRef, subjects: Iterable[URIRef],
                         triples: Iterable[Triple]) -> None: ...

    def update(self, sparql: str) -> None: ...

    def batch(self) -> AbstractContextManager: ...

    def graph_names(self) -> list[URIRef]: ...

    def query(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> QueryResult: ...

    def union(self) -> Graph: ...

    def __len__(self) -> int: ...

    def close(self) -> None: ...


# Above this many triples a store is a field: commands fetch or stream from it instead of
# copying it into an rdflib Graph (15M quads would take minutes and gigabytes).
LARGE_STORE = 300_000


def has_data(store: Store) -> bool:
    """Whether any named graph holds a triple (ASK, not len(): counting a field's quads
    takes 30 s). A store that knows better (a server with system graphs) says so itself."""
    own = getattr(store, "has_data", None)
    if own is not None:
        return bool(own())
    return bool(store.query("ASK { GRAPH ?g { ?s ?p ?o } }").boolean)


def is_large(store: Store, threshold: int | None = None) -> bool:
    """More than ``threshold`` (default LARGE_STORE) triples, counted only that far."""
    threshold = LARGE_STORE if threshold is None else threshold
    rows = store.query("SELECT (COUNT(*) AS ?n) WHERE { SELECT ?s WHERE { ?s ?p ?o } "
                       f"LIMIT {int(threshold) + 1} }}").rows
    return bool(rows) and int(rows[0]["n"]) > threshold


def open_store(spec: str = "memory", *, query_url: str | None = None,
               update_url: str | None = None, gsp_url: str | None = None,
               timeout: float | None = None, read_only: bool = False,
               create: bool = True) -> Store:
    """'memory', 'oxigraph:PATH' (or 'oxigraph:' for an in-memory Oxigraph), or 'sparql:URL'
    for a SPARQL 1.1 server (URL: Oxigraph's layout; the keywords, or 'key=value' words after
    the URL, name other servers' endpoints; see kg.store.sparql). ``read_only`` and
    ``create`` apply to on-disk stores (kg.store.oxigraph)."""
    if spec.startswith("sparql:"):
        from kg.store.sparql import open_sparql_store

        return open_sparql_store(spec, query_url=query_url, update_url=update_url,
                                 gsp_url=gsp_url, timeout=timeout)
    if query_url or update_url or gsp_url:
        from kg.errors import StoreError

        raise StoreError("query, update and Graph Store URLs need a 'sparql:' store")
    if spec == "memory":
        from kg.store.memory import MemoryStore

        return MemoryStore()
    if spec.startswith("oxigraph:") or spec == "oxigraph":
        from kg.store.oxigraph import OxigraphStore

        path = spec.partition(":")[2] or None
        return OxigraphStore(path, read_only=read_only, create=create)
    from kg.errors import StoreError

    raise StoreError(f"unknown store {spec!r}; use 'memory', 'oxigraph:PATH' or 'sparql:URL'")
