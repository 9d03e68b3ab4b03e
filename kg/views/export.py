"""``kg export``: the graph in a standard format, from any store.

A small graph goes through rdflib (sorted, so the same graph gives the same bytes). A field
store does not fit that path (copying 15M quads into rdflib takes many minutes and
gigabytes), so there N-Quads stream out of Oxigraph itself, and the other formats are
refused with one line saying what to do instead.
"""

from __future__ import annotations

import os
from pathlib import Path

from kg.errors import StoreError

FIELD_FORMATS = ("nquads",)


def export_store(store, fmt: str, path: Path | None, *, focus: str | None = None,
                 depth: int = 2) -> bytes | None:
    """Write the store's graph (or the neighbourhood of ``focus``) to ``path``, or return
    its bytes when ``path`` is None (for stdout)."""
    import kg.store

    if focus is not None:
        return _deliver(graph_bytes(focus_graph(store, focus, depth), fmt), path)
    if kg.store.is_large(store):
        if fmt not in FIELD_FORMATS:
            raise StoreError(f"the store holds more than {kg.store.LARGE_STORE:,} triples: "
                             "export it with --format nquads (streamed), or one "
                             "neighbourhood with --focus ID", where="--format")
        if path is None:
            raise StoreError("a field store streams to a file: give --output FILE.nq",
                             where="--output")
        _stream_nquads(store, path)
        return None
    if fmt == "nquads":
        return _deliver(store_nquads(store), path)
    return _deliver(graph_bytes(store.union(), fmt), path)


def focus_graph(store, focus: str, depth: int):
    """The triples within ``depth`` steps of the node ``focus`` names (as ``kg viz``)."""
    from kg.views.viz import neighbourhood as nb

    return nb.fetch(store, nb.find_focus(store, focus), depth).graph


def graph_bytes(graph, fmt: str) -> bytes:
    if fmt in ("graphml", "gexf"):
        from kg.views.viz.export import gexf_bytes, graphml_bytes, to_networkx
        from kg.views.viz.extract import extract

        nx_graph = to_networkx(extract(graph))
        return graphml_bytes(nx_graph) if fmt == "graphml" else gexf_bytes(nx_graph)
    if fmt == "nquads":
        raise StoreError("a --focus part has no named graphs: choose turtle, json-ld, nt, "
                         "graphml or gexf", where="--format")
    from kg.rdf.serialize import serialize

    return serialize(graph, fmt)


def _deliver(data: bytes, path: Path | None) -> bytes | None:
    if path is None:
        return data
    from kg.io import atomic_write_bytes

    atomic_write_bytes(path, data)
    return None


def store_nquads(store) -> bytes:
    """Every record graph as sorted N-Quads lines (named graphs kept). Terms are written
    by ``nt_term`` (N-Triples escaping): rdflib's ``n3()`` writes a multi-line literal in
    Turtle's triple quotes, which no N-Quads parser reads."""
    from rdflib import Graph

    from kg.store.sparql import nt_term

    lines: list[str] = []
    from kg.store.manifest import MANIFEST_GRAPH

    for name in store.graph_names():
        if name == MANIFEST_GRAPH:  # loading times: the same records give the same bytes
            continue
        result = store.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }",
                             {"g": name})
        g: Graph = result.graph
        graph = nt_term(name)
        lines.extend(f"{nt_term(s)} {nt_term(p)} {nt_term(o)} {graph} ." for s, p, o in g)
    return ("\n".join(sorted(lines)) + "\n").encode("utf-8")


def _stream_nquads(store, path: Path) -> None:
    """The store's quads in its own index order, serialised by Oxigraph and written beside
    the target, renamed into place when whole: the same store gives the same bytes, though
    not sorted as the small-graph path sorts them. The manifest is left out, as there."""
    from kg.store.oxigraph import OxigraphStore

    if not isinstance(store, OxigraphStore):
        raise StoreError("a store this large exports only from Oxigraph on disk; for a SPARQL "
                         "server use its own dump", where="--store")
    import pyoxigraph as ox

    from kg.store.manifest import MANIFEST_GRAPH

    manifest = ox.NamedNode(str(MANIFEST_GRAPH))
    quads = (q for q in store.native.quads_for_pattern(None, None, None, None)
             if q.graph_name != manifest)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial-{os.getpid()}")
    try:
        ox.serialize(quads, output=str(partial), format=ox.RdfFormat.N_QUADS)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
