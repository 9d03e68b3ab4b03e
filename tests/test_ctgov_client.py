"""kg.clients.ctgov.CTGovClient against a stand-in server on 127.0.0.1 (real sockets and time-outs).

Intervals and time-outs are scaled down so the whole file runs in a few seconds.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.clients.cache import RequestCache
from kg.clients.ctgov import CTGovClient, InvalidNCTId, _retry_after_seconds
from kg.errors import CTGovError, NotFoundError, OfflineMiss
from tests.support.clock import FakeClock
from tests.support.standin import Reply, Request, StandIn, sequence, stand_in

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "trials" / "NCT05807880.json"
STUDY = FIXTURE.read_bytes()
JSON = "application/json"


@pytest.fixture(scope="module")
def _shared_server():
    # One server for the module: each stop costs up to half a second (serve_forever's poll).
    with stand_in(sequence(_ok())) as server:
        yield server


@pytest.fixture
def server(_shared_server: StandIn) -> StandIn:
    """The shared stand-in, with its request log cleared; each test sets ``handler``."""
    _shared_server.requests.clear()
    _shared_server.handler = sequence(_ok())
    return _shared_server


def _client(server, **kw) -> CTGovClient:
    options = {"timeout": 2.0, "retries": 3, "min_interval": 0.0, "backoff": 0.01}
    options.update(kw)
    return CTGovClient(base_url=server.url + "/api/v2", **options)


def _ok(body: bytes | str = STUDY) -> Reply:
    return Reply(200, body, content_type=JSON)


def _study(nct: str) -> dict:
    return {"protocolSection": {"identificationModule": {"nctId": nct}}}


def _page(ids: list[str], token: str | None = None) -> Reply:
    body: dict = {"studies": [_study(i) for i in ids]}
    if token:
        body["nextPageToken"] = token
    return _ok(json.dumps(body))


# --------------------------------------------------------------------------- single study


def test_fetch_study(server):
    server.handler = sequence(_ok())
    study, source = _client(server).fetch_study("nct05807880 ")
    assert study["protocolSection"]["identificationModule"]["nctId"] == "NCT05807880"
    [req] = server.requests
    assert req.path == "/api/v2/studies/NCT05807880"
    assert req.headers["User-Agent"].startswith("trialkg/")
    assert source.kind == "ctgov-api" and source.record_id == "NCT05807880"
    assert source.location == server.url + "/api/v2/studies/NCT05807880"
    assert source.retrieved and source.retrieved.endswith("Z")


@pytest.mark.parametrize("bad", ["NCT123", "12345678", "NCT0580788O", ""])
def test_invalid_id_fails_without_a_request(server, bad):
    server.handler = sequence(_ok())
    with pytest.raises(InvalidNCTId, match="is not an NCT id"):
        _client(server).fetch_study(bad)
    assert server.requests == []


def test_unknown_id_is_not_found_and_not_retried(server):
    reply = Reply(404, "Study not found", content_type="text/plain")
    server.handler = sequence(reply)
    with pytest.raises(NotFoundError, match="NCT99999999 is not on ClinicalTrials.gov"):
        _client(server).fetch_study("NCT99999999")
    assert len(server.requests) == 1


def test_id_the_api_calls_malformed_is_not_found(server):
    reply = Reply(400, "The NCT ID has an incorrect format", content_type="text/plain")
    server.handler = sequence(reply)
    with pytest.raises(NotFoundError, match="incorrect format"):
        _client(server).fetch_study("NCT00000000")
    assert len(server.requests) == 1


def test_429_honours_retry_after(server):
    busy = Reply(429, "Too many requests", headers={"Retry-After": "1"},
                 content_type="text/plain")
    server.handler = sequence(busy, _ok())
    study, _ = _client(server).fetch_study("NCT05807880")
    assert study["protocolSection"]
    first, second = server.requests
    assert second.time - first.time >= 0.95  # waited what the server asked, not the 0.01 s backoff


def test_server_errors_give_up_after_retries(server):
    server.handler = sequence(Reply(500, "boom", content_type="text/plain"))
    with pytest.raises(CTGovError) as err:
        _client(server, retries=3).fetch_study("NCT05807880")
    assert len(server.requests) == 3
    message = str(err.value)
    assert "/api/v2/studies/NCT05807880" in message and "HTTP 500" in message
    assert "after 3 attempts" in message


def test_backoff_grows_between_attempts(server):
    server.handler = sequence(Reply(503, "", content_type="text/plain"))
    with pytest.raises(CTGovError, match="HTTP 503"):
        _client(server, retries=3, backoff=0.1).fetch_study("NCT05807880")
    t = [r.time for r in server.requests]
    assert t[1] - t[0] >= 0.1 and t[2] - t[1] >= 0.2


def test_slow_reply_times_out_and_is_retried(server):
    server.handler = sequence(Reply(200, STUDY, delay=0.6, content_type=JSON), _ok())
    study, _ = _client(server, timeout=0.2).fetch_study("NCT05807880")
    assert study["protocolSection"]
    assert len(server.requests) == 2


def test_slow_replies_exhaust_retries(server):
    server.handler = sequence(Reply(200, STUDY, delay=0.4, content_type=JSON))
    with pytest.raises(CTGovError, match="timed out"):
        _client(server, timeout=0.15, retries=2).fetch_study("NCT05807880")
    assert len(server.requests) == 2


def test_truncated_body_is_retried(server):
    cut = Reply(200, STUDY, truncate_to=200, content_type=JSON)
    server.handler = sequence(cut, _ok())
    study, _ = _client(server).fetch_study("NCT05807880")
    assert study["protocolSection"]["identificationModule"]["nctId"] == "NCT05807880"
    assert len(server.requests) == 2


def test_truncated_body_every_time_is_a_clear_error(server):
    cut = Reply(200, STUDY, truncate_to=200, content_type=JSON)
    server.handler = sequence(cut)
    with pytest.raises(CTGovError, match="cut off after 200 bytes"):
        _client(server, retries=2).fetch_study("NCT05807880")
    assert len(server.requests) == 2


def test_body_that_is_not_json_is_retried_then_an_error(server):
    html = Reply(200, "<html><body>Maintenance</body></html>", content_type="text/html")
    server.handler = sequence(html)
    with pytest.raises(CTGovError, match="not valid JSON"):
        _client(server, retries=2).fetch_study("NCT05807880")
    assert len(server.requests) == 2


def test_base_url_from_environment(server, monkeypatch):
    server.handler = sequence(_ok())
    monkeypatch.setenv("CTGOV_BASE_URL", server.url + "/mirror/v2/")
    client = CTGovClient(min_interval=0.0)
    client.fetch_study("NCT05807880")
    assert server.requests[0].path == "/mirror/v2/studies/NCT05807880"


def test_retry_after_forms():
    assert _retry_after_seconds("3") == 3.0
    assert _retry_after_seconds(None) is None
    assert _retry_after_seconds("soon") is None
    assert _retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past


# --------------------------------------------------------------------------- pacing


def test_pacing_between_requests(server):
    server.handler = sequence(_ok())
    client = _client(server, min_interval=0.2)
    for _ in range(3):
        client.fetch_study("NCT05807880")
    t = [r.time for r in server.requests]
    assert len(t) == 3
    assert t[1] - t[0] >= 0.2 and t[2] - t[1] >= 0.2


# --------------------------------------------------------------------------- search


def _three_pages(req: Request) -> Reply:
    token = req.param("pageToken")
    pages = {None: (["NCT00000001", "NCT00000002"], "t2"),
             "t2": (["NCT00000003", "NCT00000004"], "t3"),
             "t3": (["NCT00000005"], None)}
    if token not in pages:
        return Reply(400, f"unexpected token {token}", content_type="text/plain")
    ids, nxt = pages[token]
    reply = _page(ids, nxt)
    if token is None:  # countTotal=true: the first page carries totalCount
        reply.body = json.dumps(dict(json.loads(reply.body), totalCount=5))
    return reply


def _ids(pages) -> list[str]:
    return [s["protocolSection"]["identificationModule"]["nctId"]
            for p in pages for s in p.studies]


def test_search_follows_page_tokens_to_the_end(server):
    server.handler = _three_pages
    pages = list(_client(server).search(condition="nasopharyngeal carcinoma",
                                        intervention="anlotinib",
                                        statuses=("recruiting", "COMPLETED"), page_size=2))
    assert [p.number for p in pages] == [1, 2, 3]
    assert [p.total_count for p in pages] == [5, None, None]
    assert [p.next_page_token for p in pages] == ["t2", "t3", None]
    assert {p.source for p in pages} == {"network"}
    assert _ids(pages) == [f"NCT0000000{i}" for i in range(1, 6)]
    first, second, third = server.requests
    assert first.path == "/api/v2/studies"
    assert first.param("pageToken") is None and first.param("countTotal") == "true"
    assert (second.param("pageToken"), third.param("pageToken")) == ("t2", "t3")
    for req in server.requests:
        assert req.param("pageSize") == "2"
        assert req.param("query.cond") == "nasopharyngeal carcinoma"
        assert req.param("query.intr") == "anlotinib"
        assert req.param("filter.overallStatus") == "RECRUITING,COMPLETED"
        assert req.param("query.term") is None
    assert pages[1].url.endswith("pageToken=t2")


def test_search_limit_stops_early(server):
    server.handler = _three_pages
    pages = list(_client(server).search(term="npc", page_size=2, limit=3))
    assert _ids(pages) == ["NCT00000001", "NCT00000002", "NCT00000003"]
    assert len(server.requests) == 2
    assert server.requests[0].param("query.term") == "npc"


def _expiring(times: int):
    """Page 2's first `times` tokens are rejected as the API rejects a stale token."""
    state = {"page1": 0, "rejected": 0}

    def handle(req: Request) -> Reply:
        token = req.param("pageToken")
        if token is None:
            state["page1"] += 1
            return _page(["NCT00000001", "NCT00000002"], f"p2-{state['page1']}")
        if state["rejected"] < times:
            state["rejected"] += 1
            return Reply(400, "Invalid pageToken", content_type="text/plain")
        return _page(["NCT00000002", "NCT00000003"], None)

    return handle


def test_expired_page_token_restarts_once_without_duplicates(server):
    server.handler = _expiring(1)
    pages = list(_client(server).search(condition="x", page_size=2))
    assert _ids(pages) == ["NCT00000001", "NCT00000002", "NCT00000003"]
    assert [p.restarted for p in pages] == [False, True]
    tokens = [r.param("pageToken") for r in server.requests]
    assert tokens == [None, "p2-1", None, "p2-2"]


def test_expired_page_token_twice_is_an_error(server):
    server.handler = _expiring(2)
    with pytest.raises(CTGovError, match="expired again after restarting"):
        list(_client(server).search(condition="x", page_size=2))
    assert len(server.requests) == 4


def test_bad_request_on_first_page_is_not_a_token_problem(server):
    reply = Reply(400, "Invalid value in parameter `overallStatus`: `NOPE`",
                  content_type="text/plain")
    server.handler = sequence(reply)
    with pytest.raises(CTGovError, match="overallStatus"):
        list(_client(server).search(statuses=("nope",)))
    assert len(server.requests) == 1


# --------------------------------------------------------------------------- cache + modes


def test_offline_run_is_served_from_cache(server, tmp_path):
    cache = RequestCache(tmp_path / "cache")
    server.handler = sequence(_ok())
    online, _ = _client(server, cache=cache).fetch_study("NCT05807880")
    assert len(server.requests) == 1
    study, source = _client(server, cache=cache, mode="offline").fetch_study("NCT05807880")
    again, _ = _client(server, cache=cache).fetch_study("NCT05807880")  # online cache hit
    assert len(server.requests) == 1
    assert study == online == again
    assert source.location.endswith("/studies/NCT05807880") and source.retrieved


def test_offline_search_replays_cached_pages(server, tmp_path):
    cache = RequestCache(tmp_path / "cache")
    server.handler = _three_pages
    online = list(_client(server, cache=cache).search(condition="npc", page_size=2))
    offline = list(_client(server, cache=cache, mode="offline").search(condition="npc",
                                                                       page_size=2))
    assert len(server.requests) == 3
    assert _ids(offline) == _ids(online)
    assert {p.source for p in offline} == {"cache"}


def test_offline_miss_names_the_id(server, tmp_path):
    cache = RequestCache(tmp_path / "cache")
    server.handler = sequence(_ok())
    client = _client(server, cache=cache, mode="offline")
    with pytest.raises(OfflineMiss, match="NCT05807880") as err:
        client.fetch_study("NCT05807880")
    with pytest.raises(OfflineMiss, match=r"search page 1 \(query.cond=npc\)"):
        list(client.search(condition="npc"))
    assert err.value.missing == ["NCT05807880"]
    assert server.requests == []


def test_corrupted_cache_entry_is_fetched_again(server, tmp_path):
    cache = RequestCache(tmp_path / "cache")
    server.handler = sequence(_ok())
    _client(server, cache=cache).fetch_study("NCT05807880")
    [body] = (tmp_path / "cache").rglob("*.body")
    body.write_bytes(body.read_bytes()[:100])  # torn write / disk damage
    study, source = _client(server, cache=cache).fetch_study("NCT05807880")
    assert len(server.requests) == 2
    assert study["protocolSection"]["identificationModule"]["nctId"] == "NCT05807880"
    _client(server, cache=cache).fetch_study("NCT05807880")  # repaired: a hit again
    assert len(server.requests) == 2


def test_refresh_mode_always_asks_the_network(server, tmp_path):
    cache = RequestCache(tmp_path / "cache")
    server.handler = sequence(_ok())
    _client(server, cache=cache).fetch_study("NCT05807880")
    _client(server, cache=cache, mode="refresh").fetch_study("NCT05807880")
    assert len(server.requests) == 2


def test_modes_are_checked():
    with pytest.raises(ValueError, match="mode must be one of"):
        CTGovClient(mode="sometimes")



# --------------------------------------------------------------------------- defaults (issue 17)
# As `kg build NCT...` builds the client: every timing setting left at its default. Only the
# clock and sleep of kg.clients.ctgov are replaced, so the chosen delays are read exactly.


@pytest.fixture
def clock(monkeypatch) -> FakeClock:
    import kg.clients.ctgov

    fake = FakeClock()
    monkeypatch.setattr(kg.clients.ctgov, "time", fake)
    return fake


def _default_client(server, monkeypatch) -> CTGovClient:
    monkeypatch.setenv("CTGOV_BASE_URL", server.url + "/api/v2")
    return CTGovClient()


def test_default_back_off_doubles_from_one_second(server, clock, monkeypatch):
    server.handler = sequence(Reply(503, "busy"), Reply(503, "busy"), Reply(503, "busy"),
                              _ok())
    study, _ = _default_client(server, monkeypatch).fetch_study("NCT05807880")
    assert study["protocolSection"]["identificationModule"]["nctId"] == "NCT05807880"
    assert len(server.requests) == 4 and clock.sleeps == [1.0, 2.0, 4.0]


def test_default_gives_up_after_four_attempts(server, clock, monkeypatch):
    server.handler = lambda _req: Reply(502, "bad gateway")
    with pytest.raises(CTGovError, match="no usable answer after 4 attempts; last: HTTP 502"):
        _default_client(server, monkeypatch).fetch_study("NCT05807880")
    assert len(server.requests) == 4 and clock.sleeps == [1.0, 2.0, 4.0]


@pytest.mark.parametrize(("retry_after", "waited"), [("7", 7.0), ("600", 120.0)])
def test_default_retry_after_is_honoured_up_to_two_minutes(server, clock, monkeypatch,
                                                            retry_after, waited):
    server.handler = sequence(Reply(429, "slow down", {"Retry-After": retry_after}), _ok())
    _default_client(server, monkeypatch).fetch_study("NCT05807880")
    assert clock.sleeps == [waited]


def test_default_pacing_is_half_a_second_between_requests(server, clock, monkeypatch):
    client = _default_client(server, monkeypatch)
    for _ in range(3):
        client.fetch_study("NCT05807880")
    assert clock.sleeps == [0.5, 0.5]
    clock.now += 0.2  # time the caller spent: only the rest of the interval is waited
    client.fetch_study("NCT05807880")
    assert clock.sleeps == [0.5, 0.5, 0.3]
