"""Reading the parts ECitMatch and ESearch need out of a free-text citation.

Registry citations come in two shapes: MEDLINE style ("Yang Y, Qu S, ... Title. Lancet
Oncol. 2021 Aug;22(8):1162-1174. doi: ...") and a looser one ("Cai, Q. & Su, N. ... 929P
Title. Annals of Oncology. 31. S668. 10.1016/..."). We split on ". " and look for the
journal/volume/page pattern of either; the title is the longest remaining sentence that is
not an author list. Anything not found stays None, and the resolver skips the step that
needs it rather than guessing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.model import Reference
from kg.sources.common import extract_doi

_SPLIT = re.compile(r"\.\s+|\.$")
_MEDLINE_SOURCE = re.compile(
    r"^(?P<year>(?:18|19|20)\d{2})\b[^;]*;\s*(?P<volume>\d+)\s*(?:\([^)]*\))?\s*:\s*"
    r"(?P<page>[A-Za-z]?\d+[A-Za-z]?)")
_VOLUME = re.compile(r"^\d+$")
_PAGE = re.compile(r"^(?P<page>[A-Za-z]?\d+[A-Za-z]?)(?:\s*-\s*\S+)?$")
_YEAR = re.compile(r"\b((?:19|20)\d{2})\b")
_AUTHOR_ITEM = re.compile(r"^[A-Z][\w'\-]+(?: [A-Z][\w'\-]+)*,? [A-Z]{1,3}$|^[A-Z]{1,3}$")
_ABSTRACT_NO = re.compile(r"^\d+[A-Z]{0,3}\s+(?=[A-Z])")  # "929P Anlotinib..." -> "Anlotinib..."
_SURNAME_COMMA = re.compile(r"^([A-Z][\w'\-]+(?: [A-Z][\w'\-]+)*),\s*([A-Z])")
_SURNAME_INITIALS = re.compile(r"^([A-Z][\w'\-]+(?: [A-Z][\w'\-]+)*)\s+([A-Z]{1,3})\b")
_DOI_TAIL = re.compile(r"(?:doi:\s*)?10\.\d{4,9}/\S+", re.I)


@dataclass(frozen=True)
class CitationParts:
    title: str | None = None
    journal: str | None = None
    year: str | None = None
    volume: str | None = None
    first_page: str | None = None
    first_author: str | None = None  # "surname initial", lower case, as ECitMatch wants
    doi: str | None = None

    @property
    def matchable(self) -> bool:
        """Enough for ECitMatch: journal, volume and first page."""
        return bool(self.journal and self.volume and self.first_page)


def citation_parts(reference: Reference) -> CitationParts:
    text = reference.citation or ""
    doi = reference.doi or extract_doi(text)
    segments = [s.strip(" ,;") for s in _SPLIT.split(_DOI_TAIL.sub(" ", text))]
    segments = [s for s in segments if re.search(r"[A-Za-z0-9]", s)]
    journal, year, volume, page, used = _source(segments)
    years = _YEAR.findall(" ".join(segments))
    return CitationParts(
        title=_title([s for i, s in enumerate(segments) if i not in used]),
        journal=journal,
        year=year or (years[0] if len(set(years)) == 1 else None),
        volume=volume,
        first_page=page,
        first_author=_first_author(segments[0]) if segments else None,
        doi=doi,
    )


def _source(segments: list[str]
            ) -> tuple[str | None, str | None, str | None, str | None, set[int]]:
    for i in range(1, len(segments)):
        match = _MEDLINE_SOURCE.match(segments[i])
        if match:
            return (segments[i - 1], match["year"], match["volume"], match["page"], {i - 1, i})
    for i in range(len(segments) - 2):
        page = _PAGE.match(segments[i + 2])
        if (re.search(r"[A-Za-z]{3}", segments[i]) and _VOLUME.match(segments[i + 1])
                and page and not _is_authors(segments[i])):
            return segments[i], None, segments[i + 1], page["page"], {i, i + 1, i + 2}
    return None, None, None, None, set()


def _title(segments: list[str]) -> str | None:
    candidates = [s for s in segments if len(s.split()) >= 4 and not _is_authors(s)]
    if not candidates:
        return None
    title = max(candidates, key=len)
    return _ABSTRACT_NO.sub("", title.lstrip(". ")).strip() or None


def _is_authors(segment: str) -> bool:
    items = [p.strip() for p in re.split(r",|&|\band\b", segment) if p.strip()]
    if len(items) < 2:
        return False
    hits = sum(1 for p in items if _AUTHOR_ITEM.match(p))
    return hits * 2 >= len(items)


def _first_author(segment: str) -> str | None:
    for pattern in (_SURNAME_COMMA, _SURNAME_INITIALS):
        match = pattern.match(segment)
        if match:
            return f"{match.group(1)} {match.group(2)}".lower()
    return None
