"""kg.store.guard as a unit: what the cheap pre-check lets through unparsed, where a
SERVICE or FROM is found however deep, the exact refusals, and the --allow-service scope."""

from __future__ import annotations

import pytest

from kg.errors import QueryError
from kg.store import guard
from kg.store.guard import DATASET_REFUSE, DATASET_SELECT, Facts

SERVICE = "SERVICE <http://x/> { ?a ?b ?c }"
SERVICE_REFUSED = ("SERVICE (a federated query to another endpoint) is refused: a query reads "
                   "only this store (kg query --allow-service permits it on the command line)")
FROM_REFUSED = ("FROM / FROM NAMED is refused on a sparql: store, whose server may fetch the "
                "IRI from the web or a file; name graphs with GRAPH <iri> { ... } instead")


def test_leading_comments_are_skipped_before_the_keyword_scan():
    """A text whose body names none of the words is not parsed at all (its syntax is the
    engine's to judge): words in leading comment lines do not count, words after do."""
    assert guard.facts("# from the header: no service, no load\nnot sparql at all") is \
        guard.facts("SELECT * WHERE { ?s ?p ?o }") == Facts()
    assert guard.facts("#a\r\n\t # b FROM\r  not sparql either") == Facts()  # CR ends one too
    with pytest.raises(QueryError, match="^SPARQL syntax error"):
        guard.facts("# header\nnot sparql, from here on")


@pytest.mark.parametrize(("text", "found"), [
    ("LOAD <urn:x>", Facts(update="Load")),
    ("SELECT * WHERE { " + SERVICE + " }", Facts(service=True)),
    ("SELECT * WHERE { \\u0053ERVICE <http://x/> { ?a ?b ?c } }", Facts(service=True)),
    ("SELECT * WHERE { \\U00000053ERVICE <http://x/> { ?a ?b ?c } }", Facts(service=True)),
    ("SELECT * WHERE { ?s ?p ?o FILTER EXISTS { " + SERVICE + " } }", Facts(service=True)),
    ("SELECT * WHERE { { SELECT ?a WHERE { OPTIONAL { SERVICE SILENT <http://x/> "
     "{ ?a ?b ?c } } } } }", Facts(service=True)),
    ("SELECT * WHERE { { ?s ?p ?o } UNION { " + SERVICE + " } }", Facts(service=True)),
    ("SELECT * FROM NAMED <urn:g> WHERE { GRAPH ?g { ?s ?p ?o } }", Facts(dataset=True)),
    ("ASK FROM <urn:g> { ?s ?p ?o }", Facts(dataset=True)),
    ("SELECT * WHERE { ?s ?p ?o } VALUES ?x { 'from service load' }", Facts()),
])
def test_facts_found_wherever_they_are(text, found):
    assert guard.facts(text) == found


def test_refusals_name_what_is_refused_and_what_to_do():
    with pytest.raises(QueryError) as caught:
        guard.check("SELECT * WHERE { " + SERVICE + " }")
    assert str(caught.value) == SERVICE_REFUSED
    text = "SELECT * FROM <urn:g> WHERE { ?s ?p ?o }"
    assert guard.check(text) == Facts(dataset=True)  # the default: FROM selects graphs
    assert guard.check(text, dataset_clause=DATASET_SELECT) == Facts(dataset=True)
    with pytest.raises(QueryError) as caught:
        guard.check(text, dataset_clause=DATASET_REFUSE)
    assert str(caught.value) == FROM_REFUSED
    assert guard.enforce(Facts(dataset=True)) == Facts(dataset=True)
    with pytest.raises(QueryError, match="^SPARQL Update \\(Load\\) is refused: a query only "
                                         "reads the store, and nothing here changes it "
                                         "through a query$"):
        guard.check("LOAD <urn:x>")


def test_allow_service_holds_only_inside_its_block():
    found = guard.facts("SELECT * WHERE { " + SERVICE + " }")
    with guard.service_allowed():
        assert guard.enforce(found) == found
        with guard.service_allowed():
            pass
        assert guard.enforce(found) == found  # an inner block does not close the outer
    with pytest.raises(QueryError, match="^SERVICE"):
        guard.enforce(found)
    with pytest.raises(RuntimeError), guard.service_allowed():
        raise RuntimeError("a failing query")
    with pytest.raises(QueryError, match="^SERVICE"):
        guard.enforce(found)  # closed again after a failure inside


def test_parse_gives_a_fresh_tree_and_the_syntax_error_with_its_place():
    first, found = guard.parse("SELECT * WHERE { ?s ?p ?o }")
    second, _ = guard.parse("SELECT * WHERE { ?s ?p ?o }")
    assert found == Facts() and first is not second
    with pytest.raises(QueryError) as caught:
        guard.parse("SELECT * WHERE {\n  ?s ?p")
    assert str(caught.value).startswith("SPARQL syntax error: ")
    assert str(caught.value).endswith("(line 2, column 3)")


def test_a_query_nested_past_the_parsers_depth_is_refused_by_name():
    # rdflib's parser recurses once per group: 3,000 nested braces exhaust Python's stack
    with pytest.raises(QueryError) as raised:
        guard._parse("SELECT * WHERE " + "{" * 3000 + "}" * 3000)
    assert str(raised.value) == "the query is nested too deeply to read"
