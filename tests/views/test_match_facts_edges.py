"""kg.views.match.facts at the unit: a SYNTHETIC patient record (kg.model dataclasses built
in code) indexed for the matcher: dates, the as-of cut, results by code, scale name or text,
conditions by curated name, code and vocabulary, radiotherapy and recurrence dates, and the
flags and glucocorticoid factors of medications."""

from __future__ import annotations

import datetime as dt

import pytest

from kg.extract.constraints.concepts import Code, Concepts, ConditionConcept, default_concepts
from kg.model import (
    Coding,
    PatientCondition,
    PatientMedication,
    PatientObservation,
    PatientProcedure,
)
from kg.views.match.facts import (
    GLUCOCORTICOIDS,
    PatientFacts,
    _coded,
    _medication,
    index_patient,
    parse_day,
    read_result,
)
from kg.vocab import default_vocabulary
from tests.support.match import AS_OF, patient


def facts(**fields) -> PatientFacts:
    return index_patient(patient(**fields), AS_OF, default_concepts(), default_vocabulary())


@pytest.mark.parametrize("text, expected", [
    ("positive", True), (" Pos ", True), ("DETECTED", True), ("reactive", True),
    ("present", True), ("+", True), ("10828004", True), (" 10828004 ", True),
    ("negative", False), ("neg", False), ("not  detected", False), ("non-reactive", False),
    ("nonreactive", False), ("absent", False), ("-", False),
    ("2+", None), ("weakly positive", None), ("", None), (None, None), ("108280040", None),
])
def test_read_result(text, expected):
    assert read_result(text) is expected


def test_parse_day_takes_the_date_of_a_date_time_and_refuses_the_rest():
    assert parse_day("2026-11-28") == dt.date(2026, 11, 28)
    assert parse_day("2026-11-28T23:59:00+05:00") == dt.date(2026, 11, 28)
    assert parse_day("2026-11") is None and parse_day("yesterday") is None
    assert parse_day("") is None and parse_day(None) is None


def test_age_turns_on_the_birthday():
    assert facts(birth_date="1961-12-01").age == 65
    assert facts(birth_date="1961-12-02").age == 64
    assert facts(birth_date="1961-11-30").age == 65
    assert facts(birth_date="1960-12-02").age == 65
    assert facts().age is None and facts(birth_date="unknown").age is None


def lab(source, *codings, text=None, date="2026-11-28", value=1.0):
    return PatientObservation(source, codings=list(codings), text=text, value=value, date=date)


def test_results_are_found_by_code_scale_name_or_text():
    f = facts(observations=[
        lab("o/trialkg", Coding("trialkg", "hemoglobin")),
        lab("o/scale-key", Coding("trialkg", "karnofsky")),
        lab("o/loinc", Coding("loinc", "777-3")),
        lab("o/ecog-loinc", Coding("loinc", "89247-1")),
        lab("o/zubrod", text="Zubrod score"),
        lab("o/who", Coding("local", "x", "WHO performance status")),
        lab("o/kps", text="KPS"),
        lab("o/qtc", text="QTc interval"),
        lab("o/unknown-loinc", Coding("loinc", "99999-9", "hemoglobin")),
        lab("o/unknown-trialkg", Coding("trialkg", "sodium")),
        lab("o/nothing", text="serum sodium"),
    ])
    assert {k: [o.source for o in v] for k, v in f.results.items()} == {
        "hemoglobin": ["o/trialkg"], "karnofsky": ["o/scale-key", "o/kps"],
        "platelets": ["o/loinc"], "ecog": ["o/ecog-loinc", "o/zubrod", "o/who"],
        "qtc": ["o/qtc"]}
    # a LOINC code the concepts do not know is not overridden by its display text
    assert f.unrecognised == ["o/unknown-loinc", "o/unknown-trialkg", "o/nothing"]


def test_a_known_code_decides_before_the_text():
    f = facts(observations=[lab("o/1", Coding("loinc", "718-7"), text="ECOG"),
                            lab("o/2", Coding("other", "1"), Coding("loinc", "6690-2"))])
    assert set(f.results) == {"hemoglobin", "leukocytes"}


def test_results_after_the_as_of_date_are_dropped_and_the_rest_sorted_newest_first():
    hb = Coding("trialkg", "hemoglobin")
    f = facts(observations=[lab("o/undated", hb, date=None), lab("o/old", hb, date="2026-01-01"),
                            lab("o/today", hb, date="2026-12-01"),
                            lab("o/future", hb, date="2026-12-02"),
                            lab("o/mid", hb, date="2026-06-01")])
    assert [o.source for o in f.results["hemoglobin"]] == ["o/today", "o/mid", "o/old",
                                                           "o/undated"]
    assert f.unrecognised == []


def test_conditions_are_read_from_text_codes_and_the_vocabulary():
    f = facts(conditions=[
        PatientCondition("c/text", text="HIV infection", onset="2015-01-01",
                         abated="2016-02-03"),
        PatientCondition("c/display", codings=[Coding("snomed", "1", "chronic hepatitis B")]),
        PatientCondition("c/future", text="tuberculosis", onset="2026-12-02"),
        PatientCondition("c/today", text="psoriasis", onset="2026-12-01"),
        PatientCondition("c/none", text="a sprained ankle"),
    ])
    by_source = {c.condition.source: c for c in f.conditions}
    assert set(by_source) == {"c/text", "c/display", "c/today", "c/none"}
    hiv = by_source["c/text"]
    assert hiv.keys == {"hiv-infection"}
    assert {"hiv-infections", "D007239"} <= hiv.vocab_keys  # with MeSH ancestors (Infections)
    assert (hiv.onset, hiv.abated) == (dt.date(2015, 1, 1), dt.date(2016, 2, 3))
    assert by_source["c/display"].keys == {"hepatitis-b"}
    assert "hepatitis-b" in by_source["c/display"].vocab_keys
    assert (by_source["c/none"].keys, by_source["c/none"].vocab_keys) == (set(), set())
    assert f.recurrence is None


def test_recurrence_is_the_latest_dated_recurrence_or_metastasis():
    f = facts(conditions=[
        PatientCondition("c/1", text="local recurrence", onset="2024-05-01"),
        PatientCondition("c/2", codings=[Coding("x", "y", "Lung metastases")],
                         onset="2025-03-01"),
        PatientCondition("c/3", text="relapse", onset="2023-01-01"),
        PatientCondition("c/4", text="recurrence"),  # no date
        PatientCondition("c/5", text="metastatic disease", onset="2026-12-05"),  # after as-of
    ])
    assert f.recurrence == dt.date(2025, 3, 1)
    assert facts(conditions=[PatientCondition("c", text="psoriasis", onset="2020-01-01")]) \
        .recurrence is None


def test_radiotherapy_end_is_the_latest_past_course():
    f = facts(procedures=[
        PatientProcedure("p/1", text="IMRT to the nasopharynx", start="2024-01-10",
                         end="2024-02-28"),
        PatientProcedure("p/2", codings=[Coding("x", "y", "Radiation therapy")],
                         start="2025-06-01"),  # no end: the start
        PatientProcedure("p/3", text="chemoradiotherapy", start="2026-11-01", end="2026-12-10"),
        PatientProcedure("p/4", text="tumour biopsy", start="2026-01-01", end="2026-01-01"),
        PatientProcedure("p/5", text="radiotherapy"),  # undated
    ])
    assert f.radiotherapy_end == dt.date(2025, 6, 1)
    on_the_day = facts(procedures=[PatientProcedure("p", text="irradiation",
                                                    end="2026-12-01")])
    assert on_the_day.radiotherapy_end == AS_OF
    assert facts().radiotherapy_end is None


def test_condition_codes_against_curated_snomed_and_icd10_prefixes():
    # SYNTHETIC concepts: the curated file has no condition codes yet; the codes here are
    # the SNOMED CT and ICD-10 codes of HIV disease (86406008, B20) as the matcher reads them.
    concepts = Concepts(conditions={
        "hiv-infection": ConditionConcept("hiv-infection", "HIV infection", ("hiv",),
                                          snomed=(Code("86406008", "HIV", "synthetic"),),
                                          icd10=(Code("B20", "HIV disease", "synthetic"),)),
        "other": ConditionConcept("other", "other", ("other",),
                                  snomed=(Code("B20", "", "synthetic"),)),
    })
    assert _coded(Coding("snomed", "86406008"), concepts) == ["hiv-infection"]
    assert _coded(Coding("snomed", "8640600"), concepts) == []
    assert _coded(Coding("snomed", "86406008x"), concepts) == []  # no prefixes in SNOMED
    assert _coded(Coding("icd10", "B20"), concepts) == ["hiv-infection"]
    assert _coded(Coding("icd10", "B20.1"), concepts) == ["hiv-infection"]
    assert _coded(Coding("icd10", "B2"), concepts) == []
    assert _coded(Coding("icd10", "86406008"), concepts) == []
    assert _coded(Coding("loinc", "86406008"), concepts) == []
    assert _coded(Coding("loinc", "B20"), concepts) == []  # another system reads no ICD-10
    assert _coded(Coding("snomed", "B20"), concepts) == ["other"]
    assert _coded(Coding("snomed", "B20.1"), concepts) == []
    p = patient(conditions=[PatientCondition("c/coded", codings=[Coding("icd10", "B20.9")])])
    (fact,) = index_patient(p, AS_OF, concepts, default_vocabulary()).conditions
    assert fact.keys == {"hiv-infection"}


def med(text=None, *codings, **fields):
    return _medication(PatientMedication("m/1", codings=list(codings), text=text, **fields),
                       default_vocabulary())


def test_medications_are_read_by_name_and_rxnorm_with_their_classes():
    pembro = med("Keytruda (pembrolizumab) 200 mg", start="2025-01-01", end="2025-03-01")
    assert pembro.drugs == {"pembrolizumab"}
    assert pembro.classes == {"anti-pd-1", "immune-checkpoint-inhibitor"}
    assert (pembro.start, pembro.end) == (dt.date(2025, 1, 1), dt.date(2025, 3, 1))
    assert (pembro.steroid_factor, pembro.flags) == (None, set())
    coded = med(None, Coding("rxnorm", "2555"), Coding("rxnorm", "0"))
    assert (coded.drugs, coded.classes) == ({"cisplatin"}, {"platinum"})
    assert med(None, Coding("mesh", "2555")).drugs == set()  # an RxNorm code only as RxNorm
    assert med(None, Coding("rxnorm", "C582435")).drugs == set()  # pembrolizumab's MeSH UI
    both = med("pembrolizumab", Coding("rxnorm", "2555"))  # the name and the code both count
    assert both.drugs == {"pembrolizumab", "cisplatin"}
    display = med(None, Coding("local", "1", "capecitabine 500 mg"))
    assert display.drugs == {"capecitabine"}


@pytest.mark.parametrize("name, factor", sorted(GLUCOCORTICOIDS.items()))
def test_glucocorticoid_factors_by_whole_word(name, factor):
    assert med(f"{name.upper()} 5 mg tablet").steroid_factor == factor


def test_glucocorticoid_factor_values_and_near_misses():
    assert med("dexamethasone").steroid_factor == pytest.approx(6.6667, rel=1e-4)
    assert med("methylprednisolone").steroid_factor == 1.25
    assert med("hydrocortisone cream").steroid_factor == 0.25
    assert med("prednisonex").steroid_factor is None
    assert med(None, Coding("x", "1", "prednisolone 5 mg")).steroid_factor == 1.0


@pytest.mark.parametrize("text, flags", [
    ("tacrolimus", {"immunosuppressant"}), ("Mycophenolate mofetil", {"immunosuppressant"}),
    ("live attenuated influenza vaccine", {"live-vaccine"}), ("MMR", {"live-vaccine"}),
    ("yellow fever vaccine", {"live-vaccine"}), ("BCG", {"live-vaccine"}),
    ("inactivated influenza vaccine", set()),
    ("investigational product XY-1", {"investigational-agent"}),
    ("placebo", {"investigational-agent"}), ("study drug", {"investigational-agent"}),
    ("methotrexate in a trial drug arm", {"immunosuppressant", "investigational-agent"}),
    ("paracetamol", set()),
])
def test_medication_flags(text, flags):
    assert med(text).flags == flags


def test_text_and_code_displays_are_read_as_one_phrase():
    f = facts(observations=[lab("o/who", Coding("local", "1", "performance status"),
                                text="WHO")],
              conditions=[PatientCondition("c/p", codings=[Coding("x", "1", "psoriasis")],
                                           text="plaque")],
              procedures=[PatientProcedure("p/rt", codings=[Coding("x", "1", "therapy")],
                                           text="radiation", end="2025-01-01")])
    assert set(f.results) == {"ecog"}
    assert f.conditions[0].keys == {"psoriasis"}
    assert f.radiotherapy_end == dt.date(2025, 1, 1)
    pred = med("prednisone", Coding("local", "1", "5 mg oral tablet"))
    assert pred.steroid_factor == 1.0
    assert med("yellow", Coding("local", "1", "fever vaccine")).flags == {"live-vaccine"}


def test_medications_are_indexed_with_their_record():
    m = PatientMedication("m/1", text="pembrolizumab", start="2026-11-01")
    (fact,) = facts(medications=[m]).medications
    assert (fact.medication, fact.drugs, fact.start) == (m, {"pembrolizumab"},
                                                         dt.date(2026, 11, 1))
