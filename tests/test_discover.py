"""kg discover: the same matcher offline (the shipped snapshot) and online (a stand-in
ClinicalTrials.gov on 127.0.0.1 that pages, throttles, fails, truncates and expires page
tokens), change detection across runs, persistent stores, the literature stage against a
stand-in E-utilities, output formats and one-line errors."""

from __future__ import annotations

import copy
import csv
import gc
import io
import json
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg import resources
from kg.cli import KGGroup
from kg.cli.discover import discover
from kg.pipeline.discover import Criteria, DiscoverError, essie_phrase, match, plan
from kg.rdf import iris
from kg.rdf.namespaces import TKG, TKR
from kg.sources import load_trial_file
from kg.store import open_store
from kg.vocab import default_vocabulary
from tests.support.standin import Reply, Request, stand_in

FIX = Path(__file__).parent / "fixtures"
LAYOUT = json.loads((FIX / "ctgov-search" / "synthetic-pages.json").read_text())
MADE_UP = json.loads((FIX / "ctgov-search" / "synthetic-studies.json").read_text())["studies"]
PUBMED1 = (FIX / "entrez" / "pubmed1.xml").read_bytes()  # genuine EFetch: PMIDs 12091962, 9997
ESEARCH_EMPTY = (FIX / "entrez" / "synthetic-esearch-empty.xml").read_bytes()
ESEARCH_HITS = b"""<?xml version="1.0" encoding="UTF-8" ?>
<!-- SYNTHETIC test fixture: an ESearch answer naming the two PMIDs of pubmed1.xml -->
<eSearchResult><Count>2</Count><RetMax>2</RetMax><RetStart>0</RetStart><IdList>
<Id>12091962</Id><Id>9997</Id></IdList><TranslationSet/><QueryTranslation/></eSearchResult>"""

ANTI_PD1_NPC = {"NCT02611960", "NCT03581786", "NCT03707509", "NCT03924986", "NCT04974398",
                "NCT05807880", "NCT05981157", "NCT07581821"}
NPC_QUERY = ["--condition", "nasopharyngeal carcinoma", "--drug-class", "anti-PD-1"]
FAST = ["--interval", "0", "--backoff", "0.01"]

kg = KGGroup(name="kg", commands={"discover": discover})  # kg.cli.main without the rest


def run(*args: str):
    return CliRunner().invoke(kg, ["discover", *args])


def ids(result) -> dict[str, str]:
    """{NCT id: change} from ``--format json`` output."""
    assert result.exit_code == 0, result.stderr
    rows = json.loads(result.stdout)["results"]["bindings"]
    return {r["nct_id"]["value"]: r["change"]["value"] for r in rows}


# --------------------------------------------------------------------------- stand-in CT.gov


def _studies() -> dict[str, dict]:
    out = {s["protocolSection"]["identificationModule"]["nctId"]: s for s in MADE_UP}
    for path in resources.SNAPSHOT_TRIALS.glob("NCT*.json"):
        out[path.stem] = json.loads(path.read_text())
    return out


class FakeCTGov:
    """/api/v2/studies over three pages. Page tokens are single-use (a second use is a 400,
    as for an expired token) and each first page mints a fresh chain. ``faults[i]`` are
    answers given for page i before the real one; "consume" uses the token up, then fails."""

    def __init__(self) -> None:
        self.studies = _studies()
        self.tokens: dict[str, int] = {}
        self.faults: dict[int, list] = {}
        self.generation = 0
        self._lock = threading.Lock()

    def __call__(self, req: Request) -> Reply:
        with self._lock:
            return self._answer(req)

    def _answer(self, req: Request) -> Reply:
        if req.path != "/api/v2/studies":
            return Reply(404, "no such endpoint", content_type="text/plain")
        token = req.param("pageToken")
        index = 0 if token is None else self.tokens.get(token)
        if index is None:
            return Reply(400, f"pageToken {token} expired", content_type="text/plain")
        pending = self.faults.get(index) or []
        if pending:
            fault = pending.pop(0)
            if fault != "consume":
                return fault
            del self.tokens[token]
            return Reply(503, "busy", content_type="text/plain")
        if token is not None:
            del self.tokens[token]
        return self._page(index)

    def _page(self, index: int) -> Reply:
        body: dict = {"studies": [self.studies[i] for i in LAYOUT["pages"][index]]}
        if index == 0:
            self.generation += 1
            body["totalCount"] = sum(len(p) for p in LAYOUT["pages"])
        if index + 1 < len(LAYOUT["pages"]):
            token = f"g{self.generation}-p{index + 2}"
            self.tokens[token] = index + 1
            body["nextPageToken"] = token
        return Reply(200, json.dumps(body), content_type="application/json")


@pytest.fixture
def ctgov(monkeypatch):
    fake = FakeCTGov()
    with stand_in(fake) as server:
        monkeypatch.setenv("CTGOV_BASE_URL", server.url + "/api/v2")
        server.fake = fake
        yield server


def _troubles() -> dict[int, list]:
    cut = Reply(200, '{"studies": [{"protocolSection": {"identificationModule": {}}}]}',
                content_type="application/json", truncate_to=20)
    return {0: [Reply(429, "Too many requests", headers={"Retry-After": "0"},
                      content_type="text/plain")],
            1: [Reply(500, "Internal error", content_type="text/plain"), cut],
            2: ["consume"]}


# --------------------------------------------------------------------------- offline


def test_offline_anti_pd1_npc_is_the_whole_snapshot_set(tmp_path):
    result = run(*NPC_QUERY, "--offline", "--output", str(tmp_path), "--format", "json")
    found = ids(result)
    assert set(found) == ANTI_PD1_NPC
    assert "NCT02388919" not in found and "NCT05780372" not in found
    assert (tmp_path / "graph.ttl").exists() and (tmp_path / "graph.jsonld").exists()
    assert "NCT05981157" in (tmp_path / "graph.ttl").read_text()


def test_offline_anlotinib_finds_registry_spellings(tmp_path):
    result = run("--drug", "anlotinib", "--condition", "nasopharyngeal carcinoma", "--offline",
                 "--output", str(tmp_path), "--format", "csv")
    assert result.exit_code == 0, result.stderr
    rows = {r["nct_id"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    assert set(rows) == {"NCT05807880", "NCT05981157", "NCT07581821"}
    assert "anlotinib as 'Anrotinib' in intervention" in rows["NCT05981157"]["why"]
    assert "'RM-NPC' in title" in rows["NCT05981157"]["why"]
    assert rows["NCT07581821"]["why"].startswith("anlotinib in title")


def test_status_filter(tmp_path):
    p = plan(Criteria(drugs=("AL3818",), statuses=("active not-recruiting",)), default_vocabulary())
    assert p.statuses == ("ACTIVE_NOT_RECRUITING",) and p.intervention_names[0] == "anlotinib"
    result = run("--drug", "anlotinib", "--status", "RECRUITING", "--offline",
                 "--output", str(tmp_path), "--format", "json")
    assert set(ids(result)) == {"NCT05981157", "NCT07581821"}


def test_table_format_and_quiet(tmp_path):
    table = run(*NPC_QUERY, "--offline", "--output", str(tmp_path))
    assert table.exit_code == 0, table.stderr
    header = table.stdout.splitlines()[0].split()
    assert header == ["nct_id", "change", "status", "title", "drugs", "condition", "why",
                      "source"]
    assert "(8 rows)" in table.stdout
    assert "8 matching trial(s)" in table.stderr and "page" not in table.stderr  # no TTY
    # -q silences progress and the summary, never the result asked for
    quiet = run(*NPC_QUERY, "--offline", "--output", str(tmp_path), "-q")
    assert quiet.exit_code == 0 and quiet.stdout == table.stdout and quiet.stderr == ""
    for fmt in ("csv", "json"):
        asked = run(*NPC_QUERY, "--offline", "--format", fmt, "-q")
        assert asked.exit_code == 0 and asked.stderr == ""
        assert "NCT05981157" in asked.stdout and len(asked.stdout.splitlines()) >= 2


def test_plan_expands_a_class_to_names_and_code_names():
    p = plan(Criteria(drug_classes=("PD-1 inhibitor",)), default_vocabulary())
    for name in ("pembrolizumab", "nivolumab", "SHR-1210", "JS001", "tirelizumab",
                 "sintilimab", "AK105", "penpulimab"):
        assert name in p.intervention_names
    assert "atezolizumab" not in p.intervention_names  # anti-PD-L1 is a sibling class


def test_essie_phrases_cannot_break_out():
    assert essie_phrase('anlotinib" OR cancer') == '"anlotinib\\" OR cancer"'
    assert essie_phrase('x\\" OR y') == '"x \\" OR y"'
    assert essie_phrase("  two   words ") == '"two words"'


def test_match_keeps_the_reason_and_respects_the_condition_tree():
    vocab = default_vocabulary()
    trial = load_trial_file(resources.SNAPSHOT_TRIALS / "NCT05981157.json")
    reasons = match(trial, plan(Criteria("nasopharyngeal neoplasms", ("Tirelizumab",)), vocab),
                    vocab)
    assert [str(r) for r in reasons] == [
        "tislelizumab as 'Tirelizumab' in intervention",
        "Nasopharyngeal Carcinoma as 'RM-NPC' in title"]  # narrower than asked: a match
    lung = load_trial_file(resources.SNAPSHOT_TRIALS / "NCT02388919.json")
    assert match(lung, plan(Criteria("nasopharyngeal carcinoma", ("anlotinib",)), vocab),
                 vocab) is None
    with pytest.raises(DiscoverError, match="unknown status"):
        plan(Criteria(drugs=("anlotinib",), statuses=("sleeping",)), vocab)


# --------------------------------------------------------------------------- online


def test_online_pages_retries_expiry_and_change_detection(ctgov, tmp_path):
    ctgov.fake.faults = _troubles()
    db = tmp_path / "db"
    args = [*NPC_QUERY, "--online", *FAST, "--store", f"oxigraph:{db}", "--format", "json"]
    first = ids(run(*args))
    assert set(first) == ANTI_PD1_NPC and set(first.values()) == {"new"}

    reqs = ctgov.requests
    assert [r.param("pageToken") is None for r in reqs].count(True) == 3  # 429, ok, restart
    assert len(reqs) == 10  # p1: 429+ok; p2: 500+cut+ok; p3: 503+400; restart: p1, p2, p3
    page1 = reqs[0]
    assert page1.param("query.cond").startswith('"nasopharyngeal carcinoma"')
    intr = page1.param("query.intr")
    for name in ('"pembrolizumab"', '"SHR-1210"', '"JS001"', '"tirelizumab"', '"AK105"'):
        assert name in intr
    assert " OR " in intr and page1.param("pageSize") == "100"
    later = [r for r in reqs if r.param("pageToken")]
    assert later and all(r.param("query.intr") == intr for r in later)

    ctgov.requests.clear()
    assert set(ids(run(*args)).values()) == {"unchanged"}
    assert len(ctgov.requests) == 3  # asked afresh, not served from the cache

    changed = ctgov.fake.studies["NCT04974398"] = copy.deepcopy(
        ctgov.fake.studies["NCT04974398"])
    changed["protocolSection"]["identificationModule"]["briefTitle"] += " (amended)"
    third = ids(run(*args))
    assert third.pop("NCT04974398") == "updated" and set(third.values()) == {"unchanged"}

    gc.collect()  # the command's store handle must be gone before reopening the directory
    store = open_store(f"oxigraph:{db}")
    rows = store.query("SELECT ?t ?title WHERE { ?t <http://purl.org/dc/terms/title> ?title ; "
                       "a <https://w3id.org/trialkg/vocab#ClinicalTrial> }").rows
    titles = {str(r["t"]).rsplit("/", 1)[-1]: str(r["title"]) for r in rows}
    assert set(titles) == ANTI_PD1_NPC
    assert titles["NCT04974398"].endswith("(amended)")
    assert iris.record_graph("reference", "drug/toripalimab") in store.graph_names()


def test_offline_reuses_the_cached_search(ctgov, tmp_path):
    db = f"oxigraph:{tmp_path / 'db'}"
    ids(run(*NPC_QUERY, "--online", *FAST, "--store", db, "--format", "json"))
    ctgov.requests.clear()
    result = run(*NPC_QUERY, "--offline", "--store", db, "--format", "csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {r["nct_id"] for r in rows} == ANTI_PD1_NPC
    assert {r["source"] for r in rows} == {"cache"} and ctgov.requests == []


def test_limit_stops_the_walk(ctgov, tmp_path):
    result = run(*NPC_QUERY, "--online", *FAST, "--limit", "4", "--page-size", "4",
                 "--store", f"oxigraph:{tmp_path / 'db'}", "--format", "json")
    assert set(ids(result)) == {"NCT05807880", "NCT02611960"}
    assert len(ctgov.requests) == 1 and "1 page(s)" in result.stderr


# --------------------------------------------------------------------------- literature


def eutils(req: Request) -> Reply:
    name = req.path.rsplit("/", 1)[-1]
    if name == "esearch.fcgi":
        return Reply(200, ESEARCH_HITS if req.param("term") == "NCT05807880[si]"
                     else ESEARCH_EMPTY)
    if name == "efetch.fcgi":
        return Reply(200, PUBMED1)
    return Reply(404, "no such utility", content_type="text/plain")


@pytest.fixture
def ncbi(monkeypatch):
    from kg.clients.entrez.config import EntrezConfig

    # Dataclass defaults are fixed at class creation, so speed goes in through from_env.
    from_env = EntrezConfig.from_env.__func__
    fast = {"min_interval": 0.0, "backoff_base": 0.01}
    monkeypatch.setattr(EntrezConfig, "from_env", classmethod(
        lambda cls, environ=None, **kw: from_env(cls, environ, **{**fast, **kw})))
    with stand_in(eutils) as server:
        monkeypatch.setenv("NCBI_EUTILS_URL", server.url + "/entrez/eutils")
        monkeypatch.setenv("NCBI_EMAIL", "tests@example.org")
        yield server


def test_with_literature_links_the_field(ctgov, ncbi, tmp_path):
    db = tmp_path / "db"
    result = run(*NPC_QUERY, "--online", *FAST, "--with-literature", "--store", f"oxigraph:{db}",
                 "--format", "csv")
    assert result.exit_code == 0, result.stderr
    terms = {r.param("term") for r in ncbi.requests if r.path.endswith("esearch.fcgi")}
    assert terms == {f"{nct}[si]" for nct in ANTI_PD1_NPC}
    fetches = [r for r in ncbi.requests if r.path.endswith("efetch.fcgi")]
    assert len(fetches) == 1 and fetches[0].method == "POST"
    assert set(fetches[0].param("id").split(",")) == {"12091962", "9997"}  # the rest: snapshot
    assert "11 article(s) added (0 already held, 0 unavailable)" in result.stderr

    gc.collect()
    store = open_store(f"oxigraph:{db}")
    graphs = set(store.graph_names())
    for pmid in ("9997", "12091962", "34174189", "29301831"):  # [si] hits and references
        assert iris.record_graph("pubmed", pmid) in graphs
    linked = store.query(f"SELECT ?a WHERE {{ ?a <{TKG.registeredTrial}> "
                         f"<{iris.trial('NCT05807880')}> }}").rows
    assert {str(r["a"]) for r in linked} >= {str(iris.article("9997")),
                                            str(iris.article("12091962"))}
    store.close()
    ncbi.requests.clear()
    again = run(*NPC_QUERY, "--online", *FAST, "--with-literature", "--store", f"oxigraph:{db}")
    assert "0 article(s) added (11 already held" in again.stderr
    assert ncbi.requests == []  # [si] answers cached, articles already in the store


def test_offline_literature_takes_what_the_snapshot_has(tmp_path):
    result = run("--drug", "penpulimab", "--offline", "--with-literature",
                 "--output", str(tmp_path), "--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert "0 article(s) added (9 already held, 0 unavailable)" in result.stderr



@pytest.mark.parametrize("step", ["trials", "articles"])
def test_an_interrupted_step_leaves_the_store_as_that_step_found_it(monkeypatch, tmp_path, step):
    """Each write step is one transaction: the trials (with their reference data), then the
    articles (with theirs). Interrupted at the step's last write, the store keeps no part of
    it, and an interrupted article step keeps every trial."""
    import kg.pipeline.discover as pipeline
    from kg.store.oxigraph import OxigraphStore

    merge = pipeline.merge_reference_data

    def interrupted(store, vocab, trials, articles):
        if (step == "trials") == bool(trials):  # the trial step merges for trials
            raise KeyboardInterrupt
        merge(store, vocab, trials, articles)

    monkeypatch.setattr(pipeline, "merge_reference_data", interrupted)
    store = OxigraphStore(tmp_path / "db")
    options = pipeline.DiscoverOptions(Criteria(drugs=("penpulimab",)), with_literature=True)
    with pytest.raises(KeyboardInterrupt):
        pipeline.discover(options, store)
    graphs = [str(g).removeprefix(str(TKR["graph/"])) for g in store.graph_names()]
    store.close()
    if step == "trials":
        assert graphs == []
        return
    trials = {g.removeprefix("trial/") for g in graphs if g.startswith("trial/")}
    assert trials == {"NCT04974398", "NCT05807880"}  # penpulimab's in the snapshot
    assert not [g for g in graphs if g.startswith(("pubmed/", "links/"))]


# --------------------------------------------------------------------------- bad input


def test_unreachable_server_is_one_line_and_exit_4(monkeypatch, tmp_path):
    monkeypatch.setenv("CTGOV_BASE_URL", "http://127.0.0.1:1/api/v2")
    result = run(*NPC_QUERY, "--online", *FAST, "--retries", "2",
                 "--store", f"oxigraph:{tmp_path / 'db'}")
    assert result.exit_code == 4
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("kg: error: http://127.0.0.1:1/api/v2/studies?")
    # nothing listens there: failed at once, not after retries
    assert line.endswith(": cannot reach ClinicalTrials.gov: the connection was refused "
                         "(nothing listens at that address)")


def test_store_path_that_is_a_file_fails_before_any_request(ctgov, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("keep me")
    result = run(*NPC_QUERY, "--online", *FAST, "--store", f"oxigraph:{path}")
    assert result.exit_code == 2
    [line] = result.stderr.strip().splitlines()
    assert str(path) in line and "not a store" in line
    assert path.read_text() == "keep me" and ctgov.requests == []


def test_unknown_class_lists_the_known_ones():
    result = run("--drug-class", "anti-PD-9", "--offline")
    assert result.exit_code == 2
    [line] = result.stderr.strip().splitlines()
    assert "unknown drug class 'anti-PD-9'" in line and "anti-pd-1" in line
    nothing = run("--offline")
    assert nothing.exit_code == 2 and "--condition" in nothing.stderr


# --------------------------------------------------------------------------- progress


def test_progress_on_a_terminal_only_and_never_with_q(ctgov, monkeypatch, tmp_path):
    import kg.cli.discover as dc

    monkeypatch.setattr(dc, "_on_terminal", lambda: True)
    db = f"oxigraph:{tmp_path / 'db'}"
    loud = run(*NPC_QUERY, "--online", *FAST, "--store", db)
    lines = loud.stderr.splitlines()
    assert "discover: page 1: 4 studies of 12 (network)" in lines
    assert "discover: page 3: 5 studies of 12 (network)" not in lines  # page 3 has no total
    assert "discover: page 3: 5 studies (network)" in lines
    assert "discover: matched 8 of 12 studies" in lines and "discover: loading 8 trials" in lines
    assert lines[-1].startswith("discover: 8 matching trial(s) of 12 studies read in 3 page(s)")
    quiet = run(*NPC_QUERY, "--online", *FAST, "--store", db, "-q")
    assert quiet.exit_code == 0 and quiet.stderr == ""  # no progress, no summary
    assert "(8 rows)" in quiet.stdout  # the result is still printed
