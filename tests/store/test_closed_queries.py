"""Queries touch only the store (kg.store.guard), on every store and through ``kg query``:
FROM never loads a file or URL, SERVICE is refused unless ``--allow-service``, updates are
refused. A listener on 127.0.0.1 must see no connection and a secret local file's text must
never appear."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from rdflib import Literal, URIRef

from kg.cli import main
from kg.errors import QueryError
from kg.store import guard, open_store
from tests.support.listener import listening

SECRET = "trialkg-secret-7c1e"
G1, G2 = URIRef("urn:trialkg:test:g1"), URIRef("urn:trialkg:test:g2")
P = URIRef("urn:trialkg:test:p")
TRIAL = "tests/fixtures/trials/synthetic-two-arms.txt"  # small: a build takes ~0.3 s


@pytest.fixture
def listener():
    with listening() as lst:
        yield lst


@pytest.fixture(scope="module")
def secret(tmp_path_factory):
    path = tmp_path_factory.mktemp("private") / "secret.nt"
    path.write_text(f'<urn:s> <urn:p> "{SECRET}" .\n', encoding="utf-8")
    return path


@pytest.fixture(scope="module", params=["memory", "oxigraph-memory", "oxigraph-disk", "sparql"])
def store(request, tmp_path_factory):
    if request.param == "memory":
        spec = "memory"
    elif request.param == "oxigraph-memory":
        spec = "oxigraph:"
    elif request.param == "oxigraph-disk":
        spec = f"oxigraph:{tmp_path_factory.mktemp('disk') / 'store'}"
    else:
        spec = f"sparql:{request.getfixturevalue('oxigraph_server').url}"
    s = open_store(spec)
    s.replace_graph(G1, [(URIRef("urn:a"), P, Literal("one"))])
    s.replace_graph(G2, [(URIRef("urn:a"), P, Literal("two"))])
    s.kind = request.param  # for the assertions below
    yield s
    s.close()


def values(result) -> list[str]:
    return sorted(str(v) for row in result.rows for v in row.values())


def test_from_a_file_or_url_never_loads_it(store, secret, listener):
    for iri in (secret.as_uri(), f"{listener.url}/graph.nt"):
        for clause in (f"FROM <{iri}>", f"FROM NAMED <{iri}>"):
            text = (f"SELECT ?o {clause} WHERE {{ {{ ?s ?p ?o }} UNION "
                    "{ GRAPH ?g { ?s ?p ?o } } }")
            if store.kind == "sparql":
                with pytest.raises(QueryError, match="FROM / FROM NAMED is refused on a "
                                                     "sparql: store"):
                    store.query(text)
            else:  # a graph the store lacks: nothing selected, nothing read
                assert values(store.query(text)) == []
    assert listener.settle() == 0


def test_from_selects_graphs_of_the_store(store):
    text = f"SELECT ?o FROM <{G1}> WHERE {{ ?s ?p ?o }}"
    named = f"SELECT ?g ?o FROM NAMED <{G2}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    if store.kind == "sparql":
        with pytest.raises(QueryError, match="GRAPH <iri>"):
            store.query(text)
        return
    assert values(store.query(text)) == ["one"]  # Oxigraph ignored FROM under the union
    assert values(store.query(named)) == ["two", str(G2)]
    assert values(store.query("SELECT ?o WHERE { ?s ?p ?o }")) == ["one", "two"]


@pytest.mark.parametrize("pattern", [
    "SERVICE <{url}/sparql> {{ ?s ?p ?o }}",
    "SERVICE SILENT <{url}/sparql> {{ ?s ?p ?o }}",
    "?s ?p ?o FILTER EXISTS {{ SERVICE <{url}/q> {{ ?s ?p ?x }} }}",
    r"\u0053ERVICE <{url}/sparql> {{ ?s ?p ?o }}"])
def test_service_is_refused_before_any_call(store, listener, pattern):
    text = "SELECT * WHERE { " + pattern.format(url=listener.url) + " }"
    with pytest.raises(QueryError, match=r"SERVICE \(a federated query to another endpoint\) "
                                         "is refused"):
        store.query(text)
    assert listener.settle() == 0


def test_updates_are_refused_through_query(store, secret):
    with pytest.raises(QueryError, match=r"SPARQL Update \(Load\) is refused"):
        store.query(f"LOAD <{secret.as_uri()}> INTO GRAPH <urn:x>")
    # Other updates: the memory store parses every text and names them; Oxigraph and the
    # server read no update as a query, so refuse them as syntax.
    with pytest.raises(QueryError, match=r"(?i)syntax error|rejected the query|"
                                         r"SPARQL Update \(Drop\) is refused"):
        store.query("DROP ALL")
    assert values(store.query("SELECT ?o WHERE { ?s ?p ?o }")) == ["one", "two"]


def test_an_update_is_named_by_its_operations_once_each_in_order():
    """The memory store parses every text (guard.parse) and names what it refuses."""
    text = ("INSERT DATA { <urn:a> <urn:b> <urn:c> } ; DELETE WHERE { ?s ?p ?o } ;"
            " INSERT DATA { <urn:a> <urn:b> <urn:d> }")
    tree, found = guard.parse(text)
    assert tree is None and found.update == "InsertData, DeleteWhere"
    with pytest.raises(QueryError, match=r"^SPARQL Update \(InsertData, DeleteWhere\) is "
                                         r"refused: a query only reads the store"):
        guard.enforce(found)
    # Neither a query nor an update: the query's own syntax error, with its place.
    with pytest.raises(QueryError, match=r"^SPARQL syntax error: .*\(line 1, column \d+\)$"):
        guard.parse("SELECT WHERE nothing")
    # Prefixes alone parse as an update of no operation: a syntax error, not an update.
    with pytest.raises(QueryError, match=r"^SPARQL syntax error"):
        guard.parse("PREFIX ex: <urn:ex:>")


def test_words_in_comments_strings_and_names_are_not_keywords(store):
    text = ("# from the header: no service, no load\n"
            "SELECT ?fromage WHERE { ?s ?p ?fromage FILTER(?fromage != 'SERVICE LOAD') }")
    assert values(store.query(text)) == ["one", "two"]


def test_guard_facts():
    assert guard.facts("SELECT * WHERE { ?s ?p ?o }") == guard.Facts()
    assert guard.facts("SELECT * FROM <urn:g> WHERE { ?s ?p ?o }").dataset
    # A '<' read as less-than by the engine but as an IRI by a naive scanner hides nothing:
    hidden = "SELECT * WHERE { ?s ?p ?o FILTER(?o<'>') SERVICE <http://x/> { ?a ?b ?c } } #'"
    assert guard.facts(hidden).service
    # pyparsing compares keywords after upper(): 'ſ' (long s) is an S to it.
    assert guard.facts("SELECT * WHERE { ſervice <http://x/> { ?a ?b ?c } }").service
    with pytest.raises(QueryError, match="nested too deeply"):
        guard.check("SELECT * WHERE " + "{ " * 3000 + "}" * 3000 + " # from")


# --------------------------------------------------------------------------- kg query


@pytest.fixture(scope="module")
def cli_stores(tmp_path_factory, oxigraph_server):
    """--store values for the CLI, the persistent ones built once."""
    disk = f"oxigraph:{tmp_path_factory.mktemp('cli-disk') / 'store'}"
    server = f"sparql:{oxigraph_server.url}"
    for spec in (disk, server):
        result = CliRunner().invoke(main, ["build", "--store", spec, "--trial", TRIAL,
                                           "--output", str(tmp_path_factory.mktemp("o"))])
        assert result.exit_code == 0, result.output
    return {"memory": "memory", "oxigraph-memory": "oxigraph:", "oxigraph-disk": disk,
            "sparql": server}


def kg_query(store_spec: str, text: str, *extra: str):
    """A persistent store is reused as built; a memory one is built from the small trial."""
    trial = ["--trial", TRIAL] if store_spec in ("memory", "oxigraph:") else []
    return CliRunner().invoke(main, ["query", "-e", text, "--store", store_spec, *trial,
                                     "--format", "csv", *extra])


@pytest.mark.parametrize("kind", ["memory", "oxigraph-memory", "oxigraph-disk", "sparql"])
def test_kg_query_reads_no_file_and_calls_no_one(cli_stores, kind, secret, listener):
    spec = cli_stores[kind]
    from_file = kg_query(spec, f"SELECT ?o FROM <{secret.as_uri()}> WHERE {{ ?s ?p ?o }}")
    assert SECRET not in from_file.output
    if kind == "sparql":
        assert from_file.exit_code == 2
        assert "FROM / FROM NAMED is refused on a sparql: store" in from_file.output
    else:
        assert from_file.exit_code == 0, from_file.output
        assert from_file.output.strip() == "o"  # the header, no row
    service = kg_query(spec, f"SELECT * WHERE {{ SERVICE <{listener.url}/sparql> "
                             "{ ?s ?p ?o } }")
    assert service.exit_code == 2
    lines = service.output.strip().splitlines()
    assert lines[-1].startswith("kg: error: SERVICE (a federated query to another endpoint) "
                                "is refused")
    assert "Traceback" not in service.output
    assert listener.settle() == 0


@pytest.mark.parametrize("kind", ["memory", "oxigraph-memory"])
def test_allow_service_lets_the_call_out_and_a_failure_is_one_line(kind, listener):
    # The listener closes without answering: the call is made, and fails, in one line.
    result = kg_query(kind if kind == "memory" else "oxigraph:",
                      f"SELECT * WHERE {{ SERVICE <{listener.url}/sparql> {{ ?s ?p ?o }} }}",
                      "--allow-service")
    assert listener.settle() >= 1
    assert listener.received[0].startswith((b"GET /sparql", b"POST /sparql"))
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1].startswith("kg: error: query failed:")
    assert result.exception is None or isinstance(result.exception, SystemExit)
