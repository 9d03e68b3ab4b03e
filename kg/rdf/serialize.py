"""Deterministic serialisations: the same graph gives byte-identical files, so diffs mean
something.

rdflib's Turtle writer sorts subjects, predicates and objects; it is stable for graphs
without blank nodes, which the mapping never mints. Its JSON-LD writer follows the store's
iteration order, so JSON-LD is re-ordered here: nodes by @id, keys alphabetically, values
by their JSON text. N-Triples are sorted lines.
"""

from __future__ import annotations

import json
from pathlib import Path

from rdflib import Graph

from kg.io import atomic_write_bytes
from kg.rdf.namespaces import PREFIXES, bind_prefixes

FORMATS = {"turtle": ".ttl", "json-ld": ".jsonld", "nt": ".nt", "xml": ".rdf"}


def to_turtle(graph: Graph) -> bytes:
    bind_prefixes(graph)
    return graph.serialize(format="turtle", encoding="utf-8")


def to_ntriples(graph: Graph) -> bytes:
    lines = graph.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()
    return ("\n".join(sorted(line for line in lines if line.strip())) + "\n").encode("utf-8")


def to_jsonld(graph: Graph) -> bytes:
    context = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
    raw = graph.serialize(format="json-ld", context=context, auto_compact=True)
    doc = json.loads(raw)
    nodes = doc.get("@graph", [doc] if "@id" in doc else [])
    canonical = {
        "@context": doc.get("@context", context),
        "@graph": sorted((_sorted_node(n) for n in nodes), key=lambda n: n.get("@id", "")),
    }
    return (json.dumps(canonical, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()


def _sorted_node(node):
    if isinstance(node, dict):
        return {k: _sorted_node(v) for k, v in node.items()}
    if isinstance(node, list):
        items = [_sorted_node(v) for v in node]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True, ensure_ascii=False))
    return node


def serialize(graph: Graph, fmt: str) -> bytes:
    if fmt == "turtle":
        return to_turtle(graph)
    if fmt == "json-ld":
        return to_jsonld(graph)
    if fmt == "nt":
        return to_ntriples(graph)
    if fmt == "xml":
        bind_prefixes(graph)
        return graph.serialize(format="xml", encoding="utf-8")
    raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")


def write_graph(graph: Graph, path: str | Path, fmt: str) -> None:
    atomic_write_bytes(path, serialize(graph, fmt))
