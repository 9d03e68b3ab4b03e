"""Faults at the workspace (issue 16 item 6, issue 11 items 5-6): a path that is not a store,
a store another process holds, a build killed midway, a run interrupted, a full disk, a
read-only file system. Each is one line naming the path, and nothing is half-written."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg import resources
from kg.cli import main
from kg.rdf import iris
from kg.store import open_store
from kg.store.oxigraph import OxigraphStore

ROOT = Path(__file__).resolve().parents[2]
PUBMED1 = ROOT / "tests" / "fixtures" / "entrez" / "pubmed1.xml"
KG = str(Path(sys.executable).parent / "kg")


def kg(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def built(tmp_path) -> Path:
    """A workspace holding the bundled graph."""
    path = tmp_path / "ws"
    assert kg("build", "--store", f"oxigraph:{path}", "-q").exit_code == 0
    return path


def _state(path: Path) -> tuple[int, list]:
    store = open_store(f"oxigraph:{path}", read_only=True)
    try:
        return len(store), store.graph_names()
    finally:
        store.close()


# --------------------------------------------------------------------------- a path is a store
def test_a_folder_of_other_files_is_refused_by_every_command_and_left_alone(tmp_path):
    folder = tmp_path / "my-notes"
    folder.mkdir()
    (folder / "todo.txt").write_text("read the KEYNOTE-122 paper\n")
    for args in (["query", "trial-overview"], ["build"], ["status"], ["export"],
                 ["related"], ["remove", "9997"]):
        result = kg(*args, "--store", f"oxigraph:{folder}")
        assert (result.exit_code, result.output) == (
            2, f"kg: error: {folder}: is a folder of other files, not an Oxigraph store; give "
               "a new or empty folder (or move the files away)\n"), args
    assert sorted(p.name for p in folder.iterdir()) == ["todo.txt"]  # no RocksDB files


def test_only_a_build_creates_a_store(tmp_path):
    new = tmp_path / "new"
    query = kg("query", "trial-overview", "--store", f"oxigraph:{new}")
    assert (query.exit_code, query.output) == (
        2, f"kg: error: {new}: no store here yet; create it with `kg build --store "
           f"oxigraph:{new}`\n")
    assert not new.exists()
    a_file = tmp_path / "graph.ttl"
    a_file.write_text("")
    result = kg("status", "--store", f"oxigraph:{a_file}")
    assert result.output == f"kg: error: {a_file}: exists and is not a store directory\n"
    assert kg("build", "--store", f"oxigraph:{new}", "-q").exit_code == 0
    assert (new / "CURRENT").is_file()


def test_a_damaged_store_is_one_line_saying_what_to_do(built):
    for sst in built.glob("*.sst"):
        sst.write_bytes(b"\0" * 64)
    (built / "CURRENT").write_text("MANIFEST-999999\n")
    result = kg("status", "--store", f"oxigraph:{built}")
    assert result.exit_code == 2
    assert result.output.startswith(f"kg: error: {built}: cannot open Oxigraph store (")
    assert result.output.endswith("if it is damaged, move it aside and rebuild it with "
                                  "`kg build --fresh`\n")
    assert result.output.count("\n") == 1


# --------------------------------------------------------------------------- readers, a writer
def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([KG, *args], capture_output=True, text=True, timeout=120, cwd=ROOT,
                          env={**os.environ, "TRIALKG_STORE": "memory"})


def test_readers_share_the_store_and_a_writer_waits_for_none_of_them(built):
    reader = OxigraphStore(built, read_only=True)  # as a running kg serve holds it
    try:
        beside = _cli("query", "trial-overview", "--format", "csv", "--store",
                      f"oxigraph:{built}")
        assert beside.returncode == 0 and "NCT05807880" in beside.stdout
        build = _cli("build", "--store", f"oxigraph:{built}", "--pubmed", str(PUBMED1))
        assert build.returncode == 2
        assert build.stderr == (f"kg: error: {built}: the store is in use by another kg "
                                "process (a kg serve, query or build); stop it or wait, then "
                                "try again\n")
    finally:
        reader.close()
    assert _cli("build", "--store", f"oxigraph:{built}", "--pubmed", str(PUBMED1)
                ).returncode == 0  # free once the reader is gone


def test_a_reader_is_refused_while_a_build_writes(built):
    writer = OxigraphStore(built)
    try:
        result = _cli("related", "--store", f"oxigraph:{built}")
        assert result.returncode == 2
        assert result.stderr == (f"kg: error: {built}: the store is being written by another "
                                 "kg process (a build); try again when it has finished\n")
    finally:
        writer.close()


# --------------------------------------------------------------------------- killed, interrupted
KILLED_BUILD = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from kg.pipeline.build import BuildOptions, build
    from kg.store import open_store
    import kg.store.oxigraph as ox_store

    commit = ox_store._Batch.commit
    def killed(self):  # everything is staged; the process dies before the final update
        os.kill(os.getpid(), signal.SIGKILL)
    ox_store._Batch.commit = killed
    store = open_store("oxigraph:" + sys.argv[1])
    build(BuildOptions(pubmed_files=[Path(sys.argv[2])]), store=store)
""")


def test_a_build_killed_midway_leaves_the_workspace_as_it_was(built):
    before = _state(built)
    died = subprocess.run([sys.executable, "-c", KILLED_BUILD, str(built), str(PUBMED1)],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert died.returncode == -9, died.stderr
    assert _state(built) == before  # staging graphs dropped on opening, records as before
    graphs = before[1]
    assert iris.record_graph("pubmed", "9997") not in graphs


def test_kg_run_interrupted_leaves_output_as_it_was_and_exits_130(tmp_path, monkeypatch):
    out = tmp_path / "out"
    monkeypatch.setenv("TRIALKG_STORE", str(tmp_path / "ws"))
    assert kg("run", "--output", out).exit_code == 0
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert Path("graph.ttl") in before and Path("queries/trial-overview.csv") in before

    import kg.pipeline.run as run

    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt
    monkeypatch.setattr(run, "write_views", interrupted)
    result = kg("run", "--output", out)
    assert (result.exit_code, result.output) == (
        130, "kg: interrupted; nothing half-written was kept\n")
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == before and not list(out.glob(".run-*"))


# --------------------------------------------------------------------------- full disk, read-only
@pytest.fixture
def small_disk(tmp_path):
    """A 40 MB tmpfs: a real file system that fills up (needs root and mount)."""
    mount = tmp_path / f"disk-{uuid.uuid4().hex[:6]}"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=40m", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if done.returncode:
        pytest.skip(f"cannot mount a small file system here: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_a_full_disk_is_one_line_and_keeps_the_workspace(small_disk):
    store = small_disk / "ws"
    assert kg("build", "--store", f"oxigraph:{store}", "-q").exit_code == 0
    before = _state(store)
    filler = small_disk / "filler"
    with filler.open("wb") as handle:  # fill every byte left
        try:
            while True:
                handle.write(b"\0" * (1 << 20))
                handle.flush()
        except OSError:
            pass
    result = kg("build", "--store", f"oxigraph:{store}", "--pubmed", PUBMED1)
    assert result.exit_code == 2 and result.output.count("\n") == 1
    assert result.output.startswith(f"kg: error: {store}: the disk is full")
    filler.unlink()
    assert _state(store) == before


def test_a_read_only_workspace_answers_queries_and_refuses_builds(small_disk):
    store = small_disk / "ws"
    assert kg("build", "--store", f"oxigraph:{store}", "-q").exit_code == 0
    (small_disk / "ws.lock").unlink()
    ro = subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], capture_output=True)
    if ro.returncode:
        pytest.skip("cannot remount read-only here")
    query = kg("query", "trial-overview", "--format", "csv", "--store", f"oxigraph:{store}")
    assert query.exit_code == 0 and "NCT05807880" in query.stdout
    build = kg("build", "--store", f"oxigraph:{store}", "--pubmed", PUBMED1)
    assert (build.exit_code, build.output) == (
        2, f"kg: error: {small_disk / 'ws.lock'}: cannot create the lock file beside the "
           "store (is the folder read-only?)\n")
    assert resources.BUNDLED_NCT in query.stdout
