"""The E-utilities client: one method per utility, raw bytes for the cache and parsed results.

All NCBI traffic of the project goes through :class:`EntrezClient` (see
:mod:`kg.clients.entrez.transport` for why the requests bypass ``Bio.Entrez``'s own functions).
Request parameters are built in one place (``*_params``) so the service can key its cache
on exactly what would be sent.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from kg.clients.entrez.config import EntrezConfig
from kg.clients.entrez.pacing import Pacer
from kg.clients.entrez.records import split_records
from kg.clients.entrez.results import (
    CitationMatch,
    PostResult,
    SearchResult,
    parse_ecitmatch,
    parse_elink,
    parse_epost,
    parse_esearch,
    parse_esummary,
)
from kg.clients.entrez.transport import Response, Transport, TransportStats

_LONG_QUERY = 1500  # characters; NCBI asks for POST beyond a couple of thousand


@dataclass(frozen=True)
class CitationQuery:
    """The fields ECitMatch matches on; empty strings are allowed (the pipes stay)."""

    journal: str = ""
    year: str = ""
    volume: str = ""
    first_page: str = ""
    author: str = ""  # "surname initials", e.g. "cai q"
    key: str = "ref1"

    def bdata(self) -> str:
        fields = (self.journal, self.year, self.volume, self.first_page, self.author, self.key)
        return "|".join(f.replace("|", " ").strip() for f in fields) + "|"


def clean_pmids(pmids: Iterable[str | int]) -> list[str]:
    """Unique PMIDs in first-seen order; anything but digits is a caller bug, not a query."""
    out: list[str] = []
    for raw in pmids:
        pmid = str(raw).strip()
        if not pmid.isdigit() or pmid.strip("0") == "":
            raise ValueError(f"not a PMID: {raw!r}")
        if pmid not in out:
            out.append(pmid)
    return out


def describe_ids(ids: Sequence[str], shown: int = 5) -> str:
    head = ",".join(ids[:shown])
    more = f" (+{len(ids) - shown} more)" if len(ids) > shown else ""
    return f"ids {head}{more}"


def efetch_params(pmids: Sequence[str]) -> dict[str, str]:
    return {"db": "pubmed", "retmode": "xml", "id": ",".join(pmids)}


def esearch_params(term: str, retmax: int, retstart: int = 0, usehistory: bool = False,
                   sort: str | None = None) -> dict[str, str]:
    params = {"db": "pubmed", "term": term, "retmax": str(retmax), "retstart": str(retstart)}
    if usehistory:
        params["usehistory"] = "y"
    if sort:
        params["sort"] = sort
    return params


def elink_params(pmids: Sequence[str], linkname: str) -> dict[str, object]:
    return {"dbfrom": "pubmed", "db": "pubmed", "linkname": linkname, "cmd": "neighbor",
            "id": list(pmids)}


def ecitmatch_params(query: CitationQuery) -> dict[str, str]:
    # "retmode=xml" is the only value NCBI accepts, and it answers plain text anyway.
    return {"db": "pubmed", "retmode": "xml", "bdata": query.bdata()}


def _pairs(params: dict[str, object]) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for key, value in params.items():
        values = value if isinstance(value, list) else [value]
        pairs += [(key, str(v)) for v in values]
    return pairs


class EntrezClient:
    """Paced, retried calls to E-utilities; see :class:`EntrezConfig` for the settings."""

    def __init__(self, config: EntrezConfig | None = None, *, pacer: Pacer | None = None):
        self.config = config or EntrezConfig.from_env()
        self.transport = Transport(self.config, pacer)

    @property
    def stats(self) -> TransportStats:
        return self.transport.stats

    # ------------------------------------------------------------------ EFetch

    def efetch_batches(self, pmids: Iterable[str]) -> list[list[str]]:
        ids = clean_pmids(pmids)
        size = self.config.efetch_batch
        return [ids[i:i + size] for i in range(0, len(ids), size)]

    def efetch_raw(self, batch: Sequence[str]) -> Response:
        """One EFetch by POST for at most ``efetch_batch`` ids (NCBI: POST beyond ~200)."""
        if len(batch) > self.config.efetch_batch:
            raise ValueError(f"batch of {len(batch)} ids exceeds {self.config.efetch_batch}")
        return self.transport.request("efetch", _pairs(efetch_params(batch)), post=True,
                                      about=describe_ids(list(batch)))

    def efetch_records(self, pmids: Iterable[str]) -> dict[str, bytes]:
        """{PMID: one-record PubmedArticleSet}; ids NCBI does not know are simply absent
        (EFetch omits them without an error)."""
        out: dict[str, bytes] = {}
        for batch in self.efetch_batches(pmids):
            response = self.efetch_raw(batch)
            out.update(split_records(response.body, f"efetch answer ({describe_ids(batch)})"))
        return out

    # ------------------------------------------------------------------ ESearch / ELink

    def esearch_raw(self, term: str, retmax: int = 20, retstart: int = 0,
                    usehistory: bool = False, sort: str | None = None) -> Response:
        params = esearch_params(term, retmax, retstart, usehistory, sort)
        post = len(term) > _LONG_QUERY
        return self.transport.request("esearch", _pairs(params), post=post,
                                      about=f"term {term!r}")

    def esearch(self, term: str, retmax: int = 20, **options: object) -> SearchResult:
        response = self.esearch_raw(term, retmax, **options)  # type: ignore[arg-type]
        return parse_esearch(response.body, f"term {term!r}")

    def elink_raw(self, pmids: Sequence[str], linkname: str = "pubmed_pubmed") -> Response:
        """Repeated ``id=`` so NCBI answers one LinkSet per PMID; POST keeps long lists safe."""
        ids = clean_pmids(pmids)
        return self.transport.request("elink", _pairs(elink_params(ids, linkname)), post=True,
                                      about=describe_ids(ids))

    def elink(self, pmids: Sequence[str], linkname: str = "pubmed_pubmed"
              ) -> dict[str, list[str]]:
        return parse_elink(self.elink_raw(pmids, linkname).body, linkname)

    # ------------------------------------------------------------------ history, summaries

    def epost(self, pmids: Sequence[str]) -> PostResult:
        """Put ids on the history server; use the WebEnv/query_key with EFetch or ELink."""
        ids = clean_pmids(pmids)
        response = self.transport.request("epost", [("db", "pubmed"), ("id", ",".join(ids))],
                                          post=True, about=describe_ids(ids))
        return parse_epost(response.body)

    def efetch_history(self, webenv: str, query_key: str, retstart: int = 0,
                       retmax: int = 200) -> dict[str, bytes]:
        """One page of a history-server set, split per PMID like :meth:`efetch_records`."""
        params = [("db", "pubmed"), ("retmode", "xml"), ("WebEnv", webenv),
                  ("query_key", query_key), ("retstart", str(retstart)),
                  ("retmax", str(min(retmax, self.config.efetch_batch)))]
        about = f"history set {query_key}, from {retstart}"
        response = self.transport.request("efetch", params, post=True, about=about)
        return split_records(response.body, f"efetch answer ({about})")

    def esummary(self, pmids: Sequence[str]) -> list[dict]:
        ids = clean_pmids(pmids)
        response = self.transport.request("esummary", [("db", "pubmed"), ("id", ",".join(ids))],
                                          post=True, about=describe_ids(ids))
        return parse_esummary(response.body)

    # ------------------------------------------------------------------ ECitMatch

    def ecitmatch_raw(self, query: CitationQuery) -> Response:
        return self.transport.request("ecitmatch", _pairs(ecitmatch_params(query)),
                                      expect="text", encode_pipes=False,
                                      about=f"citation {query.bdata()!r}")

    def ecitmatch(self, query: CitationQuery) -> list[CitationMatch]:
        return parse_ecitmatch(self.ecitmatch_raw(query).body)
