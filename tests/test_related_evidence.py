"""Every reason and piece of evidence `kg related` gives for the bundled seed, pinned whole.

The ranking's order and scores are checked in tests/test_related.py; the words that say why
(one line per reason, one per piece of evidence, labels) were checked only in part, so a
reason could lose its drug, its class or its setting unnoticed. The expected answer is
`tests/fixtures/related/bundled-seed-evidence.json`: the output of this code on the bundled
trial's corpus plus the synthetic melanoma trial, reviewed when written. After a deliberate
change, rewrite it with `TRIALKG_REWRITE_EXPECTED=1 pytest tests/test_related_evidence.py`
and review the diff."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from rdflib import Literal

from kg import resources
from kg.pipeline.build import BuildOptions, build
from kg.rdf import iris
from kg.rdf.namespaces import BIBO, RDF, TKG
from kg.store import open_store
from kg.views.related import find_related
from kg.views.related_evidence import _condition_label, _labels, _reasons
from kg.views.related_reasons import Profile
from kg.views.related_scoring import Evidence
from kg.views.related_seed import SeedTables
from kg.vocab import default_vocabulary

FIXTURES = Path(__file__).parent / "fixtures"
MELANOMA = FIXTURES / "trials" / "synthetic-pembrolizumab-melanoma.json"
EXPECTED = FIXTURES / "related" / "bundled-seed-evidence.json"


@pytest.fixture(scope="module")
def store():
    return build(BuildOptions(trials=[str(resources.BUNDLED_TRIAL), str(MELANOMA)],
                              corpus=True)).store


def _said(results) -> list[dict]:
    return [{"id": r.identifier, "kind": r.kind, "label": r.label, "score": r.score,
             "reasons": r.reasons, "setting": r.setting, "line": r.line, "design": r.design,
             "cited": r.cited,
             "evidence": [[e.kind, e.via, e.key, e.points, e.reason, e.detail]
                          for e in r.evidence]}
            for r in results]


def test_every_reason_and_piece_of_evidence_for_the_bundled_seed(store):
    said = _said(find_related(store, limit=0))
    if os.environ.get("TRIALKG_REWRITE_EXPECTED"):
        EXPECTED.write_text(json.dumps(said, indent=1, ensure_ascii=False) + "\n",
                            encoding="utf-8")
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    assert [r["id"] for r in said] == [r["id"] for r in expected]
    for got, want in zip(said, expected, strict=True):
        assert got == want, got["id"]


@pytest.mark.parametrize("limit", [1, 2, 5, 11, 23])
def test_a_limited_answer_is_the_head_of_the_whole_one_labels_included(store, limit):
    """With a limit only the best are labelled, one by one (``_labels``): each trial and
    article keeps its kind, id and title as the whole answer gives them."""
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))[:limit]
    assert _said(find_related(store, limit=limit)) == expected


ANNONC_2020 = ("https://w3id.org/trialkg/resource/citation/doi/"
               "10.1016%2Fj.annonc.2020.08.1044")  # a reference of the bundled trial, no PMID


def test_labels_one_by_one_for_the_best_a_limit_keeps(store):
    """``_labels`` with a limit below the ranking's length: each kind of candidate with its
    id and label, candidates without a label skipped, at most twice the limit looked at.
    (find_related falls back to labelling everything when any is missing, so only a direct
    check sees this path go wrong.)"""
    seed = iris.trial("NCT05807880")
    trial, article = str(iris.trial("NCT05981157")), str(iris.article("34341578"))
    unknown = str(iris.trial("NCT00000000"))  # SYNTHETIC: in no graph
    said = {k: {f: str(v) for f, v in info.items()}
            for k, info in _labels(store, seed, [unknown, trial, ANNONC_2020, article], 3).items()}
    assert said == {
        trial: {"kind": "trial", "id": "NCT05981157",
                "label": "Anrotinib and Tirelizumab in First-line Treatment of RM-NPC"},
        ANNONC_2020: {"kind": "article", "id": "10.1016/j.annonc.2020.08.1044",
                      "label": "Cai, Q. & Su, N. & Fang, Y. & Ma, S. & Xia, Y. & Zhang, X. & "
                               "Liu, P. & Yang, H.. (2020). 929P Anlotinib in patients with "
                               "recurrent or metastatic nasopharyngeal carcinoma: An interim "
                               "analysis of a phase II clinical trial. Annals of Oncology. 31. "
                               "S668. 10.1016/j.annonc.2020.08.1044."},
        article: {"kind": "article", "id": "34341578",
                  "label": "Toripalimab or placebo plus chemotherapy as first-line treatment "
                           "in advanced nasopharyngeal carcinoma: a multicenter randomized "
                           "phase 3 trial"},
    }
    # the limit reached, the rest is not looked up; only twice the limit is looked at
    assert list(_labels(store, seed, [trial, article, ANNONC_2020], 1)) == [trial]
    assert _labels(store, seed, [unknown, unknown + "1", trial, article], 1) == {}
    # a ranking no longer than the limit: every candidate's label in one query
    every = _labels(store, seed, [trial, article], 2)
    assert len(every) > 2 and str(every[article]["label"]).startswith("Toripalimab")


@pytest.mark.parametrize(("condition", "label"), [
    (iris.mesh("D000077274"), "Nasopharyngeal Carcinoma"),  # a descriptor the vocabulary has
    (iris.mesh("D999999"), "MeSH D999999"),  # SYNTHETIC id: one it lacks keeps its code
    # a registered condition that maps to no descriptor: its words, from its IRI
    (iris.condition_text("Recurrent/metastatic nasopharyngeal-carcinoma"),
     "recurrent metastatic nasopharyngeal carcinoma"),
])
def test_a_condition_is_named_by_its_descriptor_its_code_or_its_words(condition, label):
    assert _condition_label(default_vocabulary(), condition) == label


@pytest.mark.parametrize("store_spec", ["memory", "oxigraph:"])
def test_mesh_overlap_and_the_databank_link_are_evidence_with_their_points(store_spec):
    """The bundled snapshot has no MeSH headings and no DataBank list: a SYNTHETIC seed whose
    cited article has nine headings (two of them check tags), and three articles
    (tests/fixtures/related/synthetic-mesh-*). Check tags never count; half a point per
    shared descriptor up to 2; a DataBank link is worth 4 but, with no shared disease, the
    candidate's score is capped at 2."""
    related = FIXTURES / "related"
    store = build(BuildOptions(trials=[str(related / "synthetic-mesh-seed.json")],
                               pubmed_files=[related / "synthetic-mesh-articles.xml"],
                               corpus=False, store=store_spec)).store
    results = find_related(store, "NCT09999990")
    said = {r.identifier: (r.score, [(e.kind, e.via, e.key, e.points, e.reason)
                                     for e in r.evidence]) for r in results}
    assert list(said) == ["99100003", "99100004", "99100002", "99100001"]
    assert [(r.iri, r.cited) for r in results] == [
        (str(iris.article(pmid)), pmid == "99100001") for pmid in said]  # DataBank: not cited
    # links and MeSH overlap close the reasons, as their evidence says them
    assert [r.reasons for r in results] == [[e[4] for e in evidence]
                                            for _, evidence in said.values()]
    assert said == {
        "99100003": (2.0, [("mesh", "mesh", "overlap", 2.0,
                            "shares 6 MeSH descriptor(s) with the seed's citations: Antibodies, "
                            "Monoclonal, Humanized; Antineoplastic Agents; Disease-Free Survival; "
                            "Neoplasm Metastasis; Neoplasm Recurrence, Local; Prognosis")]),
        "99100004": (2.0, [("link", "databank", "databank", 4.0,
                            "its PubMed record names the seed trial (DataBank)")]),
        "99100002": (1.0, [("mesh", "mesh", "overlap", 1.0,
                            "shares 2 MeSH descriptor(s) with the seed's citations: Antibodies, "
                            "Monoclonal, Humanized; Immune Checkpoint Inhibitors")]),
        "99100001": (0.0, [("link", "cited", "cited", -1.0,
                            "already cited by the seed trial's record")]),
    }


def test_a_related_disease_outside_the_seeds_own_is_said_with_its_relation():
    sibling = Evidence("disease", "sibling", "disease", 2.5, "sibling of the seed's condition",
                       detail=f"registered {iris.mesh('D009303')}")
    tables = SeedTables(drugs=[], conditions={})
    assert _reasons([sibling], Profile(), tables, default_vocabulary(), gated=False) == [
        "related disease (sibling of the seed's condition): nasopharyngeal neoplasms"]


def test_a_candidate_without_a_title_or_doi_is_labelled_empty():
    """SYNTHETIC nodes with only an identifier: a trial, a PubMed article and a citation
    (a registry reference without PMID or DOI). Looked up one by one, each is kept with an
    empty label (or id)."""
    store = open_store("memory")
    trial, article = iris.trial("NCT00000001"), iris.article("90000001")
    citation = iris.citation(None, "SYNTHETIC: a reference without identifiers")
    store.replace_graph(iris.record_graph("trial", "NCT00000001"), [
        (trial, RDF.type, TKG.ClinicalTrial), (trial, TKG.nctId, Literal("NCT00000001")),
        (article, BIBO.pmid, Literal("90000001")),
        (citation, RDF.type, TKG.Citation), (citation, TKG.citationText, Literal("Cited."))])
    ranked = [str(trial), str(article), str(citation)]
    said = {k: {f: str(v) for f, v in info.items()}
            for k, info in _labels(store, trial, ranked, 2).items()}
    assert said == {str(trial): {"kind": "trial", "id": "NCT00000001", "label": ""},
                    str(article): {"kind": "article", "id": "90000001", "label": ""}}
    said = {k: {f: str(v) for f, v in info.items()}
            for k, info in _labels(store, trial, ranked[1:], 1).items()}
    assert said == {str(article): {"kind": "article", "id": "90000001", "label": ""}}
    said = _labels(store, trial, [str(citation), str(trial)], 1)
    assert {f: str(v) for f, v in said[str(citation)].items()} == \
        {"kind": "article", "id": "", "label": "Cited."}


def test_a_trial_without_a_title_is_labelled_empty_with_or_without_a_limit():
    """The whole answer and a limited one label an untitled candidate alike (its id says
    which it is); the title is taken out of a fresh build of the bundled corpus."""
    store = build(BuildOptions(corpus=True)).store
    graph, trial = iris.record_graph("trial", "NCT02611960"), iris.trial("NCT02611960")
    store.update(f"DELETE WHERE {{ GRAPH <{graph}> {{ <{trial}> "
                 "<http://purl.org/dc/terms/title> ?t } }")
    whole = {r.identifier: r.label for r in find_related(store)}
    assert whole["NCT02611960"] == "" and whole["NCT03581786"]
    head = find_related(store, limit=len(whole))
    assert {r.identifier: r.label for r in head} == whole
