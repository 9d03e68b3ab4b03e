"""All NCBI E-utilities traffic of the project: client, shipped snapshot, cached service.

Import from here::

    from kg.entrez import EntrezClient, EntrezConfig, LiteratureService, Snapshot
"""

from __future__ import annotations

from kg.entrez.client import CitationQuery, EntrezClient
from kg.entrez.config import EntrezConfig
from kg.entrez.results import CitationMatch, PostResult, SearchResult
from kg.entrez.service import FetchResult, LiteratureService, RelatedResult
from kg.entrez.snapshot import EmptySnapshot, Snapshot
from kg.entrez.stats import LiteratureStats

__all__ = [
    "CitationMatch",
    "CitationQuery",
    "EmptySnapshot",
    "EntrezClient",
    "EntrezConfig",
    "FetchResult",
    "LiteratureService",
    "LiteratureStats",
    "PostResult",
    "RelatedResult",
    "SearchResult",
    "Snapshot",
]
