"""The build's live literature path against a stand-in E-utilities server: citation
resolution, related literature, provenance of live records, and graceful degradation."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph

from kg.cli import main
from kg.pipeline.build import BuildOptions, build
from kg.rdf import iris
from kg.rdf.namespaces import DCTERMS, PROV, TKG
from tests.support.standin import Reply, stand_in

FIX = Path(__file__).parent / "fixtures" / "entrez"
ESEARCH_EMPTY = (FIX / "synthetic-esearch-empty.xml").read_bytes()
ECITMATCH_NOT_FOUND = (FIX / "synthetic-ecitmatch-notfound.txt").read_bytes()
PUBMED1 = (FIX / "pubmed1.xml").read_bytes()  # genuine EFetch answer: PMIDs 12091962, 9997
ESEARCH_HITS = b"""<?xml version="1.0" encoding="UTF-8" ?>
<!-- SYNTHETIC test fixture: an ESearch answer naming the two PMIDs of pubmed1.xml -->
<eSearchResult><Count>2</Count><RetMax>2</RetMax><RetStart>0</RetStart><IdList>
<Id>12091962</Id><Id>9997</Id></IdList><TranslationSet/><QueryTranslation/></eSearchResult>"""
ELINK_NONE = b"""<?xml version="1.0" encoding="UTF-8" ?>
<!-- SYNTHETIC test fixture: an ELink answer with no neighbours -->
<eLinkResult><LinkSet><DbFrom>pubmed</DbFrom><IdList><Id>34174189</Id></IdList></LinkSet>
</eLinkResult>"""


def eutils(req):
    name = req.path.rsplit("/", 1)[-1]
    if name == "ecitmatch.cgi":
        return Reply(200, ECITMATCH_NOT_FOUND, content_type="text/plain")
    if name == "esearch.fcgi":
        term = req.param("term") or ""
        # Citation look-ups (DOI / title) find nothing; the related-literature search finds 2.
        body = ESEARCH_EMPTY if ("[aid]" in term or "[ti]" in term) else ESEARCH_HITS
        return Reply(200, body)
    if name == "elink.fcgi":
        return Reply(200, ELINK_NONE)
    if name == "efetch.fcgi":
        return Reply(200, PUBMED1)
    return Reply(404, "no such utility", content_type="text/plain")


@pytest.fixture
def ncbi(monkeypatch):
    with stand_in(eutils) as server:
        monkeypatch.setenv("NCBI_EUTILS_URL", server.url + "/entrez/eutils")
        monkeypatch.setenv("NCBI_EMAIL", "tests@example.org")
        yield server


def test_online_build_resolves_citations_and_adds_related_literature(ncbi):
    result = build(BuildOptions(network="online", corpus=False))
    g = result.store.union()
    citation = iris.citation("10.1016/j.annonc.2020.08.1044", "")
    assert str(g.value(citation, TKG.resolutionStatus)) == "unresolved"  # never invented
    assert g.value(citation, TKG.resolvedTo) is None
    seed = iris.trial("NCT05807880")
    related = set(g.objects(seed, TKG.relatedArticle))
    assert related == {iris.article("12091962"), iris.article("9997")}
    live = iris.article("9997")
    assert "flavocytochrome" in str(g.value(live, DCTERMS.title))
    activity = g.value(live, PROV.wasGeneratedBy)
    assert str(g.value(activity, TKG.sourceKind)) == "entrez-efetch"
    assert g.value(activity, PROV.startedAtTime) is not None
    cited = g.value(iris.article("34174189"), PROV.wasGeneratedBy)
    assert str(g.value(cited, TKG.sourceKind)) == "snapshot"
    assert result.counts["articles from network"] == 2
    assert result.counts["articles from snapshot"] == 9
    params = [r.params for r in ncbi.requests]
    assert all(p.get("tool") == ["trialkg"] and p.get("email") == ["tests@example.org"]
               for p in params)
    search_terms = [r.param("term") for r in ncbi.requests if r.path.endswith("esearch.fcgi")]
    assert any("penpulimab" in t and "Nasopharyngeal" in t for t in search_terms)


def test_offline_rerun_uses_the_cache_and_makes_no_requests(ncbi, monkeypatch):
    build(BuildOptions(network="online", corpus=False))
    before = len(ncbi.requests)
    result = build(BuildOptions(network="offline", corpus=False))
    assert len(ncbi.requests) == before
    assert result.counts["articles from network"] == 0


def test_ncbi_failures_degrade_enrichment_but_not_the_build(monkeypatch, tmp_path):
    with stand_in(lambda req: Reply(500, "<html>boom</html>", content_type="text/html")) as s:
        monkeypatch.setenv("NCBI_EUTILS_URL", s.url)
        monkeypatch.setenv("NCBI_EMAIL", "tests@example.org")
        from kg.clients.entrez.config import EntrezConfig

        # Dataclass defaults are fixed at class creation: speed goes in through from_env.
        from_env = EntrezConfig.from_env.__func__
        fast = {"backoff_base": 0.01, "backoff_cap": 0.02, "min_interval": 0.0}
        monkeypatch.setattr(EntrezConfig, "from_env", classmethod(
            lambda cls, environ=None, **kw: from_env(cls, environ, **{**fast, **kw})))
        result = CliRunner().invoke(main, ["build", "--online", "--output", str(tmp_path)])
        assert result.exit_code == 0, result.output
        ttl = (tmp_path / "graph.ttl").read_text()
        assert "lookup failed" in ttl
        # the build went on: the trial and the article it cites (from the bundled snapshot)
        graph = Graph().parse(data=ttl, format="turtle")
        assert (iris.trial("NCT05807880"), None, None) in graph
        assert (iris.article("34174189"), None, None) in graph


def test_offline_build_of_a_trial_with_uncached_references_warns_and_builds(tmp_path, caplog):
    import json

    study = json.loads((Path(__file__).parent / "fixtures" / "trials" /
                        "NCT05807880.json").read_text())
    study["protocolSection"]["referencesModule"]["references"].append(
        {"pmid": "99999999", "type": "BACKGROUND", "citation": "Synthetic reference."})
    path = tmp_path / "synthetic-extra-reference.json"
    path.write_text(json.dumps(study))
    result = build(BuildOptions(trials=[str(path)], network="offline"))
    assert result.literature.missing == ["99999999"]
    assert "99999999" in caplog.text and "--online" in caplog.text
    g = result.store.union()
    assert (iris.trial("NCT05807880"), DCTERMS.references, iris.article("99999999")) in g
    assert result.counts["articles from snapshot"] == 9
