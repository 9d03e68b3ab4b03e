"""Opening the store a command works on: the workspace by default, built on first use.

- Commands that only read open the store read-only (many may run at once, beside a ``kg
  serve``). Given records to load (``--trial``, ``--pubmed``), they add them first, as
  ``kg build`` would.
- The default workspace is created on first use with the bundled default graph (what
  ``make run`` builds); any other on-disk store is created only by ``kg build``.
- ``memory`` builds the bundled default graph (plus the records given) for this command
  alone, as before the workspace existed.
"""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

from kg.errors import StoreError
from kg.pipeline.build import BuildOptions, BuildResult, build
from kg.store import Store
from kg.store.workspace import StoreChoice, choose, open_choice

log = logging.getLogger(__name__)


def open_workspace(spec: str | None, trials: Sequence[str] = (),
                   pubmed: Sequence[Path] = (), network: str = "offline") -> Store:
    """The store holding the graph, with the given records added (the caller closes it)."""
    choice = choose(spec)
    if choice.spec == "memory":
        # Like a new workspace: the bundled default graph, then the records given.
        store = build(BuildOptions(store="memory"), command="create workspace").store
        if trials or pubmed:
            build(BuildOptions(trials=list(trials), pubmed_files=list(pubmed),
                               network=network), store=store)
        return store
    if trials or pubmed:
        store = open_for_build(choice)
        try:
            build(BuildOptions(trials=list(trials), pubmed_files=list(pubmed),
                               network=network), store=store)
        except BaseException:
            store.close()
            raise
        return _for_reading(choice, store)
    bootstrap_if_new(choice)
    store = open_choice(choice, write=False)
    if choice.spec.startswith("sparql:"):
        from kg.store.manifest import is_initialised

        if not is_initialised(store):
            raise StoreError("the SPARQL store holds no graph yet; load it with `kg build "
                             "--store sparql:…`", where=choice.describe())
    return store


def _for_reading(choice: StoreChoice, store: Store) -> Store:
    """The store just built, handed back read-only when it is on disk: the commands that
    take records only read them afterwards. A handle that has just written keeps RocksDB's
    background flush and compaction threads busy; a process forked from it (the endpoint
    runs each query in one) can inherit one of their locks held and hang on it. A read-only
    handle has no background writes, and lets other readers open the store beside it."""
    if getattr(store, "path", None) is None or getattr(store, "read_only", True):
        return store  # in memory (closing would lose it) or on a SPARQL server
    store.close()
    return open_choice(choice, write=False)


@contextlib.contextmanager
def workspace(spec: str | None, trials: Sequence[str] = (), pubmed: Sequence[Path] = (),
              network: str = "offline") -> Iterator[Store]:
    """``open_workspace`` that closes the store afterwards (releasing its lock)."""
    store = open_workspace(spec, trials, pubmed, network)
    try:
        yield store
    finally:
        store.close()


def open_for_build(choice: StoreChoice, *, fresh: bool = False) -> Store:
    """The store a build writes into. A new default workspace first gets the bundled
    default graph, in the same batch as the build's records (``fresh``: it starts empty)."""
    new = not choice.exists
    store = open_choice(choice, write=True, create=True)
    if new and choice.is_default and not fresh:
        try:
            _announce(choice)
            build(BuildOptions(), store=store, command="create workspace")
        except BaseException:
            store.close()
            raise
    return store


def bootstrap_if_new(choice: StoreChoice) -> None:
    """Create the default workspace with the bundled default graph if it does not exist."""
    if choice.exists or not choice.is_default:
        return
    store = open_for_build(choice)
    store.close()


def _announce(choice: StoreChoice) -> None:
    print(f"kg: creating the workspace at {choice.describe()} with the bundled trial and "
          "its corpus (`kg build --fresh` starts one empty)", file=sys.stderr)


def build_into(choice: StoreChoice, options: BuildOptions, *, fresh: bool = False,
               command: str = "build") -> BuildResult:
    """``kg build``: the records into the chosen store, the rest left as it is (``fresh``:
    everything else dropped, in the same transaction on an on-disk store)."""
    if choice.spec == "memory":
        return build(options, command=command)
    store = open_for_build(choice, fresh=fresh)
    try:
        with store.batch():
            if fresh:
                drop_everything(store)
            result = build(options, store=store, command=command, fresh=fresh)
    except BaseException:
        store.close()
        raise
    return result


def drop_everything(store: Store) -> None:
    """Every graph, the manifest included (in the caller's batch)."""
    from kg.store.sparql import nt_term

    names = store.graph_names()
    if names:
        store.update(" ;\n".join(f"DROP SILENT GRAPH {nt_term(g)}" for g in names))
