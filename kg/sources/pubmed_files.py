"""PubMed files as NLM distributes them: gzip, record order, versions and deletions.

NLM publishes PubMed as numbered ``pubmedYYnNNNN.xml.gz`` files: a yearly baseline, then
daily update files that repeat a PMID to revise it and end with a ``DeleteCitation`` block
naming PMIDs withdrawn since. The files are meant to be applied in order. Within and across
them this module decides which record of a PMID is the article, by one rule for every
build path (``kg.pipeline.build`` and ``kg.pipeline.bulk``):

- events are replayed in order (files in the order given, records and deletions in
  document order);
- a record becomes the article for its PMID unless the current one has a higher
  ``Version`` (``<PMID Version="2">``: PubMed keeps versioned articles, e.g. F1000Research,
  and the highest version is the article); at equal versions the later record wins, since
  it is the later revision;
- a ``DeleteCitation`` removes the PMID (and a later record may bring it back).

``scan`` reads a file once, fast, before any mapping: it checks that the gzip stream is
whole (its CRC is verified at the end), that the document is PubMed XML, and lists every
record's PMID and version and every deletion. With that index a build decides duplicates
before minutes of work, refuses bad records by PMID and file before anything is created,
and maps only the records that win. It finds record boundaries with a regular expression
rather than lxml: building and freeing an lxml tree for a file costs 2-3x the time of the
scan, and the index is only a plan: the full lxml pass that maps the records checks every
record's PMID and version against it, so a file the scan misread fails the build.
"""

from __future__ import annotations

import gzip
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from kg.errors import PubMedParseError

ROOT = "PubmedArticleSet"
HEAD_BYTES = 64 * 1024
_GZIP_MAGIC = b"\x1f\x8b"
# Python's gzip signals damage in three ways: a bad header or CRC (BadGzipFile, an OSError),
# a stream cut short (EOFError), a corrupt deflate block (zlib.error).
GZIP_ERRORS = (gzip.BadGzipFile, EOFError, zlib.error)
PMID_FORM = re.compile(r"[1-9][0-9]*")


@dataclass(frozen=True)
class Deletion:
    """A ``DeleteCitation`` block: these PMIDs were withdrawn from PubMed."""

    pmids: tuple[str, ...]
    location: str


@dataclass(frozen=True)
class BadRecord:
    """A record that cannot become an Article, with what an error line needs."""

    number: int  # 1-based position among the file's records
    pmid: str | None
    location: str
    problem: str

    def describe(self) -> str:
        pmid = f" (PMID {self.pmid})" if self.pmid else ""
        return f"record {self.number}{pmid}: {self.problem}"

    def error(self) -> PubMedParseError:
        return PubMedParseError(self.describe(), where=self.location)


def check_pmid(pmid: str | None) -> str | None:
    """Why ``pmid`` is not a PubMed identifier, or None when it is one."""
    if not pmid:
        return "no PMID"
    if not PMID_FORM.fullmatch(pmid):
        return f"PMID {pmid!r} is not a PubMed identifier (a whole number)"
    return None


def parse_version(raw: str | None) -> int | None:
    """The PMID ``Version`` attribute (1 when absent), or None when it is not a number."""
    if raw is None:
        return 1
    raw = raw.strip()
    return int(raw) if raw.isdigit() and int(raw) > 0 else None


def version_problem(raw: str | None) -> str:
    """The problem of a record whose ``Version`` ``parse_version`` refused, as written."""
    return f"its PMID Version {raw!r} is not a number"


# --------------------------------------------------------------------------- opening


def open_binary(path: str | Path) -> BinaryIO:
    """The file's bytes, decompressed on the fly when it is gzip (by its magic number, not
    its name). Damage in a gzip stream surfaces as a GZIP_ERRORS exception while reading."""
    handle = open(path, "rb")  # noqa: SIM115 - handed to the caller, who closes it
    try:
        magic = handle.read(2)
        handle.seek(0)
    except OSError:
        handle.close()
        raise
    if magic == _GZIP_MAGIC:
        return gzip.GzipFile(fileobj=handle, mode="rb")  # closing it does not close handle
    return handle


class _Both:
    """Close the gzip reader and the file under it."""

    def __init__(self, outer: BinaryIO, inner: BinaryIO | None):
        self.outer, self.inner = outer, inner

    def close(self) -> None:
        self.outer.close()
        if self.inner is not None:
            self.inner.close()


def open_for_reading(path: str | Path, where: str) -> tuple[BinaryIO, _Both]:
    """``open_binary`` with a PubMedParseError naming the file when it cannot be opened."""
    try:
        stream = open_binary(path)
    except OSError as exc:
        raise PubMedParseError(f"cannot read file: {exc.strerror or exc}", where=where) \
            from exc
    inner = stream.fileobj if isinstance(stream, gzip.GzipFile) else None
    return stream, _Both(stream, inner)


def gzip_message(exc: BaseException) -> str:
    return f"corrupt or truncated gzip data: {exc}"


# --------------------------------------------------------------------------- what it is


def looks_like_json(head: bytes) -> bool:
    # NCBI's rate limiter answers with a JSON body such as {"error":"API rate limit exceeded"}.
    return head.lstrip().startswith((b"{", b"["))


def first_element(head: bytes) -> str | None:
    match = re.search(rb"<([A-Za-z_][\w.:-]*)", head)
    return match.group(1).decode("ascii", "replace") if match else None


def sniff(head: bytes) -> str:
    """Name what the input looks like, from its first bytes, for an error message."""
    if head.startswith(_GZIP_MAGIC):
        return "gzip data that does not decompress to XML"
    snippet = head.lstrip()[:120].decode("utf-8", "replace")
    if looks_like_json(head):
        return f"looks like JSON: {snippet}"
    first = first_element(head)
    if first:
        return f"first element is <{first}>"
    printable = "".join(c if c.isprintable() else "?" for c in snippet[:40])
    return f"starts with {printable!r}"


def not_pubmed(detail: str) -> str:
    return (f"not PubMed XML ({detail}); expected a <{ROOT}> document (an EFetch answer or "
            "an NLM baseline or update file)")


def check_head(head: bytes, where: str) -> None:
    """Refuse, from its first bytes, a document that is not a PubmedArticleSet."""
    if not head.strip():
        raise PubMedParseError("empty input: no XML at all (expected a PubmedArticleSet)",
                               where=where)
    first = first_element(head)
    not_xml = not head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")
    if not_xml or first != ROOT:
        raise PubMedParseError(not_pubmed(sniff(head)), where=where)


# --------------------------------------------------------------------------- the index

# Record starts, the record's own PMID (the first child of MedlineCitation / BookDocument),
# DeleteCitation bounds, and any other PMID (inside DeleteCitation it is a deletion; inside
# CommentsCorrections it is a cited record and is ignored).
_TOKENS = re.compile(
    rb"<(?P<record>PubmedArticle|PubmedBookArticle)[\s>]"
    rb"|<(?P<holder>MedlineCitation|BookDocument)\b[^>]*>\s*"
    rb"(?:<PMID\b(?P<attrs>[^>]*)>(?P<pmid>[^<]*)</PMID>)?"
    rb"|<(?P<delete>/?)DeleteCitation\s*>"
    rb"|<PMID\b[^>]*>(?P<other>[^<]*)</PMID>"
)
_VERSION = re.compile(rb"""\bVersion\s*=\s*["']([^"']*)["']""")
_TOKEN_MAX = 4096  # longer than any token above in a real file; a longer one is not seen
_CHUNK = 1 << 22


@dataclass
class FileIndex:
    """What ``scan`` found in one file, in document order."""

    location: str
    records: list[tuple[str | None, int]] = field(default_factory=list)  # (PMID, version)
    bad: list[BadRecord] = field(default_factory=list)
    deletions: list[tuple[int, tuple[str, ...]]] = field(default_factory=list)  # (after, PMIDs)

    def events(self) -> Iterator[tuple[int, str | None, int] | Deletion]:
        """(record number, PMID, version) and Deletion items, in document order."""
        pending = iter(self.deletions)
        nxt = next(pending, None)
        for number, (pmid, version) in enumerate(self.records, start=1):
            while nxt is not None and nxt[0] < number:
                yield Deletion(nxt[1], self.location)
                nxt = next(pending, None)
            yield number, pmid, version
        while nxt is not None:
            yield Deletion(nxt[1], self.location)
            nxt = next(pending, None)


class _Scanner:
    def __init__(self, where: str):
        self.index = FileIndex(where)
        self.expect_id = False
        self.deleting: list[str] | None = None

    def token(self, m: re.Match) -> None:
        if m.group("record"):
            self._close_record()
            self.expect_id = True
            self.index.records.append((None, 1))
        elif m.group("holder"):
            if self.expect_id:
                self.expect_id = False
                self._identify(m.group("pmid"), m.group("attrs"))
        elif m.group("delete") is not None:
            self._close_record()
            if m.group("delete"):
                if self.deleting is not None:
                    pmids = tuple(self.deleting)
                    self.index.deletions.append((len(self.index.records), pmids))
                self.deleting = None
            else:
                self.deleting = []
        elif m.group("other") is not None and self.deleting is not None:
            self.deleting.append(" ".join(m.group("other").decode("utf-8", "replace").split()))

    def _identify(self, raw_pmid: bytes | None, attrs: bytes | None) -> None:
        number = len(self.index.records)
        pmid = " ".join(raw_pmid.decode("utf-8", "replace").split()) if raw_pmid else None
        version_match = _VERSION.search(attrs or b"")
        raw_version = (version_match.group(1).decode("utf-8", "replace")
                       if version_match else None)
        version = parse_version(raw_version)
        problem = check_pmid(pmid) or (None if version else version_problem(raw_version))
        self.index.records[-1] = (pmid, version or 1)
        if problem:
            self.index.bad.append(BadRecord(number, pmid, self.index.location, problem))

    def _close_record(self) -> None:
        if self.expect_id:  # a record whose PMID is not the first thing in it
            self.expect_id = False
            number = len(self.index.records)
            self.index.bad.append(BadRecord(number, None, self.index.location, "no PMID"))

    def finish(self) -> FileIndex:
        self._close_record()
        if self.deleting is not None:
            raise PubMedParseError("truncated: a DeleteCitation block is not closed",
                                   where=self.index.location)
        return self.index


def scan(path: str | Path, where: str | None = None) -> FileIndex:
    """Index a PubMed file (see the module docstring); PubMedParseError for a file that is
    missing, unreadable, corrupt or truncated gzip, or not PubMed XML."""
    where = where or str(path)
    stream, closer = open_for_reading(path, where)
    scanner = _Scanner(where)
    try:
        head, carry = b"", b""
        while True:
            try:
                chunk = stream.read(_CHUNK)
            except GZIP_ERRORS as exc:
                raise PubMedParseError(gzip_message(exc), where=where) from None
            except OSError as exc:
                raise PubMedParseError(f"cannot read file: {exc.strerror or exc}",
                                       where=where) from None
            if not head:  # the first chunk: an empty one is refused here
                head = chunk[:HEAD_BYTES]
                check_head(head, where)
            if not chunk:
                break
            buffer = carry + chunk
            limit, end = len(buffer) - _TOKEN_MAX, 0
            for match in _TOKENS.finditer(buffer):
                if match.start() >= limit:
                    break
                scanner.token(match)
                end = match.end()
            carry = buffer[max(end, limit):]  # end >= 0
        for match in _TOKENS.finditer(carry):
            scanner.token(match)
        if f"</{ROOT}>".encode() not in carry[-HEAD_BYTES:]:
            raise PubMedParseError(f"truncated: the file does not end with </{ROOT}>",
                                   where=where)
    finally:
        closer.close()
    return scanner.finish()


# --------------------------------------------------------------------------- apply order


@dataclass
class Ledger:
    """Which record is the article for each PMID, replaying events in order (see the
    module docstring). ``key`` identifies a record to the caller: an Article, or a
    (file number, record number) pair."""

    current: dict[str, tuple[int, object]] = field(default_factory=dict)  # PMID -> (version, key)
    deleted: set[str] = field(default_factory=set)  # deleted and not brought back
    superseded: int = 0  # records that lost to another record of their PMID

    def record(self, pmid: str, version: int, key: object) -> None:
        held = self.current.get(pmid)
        if held is not None:
            self.superseded += 1
            if held[0] > version:
                return
        self.current[pmid] = (version, key)
        self.deleted.discard(pmid)

    def delete(self, pmids: tuple[str, ...] | list[str]) -> None:
        for pmid in pmids:
            self.current.pop(pmid, None)
            self.deleted.add(pmid)

    def winners(self) -> list[object]:
        return [key for _, key in self.current.values()]
