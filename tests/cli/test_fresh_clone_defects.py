"""Defects seen in a fresh-clone run (issue 16 item 4), each pinned as the user meets it."""

from __future__ import annotations

import csv
import io
import re

import pytest
from click.testing import CliRunner

from kg.cli import main


def kg(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_the_provenance_example_kg_queries_prints_answers():
    listing = kg("queries").stdout
    example = re.search(r"e\.g\. kg query provenance (--param \S+)", listing).group(1)
    assert example == "--param pmid=34174189"
    rows = list(csv.DictReader(io.StringIO(
        kg("query", "provenance", "--param", "pmid=34174189", "--format", "csv").stdout)))
    assert [(r["pmid"], r["sourceKind"], r["location"]) for r in rows] == [
        ("34174189", "snapshot", "data/snapshot/pubmed/34174189.xml")]


@pytest.mark.parametrize("fmt, true_text", [("csv", "true\r\n"), ("tsv", "true\n"),
                                            ("table", "true\n"), ("md", "true\n")])
def test_an_ask_answers_true_or_false_in_every_format(fmt, true_text):
    yes = kg("query", "-e", "ASK { ?s a <https://w3id.org/trialkg/vocab#ClinicalTrial> }",
             "--format", fmt)
    assert yes.stdout.replace("\r\n", "\n") == true_text.replace("\r\n", "\n")
    no = kg("query", "-e", "ASK { ?s a <urn:nothing:here> }", "--format", fmt)
    assert no.stdout.strip() == "false"


@pytest.mark.parametrize("update", ["DELETE WHERE { ?s ?p ?o }",
                                    "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
                                    "CLEAR ALL"])
def test_an_update_through_kg_query_is_told_the_interface_is_read_only(update):
    result = kg("query", "-e", update)
    assert (result.exit_code, result.output) == (
        2, "kg: error: -e: the query interface is read-only: SPARQL Update is not run here; "
           "add records with `kg build` and drop them with `kg remove`\n")


def test_a_person_or_site_spelt_two_ways_is_one_row():
    rows = list(csv.DictReader(io.StringIO(kg(
        "query", "sponsors-investigators-sites", "--format", "csv").stdout)))
    roles = [(r["role"], r["name"]) for r in rows]
    # the page spells the investigator "Jun Ma, MD" and "Jun Ma, M.D.", the site with and
    # without a capital S: one person, one site
    assert [r for r, _ in roles].count("official") == 1
    assert [r for r, _ in roles].count("responsible party") == 1
    assert [r for r, _ in roles].count("site") == 1
    official = next(r for r in rows if r["role"] == "official")
    assert official["name"] in ("Jun Ma, M.D.", "Jun Ma, MD")
    assert official["affiliation"] == "Sun Yat-sen University"


def test_help_lists_every_command_without_cutting_its_line():
    lines = kg("--help").stdout.split("Commands:\n", 1)[1].splitlines()
    commands = {line.split()[0]: line for line in lines if line.strip()}
    assert set(commands) >= {"build", "run", "query", "queries", "related", "serve", "export",
                             "viz", "discover", "status", "remove", "match", "vocab",
                             "validate"}
    assert not [line for line in commands.values() if line.rstrip().endswith("...")]


def test_discover_quiet_still_prints_the_result_asked_for():
    for fmt in ("csv", "json"):
        result = kg("discover", "--condition", "nasopharyngeal carcinoma", "--drug-class",
                    "anti-PD-1", "--offline", "--format", fmt, "-q")
        assert result.exit_code == 0 and result.stderr == ""
        assert "NCT05981157" in result.stdout
