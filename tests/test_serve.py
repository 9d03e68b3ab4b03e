"""The SPARQL endpoint over real HTTP, with a real SPARQL client (SPARQLWrapper)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
from SPARQLWrapper import CSV, JSON, TSV, TURTLE, XML, SPARQLWrapper

from kg.views.serve import ServeConfig, SparqlServer, negotiate

OVERVIEW = ("PREFIX tkg: <https://w3id.org/trialkg/vocab#> "
            "SELECT ?id ?n WHERE { ?t tkg:orgStudyId ?id ; tkg:enrollment ?n ; "
            "tkg:nctId 'NCT05807880' }")


@pytest.fixture(scope="module")
def endpoint(default_build):
    server = SparqlServer(default_build.store, config=ServeConfig(timeout=5, max_rows=50))
    server.start_background()
    yield server
    server.shutdown()


def client(endpoint, fmt, method="GET"):
    sw = SPARQLWrapper(endpoint.url + "/sparql")
    sw.setReturnFormat(fmt)
    sw.setMethod(method)
    return sw


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_select_as_json(endpoint, method):
    sw = client(endpoint, JSON, method)
    sw.setQuery(OVERVIEW)
    data = sw.query().convert()
    (row,) = data["results"]["bindings"]
    assert row["id"]["value"] == "ALTER-HN005"
    assert row["n"] == {"type": "literal", "value": "59",
                        "datatype": "http://www.w3.org/2001/XMLSchema#integer"}


def test_select_as_xml_csv_and_tsv(endpoint):
    sw = client(endpoint, XML)
    sw.setQuery(OVERVIEW)
    doc = sw.query().convert()
    assert doc.getElementsByTagName("literal")[0].firstChild.data == "ALTER-HN005"
    sw = client(endpoint, CSV)
    sw.setQuery(OVERVIEW)
    assert sw.query().convert().decode().splitlines() == ["id,n", "ALTER-HN005,59"]
    sw = client(endpoint, TSV)
    sw.setQuery(OVERVIEW)
    lines = sw.query().convert().decode().splitlines()
    assert lines[0] == "?id\t?n" and lines[1].startswith('"ALTER-HN005"')


def test_construct_as_turtle_and_ask(endpoint):
    sw = client(endpoint, TURTLE)
    sw.setQuery("PREFIX tkg: <https://w3id.org/trialkg/vocab#> CONSTRUCT { ?t tkg:orgStudyId ?id }"
                " WHERE { ?t tkg:orgStudyId ?id ; tkg:nctId 'NCT05807880' }")
    text = sw.query().convert().decode()
    assert "ALTER-HN005" in text and "@prefix" in text
    sw = client(endpoint, JSON)
    sw.setQuery("ASK { ?s ?p ?o }")
    assert sw.query().convert()["boolean"] is True


def _post(endpoint, body: bytes, ctype: str, accept="application/sparql-results+json"):
    req = urllib.request.Request(endpoint.url + "/sparql", data=body, method="POST",
                                 headers={"Content-Type": ctype, "Accept": accept})
    return urllib.request.urlopen(req, timeout=10)


def test_updates_are_refused(endpoint):
    for body, ctype in [(b"INSERT DATA { <urn:a> <urn:b> <urn:c> }", "application/sparql-update"),
                        (b"update=DROP+ALL", "application/x-www-form-urlencoded")]:
        with pytest.raises(urllib.error.HTTPError) as err:
            _post(endpoint, body, ctype)
        assert err.value.code == 403
        assert b"read-only" in err.value.read()
    sw = client(endpoint, JSON)
    sw.setQuery("SELECT (COUNT(*) AS ?n) WHERE { <urn:a> ?p ?o }")
    assert sw.query().convert()["results"]["bindings"][0]["n"]["value"] == "0"


def test_syntax_error_is_400_with_the_message(endpoint):
    with pytest.raises(urllib.error.HTTPError) as err:
        _post(endpoint, b"SELECT ?s WHERE { ?s ", "application/sparql-query")
    assert err.value.code == 400


def test_result_cap_and_timeout(default_build):
    server = SparqlServer(default_build.store, config=ServeConfig(timeout=1.0, max_rows=3))
    server.start_background()
    try:
        resp = _post(server, b"SELECT ?s WHERE { ?s ?p ?o } LIMIT 10", "application/sparql-query")
        data = json.loads(resp.read())
        assert len(data["results"]["bindings"]) == 3
        assert "capped at 3" in resp.headers["X-Result-Truncated"]
        slow = b"SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
        with pytest.raises(urllib.error.HTTPError) as err:
            _post(server, slow, "application/sparql-query")
        assert err.value.code == 503 and b"time-out" in err.value.read()
    finally:
        server.shutdown()


def test_query_page_is_offline_and_escapes_examples(endpoint):
    html = urllib.request.urlopen(endpoint.url + "/", timeout=10).read().decode()
    assert "<script src" not in html and "<link" not in html and "http://cdn" not in html
    assert "trial-overview" in html
    assert "innerHTML" not in html
    start = html.index('id="examples">') + len('id="examples">')
    blob = html[start:html.index("</script>", start)]
    assert "<" not in blob  # no query text can close the script element
    assert "trial-overview" in json.loads(blob)


def test_content_negotiation():
    assert negotiate("text/csv;q=0.5, application/sparql-results+xml", {
        "text/csv": "csv", "application/sparql-results+xml": "xml"}, "text/csv") == (
        "application/sparql-results+xml", "xml")
    assert negotiate("image/png", {"text/csv": "csv"}, "text/csv") is None
    assert negotiate("*/*", {"text/csv": "csv"}, "text/csv") == ("text/csv", "csv")


def test_query_page_embeds_the_whole_library_exactly():
    from kg.views.query import library
    from kg.views.serve import page_html

    html = page_html().decode("utf-8")
    assert html.startswith("<!doctype html>") and "/*EXAMPLES*/" not in html
    start = html.index('id="examples">') + len('id="examples">')
    blob = html[start:html.index("</script>", start)]
    assert "<" not in blob and blob.isascii()
    assert json.loads(blob) == {name: {"title": q.title, "text": q.text}
                                for name, q in library().items()}
    assert any("<" in q.text for q in library().values())  # so the escape was needed
