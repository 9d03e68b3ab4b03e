"""Prior or concurrent therapy and concomitant medication on the patient's record."""

from __future__ import annotations

import datetime as dt

from kg.model import Constraint
from kg.views.match.evaluate import Checker, Truth, _compare, _window, _window_days
from kg.views.match.facts import SYSTEMIC_ROUTES, MedicationFact
from kg.views.match.units import UnitError


def therapy_truth(ck: Checker, c: Constraint) -> Truth:
    label = c.label or c.concept or "therapy"
    if c.concept == "radiotherapy-to-recurrence":
        return _interval(ck, c)
    if c.drug_classes or c.drugs:
        hits = [m for m in ck.facts.medications
                if m.drugs & set(c.drugs) or m.classes & set(c.drug_classes)]
    else:
        hits = [m for m in ck.facts.medications if c.concept in m.flags]
    if not hits:
        return Truth(None, f"no record of {label}")
    if c.window is None or c.window.relation != "within":
        m = hits[0]
        return Truth(True, f"{label}: {_name(m)}")
    since = ck.facts.as_of - dt.timedelta(days=_window_days(c))
    undated = []
    for m in hits:
        if m.start is None and m.end is None:
            undated.append(m)
            continue
        if (m.start is None or m.start <= ck.facts.as_of) and (m.end is None or m.end >= since):
            return Truth(True, f"{label} within {_window(c)}: {_name(m)}")
    if undated:
        return Truth(None, f"{label}: {_name(undated[0])} has no dates")
    return Truth(False, f"{label} only before the last {_window(c)}: {_name(hits[0])}")


def medication_truth(ck: Checker, c: Constraint) -> Truth:
    """Daily prednisone-equivalent dose of systemic glucocorticoids in the window."""
    since = ck.facts.as_of - dt.timedelta(days=_window_days(c))  # no window: 0 days
    steroids = [m for m in ck.facts.medications if m.steroid_factor is not None
                and (m.start is None or m.start <= ck.facts.as_of)
                and (m.end is None or m.end >= since)]
    if not steroids:
        return Truth(None, "no record of systemic glucocorticoids")
    unknown = []
    for m in steroids:
        med = m.medication
        if med.route and not SYSTEMIC_ROUTES.search(med.route):
            continue
        if med.dose is None or med.per_day is None or not med.route:
            unknown.append(f"{_name(m)}: dose, frequency or route not recorded")
            continue
        try:
            mg = ck.units.convert(med.dose, med.dose_unit or "mg", "mg")
        except UnitError as exc:
            unknown.append(f"{_name(m)}: {exc}")
            continue
        daily = mg * med.per_day * m.steroid_factor
        truth = _compare(f"{_name(m)} {med.dose:g} {med.dose_unit or 'mg'} x {med.per_day:g}/day"
                         f" = {daily:.3g} mg/day prednisone-equivalent", daily, c, " mg/day")
        if truth.value:
            return truth
    if unknown:
        return Truth(None, "; ".join(unknown))
    return Truth(False, "systemic glucocorticoid doses within the limit or only topical use")


def _interval(ck: Checker, c: Constraint) -> Truth:
    end, recurrence = ck.facts.radiotherapy_end, ck.facts.recurrence
    if end is None or recurrence is None:
        what = "end of radiotherapy" if end is None else "recurrence or metastasis date"
        return Truth(None, f"no {what} on the record")
    months = (recurrence - end).days / 30.4375
    needed = _window_days(c) / 30.4375
    return Truth(months >= needed, f"recurrence {recurrence} is {months:.1f} months after the "
                 f"end of radiotherapy {end}; needs at least {needed:g}")


def _name(m: MedicationFact) -> str:
    return f"{m.medication.text or m.medication.source} ({m.medication.source})"
