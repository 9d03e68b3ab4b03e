"""Back-off and pacing as users get them: the configuration a user's environment gives
(``EntrezConfig.from_env``, the shared pacer), with the clock and sleep of the transport and
the pacer replaced, so the delays the defaults choose are read exactly and cost no time.
The stand-in server is real; only time is not."""

from __future__ import annotations

import pytest

from kg.clients.entrez import EntrezClient, EntrezConfig
from kg.errors import EntrezError
from tests.entrez import (  # noqa: F401  (fixtures are used by name)
    EMAIL,
    clock_fixture,
    fixture,
    serve_fixture,
    standin_server_fixture,
)
from tests.support.standin import Reply, sequence


def _user_client(url: str, **env: str) -> EntrezClient:
    """What `kg` builds for a user who set NCBI_EMAIL (and points NCBI_EUTILS_URL here)."""
    return EntrezClient(EntrezConfig.from_env({"NCBI_EMAIL": EMAIL, "NCBI_EUTILS_URL": url,
                                               **env}))


def test_default_back_off_doubles_from_one_second(serve, clock):
    server = serve(sequence(Reply(503, "busy"), Reply(503, "busy"), Reply(503, "busy"),
                            Reply(body=fixture("esearch1.xml"))))
    result = _user_client(server.url).esearch("biopython")
    assert result.count == 63 and len(server.requests) == 4
    # 1, 2 and 4 s between the four tries; the pacing interval has passed within each
    assert clock.sleeps == [1.0, 2.0, 4.0]


def test_default_gives_up_after_four_tries_and_three_waits(serve, clock):
    server = serve(lambda _req: Reply(500, "Internal error"))
    with pytest.raises(EntrezError) as caught:
        _user_client(server.url).esearch("anlotinib")
    assert str(caught.value) == (
        f"{server.url}/esearch.fcgi: esearch (term 'anlotinib') failed after 4 tries; "
        "last: HTTP 500")  # a plain-text body adds nothing
    assert len(server.requests) == 4 and clock.sleeps == [1.0, 2.0, 4.0]


@pytest.mark.parametrize(("retry_after", "waited"), [
    ("5", 5.0),  # longer than the back-off: the server's word counts
    ("0", 1.0),  # shorter: the back-off still applies
    ("600", 120.0),  # never longer than the default cap
])
def test_default_retry_after_handling(serve, clock, retry_after, waited):
    server = serve(sequence(Reply(429, b'{"error":"API rate limit exceeded"}',
                                  {"Retry-After": retry_after}, content_type="application/json"),
                            Reply(body=fixture("esearch1.xml"))))
    assert _user_client(server.url).esearch("x").count == 63
    assert clock.sleeps == [waited]


@pytest.mark.parametrize(("env", "interval"), [({}, 0.37), ({"NCBI_API_KEY": "K"}, 0.11)])
def test_default_pacing_spaces_requests_by_ncbis_limit(serve, clock, env, interval):
    server = serve(lambda _req: Reply(body=fixture("esearch1.xml")))
    client = _user_client(server.url, **env)
    for _ in range(3):
        client.esearch("x")
    # every request after the first waits the whole interval: no time passed in between
    assert clock.sleeps == [interval, interval]
    assert client.stats.waited == pytest.approx(2 * interval)


def test_default_pacing_waits_only_what_is_left_of_the_interval(serve, clock):
    server = serve(lambda _req: Reply(body=fixture("esearch1.xml")))
    client = _user_client(server.url)
    client.esearch("x")
    clock.now += 0.30  # the caller spent 0.30 s on the answer
    client.esearch("x")
    clock.now += 5.0  # a long pause: no wait at all
    client.esearch("x")
    assert clock.sleeps == [0.07]
