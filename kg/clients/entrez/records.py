"""Cutting an EFetch ``PubmedArticleSet`` into one small document per PMID.

The cache keeps one entry per PMID so that a later run asking for an overlapping set of ids
reuses what it has, whatever batches they came in. Each entry is the batch's own prolog and
root tag around the record's exact bytes (cut at expat's byte offsets, not re-serialised),
so it is itself a valid EFetch answer for that one id, and parsing it gives the same Article
as parsing the batch.
"""

from __future__ import annotations

from xml.parsers import expat

from kg.errors import EntrezError

_RECORDS = {"PubmedArticle", "PubmedBookArticle"}
_ROOT = "PubmedArticleSet"


def split_records(body: bytes, where: str = "efetch answer") -> dict[str, bytes]:
    """{PMID: single-record document}, in the order NCBI sent them."""
    cutter = _Cutter(body)
    try:
        cutter.parser.Parse(body, True)
    except expat.ExpatError as exc:
        raise EntrezError(f"{where}: malformed XML ({expat.ErrorString(exc.code)})") from None
    if cutter.root is None:
        raise EntrezError(f"{where}: empty document")
    if cutter.root != _ROOT:
        raise EntrezError(f"{where}: expected <{_ROOT}>, got <{cutter.root}>")
    head = body[:cutter.root_end] + b"\n"
    return {pmid: head + body[start:end] + b"\n</PubmedArticleSet>\n"
            for pmid, (start, end) in cutter.spans.items()}


class _Cutter:
    """Records byte spans of the root's record children and the first PMID inside each."""

    def __init__(self, body: bytes):
        self.body = body
        self.parser = expat.ParserCreate()
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.CharacterDataHandler = self._chars
        self.root: str | None = None
        self.root_end = 0
        self.spans: dict[str, tuple[int, int]] = {}
        self._depth = 0
        self._start_at = 0
        self._pmid: str | None = None
        self._in_pmid = False
        self._text: list[str] = []

    def _start(self, name: str, _attrs: dict) -> None:
        at = self.parser.CurrentByteIndex
        if self._depth == 0:
            self.root = name
            self.root_end = self.body.index(b">", at) + 1
        elif self._depth == 1 and name in _RECORDS:
            self._start_at, self._pmid = at, None
        elif name == "PMID" and self._pmid is None and self._depth >= 2:
            self._in_pmid, self._text = True, []
        self._depth += 1

    def _end(self, name: str) -> None:
        self._depth -= 1
        if self._in_pmid and name == "PMID":
            self._in_pmid = False
            self._pmid = "".join(self._text).strip()
        elif self._depth == 1 and name in _RECORDS and self._pmid:
            end = self.body.index(b">", self.parser.CurrentByteIndex) + 1
            self.spans.setdefault(self._pmid, (self._start_at, end))

    def _chars(self, data: str) -> None:
        if self._in_pmid:
            self._text.append(data)
