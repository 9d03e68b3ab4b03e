"""Laboratory thresholds and vital signs (kg.extract.constraints.labs) in synthetic
criterion phrasings: dipstick grades, 24-hour amounts, unitless thresholds, blood pressure
under a history of hypertension, and the analytes one threshold applies to."""

from __future__ import annotations

import pytest

from kg.extract.constraints import labs
from kg.extract.constraints.concepts import default_concepts
from kg.extract.constraints.context import Context
from kg.model import Constraint
from kg.vocab import default_vocabulary

PRESSURE_ALONE = ("the pressure threshold is applied on its own; the history of hypertension "
                  "and its treatment are not checked")


def _find(text: str):
    return labs.find(text, Context("exclusion", default_concepts(), default_vocabulary()))


def _read(text: str):
    return [(c.concept, c.text, c.comparator, c.value, c.unit, c.limit, c.status,
             c.assumptions) for c in _find(text)]


def test_a_dipstick_grade_is_kept_but_not_computable():
    assert _find("Urine protein ≥ ++") == [Constraint(
        key="", kind="measurement", effect="exclude", text="Urine protein ≥ ++", start=0,
        end=18, status="not-computable",
        reason="urine protein (test strip) is given as a dipstick grade (++); ordinal grades "
               "are not compared with patients' results",
        concept="urine-protein-dipstick", label="urine protein (test strip)",
        codes=["20454-5"], comparator=">=", value=2.0)]


@pytest.mark.parametrize("text, cmp_, value, unit", [
    ("24-hour urine protein ≥ 1 g", ">=", 1.0, "g"),
    ("24h urine protein > 500 mg", ">", 500.0, "mg"),
])
def test_a_24_hour_amount_is_read_per_24_hours(text, cmp_, value, unit):
    assert _read(text) == [("urine-protein-24h", text, cmp_, value, f"{unit}/(24.h)", None,
                            "assumed", [f"'{value:g} {unit}' read as per 24 hours"])]


def test_other_amounts_keep_their_unit():
    assert _read("Hemoglobin ≥ 9 g") == \
        [("hemoglobin", "Hemoglobin ≥ 9 g", ">=", 9.0, "g", None, "computable", [])]


def test_a_threshold_without_a_unit_is_read_in_the_analytes_unit():
    assert _read("Platelets ≥ 100") == \
        [("platelets", "Platelets ≥ 100", ">=", 100.0, "10*9/L", None, "assumed",
          ["no unit written; read in 10*9/L"])]
    # a ratio has no unit to assume
    assert _read("INR ≤ 1.5") == [("inr", "INR ≤ 1.5", "<=", 1.5, None, None, "computable", [])]


@pytest.mark.parametrize("text, concept, value", [
    ("Hypertension: systolic blood pressure ≥ 160 mmHg", "systolic-bp", 160.0),
    ("history of hypertension with diastolic blood pressure ≥ 100 mmHg", "diastolic-bp",
     100.0),
])
def test_a_pressure_under_a_history_of_hypertension_says_what_is_not_checked(text, concept,
                                                                              value):
    ((found, _text, cmp_, read, unit, _limit, status, assumptions),) = _read(text)
    assert (found, cmp_, read, unit, status, assumptions) == \
        (concept, ">=", value, "mm[Hg]", "assumed", [PRESSURE_ALONE])


def test_only_pressures_carry_the_hypertension_assumption():
    assert _read("Hypertension, or creatinine > 2 mg/dL") == \
        [("creatinine", "creatinine > 2 mg/dL", ">", 2.0, "mg/dL", None, "computable", [])]
    assert _read("systolic blood pressure ≥ 160 mmHg")[0][6:] == ("computable", [])


@pytest.mark.parametrize("text, joined", [
    ("ALT AND AST ≤ 2.5 × ULN", [("alt", "ALT AND AST ≤ 2.5 × ULN"),
                                 ("ast", "AST ≤ 2.5 × ULN")]),
    ("ALT, AST and ALP ≤ 2.5 × ULN", [("alt", "ALT, AST and ALP ≤ 2.5 × ULN"),
                                      ("ast", "AST and ALP ≤ 2.5 × ULN"),
                                      ("alkaline-phosphatase", "ALP ≤ 2.5 × ULN")]),
    # one analyte named twice is one constraint
    ("creatinine clearance (CCr) ≥ 60 ml/min",
     [("creatinine-clearance", "creatinine clearance (CCr) ≥ 60 ml/min")]),
    ("CCr and creatinine clearance ≥ 60 ml/min",
     [("creatinine-clearance", "CCr and creatinine clearance ≥ 60 ml/min")]),
    # a clause break between two names ends the list
    ("ALT and AST; ALP ≤ 2.5 × ULN", [("alkaline-phosphatase", "ALP ≤ 2.5 × ULN")]),
    ("ALT and AST. ALP ≤ 2.5 × ULN", [("alkaline-phosphatase", "ALP ≤ 2.5 × ULN")]),
    ("ALT, if not AST ≤ 2.5 × ULN", [("ast", "AST ≤ 2.5 × ULN")]),
    # each threshold takes the names since the one before
    ("ALT and AST ≤ 2.5 × ULN; creatinine ≤ 1.5 × ULN",
     [("alt", "ALT and AST ≤ 2.5 × ULN"), ("ast", "AST ≤ 2.5 × ULN"),
      ("creatinine", "creatinine ≤ 1.5 × ULN")]),
    ("ALT ≤ 2.5 × ULN, AST", [("alt", "ALT ≤ 2.5 × ULN")]),
    # an analyte not joined to the threshold's is left out
    ("Hemoglobin within normal range and creatinine ≤ 1.5 × ULN",
     [("creatinine", "creatinine ≤ 1.5 × ULN")]),
])
def test_a_threshold_applies_to_the_analytes_joined_to_the_last(text, joined):
    assert [(c.concept, c.text) for c in _find(text)] == joined


def test_the_assumptions_of_the_reading_are_kept():
    assert _read("PLT ≥ 4*109/L") == [
        ("platelets", "PLT ≥ 4*109/L", ">=", 4.0, "10*9/L", None, "assumed",
         ["'*109/L' read as x 10^9: the exponent's superscript was lost in the registry text"])]
    assert _read("Blood platelet (PLT): 100*10^9/L") == [
        ("platelets", "Blood platelet (PLT): 100*10^9/L", ">=", 100.0, "10*9/L", None,
         "assumed", ["no comparator written; read as '>=' (the usual floor for platelets)"])]


def test_the_comparator_is_looked_for_within_60_characters_of_the_name():
    near = "ALT" + " " * 59 + "< 40 U/L"
    assert _read(near) == [("alt", near, "<", 40.0, "U/L", None, "computable", [])]
    assert _read("ALT" + " " * 60 + "< 40 U/L") == []


def test_a_threshold_after_a_colon_is_the_analytes_usual_bound():
    assert _read("ALT: 2.5 × ULN") == [
        ("alt", "ALT: 2.5 × ULN", "<=", 2.5, None, "ULN", "assumed",
         ["no comparator written; read as '<=' (the usual ceiling for alt)"])]
    # a number after a colon needs a unit or a limit to be a threshold
    assert _read("Hemoglobin: 9") == []
    assert _read("Hemoglobin: normal") == []
