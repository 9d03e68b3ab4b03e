"""Small text helpers shared by the trial parsers (page text and CT.gov JSON)."""

from __future__ import annotations

import re

NCT_ID = re.compile(r"^NCT\d{8}$")
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>]+)", re.IGNORECASE)
_MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>|~])")
_AGE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(year|month|week|day|hour|minute)s?\s*$", re.I)
_UNIT_IN_YEARS = {"year": 1.0, "month": 1 / 12, "week": 7 / 365.25, "day": 1 / 365.25,
                  "hour": 1 / 8766, "minute": 1 / 525960}


def is_nct_id(text: str) -> bool:
    return bool(NCT_ID.match(text or ""))


def unescape_markdown(text: str) -> str:
    r"""Undo the backslash escapes CT.gov's markdown puts in free text (``\>``, ``\*``, ``\_``)."""
    return _MARKDOWN_ESCAPE.sub(r"\1", text)


def extract_doi(citation: str) -> str | None:
    """The first DOI in a citation, without trailing punctuation ("...1044." -> "...1044")."""
    match = _DOI.search(citation or "")
    if not match:
        return None
    doi = match.group(1).rstrip(".,;:")
    # A closing bracket belongs to the DOI only if the DOI opened one: "(21)00302-8" keeps it.
    while doi.endswith(")") and doi.count("(") < doi.count(")"):
        doi = doi[:-1]
    return doi


def age_in_years(text: str | None) -> float | None:
    """'18 Years' -> 18.0, '6 Months' -> 0.5; None when the text is not an age."""
    if not text:
        return None
    match = _AGE.match(text)
    if not match:
        return None
    years = float(match.group(1)) * _UNIT_IN_YEARS[match.group(2).lower()]
    return round(years, 4)
