"""NLM's PubMed files as distributed (kg/sources/pubmed_files.py and the record stream of
kg/sources/pubmed.py): gzip, the DOCTYPE line, versions, DeleteCitation, bad records and bad
files, on slices of real NLM files (tests/fixtures/pubmed/nlm, see PROVENANCE.md) and
synthetic files for the cases they lack."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from kg.errors import PubMedParseError
from kg.model import Article
from kg.pipeline.pubmed_apply import apply_files
from kg.sources.pubmed import iter_articles, iter_records, parse_bytes, parse_file
from kg.sources.pubmed_files import BadRecord, Deletion, Ledger, check_pmid, scan

FIX = Path(__file__).resolve().parents[1] / "fixtures" / "pubmed"
BASELINE = FIX / "nlm" / "pubmed20n0014-first3.xml.gz"
UPDATE = FIX / "nlm" / "pubmed21n1298-slice.xml.gz"
SYNTHETIC_UPDATE = FIX / "synthetic-update-versions-and-deletes.xml"
BAD_PMIDS = FIX / "synthetic-bad-pmids.xml"
BOOK = FIX / "synthetic-book-and-delete.xml"
DELETED_BY_NLM = ("31688362", "31764432", "31895213", "31895214", "31917726", "33268618",
                  "33268619", "33325556", "33370518", "33378316", "33417394", "33538040",
                  "33667199", "33759239", "33814563", "33913214", "33982926", "34059851",
                  "34081395", "34096142")


# --------------------------------------------------------------------------- real NLM slices


def test_baseline_slice_reads_gzip_and_doctype_as_distributed():
    articles = parse_file(BASELINE)
    assert [a.pmid for a in articles] == ["399296", "399297", "399298"]
    first = articles[0]
    assert first.title.startswith("Monitoring of bacteriological contamination")
    assert first.journal.title == "Journal of the South African Veterinary Association"
    assert [a.last_name for a in first.authors] == ["McCulloch", "Whithead"]
    assert first.version == 1 and first.book_title is None
    assert first.source.location == str(BASELINE)
    assert articles[1].title == "[The pineal body]."
    # The same bytes given in memory, still compressed, read the same.
    assert [a.pmid for a in parse_bytes(BASELINE.read_bytes(), "mem")] == [
        "399296", "399297", "399298"]


def test_update_slice_gives_every_version_and_the_deletions_in_document_order():
    items = list(iter_records(UPDATE))
    records = [i for i in items if isinstance(i, Article)]
    assert [(a.pmid, a.version) for a in records] == [
        ("10704411", 1), ("30271887", 1), ("30271887", 2), ("30271887", 3), ("30271887", 4)]
    assert [a.doi for a in records[1:]] == [f"10.12688/wellcomeopenres.14677.{v}"
                                            for v in (1, 2, 3, 4)]
    assert isinstance(items[-1], Deletion) and items[-1].pmids == DELETED_BY_NLM
    assert items[-1].location == str(UPDATE)
    # iter_articles leaves the deletion out
    assert [a.pmid for a in iter_articles(UPDATE)] == [a.pmid for a in records]


@pytest.mark.parametrize("path", [BASELINE, UPDATE, SYNTHETIC_UPDATE, BOOK, BAD_PMIDS],
                         ids=lambda p: p.name)
def test_the_index_lists_what_the_parser_reads(path):
    index = scan(path)
    parsed, deletions = [], []
    for item in iter_records(path):
        if isinstance(item, Deletion):
            deletions.append((len(parsed), item.pmids))
        elif isinstance(item, BadRecord):
            parsed.append((item.pmid, 1))
        else:
            parsed.append((item.pmid, item.version))
    assert index.records == parsed
    assert index.deletions == deletions
    assert [(b.number, b.pmid, b.problem) for b in index.bad] == [
        (b.number, b.pmid, b.problem) for b in iter_records(path) if isinstance(b, BadRecord)]


# --------------------------------------------------------------------------- the rules


def test_the_highest_version_is_the_article_whatever_the_order():
    ledger = Ledger()
    ledger.record("7", 2, "v2")
    ledger.record("7", 1, "v1 later")
    assert ledger.winners() == ["v2"] and ledger.superseded == 1
    ledger.record("7", 3, "v3")
    assert ledger.winners() == ["v3"] and ledger.superseded == 2


def test_at_equal_versions_the_later_record_wins_and_deletions_can_be_undone():
    ledger = Ledger()
    ledger.record("7", 1, "first")
    ledger.record("7", 1, "revised")
    assert ledger.winners() == ["revised"]
    ledger.delete(["7", "8"])
    assert ledger.winners() == [] and ledger.deleted == {"7", "8"}
    ledger.record("7", 1, "back")
    assert ledger.winners() == ["back"] and ledger.deleted == {"8"}


def test_files_apply_in_the_order_given():
    applied = apply_files([BASELINE, UPDATE, SYNTHETIC_UPDATE])
    by = {a.pmid: a for a in applied.articles}
    assert sorted(by, key=int) == ["399296", "399297", "10704411", "30271887", "90000031",
                                   "90000032"]
    assert by["30271887"].doi == "10.12688/wellcomeopenres.14677.4"
    assert by["90000031"].title == "Synthetic versioned article, version 2"
    assert by["90000032"].title == "Synthetic record, second revision"
    assert by["399297"].title == "Synthetic revision of a baseline record"
    assert by["399297"].source.location == str(SYNTHETIC_UPDATE)
    assert applied.deleted == ["399298", *DELETED_BY_NLM, "90000099"]
    assert applied.superseded == 3 + 1 + 1 + 1
    # In the other order the baseline's record of 399297 comes last and wins, and 399298,
    # deleted before the baseline brings it, is back.
    again = {a.pmid: a for a in apply_files([SYNTHETIC_UPDATE, BASELINE]).articles}
    assert again["399297"].title == "[The pineal body]."
    assert "399298" in again


# --------------------------------------------------------------------------- bad records


def test_a_pmid_that_is_not_a_number_is_refused_naming_the_file():
    with pytest.raises(PubMedParseError) as info:
        parse_file(BAD_PMIDS)
    assert info.value.where == str(BAD_PMIDS)
    assert info.value.message == ("record 1 (PMID 12a45): PMID '12a45' is not a PubMed "
                                  "identifier (a whole number)")
    with pytest.raises(PubMedParseError, match="record 1 .PMID 12a45."):
        apply_files([BASELINE, BAD_PMIDS])


def test_skip_bad_lists_what_it_skipped():
    applied = apply_files([BAD_PMIDS], skip_bad=True)
    assert [a.pmid for a in applied.articles] == ["90000041"]
    assert [(b.location, b.describe()) for b in applied.skipped] == [
        (str(BAD_PMIDS), "record 1 (PMID 12a45): PMID '12a45' is not a PubMed identifier "
                         "(a whole number)"),
        (str(BAD_PMIDS), "record 3: no PMID")]


@pytest.mark.parametrize(("pmid", "problem"), [
    ("1", None), ("34096142", None), (None, "no PMID"), ("", "no PMID"),
    ("0", "not a PubMed identifier"), ("0123", "not a PubMed identifier"),
    ("12 3", "not a PubMed identifier"), ("-5", "not a PubMed identifier"),
    ("١٢٣", "not a PubMed identifier"),  # Arabic-Indic digits pass str.isdigit
])
def test_check_pmid(pmid, problem):
    found = check_pmid(pmid)
    assert (found is None) if problem is None else (problem in found)


def test_a_version_that_is_not_a_number_is_a_bad_record():
    doc = (b'<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID Version="two">5</PMID>'
           b"</MedlineCitation></PubmedArticle></PubmedArticleSet>")
    [bad] = list(iter_records(doc, location="v.xml"))
    assert bad.describe() == "record 1 (PMID 5): its PMID Version 'two' is not a number"


# --------------------------------------------------------------------------- bad files


def _corrupt(tmp_path: Path) -> Path:
    data = bytearray(UPDATE.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 40] = bytes(40)
    path = tmp_path / "corrupt.xml.gz"
    path.write_bytes(bytes(data))
    return path


def _truncated(tmp_path: Path) -> Path:
    path = tmp_path / "truncated.xml.gz"
    path.write_bytes(UPDATE.read_bytes()[:-300])
    return path


@pytest.mark.parametrize("make", [_corrupt, _truncated])
def test_damaged_gzip_is_one_error_naming_the_file(make, tmp_path):
    path = make(tmp_path)
    for read in (scan, parse_file):
        with pytest.raises(PubMedParseError) as info:
            read(path)
        assert info.value.where == str(path)
        assert "gzip" in info.value.message or "truncated" in info.value.message
    with pytest.raises(PubMedParseError, match="corrupt or truncated gzip"):
        scan(path)


def test_an_xml_file_cut_short_is_truncated_for_the_index(tmp_path):
    path = tmp_path / "cut.xml"
    path.write_bytes(gzip.decompress(UPDATE.read_bytes())[:-2000])
    with pytest.raises(PubMedParseError, match="truncated") as info:
        scan(path)
    assert info.value.where == str(path)


@pytest.mark.parametrize(("content", "fragment"), [
    (b'<?xml version="1.0"?>\n<!DOCTYPE html>\n<html><body>hi</body></html>',
     "element is <html>"),
    (b'{"PubmedArticleSet": []}', "looks like JSON"),
    (gzip.compress(b"id,title\n1,x\n", mtime=0), "starts with 'id,title"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "starts with"),
    (b"<MedlineCitationSet><MedlineCitation/></MedlineCitationSet>",
     "element is <MedlineCitationSet>"),
    (b"", "empty input"),
], ids=["html", "json", "gzipped-csv", "png", "medline-citation-set", "empty"])
def test_a_file_that_is_not_pubmed_is_refused_from_its_first_bytes(content, fragment,
                                                                    tmp_path):
    path = tmp_path / "input.xml.gz"
    path.write_bytes(content)
    for read in (scan, parse_file):
        with pytest.raises(PubMedParseError) as info:
            read(path)
        assert fragment in info.value.message, info.value.message
        assert info.value.where == str(path)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(PubMedParseError, match="cannot read file") as info:
        scan(tmp_path / "absent.xml.gz")
    assert info.value.where == str(tmp_path / "absent.xml.gz")
    with pytest.raises(PubMedParseError, match="no such file"):
        apply_files([BASELINE, tmp_path / "absent.xml.gz"])
