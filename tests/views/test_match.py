"""kg.views.match: synthetic patients (files named synthetic-*, marked synthetic inside)
against the bundled trial's constraints as the store holds them: every threshold, unit
conversions, x ULN from the reference range, boundaries, the TSH exception, pregnancy,
unknown units and codes, time windows and --as-of."""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path

import pytest
import yaml

from kg.sources.patient import load_patient
from kg.views.match import match

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "patients"
AS_OF = dt.date(2026, 12, 1)
NCT = "NCT05807880"
BASE = yaml.safe_load((FIXTURES / "synthetic-baseline.yaml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def store(seed_build):
    return seed_build.store


def _patient(tmp_path, edit=None, name="synthetic-variant.yaml"):
    data = copy.deepcopy(BASE)
    assert data["synthetic"] is True
    if edit:
        edit(data)
    path = tmp_path / name
    path.write_text("# SYNTHETIC test patient\n" + yaml.safe_dump(data), encoding="utf-8")
    return load_patient(path)


def _verdict(store, tmp_path, edit=None, as_of=AS_OF):
    (v,) = match(store, _patient(tmp_path, edit), [NCT], as_of)
    return v


def _set(analyte, **fields):
    """An edit replacing the baseline observation of ``analyte`` (code or analyte key)."""
    def edit(data):
        for obs in data["observations"]:
            if analyte in (obs.get("code"), obs.get("analyte")):
                for key in ("value", "unit", "low", "high", "result", "range_unit", "date"):
                    obs.pop(key, None) if key in fields and fields[key] is None else None
                obs.update({k: v for k, v in fields.items() if v is not None})
                return
        raise AssertionError(f"no baseline observation {analyte}")
    return edit


def _where(findings, criterion):
    return [f for f in findings if f.criterion == criterion]


def test_baseline_patient_is_not_excluded(store, tmp_path):
    v = _verdict(store, tmp_path)
    assert v.verdict == "not excluded" and v.reasons == []
    undecided = {f.criterion for f in v.undetermined}
    for decided in ("incl 1", "incl 2", "incl 6.1.1", "incl 6.1.2", "incl 6.1.3", "incl 6.2.1",
                    "incl 6.2.2", "incl 6.2.3", "incl 6.3", "incl 6.5", "incl 7",
                    "excl 8", "eligibility fields", "incl 9 (exclusion)"):
        assert decided not in undecided, decided
    assert "incl 6" not in undecided  # a heading of sub-criteria is not listed
    recist = _where(v.undetermined, "incl 3")[0]
    assert recist.why == "not computable" and "RECIST" in recist.detail
    hiv = _where(v.undetermined, "incl 11 (exclusion)")[0]
    assert (hiv.constraint, hiv.why, hiv.detail) == ("c1", "missing data",
                                                     "no record of HIV infection")


@pytest.mark.parametrize("analyte, fields, excluded, shown", [
    # haemoglobin >= 90 g/L: g/L and g/dL, on and off the boundary
    ("hemoglobin", {"value": 90, "unit": "g/L"}, False, None),
    ("hemoglobin", {"value": 89.9, "unit": "g/L"}, True, "hemoglobin 89.9 g/L"),
    ("hemoglobin", {"value": 9.0, "unit": "g/dL"}, False, None),
    ("hemoglobin", {"value": 8.9, "unit": "g/dL"}, True, "8.9 g/dL (observations[0]) = 89 g/L"),
    # WBC >= 4 x 10^9/L: 10^9/L, 10^3/uL and /mm3
    ("6690-2", {"value": 4.0, "unit": "10*3/uL"}, False, None),
    ("6690-2", {"value": 3.9, "unit": "10*9/L"}, True, "3.9 10*9/L"),
    ("6690-2", {"value": 4000, "unit": "/mm3"}, False, None),
    ("6690-2", {"value": 3999, "unit": "/mm3"}, True, "= 3.999 10*9/L"),
    # platelets >= 100 x 10^9/L (garbled '100_109/L')
    ("777-3", {"value": 100000, "unit": "/mm3"}, False, None),
    ("777-3", {"value": 99, "unit": "10*3/uL"}, True, "= 99 10*9/L"),
    # bilirubin <= 1.5 x ULN: umol/L, and mg/dL against a range in umol/L
    ("1975-2", {"value": 31.5}, False, None),
    ("1975-2", {"value": 31.6}, True, "= 1.5 x ULN"),
    ("1975-2", {"value": 1.8, "unit": "mg/dL", "range_unit": "umol/L"}, False, None),
    ("1975-2", {"value": 1.9, "unit": "mg/dL", "range_unit": "umol/L"}, True, "x ULN"),
    # ALT, AST <= 2.5 x ULN
    ("1742-6", {"value": 100}, False, None),
    ("1742-6", {"value": 101}, True, "alanine aminotransferase (ALT) 101 U/L"),
    ("1920-8", {"value": 101}, True, "= 2.52 x ULN (ULN 40)"),
    # creatinine <= 1.5 x ULN: mg/dL result against a umol/L range (molar mass 113.12)
    ("2160-0", {"value": 1.7, "unit": "mg/dL", "range_unit": "umol/L"}, False, None),
    ("2160-0", {"value": 2.0, "unit": "mg/dL", "range_unit": "umol/L"}, True, "1.67 x ULN"),
    ("creatinine-clearance", {"value": 60}, False, None),
    ("creatinine-clearance", {"value": 59}, True, "threshold >= 60 mL/min"),
    ("38875-1", {"value": 1.8}, False, None),
    ("38875-1", {"value": 1.9}, True, "international normalised ratio (INR) 1.9"),
    ("3173-2", {"value": 61}, True, "61 s"),
    ("89247-1", {"value": 0}, False, None),
    ("89247-1", {"value": 2}, True, "ECOG 2"),
])
def test_every_inclusion_threshold(store, tmp_path, analyte, fields, excluded, shown):
    v = _verdict(store, tmp_path, _set(analyte, **fields))
    assert v.verdict == ("excluded" if excluded else "not excluded"), v.reasons
    if shown:
        (reason,) = v.reasons
        assert shown in reason.detail


@pytest.mark.parametrize("analyte, value, unit, excluded", [
    ("8480-6", 150, "mm[Hg]", True), ("8480-6", 149, "mm[Hg]", False),
    ("8462-4", 90, "mm[Hg]", True), ("8462-4", 89.9, "mm[Hg]", False),
    ("qtc", 480, "ms", True), ("qtc", 479, "ms", False),
    ("qtc", 0.48, "s", True),
])
def test_exclusion_thresholds_include_their_boundary(store, tmp_path, analyte, value, unit,
                                                     excluded):
    v = _verdict(store, tmp_path, _set(analyte, value=value, unit=unit))
    assert v.verdict == ("excluded" if excluded else "not excluded")
    if excluded:
        assert v.reasons[0].criterion in ("excl 8", "excl 11")


def test_urine_protein_needs_the_unread_dipstick_to_exclude(store, tmp_path):
    high = _verdict(store, tmp_path, _set("2889-4", value=1.0))
    assert high.verdict == "not excluded"
    (undecided,) = _where(high.undetermined, "excl 10")
    assert "dipstick" in undecided.detail and undecided.why == "not computable"
    low = _verdict(store, tmp_path, _set("2889-4", value=0.99))
    assert _where(low.undetermined, "excl 10") == []


def test_tsh_above_uln_passes_when_ft3_and_ft4_are_normal(store, tmp_path):
    v = _verdict(store, tmp_path, _set("3016-3", value=5.0))
    assert v.verdict == "not excluded" and _where(v.undetermined, "incl 6.5") == []


def test_tsh_above_uln_fails_when_ft4_is_abnormal(store, tmp_path):
    def edit(data):
        _set("3016-3", value=5.0)(data)
        _set("14920-3", value=30)(data)
    v = _verdict(store, tmp_path, edit)
    (reason,) = v.reasons
    assert reason.criterion == "incl 6.5"
    assert "= 1.25 x ULN" in reason.detail and "outside its reference range 12-22" in \
        reason.detail


def test_tsh_above_uln_without_ft3_is_undetermined(store, tmp_path):
    def edit(data):
        _set("3016-3", value=5.0)(data)
        data["observations"] = [o for o in data["observations"] if o.get("code") != "14928-6"]
    v = _verdict(store, tmp_path, edit)
    assert v.verdict == "not excluded"
    (undecided,) = _where(v.undetermined, "incl 6.5")
    assert "the alternative cannot be checked" in undecided.detail
    assert "no free triiodothyronine (FT3) result" in undecided.detail


def test_tsh_within_range_needs_no_ft3(store, tmp_path):
    def edit(data):
        data["observations"] = [o for o in data["observations"]
                                if o.get("code") not in ("14928-6", "14920-3")]
    assert _where(_verdict(store, tmp_path, edit).undetermined, "incl 6.5") == []


def test_positive_pregnancy_test_excludes_a_woman(store, tmp_path):
    v = _verdict(store, tmp_path, _set("2106-3", result="positive"))
    (reason,) = v.reasons
    assert reason.criterion == "incl 7" and "needs negative" in reason.detail


def test_pregnancy_criteria_do_not_apply_to_men(store, tmp_path):
    def edit(data):
        data["patient"]["sex"] = "male"
        data["observations"] = [o for o in data["observations"] if o.get("code") != "2106-3"]
    v = _verdict(store, tmp_path, edit)
    assert _where(v.undetermined, "incl 7") == [] and v.verdict == "not excluded"


def test_pregnancy_criteria_do_not_apply_without_childbearing_potential(store, tmp_path):
    def edit(data):
        data["patient"]["childbearing_potential"] = False
        data["observations"] = [o for o in data["observations"] if o.get("code") != "2106-3"]
    assert _where(_verdict(store, tmp_path, edit).undetermined, "incl 7") == []


def test_missing_or_stale_pregnancy_test_is_undetermined(store, tmp_path):
    def drop(data):
        data["observations"] = [o for o in data["observations"] if o.get("code") != "2106-3"]
    (missing,) = _where(_verdict(store, tmp_path, drop).undetermined, "incl 7")
    assert missing.why == "missing data" and "no pregnancy test (hCG) result" in missing.detail
    stale = _verdict(store, tmp_path, _set("2106-3", date="2026-11-20"))
    (old,) = _where(stale.undetermined, "incl 7")
    assert "within 7 days before 2026-12-01 (latest 2026-11-20)" in old.detail
    assert stale.verdict == "not excluded"


def test_unknown_unit_is_undetermined_never_excluded(store, tmp_path):
    v = _verdict(store, tmp_path, _set("hemoglobin", value=8, unit="gm/dL"))
    assert v.verdict == "not excluded"
    (undecided,) = _where(v.undetermined, "incl 6.1.1")
    assert "'gm/dL' is not a UCUM unit" in undecided.detail


def test_incompatible_unit_is_undetermined(store, tmp_path):
    v = _verdict(store, tmp_path, _set("hemoglobin", value=8, unit="mmol/L"))
    assert v.verdict == "not excluded"
    assert "does not convert to g/L" in _where(v.undetermined, "incl 6.1.1")[0].detail


def test_unknown_code_is_undetermined(store, tmp_path):
    def edit(data):
        for obs in data["observations"]:
            if obs.get("analyte") == "hemoglobin":
                obs.pop("analyte")
                obs["code"] = "99999-9"
                obs["value"] = 50
    v = _verdict(store, tmp_path, edit)
    assert v.verdict == "not excluded"
    (undecided,) = _where(v.undetermined, "incl 6.1.1")
    assert "1 observation(s) with codes the matcher does not know" in undecided.detail


def test_uln_check_without_reference_range_is_undetermined(store, tmp_path):
    v = _verdict(store, tmp_path, _set("1742-6", value=500, low=None, high=None))
    assert v.verdict == "not excluded"
    (undecided,) = _where(v.undetermined, "incl 6.2.2")
    assert "no upper reference limit (referenceRange)" in undecided.detail


def test_age_is_taken_on_the_as_of_date(store, tmp_path):
    def born(day):
        return lambda data: data["patient"].update(birth_date=day)
    assert _verdict(store, tmp_path, born("1961-12-01")).verdict == "not excluded"  # 65
    old = _verdict(store, tmp_path, born("1960-11-30"))  # 66
    assert {r.criterion for r in old.reasons} == {"eligibility fields", "incl 1"}
    assert "age 66; threshold 18-65" in old.reasons[0].detail
    assert _verdict(store, tmp_path, born("1960-11-30"),
                    as_of=dt.date(2026, 11, 29)).verdict == "not excluded"


def test_results_after_the_as_of_date_are_ignored(store, tmp_path):
    v = _verdict(store, tmp_path, _set("hemoglobin", value=50, date="2026-12-20"))
    assert v.verdict == "not excluded"
    assert "no hemoglobin result" in _where(v.undetermined, "incl 6.1.1")[0].detail


def _conditions(*items):
    return lambda data: data["conditions"].extend(items)


def test_conditions_exclude_and_absence_decides(store, tmp_path):
    hiv = _verdict(store, tmp_path, _conditions({"text": "HIV infection", "onset": "2015-01-01"}))
    assert [(r.criterion, r.constraint) for r in hiv.reasons] == [("incl 11 (exclusion)", "c1")]
    absent = _verdict(store, tmp_path, _conditions({"text": "HIV infection",
                                                    "status": "absent"}))
    assert absent.verdict == "not excluded"
    assert all(f.constraint != "c1" for f in _where(absent.undetermined, "incl 11 (exclusion)"))


@pytest.mark.parametrize("text, excluded", [
    ("basal cell carcinoma of the skin", False),  # an exception
    ("papillary thyroid carcinoma", False),
    ("lung cancer", True),
    ("nasopharyngeal carcinoma", False),  # the trial's own disease
])
def test_other_malignancy_and_its_exceptions(store, tmp_path, text, excluded):
    v = _verdict(store, tmp_path, _conditions({"text": text, "onset": "2020-01-01"}))
    assert any(r.criterion == "incl 9 (exclusion)" for r in v.reasons) is excluded


def test_time_window_of_a_myocardial_infarction(store, tmp_path):
    recent = _verdict(store, tmp_path, _conditions({"text": "myocardial infarction",
                                                    "onset": "2026-10-01"}))
    assert [r.criterion for r in recent.reasons] == ["excl 11"]
    assert "within 6 months" in recent.reasons[0].detail
    old = _verdict(store, tmp_path, _conditions({"text": "myocardial infarction",
                                                 "onset": "2023-10-01", "abated": "2023-11-01",
                                                 "status": "resolved"}))
    assert old.verdict == "not excluded"


def test_hepatitis_b_excludes_only_above_its_viral_load(store, tmp_path):
    def hep_b(load):
        def edit(data):
            data["conditions"].append({"text": "chronic hepatitis B", "onset": "2010-01-01"})
            data["observations"].append({"analyte": "hbv-dna", "value": load,
                                         "unit": "{copies}/mL", "date": "2026-11-20"})
        return edit
    high = _verdict(store, tmp_path, hep_b(20000))
    assert [(r.criterion, r.constraint) for r in high.reasons] == [("incl 11 (exclusion)", "c4")]
    assert _verdict(store, tmp_path, hep_b(500)).verdict == "not excluded"


def test_prior_therapy_windows_and_allowance(store, tmp_path):
    def med(text, start, end=None):
        return lambda data: data.setdefault("medications", []).append(
            {"text": text, "start": start, **({"end": end} if end else {})})
    recent = _verdict(store, tmp_path, med("AK105 200 mg", "2026-11-10"))
    assert [(r.criterion, r.constraint) for r in recent.reasons] == \
        [("incl 13 (exclusion)", "c2")]
    old = _verdict(store, tmp_path, med("AK105 200 mg", "2026-09-01", "2026-09-30"))
    assert old.verdict == "not excluded"
    pembro = _verdict(store, tmp_path, med("pembrolizumab", "2025-01-01", "2025-03-01"))
    assert pembro.verdict == "not excluded"
    (allowance,) = [f for f in _where(pembro.undetermined, "incl 4") if f.constraint == "c2"]
    assert "the alternative cannot be checked" in allowance.detail


@pytest.mark.parametrize("text, dose, route, excluded", [
    ("prednisone", 10, "oral", False),
    ("prednisone", 10.5, "oral", True),
    ("dexamethasone", 1.5, "oral", False),  # 10 mg prednisone-equivalent
    ("dexamethasone", 2, "intravenous", True),
    ("prednisolone", 40, "topical", False),
])
def test_prednisone_equivalent_limit(store, tmp_path, text, dose, route, excluded):
    v = _verdict(store, tmp_path, lambda data: data.setdefault("medications", []).append(
        {"text": text, "dose": dose, "unit": "mg", "per_day": 1, "route": route,
         "start": "2026-11-20"}))
    assert any(r.criterion == "excl 3" for r in v.reasons) is excluded


def test_recurrence_interval_after_radiotherapy(store, tmp_path):
    def early(data):
        data["conditions"][1]["onset"] = "2024-06-01"
    (reason,) = _verdict(store, tmp_path, early).reasons
    assert reason.criterion == "incl 4" and "needs at least 6" in reason.detail


def test_filter_and_unknown_trial(store, tmp_path):
    from kg.errors import NotFoundError

    patient = _patient(tmp_path)
    assert [v.trial for v in match(store, patient, ["nct05807880"], AS_OF)] == [NCT]
    with pytest.raises(NotFoundError, match="not in the store: NCT00000001"):
        match(store, patient, ["NCT00000001"], AS_OF)
