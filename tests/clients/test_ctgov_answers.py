"""An answer from ClinicalTrials.gov about another study than the one asked for is refused and
never cached under the asked id (issue 11, item 8); a cache entry that holds one is a miss."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg.cli import main
from kg.clients.cache import RequestCache, default_cache_dir, request_key
from kg.clients.ctgov import SERVICE, CTGovClient
from kg.errors import NotFoundError, OfflineMiss
from tests.support.standin import Reply, stand_in

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "trials" / "NCT05807880.json"
ASKED = "NCT05807880"
OTHER = "NCT99999999"  # synthetic: the id of the study the stand-in answers instead


def study_answer(nct: str, aliases: list[str] | None = None) -> bytes:
    """The bundled study's record, re-labelled as another study (synthetic)."""
    study = json.loads(FIXTURE.read_bytes())
    ident = study["protocolSection"]["identificationModule"]
    ident["nctId"] = nct
    if aliases is not None:
        ident["nctIdAliases"] = aliases
    return json.dumps(study).encode()


def client(url: str, cache: RequestCache, mode: str = "online") -> CTGovClient:
    return CTGovClient(base_url=url, cache=cache, mode=mode, retries=1, min_interval=0)


def bodies(cache: RequestCache) -> list[Path]:
    return sorted(cache.directory.rglob("*.body")) if cache.directory.exists() else []


def test_a_different_study_is_refused_and_not_cached(tmp_path):
    cache = RequestCache(tmp_path / "ctgov")
    reply = Reply(body=study_answer(OTHER), content_type="application/json")
    with stand_in(lambda req: reply) as server:
        with pytest.raises(NotFoundError, match=f"asked for {ASKED} but ClinicalTrials.gov "
                                                f"answered {OTHER}"):
            client(server.url, cache).fetch_study(ASKED)
        assert bodies(cache) == []
        with pytest.raises(OfflineMiss):  # nothing to replay under the asked id
            client(server.url, cache, mode="offline").fetch_study(ASKED)


def test_an_alias_answer_names_the_current_id_and_is_not_cached(tmp_path):
    cache = RequestCache(tmp_path / "ctgov")
    reply = Reply(body=study_answer(OTHER, aliases=[ASKED]), content_type="application/json")
    alias = f"{ASKED} is now {OTHER} on ClinicalTrials.gov \\(an alias\\); ask for {OTHER}"
    with stand_in(lambda req: reply) as server, pytest.raises(NotFoundError, match=alias):
        client(server.url, cache).fetch_study(ASKED)
    assert bodies(cache) == []


def test_a_wrong_study_already_in_the_cache_is_a_miss(tmp_path):
    cache = RequestCache(tmp_path / "ctgov")
    # As an older version would have left it: another study's answer under the asked key.
    cache.put(request_key(SERVICE, f"studies/{ASKED}", {}), study_answer(OTHER),
              {"service": SERVICE, "endpoint": f"studies/{ASKED}", "params": {}})
    with stand_in(lambda req: Reply(body=FIXTURE.read_bytes(),
                                    content_type="application/json")) as server:
        with pytest.raises(OfflineMiss, match=ASKED):
            client(server.url, cache, mode="offline").fetch_study(ASKED)
        study, source = client(server.url, cache).fetch_study(ASKED)
        assert len(server.requests) == 1  # fetched again, not served from the bad entry
    assert study["protocolSection"]["identificationModule"]["nctId"] == ASKED
    assert source.record_id == ASKED
    again, _ = client("http://127.0.0.1:9", cache, mode="offline").fetch_study(ASKED)
    assert again == study  # the entry now holds the right study


def test_kg_build_online_refuses_the_wrong_study_and_caches_nothing(monkeypatch):
    reply = Reply(body=study_answer(OTHER), content_type="application/json")
    with stand_in(lambda req: reply) as server:
        monkeypatch.setenv("CTGOV_BASE_URL", server.url)
        result = CliRunner().invoke(main, ["build", "--trial", ASKED, "--online", "--store",
                                           "memory", "--output", str(default_cache_dir())])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        f"kg: error: {server.url}/studies/{ASKED}: asked for {ASKED} but ClinicalTrials.gov "
        f"answered {OTHER}"]
    assert bodies(RequestCache(default_cache_dir() / "ctgov")) == []
