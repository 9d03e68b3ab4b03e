"""The plain view model between the RDF graph and the page.

Everything the page and the exports draw is here, already decided: which nodes, their
kind, label, tooltip facts and vetted links, and the edges in plain words. The page writer
and the exporters only serialise it, so they never look at RDF and never make a choice
about what to show.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ViewNode:
    id: str  # the node's IRI (or a derived id for a collapsed group)
    kind: str  # a key of kg.views.viz.kinds.KINDS
    label: str  # short text drawn under the node
    name: str = ""  # the full name (title) when the label is shortened
    facts: list[tuple[str, str]] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)  # (text, vetted http(s) URL)
    related: tuple[float, list[str]] | None = None  # (score, reasons) from kg.views.related
    related_setting: str = ""  # "first-line recurrent/metastatic" (issue 13), for the list
    members: int = 0  # for a collapsed group node: how many nodes it stands for
    aliases: list[str] = field(default_factory=list)  # other names search finds it by


@dataclass
class ViewEdge:
    source: str
    target: str
    label: str  # plain words, e.g. "studies drug"
    predicates: list[str] = field(default_factory=list)  # the IRIs behind the label
    dashes: bool = False  # drawn dashed: a derived link (related-study score), not a triple


@dataclass
class ViewGraph:
    """The whole graph as nodes and edges, before focus, collapsing and the node cap."""

    nodes: dict[str, ViewNode] = field(default_factory=dict)
    edges: list[ViewEdge] = field(default_factory=list)
    # Names that mean one thing (a drug's label, synonyms and code names), for search.
    synonyms: list[list[str]] = field(default_factory=list)
    # Vocabulary no record uses directly (MeSH ancestors): left out of pages and exports
    # unless a page is focused on one of them; their names appear in cards' tree paths.
    background: set[str] = field(default_factory=set)

    def drawable(self) -> ViewGraph:
        """The graph without its background nodes (and their edges)."""
        if not self.background:
            return self
        keep = {k: v for k, v in self.nodes.items() if k not in self.background}
        return ViewGraph(keep, [e for e in self.edges if e.source in keep and e.target in keep],
                         self.synonyms)


@dataclass
class ViewModel:
    """What one page shows, plus what was left out and why (shown in the page)."""

    title: str
    nodes: list[ViewNode]
    edges: list[ViewEdge]
    total_nodes: int  # in the whole graph (after folding helpers, details and background)
    total_edges: int
    omitted_by_kind: dict[str, int] = field(default_factory=dict)
    omitted_edges: int = 0
    collapsed_authors: int = 0
    focus: str | None = None
    depth: int | None = None
    notes: list[str] = field(default_factory=list)  # plain-text messages for the notes panel
    seed: str | None = None  # the node the page opens around (the focus, else the bundled trial)
    near: list[str] = field(default_factory=list)  # what the page shows first: the seed's
    # neighbourhood; empty: everything on the page
    synonyms: list[list[str]] = field(default_factory=list)


@dataclass(frozen=True)
class VizSummary:
    """What ``write_viz`` drew and left out; the CLI prints it."""

    nodes_drawn: int
    edges_drawn: int
    nodes_omitted: int
    edges_omitted: int
    authors_collapsed: int
    total_nodes: int
    total_edges: int
