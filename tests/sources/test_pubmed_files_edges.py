"""kg/sources/pubmed_files.py at its edges: the index of odd records, the messages a user
reads for a file that is not PubMed, chunk boundaries of the scan, the order of events.
Every document here is SYNTHETIC (made up for the test), wrapped by ``_doc`` in a
PubmedArticleSet."""

from __future__ import annotations

from kg.sources.pubmed import iter_records
from kg.sources.pubmed_files import BadRecord, scan

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
