"""kg.clients.ctgov edges (issue 17): the messages, defaults and helper results of the
ClinicalTrials.gov client, asserted exactly. Helpers are called directly (no network); the
HTTP paths use a stand-in server on 127.0.0.1 answering synthetic bodies; waits are read
from a replaced clock, never timed."""

from __future__ import annotations

import http.client
import io
import json
import re
import socket
import urllib.error

import pytest

import kg.clients.ctgov as ctgov
from kg.clients.cache import RequestCache, request_key
from kg.clients.ctgov import (
    DEFAULT_BASE_URL,
    DEFAULT_USER_AGENT,
    SERVICE,
    CTGovClient,
    InvalidNCTId,
    _describe_failure,
    _error_text,
    _has_id,
    _not_the_study,
    _page_label,
    _retry_after_seconds,
    _study_id,
    normalize_nct_id,
    search_params,
)
from kg.errors import CTGovError, NotFoundError, OfflineMiss
from tests.support.clock import FakeClock
from tests.support.standin import Reply, Request, StandIn, sequence, stand_in

NCT = "NCT99999903"  # synthetic
URL = "http://127.0.0.1:9/api/v2/studies/" + NCT
JSON = "application/json"


def _study(nct=NCT, **ident) -> dict:
    return {"protocolSection": {"identificationModule": {"nctId": nct, **ident}}}




@pytest.fixture
def clock(monkeypatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr(ctgov, "time", fake)
    return fake


@pytest.fixture(scope="module")
def _shared_server():
    with stand_in(sequence(Reply(200, json.dumps(_study()), content_type=JSON))) as server:
        yield server


@pytest.fixture
def server(_shared_server: StandIn) -> StandIn:
    _shared_server.requests.clear()
    return _shared_server


def _client(server: StandIn, **kw) -> CTGovClient:
    options = {"retries": 1, "min_interval": 0.0, "backoff": 0.0, "timeout": 5.0}
    options.update(kw)
    return CTGovClient(base_url=server.url + "/api/v2", **options)


def _ok(body) -> Reply:
    return Reply(200, body if isinstance(body, (str, bytes)) else json.dumps(body),
                 content_type=JSON)


# --------------------------------------------------------------------------- settings


def test_defaults_as_a_command_builds_the_client(monkeypatch):
    monkeypatch.delenv("CTGOV_BASE_URL", raising=False)
    c = CTGovClient()
    assert (c.base_url, c.timeout, c.retries, c.min_interval, c.cache, c.mode) == (
        "https://clinicaltrials.gov/api/v2", 30.0, 4, 0.5, None, "online")
    assert (c.backoff, c.max_backoff, c.max_retry_after) == (1.0, 30.0, 120.0)
    assert c.user_agent == DEFAULT_USER_AGENT == (
        f"trialkg/{ctgov.__version__} (clinical-trial knowledge graph; python-urllib)")
    assert DEFAULT_BASE_URL == "https://clinicaltrials.gov/api/v2"


def test_base_url_an_argument_wins_over_the_environment_and_loses_its_slash(monkeypatch):
    monkeypatch.setenv("CTGOV_BASE_URL", "http://mirror.example/v2/")
    assert CTGovClient().base_url == "http://mirror.example/v2"
    assert CTGovClient(base_url="http://other.example/api//").base_url == (
        "http://other.example/api")
    assert CTGovClient(base_url="http://other.example/MAX/").base_url == (
        "http://other.example/MAX")


@pytest.mark.parametrize(("options", "message"), [
    ({"mode": "sometimes"}, "mode must be one of online, offline, refresh, not 'sometimes'"),
    ({"retries": 0}, "retries must be at least 1 (the first attempt counts)"),
])
def test_settings_are_checked(options, message):
    with pytest.raises(ValueError) as caught:
        CTGovClient(**options)
    assert str(caught.value) == message


def test_retries_of_one_is_allowed():
    assert CTGovClient(retries=1).retries == 1


def test_url_quotes_each_path_part_and_encodes_the_query():
    c = CTGovClient(base_url="http://h/api")
    assert c.url("studies/NCT 1/x", {}) == "http://h/api/studies/NCT%201/x"
    assert c.url("studies", {"query.cond": "a b&c", "pageSize": "2"}) == (
        "http://h/api/studies?query.cond=a+b%26c&pageSize=2")


# --------------------------------------------------------------------------- helpers


@pytest.mark.parametrize(("given", "nct"), [
    ("nct05807880", "NCT05807880"), ("  NCT05807880\n", "NCT05807880")])
def test_normalize_nct_id(given, nct):
    assert normalize_nct_id(given) == nct


@pytest.mark.parametrize(("given", "message"), [
    ("NCT123", "NCT123: 'NCT123' is not an NCT id (NCT followed by 8 digits)"),
    (None, "None: None is not an NCT id (NCT followed by 8 digits)"),
])
def test_normalize_nct_id_refuses(given, message):
    with pytest.raises(InvalidNCTId) as caught:
        normalize_nct_id(given)
    assert str(caught.value) == message
    assert isinstance(caught.value, ValueError)


def test_search_params_fixed_order_and_normalised_statuses():
    params = search_params(condition="npc", intervention="", term="pd-1",
                           statuses=[" recruiting", "Completed "], page_size=7)
    assert list(params.items()) == [
        ("query.cond", "npc"), ("query.term", "pd-1"),
        ("filter.overallStatus", "RECRUITING,COMPLETED"), ("pageSize", "7")]
    assert search_params(condition=None, intervention="x", term=None, statuses=(),
                         page_size=1) == {"query.intr": "x", "pageSize": "1"}


def test_search_params_page_size_must_be_positive():
    with pytest.raises(ValueError) as caught:
        search_params(condition=None, intervention=None, term=None, statuses=(), page_size=0)
    assert str(caught.value) == "page_size must be at least 1"


def test_page_label_names_the_terms_only():
    assert _page_label({"query.cond": "npc", "filter.overallStatus": "RECRUITING",
                        "pageSize": "10", "pageToken": "t", "countTotal": "true"}, 3) == (
        "search page 3 (query.cond=npc, filter.overallStatus=RECRUITING)")
    assert _page_label({"pageSize": "10", "countTotal": "true"}, 1) == (
        "search page 1 (all studies)")


def test_study_id_of_a_study_and_of_anything_else():
    assert _study_id(_study()) == NCT
    assert _study_id({"b": 1, "a": [2]}) == '{"a": [2], "b": 1}'
    assert _study_id([1]) == "[1]"


@pytest.mark.parametrize(("data", "has"), [
    (_study(), True), (_study(5), False), ({}, False), ({"protocolSection": []}, False),
    ([], False), ("NCT99999903", False)])
def test_has_id(data, has):
    assert _has_id(data) is has


@pytest.mark.parametrize(("data", "kind", "message"), [
    ([_study()], CTGovError, "expected a study object, got JSON list"),
    ({}, CTGovError, f"the answer for {NCT} names no NCT id"),
    (_study(12345678), CTGovError, f"the answer for {NCT} names no NCT id"),
    (_study("NCT00000001", nctIdAliases=[NCT]), NotFoundError,
     f"{NCT} is now NCT00000001 on ClinicalTrials.gov (an alias); ask for NCT00000001"),
    (_study("NCT00000001", nctIdAliases=None), NotFoundError,
     f"asked for {NCT} but ClinicalTrials.gov answered NCT00000001"),
    (_study("NCT00000001", nctIdAliases=f"xx{NCT}xx"), NotFoundError,
     f"asked for {NCT} but ClinicalTrials.gov answered NCT00000001"),
])
def test_an_answer_that_is_not_the_study(data, kind, message):
    problem = _not_the_study(data, NCT, URL)
    assert type(problem) is kind
    assert str(problem) == f"{URL}: {message}"


def test_the_study_itself_is_no_problem():
    assert _not_the_study(_study(), NCT, URL) is None


class _Reason(OSError):
    def __init__(self, reason):
        super().__init__("outer text")
        self.reason = reason


@pytest.mark.parametrize(("exc", "said"), [
    (TimeoutError("read"), "timed out"),
    (urllib.error.URLError(TimeoutError("connect")), "timed out"),
    (OSError("plain"), "OSError: plain"),
    (http.client.IncompleteRead(b"abcd", 10), "body cut off after 4 bytes"),
    (http.client.RemoteDisconnected("closed without response"),
     "RemoteDisconnected: closed without response"),
    (urllib.error.URLError("boom"), "URLError: boom"),
    (ConnectionResetError(104, "Connection reset by peer"),
     "ConnectionResetError: [Errno 104] Connection reset by peer"),
    (_Reason(""), "_Reason: outer text"),
    (_Reason("inner"), "_Reason: inner"),
])
def test_describe_failure(exc, said):
    assert _describe_failure(exc) == said


@pytest.mark.parametrize(("value", "seconds"), [
    ("3", 3.0), ("0.5", 0.5), ("0", 0.0), ("-5", 0.0), ("", None), (None, None),
    ("soon", None), ("Wed, 99 Foo 2015 07:28:00 GMT", None),
    ("Wed, 21 Oct 2015 07:28:10 GMT", 10.0), ("Wed, 21 Oct 2015 07:27:00 GMT", 0.0),
])
def test_retry_after_seconds(clock, value, seconds):
    clock.now = 1445412480.0  # Wed, 21 Oct 2015 07:28:00 GMT
    assert _retry_after_seconds(value) == seconds


@pytest.mark.parametrize(("attempt", "retry_after", "delay"), [
    (1, None, 1.0), (2, None, 2.0), (3, None, 4.0), (5, None, 16.0), (6, None, 30.0),
    (9, None, 30.0), (1, "7", 7.0), (3, "2", 4.0), (1, "600", 120.0), (6, "100", 100.0),
    (6, "10", 30.0), (1, "bogus", 1.0),
])
def test_delay_doubles_caps_and_honours_retry_after(attempt, retry_after, delay):
    assert CTGovClient()._delay(attempt, retry_after) == delay


def test_delay_uses_the_clients_own_settings():
    c = CTGovClient(backoff=0.25, max_backoff=1.0, max_retry_after=5.0)
    assert [c._delay(n, None) for n in (1, 2, 3, 4)] == [0.25, 0.5, 1.0, 1.0]
    assert c._delay(1, "60") == 5.0


# --------------------------------------------------------------------------- single study


def test_request_headers_and_source(server):
    server.handler = sequence(_ok(_study()))
    study, source = _client(server, user_agent="agent/1").fetch_study(NCT.lower())
    assert study == _study()
    [req] = server.requests
    assert (req.headers["User-Agent"], req.headers["Accept"]) == ("agent/1", "application/json")
    assert (source.kind, source.location, source.record_id) == (
        "ctgov-api", f"{server.url}/api/v2/studies/{NCT}", NCT)
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", source.retrieved)


@pytest.mark.parametrize(("status", "body", "said"), [
    (404, "  Study \n not   found ", "HTTP 404: Study not found"),
    (400, "x" * 400, "HTTP 400: " + "x" * 300),
    (404, "", "HTTP 404: Not Found"),
    (404, b"bad \xff byte", "HTTP 404: bad \ufffd byte"),
])
def test_unknown_or_malformed_id_is_not_found_once(server, status, body, said):
    server.handler = sequence(Reply(status, body, content_type="text/plain"))
    with pytest.raises(NotFoundError) as caught:
        _client(server, retries=3).fetch_study(NCT)
    url = f"{server.url}/api/v2/studies/{NCT}"
    assert str(caught.value) == f"{url}: {NCT} is not on ClinicalTrials.gov ({said})"
    assert len(server.requests) == 1


def test_another_final_status_is_an_error_not_retried(server):
    server.handler = sequence(Reply(403, "Forbidden here", content_type="text/plain"))
    with pytest.raises(CTGovError) as caught:
        _client(server, retries=3).fetch_study(NCT)
    assert type(caught.value) is CTGovError
    assert str(caught.value) == f"{server.url}/api/v2/studies/{NCT}: HTTP 403: Forbidden here"
    assert len(server.requests) == 1


@pytest.mark.parametrize(("body", "last"), [
    ("<html>down</html>",
     "HTTP 200 with a body that is not valid JSON (Expecting value: line 1 column 1 (char 0))"),
    ("[" * 100_000, "HTTP 200 with JSON nested too deeply to be an API answer"),
])
def test_a_body_that_is_not_usable_json(server, body, last):
    server.handler = sequence(Reply(200, body, content_type=JSON))
    with pytest.raises(CTGovError) as caught:
        _client(server).fetch_study(NCT)
    assert str(caught.value) == (f"{server.url}/api/v2/studies/{NCT}: no usable answer after "
                                 f"1 attempts; last: {last}")


def test_retries_wait_between_attempts_only(server, clock):
    server.handler = sequence(Reply(503, "busy", {"Retry-After": "3"}, content_type="text/plain"),
                              Reply(500, "", content_type="text/plain"))
    with pytest.raises(CTGovError) as caught:
        _client(server, retries=3, backoff=1.0).fetch_study(NCT)
    assert clock.sleeps == [3.0, 2.0]  # none after the last attempt
    assert str(caught.value).endswith(
        "no usable answer after 3 attempts; last: HTTP 500: Internal Server Error")
    assert len(server.requests) == 3


def test_a_retryable_status_without_text_or_headers_is_named_by_its_code(monkeypatch, clock):
    # urllib's HTTPError may come without headers or a body (hdrs=None, fp=None).
    client = CTGovClient(base_url="http://127.0.0.1:9/api/v2", retries=2, backoff=1.0)

    def answer(url):
        raise urllib.error.HTTPError(url, 503, "", None, None)

    monkeypatch.setattr(client, "_open", answer)
    with pytest.raises(CTGovError) as caught:
        client.fetch_study(NCT)
    assert str(caught.value) == f"{URL}: no usable answer after 2 attempts; last: HTTP 503"
    assert clock.sleeps == [1.0]


def test_nothing_listening_is_not_retried(clock):
    with socket.socket() as sock:  # a port that was free a moment ago, closed again
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = CTGovClient(base_url=f"http://127.0.0.1:{port}/api/v2", retries=3)
    with pytest.raises(CTGovError) as caught:
        client.fetch_study(NCT)
    assert str(caught.value) == (
        f"http://127.0.0.1:{port}/api/v2/studies/{NCT}: cannot reach ClinicalTrials.gov: "
        "the connection was refused (nothing listens at that address)")
    assert clock.sleeps == []


def test_pacing_waits_only_the_rest_of_the_interval(server, clock):
    server.handler = sequence(_ok(_study()))
    client = _client(server, min_interval=2.0)
    client.fetch_study(NCT)
    assert clock.sleeps == []  # the first request does not wait
    clock.now += 0.5
    client.fetch_study(NCT)
    clock.now += 1.5
    client.fetch_study(NCT)
    clock.now += 2.0  # exactly the interval: no wait at all
    client.fetch_study(NCT)
    assert clock.sleeps == [1.5, 0.5]


# --------------------------------------------------------------------------- cache and modes


def test_a_network_answer_is_cached_with_where_it_came_from(server, tmp_path, clock):
    cache = RequestCache(tmp_path / "c")
    server.handler = sequence(_ok(_study()))
    _, first = _client(server, cache=cache).fetch_study(NCT)
    entry = cache.get(request_key(SERVICE, f"studies/{NCT}", {}))
    assert json.loads(entry.body) == _study()
    assert {k: entry.meta[k] for k in ("service", "endpoint", "params", "url", "retrieved")} == {
        "service": "ctgov", "endpoint": f"studies/{NCT}", "params": {},
        "url": f"{server.url}/api/v2/studies/{NCT}", "retrieved": first.retrieved}
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", first.retrieved)
    # read back through another base URL: the source still names where it was fetched
    offline = CTGovClient(base_url="http://127.0.0.1:9/api/v2", cache=cache, mode="offline")
    _, again = offline.fetch_study(NCT)
    assert (again.location, again.retrieved) == (first.location, first.retrieved)
    assert again.location.startswith(server.url)
    server.handler = sequence(_ok(_study(nctIdAliases=["NCT00000009"])))
    _, fresh = _client(server, cache=cache, mode="refresh").fetch_study(NCT)
    assert len(server.requests) == 2  # refresh asked the network despite the entry
    assert json.loads(cache.get(request_key(SERVICE, f"studies/{NCT}", {})).body) == _study(
        nctIdAliases=["NCT00000009"])


def test_search_pages_are_cached_under_their_parameters_and_replayed(server, tmp_path):
    cache = RequestCache(tmp_path / "c")
    server.handler = sequence(_page(["NCT00000001"]))
    [online] = list(_client(server, cache=cache).search(term="x"))
    params = {"query.term": "x", "pageSize": "100", "countTotal": "true"}
    entry = cache.get(request_key(SERVICE, "studies", params))
    assert json.loads(entry.body)["studies"] == [_study("NCT00000001")]
    assert (entry.meta["endpoint"], entry.meta["params"]) == ("studies", params)
    [replayed] = list(_client(server, cache=cache).search(term="x"))
    assert (online.source, replayed.source) == ("network", "cache")
    assert replayed.url == online.url
    assert len(server.requests) == 1


def test_a_cache_entry_without_meta_answers_for_the_request_url(tmp_path):
    cache = RequestCache(tmp_path / "c")
    cache.put(request_key(SERVICE, f"studies/{NCT}", {}), json.dumps(_study()).encode(), {})
    client = CTGovClient(base_url="http://127.0.0.1:9/api/v2", cache=cache, mode="offline")
    study, source = client.fetch_study(NCT)
    assert study == _study()
    assert (source.location, source.retrieved) == (URL, None)


def test_a_cache_entry_nested_too_deeply_is_a_miss(tmp_path):
    cache = RequestCache(tmp_path / "c")
    cache.put(request_key(SERVICE, f"studies/{NCT}", {}), b"[" * 100_000, {})
    client = CTGovClient(base_url="http://127.0.0.1:9/api/v2", cache=cache, mode="offline")
    with pytest.raises(OfflineMiss) as caught:
        client.fetch_study(NCT)
    assert str(caught.value) == (f"{URL}: {NCT} is not in the ClinicalTrials.gov cache "
                                 f"({tmp_path / 'c'}); run online once to fetch it")
    assert caught.value.missing == [NCT]


def test_offline_without_a_cache_says_so():
    client = CTGovClient(base_url="http://127.0.0.1:9/api/v2", mode="offline")
    with pytest.raises(OfflineMiss) as caught:
        client.fetch_study(NCT)
    assert str(caught.value) == (f"{URL}: {NCT} is not in the ClinicalTrials.gov cache "
                                 "(no cache configured); run online once to fetch it")


# --------------------------------------------------------------------------- search


def _page(ids, token=None, **extra) -> Reply:
    body = {"studies": [_study(i) for i in ids], **extra}
    if token is not None:
        body["nextPageToken"] = token
    return _ok(body)


def _ids(pages) -> list[list[str]]:
    return [[_study_id(s) for s in p.studies] for p in pages]


def test_a_page_that_is_not_a_search_result_page(server):
    for body in ([], {"studies": {}}):
        server.handler = sequence(_ok(body))
        with pytest.raises(CTGovError) as caught:
            list(_client(server).search(term="x"))
        assert str(caught.value) == (f"{server.url}/api/v2/studies?query.term=x&pageSize=100"
                                     "&countTotal=true: expected a search result page with a "
                                     "'studies' list")


def test_a_page_token_or_count_of_the_wrong_kind_is_ignored(server):
    server.handler = sequence(_page(["NCT00000001"], "", totalCount="5"))
    [page] = list(_client(server).search(term="x"))
    assert (page.next_page_token, page.total_count, page.number, page.restarted) == (
        None, None, 1, False)
    assert (page.source, page.note) == ("network", None)
    server.handler = sequence(_ok({"totalCount": 0}))
    [page] = list(_client(server).search(term="x"))
    assert (page.studies, page.total_count) == ([], 0)


def test_an_empty_page_is_yielded_and_ends_the_walk(server):
    server.handler = sequence(_page([], "next"))
    pages = list(_client(server).search(term="x"))
    assert _ids(pages) == [[]] and pages[0].next_page_token == "next"
    assert len(server.requests) == 1


def test_a_page_of_repeats_offering_more_is_noted_and_ends_the_walk(server):
    replies = iter([_page(["NCT00000001", "NCT00000002"], "t2"),
                    _page(["NCT00000002", "NCT00000001"], "t3")])
    server.handler = lambda _req: next(replies)
    pages = list(_client(server).search(term="x"))
    assert _ids(pages) == [["NCT00000001", "NCT00000002"], []]
    assert [p.note for p in pages] == [
        None, "page 2 brought no study not already read but offered a next page; stopped there"]
    assert len(server.requests) == 2


def test_a_page_with_some_new_studies_goes_on(server):
    replies = iter([_page(["NCT00000001"], "t2"), _page(["NCT00000001", "NCT00000002"], "t3"),
                    _page(["NCT00000003"])])
    server.handler = lambda _req: next(replies)
    pages = list(_client(server).search(term="x"))
    assert _ids(pages) == [["NCT00000001"], ["NCT00000002"], ["NCT00000003"]]
    assert [p.note for p in pages] == [None, None, None]


def test_the_same_page_token_twice_is_an_error(server):
    replies = iter([_page(["NCT00000001"], "t2"), _page(["NCT00000002"], "t2")])
    server.handler = lambda _req: next(replies)
    with pytest.raises(CTGovError) as caught:
        list(_client(server).search(term="x"))
    assert str(caught.value) == (f"{server.url}/api/v2/studies?query.term=x&pageSize=100"
                                 "&pageToken=t2: the API returned the same page token twice")


def test_a_limit_cuts_a_page_and_stops(server):
    server.handler = sequence(_page(["NCT00000001", "NCT00000002", "NCT00000003"], "t2"))
    pages = list(_client(server).search(term="x", limit=2))
    assert _ids(pages) == [["NCT00000001", "NCT00000002"]]
    assert len(server.requests) == 1
    assert list(_client(server).search(term="x", limit=0)) == []


def test_a_limit_counts_studies_across_pages(server):
    replies = iter([_page(["NCT00000001", "NCT00000002"], "t2"),
                    _page(["NCT00000003", "NCT00000004"], "t3"), _page(["NCT00000005"])])
    server.handler = lambda _req: next(replies)
    pages = list(_client(server).search(term="x", limit=3))
    assert _ids(pages) == [["NCT00000001", "NCT00000002"], ["NCT00000003"]]
    assert len(server.requests) == 2


def test_a_token_that_expires_again_after_the_restart(server):
    def handle(req: Request) -> Reply:
        if req.param("pageToken") is None:
            return _page(["NCT00000001"], "t2")
        return Reply(400, "Invalid  pageToken", content_type="text/plain")

    server.handler = handle
    with pytest.raises(CTGovError) as caught:
        list(_client(server).search(term="x"))
    assert str(caught.value) == (
        f"{server.url}/api/v2/studies?query.term=x&pageSize=100&pageToken=t2: the page token "
        "for page 2 expired again after restarting the search; the result set is changing "
        "too fast to read consistently (Invalid pageToken)")


def test_a_server_error_on_a_later_page_is_not_a_token_problem(server):
    def handle(req: Request) -> Reply:
        if req.param("pageToken") is None:
            return _page(["NCT00000001"], "t2")
        return Reply(403, "no", content_type="text/plain")

    server.handler = handle
    with pytest.raises(CTGovError) as caught:
        list(_client(server).search(term="x"))
    assert str(caught.value) == (f"{server.url}/api/v2/studies?query.term=x&pageSize=100"
                                 "&pageToken=t2: HTTP 403: no")
    assert len(server.requests) == 2


def _expiring_once(second_page: list[str]):
    """A search whose page token expires the first time page 2 is asked for."""
    state = {"expired": False}

    def handle(req: Request) -> Reply:
        if req.param("pageToken") is None:
            return _page(["NCT00000001", "NCT00000002"], "t2")
        if not state["expired"]:
            state["expired"] = True
            return Reply(400, "Invalid pageToken", content_type="text/plain")
        return _page(second_page)
    return handle


def test_a_restart_reads_page_one_from_the_network_not_the_cache(server, tmp_path):
    server.handler = _expiring_once(["NCT00000003"])
    cache = RequestCache(tmp_path / "c")
    pages = list(_client(server, cache=cache).search(term="x"))
    assert _ids(pages) == [["NCT00000001", "NCT00000002"], ["NCT00000003"]]
    assert [p.source for p in pages] == ["network", "network"]
    assert [r.param("pageToken") for r in server.requests] == [None, "t2", None, "t2"]


def test_a_restarted_walk_keeps_the_limit(server):
    server.handler = _expiring_once(["NCT00000003", "NCT00000004"])
    pages = list(_client(server).search(term="x", limit=3))
    assert _ids(pages) == [["NCT00000001", "NCT00000002"], ["NCT00000003"]]


def test_every_request_spends_from_the_commands_budget(server):
    from kg.clients.budget import RequestCapReached, request_budget

    server.handler = sequence(Reply(503, "busy", content_type="text/plain"), _ok(_study()))
    with request_budget(limit=2) as spent:
        _client(server, retries=2).fetch_study(NCT)
        assert (spent.used, spent.by_service) == (2, {"ctgov": 2})
        with pytest.raises(RequestCapReached) as caught:
            _client(server).fetch_study("NCT00000001")
    assert str(caught.value).startswith(f"{server.url}/api/v2/studies/NCT00000001: stopped at 2 ")
    assert len(server.requests) == 2


def test_a_reply_slower_than_the_timeout_is_a_timed_out_attempt(server):
    server.handler = sequence(Reply(200, json.dumps(_study()), delay=0.3, content_type=JSON))
    with pytest.raises(CTGovError) as caught:
        _client(server, timeout=0.05).fetch_study(NCT)
    assert str(caught.value).endswith("no usable answer after 1 attempts; last: timed out")


class _Body(io.RawIOBase):
    """An error body that is cut off (raises) or holds ``data``."""

    def __init__(self, data: bytes | None):
        self.data = data

    def readable(self) -> bool:
        return True

    def read(self, *_args) -> bytes:
        if self.data is None:
            raise ConnectionResetError(104, "Connection reset by peer")
        data, self.data = self.data, b""
        return data


@pytest.mark.parametrize(("body", "reason", "text"), [
    (b"Too  many\r\nrequests", "Too Many Requests", "Too many requests"),
    (None, "Bad Gateway", "Bad Gateway"),  # the body could not be read: the reason phrase
    (b"   ", "Bad Gateway", "Bad Gateway"),
    (None, None, ""),
])
def test_error_text(body, reason, text):
    exc = urllib.error.HTTPError(URL, 502, reason, {}, _Body(body))
    assert _error_text(exc) == text


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_statuses_a_retry_can_mend_are_retried(server, clock, status):
    server.handler = sequence(Reply(status, "wait", content_type="text/plain"))
    with pytest.raises(CTGovError) as caught:
        _client(server, retries=2).fetch_study(NCT)
    assert str(caught.value).endswith(f"after 2 attempts; last: HTTP {status}: wait")
    assert len(server.requests) == 2


@pytest.mark.parametrize("status", [401, 403, 428, 501, 505])
def test_other_error_statuses_are_final(server, clock, status):
    server.handler = sequence(Reply(status, "no", content_type="text/plain"))
    with pytest.raises(CTGovError) as caught:
        _client(server, retries=2).fetch_study(NCT)
    assert str(caught.value).endswith(f"/studies/{NCT}: HTTP {status}: no")
    assert len(server.requests) == 1 and clock.sleeps == []


def test_an_answer_about_another_study_is_refused_and_not_cached(server, tmp_path):
    cache = RequestCache(tmp_path / "c")
    server.handler = sequence(_ok(_study("NCT00000001")))
    with pytest.raises(NotFoundError) as caught:
        _client(server, cache=cache).fetch_study(NCT)
    assert str(caught.value) == (f"{server.url}/api/v2/studies/{NCT}: asked for {NCT} but "
                                 "ClinicalTrials.gov answered NCT00000001")
    assert cache.get(request_key(SERVICE, f"studies/{NCT}", {})) is None


def test_the_retrieval_time_is_utc_whatever_the_local_zone(monkeypatch):
    import time

    from kg.clients import ctgov

    monkeypatch.setenv("TZ", "XST-8")  # POSIX rule: UTC+8, no zone database needed
    time.tzset()
    try:
        before = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        stamp = ctgov._now()
        after = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    assert before <= stamp <= after
