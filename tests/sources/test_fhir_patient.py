"""FHIR R4 Bundle -> Patient, resource by resource (kg.sources.fhir_patient.parse_bundle).

Every Bundle here is SYNTHETIC: made up for these tests, no real person."""

from __future__ import annotations

import pytest

from kg.errors import PatientParseError
from kg.model import (
    Coding,
    PatientCondition,
    PatientMedication,
    PatientObservation,
    PatientProcedure,
)
from kg.sources.fhir_patient import parse_bundle

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
PATIENT = {"resourceType": "Patient", "id": "synthetic-p1", "gender": "female",
           "birthDate": "1968-03-02"}


def _bundle(*resources, patient=PATIENT) -> dict:
    entries = [{"resource": patient}] if patient else []
    return {"resourceType": "Bundle", "type": "collection",
            "entry": entries + [{"resource": r} for r in resources]}


def _read(*resources, patient=PATIENT):
    return parse_bundle(_bundle(*resources, patient=patient), "synthetic.json")


def _obs(id_, **fields) -> dict:
    return {"resourceType": "Observation", "id": id_, "status": "final",
            "code": {"coding": [{"system": LOINC, "code": "718-7"}]}, **fields}


def _only(patient, kind):
    assert patient.problems == []
    (item,) = getattr(patient, kind)
    return item


# --- Patient ----------------------------------------------------------------------------------

def test_patient_without_id_is_called_patient_and_a_partial_birth_date_kept():
    p = _read(patient={"resourceType": "Patient", "birthDate": "1968-03"})
    assert (p.id, p.birth_date, p.sex, p.problems) == ("patient", "1968-03", None, [])


def test_a_second_patient_is_reported_and_the_first_kept():
    second = {"resourceType": "Patient", "id": "synthetic-p2", "gender": "male"}
    p = _read(second)
    assert (p.id, p.sex) == ("synthetic-p1", "female")
    assert p.problems == ["Patient/synthetic-p2: a second Patient; the first one is used"]


# --- the Bundle -------------------------------------------------------------------------------

def test_entries_without_a_resource_and_unread_types_are_passed_over():
    data = _bundle({"resourceType": "Encounter", "id": "e1", "status": "finished"},
                   _obs("hb", valueString="synthetic"))
    data["entry"][1:1] = ["not an entry", {"fullUrl": "urn:uuid:synthetic"}]
    p = parse_bundle(data, "synthetic.json")
    assert p.problems == ["Bundle.entry[1]: no resource", "Bundle.entry[2]: no resource"]
    assert [o.source for o in p.observations] == ["Observation/hb"]


@pytest.mark.parametrize("data, message", [
    ({"resourceType": "Bundle", "entry": {}}, "Bundle.entry: missing or not a list"),
    ({"resourceType": "Patient"}, "not a FHIR Bundle (resourceType is 'Patient')"),
])
def test_unusable_bundles_say_exactly_why(data, message):
    with pytest.raises(PatientParseError) as err:
        parse_bundle(data, "synthetic.json")
    assert str(err.value) == f"synthetic.json: {message}"


@pytest.mark.parametrize("fields, problem", [
    # a model-level check names no field
    ({"valueString": "a", "valueInteger": 3},
     "Value error, Any of one field value is expected from this list ['valueBoolean', "
     "'valueCodeableConcept', 'valueDateTime', 'valueInteger', 'valuePeriod', 'valueQuantity', "
     "'valueRange', 'valueRatio', 'valueSampledData', 'valueString', 'valueTime'], but got "
     "multiple!"),
    # not pydantic's error: an unknown contained resource type fails the lookup of its model
    ({"valueString": "a", "contained": [{"resourceType": "Synthetic"}]}, "'R4.SyntheticType'"),
    ({"valueQuantity": {"unit": "g/L"}}, "valueQuantity.value: missing"),
])
def test_a_bad_observation_is_reported_in_one_line(fields, problem):
    p = _read(_obs("bad", **fields))
    assert (p.observations, p.problems) == ([], [f"Observation/bad: {problem}"])


# --- Observation ------------------------------------------------------------------------------

def test_observation_text_display_units_range_and_date_from_a_period():
    obs = _obs("tbil", code={"coding": [{"system": LOINC, "code": "1975-2",
                                         "display": "Bilirubin.total"}]},
               effectivePeriod={"start": "2026-11-25T08:30:00Z"},
               valueQuantity={"value": 1.9, "unit": "mg per dL", "system": UCUM,
                              "code": "mg/dL"},
               referenceRange=[{"low": {"value": 3, "unit": "umol/L"},
                                "high": {"value": 21}}])
    assert _only(_read(obs), "observations") == PatientObservation(
        source="Observation/tbil", codings=[Coding("loinc", "1975-2", "Bilirubin.total")],
        text="Bilirubin.total", value=1.9, unit="mg/dL", low=3.0, low_unit="umol/L",
        high=21.0, high_unit="mg/dL", date="2026-11-25")


@pytest.mark.parametrize("range_, low, high", [
    ({"low": {"value": 3}}, 3.0, None),
    ({"high": {"value": 21}}, None, 21.0),
    ({"low": {"unit": "g/L"}, "high": {"unit": "g/L"}}, None, None),
])
def test_observation_range_with_one_bound(range_, low, high):
    o = _only(_read(_obs("hb", valueQuantity={"value": 9, "code": "g/L"},
                         referenceRange=[range_])), "observations")
    assert (o.low, o.high) == (low, high)


@pytest.mark.parametrize("fields, text, date", [
    ({"code": {"text": "synthetic lab"}, "issued": "2026-11-26T01:02:03Z"},
     "synthetic lab", "2026-11-26"),
    ({"effectiveDateTime": "2026-11", "issued": "2026-11-26T01:02:03Z"}, None, "2026-11"),
])
def test_observation_name_and_date(fields, text, date):
    o = _only(_read(_obs("o", valueString="synthetic", **fields)), "observations")
    assert (o.text, o.date) == (text, date)


@pytest.mark.parametrize("quantity, unit", [
    ({"value": 1, "unit": "10^3/uL", "system": UCUM, "code": "10*3/uL"}, "10*3/uL"),
    ({"value": 1, "unit": "10^3/uL", "code": "10*3/uL"}, "10*3/uL"),
    ({"value": 1, "unit": "synthetic units", "system": "http://example.org/u", "code": "SU"},
     "synthetic units"),
    ({"value": 1, "system": "http://example.org/u", "code": "SU"}, "SU"),
    ({"value": 1, "unit": "synthetic units"}, "synthetic units"),
])
def test_observation_unit_is_the_ucum_code_else_the_display(quantity, unit):
    assert _only(_read(_obs("o", valueQuantity=quantity)), "observations").unit == unit


@pytest.mark.parametrize("fields, value, result", [
    ({"valueInteger": 3}, 3.0, None),
    ({"valueString": "2+"}, None, "2+"),
    ({"valueBoolean": True}, None, "positive"),
    ({"valueBoolean": False}, None, "negative"),
    ({"valueCodeableConcept": {"coding": [{"system": LOINC, "code": "LA9627-6"}]}}, 5.0,
     "LA9627-6"),
    ({"valueCodeableConcept": {"coding": [{"system": LOINC, "display": "no code"}]}}, None,
     None),
])
def test_observation_values_of_each_kind(fields, value, result):
    o = _only(_read(_obs("o", **fields)), "observations")
    assert (o.value, o.result) == (value, result)


# --- Condition --------------------------------------------------------------------------------

def _cond(id_, clinical=None, verification=None, **fields) -> dict:
    r = {"resourceType": "Condition", "id": id_, "subject": {"reference": "Patient/synthetic-p1"},
         **fields}
    if clinical:
        r["clinicalStatus"] = {"coding": [{"code": clinical}]}
    if verification:
        r["verificationStatus"] = {"coding": [{"code": verification}]}
    return r


def test_condition_fields_and_an_unknown_system_kept_as_given():
    cond = _cond("c1", code={"coding": [{"system": "http://example.org/synthetic", "code": "X1"},
                                        {"code": "X2"}]},
                 recordedDate="2015-01-01", abatementDateTime="2016-02-03T10:00:00Z")
    assert _only(_read(cond), "conditions") == PatientCondition(
        source="Condition/c1", codings=[Coding("http://example.org/synthetic", "X1"),
                                        Coding("", "X2")],
        onset="2015-01-01", abated="2016-02-03", status="active")


@pytest.mark.parametrize("clinical, verification, status", [
    (None, None, "active"),
    ("active", None, "active"),
    ("resolved", None, "resolved"),
    ("inactive", None, "resolved"),
    ("remission", None, "resolved"),
    ("active", "entered-in-error", "absent"),
    ("resolved", "refuted", "absent"),
])
def test_condition_status(clinical, verification, status):
    cond = _cond("c", clinical, verification, code={"text": "synthetic condition"})
    c = _only(_read(cond), "conditions")
    assert (c.text, c.status) == ("synthetic condition", status)


def test_condition_naming_nothing_is_reported():
    p = _read(_cond("c", onsetDateTime="2015-01-01"))
    assert (p.conditions, p.problems) == (
        [], ["Condition/c: code: the Condition names no code or text"])


# --- MedicationStatement and MedicationRequest ------------------------------------------------

def _med(kind, id_, **fields) -> dict:
    extra = {"intent": "order"} if kind == "MedicationRequest" else {}
    return {"resourceType": kind, "id": id_, "status": "active",
            "subject": {"reference": "Patient/synthetic-p1"}, **extra, **fields}


def test_medication_request_without_dates_or_timing():
    req = _med("MedicationRequest", "m2", medicationCodeableConcept={"text": "synthetic drug"},
               dosageInstruction=[{"text": "synthetic: as needed"}])
    m = _only(_read(req), "medications")
    assert (m.text, m.start, m.end, m.per_day, m.dose) == ("synthetic drug", None, None, None,
                                                           None)


def test_medication_request_with_its_dosage_instruction():
    req = _med("MedicationRequest", "m1",
               medicationCodeableConcept={"coding": [{"system":
                                                      "http://www.nlm.nih.gov/research/umls/rxnorm",
                                                      "code": "8640"}]},
               authoredOn="2026-11-01T09:00:00Z",
               dosageInstruction=[{"route": {"coding": [{"code": "26643006"}]},
                                   "timing": {"code": {"text": "BID"}},
                                   "doseAndRate": [{"doseRange": {"low": {"value": 1}}},
                                                   {"doseQuantity": {"value": 20, "unit": "mg"}}]}])
    assert _only(_read(req), "medications") == PatientMedication(
        source="MedicationRequest/m1", codings=[Coding("rxnorm", "8640")], dose=20.0,
        dose_unit="mg", start="2026-11-01")


@pytest.mark.parametrize("fields, text, start, end", [
    ({"medicationReference": {"display": "synthetic drug"},
      "effectivePeriod": {"start": "2026-11-01", "end": "2026-11-30"}},
     "synthetic drug", "2026-11-01", "2026-11-30"),
    ({"medicationCodeableConcept": {"text": "prednisone"},
      "effectiveDateTime": "2026-10-01", "dateAsserted": "2026-11-02"},
     "prednisone", "2026-10-01", None),
    ({"medicationCodeableConcept": {"text": "prednisone"}, "dateAsserted": "2026-11-02"},
     "prednisone", "2026-11-02", None),
])
def test_medication_statement_name_and_dates(fields, text, start, end):
    m = _only(_read(_med("MedicationStatement", "m", **fields)), "medications")
    assert (m.source, m.text, m.start, m.end) == ("MedicationStatement/m", text, start, end)


@pytest.mark.parametrize("medication", [
    {"medicationReference": {"reference": "Medication/synthetic"}},
    {"medicationCodeableConcept": {"coding": [{"system": "http://example.org/synthetic"}]}},
])
def test_medication_naming_nothing_is_reported(medication):
    p = _read(_med("MedicationStatement", "m", **medication))
    assert (p.medications, p.problems) == (
        [], ["MedicationStatement/m: medication[x]: names no code or text"])


@pytest.mark.parametrize("repeat, per_day", [
    ({"frequency": 2}, None),  # no period: nothing to count per day
    ({"frequency": 2, "period": 1}, 2.0),
    ({"frequency": 1, "period": 8, "periodUnit": "h"}, 3.0),
    ({"frequency": 3, "period": 2, "periodUnit": "wk"}, 3 / 14),
    ({"frequency": 3, "period": 1, "periodUnit": "mo"}, 0.1),
    ({"frequency": 73, "period": 1, "periodUnit": "a"}, 0.2),
    ({"frequency": 1, "period": 1, "periodUnit": "min"}, None),
    ({"period": 1, "periodUnit": "d"}, None),
])
def test_medication_administrations_per_day(repeat, per_day):
    med = _med("MedicationStatement", "m", medicationCodeableConcept={"text": "synthetic drug"},
               dosage=[{"route": {"text": "Oral"}, "timing": {"repeat": repeat}}])
    m = _only(_read(med), "medications")
    assert (m.per_day, m.route) == (pytest.approx(per_day) if per_day else None, "oral")


# --- Procedure --------------------------------------------------------------------------------

@pytest.mark.parametrize("fields, expected", [
    ({"code": {"coding": [{"system": "http://snomed.info/sct", "code": "108290001",
                           "display": "Radiotherapy"}]},
      "performedDateTime": "2024-01-10T09:00:00Z"},
     PatientProcedure(source="Procedure/p", codings=[Coding("snomed", "108290001", "Radiotherapy")],
                      text="Radiotherapy", start="2024-01-10", end="2024-01-10")),
    ({"code": {"text": "synthetic procedure"},
      "performedPeriod": {"start": "2024-01-10", "end": "2024-02-28"}},
     PatientProcedure(source="Procedure/p", text="synthetic procedure", start="2024-01-10",
                      end="2024-02-28")),
])
def test_procedure_fields(fields, expected):
    proc = {"resourceType": "Procedure", "id": "p", "status": "completed",
            "subject": {"reference": "Patient/synthetic-p1"}, **fields}
    assert _only(_read(proc), "procedures") == expected
