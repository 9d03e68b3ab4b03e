"""The query library: each question answered on the bundled graph, parameters bound safely,
every output format, syntax errors located, and the same answers from both stores."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from kg import resources
from kg.cli import main
from kg.errors import QueryError
from kg.pipeline.build import BuildOptions, build
from kg.views import query as q
from kg.views.formats import render


@pytest.fixture(scope="module")
def store(default_build):
    return default_build.store


@pytest.fixture(scope="module")
def oxi_store():
    return build(BuildOptions(store="oxigraph:")).store


def rows(store, name, **params):
    result = q.run(store, q.get(name), {k: str(v) for k, v in params.items()})
    return [{k: str(v) for k, v in row.items()} for row in result.rows]


def test_every_library_query_has_a_header_and_an_example():
    lib = q.library()
    assert len(lib) >= 12
    for name, lq in lib.items():
        assert lq.title and lq.purpose, name
        assert lq.example.startswith(f"kg query {name}"), name


def test_trial_overview(store):
    (row,) = rows(store, "trial-overview", trial="NCT05807880")
    assert row["orgStudyId"] == "ALTER-HN005"
    assert row["status"] == "ACTIVE_NOT_RECRUITING" and row["phase"] == "PHASE2"
    assert row["enrollment"] == "59" and row["start"] == "2023-09-01"
    assert row["leadSponsor"] == "Sun Yat-sen University"
    assert row["conditions"] == "Nasopharyngeal Neoplasms"
    assert len(rows(store, "trial-overview")) == 10


def test_arms_drugs_regimens(store):
    got = [(r["treatmentPhase"], r["drug"], r["dose"], r["unit"], r["route"])
           for r in rows(store, "arms-drugs-regimens")]
    assert got == [
        ("induction", "anlotinib", "10.0", "mg", "oral"),
        ("induction", "capecitabine", "650.0", "mg/m2", "oral"),
        ("induction", "penpulimab", "200.0", "mg", "intravenous"),
        ("maintenance", "capecitabine", "650.0", "mg/m2", "oral"),
        ("maintenance", "penpulimab", "200.0", "mg", "intravenous"),
    ]


def test_drugs_by_class(store):
    anti_pd1 = rows(store, "drugs-by-class", drugClass="anti-PD-1")
    drugs = {r["drugLabel"]: int(r["trials"]) for r in anti_pd1}
    assert {"penpulimab", "camrelizumab", "toripalimab", "tislelizumab", "pembrolizumab",
            "sintilimab"} <= set(drugs)
    assert drugs["penpulimab"] == 2  # ALTER-HN005 and the AK105 NPC trial
    vegfr = {r["drugLabel"] for r in rows(store, "drugs-by-class", drugClass="VEGFR TKI")}
    assert "anlotinib" in vegfr and "penpulimab" not in vegfr


def test_sponsors_investigators_sites(store):
    got = {(r["role"], r["name"], r.get("detail", "")) for r in
           rows(store, "sponsors-investigators-sites")}
    assert ("lead sponsor", "Sun Yat-sen University", "OTHER") in got
    assert ("collaborator", "Chia Tai Tianqing Pharmaceutical Group Co., Ltd.", "INDUSTRY") in got
    assert ("official", "Jun Ma, M.D.", "PRINCIPAL_INVESTIGATOR") in got
    site = [r for r in rows(store, "sponsors-investigators-sites") if r["role"] == "site"]
    assert site[0]["place"] == "Guangzhou, Guangdong, China"


def test_cited_articles(store):
    got = rows(store, "cited-articles")
    assert len(got) == 10
    by_pmid = {r.get("pmid"): r for r in got}
    assert by_pmid["34174189"]["journal"] == "Lancet Oncol"
    assert by_pmid["34174189"]["issued"] == "2021-08"
    unresolved = [r for r in got if "pmid" not in r]
    assert unresolved[0]["status"] == "unresolved"
    assert unresolved[0]["doi"] == "10.1016/j.annonc.2020.08.1044"


def test_authors_and_coauthorship(store):
    authors = rows(store, "authors", minArticles=2)
    assert authors, "some authors write more than one article in the corpus"
    assert all(int(r["articles"]) >= 2 for r in authors)
    pairs = rows(store, "coauthorship", trial="NCT05807880")
    assert all(int(p["shared"]) >= 1 for p in pairs)
    top = pairs[0]
    assert int(top["shared"]) == max(int(p["shared"]) for p in pairs)


def test_articles_linked_to_trials(store):
    got = rows(store, "articles-linked-to-trials", trial="NCT05807880")
    assert {r["pmid"] for r in got if "pmid" in r} >= {"34174189", "28837405"}
    assert all(r["link"] == "trial record cites the article" for r in got)


def test_related_by_drug_class(store):
    got = rows(store, "related-by-drug-class", drugClass="anti-PD-1")
    others = {r["other"].rsplit("/", 1)[1]: r for r in got}
    assert {"NCT03581786", "NCT03707509", "NCT03924986", "NCT02611960"} <= set(others)
    assert others["NCT03581786"]["theirDrug"] == "toripalimab"
    assert "Nasopharyngeal" in others["NCT03581786"]["otherConditions"]
    assert "NCT02388919" not in others  # anlotinib in lung cancer shares no anti-PD-1


def test_eligibility_summary_and_criteria(store):
    (row,) = rows(store, "eligibility-summary", trial="NCT05807880")
    assert (row["minimumAge"], row["maximumAge"], row["sex"]) == ("18 Years", "65 Years", "ALL")
    assert row["healthyVolunteers"] == "false"
    assert int(row["reclassified"]) == 9
    assert int(row["inclusion"]) + int(row["exclusion"]) == 28
    crit = rows(store, "eligibility-criteria")
    assert crit[0]["listedUnder"] == "inclusion" and crit[0]["number"] == "1"
    assert crit[0]["text"] == "Between 18 to 65 years old."


def test_provenance_query(store):
    got = {r["pmid"]: r for r in rows(store, "provenance")}
    assert got["34341578"]["sourceKind"] == "snapshot"


@pytest.mark.parametrize("hostile", [
    'NCT05807880" } . ?s ?p ?o . { "',
    "x } UNION { ?s ?p ?o",
    '"\n. ?s ?p ?o',
    "' ; DROP GRAPH <x>",
])
def test_hostile_parameter_values_cannot_change_the_query(store, hostile):
    lq = q.get("authors")
    # An integer parameter refuses text outright...
    with pytest.raises(QueryError, match="^parameter minArticles: expected an integer, got "):
        q.bind(lq, {"minArticles": hostile})
    # ...an IRI parameter refuses anything that is not an IRI...
    with pytest.raises(QueryError, match="^parameter author: not an IRI: "):
        q.bind(q.get("coauthorship"), {"author": hostile})
    # ...and a string parameter is only ever one literal value: the query still answers its
    # own question and finds nothing for the odd value.
    text = q.parse_query_text(
        "# param: name (string) a name\nPREFIX schema: <https://schema.org/>\n"
        "SELECT ?name ?p WHERE { ?p schema:name ?name }")
    assert q.run(store, text, {"name": hostile}).rows == []
    assert len(q.run(store, text, {}).rows) > 10


def test_formats(store):
    result = q.run(store, q.get("trial-overview"), {"trial": "NCT05807880"})
    table = render(result, "table")
    assert "ALTER-HN005" in table and table.splitlines()[1].startswith("---")
    parsed = list(csv.DictReader(io.StringIO(render(result, "csv"))))
    assert parsed[0]["orgStudyId"] == "ALTER-HN005"
    assert render(result, "tsv").splitlines()[0].startswith("?trial\t?nctId")
    doc = json.loads(render(result, "json"))
    assert doc["head"]["vars"][0] == "trial"
    assert doc["results"]["bindings"][0]["enrollment"] == {
        "type": "literal", "value": "59",
        "datatype": "http://www.w3.org/2001/XMLSchema#integer"}
    md = render(result, "md")
    assert md.startswith("| trial | nctId") and "|---|" in md


def test_syntax_error_names_file_and_line(tmp_path):
    bad = tmp_path / "bad.rq"
    bad.write_text("# title: broken\nSELECT ?s WHERE {\n  ?s ?p \n}\n")
    with pytest.raises(QueryError) as err:
        q.parse_query_file(bad)
    assert f"{bad}:" in str(err.value) and "line" in str(err.value)


def test_cli_query_forms(tmp_path):
    runner = CliRunner()
    out = runner.invoke(main, ["query", "trial-overview", "--param", "trial=NCT05807880",
                               "--format", "csv"])
    assert out.exit_code == 0 and "ALTER-HN005" in out.output
    out = runner.invoke(main, ["query", "-e", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"])
    assert out.exit_code == 0 and int(out.output.splitlines()[2]) > 1000
    f = tmp_path / "q.rq"
    f.write_text("PREFIX tkg: <https://w3id.org/trialkg/vocab#>\n"
                 "SELECT ?id WHERE { ?t tkg:orgStudyId ?id }")
    out = runner.invoke(main, ["query", "--file", str(f), "--format", "json"])
    assert json.loads(out.output)["results"]["bindings"][0]["id"]["value"] == "ALTER-HN005"
    out = runner.invoke(main, ["query", "no-such-query"])
    assert out.exit_code != 0 and "no library query" in out.output
    out = runner.invoke(main, ["query", "trial-overview", "--param", "bogus=1"])
    assert out.exit_code != 0 and "bogus" in out.output
    out = runner.invoke(main, ["queries"])
    assert "eligibility-summary" in out.output and "--param trial=" in out.output


def _value(term) -> str:
    from decimal import Decimal

    value = term.toPython()
    if isinstance(value, Decimal):
        return repr(float(value))
    if isinstance(value, str) and ("; " in value or ", " in value):
        # GROUP_CONCAT order is unspecified by SPARQL: compare the parts as a set.
        return repr(sorted(value.replace("; ", ", ").split(", ")))
    return repr(value)


def test_both_stores_give_the_same_answers(store, oxi_store):
    for name, lq in q.library().items():
        a = q.run(store, lq, {})
        b = q.run(oxi_store, lq, {})
        assert a.variables == b.variables, name
        # Compare values, not lexical forms: Oxigraph writes xsd:decimal 200.0 as "200".
        # An empty GROUP_CONCAT is "" in rdflib and unbound in Oxigraph: the same "none".
        norm = [sorted((k, _value(v)) for k, v in r.items() if str(v) != "") for r in a.rows]
        norm_b = [sorted((k, _value(v)) for k, v in r.items() if str(v) != "") for r in b.rows]
        assert sorted(norm) == sorted(norm_b), name


@pytest.mark.parametrize("path", sorted(p for folder in ("related", "viz", "match")
                                        for p in (resources.QUERIES / folder).glob("*.rq")),
                         ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_internal_queries_parse(path):
    """The finder's, viz's and matcher's own queries skip the grammar check at run time; here
    it runs."""
    lq = q.parse_query_file(path)
    assert lq.title, path


def test_clinical_settings_lists_each_fact_with_its_source(store):
    got = rows(store, "clinical-settings", study="NCT02611960")
    facts = {(r["aspect"], r["value"], r.get("drug", ""), r["field"]) for r in got}
    assert ("line", "platinum-pretreated", "", "briefTitle") in facts
    assert ("drug-role", "comparator arm only", "capecitabine", "officialTitle") in facts
    assert ("drug-role", "experimental arm", "pembrolizumab", "arm: Pembrolizumab") in facts
    assert ("evidence", "clinical trial", "", "studyType") in facts
    assert all(r["id"] == "NCT02611960" and r["text"] for r in got)
    line = rows(store, "clinical-settings", study="NCT05807880", aspect="line")
    assert [(r["value"], r["field"]) for r in line] == [("first-line", "detailedDescription")]
    assert "never accepted systemic treatment" in line[0]["text"]
    article = rows(store, "clinical-settings",
                   study="https://pubmed.ncbi.nlm.nih.gov/34174189", aspect="drug-role")
    assert {(r["value"], r["drug"]) for r in article} == {
        ("experimental arm", "camrelizumab"), ("every arm (background therapy)", "gemcitabine"),
        ("every arm (background therapy)", "cisplatin")}
    every = rows(store, "clinical-settings")
    assert {r["id"] for r in every} >= {"NCT05807880", "30207593"}
