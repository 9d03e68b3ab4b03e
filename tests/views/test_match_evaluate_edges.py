"""kg.views.match.evaluate at the unit: the three-valued checks of each constraint kind
against SYNTHETIC patients built in code (tests/support/match.py): comparators and their
boundaries, units, x ULN, reference ranges, coded results, who a constraint applies to,
``unless`` rescues, all-of/any-of, and the memo shared across trials."""

from __future__ import annotations

import pytest

from kg.model import Coding, PatientObservation
from kg.views.match.evaluate import (
    Truth,
    _all,
    _any,
    _compare,
    _fmt,
    _round,
    _uses_trial,
    _window,
    _window_days,
)
from tests.support.match import checker, constraint, patient, within


def obs(analyte, value=None, unit=None, source="Observation/o", date="2026-11-28", **fields):
    return PatientObservation(source, codings=[Coding("trialkg", analyte)], value=value,
                              unit=unit, date=date, **fields)


def measure(c, *observations, **patient_fields):
    return checker(patient(observations=list(observations), **patient_fields)).truth(c)


@pytest.fixture(scope="module")
def _units_ready():
    """The UCUM registry (0.5-1 s to build), built as a module fixture of the tests that
    convert units, so the costs record (mutation/costs.py) charges it to those tests alone;
    autouse, it was paid by every mutant whose tests include this file."""
    from kg.views.match.units import default_converter

    default_converter().convert(1.0, "g/dL", "g/L")


HB = dict(concept="hemoglobin", label="hemoglobin", comparator=">=", value=90, unit="g/L")


# ------------------------------------------------------------------ small functions
@pytest.mark.parametrize("comparator, value, expected", [
    (">=", 90, True), (">=", 89.99, False), (">", 90, False), (">", 90.01, True),
    ("<=", 90, True), ("<=", 90.01, False), ("<", 90, False), ("<", 89.99, True),
    ("==", 90, True), ("==", 90.5, False),
])
def test_compare_at_and_beside_the_threshold(comparator, value, expected):
    t = _compare("x", value, constraint("measurement", comparator=comparator, value=90), " g/L")
    assert (t.value, t.detail) == (expected, f"x; threshold {comparator} 90 g/L")


def test_compare_ranges_and_unchecked_comparators():
    rng = constraint("age", comparator="in-range", value=18, upper=65)
    assert _compare("age 65", 65, rng, "") == Truth(True, "age 65; threshold 18-65")
    assert _compare("age 18", 18, rng, "").value is True
    assert _compare("age 66", 66, rng, "").value is False
    assert _compare("age 17", 17, rng, "").value is False
    open_ended = constraint("age", comparator="in-range", value=18)  # no upper: just 18
    assert _compare("a", 18, open_ended, " a") == Truth(True, "a; threshold 18-18 a")
    assert _compare("a", 19, open_ended, "").value is False
    unchecked = _compare("a", 1, constraint("age", comparator="~", value=1), "")
    assert unchecked == Truth(None, "comparator '~' is not checked", missing=False)
    no_value = _compare("a", 0, constraint("age", comparator=">=", value=None), "")
    assert no_value == Truth(True, "a; threshold >= 0")
    assert _compare("a", -0.5, constraint("age", comparator=">=", value=None), "").value is False


def test_compare_decides_on_twelve_significant_digits():
    # 150000 /mm3 converts to 150.00000000000003 x 10^9/L: still "<= 150"
    assert _round(150.00000000000003) == 150.0
    assert _round(1.23456789012345) == 1.23456789012
    c = constraint("measurement", comparator="<=", value=150)
    assert _compare("x", 150.00000000000003, c, "").value is True
    assert _compare("x", 150.0000001, c, "").value is False
    assert _fmt(1234.5678) == "1235" and _fmt(0.000123456) == "0.0001235"


def test_window_days_and_wording():
    assert _window_days(constraint("therapy", window=within(4, "wk"))) == 28.0
    assert _window_days(constraint("therapy", window=within(2, "d"))) == 2.0
    assert _window_days(constraint("therapy", window=within(6, "mo"))) == 182.625
    assert _window_days(constraint("therapy", window=within(1, "a"))) == 365.25
    assert _window_days(constraint("therapy", window=within(3, "h"))) == 3.0  # unknown: days
    assert _window_days(constraint("therapy")) == 0.0
    assert [_window(constraint("t", window=within(n, u))) for n, u in
            [(7, "d"), (4, "wk"), (6, "mo"), (1.5, "a"), (2, "h")]] == \
        ["7 days", "4 weeks", "6 months", "1.5 years", "2 "]


def t(value, detail, missing=True):
    return Truth(value, detail, missing)


def test_all_of_is_false_on_any_false_and_unknown_on_any_unknown():
    assert _all([t(True, "a"), t(False, "b"), t(False, "c")]) == t(False, "b")
    assert _all([t(True, "a"), t(None, "b", False), t(None, "c")]) == t(None, "b; c", False)
    assert _all([t(None, "b"), t(None, "c")]) == t(None, "b; c", True)
    assert _all([t(None, "b", False)]).missing is False
    assert _all([t(True, "a"), t(True, "b")]) == t(True, "a and b")
    assert _all([]) == t(True, "")


def test_any_of_is_true_on_any_true_and_unknown_on_any_unknown():
    assert _any([t(False, "a"), t(True, "b"), t(True, "c")]) == t(True, "b")
    assert _any([t(False, "a"), t(None, "b", False), t(None, "c")]) == t(None, "b; c", False)
    assert _any([t(None, "b"), t(None, "c")]) == t(None, "b; c", True)
    assert _any([t(None, "b", False)]).missing is False
    assert _any([t(False, "a"), t(False, "b")]) == t(False, "a and b")
    assert _any([]) == t(False, "")


def test_a_constraint_uses_the_trial_when_it_or_a_part_or_alternative_is_other_malignancy():
    mal = constraint("condition", concept="malignancy")
    assert _uses_trial(mal) is True
    assert _uses_trial(constraint("condition", concept="hiv-infection")) is False
    assert _uses_trial(constraint("any-of", parts=[constraint("age"), mal])) is True
    assert _uses_trial(constraint("age", unless=[mal])) is True
    assert _uses_trial(constraint("any-of", parts=[constraint("age")])) is False


# ------------------------------------------------------------------ kinds
def test_sex_constraint_against_the_record():
    female = constraint("sex", concept="female")
    assert measure(female, sex="female") == Truth(True, "sex female; the trial takes female "
                                                        "patients")
    assert measure(female, sex="male") == Truth(False, "sex male; the trial takes female "
                                                       "patients")
    assert measure(constraint("sex", concept="male"), sex="male").value is True
    for sex in (None, "other", "unknown"):
        assert measure(female, sex=sex) == Truth(None, "sex not recorded")


def test_age_on_the_as_of_date():
    c = constraint("age", comparator="in-range", value=18, upper=65, unit="a")
    assert measure(c) == Truth(None, "no birth date")
    assert measure(c, birth_date="1961-12-01") == Truth(True, "age 65; threshold 18-65")
    assert measure(c, birth_date="1961-11-30").detail == "age 65; threshold 18-65"
    assert measure(c, birth_date="1960-12-01") == Truth(False, "age 66; threshold 18-65")
    assert measure(c, birth_date="1960-12-02").value is True  # 66 tomorrow


def test_performance_status_reads_the_scale_asked_for():
    ecog = constraint("performance-status", scale="ECOG", label="ECOG performance status",
                      comparator="in-range", value=0, upper=1)
    scored = measure(ecog, obs("ecog", None, source="Observation/none"),
                     obs("ecog", 1, source="Observation/e", date="2026-11-20"))
    assert scored == Truth(True, "ECOG 1 (Observation/e); threshold 0-1")
    assert measure(ecog, obs("ecog", 2)).value is False
    assert measure(ecog, obs("karnofsky", 90)) == Truth(None, "no ECOG performance status "
                                                              "result")
    kps = constraint("performance-status", scale="karnofsky", comparator=">=", value=70)
    assert measure(kps, obs("karnofsky", 70, source="Observation/k")) == \
        Truth(True, "karnofsky 70 (Observation/k); threshold >= 70")
    assert measure(kps, obs("ecog", 0)) == Truth(None, "no karnofsky result")
    unnamed = constraint("performance-status", comparator="<=", value=1)
    assert measure(unnamed) == Truth(None, "no ecog result")
    assert measure(unnamed, obs("ecog", 1.0, source="Observation/e")).detail == \
        "ecog 1 (Observation/e); threshold <= 1"


@pytest.mark.usefixtures("_units_ready")
def test_measurement_in_its_unit_and_converted():
    hb = constraint("measurement", **HB)
    assert measure(hb, obs("hemoglobin", 90, "g/L", source="Observation/hb")) == \
        Truth(True, "hemoglobin 90 g/L (Observation/hb); threshold >= 90 g/L")
    assert measure(hb, obs("hemoglobin", 8.9, "g/dL", source="Observation/hb")) == \
        Truth(False, "hemoglobin 8.9 g/dL (Observation/hb) = 89 g/L; threshold >= 90 g/L")
    no_unit = measure(hb, obs("hemoglobin", 95, source="Observation/hb"))
    assert no_unit == Truth(None, "hemoglobin 95 (Observation/hb) has no unit; the threshold "
                                  "is in g/L")
    bad = measure(hb, obs("hemoglobin", 9, "gm/dL"))
    assert bad.value is None and "'gm/dL' is not a UCUM unit ucumvert can read" in bad.detail
    assert bad.detail.startswith("hemoglobin 9 gm/dL (Observation/o): ")
    unitless = constraint("measurement", concept="inr", label="INR", comparator="<=", value=1.5)
    assert measure(unitless, obs("inr", 1.5, source="Observation/i")) == \
        Truth(True, "INR 1.5 (Observation/i); threshold <= 1.5")


@pytest.mark.usefixtures("_units_ready")
def test_measurement_mass_to_substance_uses_the_analytes_molar_mass():
    bili = constraint("measurement", concept="bilirubin-total", label="bilirubin",
                      comparator="<=", value=30, unit="umol/L")
    t_ = measure(bili, obs("bilirubin-total", 1.7, "mg/dL", source="Observation/b"))
    # 1.7 mg/dL / 584.66 g/mol = 29.08 umol/L
    assert t_ == Truth(True, "bilirubin 1.7 mg/dL (Observation/b) = 29.08 umol/L; threshold "
                             "<= 30 umol/L")


def test_measurement_takes_the_newest_result():
    hb = constraint("measurement", **HB)
    t_ = measure(hb, obs("hemoglobin", 80, "g/L", source="Observation/old", date="2026-10-01"),
                 obs("hemoglobin", 100, "g/L", source="Observation/new", date="2026-11-01"))
    assert t_.value is True and "Observation/new" in t_.detail


def test_measurement_missing_results_name_the_unknown_codes():
    hb = constraint("measurement", **HB)
    assert measure(hb) == Truth(None, "no hemoglobin result")
    unknown = PatientObservation("Observation/u", codings=[Coding("loinc", "99999-9")],
                                 value=1, unit="g/L")
    assert measure(hb, unknown, unknown) == Truth(
        None, "no hemoglobin result; 2 observation(s) with codes the matcher does not know")
    unnamed = constraint("measurement", comparator=">=", value=1)
    assert measure(unnamed) == Truth(None, "no result result")
    by_key = constraint("measurement", concept="hemoglobin", comparator=">=", value=1)
    assert measure(by_key) == Truth(None, "no hemoglobin result")
    no_value = measure(hb, obs("hemoglobin", None, source="Observation/hb"))
    assert no_value == Truth(None, "hemoglobin (Observation/hb) has no numeric value")


def test_measurement_within_a_window():
    hcg = constraint("measurement", concept="pregnancy-test", label="hCG", comparator="==",
                     value=0, window=within(7, "d"))
    # 7 days before 2026-12-01 is 2026-11-24: that day counts, the day before does not
    assert measure(hcg, obs("pregnancy-test", result="negative", date="2026-11-24")).value
    stale = measure(hcg, obs("pregnancy-test", result="negative", date="2026-11-23"))
    assert stale == Truth(None, "no hCG result within 7 days before 2026-12-01 (latest "
                                "2026-11-23)")
    undated = measure(hcg, obs("pregnancy-test", result="negative", date=None))
    assert undated == Truth(None, "no hCG result within 7 days before 2026-12-01 (latest "
                                  "undated)")
    assert measure(hcg) == Truth(None, "no hCG result")
    mixed = measure(hcg, obs("pregnancy-test", result="positive", date="2026-11-01"),
                    obs("pregnancy-test", result="negative", date="2026-11-30",
                        source="Observation/new"))
    assert mixed.value is True and "Observation/new" in mixed.detail
    at_least = constraint("measurement", concept="pregnancy-test", comparator="==", value=0,
                          window=constraint_window("at-least"))
    assert measure(at_least, obs("pregnancy-test", result="negative", date="2020-01-01")).value


def constraint_window(relation):
    from kg.model import TimeWindow

    return TimeWindow(relation, 7, "d")


@pytest.mark.parametrize("result, value, expected", [
    ("positive", 0, (False, "hCG positive on 2026-11-28 (Observation/o); needs negative")),
    (" NEG ", 0, (True, "hCG negative on 2026-11-28 (Observation/o); needs negative")),
    ("10828004", 1, (True, "hCG positive on 2026-11-28 (Observation/o); needs positive")),
    ("detected", 1, (True, "hCG positive on 2026-11-28 (Observation/o); needs positive")),
    ("not detected", 1, (False, "hCG negative on 2026-11-28 (Observation/o); needs positive")),
    ("2+", 0, (None, "hCG result '2+' (Observation/o) is not read as positive or negative")),
    (None, 0, (None, "hCG result '' (Observation/o) is not read as positive or negative")),
])
def test_coded_results(result, value, expected):
    c = constraint("measurement", concept="pregnancy-test", label="hCG", comparator="==",
                   value=value)
    got = measure(c, obs("pregnancy-test", result=result))
    assert (got.value, got.detail) == expected


def test_coded_result_without_a_date():
    c = constraint("measurement", concept="pregnancy-test", label="hCG", comparator="==",
                   value=0)
    assert measure(c, obs("pregnancy-test", result="neg", date=None)).detail == \
        "hCG negative on an unknown date (Observation/o); needs negative"


ALT = dict(concept="alt", label="ALT", comparator="<=", value=2.5, limit="ULN")


def test_times_uln_from_the_reference_range():
    alt = constraint("measurement", **ALT)
    ok = measure(alt, obs("alt", 100, "U/L", low=7, high=40, source="Observation/alt"))
    assert ok == Truth(True, "ALT 100 U/L (Observation/alt) = 2.5 x ULN (ULN 40); threshold "
                             "<= 2.5 x ULN")
    assert measure(alt, obs("alt", 100.1, "U/L", high=40)).value is False
    none = measure(alt, obs("alt", 100, "U/L", low=7, source="Observation/alt"))
    assert none == Truth(None, "ALT 100 U/L (Observation/alt) has no upper reference limit "
                               "(referenceRange) for a x ULN check")
    zero = measure(alt, obs("alt", 100, "U/L", high=0, source="Observation/alt"))
    assert zero == Truth(None, "ALT 100 U/L (Observation/alt): reference limit 0 is not "
                               "positive")
    small = measure(alt, obs("alt", 2.5, "U/L", high=1))  # a limit of 1 is a limit
    assert small.value is True and "= 2.5 x ULN (ULN 1)" in small.detail
    negative = measure(alt, obs("alt", 100, "U/L", high=-1))
    assert negative.value is None and "reference limit -1 is not positive" in negative.detail
    lln = constraint("measurement", concept="alt", label="ALT", comparator=">=", value=1,
                     limit="LLN")
    assert measure(lln, obs("alt", 7, "U/L", low=7, high=40)).detail.endswith(
        "= 1 x LLN (LLN 7); threshold >= 1 x LLN")
    assert "no lower reference limit" in measure(lln, obs("alt", 7, "U/L", high=40)).detail


@pytest.mark.usefixtures("_units_ready")
def test_reference_range_in_another_unit_is_converted_to_the_results():
    bili = constraint("measurement", concept="bilirubin-total", label="bilirubin",
                      comparator="<=", value=1.5, limit="ULN")
    # ULN 21 umol/L = 1.228 mg/dL; 1.8 mg/dL is 1.47 x ULN
    t_ = measure(bili, obs("bilirubin-total", 1.8, "mg/dL", high=21, high_unit="umol/L",
                           low=3, low_unit="umol/L"))
    assert t_.value is True and "= 1.47 x ULN (ULN 1.228)" in t_.detail
    # a range unit that does not convert leaves no limit
    bad = measure(bili, obs("bilirubin-total", 1.8, "mg/dL", high=21, high_unit="g/s"))
    assert bad.value is None and "has no upper reference limit" in bad.detail
    # the range's own unit is taken as the result's when either is missing
    same = measure(bili, obs("bilirubin-total", 30, "umol/L", high=20, high_unit=None))
    assert same.value is True and "(ULN 20)" in same.detail
    unitless = measure(bili, obs("bilirubin-total", 30, None, high=20, high_unit="umol/L"))
    assert "(ULN 20)" in unitless.detail


def test_normal_is_within_the_reference_range_inclusive():
    ft4 = constraint("measurement", concept="free-t4", label="FT4", comparator="normal")
    inside = measure(ft4, obs("free-t4", 22, "pmol/L", low=12, high=22, source="Observation/f"))
    assert inside == Truth(True, "FT4 22 pmol/L (Observation/f) within its reference range "
                                 "12-22")
    assert measure(ft4, obs("free-t4", 12, "pmol/L", low=12, high=22)).value is True
    outside = measure(ft4, obs("free-t4", 11.9, "pmol/L", low=12, high=22))
    assert outside.value is False and "outside its reference range 12-22" in outside.detail
    assert measure(ft4, obs("free-t4", 22.1, "pmol/L", low=12, high=22)).value is False
    for low, high in ((None, 22), (12, None)):
        half = measure(ft4, obs("free-t4", 15, "pmol/L", low=low, high=high,
                                source="Observation/f"))
        assert half == Truth(None, "FT4 15 pmol/L (Observation/f) has no reference range")


def test_not_computable_unknown_kinds_and_combinations():
    ck = checker(patient(sex="female", birth_date="1970-01-01"))
    nc = constraint("measurement", status="not-computable", reason="needs a dipstick")
    assert ck.truth(nc) == Truth(None, "not computable: needs a dipstick", missing=False)
    nc_text = constraint("measurement", status="not-computable", text="urine protein 2+")
    assert ck.truth(nc_text) == Truth(None, "not computable: urine protein 2+", missing=False)
    assert ck.truth(constraint("tumour-size")) == Truth(None, "no check for tumour-size "
                                                              "constraints", missing=False)
    female = constraint("sex", concept="female")
    male = constraint("sex", concept="male")
    assert ck.truth(constraint("all-of", parts=[female, male])).value is False
    assert ck.truth(constraint("any-of", parts=[female, male])).value is True
    assert ck.truth(constraint("any-of", parts=[male, male])).value is False
    assert ck.truth(constraint("all-of", parts=[female, female])).value is True


# ------------------------------------------------------------------ outcomes
def test_require_fails_on_false_and_exclude_on_true():
    ck = checker(patient(sex="female"))
    assert ck.outcome(constraint("sex", "require", concept="female")).result == "pass"
    failed = ck.outcome(constraint("sex", "require", concept="male"))
    assert (failed.result, failed.detail) == ("fail", "sex female; the trial takes male "
                                                      "patients")
    excluded = ck.outcome(constraint("sex", "exclude", concept="female"))
    assert excluded.result == "fail"
    assert ck.outcome(constraint("sex", "exclude", concept="male")).result == "pass"
    passed = ck.outcome(constraint("sex", "require", concept="female"))
    assert passed.detail == "sex female; the trial takes female patients"


def test_unknown_is_undetermined_and_says_whether_data_is_missing():
    ck = checker(patient())
    missing = ck.outcome(constraint("measurement", **HB))
    assert (missing.result, missing.detail, missing.missing) == (
        "undetermined", "no hemoglobin result", True)
    nc = ck.outcome(constraint("measurement", status="not-computable", reason="r"))
    assert (nc.result, nc.missing) == ("undetermined", False)


def test_who_a_constraint_applies_to():
    preg = constraint("condition", "exclude", concept="pregnancy",
                      applies_to="childbearing-potential")
    men = constraint("condition", "exclude", concept="pregnancy", applies_to="male")
    women = constraint("condition", "exclude", concept="pregnancy", applies_to="female")
    man, woman = checker(patient(sex="male")), checker(patient(sex="female"))
    for ck, c, result in [(man, preg, "not-applicable"), (man, women, "not-applicable"),
                          (man, men, "undetermined"), (woman, men, "not-applicable"),
                          (woman, women, "undetermined"), (woman, preg, "undetermined")]:
        assert ck.outcome(c).result == result, (ck.facts.patient.sex, c.applies_to)
    assert man.outcome(preg).detail == "applies to childbearing-potential patients only"
    infertile = checker(patient(sex="female", childbearing_potential=False))
    assert infertile.outcome(preg).result == "not-applicable"
    assert checker(patient(sex="female", childbearing_potential=True)).outcome(preg).result \
        == "undetermined"
    unknown = checker(patient(sex="unknown")).outcome(women)
    assert (unknown.result, unknown.detail) == (
        "undetermined", "applies to female patients; the patient's sex is not recorded")
    assert checker(patient()).outcome(constraint("sex", concept="male")).result == \
        "undetermined"


def test_unless_alternatives_rescue_only_when_all_hold():
    ck = checker(patient(sex="female", birth_date="1970-01-01"))
    male = constraint("sex", concept="male")
    female = constraint("sex", concept="female")
    adult = constraint("age", comparator=">=", value=18)
    hb = constraint("measurement", **HB)
    rescued = ck.outcome(constraint("sex", concept="male", unless=[female, adult]))
    assert (rescued.result, rescued.detail) == (
        "pass", "sex female; the trial takes male patients; but sex female; the trial takes "
                "female patients and age 56; threshold >= 18")
    failed = ck.outcome(constraint("sex", concept="male", unless=[adult, male]))
    assert (failed.result, failed.detail) == (
        "fail", "sex female; the trial takes male patients; and not sex female; the trial "
                "takes male patients")
    unknown = ck.outcome(constraint("sex", concept="male", unless=[adult, hb]))
    assert (unknown.result, unknown.detail, unknown.missing) == (
        "undetermined", "sex female; the trial takes male patients; the alternative cannot "
                        "be checked: no hemoglobin result", True)
    nc = ck.outcome(constraint("sex", concept="male", unless=[
        constraint("measurement", status="not-computable", reason="r")]))
    assert (nc.result, nc.missing) == ("undetermined", False)
    # a passing constraint never looks at its alternatives
    assert ck.outcome(constraint("sex", concept="female", unless=[male])).result == "pass"


def test_the_memo_checks_each_constraint_once_and_keys_other_malignancy_by_trial():
    from kg.model import PatientCondition

    memo: dict = {}
    p = patient(sex="female", conditions=[PatientCondition("Condition/npc",
                                                           text="nasopharyngeal carcinoma")])
    npc = checker(p, trial_conditions=frozenset({"nasopharyngeal-carcinoma"}), memo=memo)
    other = checker(p, trial_conditions=frozenset({"lung-neoplasms"}), memo=memo)
    female = constraint("sex", concept="male")
    malignancy = constraint("condition", "exclude", concept="malignancy")
    first = npc.outcome(female)
    assert memo[(id(female), None)] == (female, first)
    assert other.outcome(female) is first  # not checked again for another trial
    assert npc.outcome(malignancy).result == "pass"  # its own disease
    assert other.outcome(malignancy).result == "fail"  # another trial: a malignancy
    assert set(memo) == {(id(female), None), (id(malignancy), npc.trial_conditions),
                         (id(malignancy), other.trial_conditions)}
    assert npc.outcome(malignancy).result == "pass"
    plain = checker(p)
    assert plain.memo is None and plain.outcome(female).result == "fail"


def test_a_measurement_of_a_scale_has_no_molar_mass_to_pass():
    kps = obs("karnofsky", 80, "%", source="Observation/k", low=0, high=100)
    at_least = constraint("measurement", concept="karnofsky", comparator=">=", value=70,
                          unit="%")
    assert measure(at_least, kps) == Truth(True, "karnofsky 80 % (Observation/k); threshold "
                                                 ">= 70 %")
    normal = constraint("measurement", concept="karnofsky", comparator="normal")
    assert measure(normal, kps).detail == "karnofsky 80 % (Observation/k) within its " \
        "reference range 0-100"


def test_condition_therapy_and_medication_kinds_are_dispatched():
    from kg.model import PatientCondition, PatientMedication

    ck = checker(patient(
        conditions=[PatientCondition("Condition/hiv", text="HIV infection")],
        medications=[PatientMedication("m/p", text="prednisone", dose=20, dose_unit="mg",
                                       per_day=1, route="oral"),
                     PatientMedication("m/k", text="pembrolizumab")]))
    assert ck.truth(constraint("condition", concept="hiv-infection")) == \
        Truth(True, "hiv-infection: HIV infection (Condition/hiv)")
    assert ck.truth(constraint("therapy", drug_classes=["anti-pd-1"])) == \
        Truth(True, "therapy: pembrolizumab (m/k)")
    assert ck.truth(constraint("medication", comparator=">", value=10)).detail == \
        "prednisone (m/p) 20 mg x 1/day = 20 mg/day prednisone-equivalent; threshold > 10 mg/day"
