"""Clauses that bind constraints together (kg.extract.constraints.conditionals) and the
reason a criterion gets when nothing in it is read (kg.extract.constraints), on synthetic
exclusion criteria."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kg.extract.constraints import _why_not, conditionals, conditions, criterion_constraints, labs
from kg.extract.constraints.concepts import default_concepts
from kg.extract.constraints.context import Context
from kg.model import Constraint, EligibilityCriterion
from kg.vocab import default_vocabulary


def _bound(text: str, kind: str = "exclusion", conditions_first: bool = False
           ) -> list[Constraint]:
    ctx = Context(kind, default_concepts(), default_vocabulary())
    lab_checks, condition_checks = labs.find(text, ctx), conditions.find(text, ctx)
    found = ([*condition_checks, *lab_checks] if conditions_first
             else [*lab_checks, *condition_checks])
    return conditionals.apply(text, found, ctx)


def test_two_thresholds_joined_by_and_exclude_only_together():
    text = "Serum creatinine > 1.5 mg/dL and creatinine clearance < 60 ml/min"
    (both,) = _bound(text)
    assert (both.key, both.kind, both.effect, both.text, both.start, both.end, both.label) == \
        ("", "all-of", "exclude", text, 0, 65, "serum creatinine and creatinine clearance")
    assert [(p.concept, p.effect, p.start, p.end) for p in both.parts] == \
        [("creatinine", "require", 0, 28), ("creatinine-clearance", "require", 33, 65)]


def test_a_conjunction_labels_each_part_by_its_concept():
    text = "HBsAg positive and HBV DNA ≥ 10^4 copies/ml"
    (both,) = _bound(text)
    assert (both.text, both.start, both.end, both.label) == \
        (text, 0, 43, "hepatitis B and hepatitis B virus DNA")
    assert [(p.concept, p.text, p.effect) for p in both.parts] == \
        [("hepatitis-b", "HBsAg positive", "require"),
         ("hbv-dna", "HBV DNA ≥ 10^4 copies/ml", "require")]


def test_a_part_no_rule_reads_is_kept_as_not_computable():
    text = "HCV RNA positive and abnormal hepatic function"
    (both,) = _bound(text)
    assert (both.kind, both.effect, both.text, both.end, both.label) == \
        ("all-of", "exclude", text, 46, "hepatitis C and abnormal hepatic function")
    hep_c, unread = both.parts
    assert (hep_c.concept, hep_c.effect) == ("hepatitis-c", "require")
    assert unread == Constraint(
        key="", kind="condition", effect="require", text="abnormal hepatic function",
        start=21, end=46, status="not-computable",
        reason="no rule reads this part of the conjunction", label="abnormal hepatic function")


@pytest.mark.parametrize("text, found", [
    # a conjunction in a later sentence binds its own parts, not the sentence before
    ("Aged 18 or over. HBsAg positive and HBV DNA ≥ 10^4 copies/ml",
     [("all-of", None, "HBsAg positive and HBV DNA ≥ 10^4 copies/ml")]),
    # an "and" in the next sentence joins nothing across the full stop
    ("HBsAg positive. Smokers and heavy drinkers. HCV RNA positive",
     [("condition", "hepatitis-b", "HBsAg positive"),
      ("condition", "hepatitis-c", "HCV RNA positive")]),
])
def test_a_conjunction_ends_at_its_own_sentence(text, found):
    assert [(c.kind, c.concept, c.text) for c in _bound(text)] == found


def test_an_alternative_threshold_under_a_condition_no_rule_reads():
    text = "ALT ≤ 2.5 × ULN (≤ 5 × ULN for patients with Gilbert syndrome)"
    (alt,) = _bound(text, "inclusion")
    looser, premise = alt.unless
    assert (looser.concept, looser.effect, looser.comparator, looser.value, looser.limit) == \
        ("alt", "require", "<=", 5.0, "ULN")
    assert premise == Constraint(
        key="", kind="condition", effect="require", text="Gilbert syndrome", start=45, end=61,
        status="not-computable", label="Gilbert syndrome",
        reason="the condition of the alternative threshold is not one the matcher can check")


def test_an_alternative_threshold_under_a_condition_the_matcher_reads():
    text = "ALT ≤ 2.5 × ULN (≤ 5 × ULN for patients with brain metastases)"
    (alt,) = _bound(text, "inclusion")
    assert (alt.concept, alt.comparator, alt.value, alt.limit, alt.end) == \
        ("alt", "<=", 2.5, "ULN", 15)
    assert alt.unless == [
        Constraint(key="", kind="measurement", effect="require", text="≤ 5 × ULN", start=17,
                   end=26, concept="alt", label="alanine aminotransferase (ALT)",
                   codes=["1742-6"], comparator="<=", value=5.0, limit="ULN"),
        Constraint(key="", kind="condition", effect="require", text="brain metastases",
                   start=45, end=61, concept="cns-metastasis",
                   label="central nervous system metastasis", codes=["D016543", "D009362"])]


@pytest.mark.parametrize("text", [
    "HBsAg positive (≤ 5 × ULN for patients with brain metastases)",  # no measurement
    "ALT ≤ 2.5 × ULN (≤ 5 × ULN)",  # no condition to hold
    "ALT ≤ 2.5 × ULN; ≤ 5 × ULN for patients with brain metastases",  # no bracket
    "ALT ≤ 2.5 × ULN (up to the investigator)",  # a comparator word but no value
    "ALT ≤ 2.5 × ULN (less often in practice)",  # nor a comparator
])
def test_no_alternative_threshold_without_a_measurement_a_value_and_its_condition(text):
    assert all(c.unless == [] for c in _bound(text, "inclusion"))


def test_an_alternative_threshold_keeps_its_unit():
    text = "Serum creatinine ≤ 1.5 mg/dL (≤ 2.0 mg/dL for patients with brain metastases)"
    (creatinine,) = _bound(text, "inclusion")
    looser = creatinine.unless[0]
    assert (looser.text, looser.comparator, looser.value, looser.unit, looser.limit) == \
        ("≤ 2.0 mg/dL", "<=", 2.0, "mg/dL", None)


def test_each_measurement_is_tried_for_an_alternative_past_those_without_one():
    # a condition, a threshold without a bracket and one whose bracket states no condition come
    # first: the later threshold still gets its own alternative
    text = ("HIV infection (> 5 × ULN for patients with brain metastases); total bilirubin "
            "> 1.5 × ULN; serum creatinine "
            "> 1.5 × ULN (> 2 × ULN); ALT > 2.5 × ULN (> 5 × ULN for patients with brain "
            "metastases)")
    found = _bound(text, conditions_first=True)
    unless = {c.concept: [u.text for u in c.unless] for c in found}
    assert (unless["hiv-infection"], unless["bilirubin-total"], unless["creatinine"],
            unless["alt"]) == ([], [], [], ["> 5 × ULN", "brain metastases"])
    assert found[0].concept == "hiv-infection"  # the condition was tried first


def _criterion(text: str, children=()) -> EligibilityCriterion:
    return EligibilityCriterion("1", text, "exclusion", "exclusion", "synthetic",
                                children=list(children))


@pytest.mark.parametrize("text, reason", [
    ("Adequate organ function", "no rule reads a computable check in this text"),
    ("Signed informed consent", "consent, willingness or compliance is not a fact of the "
                                "patient's record"),
])
def test_a_criterion_nothing_is_read_in_says_why(text, reason):
    assert _why_not(_criterion(text)) == reason


def test_a_criterion_with_sub_criteria_points_to_them():
    parent = _criterion("Any of:", [_criterion("a"), _criterion("b")])
    assert _why_not(parent) == "introduces its 2 sub-criteria, which carry the checks"


# --------------------------------------------------------------------------- allowances, if not

ALLOWANCE_REASON = ("an allowance the patient record cannot settle (treatment phase, response); a "
                    "patient it may admit is undetermined")


@pytest.mark.parametrize(("text", "allowance", "start"), [
    # the allowance's own sentence, between the full stops around it
    ("Hepatitis B; prednisone > 10 mg per day; prior anti-PD-1 antibody. Patients who "
     "progressed more than 6 months after it can be included. Aged over 75. Pregnant",
     "Patients who progressed more than 6 months after it can be included", 67),
    # at the end of the text
    ("Prior anti-PD-1 antibody. Patients with a response can be included",
     "Patients with a response can be included", 26),
])
def test_an_allowance_after_a_prior_therapy_is_kept_unread_on_that_therapy_only(
        text, allowance, start):
    found = criterion_constraints(text, "exclusion")
    therapy = next(c for c in found if c.kind == "therapy")
    assert therapy.drug_classes == ["anti-pd-1"] and therapy.drugs == []
    assert [replace(u, key="") for u in therapy.unless] == [Constraint(
        key="", kind="condition", effect="require", text=allowance, start=start,
        end=start + len(allowance), status="not-computable", reason=ALLOWANCE_REASON,
        label=allowance)]
    # a condition or a medication limit before it is no therapy the allowance speaks of
    assert [c.concept for c in found if c.unless] == ["anti-pd-1"]


def test_an_allowance_before_the_therapy_does_not_apply_to_it():
    found = criterion_constraints("Patients with a response can be included. Prior anti-PD-1 "
                                  "antibody", "exclusion")
    assert [(c.concept, c.unless) for c in found] == [("anti-pd-1", [])]


def test_normal_levels_named_after_if_not_are_the_alternative_of_the_threshold_before():
    text = "TSH ≤ ULN; if not, patients whose FT3 and FT4 are normal can be enrolled"
    (tsh,) = criterion_constraints(text, "inclusion")  # FT3 and FT4 are not read apart
    assert (tsh.concept, tsh.end) == ("tsh", 9)
    assert [replace(u, key="") for u in tsh.unless] == [
        Constraint(key="", kind="measurement", effect="require", text="FT3", start=34, end=37,
                   concept="free-t3", label="free triiodothyronine (FT3)", codes=["14928-6"],
                   comparator="normal"),
        Constraint(key="", kind="measurement", effect="require", text="FT4", start=42, end=45,
                   concept="free-t4", label="free thyroxine (FT4)", codes=["14920-3"],
                   comparator="normal")]
    assert tsh.assumptions == [
        "conditional kept: when this fails, the criterion is still met if free "
        "triiodothyronine (FT3) and free thyroxine (FT4) are within their reference ranges"]


@pytest.mark.parametrize("text", [
    "TSH ≤ ULN; if not, patients may be enrolled after review",  # nothing said to be normal
    "TSH ≤ ULN; if not, the investigator decides whether normal",  # normal, but no analyte
])
def test_if_not_without_normal_analytes_keeps_the_threshold_alone(text):
    (tsh,) = criterion_constraints(text, "inclusion")
    assert (tsh.concept, tsh.unless, tsh.assumptions) == ("tsh", [], [])


@pytest.mark.parametrize("text", [
    # a threshold after "if not" is part of the alternative, not a check of its own
    "TSH ≤ ULN; if not, FT3 ≤ 1.5 × ULN and FT4 normal",
    # an analyte named twice counts once, and the one after it still counts
    "TSH ≤ ULN; if not, FT3, FT3 and FT4 are normal",
])
def test_the_alternative_after_if_not_is_each_analyte_named_once(text):
    assert [(c.concept, [u.concept for u in c.unless])
            for c in criterion_constraints(text, "inclusion")] == \
        [("tsh", ["free-t3", "free-t4"])]


def test_if_not_binds_to_the_last_measurement_before_it_not_a_condition():
    text = "TSH > ULN or hypothyroidism; if not, FT3 and FT4 are normal"
    found = _bound(text)
    assert [(c.concept, [u.concept for u in c.unless]) for c in found] == \
        [("tsh", ["free-t3", "free-t4"]), ("hypothyroidism", [])]


def _shape(c: Constraint):
    return (c.kind, c.concept, c.text, c.start, c.end,
            [(p.concept, p.text, p.start, p.end, p.status) for p in c.parts])


HBV = ("all-of", None, "HBsAg positive and HBV DNA ≥ 10^4 copies/ml", 0, 43,
       [("hepatitis-b", "HBsAg positive", 0, 14, "computable"),
        ("hbv-dna", "HBV DNA ≥ 10^4 copies/ml", 19, 43, "computable")])


@pytest.mark.parametrize(("text", "expected"), [
    # "or" after the second part: the first two are joined, the alternative stands alone
    ("HBsAg positive and HBV DNA ≥ 10^4 copies/ml or HCV RNA positive",
     [HBV, ("condition", "hepatitis-c", "HCV RNA positive", 47, 63, [])]),
    # an unread part ends at the "or"; what follows it is read on its own
    ("HCV RNA positive and active liver disease or cirrhosis",
     [("all-of", None, "HCV RNA positive and active liver disease", 0, 41,
       [("hepatitis-c", "HCV RNA positive", 0, 16, "computable"),
        (None, "active liver disease", 21, 41, "not-computable")]),
      ("condition", "liver-cirrhosis", "cirrhosis", 45, 54, [])]),
    # a bracket or full stop around the unread part is not part of it
    ("HCV RNA positive and (abnormal hepatic function).",
     [("all-of", None, "HCV RNA positive and (abnormal hepatic function", 0, 47,
       [("hepatitis-c", "HCV RNA positive", 0, 16, "computable"),
        (None, "abnormal hepatic function", 22, 47, "not-computable")])]),
    # a comma before "and" still joins; a semicolon ends the clause
    ("HBsAg positive, and HBV DNA ≥ 10^4 copies/ml",
     [("all-of", None, "HBsAg positive, and HBV DNA ≥ 10^4 copies/ml", 0, 44,
       [("hepatitis-b", "HBsAg positive", 0, 14, "computable"),
        ("hbv-dna", "HBV DNA ≥ 10^4 copies/ml", 20, 44, "computable")])]),
    ("HCV RNA positive; and abnormal hepatic function",
     [("condition", "hepatitis-c", "HCV RNA positive", 0, 16, [])]),
    # "and" inside brackets is an aside, not a conjunction
    ("HBsAg positive (and HBV DNA ≥ 10^4 copies/ml)",
     [("condition", "hepatitis-b", "HBsAg positive", 0, 14, []),
      ("measurement", "hbv-dna", "HBV DNA ≥ 10^4 copies/ml", 20, 44, [])]),
    # one clause after another, each joined on its own
    ("HBsAg positive and HBV DNA ≥ 10^4 copies/ml; HCV RNA positive and abnormal hepatic "
     "function",
     [HBV, ("all-of", None, "HCV RNA positive and abnormal hepatic function", 45, 91,
            [("hepatitis-c", "HCV RNA positive", 45, 61, "computable"),
             (None, "abnormal hepatic function", 66, 91, "not-computable")])]),
    # only brackets, stops, commas and spaces are taken off the unread part, not its letters
    ("HCV RNA positive and X-ray signs of pneumonitis",
     [("all-of", None, "HCV RNA positive and X-ray signs of pneumonitis", 0, 47,
       [("hepatitis-c", "HCV RNA positive", 0, 16, "computable"),
        (None, "X-ray signs of pneumonitis", 21, 47, "not-computable")])]),
    # two words are a part to keep, "AND" as well as "and"
    ("HCV RNA positive AND renal impairment",
     [("all-of", None, "HCV RNA positive AND renal impairment", 0, 37,
       [("hepatitis-c", "HCV RNA positive", 0, 16, "computable"),
        (None, "renal impairment", 21, 37, "not-computable")])]),
    # a one-word remainder is no part to keep
    ("HCV RNA positive and smokers",
     [("condition", "hepatitis-c", "HCV RNA positive", 0, 16, [])]),
])
def test_conjunctions_in_exclusions(text, expected):
    assert [_shape(c) for c in _bound(text, conditions_first=True)] == expected


def test_an_inclusion_requires_each_part_of_a_conjunction_on_its_own():
    text = "Serum creatinine > 1.5 mg/dL and creatinine clearance < 60 ml/min"
    assert [(c.kind, c.concept, c.effect) for c in _bound(text, "inclusion")] == [
        ("measurement", "creatinine", "require"),
        ("measurement", "creatinine-clearance", "require")]
