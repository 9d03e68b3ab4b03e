"""build, every library query, related, viz and export give the same answers on a real
Virtuoso server (`--store sparql:` with its query, update and Graph Store URLs) as in memory;
NLM update files delete from a graph built there earlier."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from kg.store import open_store
from kg.views import query as q
from tests.store.test_commands_on_every_store import csv_rows, memory_rows, run
from tests.test_queries import _value

PUBMED = Path(__file__).resolve().parents[1] / "fixtures" / "pubmed"


@pytest.fixture(scope="module")
def specs(virtuoso, tmp_path_factory):
    """Memory and the Virtuoso server, the latter built once through `kg build --store`."""
    run("build", "--store", virtuoso.spec, "--output", str(tmp_path_factory.mktemp("out")))
    return {"memory": "memory", "virtuoso": virtuoso.spec}


def test_every_library_query_gives_the_same_rows(specs, default_build):
    for name in q.library():
        got = csv_rows(run("query", name, "--format", "csv", "--store", specs["virtuoso"]))
        assert got == memory_rows(default_build, name), name
    rows = csv_rows(run("query", "authors", "--format", "csv", "--store", specs["virtuoso"]))
    assert rows and all(r[3].isdigit() for r in rows)  # MIN(STR(?pmid)): a PMID, never empty


def test_parameters_bind_the_same_way(specs, default_build):
    for name, params in [("authors", ["--param", "minArticles=2"]),
                         ("drugs-by-class", ["--param", "drugClass=anti-PD-1"]),
                         ("trial-overview", ["--param", "trial=NCT05807880"])]:
        got = csv_rows(run("query", name, *params, "--format", "csv", "--store",
                           specs["virtuoso"]))
        assert got == memory_rows(default_build, name, q.parse_param_args(params[1::2])) != [], \
            name


def test_related_is_the_same_ranking(specs, tmp_path):
    tables = {}
    for store, spec in specs.items():
        run("related", "--store", spec, "--output", str(tmp_path / f"{store}.csv"))
        tables[store] = (tmp_path / f"{store}.csv").read_text()
    assert tables["memory"] == tables["virtuoso"]
    assert "NCT02611960" in tables["memory"]


def test_export_has_the_same_triples_and_no_system_graph(specs, tmp_path):
    graphs = {}
    for store, spec in specs.items():
        path = tmp_path / f"{store}.nt"
        run("export", "--format", "nt", "--store", spec, "--output", str(path))
        graphs[store] = {tuple(_value(t) for t in triple)
                         for triple in Graph().parse(path, format="nt")}
    assert graphs["memory"] == graphs["virtuoso"]
    assert len(graphs["memory"]) > 4000
    assert not any("openlinksw.com" in s for s, _, _ in graphs["virtuoso"])


def test_viz_draws_the_same_graph(specs, tmp_path):
    lines = {}
    for store, spec in specs.items():
        out = run("viz", "--store", spec, "--output", str(tmp_path / f"{store}.html"))
        lines[store] = out.strip().splitlines()[-1].split(":", 1)[1]
    assert lines["memory"] == lines["virtuoso"]
    assert "nodes" in lines["memory"]


def test_nlm_update_files_delete_from_the_graph_built_there_earlier(specs, tmp_path):
    spec = specs["virtuoso"]
    run("build", "--store", spec, "--output", str(tmp_path),
        "--pubmed", str(PUBMED / "nlm" / "pubmed20n0014-first3.xml.gz"))
    text = "SELECT ?p WHERE { ?a <http://purl.org/ontology/bibo/pmid> ?p }"
    store = open_store(spec)
    before = {str(r["p"]) for r in store.query(text).rows}
    assert {"399296", "399297", "399298"} <= before
    run("build", "--store", spec, "--output", str(tmp_path),
        "--pubmed", str(PUBMED / "synthetic-update-versions-and-deletes.xml"))
    after = {str(r["p"]) for r in store.query(text).rows}
    assert "399298" not in after and {"399296", "399297", "90000031"} <= after
