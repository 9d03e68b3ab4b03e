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


def export_store(store, fmt: str, path: Path) -> None:
    import kg.store
    from kg.io import atomic_write_bytes

    if kg.store.is_large(store):
        if fmt not in FIELD_FORMATS:
            raise StoreError(f"the store holds more than {kg.store.LARGE_STORE:,} triples: "
                             "export it with --format nquads (streamed), or draw one "
                             "neighbourhood with kg viz --focus ID", where="--format")
        _stream_nquads(store, path)
    elif fmt == "nquads":
        atomic_write_bytes(path, store_nquads(store))
    elif fmt in ("graphml", "gexf"):
        from kg.views.viz import write_exports

        write_exports(store.union(), path if fmt == "graphml" else None,
                      path if fmt == "gexf" else None)
    else:
        from kg.rdf.serialize import write_graph

        write_graph(store.union(), path, fmt)


def store_nquads(store) -> bytes:
    """Every record graph as sorted N-Quads lines (named graphs kept). Terms are written
    by ``nt_term`` (N-Triples escaping): rdflib's ``n3()`` writes a multi-line literal in
    Turtle's triple quotes, which no N-Quads parser reads."""
    from rdflib import Graph

    from kg.store.sparql import nt_term

    lines: list[str] = []
    for name in store.graph_names():
        result = store.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }",
                             {"g": name})
        g: Graph = result.graph
        graph = nt_term(name)
        lines.extend(f"{nt_term(s)} {nt_term(p)} {nt_term(o)} {graph} ." for s, p, o in g)
    return ("\n".join(sorted(lines)) + "\n").encode("utf-8")


def _stream_nquads(store, path: Path) -> None:
    """Oxigraph's own dump, written beside the target and renamed into place when whole.
    Its order is the store's index order: the same store gives the same bytes, though not
    sorted as the small-graph path sorts them."""
    from kg.store.oxigraph import OxigraphStore

    if not isinstance(store, OxigraphStore):
        raise StoreError("a store this large exports only from Oxigraph on disk; for a SPARQL "
                         "server use its own dump", where="--store")
    import pyoxigraph as ox

    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial-{os.getpid()}")
    try:
        store.native.dump(output=str(partial), format=ox.RdfFormat.N_QUADS)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
