"""NLM's PubMed files through `kg build --pubmed` and `kg build --bulk --pubmed`: versions and
DeleteCitation applied in file order (also to a store built earlier), book records, bad
records and bad files refused in one line with the store untouched, or skipped and listed."""

from __future__ import annotations

import os
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from kg.cli import EXIT_INPUT, main
from kg.pipeline.build import load_into_store
from kg.pipeline.bulk import build_info, builds_dir, open_field_store
from kg.pipeline.pubmed_apply import apply_files
from kg.store.manifest import MANIFEST_GRAPH
from kg.store.oxigraph import OxigraphStore
from kg.vocab import default_vocabulary

FIX = Path(__file__).resolve().parent / "fixtures" / "pubmed"
BASELINE = FIX / "nlm" / "pubmed20n0014-first3.xml.gz"
UPDATE = FIX / "nlm" / "pubmed21n1298-slice.xml.gz"
SYNTHETIC_UPDATE = FIX / "synthetic-update-versions-and-deletes.xml"
BAD_PMIDS = FIX / "synthetic-bad-pmids.xml"
BOOK = FIX / "synthetic-book-and-delete.xml"
PMIDS = ("SELECT ?p WHERE { ?a <http://purl.org/ontology/bibo/pmid> ?p }")
FACTS = ("SELECT ?p ?title ?doi WHERE { ?a <http://purl.org/ontology/bibo/pmid> ?p ; "
         "<http://purl.org/dc/terms/title> ?title OPTIONAL { ?a <http://purl.org/ontology/"
         "bibo/doi> ?doi } }")


def kg(*args) -> object:
    return CliRunner().invoke(main, [str(a) for a in args])


def _pubmed(*paths: Path) -> list[str]:
    return [arg for path in paths for arg in ("--pubmed", str(path))]


def _facts(store) -> dict[str, tuple[str, str | None]]:
    rows = store.query(FACTS).rows
    return {str(r["p"]): (str(r["title"]), str(r["doi"]) if "doi" in r else None)
            for r in rows}


def _disk_facts(path: Path) -> dict[str, tuple[str, str | None]]:
    store = OxigraphStore(path)
    try:
        return _facts(store)
    finally:
        store.close()


def _quads(path: Path) -> set[str]:
    store = ox.Store.read_only(str(path))
    return {str(q) for q in store}


# --------------------------------------------------------------------------- normal build


def test_normal_build_applies_versions_and_deletions_also_to_an_earlier_build(tmp_path):
    disk = tmp_path / "store"
    out = tmp_path / "out"
    first = kg("build", "--store", f"oxigraph:{disk}", "--output", out, *_pubmed(BASELINE))
    assert first.exit_code == 0, first.output
    facts = _disk_facts(disk)
    assert {"399296", "399297", "399298"} <= set(facts)
    second = kg("build", "--store", f"oxigraph:{disk}", "--output", out, "-v",
                *_pubmed(UPDATE, SYNTHETIC_UPDATE))
    assert second.exit_code == 0, second.output
    assert "PubMed PMIDs deleted" in second.output and "PubMed records superseded" in \
        second.output
    facts = _disk_facts(disk)
    assert "399298" not in facts  # deleted by the update, though the first build put it there
    assert facts["399297"][0] == "Synthetic revision of a baseline record"
    assert "399296" in facts  # untouched by the update
    assert facts["30271887"][1] == "10.12688/wellcomeopenres.14677.4"  # the highest version
    assert facts["90000031"][0] == "Synthetic versioned article, version 2"
    # and the graph files written say the same
    ttl = (out / "graph.ttl").read_text()
    assert "wellcomeopenres.14677.4" in ttl and "wellcomeopenres.14677.3" not in ttl


def test_book_records_are_mapped_as_book_sections_and_conform(tmp_path):
    from kg.pipeline.build import BuildOptions, build
    from kg.rdf.validate import validate_graph

    result = build(BuildOptions(pubmed_files=[BOOK], corpus=False, enrich=False))
    graph = result.store.union()
    rows = result.store.query(
        "PREFIX bibo: <http://purl.org/ontology/bibo/> PREFIX tkg: "
        "<https://w3id.org/trialkg/vocab#> SELECT ?p ?type ?book WHERE { ?a bibo:pmid ?p ; "
        "a ?type ; tkg:bookTitle ?book FILTER(?type != <https://schema.org/ScholarlyArticle>)"
        " }").rows
    assert [(str(r["p"]), str(r["type"]), str(r["book"])) for r in rows] == [
        ("90000021", "http://purl.org/ontology/bibo/BookSection",
         "Synthetic Handbook of Oncology")]
    assert result.counts["PubMed PMIDs deleted"] == 1
    assert validate_graph(graph).conforms


def test_a_bad_record_fails_the_normal_build_in_one_line_and_leaves_the_store(tmp_path):
    disk = tmp_path / "store"
    assert kg("build", "--store", f"oxigraph:{disk}", "--output", tmp_path / "o",
              *_pubmed(BASELINE)).exit_code == 0
    before = _quads(disk)
    result = kg("build", "--store", f"oxigraph:{disk}", "--output", tmp_path / "o",
                *_pubmed(UPDATE, BAD_PMIDS))
    assert result.exit_code == EXIT_INPUT
    assert result.output.strip().splitlines() == [
        f"kg: error: {BAD_PMIDS}: record 1 (PMID 12a45): PMID '12a45' is not a PubMed "
        "identifier (a whole number)"]
    assert _quads(disk) == before


def test_skip_bad_builds_the_rest_and_lists_what_it_skipped(tmp_path):
    disk = tmp_path / "store"
    result = CliRunner().invoke(main, [
        "build", "--store", f"oxigraph:{disk}", "--output", str(tmp_path / "o"), "--skip-bad",
        "--quiet", *_pubmed(BAD_PMIDS)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"kg: skipped {BAD_PMIDS}: record 1 (PMID 12a45): PMID '12a45' is not a PubMed "
        "identifier (a whole number)",
        f"kg: skipped {BAD_PMIDS}: record 3: no PMID"]
    assert "90000041" in _disk_facts(disk)


def _corrupt_gzip(tmp_path: Path) -> Path:
    data = bytearray(UPDATE.read_bytes())
    data[len(data) // 2: len(data) // 2 + 40] = bytes(40)
    path = tmp_path / "pubmed21n1298-damaged.xml.gz"
    path.write_bytes(bytes(data))
    return path


def _not_pubmed(tmp_path: Path) -> Path:
    path = tmp_path / "records.xml"
    path.write_text('<?xml version="1.0"?>\n<records><record id="1"/></records>\n')
    return path


def _missing(tmp_path: Path) -> Path:
    return tmp_path / "pubmed21n9999.xml.gz"


BAD_FILES = {"corrupt gzip": (_corrupt_gzip, "corrupt or truncated gzip"),
             "not PubMed": (_not_pubmed, "not PubMed XML"),
             "missing": (_missing, "no such file")}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_bad_file_fails_the_normal_build_in_one_line_and_leaves_the_store(case, tmp_path):
    make, fragment = BAD_FILES[case]
    bad = make(tmp_path)
    disk = tmp_path / "store"
    assert kg("build", "--store", f"oxigraph:{disk}", "--output", tmp_path / "o",
              *_pubmed(BASELINE)).exit_code == 0
    before = _quads(disk)
    result = kg("build", "--store", f"oxigraph:{disk}", "--output", tmp_path / "o",
                *_pubmed(UPDATE, bad))
    assert result.exit_code == EXIT_INPUT
    [line] = result.output.strip().splitlines()
    assert line.startswith(f"kg: error: {bad}: ") and fragment in line
    assert _quads(disk) == before


# --------------------------------------------------------------------------- bulk build


@pytest.fixture(scope="module")
def bulk_built(tmp_path_factory):
    """The three files in one bulk build, and the baseline then the updates with --update."""
    base = tmp_path_factory.mktemp("nlm-bulk")
    whole = kg("build", "--bulk", "--store", f"oxigraph:{base / 'whole'}", "--workers", "2",
               *_pubmed(BASELINE, UPDATE, SYNTHETIC_UPDATE))
    first = kg("build", "--bulk", "--store", f"oxigraph:{base / 'steps'}",
               *_pubmed(BASELINE))
    steps = kg("build", "--bulk", "--update", "--store", f"oxigraph:{base / 'steps'}",
               *_pubmed(UPDATE, SYNTHETIC_UPDATE))
    for result in (whole, first, steps):
        assert result.exit_code == 0, result.output
    return base, whole, steps


def _field_facts(target: Path) -> dict:
    store = open_field_store(target)
    try:
        return _facts(store)
    finally:
        store.close()


def test_bulk_build_applies_versions_and_deletions(bulk_built):
    base, whole, _ = bulk_built
    facts = _field_facts(base / "whole")
    assert sorted(facts, key=int) == ["399296", "399297", "10704411", "30271887", "90000031",
                                      "90000032"]
    assert facts["30271887"][1] == "10.12688/wellcomeopenres.14677.4"
    assert facts["399297"][0] == "Synthetic revision of a baseline record"
    assert facts["90000032"][0] == "Synthetic record, second revision"
    assert "6 article(s), 22 PMID(s) deleted" in whole.output
    info = build_info(base / "whole")
    assert (info["articles"], info["deleted"], info["superseded"]) == (6, 22, 6)


def test_bulk_update_deletes_from_the_earlier_build_and_matches_the_whole_build(bulk_built):
    base, _, steps = bulk_built
    assert _field_facts(base / "steps") == _field_facts(base / "whole")
    assert build_info(base / "steps")["updated_from"].startswith("build-")
    # record graphs are identical; shared-entity graphs of replaced records may remain
    def records(target: Path) -> set[str]:
        return {q for q in _quads(target) if "/graph/pubmed/" in q.rsplit(" ", 1)[-1]}
    assert records(base / "steps") == records(base / "whole")


def test_bulk_and_normal_builds_give_the_same_quads_for_nlm_files(bulk_built):
    base, _, _ = bulk_built
    applied = apply_files([BASELINE, UPDATE, SYNTHETIC_UPDATE])
    normal = OxigraphStore()
    load_into_store(normal, [], applied.articles, default_vocabulary())
    manifest = str(MANIFEST_GRAPH)  # the normal build's bookkeeping (loading times) aside
    expected = {str(q) for q in normal.native if q.graph_name.value != manifest}
    assert _quads(base / "whole") == expected


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_a_bad_file_fails_the_bulk_build_before_any_work(case, tmp_path):
    make, fragment = BAD_FILES[case]
    bad = make(tmp_path)
    target = tmp_path / "field"
    result = kg("build", "--bulk", "--store", f"oxigraph:{target}", *_pubmed(BASELINE, bad))
    assert result.exit_code == EXIT_INPUT
    [line] = result.output.strip().splitlines()
    assert str(bad) in line and fragment in line, line
    assert not target.exists() and not builds_dir(target).exists()  # nothing was created


def test_a_bad_record_fails_the_bulk_build_before_any_work_unless_skipped(tmp_path):
    target = tmp_path / "field"
    result = kg("build", "--bulk", "--store", f"oxigraph:{target}",
                *_pubmed(BASELINE, BAD_PMIDS))
    assert result.exit_code == EXIT_INPUT
    assert result.output.strip().splitlines() == [
        f"kg: error: {BAD_PMIDS}: record 1 (PMID 12a45): PMID '12a45' is not a PubMed "
        "identifier (a whole number) (and 1 more; --skip-bad skips them)"]
    assert not builds_dir(target).exists()
    result = CliRunner().invoke(main, [
        "build", "--bulk", "--skip-bad", "--store", f"oxigraph:{target}",
        *_pubmed(BASELINE, BAD_PMIDS)])
    assert result.exit_code == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"kg: skipped {BAD_PMIDS}: record 1 (PMID 12a45): PMID '12a45' is not a PubMed "
        "identifier (a whole number)",
        f"kg: skipped {BAD_PMIDS}: record 3: no PMID"]
    assert sorted(_field_facts(target)) == ["399296", "399297", "399298", "90000041"]
    assert len(build_info(target)["skipped"]) == 2


def test_a_bad_file_in_a_bulk_update_leaves_the_earlier_build(bulk_built, tmp_path):
    base, _, _ = bulk_built
    target = base / "steps"
    link = os.readlink(target)
    result = kg("build", "--bulk", "--update", "--store", f"oxigraph:{target}",
                *_pubmed(_corrupt_gzip(tmp_path)))
    assert result.exit_code == EXIT_INPUT and "corrupt or truncated gzip" in result.output
    assert os.readlink(target) == link
    assert not [p for p in builds_dir(target).iterdir() if p.name.endswith(".partial")]


def test_update_needs_an_earlier_bulk_build(tmp_path):
    result = kg("build", "--bulk", "--update", "--store", f"oxigraph:{tmp_path / 'new'}",
                *_pubmed(BASELINE))
    assert result.exit_code == EXIT_INPUT
    assert "--update needs a complete bulk build to start from" in result.output
    result = kg("build", "--update", "--store", "memory", *_pubmed(BASELINE))
    assert result.exit_code != 0 and "--update applies only with --bulk" in result.output


def test_a_file_the_index_misreads_fails_the_bulk_build_rather_than_mapping_wrongly(tmp_path):
    """The fast index reads text, not XML: a PMID written as a character reference looks
    bad to it and good to lxml. The build must stop, not write a record it did not plan."""
    from kg.pipeline.bulk import BulkError, build_field

    odd = tmp_path / "synthetic-char-ref.xml"  # synthetic: made up for this test
    odd.write_text('<?xml version="1.0"?>\n<!-- SYNTHETIC test input -->\n<PubmedArticleSet>'
                   '<PubmedArticle><MedlineCitation><PMID Version="1">&#57;0000051</PMID>'
                   "<Article><ArticleTitle>x</ArticleTitle></Article></MedlineCitation>"
                   '</PubmedArticle><PubmedArticle><MedlineCitation><PMID Version="1">90000052'
                   "</PMID></MedlineCitation></PubmedArticle></PubmedArticleSet>\n")
    target = tmp_path / "field"
    with pytest.raises(BulkError, match="could not be indexed reliably") as info:
        build_field(target, [], [odd], skip_bad=True)
    assert str(odd) in str(info.value) and "PMID 90000051" in str(info.value)
    assert not target.exists()
