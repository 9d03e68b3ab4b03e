"""Conditions a criterion requires or excludes (kg.extract.constraints.conditions) in
synthetic criterion phrasings: exceptions, the malignancy cue, negated inclusions, premises,
the disease under study and the negative pregnancy test."""

from __future__ import annotations

import pytest

from kg.extract.constraints import conditions
from kg.extract.constraints.concepts import default_concepts
from kg.extract.constraints.context import Context
from kg.model import Constraint, TimeWindow
from kg.vocab import default_vocabulary

NEGATIVE_TEST = ("read as requiring a negative pregnancy test (value 0 = negative); "
                 "contraception is a commitment checked at enrolment, not a fact of the "
                 "patient's record")
HCG_CODES = ["2106-3", "2112-1", "80384-1"]


def _find(text: str, kind: str = "exclusion") -> list[Constraint]:
    return conditions.find(text, Context(kind, default_concepts(), default_vocabulary()))


def _condition(text, start, concept, label, codes, effect="exclude", **more) -> Constraint:
    return Constraint(key="", kind="condition", effect=effect, text=text, start=start,
                      end=start + len(text), concept=concept, label=label, codes=codes, **more)


def test_other_malignancy_with_its_exceptions_and_window():
    text = ("Other malignancy within 5 years, excluding cured non-melanoma skin cancer, "
            "carcinoma in situ of cervix or papillary thyroid carcinoma")
    assert _find(text) == [_condition(
        "malignancy", 6, "malignancy", "malignant neoplasm", ["D009369"],
        exceptions=["nonmelanoma-skin-cancer", "cervical-carcinoma-in-situ",
                    "papillary-thyroid-cancer"],
        window=TimeWindow("within", 5.0, "a", "inclusion"))]


@pytest.mark.parametrize("text", ["Malignancy", "Hypertension", "If tuberculosis, treat it"])
def test_no_condition_without_a_cue_as_context_or_in_a_premise(text):
    assert _find(text) == []


def test_a_premise_is_only_its_own_sentence():
    assert _find("Tuberculosis. If HIV infection, treat it") == \
        [_condition("Tuberculosis", 0, "tuberculosis", "tuberculosis", ["D014376"])]


def test_pregnancy_and_breastfeeding_apply_to_women():
    assert _find("Pregnant or breastfeeding women") == [
        _condition("Pregnant", 0, "pregnancy", "pregnancy", ["D011247"], applies_to="female"),
        _condition("breastfeeding", 12, "breastfeeding", "breastfeeding", ["D001942"],
                   applies_to="female")]


def test_a_negated_condition_in_an_inclusion_excludes():
    assert _find("No history of tuberculosis", "inclusion") == \
        [_condition("tuberculosis", 14, "tuberculosis", "tuberculosis", ["D014376"])]
    assert _find("Tuberculosis", "inclusion") == []


def test_the_negation_is_read_in_the_conditions_clause_only():
    assert _find("Patients with HIV infection; no tuberculosis", "inclusion") == [
        _condition("tuberculosis", 32, "tuberculosis", "tuberculosis", ["D014376"]),
        _condition("HIV infection", 14, "hiv-infections", "HIV Infections", ["D015658"],
                   effect="require")]


def test_the_disease_under_study_is_required():
    assert _find("Histologically confirmed nasopharyngeal carcinoma", "inclusion") == [
        _condition("nasopharyngeal carcinoma", 25, "nasopharyngeal-carcinoma",
                   "Nasopharyngeal Carcinoma", ["D000077274"], effect="require")]
    # a disease in the proviso of a lab threshold is not a diagnosis
    assert _find("ALT ≤ 5 × ULN for patients with liver metastases, histologically confirmed",
                 "inclusion") == []
    # ... also where the criterion's text starts with the threshold
    assert _find("≤ 5 × ULN for patients with liver metastases, histologically confirmed",
                 "inclusion") == []
    assert _find("≤ 3 g/dL, histologically confirmed nasopharyngeal carcinoma",
                 "inclusion") == []
    assert _find("Histologically confirmed nasopharyngeal carcinoma") == []  # exclusion


NPC = ("nasopharyngeal-carcinoma", "Nasopharyngeal Carcinoma", ["D000077274"])


@pytest.mark.parametrize(("text", "expected"), [
    ("Patients with nasopharyngeal carcinoma", [("nasopharyngeal carcinoma", 14, *NPC)]),
    ("Cytologically proven NPC", [("NPC", 21, *NPC)]),
    # only the first disease named: the one under study
    ("Histologically confirmed head and neck squamous cell carcinoma or nasopharyngeal "
     "carcinoma", [("head and neck squamous cell carcinoma", 25, "D000077195",
                    "Squamous Cell Carcinoma of Head and Neck", ["D000077195"])]),
    # a lab threshold in an earlier clause is not this disease's proviso
    ("ALT < 3 x ULN; histologically confirmed nasopharyngeal carcinoma",
     [("nasopharyngeal carcinoma", 40, *NPC)]),
    ("Nasopharyngeal carcinoma", []),  # no diagnosis cue
    ("Patients with no nasopharyngeal carcinoma", []),  # negated
    # a negated, a conditional or a proviso disease is passed over for the next one
    ("Patients with no melanoma; histologically confirmed nasopharyngeal carcinoma",
     [("nasopharyngeal carcinoma", 52, *NPC)]),
    ("In case of melanoma; histologically confirmed nasopharyngeal carcinoma",
     [("nasopharyngeal carcinoma", 46, *NPC)]),
    ("If histologically confirmed nasopharyngeal carcinoma", []),
    # what follows the disease is no proviso of it
    ("Histologically confirmed nasopharyngeal carcinoma, in case of recurrence",
     [("nasopharyngeal carcinoma", 25, *NPC)]),
    ("Histologically confirmed nasopharyngeal carcinoma, ALT ≤ 3 × ULN",
     [("nasopharyngeal carcinoma", 25, *NPC)]),
    ("Histologically confirmed carcinoma", []),  # a generic heading, not a disease to match
    ("Histologically confirmed; in case of nasopharyngeal carcinoma, stage IV", []),
    ("Documented disease, if nasopharyngeal carcinoma", []),
    ("ALT < 3 x ULN, histologically confirmed nasopharyngeal carcinoma", []),
    ("Hb >= 9 g/dL, patients with nasopharyngeal carcinoma", []),
    # an age or a time is no lab threshold: the disease after it is the diagnosis
    ("Age ≥ 18 years, histologically confirmed nasopharyngeal carcinoma",
     [("nasopharyngeal carcinoma", 41, *NPC)]),
    ("Aged >= 18 yrs, histologically confirmed nasopharyngeal carcinoma",
     [("nasopharyngeal carcinoma", 41, *NPC)]),
    ("Radiotherapy ended > 6 months ago, histologically confirmed nasopharyngeal carcinoma",
     [("nasopharyngeal carcinoma", 60, *NPC)]),
    ("Platelets ≥ 100 ×10^9/L, histologically confirmed nasopharyngeal carcinoma", []),
])
def test_a_diagnosis_needs_its_cue_and_is_the_first_disease_named(text, expected):
    assert _find(text, "inclusion") == [
        _condition(quote, start, concept, label, codes, effect="require")
        for quote, start, concept, label, codes in expected]


def _test(text, start, applies_to, window=None) -> Constraint:
    return Constraint(key="", kind="measurement", effect="require", text=text, start=start,
                      end=start + len(text), status="assumed", assumptions=[NEGATIVE_TEST],
                      concept="pregnancy-test", label="pregnancy test (hCG)", codes=HCG_CODES,
                      comparator="==", value=0.0, window=window, applies_to=applies_to)


def test_a_negative_pregnancy_test_for_women_of_childbearing_potential():
    text = ("Women of childbearing potential must have a negative serum pregnancy test "
            "within 7 days")
    assert _find(text, "inclusion") == [
        _test("negative serum pregnancy test", 44, "childbearing-potential",
              TimeWindow("within", 7.0, "d", "inclusion"))]


def test_a_pregnancy_test_read_negative_applies_to_women():
    assert _find("Female patients: pregnancy test negative", "inclusion") == \
        [_test("pregnancy test negative", 17, "female")]
    # in an exclusion it is no test to require
    assert [c.kind for c in _find("negative pregnancy test")] == ["condition"]


def _tb_at(start: int, **more) -> Constraint:
    return _condition("tuberculosis", start, "tuberculosis", "tuberculosis", ["D014376"],
                      **more)


@pytest.mark.parametrize("text", [
    "No fever. No cough. Tuberculosis",  # the negation of an earlier sentence
    "No fever; no cough; tuberculosis",
    "No fever, no cough, tuberculosis",
])
def test_an_inclusion_reads_the_negation_of_the_conditions_own_clause(text):
    assert _find(text, "inclusion") == []


@pytest.mark.parametrize("text", ["No tuberculosis. Fever", "No tuberculosis; fever",
                                  "No tuberculosis, fever"])
def test_a_clause_after_the_condition_does_not_hide_its_negation(text):
    assert _find(text, "inclusion") == [_tb_at(3)]


def test_premises_are_read_sentence_by_sentence():
    assert _find("If tuberculosis occurs. Fever") == []
    assert [c.concept for c in _find("Fever. If tuberculosis occurs. HIV infection")] == \
        ["hiv-infection"]
    # a comma before the name ends the premise
    assert _find("If fever, tuberculosis") == [_tb_at(10)]


@pytest.mark.parametrize("text, start", [
    ("Hypertension or tuberculosis", 16),  # context only
    ("Malignancy or tuberculosis", 14),  # no cue
    ("Tuberculosis or tuberculosis", 0),  # named twice: once
])
def test_a_name_left_out_does_not_stop_the_next_one(text, start):
    assert [(c.concept, c.start) for c in _find(text)] == [("tuberculosis", start)]


def test_exceptions_are_named_after_the_cut_and_are_not_malignancy():
    assert _find("Hypertension or tuberculosis, except lymphoma") == \
        [_tb_at(16, exceptions=[])]


def test_the_window_is_the_conditions_sentences():
    year = TimeWindow("within", 1.0, "a", "inclusion")
    assert _find("Tuberculosis within 1 year. Fever") == [_condition(
        "Tuberculosis", 0, "tuberculosis", "tuberculosis", ["D014376"], window=year)]
    (test,) = _find("Negative pregnancy test within 7 days. Fever", "inclusion")
    assert test.window == TimeWindow("within", 7.0, "d", "inclusion")
