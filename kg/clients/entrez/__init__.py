"""All NCBI E-utilities traffic of the project: client, shipped snapshot, cached service.

Import from here::

    from kg.clients.entrez import EntrezClient, EntrezConfig, LiteratureService, Snapshot
"""

from __future__ import annotations

from kg.clients.entrez.client import CitationQuery, EntrezClient
from kg.clients.entrez.config import EntrezConfig
from kg.clients.entrez.results import CitationMatch, PostResult, SearchResult
from kg.clients.entrez.service import FetchResult, LiteratureService, RelatedResult
from kg.clients.entrez.snapshot import EmptySnapshot, Snapshot
from kg.clients.entrez.stats import LiteratureStats

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
