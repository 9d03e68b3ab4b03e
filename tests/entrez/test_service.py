"""The literature service: snapshot -> cache -> network, provenance, citations, related PMIDs."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from kg.clients.cache import RequestCache
from kg.clients.entrez import EmptySnapshot, LiteratureService, Snapshot
from kg.clients.entrez.records import split_records
from kg.clients.entrez.service import pmid_key
from kg.errors import EntrezError, OfflineMiss
from kg.model import Reference
from kg.resources import SNAPSHOT_PUBMED
from tests.entrez import (  # noqa: F401  (fixtures are used by name)
    client,
    fixture,
    serve_fixture,
    standin_server_fixture,
)
from tests.support.standin import Reply, Request

CAPTAIN = "34174189"  # in the shipped snapshot
ALTER = "30098152"  # in the shipped snapshot
# Records of Biopython's genuine EFetch fixtures, by PMID.
RECORDS = {**split_records(fixture("pubmed1.xml")), **split_records(fixture("pubmed2.xml")),
           **split_records(fixture("pubmed4.xml"))}
REF_929P = Reference(
    citation="Cai, Q. & Su, N. ... 929P Anlotinib in patients with recurrent or metastatic "
             "nasopharyngeal carcinoma: An interim analysis of a phase II clinical trial. "
             "Annals of Oncology. 31. S668. 10.1016/j.annonc.2020.08.1044.",
    doi="10.1016/j.annonc.2020.08.1044")


def efetch_answer(request: Request) -> Reply:
    """Answer an EFetch with the fixture records asked for, as one batch (unknown ids are
    left out, as NCBI does)."""
    ids = request.param("id").split(",")
    body = b"".join(RECORDS[i].split(b"<PubmedArticleSet>\n", 1)[1].rsplit(b"\n</", 1)[0]
                    for i in ids if i in RECORDS)
    head = b'<?xml version="1.0" ?>\n<!DOCTYPE PubmedArticleSet PUBLIC "-//NLM//DTD ' \
           b'PubMedArticle, 1st January 2025//EN" "https://dtd.nlm.nih.gov/ncbi/pubmed/out/' \
           b'pubmed_250101.dtd">\n'
    return Reply(body=head + b"<PubmedArticleSet>\n" + body + b"\n</PubmedArticleSet>\n")


def service(url: str, cache_dir: Path | None, mode: str = "online", snapshot=None,
            **overrides) -> LiteratureService:
    cache = RequestCache(cache_dir) if cache_dir else None
    return LiteratureService(client(url, **overrides), snapshot or Snapshot(), cache, mode)


def without_source(article):
    return dataclasses.replace(article, source=None)


def bodies(cache_dir: Path) -> list[Path]:
    return sorted(cache_dir.rglob("*.body"))


# --------------------------------------------------------------------------- modes


def test_offline_is_the_default_without_an_email(tmp_path):
    from kg.clients.entrez import EntrezClient, EntrezConfig

    quiet = LiteratureService(EntrezClient(EntrezConfig.from_env({})), Snapshot(),
                              RequestCache(tmp_path))
    assert quiet.mode == "offline"
    assert LiteratureService(None, Snapshot(), None).mode == "offline"
    with pytest.raises(ValueError, match="^mode 'online' needs an EntrezClient$"):
        LiteratureService(None, Snapshot(), None, "online")


def test_offline_miss_names_the_missing_pmids(tmp_path):
    offline = LiteratureService(None, Snapshot(), RequestCache(tmp_path), "offline")
    with pytest.raises(OfflineMiss) as caught:
        offline.fetch_articles([CAPTAIN, "11748933", "27797938"])
    assert caught.value.missing == ["11748933", "27797938"]
    assert "11748933" in str(caught.value) and "27797938" in str(caught.value)


def test_snapshot_hits_need_no_requests(serve, tmp_path):
    server = serve(efetch_answer)
    snapshot = Snapshot()
    result = service(server.url, tmp_path).fetch_articles(snapshot.pmids())
    assert server.requests == []
    assert len(result.articles) == len(snapshot) == 14
    assert result.from_snapshot == 14 and result.from_network == 0
    captain = result.provenance[CAPTAIN]
    assert captain.kind == "snapshot" and captain.record_id == CAPTAIN
    assert Path(captain.location) == SNAPSHOT_PUBMED / f"{CAPTAIN}.xml"
    assert captain.retrieved is None
    assert result.articles[0].pmid == snapshot.pmids()[0]


def test_online_fetch_is_cached_for_a_later_offline_run(serve, tmp_path):
    server = serve(efetch_answer)
    online = service(server.url, tmp_path)
    first = online.fetch_articles(["27797938"])
    assert len(server.requests) == 1 and first.from_network == 1
    (article,) = first.articles
    assert article.title.startswith("Leucocyte telomere length, genetic variants")
    source = first.provenance["27797938"]
    assert source.kind == "entrez-efetch" and source.retrieved
    assert source.location.endswith("/efetch.fcgi?db=pubmed&retmode=xml&id=27797938")
    assert "tests@example.org" not in source.location

    later = service(server.url, tmp_path, mode="offline")
    second = later.fetch_articles(["27797938"])
    assert len(server.requests) == 1  # nothing new on the wire
    assert second.from_cache == 1
    cached = second.provenance["27797938"]
    assert (cached.kind, cached.location, cached.retrieved) == (
        "cache", source.location, source.retrieved)
    assert without_source(second.articles[0]) == without_source(article)


def test_each_article_says_where_it_came_from(serve, tmp_path):
    server = serve(efetch_answer)
    service(server.url, tmp_path).fetch_articles(["9997"])  # now in the cache
    server.requests.clear()
    literature = service(server.url, tmp_path)
    result = literature.fetch_articles([CAPTAIN, "9997", "11748933", "55555555"])
    kinds = {pmid: info.kind for pmid, info in result.provenance.items()}
    assert kinds == {CAPTAIN: "snapshot", "9997": "cache", "11748933": "entrez-efetch"}
    assert [a.pmid for a in result.articles] == [CAPTAIN, "9997", "11748933"]
    assert all(a.source is result.provenance[a.pmid] for a in result.articles)
    assert result.not_found == ["55555555"]  # EFetch leaves unknown ids out, silently
    assert (result.from_snapshot, result.from_cache, result.from_network) == (1, 1, 1)
    assert [r.param("id") for r in server.requests] == ["11748933,55555555"]
    stats = literature.stats
    assert (stats.from_snapshot, stats.from_cache, stats.from_network) == (1, 1, 1)
    assert stats.requests == 1 and stats.not_found == 1
    assert {"snapshot", "cache", "network", "parse"} <= set(stats.seconds)
    assert any("1 from snapshot, 1 from cache, 1 from network" in line
               for line in stats.lines())


def test_overlapping_id_sets_reuse_cached_records(serve, tmp_path):
    server = serve(efetch_answer)
    service(server.url, tmp_path).fetch_articles(["12091962", "9997"])
    result = service(server.url, tmp_path).fetch_articles(["9997", "11700088"])
    assert [r.param("id") for r in server.requests] == ["12091962,9997", "11700088"]
    assert result.from_cache == 1 and result.from_network == 1
    assert len(bodies(tmp_path)) == 3  # one entry per PMID, not per batch


def test_refresh_refetches_and_overwrites(serve, tmp_path):
    shipped = (SNAPSHOT_PUBMED / f"{CAPTAIN}.xml").read_bytes()
    server = serve(lambda req: Reply(body=shipped))
    snap = service(server.url, tmp_path).fetch_articles([CAPTAIN])
    fresh = service(server.url, tmp_path, mode="refresh").fetch_articles([CAPTAIN])
    assert len(server.requests) == 1
    assert fresh.provenance[CAPTAIN].kind == "entrez-efetch"
    # The same record gives the same Article whichever way it came.
    assert without_source(fresh.articles[0]) == without_source(snap.articles[0])
    assert RequestCache(tmp_path).get(pmid_key(CAPTAIN)) is not None


def test_truncated_answer_never_reaches_the_cache(serve, tmp_path):
    whole = efetch_answer(Request("POST", "/", {"id": ["11748933"]}, b"", {}, 0.0)).body
    server = serve(lambda req: Reply(body=whole, truncate_to=len(whole) // 2))
    with pytest.raises(EntrezError, match="efetch.*11748933.*after 3 tries"):
        service(server.url, tmp_path).fetch_articles(["11748933"])
    assert len(server.requests) == 3
    server = serve(lambda req: Reply(body=whole[: len(whole) // 2]))  # cut, length matches
    with pytest.raises(EntrezError, match="truncated or malformed XML"):
        service(server.url, tmp_path).fetch_articles(["11748933"])
    assert bodies(tmp_path) == []


def test_corrupt_cache_entry_reads_as_a_miss(serve, tmp_path):
    server = serve(efetch_answer)
    service(server.url, tmp_path).fetch_articles(["11748933"])
    (body,) = bodies(tmp_path)
    body.write_bytes(body.read_bytes()[:200])  # torn write
    with pytest.raises(OfflineMiss):
        service(server.url, tmp_path, mode="offline").fetch_articles(["11748933"])
    healed = service(server.url, tmp_path).fetch_articles(["11748933"])
    assert healed.from_network == 1 and len(server.requests) == 2
    assert service(server.url, tmp_path, "offline").fetch_articles(["11748933"]).from_cache


# --------------------------------------------------------------------------- citations


def citation_answers(esearch: bytes):
    def handle(request: Request) -> Reply:
        if request.path.endswith("/ecitmatch.cgi"):
            return Reply(body=fixture("synthetic-ecitmatch-notfound.txt"),
                         content_type="text/plain")
        return Reply(body=esearch)

    return handle


def test_929p_reference_unresolved_when_pubmed_has_nothing(serve, tmp_path):
    server = serve(citation_answers(fixture("synthetic-esearch-empty.xml")))
    result = service(server.url, tmp_path).resolve_citation(REF_929P)
    assert result.status == "unresolved" and result.pmid is None
    assert [r.path.rsplit("/", 1)[1] for r in server.requests] == [
        "ecitmatch.cgi", "esearch.fcgi", "esearch.fcgi"]
    bdata = server.requests[0].param("bdata")
    assert bdata == "annals of oncology||31|S668|cai q|trialkg1|"
    doi_term, title_term = (r.param("term") for r in server.requests[1:])
    assert doi_term == ('("10.1016/j.annonc.2020.08.1044"[aid] OR '
                        '"10.1016/j.annonc.2020.08.1044"[lid])')
    assert '"anlotinib"[ti] AND "patients"[ti]' in title_term and " or" not in title_term
    assert "NOT_FOUND" in result.detail and "0 hit" in result.detail


def test_one_hit_resolves_and_records_the_method(serve, tmp_path):
    server = serve(citation_answers(fixture("synthetic-esearch-one.xml")))
    result = service(server.url, tmp_path).resolve_citation(REF_929P)
    assert (result.status, result.pmid, result.method) == ("resolved", "99000001",
                                                           "esearch-doi")
    assert len(server.requests) == 2  # ECitMatch, then the DOI search settled it
    again = service(server.url, tmp_path, mode="offline").resolve_citation(REF_929P)
    assert (again.status, again.pmid) == ("resolved", "99000001")  # from cached answers
    assert len(server.requests) == 2


def test_several_hits_are_ambiguous(serve, tmp_path):
    server = serve(citation_answers(fixture("synthetic-esearch-two.xml")))
    result = service(server.url, tmp_path).resolve_citation(REF_929P)
    assert (result.status, result.pmid) == ("ambiguous", None)
    assert "99000001" in result.detail and "99000002" in result.detail


def test_offline_resolution_is_unresolved_without_asking(tmp_path):
    offline = LiteratureService(None, EmptySnapshot(), RequestCache(tmp_path), "offline")
    result = offline.resolve_citation(REF_929P)
    assert (result.status, result.pmid, result.detail) == ("unresolved", None, "offline")
    given = offline.resolve_citation(Reference(citation="x", pmid="34174189"))
    assert (given.status, given.pmid) == ("resolved", "34174189")


# --------------------------------------------------------------------------- related


def related_answers(request: Request) -> Reply:
    if request.path.endswith("/elink.fcgi"):
        return Reply(body=fixture("elink1.xml"))
    return Reply(body=fixture("esearch1.xml"))


def test_related_pmids_search_and_neighbours_bounded_and_cached(serve, tmp_path):
    server = serve(related_answers)
    literature = service(server.url, tmp_path)
    related = literature.related_pmids(
        drugs=["anlotinib", 'toripalimab" OR cancer[mh]'], drug_classes=["PD-1 inhibitor"],
        conditions=["nasopharyngeal carcinoma"], pmids=["9298984"], retmax=20,
        per_source_cap=5)
    search, link = server.requests
    assert search.param("term") == (
        '("anlotinib"[tiab] OR "toripalimab OR cancer mh"[tiab] OR "PD-1 inhibitor"[tiab]) '
        'AND "nasopharyngeal carcinoma"[tiab]')
    assert search.param("retmax") == "20"
    assert link.method == "POST" and link.params["id"] == ["9298984"]
    assert link.param("linkname") == "pubmed_pubmed"
    assert related.search_count == 63 and len(related.search_ids) == 20
    assert related.neighbours == {"9298984": ["8794856", "9700164", "7914521", "9914369",
                                              "1339459"]}
    assert related.pmids[:20] == related.search_ids and len(related.pmids) == 25
    again = service(server.url, tmp_path, mode="offline").related_pmids(
        drugs=["anlotinib", 'toripalimab" OR cancer[mh]'], drug_classes=["PD-1 inhibitor"],
        conditions=["nasopharyngeal carcinoma"], pmids=["9298984"], retmax=20,
        per_source_cap=5)
    assert again == related and len(server.requests) == 2
    assert literature.stats.answers_from_network == 2
