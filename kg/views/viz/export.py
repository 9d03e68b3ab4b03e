"""The graph for Gephi and Cytoscape: GraphML and GEXF, written through networkx.

Exports carry the whole graph as the page sees it before any focus, author collapsing or
node cap (those exist to keep a browser responsive; Gephi does its own filtering). Node
attributes: ``label``, ``type`` (the page's kind), ``iri``, ``name`` and ``url`` (first
public link); edge attributes: ``label`` (plain words) and ``predicate`` (IRIs). Nodes and
edges are added in sorted order and GEXF's date stamp is dropped, so the same graph always
gives the same bytes.
"""

from __future__ import annotations

import networkx as nx

from kg.views.viz.model import ViewGraph


def to_networkx(view: ViewGraph) -> nx.DiGraph:
    graph = nx.DiGraph()
    for node_id in sorted(view.nodes):
        node = view.nodes[node_id]
        graph.add_node(node_id, label=node.label, type=node.kind, iri=node_id,
                       name=node.name or node.label,
                       url=node.links[0][1] if node.links else "")
    for edge in sorted(view.edges, key=lambda e: (e.source, e.target)):
        graph.add_edge(edge.source, edge.target, label=edge.label,
                       predicate=" ".join(edge.predicates))
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
