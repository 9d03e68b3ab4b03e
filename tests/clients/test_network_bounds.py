"""Network loops end (issue 11, item 4): a search stops at --limit or at a page that brings
nothing new, whatever page tokens the server sends; every command's requests are capped and
counted (-v); NCBI's rate holds across processes of one user, measured at a stand-in server.

The stand-ins end their own walk after SAFETY requests, so code without these bounds fails
the assertions in bounded time instead of hanging."""

from __future__ import annotations

import copy
import itertools
import json
import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.clients.budget import Budget, RequestCapReached, current, request_budget
from kg.clients.ctgov import CTGovClient
from kg.clients.entrez.client import EntrezClient
from kg.clients.entrez.config import EntrezConfig
from kg.errors import CTGovError
from tests.support.standin import Reply, Request, StandIn, stand_in

FIX = Path(__file__).resolve().parents[1] / "fixtures"
STUDY = json.loads((FIX / "trials" / "NCT05807880.json").read_text(encoding="utf-8"))
ESEARCH = (FIX / "entrez" / "esearch1.xml").read_bytes()  # a genuine ESearch answer
SAFETY = 60  # requests after which a stand-in ends its walk (no token): a bound for old code
QUERY = ["discover", "--condition", "nasopharyngeal carcinoma", "--online", "--interval", "0",
         "--retries", "1", "--page-size", "2"]


def study(number: int) -> dict:
    """The bundled study re-labelled with a synthetic id (NCT9…), so it still matches."""
    s = copy.deepcopy(STUDY)
    s["protocolSection"]["identificationModule"]["nctId"] = f"NCT9{number:07d}"
    return s


class EndlessSearch:
    """A stand-in search whose every page carries a new next-page token; ``pages`` says
    what each page holds (page index -> studies)."""

    def __init__(self, pages):
        self.pages = pages
        self.count = itertools.count()
        self.lock = threading.Lock()

    def __call__(self, req: Request) -> Reply:
        with self.lock:
            n = next(self.count)
        body = {"studies": self.pages(n), "totalCount": 10_000_000}
        if n + 1 < SAFETY:
            body["nextPageToken"] = f"token-{n + 1}"
        return Reply(body=json.dumps(body), content_type="application/json")


def discover(monkeypatch, tmp_path, handler, *args):
    with stand_in(handler) as server:
        monkeypatch.setenv("CTGOV_BASE_URL", server.url)
        result = CliRunner().invoke(main, [*QUERY, "--output", str(tmp_path), "--format",
                                           "json", *map(str, args)])
    return result, server


@pytest.mark.parametrize(("name", "pages"), [
    ("the same studies again", lambda n: [study(1), study(2)]),
    ("no studies at all", lambda n: [] if n else [study(1), study(2)]),
    ("a repeat of an earlier page", lambda n: [study(n % 2 * 2 + 1), study(n % 2 * 2 + 2)]),
])
def test_a_page_with_nothing_new_ends_the_search(monkeypatch, tmp_path, name, pages):
    result, server = discover(monkeypatch, tmp_path, EndlessSearch(pages), "--limit", 500, "-v")
    assert result.exit_code == 0, result.output
    first_new = 3 if name == "a repeat of an earlier page" else 2  # pages with news, + 1
    assert len(server.requests) == first_new
    found = sorted(r["nct_id"]["value"] for r in json.loads(
        result.output[:result.output.rindex("}") + 1])["results"]["bindings"])
    assert found == [f"NCT9{i:07d}" for i in range(1, 2 * first_new - 1)]
    assert (f"discover: page {first_new} brought no study not already read but offered a "
            "next page; stopped there") in result.output
    assert f"discover: http requests: {first_new} of at most 5,000 (ctgov {first_new})" \
        in result.output


def test_limit_stops_an_endless_stream_of_new_studies(monkeypatch, tmp_path):
    endless = EndlessSearch(lambda n: [study(2 * n + 1), study(2 * n + 2)])
    result, server = discover(monkeypatch, tmp_path, endless, "--limit", 5)
    assert result.exit_code == 0, result.output
    assert len(server.requests) == 3  # 2 + 2 + 1 studies
    assert [r.param("pageToken") for r in server.requests] == [None, "token-1", "token-2"]
    assert "5 matching trial(s) of 5 studies read in 3 page(s)" in result.output


def test_request_cap_ends_a_search_without_limit(monkeypatch, tmp_path):
    endless = EndlessSearch(lambda n: [study(2 * n + 1), study(2 * n + 2)])
    result, server = discover(monkeypatch, tmp_path, endless, "--max-requests", 7)
    assert result.exit_code == 4
    assert len(server.requests) == 7
    last = result.output.strip().splitlines()[-1]
    assert last.startswith(f"kg: error: {server.url}/studies?")
    assert last.endswith("stopped at 7 HTTP requests, the cap for one command (a server that "
                         "keeps a loop going, or a larger job: --max-requests raises the cap)")
    assert not (tmp_path / "graph.ttl").exists()  # nothing written from a cut-off search


def test_one_budget_counts_every_client_of_a_command():
    with stand_in(lambda req: Reply(body=ESEARCH)) as server:
        entrez = EntrezClient(EntrezConfig(email="test@example.org", base_url=server.url,
                                           min_interval=0, max_tries=1))
        ctgov = CTGovClient(base_url=server.url, retries=1, min_interval=0)
        with request_budget(3) as budget:
            entrez.esearch("a")
            entrez.esearch("b")
            with pytest.raises(CTGovError, match="not valid JSON"):  # XML is no study
                ctgov.fetch_study("NCT05807880")
            with pytest.raises(RequestCapReached, match="stopped at 3 HTTP requests"):
                entrez.esearch("c")
        assert len(server.requests) == 3
    assert budget.line() == "http requests: 3 of at most 3 (ctgov 1, entrez 2)"
    assert current().limit is None  # outside a command: counted, not capped
    assert Budget(None).line() == "http requests: 0"


# --------------------------------------------------------------------------- NCBI across processes

CHILD = textwrap.dedent("""
    import sys, time
    from kg.clients.entrez.client import EntrezClient
    from kg.clients.entrez.config import EntrezConfig
    url, start, count, key = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    config = EntrezConfig(email="test@example.org", base_url=url, api_key=key or None,
                          max_tries=1)
    client = EntrezClient(config)  # the user's shared pacer: no test override
    while time.time() < start:
        time.sleep(0.002)
    for _ in range(count):
        client.esearch("biopython")
""")


def most_in_one_second(times: list[float]) -> int:
    times = sorted(times)
    return max(sum(1 for t in times[i:] if t < start + 1.0) for i, start in enumerate(times))


@pytest.mark.parametrize(("key", "rate", "each"), [("", 3, 5), ("synthetic-key", 10, 10)])
def test_ncbi_rate_holds_across_two_processes(tmp_path, key, rate, each):
    server = StandIn(lambda req: Reply(body=ESEARCH)).start()
    try:
        env = {**os.environ, "TRIALKG_CACHE": str(tmp_path / "cache")}
        start = time.time() + 2.0  # both children imported and waiting by then
        children = [subprocess.Popen([sys.executable, "-c", CHILD, server.url, str(start),
                                      str(each), key], env=env, stderr=subprocess.PIPE)
                    for _ in range(2)]
        for child in children:
            _, err = child.communicate(timeout=60)
            assert child.returncode == 0, err.decode()
    finally:
        server.stop()
    times = [r.time for r in server.requests]
    assert len(times) == 2 * each
    assert most_in_one_second(times) <= rate
    span = max(times) - min(times)
    assert span >= (2 * each - 1) / rate * 0.95  # the two processes took turns
