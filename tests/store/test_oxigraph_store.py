"""The persistent Oxigraph store: data outlives the process, a record's graph is replaced
alone, a second process gets a clear "in use" error, and a writer killed with SIGKILL midway
leaves every record graph whole (the old version or the new, never a mix)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from rdflib import Literal, Namespace, URIRef

from kg.errors import StoreError
from kg.store import open_store
from kg.store.oxigraph import OxigraphStore

EX = Namespace("https://example.org/")
ROOT = Path(__file__).resolve().parents[2]


def _python(code: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          timeout=60, cwd=ROOT)


def test_data_persists_for_a_new_process(tmp_path):
    store = open_store(f"oxigraph:{tmp_path / 'db'}")
    store.replace_graph(EX.g1, [(EX.a, EX.p, Literal("ü \"quoted\"\n", lang="de"))])
    store.replace_graph(EX.g2, [(EX.b, EX.p, Literal(7))])
    store.close()  # releases the directory's lock
    out = _python("import sys; from kg.store import open_store\n"
                  "s = open_store('oxigraph:' + sys.argv[1])\n"
                  "print(len(s), [str(g) for g in s.graph_names()])\n"
                  "print(repr(s.query('SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o').rows))",
                  str(tmp_path / "db"))
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[0] == f"2 ['{EX.g1}', '{EX.g2}']"
    assert "lang='de'" in out.stdout and "'ü \"quoted\"\\n'" in out.stdout
    with pytest.raises(StoreError, match="closed"):
        len(store)


def test_replace_graph_replaces_only_that_graph(tmp_path):
    store = OxigraphStore(tmp_path / "db")
    store.replace_graph(EX.g1, [(EX.a, EX.p, Literal(1)), (EX.a, EX.p, Literal(2))])
    store.replace_graph(EX.g2, [(EX.b, EX.p, Literal(3))])
    store.replace_graph(EX.g1, [(EX.a, EX.p, Literal(4))])
    rows = store.query("SELECT ?g ?o WHERE { GRAPH ?g { ?s ?p ?o } }").rows
    assert sorted((str(r["g"]), int(r["o"].toPython())) for r in rows) == [(str(EX.g1), 4),
                                                                           (str(EX.g2), 3)]
    store.replace_graph(EX.g1, [])
    assert store.graph_names() == [EX.g2] and len(store) == 1
    with pytest.raises(StoreError, match="^https://example.org/g> . <x: not a graph IRI: "):
        store.replace_graph(URIRef("https://example.org/g> . <x"), [])
    store.close()


def test_a_regular_file_is_not_a_store(tmp_path):
    path = tmp_path / "not-a-store"
    path.write_text("hello")
    with pytest.raises(StoreError, match="not a store directory"):
        open_store(f"oxigraph:{path}")


def test_a_store_in_use_by_another_process_is_a_clear_error(tmp_path):
    path = tmp_path / "db"
    store = open_store(f"oxigraph:{path}")
    store.replace_graph(EX.g, [(EX.a, EX.p, EX.b)])
    try:
        out = _python("import sys; from kg.store import open_store; from kg.errors import KGError\n"
                      "try:\n    open_store('oxigraph:' + sys.argv[1])\n"
                      "except KGError as exc:\n    print(exc)", str(path))
        in_use = (f"{path}: the store is in use by another kg process (a kg serve, query or "
                  "build); stop it or wait, then try again")
        assert out.stdout.strip() == in_use
        # A reader is refused too while a writer has it (RocksDB alone would let it read
        # files the writer is changing).
        cli = subprocess.run([str(Path(sys.executable).parent / "kg"), "query", "trial-overview",
                              "--store", f"oxigraph:{path}"], capture_output=True, text=True,
                             timeout=60, cwd=ROOT)
        assert cli.returncode == 2 and "Traceback" not in cli.stderr
        assert cli.stderr.strip() == (f"kg: error: {path}: the store is being written by "
                                      "another kg process (a build); try again when it has "
                                      "finished")
    finally:
        store.close()
    assert len(open_store(f"oxigraph:{path}")) == 1  # free again once closed


def test_a_stale_staging_graph_is_dropped_on_open(tmp_path):
    store = OxigraphStore(tmp_path / "db")
    store.replace_graph(EX.g, [(EX.a, EX.p, Literal("live"))])
    import pyoxigraph as ox  # what a process killed before its MOVE leaves behind

    staging = ox.NamedNode(f"{EX.g}#staging")
    store.native.add(ox.Quad(staging, ox.NamedNode("urn:trialkg:staging-of"), ox.NamedNode(EX.g),
                             ox.NamedNode("urn:trialkg:staging-registry")))
    store.native.add(ox.Quad(ox.NamedNode(EX.a), ox.NamedNode(EX.p), ox.Literal("half"), staging))
    store.close()
    store = OxigraphStore(tmp_path / "db")
    assert [str(r["o"]) for r in store.query("SELECT ?o WHERE { ?s ?p ?o }").rows] == ["live"]
    assert all(not g.value.endswith("#staging") for g in store.native.named_graphs())
    assert store.graph_names() == [EX.g]
    assert not list(store.native.quads_for_pattern(None, None, None,
                                                   ox.NamedNode("urn:trialkg:staging-registry")))
    store.close()


GRAPHS, TRIPLES = 24, 200  # a replace takes ~40 ms on disk, mostly the MOVE
WRITER = f"""
import sys
from rdflib import Literal, URIRef
from kg.store import open_store
store = open_store("oxigraph:" + sys.argv[1])
p = URIRef("https://example.org/p")
for version in range(1, 100):
    for g in range({GRAPHS}):
        store.replace_graph(URIRef(f"https://example.org/graph/{{g}}"),
                            [(URIRef(f"https://example.org/s/{{g}}/{{i}}"), p, Literal(version))
                             for i in range({TRIPLES})])
        print("done", version, g, flush=True)
"""


def _kill_midway(path: Path, delay: float) -> None:
    """Run the writer until halfway through its second version, then SIGKILL it."""
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for line in writer.stdout:
            if line.strip() == f"done 2 {GRAPHS // 2}":
                break
        else:
            pytest.fail(f"the writer stopped early: {writer.stderr.read()[-2000:]}")
        time.sleep(delay)  # land in a different step of the next replace each round
        os.kill(writer.pid, signal.SIGKILL)
    finally:
        writer.kill()
        writer.wait(timeout=10)


def _staging_left(path: Path) -> int:
    import pyoxigraph as ox

    return sum(1 for g in ox.Store.read_only(str(path)).named_graphs()
               if g.value.endswith("#staging"))


def _assert_whole_graphs(store: OxigraphStore) -> Counter:
    rows = store.query("SELECT ?g (COUNT(*) AS ?n) (MIN(?v) AS ?lo) (MAX(?v) AS ?hi) "
                       "WHERE { GRAPH ?g { ?s ?p ?v } } GROUP BY ?g").rows
    assert len(rows) == GRAPHS
    for r in rows:  # each graph complete and all of one version
        assert int(r["n"].toPython()) == TRIPLES and r["lo"] == r["hi"], r
    versions = {str(r["g"]): int(r["lo"].toPython()) for r in rows}
    assert all(versions[f"{EX}graph/{g}"] == 2 for g in range(GRAPHS // 2 + 1))
    assert set(versions.values()) <= {1, 2}
    assert len(store.graph_names()) == GRAPHS and len(store) == GRAPHS * TRIPLES
    total = store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0]["n"]
    assert int(total.toPython()) == GRAPHS * TRIPLES  # no staging triples in the union
    assert all(not g.value.endswith("#staging") for g in store.native.named_graphs())
    return Counter(versions.values())


def test_a_writer_killed_midway_leaves_whole_graphs(tmp_path):
    path = tmp_path / "db"
    for delay in (0.0, 0.015, 0.03):
        _kill_midway(path, delay)
        staged = _staging_left(path)
        store = OxigraphStore(path)  # opens, and drops any staging graph the kill left
        versions = _assert_whole_graphs(store)
        print(f"killed {delay * 1000:.0f} ms into a replace: versions {sorted(versions.items())}, "
              f"staging graphs left {staged}")
        store.close()
    store = OxigraphStore(path)
    store.replace_graph(EX["graph/0"], [(EX.a, EX.p, Literal("after"))])
    assert len(store) == (GRAPHS - 1) * TRIPLES + 1
    store.close()
