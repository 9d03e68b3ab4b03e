"""Streaming parser of PubMed XML (``PubmedArticleSet``) into :class:`kg.model.Article`:
EFetch answers and NLM's baseline and update files as distributed (``.xml.gz`` read on the
fly, never unpacked to disk; the DOCTYPE line; ``PubmedArticle`` and ``PubmedBookArticle``;
``DeleteCitation``). Which record of a repeated PMID is the article, and the order files
are applied in, is decided in :mod:`kg.sources.pubmed_files`.

Why not ``Bio.Entrez.read``: measured on 1,000 EFetch records it is 7-13x slower than an
``iterparse`` over the same bytes; it holds a whole batch in memory because in biopython
1.88 ``Entrez.parse`` refuses a ``PubmedArticleSet`` ("does not represent a list"); and when a
response names a DTD it does not bundle it tries to download it, which fails offline.

So this module streams with ``lxml.etree.iterparse``, clears each record once it is turned into
an ``Article`` (100k records stay in bounded memory), and keeps libxml2 away from DTDs, the
network and entity expansion: a PubMed file needs none of them (NCBI writes characters as
numeric references; NLM's DOCTYPE line names a DTD that is never fetched), and a hostile
file cannot make the parser fetch or expand anything. ``huge_tree`` stays off: libxml2's
limits apply to one text node and nesting depth, not to the size of the document, so a
100k-record file streams without it.

Absent elements are normal (transcribed snapshot records lack MeSH, abstracts, publication
types...): they become ``None`` or ``[]``, never an error. A record without a usable PMID is a
:class:`BadRecord` in :func:`iter_records` (the caller decides whether to skip it);
malformed, truncated, empty, corrupt gzip or non-PubMed input raises
:class:`PubMedParseError` naming the file and the last PMID read.
"""

from __future__ import annotations

import calendar
import gzip
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from kg.errors import PubMedParseError
from kg.model import (
    AbstractSection,
    Article,
    Author,
    Chemical,
    DataBank,
    Journal,
    Keyword,
    MeshHeading,
    MeshQualifier,
    PartialDate,
    SourceInfo,
)
from kg.sources.pubmed_files import (
    GZIP_ERRORS,
    HEAD_BYTES,
    ROOT,
    BadRecord,
    Deletion,
    check_pmid,
    first_element,
    gzip_message,
    not_pubmed,
    open_for_reading,
    parse_version,
    sniff,
    version_problem,
)

__all__ = ["BadRecord", "Deletion", "iter_articles", "iter_records", "normalise_doi",
           "normalise_orcid", "parse_bytes", "parse_file"]

_ROOT = ROOT
_JOURNAL_RECORD = "PubmedArticle"
_BOOK_RECORD = "PubmedBookArticle"
_DELETE = "DeleteCitation"
_WATCHED = (_ROOT, _JOURNAL_RECORD, _BOOK_RECORD, _DELETE)
_SAFE_PARSER = {
    "no_network": True,
    "load_dtd": False,
    "resolve_entities": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}
Record = Article | Deletion | BadRecord

# --------------------------------------------------------------------------- public API


def iter_records(
    source: str | Path | bytes | BinaryIO,
    *,
    source_kind: str = "pubmed-xml",
    location: str | None = None,
) -> Iterator[Record]:
    """Yield, in document order, an Article per record, a Deletion per ``DeleteCitation``
    block and a BadRecord per record that cannot become an Article (no PMID, a PMID that is
    not a number...), without holding the document.

    ``source`` is a path (``str`` or ``Path``; gzip or plain), the document's bytes, or a
    binary stream. File-level problems raise PubMedParseError, possibly after some records
    were yielded.
    """
    where = location or _describe(source)
    stream, closer = _open(source, where)
    try:
        yield from _records(_Reader(stream, where), where, source_kind)
    finally:
        if closer is not None:
            closer.close()


def iter_articles(
    source: str | Path | bytes | BinaryIO,
    *,
    source_kind: str = "pubmed-xml",
    location: str | None = None,
) -> Iterator[Article]:
    """The Articles of :func:`iter_records`; a bad record raises PubMedParseError, and
    deletions are left out (an EFetch answer has none; builds that apply NLM files use
    ``iter_records``). Because it streams, an error can come after some articles were
    yielded; use :func:`parse_file` or :func:`parse_bytes` for all-or-nothing."""
    for item in iter_records(source, source_kind=source_kind, location=location):
        if isinstance(item, Article):
            yield item
        elif isinstance(item, BadRecord):
            raise item.error()


def parse_file(path: str | Path, *, source_kind: str = "pubmed-xml") -> list[Article]:
    """Every article of a file, or a PubMedParseError and nothing."""
    return list(iter_articles(path, source_kind=source_kind, location=str(path)))


def parse_bytes(data: bytes, location: str, *, source_kind: str = "pubmed-xml") -> list[Article]:
    """Every article of an in-memory document (e.g. an EFetch body), or an error and nothing."""
    return list(iter_articles(data, source_kind=source_kind, location=location))


# --------------------------------------------------------------------------- reading


def _describe(source: str | Path | bytes | BinaryIO) -> str:
    if isinstance(source, (str, Path)):
        return str(source)
    if isinstance(source, (bytes, bytearray)):
        return "<bytes>"
    return str(getattr(source, "name", None) or "<stream>")


def _open(source: str | Path | bytes | BinaryIO, where: str):
    """A binary stream over the source, and what to close afterwards (None: the caller's)."""
    if isinstance(source, (bytes, bytearray)):
        data = io.BytesIO(bytes(source))
        stream = gzip.GzipFile(fileobj=data) if source[:2] == b"\x1f\x8b" else data
        return stream, stream
    if isinstance(source, str) and source.lstrip().startswith("<"):
        raise PubMedParseError("got XML text where a path was expected; pass bytes", where="<str>")
    if isinstance(source, (str, Path)):
        return open_for_reading(source, where)
    return source, None


class _Reader:
    """Feeds lxml while keeping the first bytes, to name what a non-PubMed input was."""

    def __init__(self, stream: BinaryIO, where: str):
        self._stream = stream
        self._where = where
        self.head = b""

    def read(self, size: int = -1) -> bytes:
        try:
            data = self._stream.read(size)
        except GZIP_ERRORS as exc:
            raise PubMedParseError(gzip_message(exc), where=self._where) from None
        except OSError as exc:
            raise PubMedParseError(f"cannot read input: {exc}", where=self._where) from exc
        if not isinstance(data, bytes):
            raise TypeError("iter_articles needs a binary stream (open the file with 'rb')")
        if len(self.head) < HEAD_BYTES:
            self.head += data[: HEAD_BYTES - len(self.head)]
        return data


class _Bad(Exception):
    """A record-level problem, turned into a BadRecord by the loop."""

    def __init__(self, pmid: str | None, problem: str):
        super().__init__(problem)
        self.pmid, self.problem = pmid, problem


def _records(reader: _Reader, where: str, kind: str) -> Iterator[Record]:
    """The iterparse loop: check the root, turn each record into an Article, release it."""
    events = etree.iterparse(reader, events=("start", "end"), tag=_WATCHED, **_SAFE_PARSER)
    progress = _Progress()
    try:
        for event, elem in events:
            if event == "start":
                progress.start(elem, where)
            elif elem.tag in (_JOURNAL_RECORD, _BOOK_RECORD):
                number = progress.count + 1
                try:
                    item: Record = _article(elem, kind, where)
                except _Bad as bad:
                    item = BadRecord(number, bad.pmid, where, bad.problem)
                progress.done(item.pmid)
                _release(elem)
                yield item
            elif elem.tag == _DELETE:
                pmids = tuple(p for p in map(_text, elem.iterfind("PMID")) if p)
                _release(elem)
                yield Deletion(pmids, where)
    except etree.LxmlError as exc:
        raise PubMedParseError(_syntax_message(exc, progress, reader.head), where=where) from exc
    if not progress.seen_root:
        raise PubMedParseError(_wrong_root_message(events.root), where=where)


class _Progress:
    """What an error message needs: the root was right, the last PMID done, the one underway."""

    def __init__(self) -> None:
        self.seen_root = False
        self.count = 0
        self.last_pmid: str | None = None
        self.current: etree._Element | None = None

    def start(self, elem: etree._Element, where: str) -> None:
        if elem.tag == _ROOT and elem.getparent() is None:
            self.seen_root = True
        elif not self.seen_root:
            root = elem.getroottree().getroot()
            raise PubMedParseError(not_pubmed(f"root element is <{root.tag}>"), where=where)
        elif elem.tag in (_JOURNAL_RECORD, _BOOK_RECORD):
            self.current = elem

    def done(self, pmid: str | None) -> None:
        self.count += 1
        self.last_pmid = pmid
        self.current = None


def _release(elem: etree._Element) -> None:
    """Free a finished record and the emptied ones before it, so memory stays flat."""
    elem.clear(keep_tail=False)
    parent = elem.getparent()
    if parent is not None:
        while elem.getprevious() is not None:
            del parent[0]


# --------------------------------------------------------------------------- error messages


def _syntax_message(exc: Exception, progress: _Progress, head: bytes) -> str:
    detail = getattr(exc, "msg", None) or str(exc)
    if not head.strip():
        return "empty input: no XML at all (expected a PubmedArticleSet)"
    first = first_element(head)
    not_xml = not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")
    if not progress.seen_root and (not_xml or first not in (None, _ROOT)):
        return not_pubmed(f"{sniff(head)}; XML error: {detail}")
    line = getattr(exc, "lineno", None)
    at = f" at line {line}" if line else ""
    context = f"after {progress.count} complete record(s), last PMID {progress.last_pmid}"
    if progress.count == 0:
        context = "before the first complete record"
    reading = _pmid_of(progress.current) if progress.current is not None else None
    if reading:
        context += f", while reading PMID {reading}"
    return f"truncated or malformed XML{at} ({context}): {detail}"


def _wrong_root_message(root: etree._Element) -> str:
    """The document parsed (a document without a root element is a syntax error) and its
    root is not a PubmedArticleSet."""
    # NCBI answers some bad requests with HTTP 200 and <eFetchResult><ERROR>...</ERROR>.
    error = root.findtext(".//ERROR")
    if error:
        return f"NCBI returned an error instead of records: {_normalise(error)}"
    return not_pubmed(f"root element is <{root.tag}>")


def _pmid_of(record: etree._Element) -> str | None:
    return _text(record.find("MedlineCitation/PMID")) or _text(record.find("BookDocument/PMID"))


# --------------------------------------------------------------------------- text helpers


def _normalise(text: str) -> str:
    return " ".join(text.split())


def _text(elem: etree._Element | None) -> str | None:
    """The element's text with inline markup (<i>, <sup>, MathML...) flattened, or None."""
    if elem is None:
        return None
    # Most elements have no children: skip itertext, which dominates the parse time.
    # itertext skips comments and PIs; an unresolved entity comes out as "&name;".
    raw = elem.text if len(elem) == 0 else "".join(elem.itertext())
    return (" ".join(raw.split()) or None) if raw else None


def _child(parent: etree._Element, path: str) -> etree._Element:
    """The element at ``path``, or an empty stand-in so that absent branches read as empty."""
    found = parent.find(path)
    return found if found is not None else etree.Element(path.rsplit("/", 1)[-1])


def _yes(elem: etree._Element, attr: str = "MajorTopicYN") -> bool:
    return elem.get(attr) == "Y"


def _int(text: str | None) -> int | None:
    return int(text) if text and text.isdigit() else None


# --------------------------------------------------------------------------- identifiers

_DOI_PREFIX = re.compile(r"^(?:doi:\s*|https?://(?:dx\.)?doi\.org/)", re.IGNORECASE)
_ORCID_PREFIX = re.compile(r"^(?:https?://)?(?:www\.)?orcid\.org/", re.IGNORECASE)


def normalise_doi(raw: str | None) -> str | None:
    """A bare DOI ("10.x/y") from "doi:...", "https://doi.org/..." or a bare form; case kept."""
    if not raw:
        return None
    doi = raw.strip()
    while (stripped := _DOI_PREFIX.sub("", doi).strip()) != doi:
        doi = stripped
    return doi if doi.startswith("10.") and "/" in doi else None


def normalise_orcid(raw: str | None) -> str | None:
    """The bare 0000-0000-0000-000X form of an ORCID iD, or None if it is not a valid one.

    PubMed writes ORCIDs as bare ids, as http(s)://orcid.org/ URLs and as 16 digits without
    hyphens; the check digit (ISO 7064 11,2) rejects typos that would name someone else.
    """
    if not raw:
        return None
    digits = re.sub(r"[\s-]", "", _ORCID_PREFIX.sub("", raw.strip())).upper()
    if not re.fullmatch(r"\d{15}[\dX]", digits) or _orcid_check(digits[:15]) != digits[15]:
        return None
    return "-".join(digits[i : i + 4] for i in range(0, 16, 4))


def _orcid_check(base: str) -> str:
    total = 0
    for ch in base:
        total = (total + int(ch)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def _article_ids(*lists: etree._Element) -> dict[str, str]:
    """IdType -> first value over the given ArticleIdList elements."""
    ids: dict[str, str] = {}
    for id_list in lists:
        for aid in id_list.iterfind("ArticleId"):
            value = _text(aid)
            if value and aid.get("IdType"):
                ids.setdefault(aid.get("IdType"), value)
    return ids


def _elocations(holder: etree._Element) -> dict[str, str]:
    locs: dict[str, str] = {}
    for loc in holder.iterfind("ELocationID"):
        value = _text(loc)
        # ValidYN="N" marks an identifier the publisher got wrong; never prefer it.
        if value and loc.get("EIdType") and loc.get("ValidYN", "Y") == "Y":
            locs.setdefault(loc.get("EIdType"), value)
    return locs


def _pmcid(raw: str | None) -> str | None:
    if not raw:
        return None
    return raw if raw.upper().startswith("PMC") else f"PMC{raw}"


# --------------------------------------------------------------------------- dates

_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}


def _month(text: str | None) -> int | None:
    if not text:
        return None
    month = int(text) if text.isdigit() else _MONTHS.get(text[:3].lower())
    return month if month and 1 <= month <= 12 else None


def _date(elem: etree._Element | None) -> PartialDate | None:
    """A PubDate/ArticleDate as precise as written; MedlineDate and Season kept as text."""
    if elem is None:
        return None
    medline = _text(elem.find("MedlineDate"))
    if medline:  # free text such as "2016 Mar-Apr" or "1998 Dec-1999 Jan": only the year is sure
        year = re.search(r"\b(\d{4})\b", medline)
        return PartialDate(year=int(year.group(1)) if year else None, text=medline)
    year = _int(_text(elem.find("Year")))
    month = _month(_text(elem.find("Month")))
    day = _int(_text(elem.find("Day"))) if month else None
    season = _text(elem.find("Season"))  # e.g. "Spring": no month to give, keep the words
    text = " ".join(str(p) for p in (year, season) if p) if season else None
    if year is None and text is None:
        return None
    return PartialDate(year=year, month=month, day=_valid_day(year, month, day), text=text)


def _valid_day(year: int | None, month: int | None, day: int | None) -> int | None:
    """The day if the date exists: a "Sep 31" would make an invalid xsd:date downstream."""
    if year is None or month is None or day is None:
        return None
    return day if 1 <= day <= calendar.monthrange(year, month)[1] else None


def _epub_date(holder: etree._Element) -> PartialDate | None:
    for elem in holder.iterfind("ArticleDate"):
        if elem.get("DateType", "Electronic") == "Electronic":
            return _date(elem)
    return None


# --------------------------------------------------------------------------- record parts


def _title(holder: etree._Element) -> str | None:
    # Non-English articles may carry an empty ArticleTitle and the title in VernacularTitle.
    return _text(holder.find("ArticleTitle")) or _text(holder.find("VernacularTitle"))


def _abstract(holder: etree._Element) -> list[AbstractSection]:
    sections = []
    for part in holder.iterfind("Abstract/AbstractText"):
        text = _text(part)
        if text:
            sections.append(
                AbstractSection(
                    text=text,
                    label=_normalise(part.get("Label") or "") or None,
                    category=part.get("NlmCategory") or None,
                )
            )
    return sections


def _journal(journal: etree._Element, info: etree._Element) -> Journal:
    issns = {i.get("IssnType"): _text(i) for i in journal.iterfind("ISSN")}
    return Journal(
        title=_text(journal.find("Title")),
        iso_abbreviation=_text(journal.find("ISOAbbreviation")),
        medline_ta=_text(info.find("MedlineTA")),
        nlm_unique_id=_text(info.find("NlmUniqueID")),
        issn_print=issns.get("Print"),
        issn_electronic=issns.get("Electronic"),
        issn_linking=_text(info.find("ISSNLinking")),
    )


def _pages(holder: etree._Element) -> tuple[str | None, str | None, str | None]:
    """(pages, start, end): MedlinePgn when given, else "start-end" or the start alone."""
    pagination = _child(holder, "Pagination")
    medline = _text(pagination.find("MedlinePgn"))
    start, end = _text(pagination.find("StartPage")), _text(pagination.find("EndPage"))
    pages = medline or (f"{start}-{end}" if start and end else start)
    return pages, start, end


def _authors(holder: etree._Element) -> list[Author]:
    authors = []
    for author_list in holder.iterfind("AuthorList"):
        if author_list.get("Type", "authors") != "authors":  # books also list editors
            continue
        for elem in author_list.iterfind("Author"):
            # NLM keeps a misspelt name flagged ValidYN="N" beside its correction.
            if elem.get("ValidYN", "Y") != "N":
                authors.append(_author(elem))
    return authors


def _author(elem: etree._Element) -> Author:
    orcid = None
    for ident in elem.iterfind("Identifier"):  # direct children: AffiliationInfo has its own
        if (ident.get("Source") or "").upper() == "ORCID":
            orcid = normalise_orcid(_text(ident))
            if orcid:
                break
    return Author(
        last_name=_text(elem.find("LastName")),
        fore_name=_text(elem.find("ForeName")),
        initials=_text(elem.find("Initials")),
        suffix=_text(elem.find("Suffix")),
        collective_name=_text(elem.find("CollectiveName")),
        affiliations=[a for a in map(_text, elem.iterfind("AffiliationInfo/Affiliation")) if a],
        orcid=orcid,
    )


def _mesh(citation: etree._Element) -> list[MeshHeading]:
    headings = []
    for heading in citation.iterfind("MeshHeadingList/MeshHeading"):
        descriptor = _child(heading, "DescriptorName")
        headings.append(
            MeshHeading(
                descriptor_ui=descriptor.get("UI") or "",
                descriptor_name=_text(descriptor) or "",
                major=_yes(descriptor),
                qualifiers=[
                    MeshQualifier(ui=q.get("UI") or "", name=_text(q) or "", major=_yes(q))
                    for q in heading.iterfind("QualifierName")
                ],
            )
        )
    return headings


def _chemicals(citation: etree._Element) -> list[Chemical]:
    chemicals = []
    for chem in citation.iterfind("ChemicalList/Chemical"):
        substance = _child(chem, "NameOfSubstance")
        name = _text(substance)
        registry = _text(chem.find("RegistryNumber"))
        if registry == "0":  # NLM writes "0" when a substance has no registry number
            registry = None
        if name:
            chemicals.append(
                Chemical(name=name, ui=substance.get("UI") or None, registry_number=registry)
            )
    return chemicals


def _keywords(holder: etree._Element) -> list[Keyword]:
    keywords = []
    for kw_list in holder.iterfind("KeywordList"):
        owner = kw_list.get("Owner") or None
        for kw in kw_list.iterfind("Keyword"):
            text = _text(kw)
            if text:
                keywords.append(Keyword(text=text, major=_yes(kw), owner=owner))
    return keywords


def _databanks(holder: etree._Element) -> list[DataBank]:
    banks = []
    for bank in holder.iterfind("DataBankList/DataBank"):
        name = _text(bank.find("DataBankName"))
        if name:
            accessions = bank.iterfind("AccessionNumberList/AccessionNumber")
            banks.append(DataBank(name=name, accessions=[a for a in map(_text, accessions) if a]))
    return banks


# --------------------------------------------------------------------------- records


def _article(record: etree._Element, kind: str, where: str) -> Article:
    if record.tag == _BOOK_RECORD:
        return _book_article(record, kind, where)
    citation = _child(record, "MedlineCitation")
    pmid, version = _require_pmid(citation)
    art = _child(citation, "Article")
    journal = _child(art, "Journal")
    issue = _child(journal, "JournalIssue")
    # Only PubmedData's own ArticleIdList: ReferenceList/Reference carries cited works' ids.
    ids = _article_ids(_child(record, "PubmedData/ArticleIdList"))
    locs = _elocations(art)
    pages, start, end = _pages(art)
    return Article(
        pmid=pmid,
        title=_title(art),
        abstract=_abstract(art),
        journal=_journal(journal, _child(citation, "MedlineJournalInfo")),
        volume=_text(issue.find("Volume")),
        issue=_text(issue.find("Issue")),
        pages=pages,
        start_page=start,
        end_page=end,
        pub_date=_date(issue.find("PubDate")),
        epub_date=_epub_date(art),
        doi=normalise_doi(ids.get("doi")) or normalise_doi(locs.get("doi")),
        pmcid=_pmcid(ids.get("pmc")),
        pii=ids.get("pii") or locs.get("pii"),
        languages=[t for t in map(_text, art.iterfind("Language")) if t],
        publication_types=[
            (p.get("UI") or "", _text(p) or "")
            for p in art.iterfind("PublicationTypeList/PublicationType")
        ],
        authors=_authors(art),
        mesh_headings=_mesh(citation),
        chemicals=_chemicals(citation),
        keywords=_keywords(citation),
        databanks=_databanks(art),
        source=SourceInfo(kind=kind, location=where, record_id=pmid),
        version=version,
    )


def _book_article(record: etree._Element, kind: str, where: str) -> Article:
    """A NCBI Bookshelf record, minimally: no journal, the book's date and title as fallback."""
    doc = _child(record, "BookDocument")
    pmid, version = _require_pmid(doc)
    book = _child(doc, "Book")
    ids = _article_ids(_child(record, "PubmedBookData/ArticleIdList"), _child(doc, "ArticleIdList"))
    locs = _elocations(book)
    pages, start, end = _pages(doc)
    return Article(
        pmid=pmid,
        title=_title(doc) or _text(book.find("BookTitle")),
        abstract=_abstract(doc),
        volume=_text(book.find("Volume")),
        pages=pages,
        start_page=start,
        end_page=end,
        pub_date=_date(book.find("PubDate")),
        doi=normalise_doi(ids.get("doi")) or normalise_doi(locs.get("doi")),
        pmcid=_pmcid(ids.get("pmc")),
        languages=[t for t in map(_text, doc.iterfind("Language")) if t],
        publication_types=[
            (p.get("UI") or "", _text(p) or "") for p in doc.iterfind("PublicationType")
        ],
        authors=_authors(doc),
        keywords=_keywords(doc),
        source=SourceInfo(kind=kind, location=where, record_id=pmid),
        version=version,
        book_title=_text(book.find("BookTitle")),
    )


def _require_pmid(holder: etree._Element) -> tuple[str, int]:
    """(PMID, Version) of a record, or _Bad: a PMID that is not a number would mint an
    article IRI no other source shares (and fail the SHACL shapes after the build)."""
    elem = holder.find("PMID")
    pmid = _text(elem)
    problem = check_pmid(pmid)
    if problem:
        raise _Bad(pmid, problem)
    version = parse_version(elem.get("Version"))
    if version is None:
        raise _Bad(pmid, version_problem(elem.get("Version")))
    return pmid, version
