"""The E-utilities client against real fixtures and a stand-in server on 127.0.0.1."""

from __future__ import annotations

import json

import pytest

from kg.clients.entrez import EntrezClient, EntrezConfig
from kg.clients.entrez.client import CitationQuery
from kg.clients.entrez.pacing import Pacer
from kg.clients.entrez.results import (
    parse_ecitmatch,
    parse_elink,
    parse_epost,
    parse_esearch,
    parse_esummary,
    read_xml,
)
from kg.clients.entrez.transport import build_query
from kg.errors import EntrezError
from kg.sources.pubmed import parse_bytes
from tests.entrez import (  # noqa: F401  (fixtures are used by name)
    EMAIL,
    client,
    config,
    fixture,
    serve_fixture,
    standin_server_fixture,
)
from tests.support.standin import Reply

# --------------------------------------------------------------------------- real fixtures


def test_esearch_fixtures_parse_count_ids_and_history_keys():
    plain = parse_esearch(fixture("esearch1.xml"))
    assert plain.count == 63
    assert len(plain.ids) == 20
    assert plain.ids[:2] == ["41282813", "41148224"] and plain.ids[-1] == "37810457"
    assert plain.translation == '"biopython"[All Fields]'
    assert plain.webenv is None and plain.query_key is None
    history = parse_esearch(fixture("esearch2.xml"))
    assert history.count == 42249
    assert history.ids[0] == "41297076"
    assert history.webenv == "MCID_6927d6e7fee3e90f880ec190"
    assert history.query_key == "1"


def test_elink_fixture_gives_neighbours_without_the_record_itself():
    links = parse_elink(fixture("elink1.xml"))
    assert list(links) == ["9298984"]
    neighbours = links["9298984"]
    assert "9298984" not in neighbours
    assert neighbours[:3] == ["8794856", "9700164", "7914521"]
    assert len(neighbours) == 100  # 101 pubmed_pubmed links less the record itself
    cited = parse_elink(fixture("elink1.xml"), "pubmed_pubmed_citedin")["9298984"]
    assert len(cited) == 39


def test_epost_and_esummary_fixtures():
    posted = parse_epost(fixture("epost1.xml"))
    assert posted.webenv == "MCID_692851c130aec64bed0a8c2a"
    assert posted.query_key == "1"
    summaries = parse_esummary(fixture("esummary1.xml"))
    assert summaries[0]["Id"] == "11850928"
    assert summaries[0]["Title"] == "Zirconium granuloma following treatment of rhus dermatitis."


def test_entrez_read_stays_offline_even_for_unbundled_or_missing_dtds(monkeypatch):
    import Bio.Entrez.Parser as parser_module

    def no_network(*_args, **_kwargs):
        raise AssertionError("Bio.Entrez tried to download a DTD")

    monkeypatch.setattr(parser_module, "urlopen", no_network)
    for name in ("esearch1.xml", "esearch2.xml", "elink1.xml", "elink3.xml", "epost1.xml",
                 "esummary1.xml"):
        assert read_xml(fixture(name)) is not None
    renamed = parse_esearch(fixture("synthetic-esearch-new-dtd.xml"))
    assert renamed.ids == ["99000001", "99000002"]
    bare = b"<eSearchResult><Count>1</Count><IdList><Id>5</Id></IdList></eSearchResult>"
    assert parse_esearch(bare).ids == ["5"]
    with pytest.raises(EntrezError, match="no DTD"):
        read_xml(b'<?xml version="1.0"?><SomethingElse/>')


def test_esearch_warnings_and_errors():
    empty = parse_esearch(fixture("synthetic-esearch-empty.xml"))
    assert empty.count == 0 and empty.ids == []
    assert any("phrase not found" in w for w in empty.warnings)
    assert "No items found." in empty.warnings
    with pytest.raises(EntrezError, match="unknown search field.*nosuchfield"):
        parse_esearch(fixture("synthetic-esearch-fieldnotfound.xml"))


def test_ecitmatch_lines():
    found, missing, unclear = parse_ecitmatch(
        b"proc natl acad sci u s a|1991|88|3248|mann bj|a|2014248\n"
        b"annals of oncology||31|S668|cai q|b|NOT_FOUND\n"
        b"science|1987|235|182|palmenberg ac|c|AMBIGUOUS (2 citations)\n")
    assert (found.key, found.status, found.pmid) == ("a", "found", "2014248")
    assert (missing.status, missing.pmid) == ("not-found", None)
    assert unclear.status == "ambiguous"


def test_efetch_fixtures_through_the_client_give_articles(serve):
    batch = fixture("pubmed2.xml")
    server = serve(lambda req: Reply(body=batch))
    records = client(server.url).efetch_records(["11748933", "11700088"])
    assert list(records) == ["11748933", "11700088"]
    articles = [a for doc in records.values() for a in parse_bytes(doc, "test")]
    assert [a.pmid for a in articles] == ["11748933", "11700088"]
    assert articles[0].title.startswith("Is cryopreservation a homogeneous process?")
    assert articles[1].title == "Proton MRI of (13)C distribution by J and chemical shift editing."
    assert articles == parse_bytes(batch, "test")


def test_efetch_pubmed4_fixture_single_record(serve):
    server = serve(lambda req: Reply(body=fixture("pubmed4.xml")))
    records = client(server.url).efetch_records(["27797938"])
    (article,) = parse_bytes(records["27797938"], "test")
    assert article.title.startswith("Leucocyte telomere length, genetic variants at the")


# --------------------------------------------------------------------------- requests


def test_efetch_posts_batches_of_at_most_200_with_identity(serve):
    ids = [str(10_000_000 + i) for i in range(450)]
    server = serve(lambda req: Reply(body=fixture("pubmed1.xml")))
    client(server.url, api_key="KEY123").efetch_records(ids)
    sizes = [len(r.param("id").split(",")) for r in server.requests]
    assert sizes == [200, 200, 50]
    assert all(r.method == "POST" and r.path.endswith("/efetch.fcgi") for r in server.requests)
    assert "id=" not in server.requests[0].path  # ids travel in the form body
    for request in server.requests:
        assert request.param("tool") == "trialkg"
        assert request.param("email") == EMAIL
        assert request.param("api_key") == "KEY123"
        assert request.param("db") == "pubmed"
    sent = [i for r in server.requests for i in r.param("id").split(",")]
    assert sent == ids


def test_ecitmatch_sends_pipes_unencoded(serve):
    answer = fixture("synthetic-ecitmatch-notfound.txt")
    server = serve(lambda req: Reply(body=answer, content_type="text/plain"))
    query = CitationQuery("annals of oncology", "", "31", "S668", "cai q", "trialkg1")
    (match,) = client(server.url).ecitmatch(query)
    assert match.status == "not-found"
    assert server.requests[0].param("bdata") == "annals of oncology||31|S668|cai q|trialkg1|"
    sent = build_query([("bdata", query.bdata())], encode_pipes=False)
    assert sent == "bdata=annals+of+oncology||31|S668|cai+q|trialkg1|"


def test_config_from_environment():
    env = {"NCBI_EMAIL": "me@example.org", "NCBI_API_KEY": "abc",
           "NCBI_EUTILS_URL": "http://127.0.0.1:9/eutils"}
    cfg = EntrezConfig.from_env(env)
    assert (cfg.email, cfg.api_key, cfg.tool) == ("me@example.org", "abc", "trialkg")
    assert cfg.url("esearch") == "http://127.0.0.1:9/eutils/esearch.fcgi"
    assert cfg.url("ecitmatch") == "http://127.0.0.1:9/eutils/ecitmatch.cgi"
    assert cfg.default_mode == "online" and cfg.interval == pytest.approx(0.11)
    bare = EntrezConfig.from_env({}, tool="mytool")
    assert bare.default_mode == "offline" and bare.tool == "mytool"
    assert bare.base_url == "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"
    assert bare.interval == pytest.approx(0.37)
    with pytest.raises(ValueError, match="^NCBI tool name must not contain spaces: 'has space'$"):
        EntrezConfig(tool="has space")


# --------------------------------------------------------------------------- pacing


def _gaps(server) -> list[float]:
    times = [r.time for r in server.requests]
    return [b - a for a, b in zip(times, times[1:], strict=False)]


@pytest.mark.parametrize(("api_key", "limit"), [(None, 3), ("KEY", 10)])
def test_pacing_keeps_ncbi_rate_limit(serve, api_key, limit):
    server = serve(lambda req: Reply(body=fixture("esearch1.xml")))
    cfg = config(server.url, api_key=api_key, min_interval=None)  # NCBI's own limits
    paced = EntrezClient(cfg, pacer=Pacer(cfg.interval))
    for _ in range(5):
        paced.esearch("biopython")
    assert len(server.requests) == 5
    assert min(_gaps(server)) >= 1 / limit - 0.01


def test_clients_of_one_user_share_a_pacer(serve):
    server = serve(lambda req: Reply(body=fixture("esearch1.xml")))
    cfg = config(server.url, min_interval=0.2)
    first, second = EntrezClient(cfg), EntrezClient(cfg)
    assert first.transport.pacer is second.transport.pacer
    for _ in range(2):
        first.esearch("a")
        second.esearch("b")
    assert min(_gaps(server)) >= 0.19


# --------------------------------------------------------------------------- retries, errors


def test_429_with_retry_after_then_success(serve):
    replies = iter([Reply(429, fixture("synthetic-rate-limit.json"), {"Retry-After": "1"},
                          content_type="application/json")])

    def handle(_req):
        return next(replies, Reply(body=fixture("esearch1.xml")))

    server = serve(handle)
    result = client(server.url).esearch("biopython")
    assert result.count == 63
    assert len(server.requests) == 2
    assert _gaps(server)[0] >= 0.95  # Retry-After honoured over the 10 ms back-off


def test_500_every_time_gives_up_with_a_clear_error(serve):
    server = serve(lambda req: Reply(500, "Internal error"))
    with pytest.raises(EntrezError) as caught:
        client(server.url, max_tries=4).esearch("anlotinib")
    assert len(server.requests) == 4
    message = str(caught.value)
    assert "esearch" in message and "anlotinib" in message
    assert "after 4 tries" in message and "HTTP 500" in message
    assert "tests@example.org" not in message  # the email stays out of messages


def test_slow_reply_is_timed_out_and_retried(serve):
    replies = iter([Reply(body=fixture("esearch1.xml"), delay=1.0)])

    def handle(_req):
        return next(replies, Reply(body=fixture("esearch1.xml")))

    server = serve(handle)
    result = client(server.url, timeout=0.3).esearch("biopython")
    assert result.count == 63
    assert len(server.requests) == 2


def test_dropped_connection_mid_body_is_retried(serve):
    body = fixture("pubmed2.xml")
    replies = iter([Reply(body=body, truncate_to=500)])

    def handle(_req):
        return next(replies, Reply(body=body))

    server = serve(handle)
    records = client(server.url).efetch_records(["11748933", "11700088"])
    assert len(records) == 2 and len(server.requests) == 2


def test_truncated_xml_is_retried_then_reported(serve):
    cut = fixture("pubmed2.xml")[:3000]  # a full HTTP answer whose XML stops mid-record
    server = serve(lambda req: Reply(body=cut))
    with pytest.raises(EntrezError, match="truncated or malformed XML") as caught:
        client(server.url).efetch_records(["11748933"])
    assert len(server.requests) == 3
    assert "efetch" in str(caught.value) and "11748933" in str(caught.value)


def test_html_error_page_with_status_200(serve):
    page = fixture("synthetic-error-page.html")
    server = serve(lambda req: Reply(body=page, content_type="text/html"))
    with pytest.raises(EntrezError, match="HTML page instead of XML.*Service unavailable"):
        client(server.url).esearch("x")
    assert len(server.requests) == 3


def test_error_element_is_refused_at_once(serve):
    server = serve(lambda req: Reply(body=fixture("synthetic-efetch-error.xml")))
    with pytest.raises(EntrezError, match="ID list is empty") as caught:
        client(server.url).efetch_records(["12345"])
    assert len(server.requests) == 1
    assert "efetch" in str(caught.value) and "12345" in str(caught.value)


def test_error_element_with_http_400(serve):
    body = fixture("synthetic-efetch-error.xml")
    server = serve(lambda req: Reply(400, body))
    with pytest.raises(EntrezError, match="HTTP 400: NCBI error: ID list is empty"):
        client(server.url).efetch_records(["12345"])
    assert len(server.requests) == 1


def test_json_rate_limit_body_is_retried_and_reported_without_the_key(serve):
    body = fixture("synthetic-rate-limit.json")
    server = serve(lambda req: Reply(body=body, content_type="application/json"))
    with pytest.raises(EntrezError) as caught:
        client(server.url, api_key="SECRET").esearch("x")
    message = str(caught.value)
    assert "API rate limit exceeded" in message and "limit 3" in message
    assert "SECRET" not in message and "192.0.2.10" not in message
    assert len(server.requests) == 3
    assert json.loads(body)["error"]  # the fixture is the JSON shape NCBI sends


def test_empty_body_is_retried_then_reported(serve):
    server = serve(lambda req: Reply(body=b""))
    with pytest.raises(EntrezError, match="empty body"):
        client(server.url).esearch("x")
    assert len(server.requests) == 3


def test_unreachable_host_is_a_network_error_at_once():
    # Port 9 (discard) on 127.0.0.1 refuses connections on an ordinary machine: nothing
    # listens, so no retry can help and none is made (a user offline must not wait).
    refused = client("http://127.0.0.1:9/eutils", max_tries=3)
    with pytest.raises(EntrezError) as err:
        refused.esearch("x")
    assert str(err.value) == ("http://127.0.0.1:9/eutils/esearch.fcgi: esearch (term 'x') "
                              "cannot reach NCBI: the connection was refused (nothing "
                              "listens at that address)")
    assert refused.transport.stats.requests == 1 and refused.transport.stats.retries == 0


def test_a_host_name_that_does_not_resolve_fails_at_once():
    nowhere = client("http://no-such-host.invalid/eutils", max_tries=3)
    with pytest.raises(EntrezError, match="the host name does not resolve"):
        nowhere.esearch("x")
    assert nowhere.transport.stats.requests == 1


def test_bad_pmids_are_refused_before_any_request(serve):
    server = serve(lambda req: Reply(body=b""))
    with pytest.raises(ValueError, match="not a PMID"):
        client(server.url).efetch_records(["123", "12; DROP"])
    assert server.requests == []


def test_history_server_round_trip(serve):
    def handle(request):
        if request.path.endswith("/epost.fcgi"):
            return Reply(body=fixture("epost1.xml"))
        if request.path.endswith("/esearch.fcgi"):
            return Reply(body=fixture("esearch2.xml"))
        return Reply(body=fixture("pubmed1.xml"))

    server = serve(handle)
    entrez = client(server.url)
    posted = entrez.epost(["12091962", "9997"])
    found = entrez.esearch("cancer", retmax=100, usehistory=True)
    records = entrez.efetch_history(posted.webenv, posted.query_key, retstart=0, retmax=500)
    assert found.webenv == "MCID_6927d6e7fee3e90f880ec190" and found.query_key == "1"
    assert list(records) == ["12091962", "9997"]
    post, search, fetch = server.requests
    assert post.method == "POST" and post.param("id") == "12091962,9997"
    assert search.param("usehistory") == "y"
    assert fetch.param("WebEnv") == "MCID_692851c130aec64bed0a8c2a"
    assert (fetch.param("query_key"), fetch.param("retmax")) == ("1", "200")
