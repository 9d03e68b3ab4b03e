"""The default store: an rdflib Dataset in memory. Right for one trial and its neighbours;
for a whole field use the Oxigraph store (see LIBRARY-FACTS: rdflib SPARQL is 30-80x
slower)."""

from __future__ import annotations

import contextlib
import functools
import warnings
from collections.abc import Iterable, Mapping

from rdflib import Dataset, Graph, URIRef
from rdflib.term import Node

from kg.rdf.namespaces import bind_prefixes
from kg.store import QueryResult, Triple
from kg.store.manifest import MANIFEST_GRAPH

# rdflib 7.6's own Dataset.triples() reads a property it deprecated, warning on every call
# (tens of thousands per query); the warning is about rdflib's internals, not our use.
warnings.filterwarnings("ignore", category=DeprecationWarning,
                        message=r"Dataset\.(default_context|identifier|contexts) is deprecated")


@functools.lru_cache(maxsize=256)
def _prepared(text: str, namespaces: tuple):
    """(translated query, guard facts), once per text and prefix set (a Query object is
    evaluated without change, so reuse is safe); ``namespaces`` are the dataset's bound
    prefixes, which rdflib lets a query use undeclared, as ``Graph.query`` does."""
    from rdflib.plugins.sparql.algebra import translateQuery

    from kg.store.guard import parse

    tree, facts = parse(text)
    if tree is None:  # an update: enforce() refuses it before anything runs
        return None, facts
    return translateQuery(tree, None, dict(namespaces)), facts


class MemoryStore:
    def __init__(self) -> None:
        self.dataset = Dataset(default_union=True)
        bind_prefixes(self.dataset)

    def replace_graph(self, name: URIRef, triples: Iterable[Triple]) -> None:
        self.dataset.remove_graph(self.dataset.graph(name))
        g = self.dataset.graph(name)
        for triple in triples:
            g.add(triple)

    def add_to_graph(self, name: URIRef, triples: Iterable[Triple]) -> None:
        g = self.dataset.graph(name)
        for triple in triples:
            g.add(triple)

    def rewrite_subjects(self, name: URIRef, subjects: Iterable[URIRef],
                         triples: Iterable[Triple]) -> None:
        """In graph ``name``: drop every triple about ``subjects``, then add ``triples``."""
        g = self.dataset.graph(name)
        for subject in subjects:
            g.remove((subject, None, None))
        for triple in triples:
            g.add(triple)

    def update(self, sparql: str) -> None:
        """A SPARQL Update of the project's own (the views refuse users' updates)."""
        self.dataset.update(sparql)

    def batch(self):
        """Nothing to make atomic: a memory store ends with its process."""
        return contextlib.nullcontext()

    def graph_names(self) -> list[URIRef]:
        return sorted(g.identifier for g in self.dataset.graphs()
                      if isinstance(g.identifier, URIRef) and len(g) > 0
                      and g.identifier != self.dataset.default_graph.identifier)

    def query(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> QueryResult:
        """rdflib evaluates the very parse tree the guard checked (kg.store.guard: FROM
        selects graphs of this dataset, SERVICE and updates are refused)."""
        from kg.errors import QueryError
        from kg.store.guard import enforce
        from kg.store.results import from_rdflib
        from kg.store.sparql import without_empty_values

        try:
            prepared, facts = _prepared(without_empty_values(sparql),
                                        tuple(sorted(self.dataset.namespaces())))
            enforce(facts)
            result = self.dataset.query(prepared, initBindings=dict(bindings or {}))
            return from_rdflib(result)
        except QueryError:
            raise
        except RecursionError:
            raise QueryError("query failed: nested too deeply to evaluate") from None
        except Exception as exc:  # rdflib raises parser- and evaluator-specific types
            raise QueryError(f"query failed: {type(exc).__name__}: {exc}") from None

    def union(self) -> Graph:
        """Every record's triples (the workspace's bookkeeping left out)."""
        g = Graph()
        bind_prefixes(g)
        for name in self.graph_names():
            if name != MANIFEST_GRAPH:
                for triple in self.dataset.graph(name):
                    g.add(triple)
        return g

    def __len__(self) -> int:
        return sum(len(self.dataset.graph(n)) for n in self.graph_names())

    def close(self) -> None:
        pass
