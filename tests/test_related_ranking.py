"""The ranking's invariants, as an oncologist would state them, on the bundled corpus plus
synthetic studies that differ from each other in one respect only
(tests/fixtures/ranking/synthetic-*): the same setting and drug above a class match in
another line; the exact drug above its class above a broader class; a drug tested above the
same drug as comparator; clinical studies above reviews and epidemiology; no study sharing
only a drug class (and no disease) above any study of the seed's disease; a cited article
marked and ranked below its uncited twin. Scores are not asserted: orders are."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg import resources
from kg.pipeline.build import BuildOptions, build
from kg.views.related import WEIGHTS, find_related

FIXTURES = Path(__file__).parent / "fixtures"
RANKING = FIXTURES / "ranking"
MELANOMA = FIXTURES / "trials" / "synthetic-pembrolizumab-melanoma.json"


@pytest.fixture(scope="module")
def ranking():
    trials = [str(resources.BUNDLED_TRIAL), str(MELANOMA),
              *(str(p) for p in sorted(RANKING.glob("synthetic-*.json")))]
    store = build(BuildOptions(trials=trials, corpus=True,
                               pubmed_files=[RANKING / "synthetic-ranking-articles.xml"])).store
    return find_related(store)


def position(ranking, identifier: str) -> int:
    return next(i for i, r in enumerate(ranking) if r.identifier == identifier)


def result(ranking, identifier: str):
    return ranking[position(ranking, identifier)]


def test_same_setting_and_drug_rank_above_a_class_match_in_another_line(ranking):
    same = result(ranking, "NCT09999911")  # anlotinib + toripalimab, first-line R/M NPC
    other_line = result(ranking, "NCT09999912")  # camrelizumab, platinum-refractory, phase 3
    assert (same.setting, same.line) == ("recurrent/metastatic", "first-line")
    assert other_line.line == "platinum-pretreated"
    assert position(ranking, "NCT09999911") < position(ranking, "NCT09999912")
    assert any(r.endswith("; the seed is first-line") for r in other_line.reasons)


def test_exact_drug_above_its_class_above_a_broader_class(ranking):
    exact, same_class, broader = "NCT09999917", "NCT09999918", "NCT09999919"
    assert position(ranking, exact) < position(ranking, same_class) < position(ranking, broader)
    assert "penpulimab (the seed's drug) in the experimental arm" in \
        result(ranking, exact).reasons
    assert "toripalimab (anti-PD-1 antibody, like penpulimab) in the experimental arm" in \
        result(ranking, same_class).reasons
    assert ("atezolizumab (immune checkpoint inhibitor, like penpulimab) in the experimental "
            "arm") in result(ranking, broader).reasons


def test_a_drug_only_in_the_comparator_arm_counts_less(ranking):
    tested, comparator = "NCT09999915", "NCT09999916"
    assert position(ranking, tested) < position(ranking, comparator)
    assert "capecitabine (the seed's drug) only in the comparator arm" in \
        result(ranking, comparator).reasons
    gap = result(ranking, tested).score - result(ranking, comparator).score
    assert gap == WEIGHTS[("drug", "experimental")] - WEIGHTS[("drug", "comparator")]


def test_no_study_sharing_only_a_drug_class_outranks_a_study_of_the_disease(ranking):
    same_disease = [i for i, r in enumerate(ranking)
                    if any(e.kind == "disease" and e.via == "same" for e in r.evidence)]
    class_only = [i for i, r in enumerate(ranking) if r.identifier in (
        "NCT09999901", "NCT09999913")]  # pembrolizumab in melanoma; in lung cancer, phase 3
    assert len(class_only) == 2 and len(same_disease) > 15
    assert max(same_disease) < min(class_only)
    # the weakest study of the disease: radiotherapy only, named only in its title, in
    # locoregionally advanced disease (another setting from the seed's)
    weakest = result(ranking, "NCT09999914")
    assert weakest.setting == "locoregionally advanced"
    assert weakest.score > max(ranking[i].score for i in class_only)
    lung = result(ranking, "NCT09999913")
    assert lung.score == WEIGHTS[("no disease", "at most")]  # capped, though phase 3 and R/M
    assert "no shared disease: drug evidence counts at most 2 points" in lung.reasons


def test_clinical_studies_rank_above_reviews_and_epidemiology(ranking):
    trial, review, epidemiology = "99000001", "99000002", "99000003"
    assert position(ranking, trial) < position(ranking, review)
    assert position(ranking, trial) < position(ranking, epidemiology)
    assert result(ranking, review).design == "review or meta-analysis"
    assert result(ranking, epidemiology).design == "epidemiology"
    assert result(ranking, trial).design == "phase 2"


def test_a_cited_article_is_marked_and_comes_after_its_uncited_twin(ranking):
    cited, twin = result(ranking, "34174189"), result(ranking, "99000004")
    assert cited.cited and not twin.cited
    assert cited.label == twin.label
    assert position(ranking, "99000004") < position(ranking, "34174189")
    assert twin.score - cited.score == -WEIGHTS[("link", "cited")]
    assert "already cited by the seed trial's record" in cited.reasons


def test_first_line_rm_npc_with_the_seeds_drugs_leads(ranking):
    top = [r.identifier for r in ranking[:4]]
    assert set(top) >= {"NCT05981157", "NCT09999911"}  # anlotinib + anti-PD-1, first-line R/M
    assert ranking[0].reasons[0].startswith("first-line recurrent/metastatic")
