"""extract_constraints over a trial's criteria, called afresh in each test: the criterion's
kind sets the effect of what is read in it, a criterion with nothing read says why, and
every constraint, part and alternative gets its key (c1, c1.1, c1.u1). The shared-trial tests
in test_constraints.py check the same on the bundled record, but mutmut links the extractor
only to the first test of a shared fixture (see mutation/fresh_caches.py)."""

from __future__ import annotations

import pytest

from kg.extract.constraints import criterion_constraints, extract_constraints
from kg.model import Constraint, EligibilityCriterion, Trial

ALL_OF = "Serum creatinine > 1.5 mg/dL and creatinine clearance < 60 ml/min"


def _criterion(number: str, text: str, kind: str, children=()) -> EligibilityCriterion:
    return EligibilityCriterion(number, text, kind, kind, "synthetic", children=list(children))


def _extracted(*criteria: EligibilityCriterion) -> Trial:
    trial = Trial("NCT99999901")  # synthetic
    trial.eligibility.criteria = list(criteria)
    return extract_constraints(trial)


@pytest.mark.parametrize("kind, text, effect", [
    ("exclusion", "Serum creatinine > 1.5 x ULN", "exclude"),
    ("inclusion", "Serum creatinine <= 1.5 x ULN", "require"),
])
def test_the_criterions_kind_sets_the_effect_of_its_checks(kind, text, effect):
    (criterion,) = _extracted(_criterion("1", text, kind)).eligibility.criteria
    assert [(c.key, c.kind, c.effect) for c in criterion.constraints] == \
        [("c1", "measurement", effect)]
    assert criterion.not_computable is None


def test_parts_are_keyed_from_one_under_their_constraint():
    (criterion,) = _extracted(_criterion("1", ALL_OF, "exclusion")).eligibility.criteria
    (both,) = criterion.constraints
    assert (both.key, both.kind, both.effect) == ("c1", "all-of", "exclude")
    assert [p.key for p in both.parts] == ["c1.1", "c1.2"]


def test_a_criterion_with_nothing_read_says_why_and_its_children_are_read_too():
    child = _criterion("1.1", "Signed informed consent", "inclusion")
    parent = _criterion("1", "Adequate organ function:", "inclusion", [child])
    (read,) = _extracted(parent).eligibility.criteria
    assert read.constraints == []
    assert read.not_computable == "introduces its 1 sub-criteria, which carry the checks"
    assert child.constraints == []
    assert child.not_computable == ("consent, willingness or compliance is not a fact of the "
                                    "patient's record")


def test_an_inclusion_reads_negated_conditions_and_the_disease_under_study():
    trial = _extracted(
        _criterion("1", "No history of interstitial lung disease", "inclusion"),
        _criterion("2", "Histologically confirmed nasopharyngeal carcinoma", "inclusion"))
    assert [[(c.key, c.kind, c.effect, c.label) for c in criterion.constraints]
            for criterion in trial.eligibility.criteria] == [
        [("c1", "condition", "exclude", "interstitial lung disease")],
        [("c1", "condition", "require", "Nasopharyngeal Carcinoma")]]


def _check(start, value, kind="measurement", concept="creatinine"):
    return Constraint(key="", kind=kind, effect="require", text=f"at {start}", start=start,
                      concept=concept, comparator="<=", value=value, limit="ULN")


def test_a_check_written_twice_is_kept_once_the_earliest_and_the_rest_kept_in_order():
    from kg.extract.constraints import _dedupe

    structured, first, again, other, later = (_check(None, 1.5), _check(0, 1.5),
                                              _check(12, 1.5), _check(30, 2.0),
                                              _check(40, 3.0, concept="alt"))
    # start None (a structured field) sorts before a span at 0; a repeat after it is dropped
    assert [c.text for c in _dedupe([later, again, other, first, structured])] == \
        ["at None", "at 30", "at 40"]
    assert [c.text for c in _dedupe([later, again, other, first])] == ["at 0", "at 30", "at 40"]


def test_a_criterions_checks_are_keyed_in_the_order_of_their_text_whatever_their_kind():
    found = criterion_constraints("ECOG 0-1 and hemoglobin ≥ 90 g/L", "inclusion")
    assert [(c.key, c.kind, c.start) for c in found] == \
        [("c1", "performance-status", 0), ("c2", "measurement", 13)]
