"""A focus neighbourhood fetched from a store, for drawing a field graph.

On the bundled graph ``kg viz`` copies the store into an rdflib Graph and the view picks a
neighbourhood from it. A field store cannot be copied so (15.6M quads: minutes and
gigabytes), so the neighbourhood is fetched instead, level by level: what each node says
(out-edges, one query per level) and what points at it (in-edges, one capped query per
node, since a drug or a MeSH descriptor is the object of thousands of triples). Caps keep
every step bounded, and what they cut is said in the page.

What the page folds is fetched as the page needs it: helpers are seen through (trial ->
eligibility -> criterion is one step), details (setting facts, mentions, constraints) are
described for their owner's card but never walked on from, and the MeSH ancestors of every
concept fetched are described so a card can show its whole tree path.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Graph, URIRef

from kg import resources
from kg.rdf.namespaces import RDF, SKOS, bind_prefixes
from kg.store.sparql import fill_values
from kg.views.query import parse_query_file
from kg.views.viz.errors import FocusNotFound
from kg.views.viz.extract import (
    CARD_LINKS,
    CONTRACTED,
    DETAIL_LINKS,
    DETAILS,
    HELPERS,
    LINK_PREDICATES,
    NOT_EDGES,
)

TRIPLE_CAP = 60_000  # triples fetched at most
IN_EDGES_PER_NODE = 150  # what points at one node, at most
CARD_DESCRIBED = DETAIL_LINKS | LINK_PREDICATES | CARD_LINKS
TREE_LEVELS = 20  # MeSH trees are at most 13 levels deep
EXPANDED_PER_LEVEL = 400  # nodes whose in-edges are fetched, per level
QUERIES = resources.QUERIES / "viz"

_EXISTS = "ASK {{ {{ <{iri}> ?p ?o }} UNION {{ ?s ?p <{iri}> }} }}"


def find_focus(store, text: str) -> URIRef:
    """The node ``text`` names (NCT id, PMID, drug or class key, MeSH id, IRI) in the store."""
    from kg.store.sparql import check_iri
    from kg.views.viz.view import focus_candidates

    for candidate in focus_candidates(text):
        try:
            check_iri(candidate)
        except ValueError:
            continue
        if store.query(_EXISTS.format(iri=candidate)).boolean:
            return URIRef(candidate)
    raise FocusNotFound(f"{text.strip()!r} names no node in the store (tried it as an NCT id, "
                        "PMID, drug key, drug-class key, MeSH id and IRI)", where="--focus")


@dataclass
class Neighbourhood:
    graph: Graph
    notes: list[str] = field(default_factory=list)


def fetch(store, focus: URIRef, depth: int, *, triple_cap: int = TRIPLE_CAP,
          per_node: int = IN_EDGES_PER_NODE, expanded: int = EXPANDED_PER_LEVEL
          ) -> Neighbourhood:
    """The triples within ``depth`` steps of ``focus`` as the page counts steps: either
    direction, and through the nodes the page folds away (an authorship, an eligibility
    block) without counting them, so trial -> eligibility -> criterion is one step."""
    walk = _Walk(store, triple_cap, per_node)
    seen, frontier = {focus}, {focus}
    for level in range(depth + 1):
        walk.close_over_folded(frontier, seen)
        if level == depth or walk.full():
            break
        plain = sorted(n for n in frontier if not walk.folded(n))
        reached = {o for n in plain for o in walk.out_nodes(n)}
        for node in plain[:expanded]:
            reached |= walk.in_nodes(node)
        if len(plain) > expanded:
            walk.notes.append(f"Only the first {expanded:,} of {len(plain):,} nodes {level} "
                              "step(s) from the focus were followed inward.")
        frontier = reached - seen
        seen |= frontier
    walk.describe_ancestors()
    return walk.result()


class _Walk:
    """The fetched graph and the queries that grow it, within the caps."""

    def __init__(self, store, triple_cap: int, per_node: int):
        self.store, self.triple_cap, self.per_node = store, triple_cap, per_node
        self.out_q = parse_query_file(QUERIES / "out-edges.rq", check=False).text
        self.in_q = parse_query_file(QUERIES / "in-edges.rq", check=False).text
        self.graph = Graph()
        bind_prefixes(self.graph)
        self.notes: list[str] = []
        self.hubs: list[str] = []
        self.described: set[URIRef] = set()

    def full(self) -> bool:
        return len(self.graph) >= self.triple_cap

    def describe(self, nodes: list[URIRef]) -> None:
        todo = [n for n in nodes if n not in self.described]
        self.described.update(todo)
        if todo and not self.full():
            self._add(self._rows(self.out_q, todo, self.triple_cap - len(self.graph)))

    def folded(self, node: URIRef) -> bool:
        """A helper the page sees through (its links count as the owner's)."""
        return any((node, RDF.type, t) in self.graph for t in CONTRACTED | HELPERS)

    def detail(self, node: URIRef) -> bool:
        return any((node, RDF.type, t) in self.graph for t in DETAILS)

    def describe_details(self, nodes: list[URIRef]) -> None:
        """Describe what the cards of ``nodes`` show: their details (setting facts,
        mentions, constraints, with their parts and the concepts they name), the helpers
        whose literals they show and the MeSH concepts they match; none of these is
        walked on from."""
        todo = sorted({o for n in nodes for p, o in self.graph.predicate_objects(n)
                       if isinstance(o, URIRef) and p in CARD_DESCRIBED})
        while todo and not self.full():
            self.describe(todo)
            todo = sorted({o for n in todo if self.detail(n) or self._untyped(n)
                           for o in self.graph.objects(n, None)
                           if isinstance(o, URIRef) and o not in self.described})

    def describe_ancestors(self) -> None:
        """Every concept up skos:broader from those fetched, level by level."""
        for _ in range(TREE_LEVELS):
            todo = sorted({o for o in self.graph.objects(None, SKOS.broader)
                           if isinstance(o, URIRef) and o not in self.described})
            if not todo or self.full():
                return
            self.describe(todo)

    def _untyped(self, node: URIRef) -> bool:
        return (node, RDF.type, None) not in self.graph

    def out_nodes(self, node: URIRef) -> set[URIRef]:
        return {o for p, o in self.graph.predicate_objects(node)
                if isinstance(o, URIRef) and p not in NOT_EDGES}

    def in_nodes(self, node: URIRef) -> set[URIRef]:
        if self.full():
            return set()
        rows = self._rows(self.in_q, [node], min(self.per_node, self.triple_cap - len(self.graph)))
        self._add(rows)
        if len(rows) >= self.per_node:
            self.hubs.append(str(node))
        return {row["s"] for row in rows if row["p"] not in NOT_EDGES}

    def close_over_folded(self, frontier: set[URIRef], seen: set[URIRef]) -> None:
        """Describe the frontier; the folded nodes in it are see-through, so what they link
        to either way joins the frontier, until no new folded node turns up."""
        todo = sorted(frontier)
        while todo and not self.full():
            self.describe(todo)
            self.describe_details(todo)
            new: set[URIRef] = set()
            for node in (n for n in todo if self.folded(n)):
                new |= self.out_nodes(node) | self.in_nodes(node)
            new -= seen
            seen |= new
            frontier |= new
            todo = sorted(new)

    def result(self) -> Neighbourhood:
        notes = list(self.notes)
        if self.hubs:
            notes.append(f"{len(self.hubs):,} node(s) are linked from more than "
                         f"{self.per_node:,} others (e.g. {self.hubs[0]}); {self.per_node:,} "
                         "of those links each were drawn.")
        if self.full():
            notes.append(f"The neighbourhood was cut at {self.triple_cap:,} triples; use a "
                         "smaller --depth to see all of a nearer one.")
        return Neighbourhood(self.graph, notes)

    def _rows(self, text: str, nodes: list[URIRef], limit: int) -> list[dict]:
        query = fill_values(text, {("node",): [(n,) for n in nodes]})
        return self.store.query(f"{query}\nLIMIT {max(0, int(limit))}").rows

    def _add(self, rows: list[dict]) -> None:
        for row in rows:
            self.graph.add((row["s"], row["p"], row["o"]))
