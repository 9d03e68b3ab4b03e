"""`kg related`'s ranking as a SPARQL-like result (kg.views.related.to_query_result), which
every output format of `kg query` prints: each column's value and datatype, on SYNTHETIC
results."""

from __future__ import annotations

from rdflib import Literal
from rdflib.namespace import XSD

from kg.views.related import to_query_result
from kg.views.related_scoring import Evidence, RelatedResult


def _result(identifier: str, kind: str, score: float, cited: bool) -> RelatedResult:
    return RelatedResult(
        iri=f"https://example.org/{identifier}", kind=kind, identifier=identifier,
        label=f"SYNTHETIC {identifier}", score=score,
        reasons=["same disease: nasopharyngeal carcinoma", "design: randomised"],
        evidence=[Evidence("drug", "drug/experimental", "penpulimab", 4.0, "r"),
                  Evidence("disease", "same", "disease", 5.0, "r")],
        setting="recurrent/metastatic", line="first-line", design="randomised phase 3",
        cited=cited)


def test_each_result_is_a_row_with_its_rank_and_every_column():
    answer = to_query_result([_result("NCT00000001", "trial", 12.5, False),
                              _result("90000001", "article", 4.0, True)])
    assert (answer.kind, answer.variables) == ("select", [
        "rank", "kind", "id", "score", "title", "setting", "line", "design", "cited",
        "evidence", "reasons"])
    first, second = answer.rows
    assert first == {
        "rank": Literal(1, datatype=XSD.integer), "kind": Literal("trial"),
        "id": Literal("NCT00000001"), "score": Literal("12.5", datatype=XSD.decimal),
        "title": Literal("SYNTHETIC NCT00000001"), "setting": Literal("recurrent/metastatic"),
        "line": Literal("first-line"), "design": Literal("randomised phase 3"),
        "cited": Literal(""), "evidence": Literal("disease, drug"),
        "reasons": Literal("same disease: nasopharyngeal carcinoma; design: randomised")}
    # the second is ranked 2, its score has no needless decimals, and it says it is cited
    assert (second["rank"], second["score"], second["cited"], second["kind"]) == (
        Literal(2, datatype=XSD.integer), Literal("4", datatype=XSD.decimal),
        Literal("cited"), Literal("article"))


def test_no_results_is_an_empty_table_with_its_columns():
    answer = to_query_result([])
    assert answer.rows == [] and len(answer.variables) == 11
