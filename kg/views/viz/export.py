"""The graph for Gephi and Cytoscape: GraphML and GEXF, written through networkx.

``kg viz`` exports exactly what its page holds (the focus neighbourhood, collapsed authors,
related-study links; before the browser's own filtering); ``kg export`` and ``kg run`` export
the whole graph before any collapsing or node cap. Node attributes: ``label``, ``type`` (the
page's kind), ``iri``, ``name`` and ``url`` (first public link); edge attributes: ``label``
(plain words), ``predicate`` (IRIs) and ``related`` (a related-study link, drawn dashed,
not a triple). Nodes and edges are added in sorted order and GEXF's date stamp is dropped,
so the same graph always gives the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

from kg.views.viz.model import ViewEdge, ViewGraph, ViewNode


def to_networkx(nodes: Iterable[ViewNode] | ViewGraph,
                edges: Iterable[ViewEdge] | None = None) -> nx.DiGraph:
    """A DiGraph, or a MultiDiGraph when two edges join the same pair (a related-study
    link beside a fact), so no edge is lost. Given a whole ViewGraph (``kg export
    --format graphml``), what the page would draw of it: its background left out."""
    if isinstance(nodes, ViewGraph):
        view = nodes.drawable()
        nodes, edges = list(view.nodes.values()), view.edges
    edges = sorted(edges or [], key=lambda e: (e.source, e.target, e.dashes, e.label))
    pairs = [(e.source, e.target) for e in edges]
    graph = nx.MultiDiGraph() if len(set(pairs)) < len(pairs) else nx.DiGraph()
    for node in sorted(nodes, key=lambda n: n.id):
        graph.add_node(node.id, label=node.label, type=node.kind, iri=node.id,
                       name=node.name or node.label,
                       url=node.links[0][1] if node.links else "")
    for edge in edges:
        graph.add_edge(edge.source, edge.target, label=edge.label,
                       predicate=" ".join(edge.predicates),
                       related=edge.dashes)
    return graph


def graphml_bytes(graph: nx.DiGraph) -> bytes:
    return ("\n".join(nx.generate_graphml(graph, encoding="utf-8")) + "\n").encode("utf-8")


def gexf_bytes(graph: nx.DiGraph) -> bytes:
    from networkx.readwrite.gexf import GEXFWriter

    writer = GEXFWriter(encoding="utf-8", prettyprint=True)
    meta = writer.xml.find("meta")
    if meta is not None:
        meta.attrib.pop("lastmodifieddate", None)  # today's date: would change every run
    writer.add_graph(graph)
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + str(writer)).encode("utf-8")
