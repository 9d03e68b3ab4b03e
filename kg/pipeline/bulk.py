"""The field-scale load path: thousands of trials and articles into an on-disk Oxigraph store.

``kg.pipeline.build.load_into_store`` replaces one record graph at a time through rdflib terms and
SPARQL updates: right for a trial and its neighbours, far too slow for a field (rdflib
loads ~25k triples/s). This path gives the same quads by other means:

1. Parse and map in worker processes (one per core), each over whole input files, with the
   same parsers and the same mapping functions as the normal build. PubMed XML streams
   through ``kg.sources.pubmed`` (lxml ``iterparse``), not ``Bio.Entrez.read``: that is
   7-13x slower on EFetch batches and holds a whole batch in memory, because in biopython
   1.88 ``Entrez.parse`` refuses a ``PubmedArticleSet``. Bio.Entrez keeps its place in the
   live client (``kg/entrez``), where requests, not parsing, set the pace.
2. Write each record's triples as N-Quads text in its own named graph (a small serialiser
   for exactly the rdflib terms the mapping yields), in part files of bounded size.
3. ``bulk_load`` each part into the store as soon as it is written, two loads at a time
   (Oxigraph releases the GIL; one load uses about one core).

Bulk loading is not transactional: a process killed mid-load leaves a store holding part of
the data. So a build never loads into the store in use. The path given is a symbolic link
to a build directory under ``<path>.builds/``; a new build loads into a fresh
``<name>.partial`` directory, writes ``build-complete.json`` there only when everything is
loaded and flushed, renames it into place, and then swaps the link atomically
(``os.replace``). A build killed at any point leaves the link on the last complete build;
the next build removes the leftovers. A lock file keeps two builds from running at once.

Where the time goes (10,000 trials and 100,000 synthetic articles, 15.0M quads, 2 cores,
CPU seconds summed over processes): Oxigraph's on-disk bulk load ~180 (~12 us a quad with
RocksDB's compactions, which the final flush waits for), parsing ~50, mapping ~42, writing
N-Quads ~44. The build is CPU-bound, and the load alone keeps both cores busy for ~90 s.
On NLM's real files (benchmarks/real_pubmed.py: a baseline and an update file, 50,797
articles, 4.86M quads): 54 s wall, 96 CPU s, of which the load 44 (the same as pyoxigraph
loading the built N-Quads on its own), mapping 19, parsing 17, writing 12.5, indexing 2;
pubmed_parser parses the same files in 15.6 s. Part files of 1M quads instead of 250k cost
more load CPU (52 s) and 2.3 GB of memory for no gain in wall time.

PubMed files are planned before mapping (``kg.pipeline.bulk_pubmed``): which record of a
repeated PMID is written, which PMIDs are deleted, which records are bad. Workers ask the
kernel to kill them when the build dies (``_die_with_parent``), so a ``kill -9`` of the build
leaves no orphan behind.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import queue
import re
import secrets
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import Literal, URIRef

from kg.errors import SourceError, StoreError
from kg.model import Trial
from kg.rdf import iris

COMPLETE_MARKER = "build-complete.json"
PART_QUADS = 250_000  # quads per part file: bounds a loader's memory (~0.7 kB per quad)
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
# Oxigraph may skip re-validating IRIs while it loads (about a tenth of its load time): every
# IRI in the files passed ``nq_iri`` when it was written, literals are escaped by
# ``nq_literal``, and only this module writes the files it loads.
LENIENT = True
Progress = Callable[[str], None]


class BulkError(StoreError):
    """A field build failed; the store in use, if any, is untouched."""


# --------------------------------------------------------------------------- N-Quads terms

# IRIREF excludes controls, space and <>"{}|^`\ (N-Triples grammar); we reject rather than
# escape, since the mapping never mints such an IRI and one would mean a bug upstream.
# One pattern: a scheme, then only characters IRIREF allows.
_IRI = re.compile(r'[A-Za-z][A-Za-z0-9+.\-]*:[^\x00-\x20<>"{}|^`\\]*')
_LANG = re.compile(r"[a-zA-Z]+(?:-[a-zA-Z0-9]+)*")
_NEEDS_ESCAPE = re.compile(r'[\x00-\x1f"\\\x7f]')
_ESCAPES = {0x22: '\\"', 0x5C: "\\\\", 0x0A: "\\n", 0x0D: "\\r", 0x09: "\\t", 0x08: "\\b",
            0x0C: "\\f"}
_ESCAPES.update({c: f"\\u{c:04X}" for c in (*range(0x20), 0x7F) if c not in _ESCAPES})


def nq_iri(value: str) -> str:
    """``<value>`` for an absolute IRI; ValueError for anything N-Quads cannot carry."""
    if _IRI.fullmatch(value) is None:
        raise ValueError(f"not an absolute IRI N-Quads can carry: {value!r}")
    return f"<{value}>"


def nq_literal(term: Literal) -> str:
    """A literal in canonical N-Triples form: ECHAR for quote, backslash and the usual
    controls, UCHAR for the other C0 characters; the lexical form is ``str(term)``, exactly
    what the normal path hands Oxigraph."""
    lexical = str(term)
    if _NEEDS_ESCAPE.search(lexical):
        lexical = lexical.translate(_ESCAPES)
    if term.language:
        if not _LANG.fullmatch(term.language):
            raise ValueError(f"not a language tag: {term.language!r}")
        return f'"{lexical}"@{term.language}'
    datatype = term.datatype
    if datatype is None or str(datatype) == _XSD_STRING:
        return f'"{lexical}"'
    return f'"{lexical}"^^{nq_iri(str(datatype))}'


def _nq_term(term) -> str:
    if type(term) is URIRef:
        return nq_iri(term)
    if isinstance(term, Literal):
        return nq_literal(term)
    if isinstance(term, URIRef):
        return nq_iri(str(term))
    # Blank nodes would be renamed per bulk-loaded file; the mapping never makes them.
    raise ValueError(f"cannot write {type(term).__name__} {term!r} as N-Quads")


class NQuadsWriter:
    """Serialises record graphs. Terms are cached by identity: the mapping hands over the
    same term objects again and again (namespace terms, cached literals, a record's own
    IRIs), and an rdflib term compares by value in Python code, so a lookup by ``id`` is
    several times cheaper than one by value. Each entry holds its term, so an id in the
    cache cannot be reused by another object while the entry lives."""

    _CACHE_LIMIT = 200_000

    def __init__(self) -> None:
        self.known: dict[int, tuple[object, str]] = {}  # id(term) -> (term, its text)

    def term(self, term) -> str:
        known = self.known.get(id(term))
        if known is not None:  # the entry holds the object that has this id
            return known[1]
        text = _nq_term(term)
        if len(self.known) >= self._CACHE_LIMIT:
            self.known.clear()
        self.known[id(term)] = (term, text)
        return text

    def graph(self, name: URIRef, triples: Iterable) -> str:
        """One record graph as N-Quads lines."""
        term = self.term
        lines = [f"{term(s)} {term(p)} {term(o)}" for s, p, o in triples]
        if not lines:
            return ""
        tail = f" {term(name)} .\n"
        return tail.join(lines) + tail


@lru_cache(maxsize=1 << 17)
def _entity_graph(subject: str) -> tuple[str, str]:
    """(IRI, N-Quads term) of the graph for triples about a shared node; authors, journals
    and MeSH descriptors recur on most records, and the graph name is a digest."""
    from kg.rdf.partition import entity_graph

    name = str(entity_graph(subject))
    return name, nq_iri(name)


# --------------------------------------------------------------------------- reading


def iter_trials(path: Path) -> Iterator[Trial]:
    """Trials from a JSON-lines file of v2 study objects (one per line), or from any file
    ``kg.sources.load_trial_file`` reads; drugs and regimens resolved either way."""
    from kg.extract.regimen import complete_trial
    from kg.sources import ctgov, load_trial_file

    if path.suffix != ".jsonl":
        yield load_trial_file(path)
        return
    with path.open("rb") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                where = f"{path}:{number}"
                yield complete_trial(ctgov.parse(ctgov.load_json(line, where), location=where))


def iter_articles(path: Path):
    from kg.sources import pubmed

    return pubmed.iter_articles(path)


# --------------------------------------------------------------------------- workers


@dataclass
class ChunkResult:
    """What one worker made of one task: part files and what the reference data needs."""

    task: str
    kind: str
    ids: list[str] = field(default_factory=list)
    parts: list[tuple[Path, int]] = field(default_factory=list)
    drug_keys: set[str] = field(default_factory=set)
    mesh_uis: set[str] = field(default_factory=set)
    cpu: dict[str, float] = field(default_factory=dict)

    @property
    def quads(self) -> int:
        return sum(n for _, n in self.parts)


# Digests of shared-node blocks this worker process has written (kept across its tasks).
_WRITTEN: set[bytes] = set()
_WRITTEN_LIMIT = 4_000_000


class _PartWriter:
    """Rotates part files so that loading can start before a task ends."""

    def __init__(self, work: Path, stem: str, result: ChunkResult):
        self.work, self.stem, self.result = work, stem, result
        self.serialiser = NQuadsWriter()
        self._handle = None
        self._count = 0

    def write(self, graph: URIRef, triples, where: str) -> None:
        try:
            text = self.serialiser.graph(graph, triples)
        except ValueError as exc:
            raise BulkError(str(exc), where=where) from None
        self._emit(text, len(triples), where)

    def write_record(self, kind: str, identifier: str, triples) -> None:
        """The record's own triples to its graph, the rest to shared-entity graphs, exactly
        as ``kg.rdf.partition.store_record`` stores them (the same split as
        ``kg.rdf.partition.partition``, done here in the same pass as the serialising).
        What a record says about a shared node (an author's name, a sponsor) is mostly
        what earlier records said: such a block is written once per worker, which cuts the
        quads to load by about a third (the store would collapse the repeats anyway: a
        graph is a set)."""
        from kg.rdf.partition import owned_prefixes

        own_iri, own_prefix = owned_prefixes(kind, identifier)
        # NQuadsWriter.term, inlined: this loop runs for every triple of the field.
        known, term = self.serialiser.known, self.serialiser.term
        owned: list[str] = []
        shared: dict[str, tuple[str, list[str]]] = {}  # graph IRI -> (N-Quads term, lines)
        groups: dict[int, list[str]] = {}  # id(subject) -> its lines (the triples hold them)
        last = group = subject = None
        try:
            for s, p, o in triples:
                if s is not last:  # a record states several facts about a node in a row
                    last = s
                    entry = known.get(id(s))
                    subject = entry[1] if entry is not None else term(s)
                    group = groups.get(id(s))
                    if group is None:
                        text = str(s)
                        if text == own_iri or text.startswith(own_prefix):
                            group = owned
                        else:
                            name, graph = _entity_graph(text)
                            group = shared.setdefault(name, (graph, []))[1]
                        groups[id(s)] = group
                entry = known.get(id(p))
                predicate = entry[1] if entry is not None else term(p)
                entry = known.get(id(o))
                group.append(f"{subject} {predicate} "
                             f"{entry[1] if entry is not None else term(o)}")
            tail = f" {term(iris.record_graph(kind, identifier))} .\n"
        except ValueError as exc:
            raise BulkError(str(exc), where=identifier) from None
        self._emit(tail.join(owned) + tail if owned else "", len(owned), identifier)
        for name in sorted(shared):  # as store_record: graph by graph, in IRI order
            graph, lines = shared[name]
            tail = f" {graph} .\n"
            text = tail.join(lines) + tail
            digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"),
                                     digest_size=16).digest()
            if digest not in _WRITTEN:
                if len(_WRITTEN) >= _WRITTEN_LIMIT:
                    _WRITTEN.clear()
                _WRITTEN.add(digest)
                self._emit(text, len(lines), identifier)

    def _emit(self, text: str, quads: int, where: str) -> None:
        if self._handle is None:
            path = self.work / f"{self.stem}-{len(self.result.parts):03d}.nq"
            self._handle = path.open("w", encoding="utf-8", errors="strict")
        try:
            self._handle.write(text)
        except UnicodeEncodeError as exc:
            raise BulkError(f"text cannot be written as UTF-8: {exc.reason}", where=where) \
                from None
        self._count += quads
        if self._count >= PART_QUADS:
            self.close()

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
            self.result.parts.append((Path(self._handle.name), self._count))
            self._handle, self._count = None, 0


class _Clock:
    """CPU seconds per stage of a worker, for the benchmark's breakdown."""

    def __init__(self, cpu: dict[str, float]):
        self.cpu, self.last = cpu, time.process_time()

    def lap(self, stage: str) -> None:
        now = time.process_time()
        self.cpu[stage] = self.cpu.get(stage, 0.0) + now - self.last
        self.last = now


def map_trials(task: str, paths: list[Path], work: Path) -> ChunkResult:
    """Parse, map and write the trials of some files (one worker task)."""
    from kg.rdf.trial import trial_triples
    from kg.vocab import default_vocabulary

    vocab = default_vocabulary()
    result = ChunkResult(task, "trial")
    out, clock = _PartWriter(work, task, result), _Clock(result.cpu)
    for path in paths:
        for trial in iter_trials(path):
            clock.lap("parse trials")
            triples = trial_triples(trial, vocab, {})
            _trial_reference_keys(trial, vocab, result)
            clock.lap("map trials")
            out.write_record("trial", trial.nct_id, triples)
            result.ids.append(trial.nct_id)
            clock.lap("write N-Quads")
    out.close()
    return result


def _trial_reference_keys(trial: Trial, vocab, result: ChunkResult) -> None:
    from kg.rdf.vocabulary import concepts_of_trial

    drugs, meshes = concepts_of_trial(trial, vocab)
    result.drug_keys |= drugs
    result.mesh_uis |= meshes


def _article_reference_keys(article, vocab, result: ChunkResult) -> None:
    from kg.rdf.vocabulary import concepts_of_article

    drugs, meshes = concepts_of_article(article, vocab)
    result.drug_keys |= drugs
    result.mesh_uis |= meshes


def reference_quads(drug_keys: Iterable[str], mesh_uis: Iterable[str]) -> tuple[str, int]:
    """The vocabulary the records use (kg.rdf.vocabulary.reference_graphs: MeSH concepts with
    their ancestors, the release, curated drugs and classes), one graph each, as N-Quads."""
    from kg.rdf.vocabulary import reference_graphs
    from kg.vocab import default_vocabulary

    writer, parts, count = NQuadsWriter(), [], 0
    for graph, triples in reference_graphs(default_vocabulary(), drug_keys, sorted(mesh_uis)):
        parts.append(writer.graph(graph, triples))
        count += len(triples)
    return "".join(parts), count


# --------------------------------------------------------------------------- loading


class _Loader:
    """Bulk-loads part files as workers finish them, on a few threads."""

    def __init__(self, store, threads: int, progress: Progress):
        self.store, self.progress = store, progress
        self.queue: queue.Queue[tuple[Path, int] | None] = queue.Queue()
        self.errors: list[BaseException] = []
        self.loaded = 0
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._run, name=f"bulk-load-{i}", daemon=True)
                         for i in range(threads)]
        for thread in self._threads:
            thread.start()

    def put(self, parts: Iterable[tuple[Path, int]]) -> None:
        for part in parts:
            self.queue.put(part)

    def _run(self) -> None:
        import pyoxigraph as ox

        while (item := self.queue.get()) is not None:
            if self.errors:
                continue  # drain: one failure ends the build
            path, quads = item
            try:
                self.store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS,
                                     lenient=LENIENT)
                path.unlink()
            except BaseException as exc:  # noqa: BLE001 - handed to the main thread
                self.errors.append(exc)
                continue
            with self._lock:
                self.loaded += quads
            self.progress(f"loaded {path.name} ({quads:,} quads)")

    def stop(self) -> None:
        """Skip what is queued, wait for the loads under way (they cannot be interrupted)."""
        self.errors.append(BulkError("build abandoned"))
        self.finish(raise_errors=False)

    def finish(self, raise_errors: bool = True) -> None:
        for _ in self._threads:
            self.queue.put(None)
        for thread in self._threads:
            thread.join()
        if self.errors and raise_errors:
            raise BulkError(f"bulk load failed: {self.errors[0]}") from self.errors[0]


@dataclass
class BulkResult:
    path: Path  # the link the store is opened by
    build: Path  # the build directory it points at
    trials: int
    articles: int  # articles written by this build
    quads: int  # quads written (a record repeating a triple counts it twice)
    seconds: dict[str, float]  # wall time per stage
    cpu: dict[str, float]  # CPU seconds per stage, summed over workers
    deleted: int = 0  # PMIDs withdrawn by DeleteCitation (and not brought back)
    superseded: int = 0  # PubMed records that lost to another record of their PMID
    skipped: list = field(default_factory=list)  # BadRecords left out with skip_bad


def _tasks_for_trials(files: list[Path]) -> list[tuple[str, list[Path]]]:
    """One task per JSON-lines file; single-study files go together in one more."""
    singles = [p for p in files if p.suffix != ".jsonl"]
    tasks = [(f"t{i:04d}", [p]) for i, p in enumerate(f for f in files if f.suffix == ".jsonl")]
    return ([("t-single", singles)] if singles else []) + tasks


_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """Ask Linux to SIGKILL this worker when the process that forked it dies, so a
    ``kill -9`` of a build leaves no worker behind (a pool's own clean-up never runs then).
    The signal is tied to the forking thread: the pool forks every worker from the main
    thread on its first task (``_start_pool``), which lives as long as the build."""
    import ctypes
    import signal
    import sys

    if not sys.platform.startswith("linux"):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        return  # best effort: the build itself still works
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)


def _worker_init(parent: int) -> None:
    """Workers die with the build (``_die_with_parent``). A worker allocates millions of
    short-lived objects (parsed records, terms, lines) and few cycles: with the collector's
    default (a young pass every 700 allocations) it spent about an eighth of its CPU
    collecting (measured on 20,000 articles). What the worker inherited (the vocabulary) is
    frozen out of collection altogether."""
    import gc

    _die_with_parent(parent)
    gc.freeze()
    gc.set_threshold(10_000, 10, 10)


def _as_bulk_error(fn, *args) -> ChunkResult:
    """Worker errors cross the process boundary as one BulkError with the whole message
    (an error's ``where`` does not survive pickling on its own)."""
    from kg.errors import KGError

    try:
        return fn(*args)
    except KGError as exc:
        raise BulkError(str(exc)) from None
    except OSError as exc:  # an input that went away or became unreadable mid-build
        where = f"{exc.filename}: " if exc.filename else ""
        raise BulkError(f"{where}cannot read: {exc.strerror or exc}") from None


def _unique(ids: set[str], new: list[str], what: str) -> None:
    """Record ids must be unique: ``load_into_store`` would let a repeat replace the earlier
    graph, a bulk load would merge the two. (PubMed files repeat PMIDs on purpose: their
    plan keeps one record per PMID, see ``kg.pipeline.bulk_pubmed``.)"""
    repeated = ids.intersection(new)
    if not repeated and len(set(new)) != len(new):
        repeated = {i for i in set(new) if new.count(i) > 1}
    if repeated:
        raise BulkError(f"{what} given more than once: {', '.join(sorted(repeated)[:5])}")
    ids.update(new)


@dataclass
class _Run:
    """One build's running totals, fed by workers' results as they arrive."""

    loader: _Loader
    progress: Progress
    counts: dict[str, int] = field(default_factory=lambda: {"quads": 0})
    cpu: dict[str, float] = field(default_factory=dict)
    drug_keys: set[str] = field(default_factory=set)
    mesh_uis: set[str] = field(default_factory=set)

    def take(self, result: ChunkResult) -> None:
        self.loader.put(result.parts)
        self.counts["quads"] += result.quads
        self.drug_keys |= result.drug_keys
        self.mesh_uis |= result.mesh_uis
        for stage, seconds in result.cpu.items():
            self.cpu[stage] = self.cpu.get(stage, 0.0) + seconds
        self.progress(f"mapped {result.task}: {len(result.ids):,} {result.kind}s, "
                      f"{result.quads:,} quads")


def _map_all(pool, run: _Run, work: Path, trial_files: list[Path], plan) -> None:
    """Trials first (articles need the set of trial ids), then articles; results are
    handed to the loader as they come, so loading overlaps mapping."""
    from concurrent.futures import as_completed

    from kg.pipeline.bulk_pubmed import map_articles

    trial_ids: set[str] = set()
    futures = [pool.submit(_as_bulk_error, map_trials, name, paths, work)
               for name, paths in _tasks_for_trials(trial_files)]
    for future in as_completed(futures):
        result = future.result()
        _unique(trial_ids, result.ids, "trial")
        run.take(result)
    frozen = frozenset(trial_ids)
    futures = [pool.submit(_as_bulk_error, map_articles, f"a{i:04d}", job, frozen, work)
               for i, job in enumerate(plan.files) if job.keep]
    articles = 0
    for future in as_completed(futures):
        result = future.result()
        articles += len(result.ids)
        run.take(result)
    run.counts.update(trials=len(trial_ids), articles=articles)


def _start_pool(workers: int):
    """Worker processes, all forked now from the main thread (see ``_die_with_parent``),
    before any store or loader thread exists: a child must not inherit them."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from kg.vocab import default_vocabulary

    default_vocabulary()  # compiled once here, inherited by the forked workers
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"),
                               initializer=_worker_init, initargs=(os.getpid(),))
    pool.submit(int).result()  # with "fork" the pool starts every worker on its first task
    return pool


def _plan_pubmed(pool, pubmed_files: list[Path], skip_bad: bool, progress: Progress):
    """Scan every PubMed file in the pool and decide which records to map (see
    ``kg.pipeline.bulk_pubmed``); bad input fails here, before a store exists."""
    from kg.pipeline.bulk_pubmed import plan, scan_file

    futures = [pool.submit(_as_bulk_error, scan_file, path) for path in pubmed_files]
    done = [future.result() for future in futures]
    result = plan([index for index, _ in done], pubmed_files, skip_bad=skip_bad)
    result.cpu = sum(cpu for _, cpu in done)
    progress(f"indexed {len(pubmed_files)} PubMed file(s): {len(result.pmids):,} articles, "
             f"{len(result.deleted):,} deleted, {result.superseded:,} superseded")
    return result


def _drop_replaced(store, trial_files: list[Path], plan, progress: Progress) -> None:
    """On a copy of an earlier build (``update``), the graphs of records this build writes
    again or deletes: a bulk load merges into a graph, it does not replace it."""
    import pyoxigraph as ox

    names = [iris.record_graph("pubmed", pmid) for pmid in (*plan.pmids, *plan.deleted)]
    for path in trial_files:
        names.extend(iris.record_graph("trial", t.nct_id) for t in iter_trials(path))
    dropped = 0
    for name in names:
        graph = ox.NamedNode(str(name))
        if store.contains_named_graph(graph):
            store.remove_graph(graph)
            dropped += 1
    progress(f"update: {dropped:,} graph(s) of the earlier build replaced or deleted")


def _load(pool, store_dir: Path, work: Path, trial_files: list[Path], plan,
          base: Path | None, progress: Progress
          ) -> tuple[dict, dict[str, float], dict[str, float]]:
    import pyoxigraph as ox

    seconds: dict[str, float] = {}
    start = time.perf_counter()
    if base is not None:
        # A checkpoint of the last build: hard links to its immutable files, so cheap.
        ox.Store.read_only(str(base)).backup(str(store_dir))
        store = ox.Store(str(store_dir))
        _drop_replaced(store, trial_files, plan, progress)
        seconds["copy the earlier build, drop replaced graphs"] = time.perf_counter() - start
    else:
        store = ox.Store(str(store_dir))
    run = _Run(_Loader(store, threads=2, progress=progress), progress)
    try:
        _map_all(pool, run, work, trial_files, plan)
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        run.loader.stop()
        raise
    seconds["parse, map and load (overlapped)"] = time.perf_counter() - start - sum(
        seconds.values())
    run.loader.finish()
    seconds["load what was left"] = time.perf_counter() - start - sum(seconds.values())
    mark = time.perf_counter()
    text, count = reference_quads(run.drug_keys, run.mesh_uis)
    ref = work / "reference.nq"
    ref.write_text(text, encoding="utf-8")
    store.bulk_load(path=str(ref), format=ox.RdfFormat.N_QUADS, lenient=LENIENT)
    run.counts["quads"] += count
    seconds["reference data"] = time.perf_counter() - mark
    mark = time.perf_counter()
    store.flush()
    seconds["flush"] = time.perf_counter() - mark
    return run.counts, seconds, run.cpu


# --------------------------------------------------------------------------- builds on disk


def builds_dir(target: Path) -> Path:
    return target.with_name(target.name + ".builds")


def build_dir(target: Path) -> Path | None:
    """The complete build the link points at, or None (no link, or not a bulk build)."""
    if not target.is_symlink():
        return None
    store = Path(os.path.realpath(target))
    return store.parent if (store.parent / COMPLETE_MARKER).is_file() else None


def build_info(target: str | Path) -> dict:
    """What the last complete build recorded (counts, inputs, timings)."""
    build = build_dir(Path(target))
    if build is None:
        raise BulkError("not a completed bulk build (no build-complete marker)",
                        where=str(target))
    return json.loads((build / COMPLETE_MARKER).read_text(encoding="utf-8"))


def open_field_store(target: str | Path):
    """The last complete build, opened read-write as an OxigraphStore."""
    from kg.store.oxigraph import OxigraphStore

    build_info(target)
    return OxigraphStore(Path(target))


@contextlib.contextmanager
def _exclusive(builds: Path) -> Iterator[None]:
    """One build at a time per target; the OS drops the lock if the process dies."""
    with (builds / ".lock").open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BulkError("another build of this store is running", where=str(builds)) \
                from None
        yield


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _remove_leftovers(target: Path, builds: Path) -> None:
    """Partial builds of killed runs and builds the link no longer points at."""
    current = build_dir(target)
    for entry in builds.iterdir():
        if entry.name != ".lock" and entry != current:
            shutil.rmtree(entry, ignore_errors=True)


def _swap_link(target: Path, store: Path) -> None:
    """Point ``target`` at ``store`` in one step: a new link renamed over the old one."""
    temporary = target.with_name(f".{target.name}.link-{os.getpid()}")
    with contextlib.suppress(FileNotFoundError):
        temporary.unlink()
    os.symlink(os.path.relpath(store, target.parent), temporary)
    os.replace(temporary, target)
    _fsync_dir(target.parent)


def build_field(target: str | Path, trial_files: Iterable[str | Path],
                pubmed_files: Iterable[str | Path], *, workers: int | None = None,
                progress: Progress | None = None, skip_bad: bool = False,
                update: bool = False) -> BulkResult:
    """Build a store from trial files (JSON lines, v2 JSON, trial pages) and PubMed XML
    files (EFetch answers, NLM baseline and update files, gzip or not, applied in the order
    given), with the quads ``kg.pipeline.build.load_into_store`` would give the same
    records, and make it the store at ``target`` only once it is complete.

    ``update``: start from a copy of the last complete build instead of an empty store
    (records given again replace theirs, DeleteCitation removes PMIDs the earlier build
    held). ``skip_bad``: leave out PubMed records that cannot be parsed, listed in the
    result, instead of failing."""
    target = Path(target).absolute()
    if target.exists() and not target.is_symlink():
        raise BulkError("exists and is not a bulk-built store; choose a new path",
                        where=str(target))
    trials, pubmed = [Path(p) for p in trial_files], [Path(p) for p in pubmed_files]
    _check_inputs([*trials, *pubmed])
    base = None
    if update:
        current = build_dir(target)
        if current is None:
            raise BulkError("--update needs a complete bulk build to start from",
                            where=str(target))
        base = Path(os.path.realpath(target))
    say = progress or (lambda _line: None)
    start, cpu_start = time.perf_counter(), _cpu_now()
    pool = _start_pool(workers or os.cpu_count() or 1)
    try:
        mark = time.perf_counter()
        plan = _plan_pubmed(pool, pubmed, skip_bad, say)
        index_seconds = time.perf_counter() - mark
        builds = builds_dir(target)
        builds.mkdir(parents=True, exist_ok=True)
        with _exclusive(builds):
            final, counts, seconds, cpu = _build_in(builds, target, pool, trials, pubmed,
                                                    plan, base, say, start, cpu_start)
            seconds = {"index PubMed files": index_seconds, **seconds}
            cpu = {"index PubMed files": plan.cpu, **cpu}
            _remove_leftovers(target, builds)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    say(f"complete: {counts['trials']:,} trials, {counts['articles']:,} articles, "
        f"{counts['quads']:,} quads")
    return BulkResult(target, final, counts["trials"], counts["articles"], counts["quads"],
                      seconds, cpu, deleted=len(plan.deleted), superseded=plan.superseded,
                      skipped=list(plan.skipped))


def _build_in(builds: Path, target: Path, pool, trials: list[Path], pubmed: list[Path], plan,
              base: Path | None, say: Progress, start: float, cpu_start: tuple[float, float]):
    """Load into a fresh ``.partial`` directory, mark it complete, swap the link to it."""
    _remove_leftovers(target, builds)
    name = f"build-{time.strftime('%Y%m%dT%H%M%S')}-{secrets.token_hex(4)}"
    partial = builds / f"{name}.partial"
    work = partial / "nquads"
    work.mkdir(parents=True)
    try:
        counts, seconds, cpu = _load(pool, partial / "store", work, trials, plan, base, say)
        shutil.rmtree(work)
        cpu["load, reference data (main process)"] = _cpu_now()[0] - cpu_start[0]
        mark = time.perf_counter()
        info = {"complete": True, **counts, "seconds": round(mark - start, 3),
                "deleted": len(plan.deleted), "superseded": plan.superseded,
                "skipped": [f"{b.location}: {b.describe()}" for b in plan.skipped],
                "updated_from": base.parent.name if base is not None else None,
                "trial_files": [str(p) for p in trials],
                "pubmed_files": [str(p) for p in pubmed]}
        _write_marker(partial, info)
        final = builds / name
        os.rename(partial, final)
        _fsync_dir(builds)
        _swap_link(target, final / "store")
        seconds["marker and swap"] = time.perf_counter() - mark
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return final, counts, seconds, cpu


def _check_inputs(paths: list[Path]) -> None:
    """Every input is a readable file, checked before anything is created or started."""
    for path in paths:
        if not path.exists():
            raise SourceError("no such file", where=str(path))
        if not path.is_file():
            raise SourceError("not a file", where=str(path))
        if not os.access(path, os.R_OK):
            raise SourceError("cannot read: permission denied", where=str(path))


def _write_marker(build: Path, info: dict) -> None:
    path = build / COMPLETE_MARKER
    with path.open("w", encoding="utf-8") as handle:
        json.dump(info, handle, indent=1)
        handle.flush()
        os.fsync(handle.fileno())


def _cpu_now() -> tuple[float, float]:
    """CPU seconds of this process and of its finished children."""
    import resource

    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(
        resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime
