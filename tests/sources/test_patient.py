"""Patient input: a FHIR R4 Bundle (fhir.resources) and the hand-entry profile."""

from __future__ import annotations

import json

import pytest

from kg.errors import PatientParseError
from kg.sources.patient import load_patient

FIXTURES = __import__("pathlib").Path(__file__).resolve().parents[1] / "fixtures" / "patients"


def test_bundle_resources_are_read_with_units_codes_and_ranges():
    p = load_patient(FIXTURES / "synthetic-bundle.json")
    assert (p.id, p.birth_date, p.sex) == ("synthetic-p1", "1968-03-02", "female")
    assert p.source.kind == "fhir-bundle"
    hb = next(o for o in p.observations if o.source == "Observation/hb")
    assert (hb.value, hb.unit, hb.date, hb.codings[0].system, hb.codings[0].code) == \
        (8.9, "g/dL", "2026-11-25", "loinc", "718-7")
    tbil = next(o for o in p.observations if o.source == "Observation/tbil")
    assert (tbil.low, tbil.high, tbil.high_unit) == (3.0, 21.0, "umol/L")
    ecog = next(o for o in p.observations if o.source == "Observation/ecog")
    assert ecog.value == 1.0  # LOINC answer LA9623-5
    hcg = next(o for o in p.observations if o.source == "Observation/hcg")
    assert hcg.result == "Negative"
    npc, hiv = p.conditions
    assert (npc.codings[0].system, npc.codings[0].code, npc.onset) == ("icd10", "C11.9",
                                                                       "2024-01-15")
    assert hiv.status == "absent"
    (pred,) = p.medications
    assert (pred.dose, pred.dose_unit, pred.per_day, pred.route, pred.start) == \
        (20.0, "mg", 1.0, "oral", "2026-11-01")
    (rt,) = p.procedures
    assert (rt.start, rt.end) == ("2024-02-01", "2024-03-20")


def test_a_bad_resource_is_reported_and_the_rest_still_read():
    p = load_patient(FIXTURES / "synthetic-bundle.json")
    assert len(p.problems) == 2
    assert p.problems[0].startswith("Observation/alt-garbled: valueQuantity.value:")
    assert p.problems[1] == "Observation/ast-novalue: value[x]: the Observation has no value"
    assert len(p.observations) == 5


def _write(tmp_path, name, data) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data) if not isinstance(data, str) else data, encoding="utf-8")
    return str(path)


def test_bundle_without_patient_is_unusable(tmp_path):
    bundle = {"_synthetic": "test", "resourceType": "Bundle", "type": "collection",
              "entry": [{"resource": {"resourceType": "Observation", "status": "final",
                                      "code": {"text": "x"}, "valueString": "y"}}]}
    path = _write(tmp_path, "synthetic-nopatient.json", bundle)
    with pytest.raises(PatientParseError) as err:
        load_patient(path)
    assert str(err.value) == f"{path}: the Bundle has no usable Patient resource"


def test_invalid_patient_resource_names_the_field(tmp_path):
    bundle = {"resourceType": "Bundle", "type": "collection",
              "entry": [{"resource": {"resourceType": "Patient", "gender": "female",
                                      "birthDate": "not-a-date"}}]}
    with pytest.raises(PatientParseError, match=r"no usable Patient resource \(Patient/entry0: "
                                                r"birthDate"):
        load_patient(_write(tmp_path, "synthetic-badpatient.json", bundle))


@pytest.mark.parametrize("content, message", [
    ('{"resourceType": "Observation"}', "not a FHIR Bundle (resourceType is 'Observation')"),
    ('{"resourceType": "Bundle"}', "Bundle.entry: missing or not a list"),
    ("{not json", "not valid JSON"),
    ("", "empty file"),
    ("- just\n- a list\n", "not a FHIR Bundle or a patient profile (expected an object)"),
    ("name: someone\n", "not a FHIR Bundle (no resourceType) nor a patient profile"),
    ("patient: {birth_date: 12/03/1961}\n", "patient.birth_date:"),
    ("patient: {sex: robot}\n", "patient.sex: 'robot' is not female, male, other or unknown"),
])
def test_unusable_files_raise_one_line_naming_the_file(tmp_path, content, message):
    path = _write(tmp_path, "synthetic-bad.txt", content)
    with pytest.raises(PatientParseError) as err:
        load_patient(path)
    assert str(err.value).startswith(f"{path}: ") and message in str(err.value)


def test_missing_file_is_reported(tmp_path):
    with pytest.raises(PatientParseError, match="cannot read"):
        load_patient(tmp_path / "absent.json")


def test_profile_reads_every_section_and_reports_bad_entries(tmp_path):
    import yaml

    data = yaml.safe_load((FIXTURES / "synthetic-baseline.yaml").read_text(encoding="utf-8"))
    data["conditions"].append({"text": "a condition", "status": "maybe"})
    data["medications"] = [{"text": "prednisone", "dose": "lots"}, 7]
    p = load_patient(_write(tmp_path, "synthetic-profile.yaml", yaml.safe_dump(data)))
    assert p.source.kind == "patient-profile"
    assert (p.birth_date, p.sex, p.childbearing_potential) == ("1968-03-02", "female", True)
    assert len(p.observations) == 19 and len(p.conditions) == 2 and len(p.procedures) == 1
    hb = p.observations[0]
    assert (hb.codings[0].system, hb.codings[0].code, hb.value, hb.unit) == \
        ("trialkg", "hemoglobin", 120.0, "g/L")
    assert p.problems == ["conditions[2]: status: 'maybe' is not active, resolved or absent",
                          "medications[0]: dose: 'lots' is not a number",
                          "medications[1]: not a mapping"]


def test_profile_observation_without_value_is_skipped(tmp_path):
    text = "patient: {sex: male}\nobservations:\n  - {analyte: hemoglobin, unit: g/L}\n"
    p = load_patient(_write(tmp_path, "synthetic-novalue.yaml", text))
    assert p.observations == []
    assert p.problems == ["observations[0]: value: the observation has no value or result"]
