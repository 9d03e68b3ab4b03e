"""Building ESearch terms from parts, so no outside text reaches PubMed's query language.

Every piece of text becomes one quoted phrase with a field tag from a fixed list; double
quotes, brackets and wildcards are removed from it first, so a drug name such as
``anlotinib" OR cancer[mh]`` stays a harmless (and unmatched) phrase. Boolean operators are
only ever written by this module.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# PubMed field tags we use (Search Field Descriptions and Tags, PubMed Help).
FIELDS = {"ti", "tiab", "ab", "aid", "lid", "mh", "majr", "nm", "au", "ta", "dp", "pt", "tw",
          "all"}
_UNSAFE = re.compile(r"[\"\[\]*\x00-\x1f]+")
_SPACES = re.compile(r"\s+")
_WORD = re.compile(r"[A-Za-z0-9]+(?:[-'][A-Za-z0-9]+)*")
# Words too common to narrow a title search; PubMed also ignores most of them.
_STOPWORDS = {
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "into", "is", "it",
    "its", "not", "of", "on", "or", "than", "that", "the", "their", "this", "to", "versus",
    "vs", "was", "were", "with", "without",
}


def clean(text: str) -> str:
    """Text made safe to put between double quotes."""
    return _SPACES.sub(" ", _UNSAFE.sub(" ", text or "")).strip()


def phrase(text: str, field: str) -> str | None:
    """``"text"[field]``, or None when nothing searchable is left."""
    if field not in FIELDS:
        raise ValueError(f"unknown PubMed field tag: {field!r}")
    cleaned = clean(text)
    return f'"{cleaned}"[{field}]' if cleaned else None


def any_of(texts: Iterable[str], field: str) -> str | None:
    """Phrases joined by OR, in parentheses when there is more than one."""
    parts = list(dict.fromkeys(p for p in (phrase(t, field) for t in texts) if p))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"


def all_of(*groups: str | None) -> str | None:
    parts = [g for g in groups if g]
    return " AND ".join(parts) if parts else None


def doi_term(doi: str) -> str | None:
    """A DOI as a PubMed term.

    PubMed Help documents DOIs under Article Identifier ``[aid]`` (from the ArticleIdList)
    and, since 2008, Location ID ``[lid]`` (from ELocationID); a record may carry the DOI in
    only one of them, so both are asked. Quoting keeps DOIs with parentheses, such as
    ``10.1016/S1470-2045(21)00302-8``, from being read as grouping.
    """
    aid, lid = phrase(doi, "aid"), phrase(doi, "lid")
    return f"({aid} OR {lid})" if aid and lid else None


def title_term(title: str, max_words: int = 16) -> str | None:
    """Significant words of a title, each required in the title field."""
    words: list[str] = []
    for word in _WORD.findall(title or ""):
        lower = word.lower()
        if lower in _STOPWORDS or len(lower) < 2 or lower in words:
            continue
        words.append(lower)
    if len(words) < 2:
        return None  # one word would match thousands of titles
    return all_of(*(phrase(w, "ti") for w in words[:max_words]))
