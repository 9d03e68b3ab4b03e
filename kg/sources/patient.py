"""A patient file -> kg.model.Patient: a FHIR R4 Bundle (JSON) or the hand-entry profile
(YAML or JSON), told apart by content.

The profile, for entering a patient by hand (README, "Matching a patient")::

    patient: {birth_date: 1961-03-14, sex: female, childbearing_potential: false}
    observations:                       # code: a LOINC code, or analyte: a concept key
      - {analyte: hemoglobin, value: 85, unit: g/L, date: 2026-11-20}
      - {code: 1742-6, value: 80, unit: U/L, high: 40, date: 2026-11-20}
      - {analyte: pregnancy-test, result: negative, date: 2026-11-28}
    conditions:                         # status: active (default), resolved or absent
      - {text: HIV infection, icd10: B20, onset: 2015-01-01}
      - {text: hepatitis B, status: absent}
    medications:
      - {text: prednisone, dose: 20, unit: mg, per_day: 1, route: oral, start: 2026-11-01}
    procedures:
      - {text: radiotherapy, start: 2024-01-10, end: 2024-02-28}

Unusable files raise PatientParseError (exit 2); a bad entry inside a usable file is
reported in ``Patient.problems`` and skipped.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from kg.errors import PatientParseError
from kg.model import (
    Coding,
    Patient,
    PatientCondition,
    PatientMedication,
    PatientObservation,
    PatientProcedure,
    SourceInfo,
)

_CODE_KEYS = {"code": "loinc", "loinc": "loinc", "snomed": "snomed", "icd10": "icd10",
              "rxnorm": "rxnorm"}


def load_patient(path: str | Path) -> Patient:
    p = Path(path)
    try:
        raw = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PatientParseError(f"cannot read: {getattr(exc, 'strerror', None) or exc}",
                                where=str(p)) from None
    data = _load(raw, p)
    if not isinstance(data, dict):
        raise PatientParseError("not a FHIR Bundle or a patient profile (expected an object)",
                                where=str(p))
    if "resourceType" in data:
        from kg.sources.fhir_patient import parse_bundle

        patient = parse_bundle(data, str(p))
        kind = "fhir-bundle"
    elif isinstance(data.get("patient"), dict):
        patient = parse_profile(data, str(p))
        kind = "patient-profile"
    else:
        raise PatientParseError("not a FHIR Bundle (no resourceType) nor a patient profile "
                                "(no 'patient' mapping)", where=str(p))
    patient.source = SourceInfo(kind, str(p))
    return patient


def _load(raw: str, path: Path) -> Any:
    if not raw.strip():
        raise PatientParseError("empty file", where=str(path))
    if raw.lstrip().startswith(("{", "[")):
        try:
            return json.loads(raw)
        except ValueError as exc:
            raise PatientParseError(f"not valid JSON: {exc}", where=str(path)) from None
    import yaml

    try:
        return yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", None)
        at = f" (line {line + 1})" if line is not None else ""
        raise PatientParseError(f"not valid JSON or YAML{at}", where=str(path)) from None


def parse_profile(data: dict[str, Any], where: str) -> Patient:
    head = data["patient"]
    sex = head.get("sex")
    if sex is not None and str(sex).lower() not in ("female", "male", "other", "unknown"):
        raise PatientParseError(f"patient.sex: {sex!r} is not female, male, other or unknown",
                                where=where)
    try:
        birth = _date(head.get("birth_date"))
    except ValueError as exc:
        raise PatientParseError(f"patient.birth_date: {exc}", where=where) from None
    patient = Patient(id=str(head.get("id", "patient")), birth_date=birth,
                      sex=str(sex).lower() if sex else None,
                      childbearing_potential=head.get("childbearing_potential"))
    for section, reader, target in (("observations", _observation, patient.observations),
                                    ("conditions", _condition, patient.conditions),
                                    ("medications", _medication, patient.medications),
                                    ("procedures", _procedure, patient.procedures)):
        items = data.get(section) or []
        if not isinstance(items, list):
            patient.problems.append(f"{section}: not a list; ignored")
            continue
        for index, item in enumerate(items):
            name = f"{section}[{index}]"
            try:
                if not isinstance(item, dict):
                    raise ValueError("not a mapping")
                target.append(reader(name, item))
            except (ValueError, TypeError) as exc:
                patient.problems.append(f"{name}: {exc}")
    return patient


def _codings(item: dict[str, Any]) -> list[Coding]:
    out = [Coding(system, str(item[key])) for key, system in _CODE_KEYS.items() if item.get(key)]
    if item.get("analyte"):
        out.append(Coding("trialkg", str(item["analyte"])))
    return out


def _number(item: dict[str, Any], key: str) -> float | None:
    value = item.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(f"{key}: {value!r} is not a number")
    try:
        return float(value)
    except ValueError:
        raise ValueError(f"{key}: {value!r} is not a number") from None


def _observation(name: str, item: dict[str, Any]) -> PatientObservation:
    codings = _codings(item)
    if not codings and not item.get("text"):
        raise ValueError("names no code, analyte or text")
    obs = PatientObservation(source=name, codings=codings, text=item.get("text"),
                             value=_number(item, "value"), unit=item.get("unit"),
                             result=item.get("result"), low=_number(item, "low"),
                             high=_number(item, "high"), date=_date(item.get("date")))
    obs.low_unit = item.get("range_unit") or obs.unit
    obs.high_unit = obs.low_unit
    if obs.value is None and obs.result is None:
        raise ValueError("value: the observation has no value or result")
    return obs


def _condition(name: str, item: dict[str, Any]) -> PatientCondition:
    codings = _codings(item)
    if not codings and not item.get("text"):
        raise ValueError("names no code or text")
    status = str(item.get("status", "active")).lower()
    if status not in ("active", "resolved", "absent"):
        raise ValueError(f"status: {status!r} is not active, resolved or absent")
    return PatientCondition(source=name, codings=codings, text=item.get("text"),
                            onset=_date(item.get("onset")), abated=_date(item.get("abated")),
                            status=status)


def _medication(name: str, item: dict[str, Any]) -> PatientMedication:
    codings = _codings(item)
    if not codings and not item.get("text"):
        raise ValueError("names no code or text")
    return PatientMedication(source=name, codings=codings, text=item.get("text"),
                             dose=_number(item, "dose"), dose_unit=item.get("unit"),
                             per_day=_number(item, "per_day"), route=item.get("route"),
                             start=_date(item.get("start")), end=_date(item.get("end")))


def _procedure(name: str, item: dict[str, Any]) -> PatientProcedure:
    if not _codings(item) and not item.get("text"):
        raise ValueError("names no code or text")
    return PatientProcedure(source=name, codings=_codings(item), text=item.get("text"),
                            start=_date(item.get("start")), end=_date(item.get("end")))


def _date(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    text = str(value)
    try:
        dt.date.fromisoformat(text[:10])
    except ValueError:
        raise ValueError(f"{value!r} is not an ISO date (YYYY-MM-DD)") from None
    return text[:10]
