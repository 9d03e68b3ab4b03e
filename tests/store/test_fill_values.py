"""Tables filled into the VALUES blocks a query declares (kg.store.sparql.fill_values)."""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef

from kg.errors import QueryError
from kg.store import open_store
from kg.store.sparql import fill_values

QUERY = """SELECT ?s ?label WHERE {
  { SELECT ?s WHERE { VALUES ?s { UNDEF } ?s ?p ?o } }  # VALUES ?s { } in a comment
  VALUES (?s ?label) { }
  FILTER(STR(?label) != "VALUES (?s ?label) { }")
}"""


@pytest.fixture(params=["memory", "oxigraph:"])
def store(request):
    s = open_store(request.param)
    s.replace_graph(URIRef("urn:g"), [(URIRef(f"urn:x:{i}"), URIRef("urn:p"), Literal(i))
                                      for i in range(5)])
    yield s
    s.close()


def test_rows_land_in_every_block_declaring_those_variables(store):
    hostile = 'x" } } ; DROP ALL ; SELECT * { "'
    text = fill_values(QUERY, {("s",): [(URIRef("urn:x:1"),), (URIRef("urn:x:3"),)],
                               ("s", "label"): [(URIRef("urn:x:1"), Literal(hostile)),
                                                (URIRef("urn:x:3"), Literal("three")),
                                                (URIRef("urn:x:4"), Literal("four"))]})
    rows = sorted((str(r["s"]), str(r["label"])) for r in store.query(text).rows)
    assert rows == [("urn:x:1", hostile), ("urn:x:3", "three")]


def test_blocks_not_given_keep_their_rows(store):
    text = fill_values(QUERY, {("s", "label"): [(URIRef("urn:x:2"), Literal("two"))]})
    assert [str(r["s"]) for r in store.query(text).rows] == ["urn:x:2"]  # UNDEF: any ?s
    assert store.query(QUERY).rows == []  # `{ }`: no rows


def test_refusals_are_one_clear_error():
    with pytest.raises(QueryError, match=r"no VALUES block for \(\?nope\)"):
        fill_values(QUERY, {("nope",): []})
    with pytest.raises(QueryError, match="refused"):
        fill_values(QUERY, {("s",): [(URIRef("urn:x> } DROP ALL"),)]})
    with pytest.raises(QueryError, match="2 variables"):
        fill_values(QUERY, {("s", "label"): [(URIRef("urn:x:1"),)]})
