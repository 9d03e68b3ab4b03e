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

from kg import resources
from kg.pipeline.build import BuildOptions, build
from kg.rdf import iris
from kg.views.related import find_related
from kg.views.related_evidence import _condition_label
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
    said = {r.identifier: (r.score, [(e.kind, e.via, e.key, e.points, e.reason)
                                     for e in r.evidence])
            for r in find_related(store, "NCT09999990")}
    assert list(said) == ["99100003", "99100004", "99100002", "99100001"]
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
