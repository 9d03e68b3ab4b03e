"""ViewGraph -> ViewModel: what one page shows.

This is where the picture is kept drawable: an optional focus (the neighbourhood of one
node, by breadth-first search over the undirected graph), related-study highlighting,
authors collapsed into one count node per article, and a hard node cap that keeps the most
important nodes (trials, drugs and conditions first, then by degree) and says in the page
what it left out. The browser then never receives more than it can lay out.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import networkx as nx

from kg import resources
from kg.rdf import iris
from kg.views.viz.errors import FocusNotFound, VizError
from kg.views.viz.kinds import KINDS
from kg.views.viz.model import ViewEdge, ViewGraph, ViewModel, ViewNode
from kg.views.viz.text import shorten

AUTHOR_THRESHOLD = 10  # an article's own authors beyond this become one "N authors" node
DEFAULT_MAX_NODES = 2000
# Kinds left out of the first view around the seed: a trial's forty eligibility criteria
# would bury its drugs, conditions and related studies. They are one click away.
NOT_NEAR = {"criterion", "author"}


def shape(full: ViewGraph, *, title: str, focus: str | None = None, depth: int = 2,
          related: Iterable[Any] | None = None, related_to: str | None = None,
          max_nodes: int = DEFAULT_MAX_NODES,
          author_threshold: int = AUTHOR_THRESHOLD, notes: Iterable[str] = ()) -> ViewModel:
    if max_nodes < 1:
        raise VizError(f"--max-nodes must be at least 1 (got {max_nodes})")
    if depth < 0:
        raise VizError(f"--depth must be 0 or more (got {depth})")
    focus_id = resolve_focus(full.nodes, focus) if focus else None
    if focus_id not in full.background:  # a page about a MeSH ancestor draws the tree
        full = full.drawable()
    nodes = dict(full.nodes)
    edges = list(full.edges)
    total_nodes, total_edges = len(nodes), len(edges)
    seed = related_to or _default_seed(nodes, focus_id)
    forced = _add_related(nodes, edges, list(related or []), seed)
    graph = _undirected(nodes, edges)

    notes: list[str] = list(notes)
    if focus_id is not None:
        reach = nx.single_source_shortest_path_length(graph, focus_id, cutoff=depth)
        distance = {n: float(d) for n, d in reach.items()}
        keep = set(reach) | forced
        notes.append(f"Showing the neighbourhood of {nodes[focus_id].label} within {depth} "
                     f"step(s): {len(keep):,} of {total_nodes:,} nodes.")
        forced.add(focus_id)
    else:
        distance = {}
        keep = set(nodes)

    threshold = author_threshold if len(keep) <= max_nodes else 1
    groups = _collapse_authors(nodes, edges, graph, keep, threshold)
    for group, (article, _) in groups.items():
        if article in distance:
            distance[group] = distance[article] + 1
    collapsed = sum(nodes[g].members for g in groups)

    omitted: Counter[str] = Counter()
    if len(keep) > max_nodes:
        degree = dict(graph.degree())

        def rank(n: str) -> tuple:
            return (n not in forced, distance.get(n, 0.0), KINDS[nodes[n].kind].rank,
                    -degree.get(n, 0), n)

        ordered = sorted(keep, key=rank)
        keep = set(ordered[:max_nodes])
        omitted.update(nodes[n].kind for n in ordered[max_nodes:])
        notes.append(_cap_message(len(keep), len(ordered), max_nodes, omitted, focus_id))

    drawn_nodes = [nodes[n] for n in sorted(keep)]
    drawn_edges = sorted((e for e in edges if e.source in keep and e.target in keep),
                         key=lambda e: (e.source, e.target, e.label))
    shown_by_group = {(article, m) for g, (article, members) in groups.items() if g in keep
                      for m in members}
    omitted_edges = sum(1 for e in full.edges if not (e.source in keep and e.target in keep)
                        and (e.source, e.target) not in shown_by_group)
    if collapsed:
        notes.append(f"{collapsed:,} authors of articles with many authors are shown as one "
                     "'N authors' node per article (click it for the names); authors shared "
                     "by several articles stay separate.")
    start = focus_id or seed
    start = start if start in keep else None
    return ViewModel(title=title, nodes=drawn_nodes, edges=drawn_edges,
                     total_nodes=total_nodes, total_edges=total_edges,
                     omitted_by_kind=dict(sorted(omitted.items())),
                     omitted_edges=omitted_edges,
                     collapsed_authors=collapsed,
                     focus=focus_id, depth=depth if focus_id else None, notes=notes,
                     seed=start, near=near_ids(start, drawn_nodes, drawn_edges, forced),
                     synonyms=full.synonyms)


def near_ids(seed: str | None, nodes: list[ViewNode], edges: list[ViewEdge],
             forced: set[str]) -> list[str]:
    """What the page shows first: the seed, what is one step from it (but its eligibility
    criteria and authors) and the related studies. Empty when that is the whole page."""
    if seed is None:
        return []
    kinds = {n.id: n.kind for n in nodes}
    near = {seed} | (forced & kinds.keys())
    for e in edges:
        for a, b in ((e.source, e.target), (e.target, e.source)):
            if a == seed and kinds[b] not in NOT_NEAR:
                near.add(b)
    return [] if len(near) == len(nodes) else sorted(near)


def resolve_focus(nodes: dict[str, ViewNode], text: str) -> str:
    """An NCT id, PMID, drug or drug-class key, MeSH id, or IRI -> the node's id."""
    for candidate in focus_candidates(text):
        if candidate in nodes:
            return candidate
    raise FocusNotFound(f"{text.strip()!r} names no node in the graph (tried it as an NCT id, "
                        "PMID, drug key, drug-class key, MeSH id and IRI)", where="--focus")


def focus_candidates(text: str) -> list[str]:
    """The IRIs a --focus text may name, most literal first."""
    raw = text.strip()
    key = raw.lower()
    candidates = [raw]
    if re.fullmatch(r"nct\d{8}", key):
        candidates.append(str(iris.trial(raw.upper())))
    pmid = re.sub(r"^pmid:?\s*", "", key)
    if pmid.isdigit():
        candidates.append(str(iris.article(pmid)))
    if re.fullmatch(r"[a-z0-9][a-z0-9_.-]*", key):
        candidates += [str(iris.drug(key)), str(iris.drug_class(key))]
    if re.fullmatch(r"[cdq]\d{6,9}", key):
        candidates.append(str(iris.mesh(raw.upper())))
    return candidates


def _default_seed(nodes: dict[str, ViewNode], focus_id: str | None) -> str | None:
    """Whose related studies these are when the caller does not say: the focus if it is a
    trial, else the bundled trial (kg.views.related.find_related's own default seed)."""
    if focus_id is not None and nodes[focus_id].kind == "trial":
        return focus_id
    bundled = str(iris.trial(resources.BUNDLED_NCT))
    return bundled if bundled in nodes else None


def _undirected(nodes: dict[str, ViewNode], edges: list[ViewEdge]) -> nx.Graph:
    graph = nx.Graph()
    graph.add_nodes_from(sorted(nodes))
    graph.add_edges_from((e.source, e.target) for e in edges)
    return graph


def _add_related(nodes: dict[str, ViewNode], edges: list[ViewEdge], related: list[Any],
                 seed: str | None) -> set[str]:
    """Mark related-study results (objects with iri, kind, label, score, reasons) on their
    nodes, and draw a dashed scored edge from the seed trial to each."""
    forced: set[str] = set()
    for result in related:
        iri = str(result.iri)
        score = float(result.score)
        reasons = [str(r) for r in (getattr(result, "reasons", None) or [])]
        if iri not in nodes:
            kind = "trial" if str(result.kind) == "trial" else "article"
            label = str(result.label)
            nodes[iri] = ViewNode(iri, kind, shorten(label, 48) or iri, name=label)
        # The setting and line the result's record states (kg.views.related, issue 13).
        setting = " ".join(str(x) for x in (getattr(result, "line", ""),
                                             getattr(result, "setting", "")) if x)
        nodes[iri] = replace(nodes[iri], related=(score, reasons), related_setting=setting)
        forced.add(iri)
        if seed and seed in nodes and seed != iri:
            edges.append(ViewEdge(seed, iri, f"related ({score:g})", [], dashes=True))
    if related and seed in nodes:
        forced.add(seed)
    return forced


def _collapse_authors(nodes: dict[str, ViewNode], edges: list[ViewEdge], graph: nx.Graph,
                      keep: set[str], threshold: int) -> dict[str, tuple[str, list[str]]]:
    """Per article, replace the authors who link to nothing else on the page by one
    'N authors' node once there are more than ``threshold`` of them. Shared authors stay:
    they are what connects articles. Returns group -> (its article, the authors it holds)."""
    groups: dict[str, tuple[str, list[str]]] = {}
    for article in sorted(n for n in keep if nodes[n].kind == "article"):
        authors = [a for a in graph.neighbors(article)
                   if a in keep and nodes[a].kind == "author" and nodes[a].members == 0]
        own = sorted(a for a in authors
                     if sum(1 for x in graph.neighbors(a) if x in keep) == 1)
        if len(own) <= threshold:
            continue
        names = sorted(nodes[a].label for a in own)
        group = f"{article}#authors"
        shown = ", ".join(names[:12]) + (f" (+{len(names) - 12} more)" if len(names) > 12 else "")
        label = f"{len(own)} {'more ' if len(own) < len(authors) else ''}authors"
        nodes[group] = ViewNode(group, "author", label, facts=[("authors", shown)],
                                members=len(own))
        keep.difference_update(own)
        keep.add(group)
        edges.append(ViewEdge(article, group, "written by", []))
        groups[group] = (article, own)
    return groups


def _cap_message(kept: int, total: int, max_nodes: int, omitted: Counter[str],
                 focus_id: str | None) -> str:
    parts = ", ".join(f"{n:,} {KINDS[k].legend}" for k, n in
                      sorted(omitted.items(), key=lambda kv: (-kv[1], kv[0])))
    hint = ("use a smaller --depth" if focus_id else
            "use kg viz --focus ID --depth N (an NCT id, PMID or drug key) to see one "
            "neighbourhood")
    return (f"Too large to draw in full: showing the {kept:,} most connected of {total:,} "
            f"nodes (--max-nodes {max_nodes:,}). Left out: {parts}. To see more, {hint}, "
            "or raise --max-nodes.")
