"""One HTTP exchange with E-utilities, paced and retried, returning checked raw bytes.

Why urllib and not ``Bio.Entrez.efetch``/``esearch``/...: in biopython 1.88 those functions

- hard-code ``https://eutils.ncbi.nlm.nih.gov/...`` in each function, so tests cannot point
  them at a stand-in server on 127.0.0.1;
- retry only while *opening* a connection: a time-out or reset while reading the body
  (``IncompleteRead``) reaches the caller untried; HTTP 429/5xx are retried at once with no
  back-off, ``Retry-After`` is ignored, and ``URLError`` sleeps a fixed 15 s;
- call ``urlopen`` without a time-out, so a stalled server hangs the run;
- pace with one module-global timestamp and choose GET or POST themselves (POST only from
  200 ids or 1,000 characters), while we want POST for every EFetch batch;
- hand back a stream, while the cache needs the exact bytes, checked before they are kept.

So requests go through here; parsing of ESearch/ELink/EPost/ESummary answers still uses
``Bio.Entrez.read`` (:mod:`kg.clients.entrez.results`).
"""

from __future__ import annotations

import http.client
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

from kg.clients import budget
from kg.clients.entrez.config import EntrezConfig
from kg.clients.entrez.pacing import Pacer, shared_pacer
from kg.clients.entrez.payload import Problem, problem, retry_after_seconds
from kg.clients.reach import unreachable
from kg.errors import EntrezError

Params = Sequence[tuple[str, str]]
_PRIVATE = {"api_key", "email"}  # never in provenance, cache metadata or messages


@dataclass
class Response:
    utility: str
    url: str  # the request as a URL, without api_key and email
    method: str
    body: bytes
    status: int
    retrieved: str  # ISO 8601, UTC
    attempts: int


@dataclass
class TransportStats:
    requests: int = 0  # HTTP attempts, retries included
    retries: int = 0
    seconds: float = 0.0
    waited: float = 0.0  # time spent pacing and backing off


@dataclass
class Transport:
    config: EntrezConfig
    pacer: Pacer | None = None
    stats: TransportStats = field(default_factory=TransportStats)

    def __post_init__(self) -> None:
        if self.pacer is None:
            host = urlsplit(self.config.base_url).netloc
            self.pacer = shared_pacer(host, self.config.api_key, self.config.interval)
        # Our own opener: no cookies, no global install_opener side effects.
        self._opener = urllib.request.build_opener()
        self._opener.addheaders = [("User-Agent", f"{self.config.tool} (urllib)")]

    def request(self, utility: str, params: Params, *, post: bool = False,
                expect: str = "xml", about: str = "", encode_pipes: bool = True) -> Response:
        """Send ``params`` (plus tool/email/api_key) to ``utility``; retry what may pass.

        ``about`` names what was asked ("ids 1,2,3", "term ...") for the error message.
        """
        url = self.config.url(utility)
        pairs = list(params) + list(self.config.identity().items())
        query = build_query(pairs, encode_pipes)
        public = f"{url}?{urlencode([p for p in pairs if p[0] not in _PRIVATE])}"
        last = "no answer"
        for attempt in range(self.config.max_tries):
            if attempt:
                self.stats.retries += 1
            budget.current().spend("entrez", url)
            with self.pacer.turn() as waited:
                started = time.monotonic()
                outcome = self._attempt(url, query, post, expect)
                self.stats.seconds += time.monotonic() - started
            self.stats.waited += waited
            self.stats.requests += 1
            if isinstance(outcome, tuple):
                status, body = outcome
                return Response(utility, public, "POST" if post else "GET", body, status,
                                _now(), attempt + 1)
            if not outcome.retryable:
                verb = "" if outcome.message.startswith("cannot reach") else "refused: "
                raise EntrezError(f"{utility} ({about or 'request'}) {verb}{outcome.message}",
                                  where=url)
            last = outcome.message
            if attempt + 1 < self.config.max_tries:
                self._back_off(attempt, outcome)
        raise EntrezError(f"{utility} ({about or 'request'}) failed after "
                          f"{self.config.max_tries} tries; last: {last}", where=url)

    def _attempt(self, url: str, query: str, post: bool, expect: str
                 ) -> tuple[int, bytes] | Problem:
        if post:
            req = urllib.request.Request(url, data=query.encode("utf-8"), method="POST")
            req.add_header("Content-Type", "application/x-www-form-urlencoded")
        else:
            req = urllib.request.Request(f"{url}?{query}", method="GET")
        try:
            with self._opener.open(req, timeout=self.config.timeout) as handle:
                status, body = handle.status, handle.read()
            wait = None
        except urllib.error.HTTPError as exc:
            status, body = exc.code, _read_quietly(exc)
            # urllib raises HTTPError for an answer with the answer's headers, always
            wait = retry_after_seconds(exc.headers.get("Retry-After"))
        except TimeoutError:
            return Problem(f"time-out after {self.config.timeout:g} s", True)
        except http.client.IncompleteRead as exc:
            return Problem(f"connection dropped mid-body ({len(exc.partial)} bytes read)", True)
        except (ConnectionError, http.client.HTTPException, urllib.error.URLError) as exc:
            why = unreachable(exc)
            if why:
                return Problem(f"cannot reach NCBI: {why}", False)
            return Problem(f"connection failed ({getattr(exc, 'reason', type(exc).__name__)})",
                           True)
        found = problem(status, body, expect, wait)
        return found if found else (status, body)

    def _back_off(self, attempt: int, why: Problem) -> None:
        delay = min(self.config.backoff_cap, self.config.backoff_base * 2 ** attempt)
        if why.retry_after is not None:
            delay = max(delay, min(why.retry_after, self.config.retry_after_cap))
        self.stats.waited += delay
        time.sleep(delay)


def build_query(pairs: Params, encode_pipes: bool = True) -> str:
    """Form-encode; ECitMatch wants its ``|`` separators as they are (Biopython does the
    same), so they can be left unencoded."""
    query = urlencode(list(pairs))
    return query if encode_pipes else query.replace("%7C", "|")


def _read_quietly(exc: urllib.error.HTTPError) -> bytes:
    try:
        return exc.read()
    except (OSError, http.client.HTTPException):
        return b""


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
