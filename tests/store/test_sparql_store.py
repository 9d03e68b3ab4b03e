"""The SPARQL store against a real ``oxigraph serve`` on 127.0.0.1: terms survive the round
trip, a record's graph is replaced alone, bound values stay values, the bundled graph gives
the same answers as the memory store, and a server that refuses writes says so in one line."""

from __future__ import annotations

import re
import socket
import urllib.request

import pytest
from click.testing import CliRunner
from rdflib import BNode, Literal, Namespace, URIRef

from kg.cli import main
from kg.errors import NetworkError, QueryError, StoreError
from kg.pipeline.build import BuildOptions, build
from kg.store import open_store
from kg.store.sparql import SparqlStore, bind
from kg.views import query as q
from kg.views.related import find_related
from tests.test_queries import _value

EX = Namespace("http://example.org/")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")  # rdflib's closed XSD warns in pytest
NAME = URIRef("https://schema.org/name")

TRICKY = [
    'say "hi"', "line\nbreak\r\n", "back\\slash \\n is not a newline", "tab\tand \x01 \x7f",
    "unicode: 鼻咽癌 – ü – 🧬", "'single' ''' \"\"\"", '" } . ?s ?p ?o . { "', "a > b <c>", "",
]
TERMS = [Literal(t) for t in TRICKY] + [
    Literal("59", datatype=XSD.integer), Literal("2023-09-01", datatype=XSD.date),
    Literal("200.5", datatype=XSD.decimal), Literal("true", datatype=XSD.boolean),
    Literal("x y", datatype=EX.custom), Literal("hello", lang="en"),
    Literal("colour", lang="en-GB"), Literal("鼻咽癌", lang="zh-Hans"),
    URIRef("http://example.org/ü/鼻咽癌?q=1#frag"),
]
HOSTILE = ['\' " } . ?s ?p ?o . { " \'', "x\n} UNION { ?s ?p ?o", "a > b", "back\\", '"',
           "x\" ; DROP ALL ; \""]


def _clear(url: str) -> None:
    request = urllib.request.Request(url + "/update", data=b"DROP ALL", method="POST",
                                     headers={"Content-Type": "application/sparql-update"})
    urllib.request.urlopen(request, timeout=10).close()


@pytest.fixture(params=["gsp", "update"])
def remote(request, oxigraph_server):
    """An emptied server, written through the Graph Store Protocol or SPARQL Update only."""
    _clear(oxigraph_server.url)
    if request.param == "gsp":
        return SparqlStore(oxigraph_server.url)
    return SparqlStore(query_url=oxigraph_server.url + "/query",
                       update_url=oxigraph_server.url + "/update", union_default_graph=True)


def _sample() -> list:
    return [(EX[f"s{i}"], EX.p, term) for i, term in enumerate(TERMS)]


def test_round_trip_keeps_every_term(remote):
    remote.replace_graph(EX.g1, _sample())
    assert set(remote.union()) == set(_sample())
    rows = remote.query("SELECT ?s ?o WHERE { ?s <http://example.org/p> ?o }").rows
    assert {(r["s"], r["o"]) for r in rows} == {(s, o) for s, _, o in _sample()}
    by_subject = {r["s"]: r["o"] for r in rows}
    assert by_subject[EX.s9].datatype == XSD.integer and by_subject[EX.s14].language == "en"
    assert by_subject[EX.s0].datatype is None  # xsd:string comes back as a plain literal
    assert len(remote) == len(TERMS) and remote.graph_names() == [EX.g1]


@pytest.mark.parametrize("term", TERMS, ids=range(len(TERMS)))
def test_each_value_binds_as_exactly_itself(remote, term):
    remote.replace_graph(EX.g1, _sample())
    rows = remote.query("SELECT ?s ?o WHERE { ?s <http://example.org/p> ?o }", {"o": term}).rows
    assert [(r["s"], r["o"]) for r in rows] == [(EX[f"s{TERMS.index(term)}"], term)]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_values_cannot_change_the_query(remote, hostile):
    remote.replace_graph(EX.people, [(EX.ann, NAME, Literal("Ann")), (EX.bob, NAME,
                                                                        Literal("Bob"))])
    text = "SELECT ?name ?p WHERE { ?p <https://schema.org/name> ?name }"
    assert remote.query(text, {"name": Literal(hostile)}).rows == []
    assert len(remote.query(text, {"name": Literal("Ann")}).rows) == 1
    assert len(remote) == 2  # nothing was dropped either
    with pytest.raises(QueryError, match="^parameter value refused: not an absolute IRI: "):
        remote.query(text, {"p": URIRef(f"http://example.org/{hostile}")})


def test_replace_graph_replaces_only_that_graph(remote):
    remote.replace_graph(EX.a, [(EX.x, EX.p, Literal(1)), (EX.x, EX.p, Literal(2))])
    remote.replace_graph(EX.b, [(EX.y, EX.p, Literal("b"))])
    remote.replace_graph(EX.a, [(EX.x, EX.p, Literal(3))])
    rows = remote.query("SELECT ?g ?o WHERE { GRAPH ?g { ?s ?p ?o } }").rows
    assert sorted((str(r["g"]), str(r["o"])) for r in rows) == [(str(EX.a), "3"),
                                                                 (str(EX.b), "b")]
    remote.replace_graph(EX.a, [])
    assert remote.graph_names() == [EX.b] and len(remote) == 1


def test_default_graph_is_the_union_of_named_graphs(remote, oxigraph_server):
    remote.replace_graph(EX.a, [(EX.x, EX.p, EX.y)])
    remote.replace_graph(EX.b, [(EX.y, EX.p, EX.z)])
    path = "SELECT ?end WHERE { <http://example.org/x> <http://example.org/p>/<http://example.org/p> ?end }"  # noqa: E501
    assert [r["end"] for r in remote.query(path).rows] == [EX.z]
    assert remote.query("ASK { ?s ?p ?o }").boolean is True
    # Without Oxigraph's union-default-graph parameter its real default graph is empty.
    plain = SparqlStore(query_url=oxigraph_server.url + "/query")
    assert plain.query("ASK { ?s ?p ?o }").boolean is False


def test_construct_and_ask(remote):
    remote.replace_graph(EX.a, _sample())
    graph = remote.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", {"s": EX.s1}).graph
    assert set(graph) == {(EX.s1, EX.p, TERMS[1])}
    assert remote.query("ASK { ?s ?p ?o }", {"o": Literal("nope")}).boolean is False


def test_syntax_error_is_a_query_error_with_the_server_message(oxigraph_server):
    with pytest.raises(QueryError) as err:
        SparqlStore(oxigraph_server.url).query("SELECT * WHERE { ?s ?p }")
    assert "rejected the query: HTTP 400" in str(err.value) and "expected" in str(err.value)
    assert oxigraph_server.url in str(err.value) and "\n" not in str(err.value)


def test_unreachable_server_names_the_url():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(NetworkError) as err:
        len(SparqlStore(f"http://127.0.0.1:{port}"))
    assert f"http://127.0.0.1:{port}/query" in str(err.value) and "cannot reach" in str(err.value)


def test_silent_server_times_out():
    with socket.socket() as s:  # accepts connections (backlog) but never answers
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        store = SparqlStore(f"http://127.0.0.1:{s.getsockname()[1]}", timeout=0.3)
        with pytest.raises(NetworkError, match=r"no answer .* within 0.3 s"):
            store.graph_names()


def test_read_only_server_refuses_a_build_in_one_line(read_only_server):
    with pytest.raises(StoreError) as err:
        build(BuildOptions(store=f"sparql:{read_only_server.url}"))
    message = str(err.value)
    assert "refused the update: HTTP 403" in message and read_only_server.url in message
    assert "\n" not in message
    assert len(SparqlStore(read_only_server.url)) == 0  # nothing half-written
    out = CliRunner().invoke(main, ["build", "--store", f"sparql:{read_only_server.url}"])
    assert out.exit_code == 2 and "refused the update" in out.output
    assert out.output.count("\n") == 1 and "Traceback" not in out.output
    # A command that only reads never builds into a server: an empty one is said so.
    out = CliRunner().invoke(main, ["query", "trial-overview", "--store",
                                    f"sparql:{read_only_server.url}"])
    assert out.exit_code == 2 and "holds no graph yet" in out.output
    assert out.output.count("\n") == 1


@pytest.fixture(scope="module")
def built_remote(oxigraph_server):
    _clear(oxigraph_server.url)
    return build(BuildOptions(store=f"sparql:{oxigraph_server.url}")).store


def _norm(rows) -> list:
    # As test_queries: compare values, not lexical forms; an empty GROUP_CONCAT is "none".
    return sorted(sorted((k, _value(v)) for k, v in r.items() if str(v) != "") for r in rows)


def test_bundled_graph_gives_the_same_answers(default_build, built_remote):
    memory = default_build.store
    assert built_remote.graph_names() == memory.graph_names()
    assert len(built_remote) == len(memory) and len(built_remote.union()) == len(memory.union())
    runs = [(name, {}) for name in q.library()] + [
        ("authors", {"minArticles": "2"}), ("articles-sharing-mesh", {"minShared": "3"}),
        ("trial-overview", {"trial": "NCT05807880"}),
        ("drugs-by-class", {"drugClass": "anti-PD-1"}),
        ("related-by-drug-class", {"drugClass": "anti-PD-1"}),
        ("provenance", {"pmid": "34174189"}),
    ]
    for name, params in runs:
        lq = q.get(name)
        a, b = q.run(memory, lq, params), q.run(built_remote, lq, params)
        assert a.variables == b.variables, name
        assert _norm(a.rows) == _norm(b.rows), (name, params)
    # HAVING sees the bound value (a trailing VALUES block would not filter at all).
    assert all(int(r["articles"]) >= 2 for r in q.run(built_remote, q.get("authors"),
                                                        {"minArticles": "2"}).rows)


def test_related_gives_the_same_ranking(default_build, built_remote):
    def ranking(store):
        return [(r.iri, r.kind, r.score, r.reasons) for r in find_related(store)]

    assert ranking(built_remote) == ranking(default_build.store)


def test_bind_places_values_inside_the_where_pattern():
    text = bind('PREFIX a: <http://x/(>\n# a { comment\nSELECT ?x ("{" AS ?y) WHERE { ?x ?p ?o '
                "} LIMIT 3", {"x": EX.a, "b": Literal('q"}\n')})
    assert text.endswith('WHERE { VALUES (?b ?x) { ("q\\"}\\n" <http://example.org/a>) }\n'
                         " ?x ?p ?o } LIMIT 3")
    sub = bind("SELECT * { SELECT ?x WHERE { ?x ?p ?o } }", {"x": Literal(1)})
    assert sub.startswith("SELECT * { VALUES (?x) { (") and sub.endswith("{ SELECT ?x WHERE "
                                                                          "{ ?x ?p ?o } }}")
    construct = bind("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", {"s": EX.a})
    assert construct.startswith("CONSTRUCT { ?s ?p ?o } WHERE { VALUES (?s)")


@pytest.mark.parametrize("query, bindings, problem", [
    ("CONSTRUCT WHERE { ?s ?p ?o }", {"s": EX.a},
     "cannot bind parameters of a CONSTRUCT WHERE short form; write CONSTRUCT { ... } WHERE "
     "{ ... }"),
    ("DESCRIBE <http://example.org/a>", {"s": EX.a},
     "cannot bind parameters: the query has no WHERE pattern"),
    ("SELECT ?s WHERE { ?s ?p ?o }", {"s) } ?x": EX.a}, "not a variable name: 's) } ?x'"),
    ("SELECT ?s WHERE { ?s ?p ?o }", {"s": BNode()},
     "parameter value refused: a blank node cannot be a parameter value"),
    ("SELECT ?s WHERE { ?s ?p ?o }", {"s": URIRef("http://example.org/a> . ?s ?p ?o")},
     "parameter value refused: not an absolute IRI: 'http://example.org/a> . ?s ?p ?o'"),
    ("SELECT ?s WHERE { ?s ?p ?o }", {"s": URIRef("not-absolute")},
     "parameter value refused: not an absolute IRI: 'not-absolute'"),
    ("SELECT ?s WHERE { ?s ?p ?o }", {"s": Literal("x", datatype=URIRef("http://e/d> } ?s"))},
     "parameter value refused: not an absolute IRI: 'http://e/d> } ?s'"),
])
def test_bind_refuses_what_it_cannot_bind_safely(query, bindings, problem):
    with pytest.raises(QueryError) as caught:
        bind(query, bindings)
    assert str(caught.value) == problem


def test_open_store_specs():
    oxi = open_store("sparql:http://127.0.0.1:7878/").endpoints
    assert (oxi.query_url, oxi.update_url, oxi.gsp_url, oxi.union_default_graph) == (
        "http://127.0.0.1:7878/query", "http://127.0.0.1:7878/update",
        "http://127.0.0.1:7878/store", True)
    fuseki = open_store("sparql: query_url=http://h:3030/ds/sparql update_url=http://h:3030/ds/"
                        "update timeout=5", gsp_url="http://h:3030/ds/data")
    assert fuseki.endpoints.query_url == "http://h:3030/ds/sparql" and fuseki.timeout == 5
    assert fuseki.endpoints.gsp_url == "http://h:3030/ds/data"
    assert not fuseki.endpoints.union_default_graph  # configured on the server instead
    for bad, problem in (("sparql:", "a sparql: store needs a server URL"),
                         ("sparql:ftp://h/x", "ftp://h/x/query: not an http(s) URL"),
                         ("sparql:http://h bogus=1", "unknown sparql store option 'bogus=1'")):
        with pytest.raises(StoreError, match=f"^{re.escape(problem)}"):
            open_store(bad)
    with pytest.raises(StoreError, match="^query, update and Graph Store URLs need a 'sparql:' "
                       "store$"):
        open_store("memory", query_url="http://h/sparql")
