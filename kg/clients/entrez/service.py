"""PubMed literature for the graph: articles, citation resolution and related PMIDs.

Where an article comes from, in order: the shipped snapshot, the request cache, NCBI. Modes:

- ``offline`` (the default without ``NCBI_EMAIL``): snapshot and cache only; a PMID in
  neither raises :class:`OfflineMiss` naming it;
- ``online``: the same, then EFetch what is still missing, caching each record;
- ``refresh``: EFetch every requested PMID again (the snapshot's transcriptions included)
  and overwrite its cache entry.

Cache layout (see :mod:`kg.clients.cache`): one entry per PMID, keyed as the single-id EFetch
request ``efetch db=pubmed retmode=xml id=<PMID>`` whatever batch it arrived in, holding a
one-record ``PubmedArticleSet``; ESearch, ELink and ECitMatch answers are cached whole,
keyed by their parameters. Only answers that passed every check are written, atomically.

History server: not used on these paths. Every request here is bounded (EFetch batches of
200 by POST, ESearch ``retmax``) and POST already carries long id lists; a WebEnv is
session-bound, so answers fetched through it could not be keyed for reuse by a later run.
The client offers ``epost``, ``esearch(usehistory=True)`` and ``efetch_history`` for paging
through result sets larger than ``retmax``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from kg.clients.cache import RequestCache, request_key
from kg.clients.entrez.client import (
    CitationQuery,
    EntrezClient,
    clean_pmids,
    describe_ids,
    ecitmatch_params,
    efetch_params,
    elink_params,
    esearch_params,
)
from kg.clients.entrez.config import MODES
from kg.clients.entrez.query import all_of, any_of
from kg.clients.entrez.records import split_records
from kg.clients.entrez.resolve import resolve_reference
from kg.clients.entrez.results import (
    CitationMatch,
    SearchResult,
    parse_ecitmatch,
    parse_elink,
    parse_esearch,
)
from kg.clients.entrez.snapshot import Snapshot
from kg.clients.entrez.stats import LiteratureStats
from kg.clients.entrez.transport import Response
from kg.errors import EntrezError, OfflineMiss, PubMedParseError
from kg.model import Article, CitationResolution, Reference, SourceInfo

SERVICE = "entrez"


@dataclass
class FetchResult:
    articles: list[Article]  # in the order asked, each with ``source`` set
    provenance: dict[str, SourceInfo]
    not_found: list[str] = field(default_factory=list)  # NCBI returned no record for these
    from_snapshot: int = 0
    from_cache: int = 0
    from_network: int = 0


@dataclass
class RelatedResult:
    term: str | None  # the ESearch term, None when no names were given
    search_count: int  # NCBI's total for the term (we keep at most retmax)
    search_ids: list[str]
    neighbours: dict[str, list[str]]  # PMID -> its pubmed_pubmed neighbours, capped
    pmids: list[str]  # search hits, then neighbours, without repeats or the given PMIDs
    notes: list[str] = field(default_factory=list)


def pmid_key(pmid: str) -> str:
    return request_key(SERVICE, "efetch", efetch_params([pmid]))


class LiteratureService:
    def __init__(self, client: EntrezClient | None, snapshot: Snapshot | None,
                 cache: RequestCache | None, mode: str | None = None):
        self.client = client
        self.snapshot = snapshot if snapshot is not None else Snapshot()
        self.cache = cache
        self.mode = mode or (client.config.default_mode if client else "offline")
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {self.mode!r}")
        if self.mode != "offline" and client is None:
            raise ValueError(f"mode {self.mode!r} needs an EntrezClient")
        self.stats = LiteratureStats()

    # ------------------------------------------------------------------ articles

    def fetch_articles(self, pmids: Iterable[str | int]) -> FetchResult:
        ids = clean_pmids(pmids)
        found: dict[str, Article] = {}
        if self.mode != "refresh":
            with self.stats.stage("snapshot"):
                found.update(self._from_snapshot(ids))
            with self.stats.stage("cache"):
                found.update(self._from_cache([p for p in ids if p not in found]))
        wanted = [p for p in ids if p not in found]
        if wanted and self.mode == "offline":
            raise OfflineMiss(f"offline, and neither the snapshot nor the cache holds "
                              f"{describe_ids(wanted, 20)}", missing=wanted)
        from_snapshot = sum(1 for a in found.values() if a.source.kind == "snapshot")
        from_cache = len(found) - from_snapshot
        if wanted:
            with self.stats.stage("network"):
                found.update(self._from_network(wanted))
        self.stats.from_snapshot += from_snapshot
        self.stats.from_cache += from_cache
        self.stats.from_network += len(found) - from_snapshot - from_cache
        not_found = [p for p in ids if p not in found]
        self.stats.not_found += len(not_found)
        return FetchResult([found[p] for p in ids if p in found],
                           {p: found[p].source for p in ids if p in found}, not_found,
                           from_snapshot, from_cache, len(found) - from_snapshot - from_cache)

    def _from_snapshot(self, ids: list[str]) -> dict[str, Article]:
        out = {}
        for pmid in ids:
            path = self.snapshot.path(pmid)
            if path is not None:
                source = SourceInfo("snapshot", str(path), None, pmid)
                out[pmid] = self._parse(path.read_bytes(), pmid, source, str(path))
        return out

    def _from_cache(self, ids: list[str]) -> dict[str, Article]:
        out: dict[str, Article] = {}
        if self.cache is None:
            return out
        for pmid in ids:
            entry = self.cache.get(pmid_key(pmid))
            if entry is None:
                continue
            source = SourceInfo("cache", entry.meta.get("url", ""),
                                entry.meta.get("retrieved"), pmid)
            try:
                out[pmid] = self._parse(entry.body, pmid, source, f"cache entry for {pmid}")
            except (PubMedParseError, EntrezError):
                continue  # unreadable entry: a miss, refetched below when online
        return out

    def _from_network(self, ids: list[str]) -> dict[str, Article]:
        assert self.client is not None
        out: dict[str, Article] = {}
        for batch in self.client.efetch_batches(ids):
            response = self._count(self.client.efetch_raw(batch))
            records = split_records(response.body, f"efetch answer ({describe_ids(batch)})")
            for pmid in batch:
                if pmid in records:
                    out[pmid] = self._keep_record(pmid, records[pmid], response, batch)
        return out

    def _keep_record(self, pmid: str, doc: bytes, response: Response, batch: list[str]
                     ) -> Article:
        url = f"{self.client.config.url('efetch')}?db=pubmed&retmode=xml&id={pmid}"
        source = SourceInfo("entrez-efetch", url, response.retrieved, pmid)
        article = self._parse(doc, pmid, source, url)  # parse before caching: keep only good
        if self.cache is not None:
            self.cache.put(pmid_key(pmid), doc, {
                "url": url, "retrieved": response.retrieved, "utility": "efetch",
                "batch": f"{response.method} {describe_ids(batch)}"})
        return article

    def _parse(self, data: bytes, pmid: str, source: SourceInfo, where: str) -> Article:
        from kg.sources.pubmed import parse_bytes  # lxml import only when records are read

        with self.stats.stage("parse"):
            articles = [a for a in parse_bytes(data, where) if a.pmid == pmid]
        if not articles:
            raise EntrezError(f"record {pmid} not found in {where}")
        articles[0].source = source
        return articles[0]

    # ------------------------------------------------------------------ other answers

    def _answer(self, utility: str, params: dict, fetch: Callable[[], Response]
                ) -> bytes | None:
        """A cached or fresh answer, by mode; None when offline and not cached."""
        key = request_key(SERVICE, utility, params)
        if self.mode != "refresh" and self.cache is not None:
            with self.stats.stage("cache"):
                entry = self.cache.get(key)
            if entry is not None:
                self.stats.answers_from_cache += 1
                return entry.body
        if self.mode == "offline":
            return None
        with self.stats.stage("network"):
            response = self._count(fetch())
        self.stats.answers_from_network += 1
        if self.cache is not None:
            self.cache.put(key, response.body, {"url": response.url, "utility": utility,
                                                "retrieved": response.retrieved})
        return response.body

    def _count(self, response: Response) -> Response:
        self.stats.requests += response.attempts
        self.stats.retries += response.attempts - 1
        return response

    def search(self, term: str, retmax: int = 20) -> SearchResult | None:
        """ESearch PubMed (cached); None when offline and this term was never asked."""
        if not 0 < retmax <= 10000:
            raise ValueError("retmax must be between 1 and 10000")
        body = self._answer("esearch", esearch_params(term, retmax),
                            lambda: self.client.esearch_raw(term, retmax))
        return None if body is None else parse_esearch(body, f"term {term!r}")

    def _citmatch(self, query: CitationQuery) -> list[CitationMatch] | None:
        body = self._answer("ecitmatch", ecitmatch_params(query),
                            lambda: self.client.ecitmatch_raw(query))
        return None if body is None else parse_ecitmatch(body)

    # ------------------------------------------------------------------ citations, related

    def resolve_citation(self, reference: Reference) -> CitationResolution:
        """ECitMatch, then ESearch by DOI, then by title words (kg.clients.entrez.resolve).
        Offline, only cached answers count: with none, "unresolved", detail "offline"."""
        return resolve_reference(reference, lambda term: self.search(term, retmax=5),
                                 self._citmatch)

    def related_pmids(self, *, drugs: Iterable[str] = (), drug_classes: Iterable[str] = (),
                      conditions: Iterable[str] = (), pmids: Iterable[str] = (),
                      retmax: int = 20, per_source_cap: int = 20, field: str = "tiab"
                      ) -> RelatedResult:
        """PMIDs near a trial: ESearch for (drugs OR classes) AND (conditions), and ELink
        ``pubmed_pubmed`` neighbours of ``pmids``; at most ``retmax`` search hits and
        ``per_source_cap`` neighbours per PMID, in NCBI's relevance order."""
        term = all_of(any_of([*drugs, *drug_classes], field), any_of(conditions, field))
        given = clean_pmids(pmids)
        notes: list[str] = []
        result = self.search(term, retmax=retmax) if term else None
        if term and result is None:
            notes.append("offline: search not in cache")
        neighbours = self._neighbours(given, per_source_cap, notes)
        merged = [*(result.ids if result else []), *(i for n in neighbours.values() for i in n)]
        merged = [p for p in dict.fromkeys(merged) if p not in given]
        if result:
            notes += result.warnings
        return RelatedResult(term, result.count if result else 0,
                             list(result.ids) if result else [], neighbours, merged, notes)

    def _neighbours(self, pmids: list[str], cap: int, notes: list[str]
                    ) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        if not pmids:
            return out
        batch = sorted(pmids, key=int)  # same set, same cache entry, whatever the order
        body = self._answer("elink", elink_params(batch, "pubmed_pubmed"),
                            lambda: self.client.elink_raw(batch))
        if body is None:
            notes.append("offline: neighbours not in cache")
            return out
        links = parse_elink(body, "pubmed_pubmed")
        return {p: links.get(p, [])[:cap] for p in pmids}
