"""Draw the knowledge graph: one self-contained, explorable HTML page (vis-network via
pyvis) and GraphML/GEXF exports for Gephi and Cytoscape.

The work is split so no module mixes concerns: ``extract`` turns RDF into a plain view
graph (``index`` groups the triples; ``cards`` and ``constraints`` write the facts of what
is folded rather than drawn: setting facts, mentions, constraints, MeSH tree paths),
``view`` decides what one page shows (focus, the seed's neighbourhood it opens on,
related highlighting, collapsing, the node cap), ``page`` and ``legend`` write HTML (with
``templates/``), ``text`` shortens and wraps without cutting words, and ``export`` writes
the files for other tools.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from rdflib import Graph

from kg.views.viz.model import VizSummary

DEFAULT_TITLE = "trialkg: clinical-trial knowledge graph"

__all__ = ["DEFAULT_TITLE", "VizSummary", "build_view", "write_exports", "write_viz"]


def build_view(graph: Graph, *, focus: str | None = None, depth: int = 2,
               related: Iterable[Any] | None = None, related_to: str | None = None,
               max_nodes: int = 2000, title: str = DEFAULT_TITLE, notes: Iterable[str] = ()):
    """The view model one page would show (no file written): for tests and other callers.
    ``notes``: lines the page shows first (e.g. what fetching a neighbourhood left out)."""
    from kg.views.viz.extract import extract
    from kg.views.viz.view import shape

    return shape(extract(graph), title=title, focus=focus, depth=depth, related=related,
                 related_to=related_to, max_nodes=max_nodes, notes=notes)


def write_viz(graph: Graph, html_path: Path, *, focus: str | None = None, depth: int = 2,
              related: Iterable[Any] | None = None, max_nodes: int = 2000,
              title: str = DEFAULT_TITLE, related_to: str | None = None,
              notes: Iterable[str] = (), graphml_path: Path | None = None,
              gexf_path: Path | None = None) -> VizSummary:
    """Write the page atomically and say what it drew and left out; with ``graphml_path``
    or ``gexf_path``, also export exactly the page's nodes and edges.

    ``related``: results of ``kg.views.related.find_related`` (anything with ``iri``, ``kind``,
    ``label``, ``score``, ``reasons``), highlighted with their scores and linked from
    ``related_to`` (default: the focus when it is a trial, else the bundled trial, which is
    also find_related's default seed).
    """
    from kg.io import atomic_write_text
    from kg.views.viz.page import render_page

    model = build_view(graph, focus=focus, depth=depth, related=related,
                       related_to=related_to, max_nodes=max_nodes, title=title, notes=notes)
    atomic_write_text(html_path, render_page(model))
    _write_networkx(model.nodes, model.edges, graphml_path, gexf_path)
    return VizSummary(nodes_drawn=len(model.nodes), edges_drawn=len(model.edges),
                      nodes_omitted=sum(model.omitted_by_kind.values()),
                      edges_omitted=model.omitted_edges,
                      authors_collapsed=model.collapsed_authors,
                      total_nodes=model.total_nodes, total_edges=model.total_edges)


def write_exports(graph: Graph, graphml_path: Path | None, gexf_path: Path | None) -> None:
    """GraphML and/or GEXF of the whole graph as the page draws it (helpers, details and
    MeSH ancestors folded, as on the page), nothing collapsed or capped; either path may be
    None to skip it. ``kg viz`` exports its page's view through ``write_viz`` instead."""
    from kg.views.viz.extract import extract

    view = extract(graph).drawable()
    _write_networkx(list(view.nodes.values()), view.edges, graphml_path, gexf_path)


def _write_networkx(nodes, edges, graphml_path: Path | None, gexf_path: Path | None) -> None:
    if graphml_path is None and gexf_path is None:
        return
    from kg.io import atomic_write_bytes
    from kg.views.viz.export import gexf_bytes, graphml_bytes, to_networkx

    nx_graph = to_networkx(nodes, edges)
    if graphml_path is not None:
        atomic_write_bytes(graphml_path, graphml_bytes(nx_graph))
    if gexf_path is not None:
        atomic_write_bytes(gexf_path, gexf_bytes(nx_graph))
