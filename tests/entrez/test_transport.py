"""kg.clients.entrez.transport as a unit: what one request puts on the wire, what it hands
back, how each failure is worded and whether it is tried again, and what the statistics
count. The stand-in server is real; time is the fake clock's, and the failures a server cannot
script on cue (a reset, a time-out) come from an opener that raises them."""

from __future__ import annotations

import http.client
import socket
import urllib.error

import pytest

from kg.clients import budget
from kg.clients.entrez import pacing
from kg.clients.entrez.pacing import Pacer, pacing_file, shared_pacer
from kg.clients.entrez.transport import Response, Transport, build_query
from kg.errors import EntrezError
from tests.entrez import (  # noqa: F401  (fixtures are used by name)
    EMAIL,
    clock_fixture,
    config,
    serve_fixture,
    standin_server_fixture,
)
from tests.support.standin import Reply, sequence

ANSWER = b"<eSearchResult><Count>0</Count></eSearchResult>"  # synthetic, and clean


def _transport(url: str, **overrides: object) -> Transport:
    cfg = config(url, **overrides)
    return Transport(cfg, pacer=Pacer(cfg.interval))


class _FailingOpener:
    """Raises ``failures`` in turn, then lets the real opener answer; records the time-out
    each attempt was given."""

    def __init__(self, real, *failures: BaseException):
        self.real, self.failures = real, list(failures)
        self.timeouts: list[float | None] = []

    def open(self, request, *, timeout):
        self.timeouts.append(timeout)
        if self.failures:
            raise self.failures.pop(0)
        return self.real.open(request, timeout=timeout)


# --------------------------------------------------------------------------- what is sent


def test_a_get_carries_the_params_and_identity_and_hands_back_the_answer(serve, clock):
    server = serve(lambda _req: Reply(body=ANSWER))
    clock.now = 1_700_000_000.0
    answer = _transport(server.url, api_key="SECRET").request(
        "esearch", [("db", "pubmed"), ("term", "a b")])
    # the URL kept for provenance leaves the key and the email out
    assert answer == Response("esearch",
                              f"{server.url}/esearch.fcgi?db=pubmed&term=a+b&tool=trialkg",
                              "GET", ANSWER, 200, "2023-11-14T22:13:20Z", 1)
    (sent,) = server.requests
    assert (sent.method, sent.path, sent.body) == ("GET", "/esearch.fcgi", b"")
    assert sent.params == {"db": ["pubmed"], "term": ["a b"], "tool": ["trialkg"],
                           "email": [EMAIL], "api_key": ["SECRET"]}
    assert sent.headers["User-Agent"] == "trialkg (urllib)"


def test_a_post_carries_the_form_in_its_body_and_no_stray_header(serve, clock):
    server = serve(lambda _req: Reply(body=ANSWER))
    answer = _transport(server.url).request("efetch", [("db", "pubmed"), ("id", "1,2")],
                                            post=True)
    assert (answer.method, answer.url) == ("POST",
                                           f"{server.url}/efetch.fcgi?db=pubmed&id=1%2C2"
                                           "&tool=trialkg")
    (sent,) = server.requests
    assert (sent.method, sent.path) == ("POST", "/efetch.fcgi")  # nothing in the URL
    assert sent.body == b"db=pubmed&id=1%2C2&tool=trialkg&email=tests%40example.org"
    assert sorted(sent.headers) == ["Accept-Encoding", "Connection", "Content-Length",
                                    "Content-Type", "Host", "User-Agent"]
    assert sent.headers["Content-Type"] == "application/x-www-form-urlencoded"


def test_pipes_are_encoded_unless_the_caller_asks_for_them_as_they_are(serve, clock):
    server = serve(lambda _req: Reply(body=b"synthetic|citation|line\n",
                                      content_type="text/plain"))
    transport = _transport(server.url, email=None)
    transport.request("ecitmatch", [("bdata", "a|b")], post=True, expect="text")
    transport.request("ecitmatch", [("bdata", "a|b")], post=True, expect="text",
                      encode_pipes=False)
    assert [r.body for r in server.requests] == [b"bdata=a%7Cb&tool=trialkg",
                                                  b"bdata=a|b&tool=trialkg"]
    assert build_query([("bdata", "a|b"), ("x", "c d")]) == "bdata=a%7Cb&x=c+d"
    assert build_query([("bdata", "a|b")], encode_pipes=False) == "bdata=a|b"


def test_a_transport_without_a_pacer_takes_its_users_shared_one(monkeypatch, tmp_path):
    monkeypatch.setenv("TRIALKG_CACHE", str(tmp_path))
    monkeypatch.setattr(pacing, "_shared", {})
    transport = Transport(config("http://eutils.example.org:8080/eutils", api_key="SECRET",
                                 min_interval=None))
    assert transport.pacer is shared_pacer("eutils.example.org:8080", "SECRET", 0.11)
    assert transport.pacer.path == pacing_file(tmp_path, "eutils.example.org:8080", "SECRET")


def test_every_attempt_spends_from_the_commands_budget(serve, clock):
    server = serve(sequence(Reply(503, "busy"), Reply(body=ANSWER), Reply(503, "busy")))
    transport = _transport(server.url)
    with budget.request_budget(3) as spent:
        transport.request("esearch", [("term", "x")])
        with pytest.raises(budget.RequestCapReached) as caught:
            transport.request("esearch", [("term", "y")])
    assert spent.by_service == {"entrez": 3}
    assert str(caught.value).startswith(f"{server.url}/esearch.fcgi: stopped at 3 HTTP "
                                        "requests, the cap for one command")
    assert len(server.requests) == 3


# --------------------------------------------------------------------------- counting


def test_the_statistics_count_attempts_retries_and_time(serve, clock):
    replies = sequence(Reply(503, "busy"), Reply(503, "busy"), Reply(body=ANSWER))

    def answer(request):
        clock.now += 0.25  # each exchange takes a quarter of a second
        return replies(request)

    server = serve(answer)
    transport = _transport(server.url, min_interval=0.5)
    assert transport.request("esearch", [("term", "x")]).attempts == 3
    # back-off 0.01 s, then the rest of the interval since the last exchange ended; twice
    assert clock.sleeps == [0.01, 0.49, 0.02, 0.48]
    stats = transport.stats
    assert (stats.requests, stats.retries) == (3, 2)
    assert stats.seconds == pytest.approx(0.75)
    assert stats.waited == pytest.approx(1.0)
    assert len(server.requests) == 3


# --------------------------------------------------------------------------- failures


def test_a_refusal_names_the_utility_and_what_was_asked(serve, clock):
    server = serve(lambda _req: Reply(400, "bad request"))
    transport = _transport(server.url)
    where = f"{server.url}/esearch.fcgi"
    with pytest.raises(EntrezError) as caught:
        transport.request("esearch", [("term", "x")])
    assert str(caught.value) == f"{where}: esearch (request) refused: HTTP 400"
    with pytest.raises(EntrezError) as caught:
        transport.request("esearch", [("term", "x")], about="term 'x'")
    assert str(caught.value) == f"{where}: esearch (term 'x') refused: HTTP 400"
    assert len(server.requests) == 2  # a refusal is not tried again


def test_giving_up_names_the_tries_and_the_last_failure(serve, clock):
    server = serve(lambda _req: Reply(500, "Internal error"))
    with pytest.raises(EntrezError) as caught:
        _transport(server.url).request("esearch", [("term", "x")])
    assert str(caught.value) == (f"{server.url}/esearch.fcgi: esearch (request) failed after "
                                 "3 tries; last: HTTP 500")
    assert clock.sleeps == [0.01, 0.02]


@pytest.mark.parametrize(("failure", "said"), [
    (TimeoutError("timed out"), "time-out after 2.5 s"),
    (http.client.IncompleteRead(b"<eFe"), "connection dropped mid-body (4 bytes read)"),
    (ConnectionResetError(104, "Connection reset by peer"),
     "connection failed (ConnectionResetError)"),
    (http.client.RemoteDisconnected("Remote end closed connection without response"),
     "connection failed (RemoteDisconnected)"),
    (urllib.error.URLError("synthetic reason"), "connection failed (synthetic reason)"),
])
def test_a_broken_exchange_is_tried_again_and_reported(serve, clock, failure, said):
    server = serve(lambda _req: Reply(body=ANSWER))
    transport = _transport(server.url, timeout=2.5, max_tries=2)
    transport._opener = opener = _FailingOpener(transport._opener, failure, failure)
    with pytest.raises(EntrezError) as caught:
        transport.request("esearch", [("term", "x")])
    assert str(caught.value) == (f"{server.url}/esearch.fcgi: esearch (request) failed after "
                                 f"2 tries; last: {said}")
    assert opener.timeouts == [2.5, 2.5]
    transport._opener = opener = _FailingOpener(opener.real, failure)
    assert transport.request("esearch", [("term", "x")]).attempts == 2  # it passes
    assert opener.timeouts == [2.5, 2.5]
    assert len(server.requests) == 1


@pytest.mark.parametrize(("reason", "said"), [
    (ConnectionRefusedError(111, "Connection refused"),
     "the connection was refused (nothing listens at that address)"),
    (socket.gaierror(-2, "Name or service not known"),
     "the host name does not resolve (no network, or a wrong address)"),
])
def test_an_unreachable_host_is_reported_at_once(serve, clock, reason, said):
    server = serve(lambda _req: Reply(body=ANSWER))
    transport = _transport(server.url)
    transport._opener = opener = _FailingOpener(transport._opener,
                                                urllib.error.URLError(reason))
    with pytest.raises(EntrezError) as caught:
        transport.request("esearch", [("term", "x")])
    assert str(caught.value) == (f"{server.url}/esearch.fcgi: esearch (request) cannot reach "
                                 f"NCBI: {said}")
    assert opener.timeouts == [2.0] and clock.sleeps == []  # no retry, no back-off


def test_retry_after_outweighs_a_shorter_back_off(serve, clock):
    server = serve(sequence(Reply(429, b'{"error":"API rate limit exceeded"}',
                                  {"Retry-After": "3"}, content_type="application/json"),
                            Reply(body=ANSWER)))
    assert _transport(server.url).request("esearch", [("term", "x")]).attempts == 2
    assert clock.sleeps == [3.0]
    assert len(server.requests) == 2


def test_an_html_page_is_named_for_what_was_expected_instead(serve, clock):
    page = "<html><head><title>Synthetic proxy error</title></head><body></body></html>"
    server = serve(lambda _req: Reply(body=page, content_type="text/html"))
    with pytest.raises(EntrezError) as caught:
        _transport(server.url).request("esearch", [("term", "x")])
    assert str(caught.value).endswith("esearch (request) failed after 3 tries; last: HTML page "
                                      "instead of XML (Synthetic proxy error)")


def test_an_error_answer_whose_body_breaks_off_reads_as_an_empty_body(serve, clock):
    # 300 is an answer urllib does not follow; its body is cut after 3 of 200 bytes
    server = serve(lambda _req: Reply(300, "<x/>" * 50, truncate_to=3))
    with pytest.raises(EntrezError) as caught:
        _transport(server.url).request("efetch", [("id", "1")])
    assert str(caught.value).endswith("efetch (request) failed after 3 tries; last: empty body")
