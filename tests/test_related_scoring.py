"""kg/views/related_scoring.py as a unit: how a candidate's setting and line compare with the
seed's, the context table rank.rq matches on, the score's gating and caps, the order."""

from __future__ import annotations

import pytest

from kg.rdf import iris
from kg.views.related_scoring import (
    WEIGHTS,
    Evidence,
    context_points,
    match_points,
    order,
    score,
)
from kg.views.related_seed import SeedTables


@pytest.mark.parametrize(("aspect", "seed", "value", "expected"), [
    ("disease-setting", ["recurrent-metastatic"], "recurrent-metastatic", ("same", 2.5)),
    ("disease-setting", ["recurrent-metastatic"], "primary-metastatic", ("family", 1.5)),
    ("disease-setting", ["recurrent-metastatic"], "adjuvant", ("other", -0.5)),
    ("line", ["first-line"], "first-line", ("same", 2.0)),
    ("line", ["pretreated"], "platinum-refractory", ("family", 1.5)),
    ("line", ["first-line"], "pretreated", ("other", -1.0)),
    ("line", ["first-line", "pretreated"], "platinum-refractory", ("family", 1.5)),
])
def test_a_setting_or_line_is_the_same_of_the_family_or_other(aspect, seed, value, expected):
    assert match_points(aspect, seed, value) == expected


def _tables(settings: dict[str, list[str]]) -> SeedTables:
    return SeedTables(drugs=[], conditions={}, settings=settings)


def test_the_context_table_scores_every_value_against_the_seeds_setting_and_line():
    table = context_points(_tables({"disease-setting": ["recurrent-metastatic"],
                                    "line": ["first-line"]}))
    assert table["disease-setting"] == {
        "advanced": 1.5, "recurrent-metastatic": 2.5, "primary-metastatic": 1.5,
        "curative": -0.5, "locoregionally-advanced": -0.5, "adjuvant": -0.5,
        "neoadjuvant-induction": -0.5, "concurrent-chemoradiotherapy": -0.5}
    assert table["line"] == {"first-line": 2.0, "pretreated": -1.0,
                             "platinum-refractory": -1.0}
    assert table["evidence"] == {"clinical-trial": 1.5, "observational": 0.75,
                                 "clinical-study": 0.75, "case-report": 0.25}
    assert table["design"] == {"randomised": 0.5}


def test_an_aspect_the_seed_has_no_value_for_is_not_scored():
    table = context_points(_tables({"line": ["pretreated"]}))
    assert sorted(table) == ["design", "evidence", "line"]
    assert context_points(_tables({})).keys() == {"evidence", "design"}


def _e(kind: str, points: float) -> Evidence:
    return Evidence(kind, "same", kind, points, f"synthetic {kind}")


def test_context_counts_only_when_gated_on_the_seeds_disease():
    evidence = [_e("disease", 5.0), _e("drug", 4.0), _e("setting", 2.5), _e("line", -1.0),
                _e("evidence", 1.5), _e("design", 0.5)]
    assert score(evidence, gated=True) == 12.5
    assert score(evidence, gated=False) == 9.0


def test_without_a_shared_disease_the_score_is_capped():
    assert WEIGHTS[("no disease", "at most")] == 2.0
    assert score([_e("drug", 4.0), _e("mesh", 0.5)], gated=False) == 2.0
    assert score([_e("drug", 1.25)], gated=False) == 1.25
    # a disease named only in the text still counts as a disease: no cap
    assert score([_e("disease", -1.0), _e("drug", 4.0)], gated=False) == 3.0


def test_the_score_is_never_below_zero_and_kept_to_two_decimals():
    assert score([_e("disease", -1.0), _e("link", -1.0)], gated=False) == 0.0
    assert score([_e("disease", 1.0), _e("mesh", 0.125)], gated=False) == 1.12
    assert score([_e("disease", 0.4)], gated=False) == 0.4


def test_best_first_then_trials_before_articles_then_by_identifier():
    trial, article = str(iris.trial("NCT00000002")), str(iris.article("10000001"))
    other_trial = str(iris.trial("NCT00000001"))
    ranked = sorted([(1.0, article), (1.0, trial), (2.0, article), (1.0, other_trial)],
                    key=lambda pair: order(*pair))
    assert ranked == [(2.0, article), (1.0, other_trial), (1.0, trial), (1.0, article)]
