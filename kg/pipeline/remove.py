"""``kg remove``: drop records (trials, articles) from a store, and what only they used.

A record's own graph and its manifest entry go in one batch. Then the nodes only the
removed records pointed at (a journal, an author, a site, a drug's reference data) are
dropped too, level by level: shared nodes live in graphs of their own (kg.rdf.partition)
that no record owns, so nothing else would ever remove them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rdflib import URIRef

from kg.errors import NotFoundError, SourceError
from kg.rdf import iris
from kg.store import Store
from kg.store.manifest import MANIFEST_GRAPH, forget_update
from kg.store.sparql import fill_values, nt_term

_SHARED_KINDS = ("entity", "reference")


@dataclass
class Removal:
    records: list[str]
    shared_graphs: list[URIRef] = field(default_factory=list)


def record_graph_of(identifier: str) -> URIRef:
    """NCT id -> the trial's graph; PMID -> the article's."""
    text = identifier.strip()
    if re.fullmatch(r"(?i)NCT\d{8}", text):
        return iris.record_graph("trial", text.upper())
    if re.fullmatch(r"[1-9]\d{0,9}", text):
        return iris.record_graph("pubmed", text)
    raise SourceError("neither an NCT id (NCT followed by 8 digits) nor a PMID (digits)",
                      where=identifier)


def remove_records(store: Store, identifiers: list[str]) -> Removal:
    graphs = [record_graph_of(i) for i in identifiers]
    present = set(store.graph_names())
    missing = [i for i, g in zip(identifiers, graphs, strict=True) if g not in present]
    if missing:
        raise NotFoundError("not in the store (kg status lists what is)",
                            where=", ".join(missing))
    pointed_at = _objects_of(store, graphs)
    with store.batch():
        store.update(forget_update(graphs))
    removal = Removal([i.strip().upper() for i in identifiers])
    candidates = pointed_at
    while candidates:
        orphans = _orphans(store, candidates)
        holders = _shared_graphs_about(store, orphans)
        if not holders:
            break
        candidates = _objects_of(store, holders) - set(orphans)
        with store.batch():
            store.update(" ;\n".join(f"DROP SILENT GRAPH {nt_term(g)}" for g in holders))
        removal.shared_graphs.extend(holders)
    return removal


def _objects_of(store: Store, graphs: list[URIRef]) -> set[URIRef]:
    text = fill_values("SELECT DISTINCT ?o WHERE { VALUES ?g { } GRAPH ?g { ?s ?p ?o } "
                       "FILTER(isIRI(?o)) }", {("g",): [(g,) for g in graphs]})
    return {r["o"] for r in store.query(text).rows}


def _orphans(store: Store, nodes: set[URIRef]) -> list[URIRef]:
    """Nodes no graph mentions any more, but the graphs holding their own triples."""
    text = fill_values(
        "SELECT DISTINCT ?n WHERE { VALUES ?n { } VALUES ?m { } "
        "FILTER NOT EXISTS { GRAPH ?h { ?x ?q ?n } FILTER(?h != ?m) "
        "FILTER NOT EXISTS { GRAPH ?h { ?n ?pp ?oo } } } }",
        {("n",): [(n,) for n in sorted(nodes)], ("m",): [(MANIFEST_GRAPH,)]})
    return sorted(r["n"] for r in store.query(text).rows)


def _shared_graphs_about(store: Store, nodes: list[URIRef]) -> list[URIRef]:
    if not nodes:
        return []
    text = fill_values("SELECT DISTINCT ?g WHERE { VALUES ?n { } GRAPH ?g { ?n ?p ?o } }",
                       {("n",): [(n,) for n in nodes]})
    prefixes = tuple(str(iris.record_graph(kind, "")) for kind in _SHARED_KINDS)
    return sorted(r["g"] for r in store.query(text).rows if str(r["g"]).startswith(prefixes))
