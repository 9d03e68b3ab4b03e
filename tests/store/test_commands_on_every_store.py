"""build, query, related, viz, serve and export give the same answers whether the graph is
in memory, in an on-disk Oxigraph store, or on a real SPARQL server (oxigraph serve)."""

from __future__ import annotations

import csv
import io
import json
import re
import urllib.request

import pytest
from click.testing import CliRunner
from rdflib import Graph

from kg.cli import main
from kg.store import open_store
from kg.views import query as q
from kg.views.formats import render
from kg.views.serve import ServeConfig, SparqlServer
from tests.test_queries import _value


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def specs(oxigraph_server, tmp_path_factory):
    """The three stores, each built once through `kg build --store`."""
    out = tmp_path_factory.mktemp("out")
    disk = tmp_path_factory.mktemp("disk") / "store"
    specs = {"memory": "memory", "disk": f"oxigraph:{disk}",
             "server": f"sparql:{oxigraph_server.url}"}
    for name in ("disk", "server"):
        run("build", "--store", specs[name], "--output", str(out / name))
    return specs


def csv_rows(text: str) -> list[tuple]:
    rows = list(csv.reader(io.StringIO(text)))
    return sorted(tuple(_norm(c) for c in r) for r in rows[1:])


def _norm(cell: str) -> str:
    # Oxigraph writes xsd:decimal 200.0 as "200"; GROUP_CONCAT order is unspecified.
    if re.fullmatch(r"-?\d+\.0", cell):
        return cell[:-2]
    if "; " in cell or ", " in cell:
        return "|".join(sorted(cell.replace("; ", ", ").split(", ")))
    return cell


def memory_rows(default_build, name: str, params: dict[str, str] | None = None) -> list[tuple]:
    """A library query's CSV rows on the in-memory graph `kg build` makes, run in this
    process: `kg query --store memory` builds that graph anew for every call (0.6 s)."""
    return csv_rows(render(q.run(default_build.store, q.get(name), params or {}), "csv"))


def test_every_library_query_through_the_cli(specs, default_build):
    for name in q.library():
        expected = memory_rows(default_build, name)
        for store in ("disk", "server"):
            got = csv_rows(run("query", name, "--format", "csv", "--store", specs[store]))
            assert got == expected, (name, store)
    # the command's own in-memory path gives those rows too
    assert csv_rows(run("query", "arms-drugs-regimens", "--format", "csv", "--store",
                        "memory")) == memory_rows(default_build, "arms-drugs-regimens") != []


def test_related_is_the_same_ranking(specs, tmp_path):
    tables = {}
    for store, spec in specs.items():
        run("related", "--store", spec, "--output", str(tmp_path / f"{store}.csv"))
        tables[store] = (tmp_path / f"{store}.csv").read_text()
    assert tables["memory"] == tables["disk"] == tables["server"]
    assert "NCT02611960" in tables["memory"]


def test_export_has_the_same_triples(specs, tmp_path):
    graphs = {}
    for store, spec in specs.items():
        path = tmp_path / f"{store}.nt"
        run("export", "--format", "nt", "--store", spec, "--output", str(path))
        graphs[store] = {tuple(_value(t) for t in triple)
                         for triple in Graph().parse(path, format="nt")}
    assert graphs["memory"] == graphs["disk"] == graphs["server"]
    assert len(graphs["memory"]) > 4000


def test_viz_draws_the_same_graph(specs, tmp_path):
    lines = {}
    for store, spec in specs.items():
        out = run("viz", "--store", spec, "--output", str(tmp_path / f"{store}.html"))
        lines[store] = out.strip().splitlines()[-1].split(":", 1)[1]
    assert lines["memory"] == lines["disk"] == lines["server"]
    assert "nodes" in lines["memory"]


def test_serve_answers_the_same(specs):
    answers = {}
    query = ("PREFIX tkg: <https://w3id.org/trialkg/vocab#> "
             "SELECT ?id (COUNT(?arm) AS ?arms) WHERE { ?t tkg:nctId ?id ; tkg:hasArm ?arm } "
             "GROUP BY ?id ORDER BY ?id")
    for store, spec in specs.items():
        if store == "memory":
            from kg.pipeline.build import BuildOptions, build

            backend = build(BuildOptions()).store
        else:
            backend = open_store(spec, read_only=True)
        server = SparqlServer(backend, config=ServeConfig(timeout=10))
        server.start_background()
        try:
            req = urllib.request.Request(server.url + "/sparql", data=query.encode(),
                                         headers={"Content-Type": "application/sparql-query"})
            data = json.loads(urllib.request.urlopen(req, timeout=20).read())
            answers[store] = [(b["id"]["value"], b["arms"]["value"])
                              for b in data["results"]["bindings"]]
        finally:
            server.shutdown()
            backend.close()
    assert answers["memory"] == answers["disk"] == answers["server"]
    assert ("NCT05807880", "1") in answers["memory"]
