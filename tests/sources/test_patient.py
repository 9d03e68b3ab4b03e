"""Patient input: a FHIR R4 Bundle (fhir.resources) and the hand-entry profile."""

from __future__ import annotations

import json

import pytest

from kg.errors import PatientParseError
from kg.model import (
    Coding,
    PatientCondition,
    PatientMedication,
    PatientObservation,
    PatientProcedure,
    SourceInfo,
)
from kg.sources.patient import load_patient, parse_profile

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
    path = _write(tmp_path, "synthetic-badpatient.json", bundle)
    with pytest.raises(PatientParseError) as caught:
        load_patient(path)
    # the field's path, then fhir.resources' own words for what is wrong with it
    assert str(caught.value) == (f"{path}: the Bundle has no usable Patient resource "
                                 "(Patient/entry0: birthDate: Value error, Date value string "
                                 "does not match spec regex.)")


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


# --- the hand-entry profile, entry by entry (synthetic values throughout) -------------------

def test_profile_entries_keep_every_field_and_their_place_in_the_file():
    import datetime as dt

    data = {"patient": {"id": "synthetic-p2", "sex": "Male"},
            "observations": [{"text": "synthetic lab", "value": "3.5", "unit": "mmol/L",
                              "date": dt.datetime(2026, 11, 20, 8, 30)}],
            "conditions": [{"icd10": "C11.9"},
                           {"text": "synthetic condition", "status": "Resolved",
                            "onset": "2015-01-01T00:00:00Z", "abated": "2016-02-03"},
                           {"text": "hepatitis B", "status": "absent"}],
            "medications": [{"rxnorm": "8640"},
                            {"text": "prednisone", "dose": 20, "unit": "mg", "per_day": 2,
                             "route": "oral", "start": "2026-11-01", "end": "2026-11-30"}],
            "procedures": [{"snomed": "108290001"},
                           {"text": "radiotherapy", "start": "2024-01-10", "end": "2024-02-28"}]}
    p = parse_profile(data, "synthetic.yaml")
    assert (p.id, p.sex, p.birth_date, p.problems) == ("synthetic-p2", "male", None, [])
    assert p.observations == [PatientObservation(
        source="observations[0]", codings=[], text="synthetic lab", value=3.5, unit="mmol/L",
        low_unit="mmol/L", high_unit="mmol/L", date="2026-11-20")]
    assert p.conditions == [
        PatientCondition(source="conditions[0]", codings=[Coding("icd10", "C11.9")]),
        PatientCondition(source="conditions[1]", text="synthetic condition", onset="2015-01-01",
                         abated="2016-02-03", status="resolved"),
        PatientCondition(source="conditions[2]", text="hepatitis B", status="absent")]
    assert p.medications == [
        PatientMedication(source="medications[0]", codings=[Coding("rxnorm", "8640")]),
        PatientMedication(source="medications[1]", text="prednisone", dose=20.0,
                          dose_unit="mg", per_day=2.0, route="oral", start="2026-11-01",
                          end="2026-11-30")]
    assert p.procedures == [
        PatientProcedure(source="procedures[0]", codings=[Coding("snomed", "108290001")]),
        PatientProcedure(source="procedures[1]", text="radiotherapy", start="2024-01-10",
                         end="2024-02-28")]


def test_profile_entries_naming_nothing_are_reported_and_skipped():
    data = {"patient": {},
            "observations": [{"value": 3}],
            "conditions": [{"onset": "2015-01-01"}],
            "medications": [{"dose": 20}],
            "procedures": [{"start": "2024-01-10"}]}
    p = parse_profile(data, "synthetic.yaml")
    assert (p.observations, p.conditions, p.medications, p.procedures) == ([], [], [], [])
    assert p.problems == ["observations[0]: names no code, analyte or text",
                          "conditions[0]: names no code or text",
                          "medications[0]: names no code or text",
                          "procedures[0]: names no code or text"]


def test_profile_defaults_a_user_gets():
    p = parse_profile({"patient": {}, "conditions": [{"text": "synthetic condition"}]}, "w")
    assert (p.id, p.sex, p.birth_date, p.childbearing_potential) == ("patient", None, None, None)
    assert p.conditions[0].status == "active"


@pytest.mark.parametrize("sex", ["female", "male", "other", "unknown", "UNKNOWN"])
def test_profile_accepts_each_administrative_sex(sex):
    assert parse_profile({"patient": {"sex": sex}}, "w").sex == sex.lower()


@pytest.mark.parametrize("value, problem", [
    (True, "value: True is not a number"),
    ([1], "value: [1] is not a number"),
    ("high", "value: 'high' is not a number"),
])
def test_profile_numbers_are_numbers(value, problem):
    p = parse_profile({"patient": {}, "observations": [{"code": "718-7", "value": value}]}, "w")
    assert (p.observations, p.problems) == ([], [f"observations[0]: {problem}"])


def test_profile_section_that_is_no_list_is_reported_and_the_next_still_read():
    p = parse_profile({"patient": {}, "observations": {"code": "718-7"},
                       "conditions": [{"text": "synthetic condition"}]}, "w")
    assert p.problems == ["observations: not a list; ignored"]
    assert [c.text for c in p.conditions] == ["synthetic condition"]


def test_profile_date_must_be_iso():
    with pytest.raises(PatientParseError) as err:
        parse_profile({"patient": {"birth_date": "14/03/1961"}}, "synthetic.yaml")
    assert str(err.value) == ("synthetic.yaml: patient.birth_date: '14/03/1961' is not an ISO "
                              "date (YYYY-MM-DD)")


@pytest.mark.parametrize("content, message", [
    ("{not json", "not valid JSON: Expecting property name enclosed in double quotes: "
                  "line 1 column 2 (char 1)"),
    ("  {not json", "not valid JSON: Expecting property name enclosed in double quotes: "
                    "line 1 column 4 (char 3)"),
    ("[1, oops", "not valid JSON: Expecting value: line 1 column 5 (char 4)"),
    ("patient: {sex: male}\nobservations:\n  - {a: 1\n  - b\n", "not valid JSON or YAML (line 5)"),
    ("patient: x\x07\n", "not valid JSON or YAML"),  # a reader error carries no line
    ("  \n", "empty file"),
    ("- just\n- a list\n", "not a FHIR Bundle or a patient profile (expected an object)"),
    ("name: someone\n", "not a FHIR Bundle (no resourceType) nor a patient profile "
                        "(no 'patient' mapping)"),
])
def test_unusable_files_say_exactly_why(tmp_path, content, message):
    path = _write(tmp_path, "synthetic-bad.txt", content)
    with pytest.raises(PatientParseError) as err:
        load_patient(path)
    assert str(err.value) == f"{path}: {message}"


def test_unreadable_files_say_why(tmp_path):
    missing = tmp_path / "absent.json"
    with pytest.raises(PatientParseError) as err:
        load_patient(missing)
    assert str(err.value) == f"{missing}: cannot read: No such file or directory"
    latin1 = tmp_path / "synthetic-latin1.yaml"
    latin1.write_bytes(b"\xff\xfe")
    with pytest.raises(PatientParseError) as err:
        load_patient(latin1)
    assert str(err.value) == (f"{latin1}: cannot read: 'utf-8' codec can't decode byte 0xff in "
                              "position 0: invalid start byte")


def test_profile_in_json_with_leading_blanks_is_read_and_its_source_named(tmp_path):
    path = _write(tmp_path, "synthetic-profile.json", '  {"patient": {"id": 7}}')
    p = load_patient(path)
    assert (p.id, p.source) == ("7", SourceInfo("patient-profile", path))


def test_profile_observation_keeps_its_reference_range():
    data = {"patient": {"id": "synthetic-p3"}, "observations": [
        {"loinc": "1975-2", "value": 30, "unit": "umol/L", "low": 3, "high": 21},
        {"text": "synthetic lab", "value": 1.2, "unit": "g/L", "low": "0.5",
         "range_unit": "mg/dL"}]}
    first, second = parse_profile(data, "synthetic.yaml").observations
    assert (first.low, first.high, first.low_unit, first.high_unit) == (3.0, 21.0, "umol/L",
                                                                        "umol/L")
    assert (second.low, second.high, second.low_unit) == (0.5, None, "mg/dL")


def test_a_profile_is_read_as_utf8_whatever_the_locale(tmp_path):
    # a user whose locale is plain C (ASCII) still reads a profile written in UTF-8
    from tests.support.locales import plain_c_locale

    path = tmp_path / "synthetic-profile.json"
    path.write_bytes('{"patient": {"id": "synthetic-é"}}'.encode())
    with plain_c_locale():
        p = load_patient(path)
    assert p.id == "synthetic-é"
