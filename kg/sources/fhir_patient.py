"""A FHIR R4 Bundle (JSON, as EHRs export it) -> kg.model.Patient.

Each resource is validated on its own with ``fhir.resources``' R4B models (from version 7
the library ships no separate R4 package: R4B overlaps R4 and is compatible with it for
Patient, Observation, Condition, MedicationStatement, MedicationRequest and Procedure). The
Bundle itself is walked by hand rather than validated whole, so one bad resource is
reported and skipped while the rest is still read. A Bundle without a usable Patient is an
unusable file.
"""

from __future__ import annotations

from typing import Any

from kg.errors import PatientParseError
from kg.model import (
    Coding,
    Patient,
    PatientCondition,
    PatientMedication,
    PatientObservation,
    PatientProcedure,
)

SYSTEMS = {
    "http://loinc.org": "loinc",
    "http://snomed.info/sct": "snomed",
    "http://hl7.org/fhir/sid/icd-10": "icd10",
    "http://hl7.org/fhir/sid/icd-10-cm": "icd10",
    "http://www.nlm.nih.gov/research/umls/rxnorm": "rxnorm",
}
UCUM = "http://unitsofmeasure.org"
# LOINC answers of the ECOG performance status (LA9622-7 = 0 ... LA9627-6 = 5), as in the
# value set ECOGPerformanceStatusVS (search-tool GitHub index: IDGRLP/Tumorkonferenzen-IG
# resources/input/fsh/valueSets.fsh).
ECOG_ANSWERS = {"LA9622-7": 0, "LA9623-5": 1, "LA9624-3": 2, "LA9625-0": 3, "LA9626-8": 4,
                "LA9627-6": 5}
_READ = ("Patient", "Observation", "Condition", "MedicationStatement", "MedicationRequest",
         "Procedure")


def parse_bundle(data: dict[str, Any], where: str) -> Patient:
    if data.get("resourceType") != "Bundle":
        raise PatientParseError(f"not a FHIR Bundle (resourceType is "
                                f"{data.get('resourceType')!r})", where=where)
    entries = data.get("entry")
    if not isinstance(entries, list):
        raise PatientParseError("Bundle.entry: missing or not a list", where=where)
    from fhir.resources.R4B import get_fhir_model_class

    patient: Patient | None = None
    problems: list[str] = []
    later: list[tuple[str, Any]] = []
    for index, entry in enumerate(entries):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if not isinstance(resource, dict):
            problems.append(f"Bundle.entry[{index}]: no resource")
            continue
        rtype = resource.get("resourceType")
        name = f"{rtype}/{resource.get('id', f'entry{index}')}"
        if rtype not in _READ:
            continue
        try:
            model = get_fhir_model_class(rtype).model_validate(resource)
        except Exception as exc:  # pydantic's ValidationError, or a bad resource type
            problems.append(f"{name}: {_first_error(exc)}")
            continue
        if rtype == "Patient":
            if patient is None:
                patient = _patient(model)
            else:
                problems.append(f"{name}: a second Patient; the first one is used")
        else:
            later.append((name, model))
    if patient is None:
        detail = f" ({problems[0]})" if problems and problems[0].startswith("Patient/") else ""
        raise PatientParseError(f"the Bundle has no usable Patient resource{detail}",
                                where=where)
    for name, model in later:
        try:
            _add(patient, name, model)
        except _Skip as skip:
            problems.append(f"{name}: {skip}")
    patient.problems = problems
    return patient


class _Skip(Exception):
    """A resource that validated but carries nothing the matcher can use."""


def _first_error(exc: Exception) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0]
        loc = ".".join(str(x) for x in first.get("loc", ()))
        return f"{loc}: {first.get('msg')}" if loc else str(first.get("msg"))
    return str(exc).splitlines()[0]


def _patient(model) -> Patient:
    return Patient(id=model.id or "patient", birth_date=_date(model.birthDate),
                   sex=model.gender)


def _add(patient: Patient, name: str, model) -> None:
    rtype = name.split("/")[0]
    if rtype == "Observation":
        patient.observations.append(_observation(name, model))
    elif rtype == "Condition":
        patient.conditions.append(_condition(name, model))
    elif rtype in ("MedicationStatement", "MedicationRequest"):
        patient.medications.append(_medication(name, model))
    elif rtype == "Procedure":
        patient.procedures.append(_procedure(name, model))


def _codings(concept) -> tuple[list[Coding], str | None]:
    if concept is None:
        return [], None
    codings = [Coding(SYSTEMS.get(c.system or "", c.system or ""), c.code, c.display)
               for c in (concept.coding or []) if c.code]
    text = concept.text or next((c.display for c in codings if c.display), None)
    return codings, text


def _observation(name: str, model) -> PatientObservation:
    codings, text = _codings(model.code)
    obs = PatientObservation(source=name, codings=codings, text=text,
                             date=_date(model.effectiveDateTime or
                                        (model.effectivePeriod.start if model.effectivePeriod
                                         else None) or model.issued))
    if model.valueQuantity is not None:
        q = model.valueQuantity
        if q.value is None:
            raise _Skip("valueQuantity.value: missing")
        obs.value, obs.unit = float(q.value), _ucum(q)
    elif model.valueInteger is not None:
        obs.value = float(model.valueInteger)
    elif model.valueCodeableConcept is not None:
        codes, result_text = _codings(model.valueCodeableConcept)
        obs.result = result_text or (codes[0].code if codes else None)
        grade = next((ECOG_ANSWERS[c.code] for c in codes if c.code in ECOG_ANSWERS), None)
        if grade is not None:
            obs.value = float(grade)
    elif model.valueString is not None:
        obs.result = model.valueString
    elif model.valueBoolean is not None:
        obs.result = "positive" if model.valueBoolean else "negative"
    else:
        raise _Skip("value[x]: the Observation has no value")
    for rr in model.referenceRange or []:
        if rr.low is not None and rr.low.value is not None:
            obs.low, obs.low_unit = float(rr.low.value), _ucum(rr.low) or obs.unit
        if rr.high is not None and rr.high.value is not None:
            obs.high, obs.high_unit = float(rr.high.value), _ucum(rr.high) or obs.unit
        break
    return obs


def _ucum(q) -> str | None:
    """The UCUM code of a Quantity; a unit given only as display text is kept as it is (the
    converter then decides whether it can read it)."""
    if q.code and (q.system in (None, UCUM)):
        return q.code
    return q.unit or q.code


def _condition(name: str, model) -> PatientCondition:
    codings, text = _codings(model.code)
    if not codings and not text:
        raise _Skip("code: the Condition names no code or text")
    status = "active"
    clinical = _codings(model.clinicalStatus)[0]
    verification = _codings(model.verificationStatus)[0]
    if any(c.code in ("refuted", "entered-in-error") for c in verification):
        status = "absent"
    elif any(c.code in ("resolved", "inactive", "remission") for c in clinical):
        status = "resolved"
    return PatientCondition(source=name, codings=codings, text=text,
                            onset=_date(model.onsetDateTime or model.recordedDate),
                            abated=_date(model.abatementDateTime), status=status)


def _medication(name: str, model) -> PatientMedication:
    codings, text = _codings(getattr(model, "medicationCodeableConcept", None))
    if not codings and not text:
        ref = getattr(model, "medicationReference", None)
        text = ref.display if ref is not None else None
    if not codings and not text:
        raise _Skip("medication[x]: names no code or text")
    med = PatientMedication(source=name, codings=codings, text=text)
    dosages = getattr(model, "dosage", None) or getattr(model, "dosageInstruction", None) or []
    if dosages:
        d = dosages[0]
        if d.route is not None:
            med.route = (_codings(d.route)[1] or "").lower() or None
        for dr in d.doseAndRate or []:
            if dr.doseQuantity is not None and dr.doseQuantity.value is not None:
                med.dose, med.dose_unit = float(dr.doseQuantity.value), _ucum(dr.doseQuantity)
                break
        med.per_day = _per_day(d.timing)
    period = getattr(model, "effectivePeriod", None)
    if period is not None:
        med.start, med.end = _date(period.start), _date(period.end)
    else:
        med.start = _date(getattr(model, "effectiveDateTime", None) or
                          getattr(model, "authoredOn", None) or
                          getattr(model, "dateAsserted", None))
    return med


def _per_day(timing) -> float | None:
    repeat = timing.repeat if timing is not None else None
    if repeat is None or not repeat.frequency:
        return None
    days = {"d": 1.0, "h": 1 / 24, "wk": 7.0, "mo": 30.0, "a": 365.0}.get(repeat.periodUnit or "d")
    if not days or not repeat.period:
        return None
    return float(repeat.frequency) / (float(repeat.period) * days)


def _procedure(name: str, model) -> PatientProcedure:
    codings, text = _codings(model.code)
    proc = PatientProcedure(source=name, codings=codings, text=text)
    if model.performedPeriod is not None:
        proc.start = _date(model.performedPeriod.start)
        proc.end = _date(model.performedPeriod.end)
    else:
        proc.start = proc.end = _date(model.performedDateTime)
    return proc


def _date(value) -> str | None:
    if value is None:
        return None
    # a date or datetime prints as its ISO form, a partial date ("2026-11") is a string
    return str(value)[:10]
