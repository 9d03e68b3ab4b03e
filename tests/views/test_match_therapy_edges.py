"""kg.views.match.therapy at the unit: prior therapy by drug, class or flag in a window, the
prednisone-equivalent dose of systemic glucocorticoids, and the interval from the end of
radiotherapy to recurrence, against SYNTHETIC patients built in code."""

from __future__ import annotations

import pytest

from kg.model import PatientCondition, PatientMedication, PatientProcedure, TimeWindow
from kg.views.match.evaluate import Truth
from kg.views.match.therapy import medication_truth, therapy_truth
from tests.support.match import checker, constraint, patient, within


@pytest.fixture(scope="module")
def _units_ready():
    """The UCUM registry (0.5-1 s to build), built as a module fixture of the tests that
    convert units, so the costs record (mutation/costs.py) charges it to those tests alone;
    autouse, it was paid by every mutant whose tests include this file."""
    from kg.views.match.units import default_converter

    default_converter().convert(1.0, "g", "mg")


def drug(text, source="MedicationStatement/m", **fields):
    return PatientMedication(source, text=text, **fields)


def therapy(c, *meds):
    return therapy_truth(checker(patient(medications=list(meds))), c)


PD1 = constraint("therapy", "exclude", concept="anti-pd-1", label="anti-PD-1 antibody",
                 drug_classes=["anti-pd-1"], window=within(4, "wk"))


def test_prior_therapy_by_class_or_drug_within_the_window():
    recent = therapy(PD1, drug("pembrolizumab", "m/p", start="2026-11-20"))
    assert recent == Truth(True, "anti-PD-1 antibody within 4 weeks: pembrolizumab (m/p)")
    # 4 weeks before 2026-12-01 is 2026-11-03: a course ending that day is inside
    assert therapy(PD1, drug("pembrolizumab", start="2026-01-01", end="2026-11-03")).value
    old = therapy(PD1, drug("pembrolizumab", "m/p", start="2026-01-01", end="2026-11-02"))
    assert old == Truth(False, "anti-PD-1 antibody only before the last 4 weeks: "
                               "pembrolizumab (m/p)")
    by_drug = constraint("therapy", "exclude", drugs=["capecitabine"], window=within(4, "wk"))
    assert therapy(by_drug, drug("capecitabine", "m/c", end="2026-11-30")) == \
        Truth(True, "therapy within 4 weeks: capecitabine (m/c)")
    assert therapy(by_drug, drug("pembrolizumab", end="2026-11-30")) == \
        Truth(None, "no record of therapy")
    assert therapy(PD1, drug("capecitabine", end="2026-11-30")).value is None


def test_a_course_starting_after_the_as_of_date_is_not_prior_therapy():
    later = therapy(PD1, drug("pembrolizumab", "m/p", start="2026-12-02"))
    assert later.value is False
    assert therapy(PD1, drug("pembrolizumab", start="2026-12-01")).value is True


def test_undated_courses_are_unknown_unless_a_dated_one_decides():
    undated = therapy(PD1, drug("pembrolizumab", "m/u"), drug("nivolumab", "m/u2"))
    assert undated == Truth(None, "anti-PD-1 antibody: pembrolizumab (m/u) has no dates")
    mixed = therapy(PD1, drug("pembrolizumab", "m/u"),
                    drug("nivolumab", "m/n", start="2026-11-25"))
    assert mixed == Truth(True, "anti-PD-1 antibody within 4 weeks: nivolumab (m/n)")
    old = therapy(PD1, drug("nivolumab", "m/n", end="2020-01-01"), drug("pembrolizumab"))
    assert old.value is None
    two_old = therapy(PD1, drug("nivolumab", "m/n", end="2020-01-01"),
                      drug("pembrolizumab", "m/p", end="2021-01-01"))
    assert two_old == Truth(False, "anti-PD-1 antibody only before the last 4 weeks: "
                                   "nivolumab (m/n)")


def test_ever_received_without_a_window_or_with_another_relation():
    ever = constraint("therapy", "exclude", concept="anti-pd-1", drug_classes=["anti-pd-1"])
    assert therapy(ever, drug("toripalimab", "m/t", end="2010-01-01"),
                   drug("nivolumab", "m/n")) == Truth(True, "anti-pd-1: toripalimab (m/t)")
    at_least = constraint("therapy", "exclude", label="PD-1", drug_classes=["anti-pd-1"],
                          window=TimeWindow("at-least", 4, "wk"))
    assert therapy(at_least, drug("toripalimab", end="2026-11-30")).value is True


def test_therapy_by_flag_when_no_drug_or_class_is_named():
    live = constraint("therapy", "exclude", concept="live-vaccine", label="live vaccine",
                      window=within(30, "d"))
    assert therapy(live, drug("MMR vaccine", "m/v", start="2026-11-15")) == \
        Truth(True, "live vaccine within 30 days: MMR vaccine (m/v)")
    assert therapy(live, drug("influenza vaccine (inactivated)", start="2026-11-15")) == \
        Truth(None, "no record of live vaccine")
    unnamed = constraint("therapy", "exclude", concept="investigational-agent")
    assert therapy(unnamed, drug(None, "m/x")) == Truth(None, "no record of "
                                                              "investigational-agent")
    assert therapy(constraint("therapy"), drug("placebo")) == Truth(None, "no record of therapy")


def test_a_medication_without_text_is_named_by_its_source():
    assert therapy(constraint("therapy", drugs=["cisplatin"]),
                   PatientMedication("m/coded", codings=[_rx("2555")])) == \
        Truth(True, "therapy: m/coded (m/coded)")


def _rx(code):
    from kg.model import Coding

    return Coding("rxnorm", code)


STEROIDS = constraint("medication", "exclude", concept="glucocorticoid", comparator=">",
                      value=10, unit="mg/d", window=within(14, "d"))


def steroid(c, *meds):
    return medication_truth(checker(patient(medications=list(meds))), c)


def pred(dose, per_day=1, route="oral", unit="mg", text="prednisone", source="m/p", **kw):
    return drug(text, source, dose=dose, dose_unit=unit, per_day=per_day, route=route, **kw)


@pytest.mark.usefixtures("_units_ready")
def test_prednisone_equivalent_daily_dose():
    high = steroid(STEROIDS, pred(5.5, 2, start="2026-11-25"))
    assert high == Truth(True, "prednisone (m/p) 5.5 mg x 2/day = 11 mg/day "
                               "prednisone-equivalent; threshold > 10 mg/day")
    at_limit = steroid(STEROIDS, pred(10))
    assert at_limit == Truth(False, "systemic glucocorticoid doses within the limit or only "
                                    "topical use")
    dex = steroid(STEROIDS, pred(1.6, text="dexamethasone", route="IV"))
    assert dex.value is True and "= 10.7 mg/day" in dex.detail
    grams = steroid(STEROIDS, pred(0.02, unit="g"))
    assert grams.value is True and "0.02 g x 1/day = 20 mg/day" in grams.detail
    no_unit = steroid(STEROIDS, pred(11, unit=None))
    assert no_unit.value is True and "11 mg x 1/day" in no_unit.detail


def test_any_systemic_course_over_the_limit_decides():
    both = steroid(STEROIDS, pred(5, source="m/low"), pred(40, route="topical", source="m/t"),
                   pred(12, source="m/high"))
    assert both.value is True and "(m/high)" in both.detail


@pytest.mark.usefixtures("_units_ready")
def test_every_course_is_looked_at_past_unknown_and_topical_ones():
    for first in (pred(None, source="m/a"), pred(5, unit="tablets", source="m/a"),
                  pred(50, route="topical", source="m/a")):
        after = steroid(STEROIDS, first, pred(20, source="m/b"))
        assert after.value is True and "(m/b)" in after.detail


def test_steroid_window_and_dates():
    assert steroid(STEROIDS, pred(20, end="2026-11-17")).value is True  # 14 days before
    assert steroid(STEROIDS, pred(20, end="2026-11-16")) == \
        Truth(None, "no record of systemic glucocorticoids")
    assert steroid(STEROIDS, pred(20, start="2026-12-02")).value is None
    assert steroid(STEROIDS, pred(20, start="2026-12-01")).value is True
    now = constraint("medication", "exclude", comparator=">", value=10)  # current use only
    assert steroid(now, pred(20, end="2026-12-01")).value is True
    assert steroid(now, pred(20, end="2026-11-30")).value is None
    assert steroid(STEROIDS, drug("pembrolizumab", dose=200, per_day=1, route="iv")).value \
        is None


@pytest.mark.usefixtures("_units_ready")
def test_unknown_doses_routes_and_units():
    unknown = steroid(STEROIDS, pred(None, source="m/a"), pred(5, per_day=None, source="m/b"),
                      pred(5, route=None, source="m/c"), pred(5, unit="tablets", source="m/d"),
                      pred(5, source="m/e"))
    assert unknown.value is None
    assert unknown.detail.split("; ") == [
        "prednisone (m/a): dose, frequency or route not recorded",
        "prednisone (m/b): dose, frequency or route not recorded",
        "prednisone (m/c): dose, frequency or route not recorded",
        "prednisone (m/d): 'tablets' is not a UCUM unit ucumvert can read"]
    topical = steroid(STEROIDS, pred(None, route="topical"), pred(100, route="inhaled"))
    assert topical.value is False
    assert steroid(STEROIDS, pred(5, unit="mL")).detail == \
        "prednisone (m/p): mL does not convert to mg: Cannot convert from 'milliliter' " \
        "([length] ** 3) to 'milligram' ([mass])"


def test_radiotherapy_to_recurrence_interval():
    c = constraint("therapy", concept="radiotherapy-to-recurrence",
                   window=TimeWindow("at-least", 6, "mo"))

    def interval(rt_end=None, recurrence=None):
        p = patient(procedures=[PatientProcedure("p/rt", text="radiotherapy", end=rt_end)]
                    if rt_end else [],
                    conditions=[PatientCondition("c/r", text="recurrence", onset=recurrence)]
                    if recurrence else [])
        return therapy_truth(checker(p), c)

    assert interval("2024-01-01", "2024-07-02") == Truth(
        True, "recurrence 2024-07-02 is 6.0 months after the end of radiotherapy 2024-01-01; "
              "needs at least 6")
    assert interval("2024-01-01", "2024-07-01").value is False  # 182 days < 182.625
    assert interval(recurrence="2024-07-02") == Truth(None, "no end of radiotherapy on the "
                                                            "record")
    assert interval("2024-01-01") == Truth(None, "no recurrence or metastasis date on the "
                                                 "record")
    assert interval() == Truth(None, "no end of radiotherapy on the record")
    in_days = constraint("therapy", concept="radiotherapy-to-recurrence",
                         window=TimeWindow("at-least", 61, "d"))
    p = patient(procedures=[PatientProcedure("p/rt", text="radiotherapy", end="2024-01-01")],
                conditions=[PatientCondition("c/r", text="metastasis", onset="2024-03-02")])
    exact = therapy_truth(checker(p), in_days)  # 61 days: exactly the interval needed
    assert exact.value is True and exact.detail.endswith("needs at least 2.00411")
