"""An Oxigraph store (pyoxigraph), in memory or persistent on disk.

30-80x faster SPARQL than rdflib on the same question (LIBRARY-FACTS), and a directory on
disk reopens in milliseconds, so a CLI can reuse a built store on every call.

Writes are atomic per batch (``batch()``: a whole build) and per record outside one: new
triples go to staging graphs first, then one SPARQL Update (a single Oxigraph transaction)
swaps them in. A process killed midway leaves the store as it was, plus at worst stale
staging graphs, which the next opening drops (queries see the union of all graphs, so they
would otherwise show in every answer). Each staging graph is noted in a registry graph
before it gets a triple, so opening looks there rather than listing every graph (0.5 s on a
field store).

Many readers or one writer (kg.store.lock): commands that only read open the store
read-only and may run beside each other and beside ``kg serve``; a build waits for none of
them and is refused while one runs. For many readers and writers at once, serve the
directory with ``oxigraph serve`` and use a ``sparql:`` store.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg.errors import StoreError
from kg.rdf.namespaces import bind_prefixes
from kg.store import QueryResult, Triple
from kg.store.manifest import MANIFEST_GRAPH

_STAGING_SUFFIX = "#staging"
_ADD_SUFFIX = "#staging-add"
_REGISTRY = ox.NamedNode("urn:trialkg:staging-registry")
_STAGING_OF = ox.NamedNode("urn:trialkg:staging-of")


def _internal(graph: ox.NamedNode) -> bool:
    """The store's own bookkeeping: staging graphs and their registry."""
    return _STAGING_SUFFIX in graph.value or graph == _REGISTRY


def to_ox(term: Node):
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    raise TypeError(f"cannot store term {term!r}")


_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def from_ox(term) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    raise TypeError(f"unexpected Oxigraph term {term!r}")


def _memo_from_ox():
    """``from_ox`` that converts each term once: the same IRIs and literals recur across a
    query's rows and a store's quads."""
    seen: dict = {}

    def convert(term) -> Node:
        converted = seen.get(term)
        if converted is None:
            converted = seen[term] = from_ox(term)
        return converted
    return convert


def is_oxigraph_dir(path: Path) -> bool:
    """Whether a folder holds an Oxigraph (RocksDB) store: RocksDB writes ``CURRENT`` (the
    name of the live manifest) and a ``MANIFEST-*`` file before anything else."""
    return (path / "CURRENT").is_file() and any(path.glob("MANIFEST-*"))


def check_store_path(path: Path, *, create: bool) -> None:
    """A store path is a store: refuse a file, a folder of other files, or (unless this
    command builds) a path with no store yet, before RocksDB writes anything there."""
    if path.exists() and not path.is_dir():
        raise StoreError("exists and is not a store directory", where=str(path))
    if path.is_dir() and not is_oxigraph_dir(path) and any(path.iterdir()):
        raise StoreError("is a folder of other files, not an Oxigraph store; give a new or "
                         "empty folder (or move the files away)", where=str(path))
    if not create and not (path.is_dir() and is_oxigraph_dir(path)):
        raise StoreError("no store here yet; create it with `kg build --store "
                         f"oxigraph:{path}`", where=str(path))


class OxigraphStore:
    """``read_only``: for commands that only read. Many may run at once (beside a ``kg
    serve``), none beside a writer (kg.store.lock). ``create``: whether a missing store may
    be created here (only commands that build)."""

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False,
                 create: bool = True):
        from kg.store.lock import StoreLock

        self.path = Path(path) if path else None
        self.read_only = read_only and self.path is not None
        self._store: ox.Store | None = None
        self._lock: StoreLock | None = None
        self._batch: _Batch | None = None
        if self.path is None:
            self._store = ox.Store()
            return
        check_store_path(self.path, create=create and not read_only)
        self._lock = StoreLock(self.path, exclusive=not self.read_only).acquire()
        try:
            self._store = self._open()
            if self._has_stale_staging():
                self._clean_stale_staging()
        except BaseException:
            self._lock.release()
            raise

    def _open(self) -> ox.Store:
        try:
            if self.read_only:
                return ox.Store.read_only(str(self.path))
            return ox.Store(str(self.path))
        except OSError as exc:
            text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            if "lock" in text.lower():
                raise StoreError("store is in use by another process; close it there first",
                                 where=str(self.path)) from None
            if "no space left" in text.lower():
                raise StoreError("the disk is full; free some space and try again (the store "
                                 "is as it was)", where=str(self.path)) from None
            if "read-only" in text.lower() or "permission" in text.lower():
                raise StoreError(f"cannot write here ({text}); use a writable folder "
                                 "(--store oxigraph:PATH or TRIALKG_STORE)",
                                 where=str(self.path)) from None
            raise StoreError(f"cannot open Oxigraph store ({text}); if it is damaged, move "
                             "it aside and rebuild it with `kg build --fresh`",
                             where=str(self.path)) from None

    def _has_stale_staging(self) -> bool:
        return next(iter(self.native.quads_for_pattern(None, _STAGING_OF, None, _REGISTRY)),
                    None) is not None

    def _clean_stale_staging(self) -> None:
        """Staging graphs left by a process killed between loading and the final update.
        A reader cannot drop them; it reopens read-write for the moment it takes, which the
        shared lock allows only when no other reader holds the store."""
        if not self.read_only:
            self._drop_stale_staging()
            return
        from kg.store.lock import StoreLock

        self._store = None
        self._lock.release()
        self._lock = StoreLock(self.path, exclusive=True).acquire()
        try:
            self._store = ox.Store(str(self.path))
            self._drop_stale_staging()
            self._store.flush()
        except OSError:
            pass  # a read-only file system: nobody can have left staging graphs there
        finally:
            self._store = None
            self._lock.release()
        self._lock = StoreLock(self.path, exclusive=False).acquire()
        self._store = self._open()

    def _drop_stale_staging(self) -> None:
        """The registry names each staging graph before anything is loaded into it."""
        store = self.native
        for entry in list(store.quads_for_pattern(None, _STAGING_OF, None, _REGISTRY)):
            if isinstance(entry.subject, ox.NamedNode):
                store.update(f"DROP SILENT GRAPH <{entry.subject.value}>")
            store.remove(entry)

    @property
    def native(self) -> ox.Store:
        if self._store is None:
            raise StoreError("the store is closed", where=str(self.path or "memory"))
        return self._store

    def _writable(self) -> ox.Store:
        if self.read_only:
            raise StoreError("opened read-only: this command does not change the store",
                             where=str(self.path))
        return self.native

    def replace_graph(self, name: URIRef, triples: Iterable[Triple]) -> None:
        """Inside ``batch()``: staged, swapped in with the rest of the batch. Alone: staged
        and swapped in at once (one record, atomically)."""
        if self._batch is not None:
            self._batch.replace(name, triples)
            return
        with self.batch():
            self._batch.replace(name, triples)

    def add_to_graph(self, name: URIRef, triples: Iterable[Triple]) -> None:
        """Add to a shared entity's graph (a graph is a set, so repeats are no-ops)."""
        if self._batch is not None:
            self._batch.add(name, triples)
            return
        graph = _graph_node(name)
        self._writable().extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o), graph)
                                for s, p, o in triples)

    def rewrite_subjects(self, name: URIRef, subjects: Iterable[URIRef],
                         triples: Iterable[Triple]) -> None:
        """In graph ``name``: drop every triple about ``subjects``, then add ``triples`` (in
        the batch's final transaction inside ``batch()``)."""
        from kg.store.sparql import rewrite_subjects_text

        self.update(rewrite_subjects_text(name, subjects, triples))

    def update(self, sparql: str) -> None:
        """A SPARQL Update of the project's own (never a user's: the views refuse those).
        Inside ``batch()`` it runs in the batch's final transaction."""
        if self._batch is not None:
            self._batch.operations.append(sparql)
            return
        try:
            self._writable().update(sparql)
        except (SyntaxError, RuntimeError, OSError) as exc:
            raise StoreError(f"update failed: {exc}", where=str(self.path or "memory")) from None

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Everything written inside becomes visible at once, in one Oxigraph transaction at
        the end: records are loaded into staging graphs first (each noted in a registry
        graph before it gets a triple), then one SPARQL Update moves them all in. A process
        killed before that leaves the store as it was, plus staging graphs that the next
        opening drops; an exception drops them at once."""
        if self._batch is not None:
            yield
            return
        self._batch = _Batch(self._writable())
        try:
            yield
            self._batch.commit()
        except OSError as exc:  # RocksDB's I/O errors: a full disk, a file system gone away
            self._batch.abandon()
            raise StoreError(_io_problem(exc), where=str(self.path or "memory")) from None
        except BaseException:
            self._batch.abandon()
            raise
        finally:
            self._batch = None

    def load_quads_file(self, path: Path, fmt: ox.RdfFormat = ox.RdfFormat.N_QUADS) -> None:
        """Bulk-load a prepared N-Quads file (the fast path at field scale)."""
        self._writable().bulk_load(path=str(path), format=fmt)

    def graph_names(self) -> list[URIRef]:
        return sorted(URIRef(g.value) for g in self.native.named_graphs()
                      if isinstance(g, ox.NamedNode) and not _internal(g))

    def query(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> QueryResult:
        """Parameters go in as a VALUES block at the top of the WHERE clause (one escaped RDF
        term each, see ``kg.store.sparql.bind``) rather than through pyoxigraph's
        ``substitutions``: those are applied after planning, so the planner cannot start
        from the bound value (measured on a 2.3M-quad field: co-authorship of one trial's
        literature 50 s with substitutions, 0.6 s with VALUES)."""
        from kg.errors import QueryError
        from kg.store.guard import check

        # FROM / FROM NAMED select graphs of the store: Oxigraph honours them only without
        # the union default graph (with it, FROM would be silently ignored).
        union = not check(sparql).dataset
        try:
            return self._answer(sparql, bindings, union)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error: {exc}") from None
        except (RuntimeError, OSError, ValueError) as exc:
            # Raised while the answer is iterated too (a failing SERVICE call, an I/O
            # error): one line, never a traceback.
            raise QueryError(f"query failed: {type(exc).__name__}: {exc}") from None

    def _answer(self, sparql: str, bindings: Mapping[str, Node] | None,
                union: bool) -> QueryResult:
        from kg.store.sparql import bind

        text = bind(sparql, bindings) if bindings else sparql
        answer = self.native.query(text, use_default_graph_as_union=union)
        if isinstance(answer, ox.QueryBoolean):
            return QueryResult("ask", boolean=bool(answer))
        if isinstance(answer, ox.QueryTriples):
            g = Graph()
            bind_prefixes(g)
            for t in answer:
                g.add((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)))
            return QueryResult("graph", graph=g)
        variables = [v.value for v in answer.variables]
        rows = []
        convert = _memo_from_ox()
        for solution in answer:
            row = {}
            for v in variables:
                value = solution[v]
                if value is not None:
                    row[v] = convert(value)
            rows.append(row)
        return QueryResult("select", variables=variables, rows=rows)

    def union(self) -> Graph:
        """Every record's triples (the workspace's bookkeeping left out)."""
        g = Graph()
        bind_prefixes(g)
        manifest = ox.NamedNode(str(MANIFEST_GRAPH))
        convert = _memo_from_ox()
        for q in self.native.quads_for_pattern(None, None, None, None):
            if isinstance(q.graph_name, ox.NamedNode) and (
                    _internal(q.graph_name) or q.graph_name == manifest):
                continue
            g.add((convert(q.subject), convert(q.predicate), convert(q.object)))
        return g

    def __len__(self) -> int:
        answer = self.native.query(
            "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
            f"FILTER(!CONTAINS(STR(?g), '{_STAGING_SUFFIX}') && ?g != <{_REGISTRY.value}>) }}")
        return int(next(iter(answer))["n"].value)

    def close(self) -> None:
        """Flush and let go of the store, which releases the directory's locks."""
        if self._store is not None:
            if not self.read_only:
                self._store.flush()
            self._store = None
        if self._lock is not None:
            self._lock.release()
            self._lock = None


def _io_problem(exc: OSError) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if "no space left" in text.lower():
        return "the disk is full; nothing of this build was kept (free some space, try again)"
    return f"could not write the store ({text}); nothing of this build was kept"


def _graph_node(name: URIRef) -> ox.NamedNode:
    try:  # NamedNode checks the IRI, so no name can break an update's text
        return ox.NamedNode(str(name))
    except ValueError as exc:
        raise StoreError(f"not a graph IRI: {exc}", where=str(name)) from None


class _Batch:
    """The staging graphs and the final update of one ``OxigraphStore.batch()``."""

    def __init__(self, store: ox.Store):
        self.store = store
        self.operations: list[str] = []  # run, in order, in the final transaction
        self.registry: list[ox.Quad] = []
        self._staged: set[str] = set()

    def _stage(self, target: ox.NamedNode, suffix: str) -> ox.NamedNode:
        staging = ox.NamedNode(target.value + suffix)
        if staging.value not in self._staged:
            entry = ox.Quad(staging, _STAGING_OF, target, _REGISTRY)
            self.store.add(entry)  # committed before the staging graph gets anything
            self.registry.append(entry)
            self._staged.add(staging.value)
            self.store.update(f"DROP SILENT GRAPH <{staging.value}>")
        return staging

    def replace(self, name: URIRef, triples: Iterable[Triple]) -> None:
        target = _graph_node(name)
        staging = self._stage(target, _STAGING_SUFFIX)
        self.store.update(f"DROP SILENT GRAPH <{staging.value}>")  # a second replace wins
        self.store.extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o), staging) for s, p, o in triples)
        # MOVE of a graph that got no triple would be skipped (SILENT) and keep the old one.
        self.operations.append(f"DROP SILENT GRAPH <{target.value}>")
        self.operations.append(f"ADD SILENT GRAPH <{staging.value}> TO GRAPH <{target.value}>")

    def add(self, name: URIRef, triples: Iterable[Triple]) -> None:
        target = _graph_node(name)
        fresh = target.value + _ADD_SUFFIX not in self._staged
        staging = self._stage(target, _ADD_SUFFIX)
        self.store.extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o), staging) for s, p, o in triples)
        if fresh:
            self.operations.append(f"ADD SILENT GRAPH <{staging.value}> TO GRAPH "
                                   f"<{target.value}>")

    def commit(self) -> None:
        drops = [f"DROP SILENT GRAPH <{s}>" for s in sorted(self._staged)]
        registry = "".join(f"{q.subject} {q.predicate} {q.object} ." for q in self.registry)
        text = self.operations + drops
        if registry:
            text.append(f"DELETE DATA {{ GRAPH {_REGISTRY} {{ {registry} }} }}")
        if text:
            try:
                self.store.update(" ;\n".join(text))
            except OSError:
                raise  # batch() words it
            except (SyntaxError, RuntimeError) as exc:
                raise StoreError(f"could not apply the build: {exc}") from None

    def abandon(self) -> None:
        """Drop what was staged; if even that fails, the next opening drops it."""
        with contextlib.suppress(Exception):
            for staging in sorted(self._staged):
                self.store.update(f"DROP SILENT GRAPH <{staging}>")
            for entry in self.registry:
                self.store.remove(entry)
