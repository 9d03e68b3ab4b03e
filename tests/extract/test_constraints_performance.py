"""Performance status and age (kg.extract.constraints.performance) in synthetic criterion
phrasings: grades listed, ranged or compared, at the scales' bounds, and ages at theirs."""

from __future__ import annotations

import pytest

from kg.extract.constraints import criterion_constraints, performance
from kg.extract.constraints.concepts import default_concepts
from kg.extract.constraints.context import Context
from kg.model import Constraint
from kg.vocab import default_vocabulary


def _read(text: str, kind: str = "performance-status"):
    return [(c.comparator, c.value, c.upper, c.text, c.status, c.assumptions)
            for c in criterion_constraints(text, "inclusion") if c.kind == kind]


@pytest.mark.parametrize("text, written", [
    ("ECOG 0 OR 1", "ECOG 0 OR 1"),
    ("ECOG PS 0 To 1", "ECOG PS 0 To 1"),
    ("ECOG 0 or 1", "ECOG 0 or 1"),
    ("ECOG 0 and 1", "ECOG 0 and 1"),
])
def test_listed_grades_are_read_whatever_the_case_of_the_words(text, written):
    assert _read(text) == [("in-range", 0.0, 1.0, written, "computable", [])]


def test_points_are_part_of_the_score_whatever_their_case():
    assumed = ["no comparator written; read as '>= 80'"]
    assert _read("Karnofsky 80 Points") == \
        [(">=", 80.0, None, "Karnofsky 80 Points", "assumed", assumed)]
    assert _read("KPS 80 points") == [(">=", 80.0, None, "KPS 80 points", "assumed", assumed)]


@pytest.mark.parametrize("text, read", [
    ("ECOG ≥ 0", (">=", 0.0, None, "ECOG ≥ 0", "computable", [])),
    ("ECOG performance status ≤ 5",
     ("<=", 5.0, None, "ECOG performance status ≤ 5", "computable", [])),
    ("KPS ≥ 100", (">=", 100.0, None, "KPS ≥ 100", "computable", [])),
    ("KPS > 0", (">", 0.0, None, "KPS > 0", "computable", [])),  # Karnofsky runs from 0
    ("ECOG 0-5", ("in-range", 0.0, 5.0, "ECOG 0-5", "computable", [])),
    ("KPS 60-100%", ("in-range", 60.0, 100.0, "KPS 60-100%", "computable", [])),
    ("ECOG 0, 1 or 2", ("in-range", 0.0, 2.0, "ECOG 0, 1 or 2", "computable", [])),
])
def test_grades_at_the_bounds_of_their_scale(text, read):
    assert _read(text) == [read]


@pytest.mark.parametrize("text", ["ECOG 0-7", "ECOG ≤ 6", "KPS ≥ 110", "KPS 50-120",
                                  "ECOG performance status ≤ normal"])
def test_grades_outside_their_scale_or_without_a_number_are_not_read(text):
    assert _read(text) == []


def test_a_single_grade_is_a_ceiling_and_a_single_score_a_floor():
    assert _read("ECOG 1") == \
        [("<=", 1.0, None, "ECOG 1", "assumed", ["no comparator written; read as '<= 1'"])]
    assert _read("KPS 70") == \
        [(">=", 70.0, None, "KPS 70", "assumed", ["no comparator written; read as '>= 70'"])]


@pytest.mark.parametrize("text, low, high", [
    ("Aged 0-17 years", 0.0, 17.0),
    ("aged 18-120 years", 18.0, 120.0),
])
def test_an_age_range_at_its_plausible_bounds(text, low, high):
    assert _read(text, "age") == [("in-range", low, high, text, "computable", [])]


@pytest.mark.parametrize("text", ["aged 18-18 years", "aged 18-121 years", "aged 65-18 years"])
def test_an_implausible_age_range_is_not_read(text):
    assert _read(text, "age") == []


def test_an_age_constraint_in_full():
    ctx = Context("exclusion", default_concepts(), default_vocabulary())
    assert performance.find("Patients aged 0-17 years ", ctx) == [Constraint(
        key="", kind="age", effect="exclude", text="aged 0-17 years", start=9, end=24,
        concept="age", label="age", comparator="in-range", value=0.0, upper=17.0, unit="a")]


# --------------------------------------------------------------------------- structured fields

def _eligibility(low=None, high=None, sex=None):
    from kg.model import Eligibility

    return Eligibility(minimum_age=f"{low:g} Years" if low is not None else None,
                       maximum_age=f"{high:g} Years" if high is not None else None,
                       minimum_age_years=low, maximum_age_years=high, sex=sex)


@pytest.mark.parametrize(("low", "high", "read"), [
    (18.0, 75.0, ("18 Years to 75 Years", "in-range", 18.0, 75.0)),
    (18.0, None, ("18 Years", ">=", 18.0, None)),
    (None, 75.0, ("75 Years", "<=", 75.0, None)),
    (0.0, None, ("0 Years", ">=", 0.0, None)),  # a minimum of 0 is still a minimum
])
def test_the_records_age_fields_are_one_age_constraint(low, high, read):
    (age,) = performance.structured(_eligibility(low, high))
    assert (age.text, age.comparator, age.value, age.upper) == read
    assert (age.key, age.kind, age.effect, age.unit, age.concept, age.label, age.start) == \
        ("age", "age", "require", "a", "age", "age", None)


@pytest.mark.parametrize(("sex", "concept"), [("FEMALE", "female"), ("MALE", "male"),
                                              ("Female", "female")])
def test_a_record_for_one_sex_requires_it(sex, concept):
    (only,) = performance.structured(_eligibility(sex=sex))
    assert (only.key, only.kind, only.effect, only.text, only.concept, only.label,
            only.comparator) == ("sex", "sex", "require", sex, concept, "sex", "==")


@pytest.mark.parametrize("sex", ["ALL", None, ""])
def test_a_record_for_every_sex_and_without_ages_has_no_constraint(sex):
    assert performance.structured(_eligibility(sex=sex)) == []


def test_age_comes_before_sex():
    assert [c.key for c in performance.structured(_eligibility(18.0, None, "MALE"))] == \
        ["age", "sex"]


# --------------------------------------------------------------------------- whole constraints

def _found(text: str, kind: str) -> list[Constraint]:
    return performance.find(text, Context(kind, default_concepts(), default_vocabulary()))


def test_an_ecog_range_in_full():
    assert _found("Fit: ECOG performance status 0-1", "inclusion") == [Constraint(
        key="", kind="performance-status", effect="require",
        text="ECOG performance status 0-1", start=5, end=32, concept="ecog",
        label="ECOG performance status", codes=["89247-1"], comparator="in-range", value=0.0,
        upper=1.0, scale="ECOG")]


def test_a_karnofsky_floor_in_an_exclusion_in_full():
    assert _found("Frail: Karnofsky score < 70%", "exclusion") == [Constraint(
        key="", kind="performance-status", effect="exclude", text="Karnofsky score < 70%",
        start=7, end=28, concept="karnofsky", label="Karnofsky performance status",
        comparator="<", value=70.0, scale="Karnofsky")]


def test_another_scale_of_grades_is_read_on_ecog_with_the_assumption_said():
    assert _found("Fit: WHO performance status of 0 or 1", "inclusion") == [Constraint(
        key="", kind="performance-status", effect="require",
        text="WHO performance status of 0 or 1", start=5, end=37, status="assumed",
        assumptions=["WHO performance status read on the ECOG scale (the same 0-5 grades)"],
        concept="ecog", label="ECOG performance status", codes=["89247-1"],
        comparator="in-range", value=0.0, upper=1.0, scale="ECOG")]


def test_an_age_range_in_an_exclusion_excludes():
    (age,) = _found("Old: aged 18-75 years", "exclusion")
    assert (age.effect, age.start, age.end, age.text) == ("exclude", 5, 21, "aged 18-75 years")


@pytest.mark.parametrize(("text", "read"), [
    ("Fit: 18 years or older", ("age", ">=", 18.0, 5, 22, "18 years or older")),
    ("Fit: aged ≥ 18 years", ("age", ">=", 18.0, 5, 20, "aged ≥ 18 years")),
    # a scale named without grades is passed over, and the next mention still read
    ("ECOG unknown; ECOG 0-1", ("ecog", "in-range", 0.0, 14, 22, "ECOG 0-1")),
    ("Karnofsky unknown; Karnofsky ≥ 70", ("karnofsky", ">=", 70.0, 19, 33, "Karnofsky ≥ 70")),
])
def test_the_span_read_and_a_scale_named_twice(text, read):
    assert [(c.concept, c.comparator, c.value, c.start, c.end, c.text)
            for c in _found(text, "inclusion")] == [read]
