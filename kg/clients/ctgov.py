"""The one module for ClinicalTrials.gov traffic (API v2): single studies and searches.

Built on the standard library (``urllib``) on purpose: it adds no dependency, and a thin
layer over it lets us own exactly the behaviour that matters here (polite pacing between
requests, retries with capped exponential back-off that honour ``Retry-After``, a time-out
per request, a response cache keyed by request) instead of working around a library's own
retry and connection-pool policies. Every URL is built here; callers pass NCT ids and terms.

What the API does, per its OpenAPI description (``ctg-oas-v2.yaml``):
- ``GET /studies/{nctId}``: 200 with the study object; 404 (text/plain message) for an
  unknown id; 400 (text/plain) for an id it considers malformed (e.g. ``NCT00000000``);
  301 to the current record for an alias id (urllib follows it).
- ``GET /studies``: 200 with ``{"studies": [...], "nextPageToken": ..., "totalCount": ...}``
  (``totalCount`` only with ``countTotal=true``, first page only); the last page has no
  ``nextPageToken``, and a page may be empty. Later pages must repeat the first page's
  parameters. Errors are 400 with a text/plain message; the wording for a stale page token
  is not documented, so any 400 on a request that carried ``pageToken`` (whose other
  parameters the API already accepted for page 1) is treated as an expired token.
- No rate limit is published; 429 and 5xx are retried, and pacing keeps us polite anyway.
"""

from __future__ import annotations

import email.utils
import http.client
import json
import os
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from kg import __version__
from kg.clients import budget
from kg.clients.cache import RequestCache, request_key
from kg.clients.reach import unreachable
from kg.errors import CTGovError, KGError, NotFoundError, OfflineMiss
from kg.model import SourceInfo
from kg.sources.common import is_nct_id

DEFAULT_BASE_URL = "https://clinicaltrials.gov/api/v2"
SERVICE = "ctgov"
MODES = ("online", "offline", "refresh")
RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})
DEFAULT_USER_AGENT = f"trialkg/{__version__} (clinical-trial knowledge graph; python-urllib)"


class InvalidNCTId(KGError, ValueError):
    """Raised before any request when an id is not ``NCT`` followed by 8 digits."""


class _HTTPAnswer(Exception):
    """A final, non-retryable HTTP error status, handed to the caller to interpret."""

    # No super().__init__: BaseException.__new__ already keeps the arguments as ``args``.
    def __init__(self, status: int, message: str):
        self.status = status
        self.message = message


@dataclass
class SearchPage:
    studies: list[dict]  # raw v2 study objects, in the API's order
    number: int  # 1-based position of this page in the (possibly restarted) walk
    source: str  # "network" or "cache"
    url: str  # the request URL of this page
    next_page_token: str | None = None
    total_count: int | None = None  # only on the first page
    restarted: bool = False  # True for pages read after an expired token forced a restart
    note: str | None = None  # why the walk stopped at this page, when the API did not say


@dataclass
class _Fetched:
    data: Any
    source: str
    url: str
    retrieved: str | None


@dataclass
class _Walk:
    seen: set[str] = field(default_factory=set)  # studies yielded, across a restart
    yielded: int = 0


class CTGovClient:
    """A polite ClinicalTrials.gov client.

    ``retries`` is the number of attempts a request gets in all (1 means no retry).
    ``mode``: "online" uses the cache and fills it; "offline" answers from the cache only
    (``OfflineMiss`` otherwise); "refresh" ignores cached answers but stores new ones.
    The base URL also comes from ``$CTGOV_BASE_URL`` so tests and mirrors can redirect it.
    """

    def __init__(self, base_url: str | None = None, timeout: float = 30.0, retries: int = 4,
                 min_interval: float = 0.5, cache: RequestCache | None = None,
                 mode: str = "online", user_agent: str = DEFAULT_USER_AGENT,
                 backoff: float = 1.0, max_backoff: float = 30.0,
                 max_retry_after: float = 120.0):
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        if retries < 1:
            raise ValueError("retries must be at least 1 (the first attempt counts)")
        base = base_url or os.environ.get("CTGOV_BASE_URL") or DEFAULT_BASE_URL
        self.base_url = base.rstrip("/")
        self.timeout = timeout
        self.retries = retries
        self.min_interval = min_interval
        self.cache = cache
        self.mode = mode
        self.user_agent = user_agent
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.max_retry_after = max_retry_after
        self._last_request = float("-inf")
        self._pace_lock = threading.Lock()

    # ----------------------------------------------------------------- public API

    def fetch_study(self, nct_id: str) -> tuple[dict, SourceInfo]:
        """One study object and where it came from (the request URL, the retrieval time)."""
        nct = normalize_nct_id(nct_id)
        endpoint = f"studies/{nct}"
        url = self.url(endpoint, {})
        try:
            got = self._get(endpoint, {}, url, what=nct,
                            check=lambda data: _not_the_study(data, nct, url))
        except _HTTPAnswer as answer:
            if answer.status in (400, 404):  # 400: an id the API calls malformed
                raise NotFoundError(f"{nct} is not on ClinicalTrials.gov "
                                    f"(HTTP {answer.status}: {answer.message})",
                                    where=url) from None
            raise CTGovError(f"HTTP {answer.status}: {answer.message}", where=url) from None
        return got.data, SourceInfo(kind="ctgov-api", location=got.url,
                                    retrieved=got.retrieved, record_id=nct)

    def search(self, *, condition: str | None = None, intervention: str | None = None,
               term: str | None = None, statuses: tuple[str, ...] | list[str] = (),
               page_size: int = 100, limit: int | None = None) -> Iterator[SearchPage]:
        """Walk the result pages of a search to the end, or until ``limit`` studies, or to
        a page that brings no study this walk has not read yet (empty, or all repeats)
        whatever next-page token it carries: a server handing out new tokens for old or
        no studies would otherwise keep the loop going for ever.

        A page token that expires mid-walk restarts the search from page 1 once, skipping
        studies already yielded; a second expiry is an error (the result set is changing
        faster than we can read it).
        """
        query = search_params(condition=condition, intervention=intervention, term=term,
                              statuses=statuses, page_size=page_size)
        walk = _Walk()
        try:
            yield from self._walk(query, walk, limit, restarted=False)
        except _ExpiredToken:
            try:
                yield from self._walk(query, walk, limit, restarted=True)
            except _ExpiredToken as again:
                raise CTGovError(
                    f"the page token for page {again.page} expired again after restarting "
                    "the search; the result set is changing too fast to read consistently "
                    f"({again.message})", where=again.url) from None

    def url(self, endpoint: str, params: dict[str, str]) -> str:
        """The full request URL; the only place URLs are assembled."""
        path = "/".join(urllib.parse.quote(part, safe="") for part in endpoint.split("/"))
        query = urllib.parse.urlencode(params)
        return f"{self.base_url}/{path}" + (f"?{query}" if query else "")

    # ----------------------------------------------------------------- search walk

    def _walk(self, query: dict[str, str], walk: _Walk, limit: int | None,
              restarted: bool) -> Iterator[SearchPage]:
        token: str | None = None
        number = 0
        read: set[str] = set()  # studies of this pass (a restart re-reads yielded ones)
        while limit is None or walk.yielded < limit:
            number += 1
            # countTotal only means something on the first page; later pages carry the token.
            extra = {"pageToken": token} if token else {"countTotal": "true"}
            params = {**query, **extra}
            page = self._search_page(params, number, restarted)
            ids = [_study_id(s) for s in page.studies]
            stalled = bool(page.next_page_token) and not set(ids) - read
            read.update(ids)
            fresh = [s for s in page.studies if _study_id(s) not in walk.seen]
            if limit is not None:
                fresh = fresh[: limit - walk.yielded]
            walk.seen.update(_study_id(s) for s in fresh)
            walk.yielded += len(fresh)
            if stalled:
                page.note = (f"page {number} brought no study not already read but offered "
                             "a next page; stopped there")
            if fresh or not page.studies or stalled:
                page.studies = fresh
                yield page
            if not page.next_page_token or stalled:
                return
            if page.next_page_token == token:
                raise CTGovError("the API returned the same page token twice", where=page.url)
            token = page.next_page_token

    def _search_page(self, params: dict[str, str], number: int, restarted: bool) -> SearchPage:
        url = self.url("studies", params)
        try:
            # After a restart the cached chain of tokens is the stale one: go to the network.
            got = self._get("studies", params, url, what=_page_label(params, number),
                            bypass_cache=restarted)
        except _HTTPAnswer as answer:
            if answer.status == 400 and "pageToken" in params:
                raise _ExpiredToken(number, url, answer.message) from None
            raise CTGovError(f"HTTP {answer.status}: {answer.message}", where=url) from None
        data = got.data
        if not isinstance(data, dict) or not isinstance(data.get("studies", []), list):
            raise CTGovError("expected a search result page with a 'studies' list", where=url)
        token = data.get("nextPageToken")
        total = data.get("totalCount")
        return SearchPage(studies=list(data.get("studies") or []), number=number,
                          source=got.source, url=url,
                          next_page_token=token if isinstance(token, str) and token else None,
                          total_count=total if isinstance(total, int) else None,
                          restarted=restarted)

    # ----------------------------------------------------------------- cache + network

    def _get(self, endpoint: str, params: dict[str, str], url: str, *, what: str,
             bypass_cache: bool = False,
             check: Callable[[Any], KGError | None] | None = None) -> _Fetched:
        """``check`` vets an answer before it is cached or used: a cached entry it refuses
        is a miss; a network answer it refuses is raised and never cached."""
        key = request_key(SERVICE, endpoint, params)
        if self.mode != "refresh" and not bypass_cache:
            cached = self._from_cache(key, url)
            if cached is not None and (check is None or check(cached.data) is None):
                return cached
        if self.mode == "offline":
            where = self.cache.directory if self.cache else "no cache configured"
            raise OfflineMiss(f"{what} is not in the ClinicalTrials.gov cache ({where}); "
                              "run online once to fetch it", missing=[what], where=url)
        data, body = self._request_json(url)
        problem = check(data) if check is not None else None
        if problem is not None:
            raise problem
        retrieved = _now()
        if self.cache is not None:
            self.cache.put(key, body, {"service": SERVICE, "endpoint": endpoint,
                                       "params": params, "url": url, "retrieved": retrieved})
        return _Fetched(data, "network", url, retrieved)

    def _from_cache(self, key: str, url: str) -> _Fetched | None:
        entry = self.cache.get(key) if self.cache is not None else None
        if entry is None:
            return None
        try:
            data = json.loads(entry.body)
        except (ValueError, RecursionError):
            return None  # an unreadable entry is a miss: online mode fetches it again
        return _Fetched(data, "cache", entry.meta.get("url", url), entry.meta.get("retrieved"))

    def _request_json(self, url: str) -> tuple[Any, bytes]:
        """GET ``url`` until it yields JSON, retrying what a retry can fix."""
        last: str  # set by every attempt that does not return or raise; retries >= 1
        for attempt in range(1, self.retries + 1):
            retry_after: str | None = None
            try:
                body = self._open(url)
            except urllib.error.HTTPError as exc:
                message = _error_text(exc)
                if exc.code not in RETRYABLE_STATUS:
                    raise _HTTPAnswer(exc.code, message) from None
                last = f"HTTP {exc.code}" + (f": {message}" if message else "")
                retry_after = exc.headers.get("Retry-After") if exc.headers else None
            except (urllib.error.URLError, http.client.HTTPException, OSError) as exc:
                why = unreachable(exc)
                if why:
                    raise CTGovError(f"cannot reach ClinicalTrials.gov: {why}",
                                     where=url) from None
                last = _describe_failure(exc)
            else:
                try:
                    return json.loads(body), body
                except ValueError as exc:
                    last = f"HTTP 200 with a body that is not valid JSON ({exc})"
                except RecursionError:
                    last = "HTTP 200 with JSON nested too deeply to be an API answer"
            if attempt < self.retries:
                time.sleep(self._delay(attempt, retry_after))
        raise CTGovError(f"no usable answer after {self.retries} attempts; last: {last}",
                         where=url)

    def _open(self, url: str) -> bytes:
        request = urllib.request.Request(url, headers={"User-Agent": self.user_agent,
                                                       "Accept": "application/json"})
        with self._pace_lock:
            self._pace()
            budget.current().spend(SERVICE, url)
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    return response.read()
            finally:
                self._last_request = time.monotonic()

    def _pace(self) -> None:
        """Wait until ``min_interval`` has passed since the previous request ended.

        Measuring from the end, not the start, guarantees the server sees requests at least
        ``min_interval`` apart however long each one took; one request at a time per client.
        """
        wait = self._last_request + self.min_interval - time.monotonic()
        if wait > 0:
            time.sleep(wait)

    def _delay(self, attempt: int, retry_after: str | None) -> float:
        delay = min(self.backoff * 2 ** (attempt - 1), self.max_backoff)
        asked = _retry_after_seconds(retry_after)
        if asked is not None:
            delay = max(delay, min(asked, self.max_retry_after))
        return delay


class _ExpiredToken(Exception):
    def __init__(self, page: int, url: str, message: str):  # args kept as in _HTTPAnswer
        self.page, self.url, self.message = page, url, message


# --------------------------------------------------------------------------- helpers


def normalize_nct_id(nct_id: str) -> str:
    text = (nct_id or "").strip().upper()
    if not is_nct_id(text):
        raise InvalidNCTId(f"{nct_id!r} is not an NCT id (NCT followed by 8 digits)",
                           where=str(nct_id))
    return text


def search_params(*, condition: str | None, intervention: str | None, term: str | None,
                  statuses: tuple[str, ...] | list[str], page_size: int) -> dict[str, str]:
    """The query parameters every page of one search repeats, in a fixed order."""
    if page_size < 1:
        raise ValueError("page_size must be at least 1")
    params: dict[str, str] = {}
    for name, value in (("query.cond", condition), ("query.intr", intervention),
                        ("query.term", term)):
        if value:
            params[name] = value
    if statuses:
        params["filter.overallStatus"] = ",".join(s.strip().upper() for s in statuses)
    params["pageSize"] = str(page_size)
    return params


def _not_the_study(data: Any, nct: str, url: str) -> KGError | None:
    """Why ``data`` is not the study ``nct`` (None when it is). An answer about another
    study, e.g. the record an alias id now redirects to, is never kept under ``nct``."""
    if not isinstance(data, dict):
        return CTGovError(f"expected a study object, got JSON {type(data).__name__}", where=url)
    answered = _study_id(data) if _has_id(data) else None
    if answered == nct:
        return None
    if answered is None:
        return CTGovError(f"the answer for {nct} names no NCT id", where=url)
    # _has_id found the nctId, so identificationModule is a JSON object here.
    aliases = data["protocolSection"]["identificationModule"].get("nctIdAliases")
    if isinstance(aliases, list) and nct in aliases:
        return NotFoundError(f"{nct} is now {answered} on ClinicalTrials.gov (an alias); ask "
                             f"for {answered}", where=url)
    return NotFoundError(f"asked for {nct} but ClinicalTrials.gov answered {answered}",
                         where=url)


def _has_id(study: Any) -> bool:
    try:
        return isinstance(study["protocolSection"]["identificationModule"]["nctId"], str)
    except (KeyError, TypeError):
        return False


def _page_label(params: dict[str, str], number: int) -> str:
    terms = ", ".join(f"{k}={v}" for k, v in params.items()
                      if k not in ("pageSize", "pageToken", "countTotal"))
    return f"search page {number} ({terms or 'all studies'})"


def _study_id(study: Any) -> str:
    try:
        return study["protocolSection"]["identificationModule"]["nctId"]
    except (KeyError, TypeError):
        return json.dumps(study, sort_keys=True)  # no id: dedupe on content


def _error_text(exc: urllib.error.HTTPError) -> str:
    """The API's text/plain error message, shortened to one line."""
    try:
        body = exc.read() or b""
    except (OSError, http.client.HTTPException):
        body = b""
    text = " ".join(body.decode("utf-8", "replace").split())
    return text[:300] if text else (exc.reason if isinstance(exc.reason, str) else "")


def _describe_failure(exc: BaseException) -> str:
    reason = getattr(exc, "reason", None)
    if isinstance(exc, TimeoutError) or isinstance(reason, TimeoutError):
        return "timed out"
    if isinstance(exc, http.client.IncompleteRead):
        return f"body cut off after {len(exc.partial)} bytes"
    return f"{type(exc).__name__}: {reason or exc}"


def _retry_after_seconds(value: str | None) -> float | None:
    """``Retry-After`` as seconds: either a number of seconds or an HTTP date."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
