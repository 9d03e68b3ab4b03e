"""CSV from the command line is safe to open in a spreadsheet (issue 11, item 7): a cell that
would run as a formula gets a leading apostrophe; numbers, TSV, JSON and the endpoint's
standard text/csv keep every value exact."""

from __future__ import annotations

import csv
import io
import urllib.request

import pytest
from click.testing import CliRunner
from rdflib import Literal

from kg.cli import main
from kg.store import QueryResult, open_store
from kg.views.formats import spreadsheet_safe, to_csv
from kg.views.serve import ServeConfig, SparqlServer

HOSTILE = ['=HYPERLINK("http://evil.example","x")', "+1+cmd|' /C calc'!A0", "-2+3",
           "@SUM(A1:A2)", "\t=1", "\r=1"]
NUMBERS = ["-5", "+3.25", "-.5", "1e5", "-2E-3", "42"]
PLAIN = ["anlotinib", "a=b", "", "'quoted", "PD-1"]


@pytest.mark.parametrize("cell", HOSTILE)
def test_formula_cells_get_an_apostrophe(cell):
    assert spreadsheet_safe(cell) == "'" + cell


@pytest.mark.parametrize("cell", NUMBERS + PLAIN)
def test_numbers_and_plain_text_are_left_alone(cell):
    assert spreadsheet_safe(cell) == cell


def table(cells: list[str]) -> QueryResult:
    return QueryResult("select", ["v"], [{"v": Literal(c)} for c in cells])


def test_to_csv_is_safe_by_default_and_exact_on_request():
    cells = HOSTILE + NUMBERS
    safe = [r[0] for r in csv.reader(io.StringIO(to_csv(table(cells)), newline=""))][1:]
    assert safe == ["'" + c for c in HOSTILE] + NUMBERS
    exact = [r[0] for r in csv.reader(io.StringIO(to_csv(table(cells), safe=False),
                                                  newline=""))][1:]
    assert exact == cells


QUERY = ('SELECT ?v WHERE { VALUES ?v { "=HYPERLINK(\\"http://evil.example\\",\\"x\\")" '
         '"@SUM(A1)" "-5" "PD-1" } } ORDER BY ?v')


def test_kg_query_csv_is_spreadsheet_safe_and_tsv_exact():
    def kg(fmt: str) -> str:
        result = CliRunner().invoke(main, ["query", "--store", "memory", "--trial",
                                           "tests/fixtures/trials/synthetic-two-arms.txt",
                                           "-e", QUERY, "--format", fmt])
        assert result.exit_code == 0, result.output
        return result.output

    rows = list(csv.reader(io.StringIO(kg("csv"))))
    # (the output also holds the build's warning about a PMID missing offline)
    cells = sorted(r[0] for r in rows if r and r[0] != "v" and "cited article" not in r[0])
    assert cells == sorted(["'=HYPERLINK(\"http://evil.example\",\"x\")", "'@SUM(A1)", "-5",
                            "PD-1"])
    assert '"=HYPERLINK(\\"http://evil.example\\",\\"x\\")"' in kg("tsv")


def test_endpoint_csv_is_the_exact_standard_format():
    store = open_store("memory")
    server = SparqlServer(store, config=ServeConfig(timeout=10))
    server.start_background()
    try:
        request = urllib.request.Request(
            server.url + "/sparql", data=QUERY.encode(), method="POST",
            headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"})
        with urllib.request.urlopen(request, timeout=10) as response:
            text = response.read().decode()
    finally:
        server.shutdown()
    cells = sorted(r[0] for r in csv.reader(io.StringIO(text)))
    assert cells == sorted(["v", '=HYPERLINK("http://evil.example","x")', "@SUM(A1)", "-5",
                            "PD-1"])
