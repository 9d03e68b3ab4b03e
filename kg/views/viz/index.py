"""One pass over an RDF graph, grouped the ways the page's extraction asks for it: types,
links out and in, and literals per subject. Only IRI subjects count (the mapping mints no
blank nodes for entities)."""

from __future__ import annotations

from collections import defaultdict

from rdflib import Graph, Literal, URIRef

from kg.rdf.namespaces import DCTERMS, RDF, RDFS, SCHEMA, SKOS

LABEL_PREDICATES = [RDFS.label, SKOS.prefLabel, SCHEMA.name, DCTERMS.title]


class Index:
    def __init__(self, graph: Graph):
        self.types: dict[URIRef, set[URIRef]] = defaultdict(set)
        self.out: dict[URIRef, list[tuple[URIRef, URIRef]]] = defaultdict(list)
        self.into: dict[URIRef, list[tuple[URIRef, URIRef]]] = defaultdict(list)
        self.lits: dict[URIRef, dict[URIRef, list[Literal]]] = defaultdict(
            lambda: defaultdict(list))
        for s, p, o in graph:
            if not isinstance(s, URIRef):
                continue
            if p == RDF.type:
                self.types[s].add(o)
            elif isinstance(o, URIRef):
                self.out[s].append((p, o))
                self.into[o].append((p, s))
            elif isinstance(o, Literal):
                self.lits[s][p].append(o)

    def first(self, node: URIRef, *predicates: URIRef) -> str | None:
        """The smallest value of the first predicate that has one (deterministic)."""
        for p in predicates:
            values = self.lits.get(node, {}).get(p)
            if values:
                return sorted(str(v) for v in values)[0]
        return None

    def texts(self, node: URIRef, predicate: URIRef) -> list[str]:
        return sorted({str(v) for v in self.lits.get(node, {}).get(predicate, [])})

    def objects(self, node: URIRef, predicate: URIRef) -> list[URIRef]:
        return sorted({o for p, o in self.out.get(node, []) if p == predicate})

    def subjects(self, node: URIRef, predicate: URIRef) -> list[URIRef]:
        return sorted({s for p, s in self.into.get(node, []) if p == predicate})

    def name(self, node: URIRef) -> str | None:
        return self.first(node, *LABEL_PREDICATES)
