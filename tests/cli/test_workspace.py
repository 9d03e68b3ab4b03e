"""The workspace (issue 16): one on-disk store every command uses by default, built on first
use, added to by `kg build`, read by every view, known by `kg status`, edited by `kg remove`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg import resources
from kg.cli import main
from kg.rdf import iris
from kg.store import open_store
from kg.store.manifest import MANIFEST_GRAPH

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PUBMED1 = FIXTURES / "entrez" / "pubmed1.xml"  # PMIDs 12091962 and 9997, genuine EFetch


def kg(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def workspace(tmp_path, monkeypatch) -> Path:
    """The workspace as a user gets it: no TRIALKG_STORE, the project's output/ folder (here
    a temporary one) holding the store."""
    monkeypatch.delenv("TRIALKG_STORE", raising=False)
    monkeypatch.setattr(resources, "DEFAULT_OUTPUT", tmp_path / "output")
    return tmp_path / "output" / "store"


def test_the_first_command_creates_the_workspace_with_the_bundled_graph(workspace):
    assert not workspace.exists()
    first = kg("query", "trial-overview", "--format", "csv")
    assert first.exit_code == 0, first.output
    assert first.stderr.splitlines() == [
        f"kg: creating the workspace at {workspace} with the bundled trial and its corpus "
        "(`kg build --fresh` starts one empty)"]
    ids = {line.split(",")[1] for line in first.stdout.splitlines()[1:]}
    assert {"NCT05807880", "NCT02611960", "NCT05981157"} <= ids  # the trial and its corpus
    assert (workspace / "CURRENT").is_file()
    again = kg("query", "trial-overview", "--format", "csv")
    assert again.stderr == "" and again.stdout == first.stdout  # built once, then reused


def test_what_kg_build_adds_every_later_command_sees(workspace, tmp_path):
    built = kg("build", "--pubmed", PUBMED1)
    assert built.exit_code == 0, built.output
    summary = built.stdout.splitlines()[0]
    assert summary.startswith("0 trial(s), 2 article(s): ")
    # the articles' own graphs and the vocabulary they use; what the workspace held stays
    assert re.search(r": \d+ graph\(s\) written, \d+ unchanged; the store holds [\d,]+ "
                     r"quads in [\d,]+ named graphs \([\d,]+ distinct triples\)$", summary)
    # the workspace was made first (the bundled graph), then the file's articles added
    rows = kg("query", "provenance", "--param", "pmid=9997", "--format", "csv").stdout
    assert rows.splitlines()[1].startswith(
        "9997,https://pubmed.ncbi.nlm.nih.gov/9997,pubmed-xml,")
    assert "NCT05807880" in kg("query", "trial-overview", "--format", "csv").stdout
    turtle = kg("export", "--format", "turtle").stdout
    assert "pubmed:9997" in turtle and "ctgov:NCT05807880" in turtle
    status = kg("status", "--records", "--format", "csv").stdout
    assert "trials: 10   articles: 16" in status
    assert "  input: pubmed: " + str(PUBMED1.relative_to(resources.PROJECT_ROOT)) in status
    record = next(line for line in status.splitlines() if line.startswith("pubmed,9997,"))
    assert record.split(",")[2:4] == [str(PUBMED1.relative_to(resources.PROJECT_ROOT)),
                                      "pubmed-xml"]
    assert not (resources.DEFAULT_OUTPUT / "graph.ttl").exists()  # only kg run writes output/


def test_building_again_changes_nothing_and_exports_the_same_bytes(workspace):
    assert kg("build", "--pubmed", PUBMED1).exit_code == 0
    before = kg("export", "--format", "turtle").stdout_bytes
    loaded = _loading_times(workspace)
    again = kg("build", "--pubmed", PUBMED1)
    assert "0 trial(s), 2 article(s): 0 graph(s) written, " in again.stdout
    assert kg("export", "--format", "turtle").stdout_bytes == before
    assert _loading_times(workspace) == loaded  # not even a record's loading time moved
    assert b"workspace/manifest" not in before and b"generatedAtTime" not in before


def _loading_times(path: Path) -> dict[str, str]:
    store = open_store(f"oxigraph:{path}", read_only=True)
    try:
        rows = store.query("SELECT ?g ?t WHERE { GRAPH ?m { ?g "
                           "<http://www.w3.org/ns/prov#generatedAtTime> ?t } }",
                           {"m": MANIFEST_GRAPH}).rows
    finally:
        store.close()
    return {str(r["g"]): str(r["t"]) for r in rows}


def test_fresh_starts_from_an_empty_workspace(workspace):
    assert kg("status").exit_code == 0  # the bundled graph is there
    fresh = kg("build", "--fresh", "--pubmed", PUBMED1)
    assert fresh.exit_code == 0, fresh.output
    status = kg("status").stdout
    assert "trials: 0   articles: 2" in status
    assert "last build: " in status and "(build)" in status
    assert kg("query", "trial-overview", "--format", "csv").stdout.splitlines()[1:] == []
    # an empty workspace is a workspace: no command rebuilds the bundled graph into it
    assert "creating the workspace" not in kg("query", "trial-overview").stderr


def test_remove_drops_a_record_and_what_only_it_used(workspace):
    assert kg("build", "--pubmed", PUBMED1).exit_code == 0
    journal = _journal_graphs(workspace, "9997")
    assert journal  # the article's journal lives in a graph of its own
    removed = kg("remove", "9997")
    assert removed.exit_code == 0, removed.output
    assert removed.stdout.startswith(f"removed 9997 from {workspace} (and ")
    store = open_store(f"oxigraph:{workspace}", read_only=True)
    try:
        names = set(store.graph_names())
        assert iris.record_graph("pubmed", "9997") not in names
        assert iris.record_graph("pubmed", "12091962") in names
        assert not set(journal) & names  # only this article cited that journal
        assert not store.query("ASK { GRAPH ?m { ?g ?p ?o } }",
                               {"m": MANIFEST_GRAPH,
                                "g": iris.record_graph("pubmed", "9997")}).boolean
    finally:
        store.close()
    assert "articles: 15" in kg("status").stdout


def _journal_graphs(path: Path, pmid: str) -> list:
    store = open_store(f"oxigraph:{path}", read_only=True)
    try:
        rows = store.query("SELECT DISTINCT ?g WHERE { ?a <https://schema.org/isPartOf>* ?j . "
                           "?j a ?type . GRAPH ?g { ?j ?p ?o } "
                           "FILTER(CONTAINS(STR(?g), '/graph/entity/')) }",
                           {"a": iris.article(pmid)}).rows
    finally:
        store.close()
    return [r["g"] for r in rows]


@pytest.mark.parametrize("args, message", [
    (["NCT99999999"], "NCT99999999: not in the store (kg status lists what is)"),
    (["12345", "9997"], "12345: not in the store (kg status lists what is)"),
    (["abc"], "abc: neither an NCT id (NCT followed by 8 digits) nor a PMID (digits)"),
])
def test_removing_what_is_not_there_is_one_line_and_removes_nothing(workspace, args, message):
    assert kg("build", "--pubmed", PUBMED1).exit_code == 0
    result = kg("remove", *args)
    assert (result.exit_code, result.output) == (2, f"kg: error: {message}\n")
    assert "articles: 16" in kg("status").stdout  # 9997 stayed: all or nothing


def test_related_takes_its_seed_by_argument_and_writes_only_when_asked(workspace, tmp_path):
    by_argument = kg("related", "NCT05807880", "--format", "csv", "--limit", "5").stdout
    by_file = kg("related", "--seed", resources.BUNDLED_TRIAL, "--format", "csv",
                 "--limit", "5").stdout
    assert by_argument == by_file and len(by_argument.splitlines()) == 6
    assert not (resources.DEFAULT_OUTPUT / "related.csv").exists()
    out = tmp_path / "ranked.csv"
    kg("related", "--limit", "3", "--output", out)
    assert out.read_text().splitlines()[0].startswith("rank,")
    a_folder = kg("related", "--seed", tmp_path)
    assert (a_folder.exit_code, a_folder.output) == (
        2, f"kg: error: {tmp_path}: is a folder, not a trial file or NCT id\n")
    nowhere = kg("related", "data/no-such-trial.txt")
    assert nowhere.exit_code == 2 and "neither an NCT id" in nowhere.output
    assert "absolute IRI" not in nowhere.output


def test_status_says_where_the_store_is_and_what_made_it(workspace):
    out = kg("status").stdout.splitlines()
    assert re.fullmatch(rf"store: {re.escape(str(workspace))} \([\d.,]+ MB on disk\)", out[0])
    assert re.fullmatch(r"trials: 10   articles: 14   concepts: \d+ MeSH, \d+ curated   "
                        r"shared nodes: \d+", out[1])
    assert out[2].startswith("vocabulary: Medical Subject Headings (MeSH) 2024")
    assert out[3].endswith("(create workspace)")
    assert out[4] == ("  input: bundled default: data/trials/NCT05807880.txt and the shipped "
                      "corpus (data/snapshot)")


def test_records_given_to_a_reading_command_are_built_then_read_through_a_read_only_handle(
        tmp_path):
    """A handle that has just written keeps RocksDB's background threads busy, and the
    endpoint forks a process per query from it: one fork in about 30 hung on a lock such a
    thread held. So the built store comes back read-only (synthetic trial NCT99999901)."""
    from kg.errors import StoreError
    from kg.pipeline.workspace import open_workspace

    spec = f"oxigraph:{tmp_path / 'store'}"
    store = open_workspace(spec, trials=[str(FIXTURES / "trials" / "synthetic-two-arms.txt")])
    try:
        assert store.read_only
        assert (iris.trial("NCT99999901"), None, None) in store.union()
        with pytest.raises(StoreError, match="opened read-only"):
            store.replace_graph(iris.trial("NCT99999901"), [])
        beside = open_store(spec, read_only=True)  # other readers may open it beside
        beside.close()
    finally:
        store.close()
    # a store in memory is handed back as it is: closing it would lose what was built
    memory = open_workspace("memory", trials=[str(FIXTURES / "trials" / "synthetic-two-arms.txt")])
    assert (iris.trial("NCT99999901"), None, None) in memory.union()
    assert not getattr(memory, "read_only", False)
