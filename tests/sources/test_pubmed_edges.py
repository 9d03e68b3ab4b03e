"""kg/sources/pubmed.py at its edges: a Bookshelf record field by field, dates that do not
exist, where a record says it came from, and the exact message for each kind of malformed
document. Every document here is SYNTHETIC (made up for the test)."""

from __future__ import annotations

import io

import pytest

from kg.errors import PubMedParseError
from kg.model import Article, Keyword, PartialDate, SourceInfo
from kg.sources.pubmed import iter_records, parse_bytes, parse_file
from kg.sources.pubmed_files import Deletion

WHERE = "synthetic.xml"
EXPECTED = ("expected a <PubmedArticleSet> document (an EFetch answer or an NLM baseline or "
            "update file)")


def _set(*records: str) -> bytes:
    return ("<PubmedArticleSet>\n" + "\n".join(records) + "\n</PubmedArticleSet>\n").encode()


def _journal_record(pmid: str, pub_date: str = "<Year>2020</Year>", in_article: str = "",
                    data: str = "") -> str:
    return (f'<PubmedArticle><MedlineCitation><PMID Version="1">{pmid}</PMID><Article>'
            f"<Journal><JournalIssue><PubDate>{pub_date}</PubDate></JournalIssue></Journal>"
            f"<ArticleTitle>Synthetic title</ArticleTitle>{in_article}</Article>"
            f"</MedlineCitation>{data}</PubmedArticle>")


# --------------------------------------------------------------------------- records

BOOK = """<PubmedBookArticle><BookDocument>
  <PMID Version="2">90000051</PMID>
  <ArticleIdList>
    <ArticleId IdType="bookaccession">NBK000051</ArticleId>
    <ArticleId IdType="pmc">123456</ArticleId>
  </ArticleIdList>
  <Book>
    <BookTitle book="synth">Synthetic Handbook</BookTitle>
    <PubDate><Year>2019</Year><Month>Feb</Month></PubDate>
    <Volume>3</Volume>
    <ELocationID EIdType="doi" ValidYN="Y">10.5555/synthetic.book</ELocationID>
  </Book>
  <Pagination><StartPage>11</StartPage><EndPage>19</EndPage></Pagination>
  <Language>eng</Language><Language>fre</Language>
  <PublicationType>Review</PublicationType>
  <PublicationType UI="D000001"/>
  <KeywordList Owner="NOTNLM"><Keyword MajorTopicYN="Y">synthetic</Keyword></KeywordList>
</BookDocument></PubmedBookArticle>"""


def test_a_book_record_without_a_chapter_title_reads_field_by_field():
    [book] = parse_bytes(_set(BOOK), WHERE, source_kind="snapshot")
    assert book == Article(
        pmid="90000051", title="Synthetic Handbook", volume="3", pages="11-19",
        start_page="11", end_page="19", pub_date=PartialDate(year=2019, month=2),
        doi="10.5555/synthetic.book", pmcid="PMC123456", languages=["eng", "fre"],
        publication_types=[("", "Review"), ("D000001", "")],
        keywords=[Keyword(text="synthetic", major=True, owner="NOTNLM")],
        source=SourceInfo(kind="snapshot", location=WHERE, record_id="90000051"),
        version=2, book_title="Synthetic Handbook")


@pytest.mark.parametrize(("pub_date", "expected"), [
    ("<Year>2020</Year><Month>13</Month><Day>2</Day>", PartialDate(year=2020)),
    ("<Year>2020</Year><Month>0</Month>", PartialDate(year=2020)),
    ("<Year>2020</Year><Month>12</Month><Day>31</Day>", PartialDate(year=2020, month=12, day=31)),
    ("<Year>2021</Year><Month>Feb</Month><Day>29</Day>", PartialDate(year=2021, month=2)),
    # No year: the month is kept, a day cannot be checked and is left out.
    ("<Season>Spring</Season><Month>Mar</Month><Day>5</Day>",
     PartialDate(month=3, text="Spring")),
    ("<MedlineDate>Spring-Summer</MedlineDate>", PartialDate(text="Spring-Summer")),
    ("", None),
], ids=["month-13", "month-0", "dec-31", "feb-29-2021", "no-year", "medline-date-no-year",
        "empty"])
def test_a_date_is_kept_only_as_far_as_it_exists(pub_date, expected):
    [article] = parse_bytes(_set(_journal_record("90000052", pub_date)), WHERE)
    assert article.pub_date == expected


def test_identifiers_skip_empty_ids_and_take_locations_valid_unless_marked_not():
    in_article = ('<ELocationID EIdType="pii">S0000-0000(20)00001-1</ELocationID>'
                  '<ELocationID EIdType="doi">10.5555/synthetic.location</ELocationID>')
    data = ('<PubmedData><ArticleIdList><ArticleId IdType="pmc"></ArticleId>'
            '<ArticleId>PMC111</ArticleId><ArticleId IdType="pmc">PMC777</ArticleId>'
            "</ArticleIdList></PubmedData>")
    [article] = parse_bytes(_set(_journal_record("90000055", in_article=in_article,
                                                 data=data)), WHERE)
    assert (article.pmcid, article.pii, article.doi) == (
        "PMC777", "S0000-0000(20)00001-1", "10.5555/synthetic.location")


# --------------------------------------------------------------------------- where from

DELETION = _set("<DeleteCitation><PMID>90000053</PMID></DeleteCitation>")


def test_a_record_names_where_it_came_from_when_no_location_is_given(tmp_path):
    assert list(iter_records(DELETION)) == [Deletion(("90000053",), "<bytes>")]
    assert list(iter_records(io.BytesIO(DELETION))) == [Deletion(("90000053",), "<stream>")]
    path = tmp_path / "synthetic-deletion.xml"
    path.write_bytes(DELETION)
    with path.open("rb") as handle:
        assert list(iter_records(handle)) == [Deletion(("90000053",), str(path))]


def test_parse_file_keeps_the_kind_of_source_given(tmp_path):
    path = tmp_path / "synthetic.xml"
    path.write_bytes(_set(_journal_record("90000054")))
    [article] = parse_file(path, source_kind="snapshot")
    assert article.source == SourceInfo(kind="snapshot", location=str(path),
                                        record_id="90000054")


# --------------------------------------------------------------------------- messages

RECORD_5 = "<PubmedArticle><MedlineCitation><PMID>5</PMID></MedlineCitation></PubmedArticle>"


@pytest.mark.parametrize(("content", "message"), [
    (b" \n", "empty input: no XML at all (expected a PubmedArticleSet)"),
    (b"\xef\xbb\xbf<?xml version='1.0'?>\n<PubmedArticleSet",
     "truncated or malformed XML at line 2 (before the first complete record): Couldn't "
     "find end of Start Tag PubmedArticleSet, line 2, column 18"),
    (b"\n\n<PubmedArticleSet",
     "truncated or malformed XML at line 3 (before the first complete record): Couldn't "
     "find end of Start Tag PubmedArticleSet, line 3, column 18"),
    (b"X<PubmedArticleSet></PubmedArticleSet>",
     "not PubMed XML (first element is <PubmedArticleSet>; XML error: Start tag expected, "
     f"'<' not found, line 1, column 1); {EXPECTED}"),
    # A comment names another element before the root: the root decides.
    (b"<!-- <html> -->\n<PubmedArticleSet>" + RECORD_5.encode()
     + b"<PubmedArticle><MedlineCitation><PMID>6</PMID>",
     "truncated or malformed XML at line 2 (after 1 complete record(s), last PMID 5, while "
     "reading PMID 6): Premature end of data in tag MedlineCitation line 2, line 2, "
     "column 145"),
    (b"<PubmedArticleSet><PubmedBookArticle><BookDocument><PMID>90000021</PMID><Book>",
     "truncated or malformed XML at line 1 (before the first complete record, while reading "
     "PMID 90000021): Premature end of data in tag Book line 1, line 1, column 79"),
    # An entity that is not expanded: libxml2 gives no line.
    (b"<PubmedArticleSet>&bogus;</PubmedArticleSet>",
     "truncated or malformed XML (before the first complete record): no element found"),
], ids=["blank", "bom", "blank-lines", "text-before-root", "comment", "book", "entity"])
def test_a_malformed_document_is_described_exactly(content, message):
    with pytest.raises(PubMedParseError) as info:
        parse_bytes(content, WHERE)
    assert info.value.message == message
    assert info.value.where == WHERE


def test_an_lxml_error_without_a_message_or_line_is_described_by_its_text():
    # lxml's ParserError is an LxmlError but no SyntaxError: it has neither msg nor lineno
    from lxml import etree

    from kg.sources.pubmed import _Progress, _syntax_message

    message = _syntax_message(etree.ParserError("Document is empty"), _Progress(),
                              b"<PubmedArticleSet>")
    assert message == ("truncated or malformed XML (before the first complete record): "
                       "Document is empty")


def test_an_article_date_without_a_type_is_the_electronic_one():
    in_article = ('<ArticleDate DateType="Print"><Year>2019</Year></ArticleDate>'
                  "<ArticleDate><Year>2020</Year><Month>05</Month><Day>04</Day></ArticleDate>")
    [article] = parse_bytes(_set(_journal_record("90000056", in_article=in_article)), WHERE)
    assert article.epub_date == PartialDate(year=2020, month=5, day=4)


# --------------------------------------------------------------------------- authors, DOIs, inputs


def _author(last: str, valid: str = "") -> str:
    return f"<Author{valid}><LastName>{last}</LastName></Author>"


def test_authors_are_the_authors_list_less_names_flagged_not_valid():
    # a book lists editors in an AuthorList of Type "editors", before or after its authors;
    # NLM keeps a misspelt name flagged ValidYN="N" beside its correction
    lists = ('<AuthorList Type="editors">' + _author("Editorname") + "</AuthorList>"
             "<AuthorList>" + _author("Untyped") + "</AuthorList>"
             '<AuthorList Type="authors">' + _author("Misspelt", ' ValidYN="N"')
             + _author("Corrected", ' ValidYN="Y"') + _author("Unflagged") + "</AuthorList>")
    [article] = parse_bytes(_set(_journal_record("90000061", in_article=lists)), WHERE)
    assert [a.last_name for a in article.authors] == ["Untyped", "Corrected", "Unflagged"]


def test_an_article_says_it_came_from_pubmed_xml_unless_told_otherwise():
    record = _set(_journal_record("90000062"))
    [article] = iter_records(record, location=WHERE)
    assert (article.source.kind, article.source.location) == ("pubmed-xml", WHERE)
    [article] = iter_records(record, source_kind="entrez-efetch", location=WHERE)
    assert article.source.kind == "entrez-efetch"


@pytest.mark.parametrize(("raw", "doi"), [
    ("doi: https://doi.org/10.1000/Syn.1 ", "10.1000/Syn.1"),
    ("10.1000", None),           # a prefix without a suffix
    ("abc/10.1000", None),       # a slash but no 10. prefix
    ("", None), (None, None),
])
def test_a_doi_is_a_10_prefix_and_a_suffix(raw, doi):
    from kg.sources.pubmed import normalise_doi
    assert normalise_doi(raw) == doi


def test_xml_text_given_as_a_path_is_refused_with_advice():
    with pytest.raises(PubMedParseError) as caught:
        list(iter_records("  \n<PubmedArticleSet></PubmedArticleSet>"))
    assert str(caught.value) == ("<str>: got XML text where a path was expected; pass bytes")


def test_a_text_stream_is_refused_with_advice():
    with pytest.raises(TypeError) as caught:
        list(iter_records(io.StringIO(_set(_journal_record("90000063")).decode())))
    assert str(caught.value) == ("iter_articles needs a binary stream "
                                 "(open the file with 'rb')")


def test_a_missing_file_is_named_as_given(tmp_path):
    missing = tmp_path / "absent.xml"
    for source in (str(missing), missing):
        with pytest.raises(PubMedParseError) as caught:
            list(iter_records(source))
        assert caught.value.where == str(missing)
    with pytest.raises(PubMedParseError) as caught:
        list(iter_records(missing, location="the update file"))
    assert caught.value.where == "the update file"


def test_codes_and_names_a_record_lacks_read_as_empty_never_as_made_up_text():
    from kg.model import MeshHeading, MeshQualifier

    record = ('<PubmedArticle><MedlineCitation><PMID Version="1">90000061</PMID><Article>'
              "<Journal><JournalIssue><PubDate><Year>2020</Year></PubDate></JournalIssue>"
              "</Journal><ArticleTitle>Synthetic title</ArticleTitle><PublicationTypeList>"
              "<PublicationType>Journal Article</PublicationType>"
              '<PublicationType UI="D016428"/></PublicationTypeList></Article>'
              "<MeshHeadingList><MeshHeading><DescriptorName>Synthetic Descriptor"
              '</DescriptorName><QualifierName UI="Q000000"/><QualifierName>therapy'
              '</QualifierName></MeshHeading><MeshHeading><DescriptorName UI="D000001"/>'
              "</MeshHeading></MeshHeadingList></MedlineCitation></PubmedArticle>")
    [article] = parse_bytes(_set(record), WHERE)
    assert article.publication_types == [("", "Journal Article"), ("D016428", "")]
    assert article.mesh_headings == [
        MeshHeading(descriptor_ui="", descriptor_name="Synthetic Descriptor", major=False,
                    qualifiers=[MeshQualifier(ui="Q000000", name="", major=False),
                                MeshQualifier(ui="", name="therapy", major=False)]),
        MeshHeading(descriptor_ui="D000001", descriptor_name="", major=False, qualifiers=[])]


def test_a_pubmed_article_set_inside_another_document_is_not_one():
    content = b"<Wrapper>" + _set(_journal_record("90000062")) + b"</Wrapper>"
    with pytest.raises(PubMedParseError) as caught:
        parse_bytes(content, WHERE)
    assert str(caught.value) == (f"{WHERE}: not PubMed XML (root element is <Wrapper>); "
                                 f"{EXPECTED}")


def test_a_gzip_stream_that_breaks_while_read_is_named_with_the_reason():
    class _BrokenGzip(io.RawIOBase):
        def readable(self):
            return True

        def read(self, size=-1):
            raise EOFError("Compressed file ended before the end-of-stream marker was reached")

    with pytest.raises(PubMedParseError) as caught:
        list(iter_records(_BrokenGzip(), location="live"))
    assert str(caught.value) == ("live: corrupt or truncated gzip data: Compressed file ended "
                                 "before the end-of-stream marker was reached")


def test_a_released_record_is_emptied_and_the_records_before_it_freed():
    # What keeps memory flat over a 30,000-record baseline file.
    from lxml import etree

    from kg.sources.pubmed import _release

    root = etree.fromstring(b"<PubmedArticleSet><A>1<x/></A>\n<B>2<y/></B>\n<C>3</C>"
                            b"</PubmedArticleSet>")
    done = root[1]
    _release(done)
    assert [child.tag for child in root] == ["B", "C"]
    assert (done.text, len(done), done.tail) == (None, 0, None)
    _release(root[1])
    assert [child.tag for child in root] == ["C"]


def test_the_reader_keeps_exactly_the_first_bytes_however_the_stream_is_cut():
    # The head names what a non-PubMed input was; a network stream gives short reads.
    from kg.sources.pubmed import _Reader
    from kg.sources.pubmed_files import HEAD_BYTES

    data = bytes(range(256)) * (HEAD_BYTES // 256 + 40)
    stream = io.BytesIO(data)
    reader = _Reader(stream, WHERE)
    got = b""
    while chunk := reader.read(1000):
        got += chunk
    assert got == data
    assert reader.head == data[:HEAD_BYTES]
