"""kg/sources/pubmed_files.py at its edges: the index of odd records, the messages a user
reads for a file that is not PubMed, chunk boundaries of the scan, the order of events.
Every document here is SYNTHETIC (made up for the test), wrapped by ``_doc`` in a
PubmedArticleSet."""

from __future__ import annotations

import errno
import io

import pytest

from kg.errors import PubMedParseError
from kg.sources import pubmed_files
from kg.sources.pubmed import iter_records
from kg.sources.pubmed_files import (
    BadRecord,
    Deletion,
    FileIndex,
    check_head,
    open_for_reading,
    parse_version,
    scan,
    sniff,
)
from tests.sources.test_pubmed_files import BASELINE

WHERE = "synthetic.xml"


def _doc(body: bytes) -> bytes:
    return b'<?xml version="1.0"?>\n<PubmedArticleSet>\n' + body + b"\n</PubmedArticleSet>\n"


def _record(pmid: bytes, attrs: bytes = b' Version="1"') -> bytes:
    return (b"<PubmedArticle><MedlineCitation Owner=\"NLM\"><PMID" + attrs + b">" + pmid
            + b"</PMID></MedlineCitation></PubmedArticle>\n")


def _scan(tmp_path, body: bytes):
    path = tmp_path / "synthetic.xml"
    path.write_bytes(_doc(body))
    return scan(path, where=WHERE)


# --------------------------------------------------------------------------- the records


def test_a_version_that_is_not_a_number_reads_the_same_in_the_index_and_the_parser(tmp_path):
    body = _record(b"5", b' Version="two"')
    index = _scan(tmp_path, body)
    [parsed] = list(iter_records(_doc(body), location=WHERE))
    assert index.bad == [parsed] == [
        BadRecord(1, "5", WHERE, "its PMID Version 'two' is not a number")]
    assert index.records == [("5", 1)]


def test_odd_pmids_are_indexed_as_written_with_spaces_folded(tmp_path):
    index = _scan(tmp_path, _record(b"\n  12\n  3 ") + _record(b"12\xff")
                  + _record(b"7", b' Version="\xff"') + _record(b"8", b" Version='0'")
                  + _record(b"9", b' Owner="NLM" Version = "3"'))
    assert index.records == [("12 3", 1), ("12\ufffd", 1), ("7", 1), ("8", 1), ("9", 3)]
    assert index.bad == [
        BadRecord(1, "12 3", WHERE, "PMID '12 3' is not a PubMed identifier (a whole number)"),
        BadRecord(2, "12\ufffd", WHERE,
                  "PMID '12\ufffd' is not a PubMed identifier (a whole number)"),
        BadRecord(3, "7", WHERE, "its PMID Version '\ufffd' is not a number"),
        BadRecord(4, "8", WHERE, "its PMID Version '0' is not a number"),
    ]


def test_a_record_without_a_citation_is_one_bad_record_whatever_follows_it(tmp_path):
    # No MedlineCitation at all: the record is closed by the deletion block that follows,
    # then again (to no effect) by the block's end and by the end of the file.
    no_citation = b"<PubmedArticle><PubmedData></PubmedData></PubmedArticle>\n"
    deletion = b"<DeleteCitation><PMID Version=\"1\">77</PMID></DeleteCitation>\n"
    index = _scan(tmp_path, no_citation + deletion + no_citation)
    assert index.location == WHERE
    assert index.records == [(None, 1), (None, 1)]
    assert index.bad == [BadRecord(1, None, WHERE, "no PMID"),
                         BadRecord(2, None, WHERE, "no PMID")]
    assert index.deletions == [(1, ("77",))]
    assert [b.describe() for b in index.bad] == ["record 1: no PMID", "record 2: no PMID"]


def test_deleted_pmids_are_indexed_as_written_with_spaces_folded(tmp_path):
    index = _scan(tmp_path, b"<DeleteCitation>\n<PMID Version=\"1\"> 12\n 34 </PMID>"
                            b"<PMID>5\xff</PMID>\n</DeleteCitation>")
    assert index.deletions == [(0, ("12 34", "5\ufffd"))]
    assert index.records == [] and index.bad == []


def test_a_deletion_block_left_open_is_a_truncated_file(tmp_path):
    with pytest.raises(PubMedParseError) as info:
        _scan(tmp_path, b"<DeleteCitation><PMID>5</PMID>")
    assert info.value.message == "truncated: a DeleteCitation block is not closed"
    assert info.value.where == WHERE


@pytest.mark.parametrize(("raw", "version"), [
    (None, 1), ("1", 1), (" 3 ", 3), ("12", 12), ("0", None), ("-1", None), ("two", None),
    ("", None),
])
def test_parse_version(raw, version):
    assert parse_version(raw) == version


# --------------------------------------------------------------------------- event order


def test_events_put_each_deletion_after_the_records_before_it():
    index = FileIndex(WHERE, records=[("1", 1), ("2", 2), ("3", 1)],
                      deletions=[(0, ("a",)), (1, ("b",)), (1, ("c",)), (3, ("d",)),
                                 (3, ("e",))])
    assert list(index.events()) == [
        Deletion(("a",), WHERE), (1, "1", 1), Deletion(("b",), WHERE),
        Deletion(("c",), WHERE), (2, "2", 2), (3, "3", 1), Deletion(("d",), WHERE),
        Deletion(("e",), WHERE)]
    assert list(FileIndex(WHERE, deletions=[(0, ("x",)), (0, ("y",))]).events()) == [
        Deletion(("x",), WHERE), Deletion(("y",), WHERE)]
    assert list(FileIndex(WHERE, records=[("1", 1), ("2", 1)],
                          deletions=[(1, ("z",))]).events()) == [
        (1, "1", 1), Deletion(("z",), WHERE), (2, "2", 1)]


# --------------------------------------------------------------------------- chunks

# The scan reads _CHUNK bytes at a time and carries the last _TOKEN_MAX bytes of each chunk
# to the next; made small here, every chunk boundary of a small document can be tried.
SPLIT = (_record(b"90000001") + _record(b"90000002", b' Version="2"')
         + b"<DeleteCitation><PMID>90000003</PMID><PMID>90000004</PMID></DeleteCitation>\n"
         + _record(b"90000005") + b"<PubmedBookArticle><BookDocument><PMID>90000006</PMID>"
         b"</BookDocument></PubmedBookArticle>")
# Malformed: a record inside a DeleteCitation block; its PMID is the record's, read once.
NESTED = b"<DeleteCitation>" + _record(b"90000007") + b"</DeleteCitation>"
LONGEST_TOKEN = len(b'<MedlineCitation Owner="NLM"><PMID Version="1">90000001</PMID>')


def _small_chunks(monkeypatch, chunk: int, token_max: int) -> None:
    monkeypatch.setattr(pubmed_files, "_CHUNK", chunk)
    monkeypatch.setattr(pubmed_files, "_TOKEN_MAX", token_max)


@pytest.mark.parametrize("body", [SPLIT, NESTED], ids=["split", "nested"])
def test_the_index_is_the_same_wherever_the_chunks_end(body, tmp_path, monkeypatch):
    whole = _scan(tmp_path, body)
    path = tmp_path / "synthetic.xml"
    size = len(path.read_bytes())
    start = _doc(body).index(b"<PubmedArticleSet>") + len(b"<PubmedArticleSet>")
    # The longest token fills the carry; or the carry holds the last journal record but for
    # its first few bytes, which the chunk before it has read.
    last_record = size - _doc(body).rindex(b"<PubmedArticle>")
    for token_max in (LONGEST_TOKEN, last_record - 8):
        for chunk in range(start, size + 1):
            _small_chunks(monkeypatch, chunk, token_max)
            index = scan(path, where=WHERE)
            assert (index.records, index.bad, index.deletions) == (
                whole.records, whole.bad, whole.deletions), (chunk, token_max)
    if body is NESTED:
        assert whole.records == [("90000007", 1)] and whole.deletions == [(1, ())]
    else:
        assert [p for p, _ in whole.records] == ["90000001", "90000002", "90000005",
                                                 "90000006"]
        assert whole.deletions == [(2, ("90000003", "90000004"))]


def test_a_token_that_starts_where_the_carry_starts_is_read_whole(tmp_path, monkeypatch):
    # The carry starts _TOKEN_MAX bytes before the end of the chunk; a token starting there
    # is left for the next chunk, which reads it whole even one byte past _TOKEN_MAX.
    body = _record(b"90000008")
    holder = _doc(body).index(b"<MedlineCitation")
    token_max = LONGEST_TOKEN - 1
    _small_chunks(monkeypatch, holder + token_max, token_max)
    index = _scan(tmp_path, body)
    assert index.records == [("90000008", 1)] and index.bad == []


# --------------------------------------------------------------------------- what it is

EXPECTED = ("expected a <PubmedArticleSet> document (an EFetch answer or an NLM baseline or "
            "update file)")


def test_a_byte_order_mark_and_blank_lines_before_the_root_are_accepted(tmp_path):
    path = tmp_path / "synthetic-bom.xml"
    path.write_bytes(b"\xef\xbb\xbf \r\n\t" + _doc(_record(b"90000009")))
    assert scan(path).records == [("90000009", 1)]


@pytest.mark.parametrize(("content", "message"), [
    (b" \r\n\t", "empty input: no XML at all (expected a PubmedArticleSet)"),
    (b"X<PubmedArticleSet></PubmedArticleSet>",
     f"not PubMed XML (first element is <PubmedArticleSet>); {EXPECTED}"),
    (b"\x1f\x8b\x08not really", f"not PubMed XML (gzip data that does not decompress to "
                                f"XML); {EXPECTED}"),
    (b'\n  {"error":"API rate limit exceeded"}\n',
     f'not PubMed XML (looks like JSON: {{"error":"API rate limit exceeded"}}\n); {EXPECTED}'),
    (b"[1, 2]", f"not PubMed XML (looks like JSON: [1, 2]); {EXPECTED}"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", f"not PubMed XML (starts with '\ufffdPNG??????'); {EXPECTED}"),
    (b"id,title\n1,synthetic title number one with many words\n",
     f"not PubMed XML (starts with 'id,title?1,synthetic title number one wi'); {EXPECTED}"),
], ids=["blank", "text-before-root", "gzip-magic", "json", "json-list", "png", "csv"])
def test_what_a_file_that_is_not_pubmed_looks_like_is_said_exactly(content, message):
    with pytest.raises(PubMedParseError) as info:
        check_head(content, WHERE)
    assert info.value.message == message
    assert info.value.where == WHERE


def test_a_json_answer_is_quoted_up_to_120_characters():
    answer = b'{"error": "' + b"synthetic " * 20 + b'"}'
    assert sniff(answer) == "looks like JSON: " + answer[:120].decode()


# --------------------------------------------------------------------------- reading


def test_closing_a_gzip_file_closes_the_file_under_it():
    stream, closer = open_for_reading(BASELINE, WHERE)
    under = stream.fileobj
    assert under.name == str(BASELINE)
    closer.close()
    assert stream.closed and under.closed


def test_a_file_that_cannot_be_opened_is_named_with_the_reason(tmp_path):
    with pytest.raises(PubMedParseError) as info:
        scan(tmp_path / "absent.xml", where=WHERE)
    assert info.value.message == "cannot read file: No such file or directory"
    assert info.value.where == WHERE


class _Failing(io.BytesIO):
    def __init__(self, exc: OSError):
        super().__init__()
        self.exc = exc

    def read(self, size=-1):
        raise self.exc


@pytest.mark.parametrize(("exc", "message"), [
    (OSError(errno.EIO, "Input/output error"), "cannot read file: Input/output error"),
    (OSError("synthetic: the disk went away"), "cannot read file: synthetic: the disk went away"),
    (EOFError("Compressed file ended before the end-of-stream marker was reached"),
     "corrupt or truncated gzip data: Compressed file ended before the end-of-stream marker "
     "was reached"),
])
def test_a_file_that_fails_while_read_is_named_with_the_reason(exc, message, monkeypatch):
    monkeypatch.setattr(pubmed_files, "open_binary", lambda path: _Failing(exc))
    with pytest.raises(PubMedParseError) as info:
        scan("synthetic.xml", where=WHERE)
    assert info.value.message == message
    assert info.value.where == WHERE


def test_a_file_is_read_a_chunk_at_a_time_never_whole(tmp_path, monkeypatch):
    # NLM's files are gigabytes unpacked: the scan must ask for _CHUNK bytes per read
    path = tmp_path / "synthetic.xml"
    path.write_bytes(_doc(SPLIT))
    whole = scan(path, where=WHERE)
    asked = []

    class Counting:
        def __init__(self, stream):
            self.stream = stream

        def read(self, size=-1):
            asked.append(size)
            return self.stream.read(size)

    def counting_open(path, where):
        stream, closer = open_for_reading(path, where)
        return Counting(stream), closer

    monkeypatch.setattr(pubmed_files, "open_for_reading", counting_open)
    _small_chunks(monkeypatch, 64, LONGEST_TOKEN)
    index = scan(path, where=WHERE)
    assert (index.records, index.deletions) == (whole.records, whole.deletions)
    size = len(_doc(SPLIT))
    assert asked == [64] * (-(-size // 64) + 1)  # every chunk, then the empty read at the end
