"""Turning a PMID-less reference into a PMID, or saying honestly that we could not.

Steps, most specific first: ECitMatch (journal, volume, first page, first author), ESearch by
DOI, ESearch by title words. A step that finds exactly one record resolves the reference; one
that finds several makes it ambiguous unless a later step finds exactly one; none finding
anything leaves it unresolved. A PMID is only ever one NCBI returned for a step.

The steps get their answers through two callables that return None when an answer is not
available (offline with nothing cached), so this module knows nothing of HTTP or caches.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from kg.clients.entrez.citation import CitationParts, citation_parts
from kg.clients.entrez.client import CitationQuery
from kg.clients.entrez.query import doi_term, title_term
from kg.clients.entrez.results import CitationMatch, SearchResult
from kg.model import CitationResolution, Reference

Search = Callable[[str], SearchResult | None]
Match = Callable[[CitationQuery], list[CitationMatch] | None]
_KEY = "trialkg1"


@dataclass
class _Outcome:
    method: str
    hits: int | None  # None: no answer available (offline, not cached)
    ids: list[str] = field(default_factory=list)
    note: str = ""


def resolve_reference(reference: Reference, search: Search, match: Match
                      ) -> CitationResolution:
    if reference.pmid:
        return CitationResolution(reference, "resolved", reference.pmid, "reference",
                                  "PMID given in the reference")
    parts = citation_parts(reference)
    outcomes: list[_Outcome] = []
    for method, step in _steps(parts, search, match):
        outcome = step()
        outcomes.append(outcome)
        if outcome.hits == 1 and len(outcome.ids) == 1:
            return CitationResolution(reference, "resolved", outcome.ids[0], method,
                                      _detail(outcomes))
    if not outcomes:
        return CitationResolution(reference, "unresolved", None, None,
                                  "no journal/volume/page, DOI or title in the citation")
    ambiguous = [o for o in outcomes if o.hits and o.hits > 1]
    if ambiguous:
        return CitationResolution(reference, "ambiguous", None, ambiguous[-1].method,
                                  _detail(outcomes))
    return CitationResolution(reference, "unresolved", None, None, _detail(outcomes))


def _steps(parts: CitationParts, search: Search, match: Match
           ) -> list[tuple[str, Callable[[], _Outcome]]]:
    steps: list[tuple[str, Callable[[], _Outcome]]] = []
    if parts.matchable:
        steps.append(("ecitmatch", lambda: _citmatch(parts, match)))
    doi = doi_term(parts.doi) if parts.doi else None
    if doi:
        steps.append(("esearch-doi", lambda: _search("esearch-doi", doi, search)))
    title = title_term(parts.title) if parts.title else None
    if title:
        steps.append(("esearch-title", lambda: _search("esearch-title", title, search)))
    return steps


def _citmatch(parts: CitationParts, match: Match) -> _Outcome:
    query = CitationQuery(journal=(parts.journal or "").lower(), year=parts.year or "",
                          volume=parts.volume or "", first_page=parts.first_page or "",
                          author=parts.first_author or "", key=_KEY)
    answers = match(query)
    if answers is None:
        return _Outcome("ecitmatch", None)
    mine = [a for a in answers if a.key == _KEY] or answers
    if not mine or mine[0].status == "not-found":
        word = mine[0].detail if mine and mine[0].detail else "no match"
        return _Outcome("ecitmatch", 0, note=word)
    if mine[0].status == "found":
        return _Outcome("ecitmatch", 1, [mine[0].pmid or ""])
    candidates = re.findall(r"\d+", mine[0].detail or "")
    return _Outcome("ecitmatch", max(2, len(candidates)), candidates, note="AMBIGUOUS")


def _search(method: str, term: str, search: Search) -> _Outcome:
    result = search(term)
    if result is None:
        return _Outcome(method, None, note=term)
    return _Outcome(method, result.count, list(result.ids), note=term)


def _detail(outcomes: list[_Outcome]) -> str:
    if all(o.hits is None for o in outcomes):
        return "offline"
    parts = []
    for o in outcomes:
        if o.hits is None:
            parts.append(f"{o.method}: offline, no cached answer")
        elif o.method == "ecitmatch":
            parts.append(f"ecitmatch: {o.note or o.hits}" + (f" {o.ids}" if o.ids else ""))
        else:
            shown = f" ({', '.join(o.ids[:5])})" if o.hits and o.hits > 1 else ""
            parts.append(f"{o.method}: {o.hits} hit(s){shown} for {o.note}")
    prefix = "offline; " if any(o.hits is None for o in outcomes) else ""
    return prefix + "; ".join(parts)
