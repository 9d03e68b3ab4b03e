"""Tests of kg.sources.pubmed against genuine EFetch responses, the shipped snapshot and
synthetic fixtures for cases the real data lacks (``tests/fixtures/pubmed/synthetic-*.xml``)."""

from __future__ import annotations

import io
import re
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.errors import PubMedParseError, SourceError
from kg.model import Article, PartialDate
from kg.sources.pubmed import (
    iter_articles,
    normalise_doi,
    normalise_orcid,
    parse_bytes,
    parse_file,
)

ROOT = Path(__file__).resolve().parents[2]
ENTREZ = ROOT / "tests" / "fixtures" / "entrez"
SYNTHETIC = ROOT / "tests" / "fixtures" / "pubmed"
SNAPSHOT = ROOT / "data" / "snapshot" / "pubmed"


def by_pmid(articles: list[Article]) -> dict[str, Article]:
    return {a.pmid: a for a in articles}


def normalised(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------------------- genuine EFetch


def test_pubmed1_first_record_fields():
    articles = parse_file(ENTREZ / "pubmed1.xml")
    assert [a.pmid for a in articles] == ["12091962", "9997"]
    art = articles[0]
    assert art.title == "The treatment of AIDS behind the walls of correctional facilities."
    assert art.journal.title == "Social justice (San Francisco, Calif.)"
    assert art.journal.iso_abbreviation == "Soc Justice"
    assert art.journal.medline_ta == "Soc Justice"
    assert art.journal.nlm_unique_id == "9891830"
    assert art.journal.issn_print == "1043-1578"
    assert art.journal.issn_electronic is None
    assert art.journal.issn_linking == "1043-1578"
    assert (art.volume, art.issue) == ("17", "1")
    assert (art.pages, art.start_page, art.end_page) == ("113-25", "113", "125")
    # <PubDate><Year>1990</Year><Season>Spring</Season>: no month to claim, the words kept
    assert art.pub_date == PartialDate(year=1990, text="1990 Spring")
    assert art.publication_types == [("D016428", "Journal Article"), ("D016454", "Review")]
    assert art.abstract == []
    assert art.doi is None and art.pmcid is None
    assert [(a.last_name, a.fore_name, a.initials) for a in art.authors] == [
        ("Olivero", "J Michael", "JM")
    ]
    assert len(art.mesh_headings) == 19
    majors = [h.descriptor_name for h in art.mesh_headings if h.major]
    assert majors == [
        "Acquired Immunodeficiency Syndrome",
        "HIV Seropositivity",
        "Jurisprudence",
        "Prisoners",
        "Public Policy",
    ]
    assert art.mesh_headings[-1].descriptor_ui == "D014481"
    assert [(k.text, k.owner, k.major) for k in art.keywords] == [
        ("Health Care and Public Health", "KIE", False),
        ("Legal Approach", "KIE", False),
    ]
    assert art.source.kind == "pubmed-xml"
    assert art.source.record_id == "12091962"
    assert art.source.location == str(ENTREZ / "pubmed1.xml")


def test_pubmed1_second_record_chemicals_mesh_and_ids():
    art = parse_file(ENTREZ / "pubmed1.xml")[1]
    assert art.pub_date == PartialDate(year=1976, month=9, day=28)  # Month "Sep"
    assert art.doi == "10.1016/0005-2795(76)90109-4"
    assert art.pii == "0005-2795(76)90109-4"
    assert len(art.abstract) == 1
    assert art.abstract[0].label is None
    assert art.abstract[0].text.startswith("Electron paramagnetic resonance and magnetic")
    assert [(c.name, c.ui, c.registry_number) for c in art.chemicals] == [
        ("Cytochrome c Group", "D003574", None),  # RegistryNumber "0" means none
        ("Flavins", "D005415", None),
        ("Heme", "D006418", "42VZT0U6YR"),
        ("Iron", "D007501", "E1UOL152H7"),
    ]
    chromatium = next(h for h in art.mesh_headings if h.descriptor_ui == "D002844")
    assert chromatium.major is False
    assert [(q.ui, q.name, q.major) for q in chromatium.qualifiers] == [
        ("Q000201", "enzymology", True)
    ]


def test_pubmed2_affiliations_entities_and_escaped_qualifiers():
    first, second = parse_file(ENTREZ / "pubmed2.xml")
    assert first.pmid == "11748933"
    assert first.pub_date.iso() == "2001-06"
    assert [a.last_name for a in first.authors][:3] == ["Taddei", "Barbato", "Abelli"]
    assert len(first.authors) == 8
    assert first.authors[0].affiliations == [
        "Dipartimento di Scienze Ambientali, Università degli Studi della Tuscia, "
        "01100 Viterbo, Italy."
    ]
    assert first.authors[1].affiliations == []
    bream = next(h for h in first.mesh_headings if h.descriptor_name == "Sea Bream")
    assert [(q.name, q.major) for q in bream.qualifiers] == [
        ("anatomy & histology", True),
        ("physiology", False),
    ]
    assert "(P < 0.001)" in first.abstract[0].text
    assert second.title == "Proton MRI of (13)C distribution by J and chemical shift editing."
    assert second.authors[-1].last_name == "De Luca"
    assert second.mesh_headings == []  # PubMed-not-MEDLINE: never indexed
    assert second.doi == "10.1006/jmre.2001.2429"


def test_pubmed4_markup_structured_abstract_and_ids():
    [art] = parse_file(ENTREZ / "pubmed4.xml")
    # The record's own PMID, not one of the 50 CommentsCorrections PMIDs inside it.
    assert art.pmid == "27797938"
    assert art.title == (
        "Leucocyte telomere length, genetic variants at the TERT gene region "
        "and risk of pancreatic cancer."
    )
    assert [s.label for s in art.abstract] == ["OBJECTIVE", "DESIGN", "RESULTS", "CONCLUSIONS"]
    assert all(s.category is None for s in art.abstract)
    results = art.abstract[2].text
    assert "95% CI 1.07 to 2.78; ptrend=0.048)" in results  # p<sub>trend</sub>
    assert "(linkage disequilibrium r2<0.25)" in results  # r<sup>2</sup>&lt;0.25
    assert "\n" not in results and "  " not in results
    assert art.journal.issn_electronic == "1468-3288"
    assert art.journal.issn_print is None
    assert art.journal.issn_linking == "0017-5749"
    assert art.journal.nlm_unique_id == "2985108R"
    assert art.pub_date == PartialDate(year=2017, month=6)
    assert art.epub_date == PartialDate(year=2016, month=10, day=21)
    assert art.doi == "10.1136/gutjnl-2016-312510"
    assert art.pmcid == "PMC5442267"
    assert art.pii == "gutjnl-2016-312510"
    assert (art.pages, art.start_page, art.end_page) == ("1116-1122", None, None)
    assert art.publication_types[1] == ("D064888", "Observational Study")
    assert len(art.publication_types) == 5
    assert art.authors[2].last_name == "Yuan"
    assert len(art.authors[2].affiliations) == 2
    assert art.authors[-1].display_name == "Brian M Wolpin"
    assert {c.registry_number for c in art.chemicals} == {"EC 2.7.7.49"}
    assert [(k.text, k.major, k.owner) for k in art.keywords] == [
        ("PANCREATIC CANCER", True, "NOTNLM")
    ]
    telomerase = next(h for h in art.mesh_headings if h.descriptor_ui == "D019098")
    assert [(q.name, q.major) for q in telomerase.qualifiers] == [("genetics", True)]
    assert next(h for h in art.mesh_headings if h.descriptor_ui == "D059506").major is True


# --------------------------------------------------------------------------- snapshot

# pmid: (doi, pmcid, number of authors, first author, pub date, epub date, volume, pages)
SNAPSHOT_EXPECTED = {
    "25428504": (None, "PMC4836193", 0, None, "2014", None, "515", "563-7"),
    "26808342": ("10.3322/caac.21338", None, 9, "Wanqing Chen", "2016", None, "66", "115-32"),
    "27058901": ("10.18632/oncotarget.8573", "PMC5078105", 14, "Pu-Yun OuYang", "2016", None,
                 "7", "33408-33417"),
    "27574444": ("10.2147/OTT.S105862", "PMC4990391", 0, None, "2016", None, "9", "5023-39"),
    "28837405": ("10.1200/JCO.2017.73.3675", None, 13, "Chiun Hsu", "2017-12-20",
                 "2017-08-24", "35", "4050-4056"),
    "29301831": ("10.1158/1078-0432.CCR-17-1667", None, 0, None, "2018-03-01", "2018-01-04",
                 "24", "1030-1037"),
    "30098152": ("10.1001/jamaoncol.2018.3039", "PMC6248083", 22, "Baohui Han", "2018-11-01",
                 None, "4", "1569-1575"),
    "30207593": ("10.3322/caac.21492", None, 6, "Freddie Bray", "2018-11", "2018-09-12", "68",
                 "394-424"),
    "34111416": ("10.1016/S0140-6736(21)01123-5", None, 44, "Yu-Pei Chen", "2021",
                 "2021-06-07", "398", "303-313"),
    "34174189": ("10.1016/S1470-2045(21)00302-8", None, 35, "Yunpeng Yang", "2021-08", None,
                 "22", "1162-1174"),
    "34341578": ("10.1038/s41591-021-01444-0", None, 37, "Hai Qiang Mai", "2021-09",
                 "2021-08-02", "27", "1536-1543"),
    "35154567": (None, None, 12, "Meng Yuan", "2022", None, None, None),
    "36535566": ("10.1016/j.annonc.2022.12.007", None, 26, "A T C Chan", "2023-03",
                 "2022-12-16", "34", "251-261"),
    "37207654": ("10.1016/j.ccell.2023.04.014", None, 30, "Yunpeng Yang", "2023-06-12",
                 "2023-05-18", "41", "1061-1072.e4"),
}  # fmt: skip


def test_snapshot_holds_the_expected_files():
    assert sorted(p.stem for p in SNAPSHOT.glob("*.xml")) == sorted(SNAPSHOT_EXPECTED)


@pytest.mark.parametrize("pmid", sorted(SNAPSHOT_EXPECTED))
def test_snapshot_record(pmid):
    path = SNAPSHOT / f"{pmid}.xml"
    [art] = parse_file(path)
    doi, pmcid, n_authors, first, pub, epub, volume, pages = SNAPSHOT_EXPECTED[pmid]
    assert art.pmid == pmid
    assert art.source.record_id == pmid and art.source.location == str(path)
    assert art.doi == doi
    assert art.pmcid == pmcid
    assert len(art.authors) == n_authors
    assert (art.authors[0].display_name if art.authors else None) == first
    assert art.pub_date.iso() == pub
    assert (art.epub_date.iso() if art.epub_date else None) == epub
    assert (art.volume, art.pages) == (volume, pages)
    assert art.title and art.journal.iso_abbreviation == art.journal.medline_ta
    # Transcribed records carry no MeSH, abstract or publication types: absent is empty.
    assert (art.mesh_headings, art.abstract, art.publication_types) == ([], [], [])


def test_snapshot_jupiter02_journal_and_authors():
    [art] = parse_file(SNAPSHOT / "34341578.xml")
    assert art.title.startswith("Toripalimab or placebo plus chemotherapy as first-line")
    assert art.journal.issn_electronic == "1546-170X"
    assert art.journal.issn_linking == "1078-8956"
    assert art.journal.iso_abbreviation == "Nat Med"
    assert art.journal.title is None
    assert (art.start_page, art.end_page, art.issue) == ("1536", "1543", "9")
    assert art.authors[-1].display_name == "Rui Hua Xu"
    assert art.authors[0].initials == "HQ"


def test_snapshot_keywords_and_erratum_pmid_ignored():
    [rationale] = parse_file(SNAPSHOT / "37207654.xml")
    assert [k.text for k in rationale.keywords][:3] == [
        "PD-1 inhibitor",
        "biomarker",
        "clinical trial",
    ]
    assert {(k.owner, k.major) for k in rationale.keywords} == {("NOTNLM", False)}
    assert rationale.languages == ["eng"]
    assert (rationale.start_page, rationale.end_page) == ("1061", "1072.e4")
    # 30207593 carries an ErratumIn CommentsCorrections with PMID 32767693.
    [globocan] = parse_file(SNAPSHOT / "30207593.xml")
    assert globocan.pmid == "30207593"


# --------------------------------------------------------------------------- synthetic


def test_synthetic_authors_orcid_collective_suffix():
    [art] = parse_file(SYNTHETIC / "synthetic-authors.xml")
    names = [a.display_name for a in art.authors]
    # The ValidYN="N" misspelling "Josia Carbery" is dropped; order otherwise kept.
    assert names == [
        "Josiah S Carberry",
        "Zoë Müller-Lüdenscheidt",
        "Rui-Hua Xu",
        "Ina Typo",
        "JUPITER-02 Synthetic Investigators",
    ]
    carberry, muller, xu, typo, group = art.authors
    assert carberry.suffix == "Jr"
    assert carberry.orcid == "0000-0002-1825-0097"  # from http://orcid.org/...
    assert carberry.affiliations == [
        "Department of Psychoceramics, Brown University, Providence, RI, USA.",
        "Sun Yat-sen University Cancer Center, Guangzhou, China.",
    ]
    assert muller.orcid == "0000-0001-5109-3700"  # from https://orcid.org/...
    assert xu.orcid == "0000-0002-1694-233X"  # from 16 bare characters
    assert typo.orcid is None  # wrong check digit
    assert group.collective_name == "JUPITER-02 Synthetic Investigators"
    assert (group.last_name, group.fore_name) == (None, None)
    assert art.doi == "10.5555/Synthetic.AUTHORS.1"  # "doi:" stripped, case kept
    assert art.pmcid == "PMC9000001"
    assert (art.journal.issn_print, art.journal.issn_electronic) == ("1078-8956", "1546-170X")
    assert (art.pages, art.start_page, art.end_page) == ("e101", "e101", None)


def test_synthetic_edge_fields():
    arts = by_pmid(parse_file(SYNTHETIC / "synthetic-edge-fields.xml"))
    art = arts["90000011"]
    assert art.title == ('Safe <script>alert(1)</script> & "quoted" title with 131I and t1/2')
    assert art.pub_date == PartialDate(year=2016, text="2016 Mar-Apr")
    assert art.pub_date.iso() == "2016"
    assert [(s.label, s.category) for s in art.abstract] == [
        ("BACKGROUND", "BACKGROUND"),
        ("METHODS", "METHODS"),
        ("TRIAL REGISTRATION", "UNASSIGNED"),
    ]  # the empty CONCLUSIONS section is dropped
    assert art.abstract[1].text == "Patients received gemcitabine (1000 mg/m2) and cisplatin."
    assert [(b.name, b.accessions) for b in art.databanks] == [
        ("ClinicalTrials.gov", ["NCT03581786", "NCT03924986"]),
        ("ChiCTR", ["ChiCTR1800016003"]),
    ]
    assert art.nct_ids == ["NCT03581786", "NCT03924986"]
    assert art.doi == "10.5555/Synthetic.EDGE.11"  # https://doi.org/ stripped
    assert art.pii == "S0000-0000(16)00011-1"
    assert [(c.name, c.registry_number) for c in art.chemicals] == [
        ("toripalimab", None),
        ("Cisplatin", "Q20Q21Q62J"),
    ]
    assert [(k.text, k.major, k.owner) for k in art.keywords] == [
        ("nasopharyngeal carcinoma", False, "NOTNLM"),
        ("PD-1", True, "NOTNLM"),
        ("space biology", False, "NASA"),
    ]
    assert art.mesh_headings[0].qualifiers[0].major is True

    vernacular = arts["90000012"]
    assert vernacular.title == "鼻咽癌的合成记录"  # empty ArticleTitle falls back
    assert vernacular.doi is None  # ValidYN="N" ELocationID and a cited work's DOI ignored
    assert vernacular.pub_date == PartialDate(year=1990, text="1990 Spring")
    assert vernacular.languages == ["chi", "eng"]

    minimal = arts["90000013"]
    assert minimal.pub_date == PartialDate(year=2019, month=9)  # "Sept" 31 does not exist
    assert minimal.epub_date == PartialDate(year=2019, month=1, day=2)
    assert (minimal.pages, minimal.pii) == ("7-9", "e0013")
    assert minimal.journal.title is None and minimal.authors == []


def test_synthetic_book_record_and_delete_citation():
    book, article = parse_file(SYNTHETIC / "synthetic-book-and-delete.xml")
    assert book.pmid == "90000021"
    assert book.title == "Nasopharyngeal carcinoma"
    assert [a.display_name for a in book.authors] == ["Wanda Writer"]  # editors left out
    assert book.doi == "10.5555/book.ch1"
    assert book.pub_date == PartialDate(year=2020, month=1)
    assert book.publication_types == [("D016454", "Review")]
    assert book.abstract[0].text == "A chapter."
    assert article.pmid == "90000022" and article.title == "After the book"


# --------------------------------------------------------------------------- API shapes


def test_sources_bytes_stream_and_location():
    data = (ENTREZ / "pubmed1.xml").read_bytes()
    expected = [a.pmid for a in parse_file(ENTREZ / "pubmed1.xml")]
    from_bytes = parse_bytes(data, "https://eutils.example/efetch?id=1")
    assert [a.pmid for a in from_bytes] == expected
    assert from_bytes[0].source.location == "https://eutils.example/efetch?id=1"
    stream = io.BytesIO(data)
    from_stream = list(iter_articles(stream, source_kind="entrez-efetch", location="cache/x"))
    assert [a.pmid for a in from_stream] == expected
    assert from_stream[1].source.kind == "entrez-efetch"
    assert not stream.closed  # a caller's stream is left open
    assert [a.pmid for a in iter_articles(str(ENTREZ / "pubmed1.xml"))] == expected
    assert parse_bytes(b"<PubmedArticleSet>\n</PubmedArticleSet>", "empty-set") == []


class _FailsAfterFirstRecord(io.RawIOBase):
    """A stream that hands out the document up to the end of its first record, then fails:
    a parser that reads ahead of what it yields cannot give even the first article."""

    def __init__(self, data: bytes):
        self._first = data[: data.index(b"</PubmedArticle>") + len(b"</PubmedArticle>")]
        self.reads = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        self.reads += 1
        # Reading to the end (no size) would cross the failure too.
        if self.reads > 1 or size is None or size < 0:
            raise OSError("the network went away after the first record")
        return self._first


def test_iter_articles_is_lazy():
    stream = _FailsAfterFirstRecord((ENTREZ / "pubmed1.xml").read_bytes())
    gen = iter_articles(stream, location="live")
    assert next(gen).pmid == "12091962"
    assert stream.reads == 1
    with pytest.raises(PubMedParseError) as caught:
        next(gen)
    assert str(caught.value) == ("live: cannot read input: the network went away after the "
                                 "first record")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("10.1038/s41591-021-01444-0", "10.1038/s41591-021-01444-0"),
        ("doi:10.1038/S41591", "10.1038/S41591"),
        ("DOI: 10.1/x", "10.1/x"),
        ("https://doi.org/10.1/x", "10.1/x"),
        ("http://dx.doi.org/10.1/x", "10.1/x"),
        ("  10.1/x ", "10.1/x"),
        ("S0140-6736(21)01123-5", None),
        ("", None),
        (None, None),
    ],
)
def test_normalise_doi(raw, expected):
    assert normalise_doi(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0000-0002-1825-0097", "0000-0002-1825-0097"),
        ("http://orcid.org/0000-0002-1825-0097", "0000-0002-1825-0097"),
        ("https://orcid.org/0000-0002-1694-233x", "0000-0002-1694-233X"),
        ("0000000218250097", "0000-0002-1825-0097"),
        ("0000-0002-1825-0098", None),  # bad check digit
        ("0000-0002-1825", None),
        ("not an orcid", None),
        (None, None),
    ],
)
def test_normalise_orcid(raw, expected):
    assert normalise_orcid(raw) == expected


# --------------------------------------------------------------------------- errors


def test_truncated_file_names_file_last_pmid_and_record(tmp_path):
    data = (ENTREZ / "pubmed1.xml").read_bytes()
    cut = data.index(b"<AbstractText>") + 200  # inside the second record's abstract
    path = tmp_path / "cut.xml"
    path.write_bytes(data[:cut])
    with pytest.raises(PubMedParseError) as info:
        parse_file(path)
    err = info.value
    assert isinstance(err, SourceError)
    assert err.where == str(path)
    assert "last PMID 12091962" in err.message
    assert "while reading PMID 9997" in err.message
    assert "line 4" in err.message
    assert str(path) in str(err)


def test_streaming_yields_records_before_the_error():
    data = (ENTREZ / "pubmed1.xml").read_bytes()
    cut = data.index(b"<AbstractText>") + 200
    seen = []
    with pytest.raises(PubMedParseError, match="^cut: "):
        for art in iter_articles(data[:cut], location="cut"):
            seen.append(art.pmid)
    assert seen == ["12091962"]
    with pytest.raises(PubMedParseError, match="^cut: "):  # all-or-nothing
        parse_bytes(data[:cut], "cut")


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "empty input"),
        (b"  \n\t", "empty input"),
        (
            b"<eFetchResult><ERROR>Empty id list - nothing todo</ERROR></eFetchResult>",
            "NCBI returned an error instead of records: Empty id list - nothing todo",
        ),
        (b"<html><body><h1>502 Bad Gateway</h1></body></html>", "root element is <html>"),
        (
            b"<!DOCTYPE html><html><head><meta charset=utf-8></head></html>",
            "first element is <html>",
        ),
        (b'{"error":"API rate limit exceeded","count":"4"}', "looks like JSON"),
        (b"<foo><PubmedArticle/></foo>", "root element is <foo>"),
        (b"<PubmedArticleSet><PubmedArticle/></PubmedArticleSet>", "record 1: no PMID"),
        (b"<PubmedArticleSet><PubmedArticle><Medline", "before the first complete record"),
        (b"not xml at all", "not PubMed XML"),
    ],
)
def test_bad_documents_raise_clear_errors(data, fragment):
    with pytest.raises(PubMedParseError) as info:
        parse_bytes(data, "response.xml")
    assert fragment in info.value.message
    assert info.value.where == "response.xml"


def test_missing_file_is_a_parse_error(tmp_path):
    with pytest.raises(PubMedParseError, match="cannot read file"):
        parse_file(tmp_path / "absent.xml")


def test_xml_text_passed_as_path_is_refused():
    with pytest.raises(PubMedParseError, match="pass bytes"):
        parse_file("<PubmedArticleSet/>")


def test_no_network_or_dtd_or_entity_expansion():
    # An external entity must not be fetched or read, and internal ones stay unexpanded.
    doc = (
        b'<!DOCTYPE PubmedArticleSet [<!ENTITY ext SYSTEM "file:///etc/passwd">'
        b'<!ENTITY big "BIG">]><PubmedArticleSet><PubmedArticle><MedlineCitation>'
        b"<PMID>1</PMID><Article><ArticleTitle>a &ext; b &big;</ArticleTitle></Article>"
        b"</MedlineCitation></PubmedArticle></PubmedArticleSet>"
    )
    [art] = parse_bytes(doc, "entities.xml")
    assert "root:" not in art.title and "BIG" not in art.title


# --------------------------------------------------------------------------- properties

# Characters XML 1.0 can carry: no surrogates, no C0/C1 controls except tab, LF and CR.
XML_TEXT = st.text(
    st.characters(
        exclude_categories=("Cs", "Cc", "Cn"),
        include_characters="\t\n\r",
    ),
    max_size=80,
)


def _document(title: str, label: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<PubmedArticleSet><PubmedArticle>'
        "<MedlineCitation><PMID>1</PMID><Article>"
        f"<ArticleTitle>{escape(title)}</ArticleTitle>"
        f"<Abstract><AbstractText Label={quoteattr(label)}>x</AbstractText></Abstract>"
        "</Article></MedlineCitation></PubmedArticle></PubmedArticleSet>"
    ).encode()


@given(title=XML_TEXT, label=XML_TEXT)
@settings(max_examples=200, deadline=None)
def test_escaped_text_round_trips(title, label):
    [art] = parse_bytes(_document(title, label), "prop.xml")
    assert art.title == (normalised(title) or None)
    assert art.abstract[0].label == (normalised(label) or None)


TRUNCATION_DOC = (
    (SYNTHETIC / "synthetic-authors.xml").read_bytes().split(b"</PubmedArticleSet>")[0]
    + re.search(
        rb"<PubmedArticle>.*</PubmedArticle>",
        (SYNTHETIC / "synthetic-edge-fields.xml").read_bytes(),
        re.S,
    ).group(0)
    + b"\n</PubmedArticleSet>\n"
)
FULL = parse_bytes(TRUNCATION_DOC, "t.xml")
RECORD_ENDS = [m.end() for m in re.finditer(rb"</PubmedArticle>", TRUNCATION_DOC)]


def test_truncation_document_is_whole():
    assert [a.pmid for a in FULL] == ["90000001", "90000011", "90000012", "90000013"]


@given(cut=st.integers(min_value=0, max_value=len(TRUNCATION_DOC)))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_truncation_yields_complete_records_or_parse_error(cut):
    data = TRUNCATION_DOC[:cut]
    seen: list[Article] = []
    failed = False
    try:
        for art in iter_articles(data, location="t.xml"):
            seen.append(art)
    except PubMedParseError:
        failed = True
    assert seen == FULL[: len(seen)]
    if failed:
        # every record whose end tag was inside the cut came out before the error
        assert len(seen) == sum(end <= cut for end in RECORD_ENDS)
    else:
        assert seen == FULL
    try:
        assert parse_bytes(data, "t.xml") == FULL
    except PubMedParseError:
        assert failed


# --------------------------------------------------------------------------- memory


def _rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_memory_stays_flat_while_streaming(tmp_path):
    records = re.findall(
        rb"<PubmedArticle>.*?</PubmedArticle>", (ENTREZ / "pubmed1.xml").read_bytes(), re.S
    )
    path = tmp_path / "many.xml"
    with path.open("wb") as out:
        out.write(b"<PubmedArticleSet>\n")
        for i in range(6000):
            out.write(records[i % 2].replace(b'<PMID Version="1">', b'<PMID Version="1">7%d' % i))
        out.write(b"</PubmedArticleSet>\n")
    count = 0
    for count, _art in enumerate(iter_articles(path), 1):
        if count == 1000:
            early = _rss_mb()
    # Keeping every record's tree would add well over 100 MB for these 5,000 records.
    assert count == 6000
    assert _rss_mb() - early < 40


def test_stream_read_failure_is_a_parse_error():
    class Dropped(io.RawIOBase):
        calls = 0

        def readable(self) -> bool:
            return True

        def read(self, size: int = -1) -> bytes:
            self.calls += 1
            if self.calls == 1:
                return b"<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>5</PMID>"
            raise OSError("connection reset")

    with pytest.raises(PubMedParseError, match="connection reset") as info:
        list(iter_articles(Dropped(), location="https://eutils.example/efetch"))
    assert info.value.where == "https://eutils.example/efetch"
