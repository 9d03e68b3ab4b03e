"""The workspace's own bookkeeping: which records it holds, where each came from, when it
was loaded, and the builds that loaded them (PROV-O, in one named graph of its own).

Kept apart from the records so that exports leave it out: loading times differ from run
to run, and the same records must export to the same bytes. A record whose content digest
is unchanged is not written again, so re-running a build changes nothing, not even its
loading time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone

from rdflib import Literal, URIRef
from rdflib.term import Node

from kg.rdf import iris
from kg.rdf.namespaces import PROV, RDF, TKG, XSD
from kg.rdf.terms import Triple

MANIFEST_GRAPH = iris.record_graph("workspace", "manifest")
WORKSPACE = iris.workspace()


@dataclass(frozen=True)
class RecordEntry:
    """One record graph as the manifest describes it."""

    graph: URIRef
    kind: str  # "trial", "pubmed", "reference", "links"
    identifier: str
    digest: str
    source: str | None = None  # a file (relative to the project when inside it), URL or id
    source_kind: str | None = None  # "trial-page", "ctgov-json", "snapshot", "pubmed-xml"…


@dataclass
class BuildInfo:
    """One build: what it was given and when it ran (UTC)."""

    inputs: list[str]
    started: datetime = field(default_factory=lambda: datetime.now(timezone.utc))
    command: str = "build"
    fresh: bool = False  # everything else was dropped first

    @property
    def iri(self) -> URIRef:
        return iris.activity("build", self.started.strftime("%Y%m%dT%H%M%S.%fZ"))


def digest(triples: Iterable[Triple]) -> str:
    """A record's content, independent of triple order (sorted N-Triples lines)."""
    from kg.store.sparql import nt_term

    lines = sorted(f"{nt_term(s)} {nt_term(p)} {nt_term(o)}" for s, p, o in triples)
    return hashlib.sha1("\n".join(lines).encode("utf-8")).hexdigest()


def stored_digests(store, graphs: list[URIRef]) -> dict[URIRef, str]:
    """The digests the manifest holds for these record graphs (absent: never loaded).

    The manifest's digests (one per record) are read whole and picked here: rdflib joined a
    VALUES list of the bundled build's 428 graphs with the manifest in 12 s, where reading
    them all takes 23 ms (Oxigraph: 16 ms and 4 ms)."""
    if not graphs:
        return {}
    from kg.store.sparql import nt_term

    wanted = set(graphs)
    rows = store.query(f"SELECT ?g ?d WHERE {{ GRAPH {nt_term(MANIFEST_GRAPH)} "
                       f"{{ ?g {nt_term(TKG.contentDigest)} ?d }} }}").rows
    return {r["g"]: str(r["d"]) for r in rows if r["g"] in wanted}


def _now(when: datetime) -> Literal:
    return Literal(when.strftime("%Y-%m-%dT%H:%M:%SZ"), datatype=XSD.dateTime)


def write_entries(store, entries: list[RecordEntry], build: BuildInfo) -> None:
    """Note these records and the build (inside the build's batch, so the manifest and the
    records change together): what the manifest said about each is replaced."""
    ended = datetime.now(timezone.utc)
    triples: list[tuple[Node, Node, Node]] = [
        (build.iri, RDF.type, PROV.Activity), (build.iri, RDF.type, TKG.Build),
        (build.iri, TKG.command, Literal(build.command)),
        (build.iri, PROV.startedAtTime, _now(build.started)),
        (build.iri, PROV.endedAtTime, _now(ended)),
        (WORKSPACE, RDF.type, TKG.Workspace), (WORKSPACE, TKG.lastBuild, build.iri)]
    triples += [(build.iri, TKG.input, Literal(i)) for i in build.inputs]
    for e in entries:
        triples += [(e.graph, RDF.type, TKG.RecordGraph),
                    (e.graph, TKG.recordKind, Literal(e.kind)),
                    (e.graph, TKG.recordId, Literal(e.identifier)),
                    (e.graph, TKG.contentDigest, Literal(e.digest)),
                    (e.graph, PROV.generatedAtTime, _now(ended)),
                    (e.graph, PROV.wasGeneratedBy, build.iri)]
        if e.source:
            triples.append((e.graph, PROV.hadPrimarySource, Literal(e.source)))
        if e.source_kind:
            triples.append((e.graph, TKG.sourceKind, Literal(e.source_kind)))
    store.rewrite_subjects(MANIFEST_GRAPH, [e.graph for e in entries] + [WORKSPACE], triples)


def forget_update(graphs: list[URIRef]) -> str:
    from kg.store.sparql import nt_term

    m = nt_term(MANIFEST_GRAPH)
    return " ;\n".join(f"DROP SILENT GRAPH {nt_term(g)} ;\n"
                       f"DELETE WHERE {{ GRAPH {m} {{ {nt_term(g)} ?p ?o }} }}" for g in graphs)


def is_initialised(store) -> bool:
    """Whether this store was ever built into (an empty workspace after ``--fresh`` is;
    a store some other tool filled counts when it holds data)."""
    from kg.store import has_data

    answer = store.query("ASK { GRAPH ?m { ?w a ?t } }",
                         {"m": MANIFEST_GRAPH, "w": WORKSPACE, "t": TKG.Workspace})
    return bool(answer.boolean) or has_data(store)
