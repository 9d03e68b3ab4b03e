"""Three-valued checking of constraints against one patient's facts.

Each predicate is True, False or None (cannot tell: the data is missing, a unit does not
convert, a code is unknown, or the constraint is not computable). A "require" constraint
fails only on False, an "exclude" constraint only on True, so missing data never excludes.
``unless`` alternatives rescue a failure when all of them are True; when one is unknown the
constraint is undetermined rather than failed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from kg.extract.constraints.concepts import Concepts
from kg.model import Constraint
from kg.views.match.facts import PatientFacts, read_result
from kg.views.match.units import Converter, UnitError
from kg.vocab import Vocabulary

_DAYS = {"d": 1.0, "wk": 7.0, "mo": 30.4375, "a": 365.25}


@dataclass
class Truth:
    value: bool | None
    detail: str  # the patient's value against the threshold, or why unknown
    missing: bool = True  # when value is None: data missing (vs not computable)


@dataclass
class Outcome:
    result: str  # "pass", "fail", "undetermined", "not-applicable"
    detail: str
    missing: bool = True


@dataclass
class Checker:
    facts: PatientFacts
    concepts: Concepts
    vocab: Vocabulary
    units: Converter
    trial_conditions: frozenset[str] = frozenset()  # vocabulary keys of the trial's disease
    memo: dict | None = None  # (constraint id, trial conditions if they matter) -> Outcome

    def outcome(self, c: Constraint) -> Outcome:
        if self.memo is None:
            return self._outcome(c)
        key = (id(c), self.trial_conditions if _uses_trial(c) else None)
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = (c, self._outcome(c))  # c kept: its id stays unique
        return found[1]

    def _outcome(self, c: Constraint) -> Outcome:
        applies = self._applies(c)
        if applies is False:
            return Outcome("not-applicable", f"applies to {c.applies_to} patients only")
        if applies is None:
            return Outcome("undetermined", f"applies to {c.applies_to} patients; the "
                           "patient's sex is not recorded")
        truth = self.truth(c)
        if truth.value is None:
            return Outcome("undetermined", truth.detail, truth.missing)
        failed = (truth.value is False) if c.effect == "require" else (truth.value is True)
        if not failed:
            return Outcome("pass", truth.detail)
        if c.unless:
            rescue = _all([self.truth(u) for u in c.unless])
            if rescue.value is True:
                return Outcome("pass", f"{truth.detail}; but {rescue.detail}")
            if rescue.value is None:
                return Outcome("undetermined", f"{truth.detail}; the alternative cannot be "
                               f"checked: {rescue.detail}", rescue.missing)
            return Outcome("fail", f"{truth.detail}; and not {rescue.detail}")
        return Outcome("fail", truth.detail)

    def truth(self, c: Constraint) -> Truth:
        if c.status == "not-computable":
            return Truth(None, f"not computable: {c.reason or c.text}", missing=False)
        if c.kind in ("all-of", "any-of"):
            parts = [self.truth(p) for p in c.parts]
            return _all(parts) if c.kind == "all-of" else _any(parts)
        handler = getattr(self, "_" + c.kind.replace("-", "_"), None)
        if handler is None:
            return Truth(None, f"no check for {c.kind} constraints", missing=False)
        return handler(c)

    # ------------------------------------------------------------------ kinds
    def _age(self, c: Constraint) -> Truth:
        age = self.facts.age
        if age is None:
            return Truth(None, "no birth date")
        return _compare(f"age {age}", age, c, "")

    def _sex(self, c: Constraint) -> Truth:
        sex = self.facts.patient.sex
        if sex not in ("female", "male"):
            return Truth(None, "sex not recorded")
        return Truth(sex == c.concept, f"sex {sex}; the trial takes {c.concept} patients")

    def _performance_status(self, c: Constraint) -> Truth:
        key = "karnofsky" if c.scale and c.scale.lower() == "karnofsky" else "ecog"
        results = self.facts.results.get(key, [])
        obs = next((o for o in results if o.value is not None), None)
        if obs is None:
            return Truth(None, f"no {c.label or key} result")
        return _compare(f"{c.scale or key} {obs.value:g} ({obs.source})", obs.value, c, "")

    def _measurement(self, c: Constraint) -> Truth:
        results = self.facts.results.get(c.concept, [])
        label = c.label or c.concept or "result"
        if c.window is not None and c.window.relation == "within":
            since = self.facts.as_of - dt.timedelta(days=_window_days(c))
            dated = [o for o in results if o.date and dt.date.fromisoformat(o.date) >= since]
            if results and not dated:
                return Truth(None, f"no {label} result within {_window(c)} before "
                             f"{self.facts.as_of} (latest {results[0].date or 'undated'})")
            results = dated
        if not results:
            more = (f"; {len(self.facts.unrecognised)} observation(s) with codes the matcher "
                    "does not know" if self.facts.unrecognised else "")
            return Truth(None, f"no {label} result{more}")
        obs = results[0]
        if c.comparator == "==":
            return self._coded(c, obs, label)
        if obs.value is None:
            return Truth(None, f"{label} ({obs.source}) has no numeric value")
        shown = f"{label} {obs.value:g}{' ' + obs.unit if obs.unit else ''} ({obs.source})"
        if c.comparator == "normal":
            low, high = self._range(obs, c)
            if low is None or high is None:
                return Truth(None, f"{shown} has no reference range")
            inside = low <= obs.value <= high
            return Truth(inside, f"{shown} {'within' if inside else 'outside'} its reference "
                         f"range {low:g}-{high:g}")
        if c.limit is not None:
            low, high = self._range(obs, c)
            limit = high if c.limit == "ULN" else low
            if limit is None:
                return Truth(None, f"{shown} has no {'upper' if c.limit == 'ULN' else 'lower'} "
                             "reference limit (referenceRange) for a x ULN check")
            if limit <= 0:
                return Truth(None, f"{shown}: reference limit {limit:g} is not positive")
            ratio = obs.value / limit
            return _compare(f"{shown} = {ratio:.3g} x {c.limit} ({c.limit} {limit:.4g})", ratio,
                            c, f" x {c.limit}")
        if c.unit is None:
            return _compare(shown, obs.value, c, "")
        if obs.unit is None:
            return Truth(None, f"{shown} has no unit; the threshold is in {c.unit}")
        analyte = self.concepts.analytes.get(c.concept)
        try:
            value = self.units.convert(obs.value, obs.unit, c.unit,
                                       analyte.molar_mass if analyte else None)
        except UnitError as exc:
            return Truth(None, f"{shown}: {exc}")
        converted = "" if obs.unit == c.unit else f" = {_fmt(value)} {c.unit}"
        return _compare(shown + converted, value, c, f" {c.unit}")

    def _coded(self, c: Constraint, obs, label: str) -> Truth:
        positive = read_result(obs.result)
        if positive is None:
            return Truth(None, f"{label} result {(obs.result or '').strip()!r} ({obs.source}) "
                         "is not read as positive or negative")
        value = 1.0 if positive else 0.0
        word = "positive" if positive else "negative"
        needed = "negative" if c.value == 0 else "positive"
        return Truth(value == c.value, f"{label} {word} on {obs.date or 'an unknown date'} "
                     f"({obs.source}); needs {needed}")

    def _range(self, obs, c: Constraint) -> tuple[float | None, float | None]:
        """The reference range in the result's own unit (converted when the range is given
        in another, e.g. a result in mg/dL against a range in umol/L)."""
        analyte = self.concepts.analytes.get(c.concept)
        molar_mass = analyte.molar_mass if analyte else None
        out = []
        for value, unit in ((obs.low, obs.low_unit), (obs.high, obs.high_unit)):
            if value is None or not unit or not obs.unit or unit == obs.unit:
                out.append(value)
                continue
            try:
                out.append(self.units.convert(value, unit, obs.unit, molar_mass))
            except UnitError:
                out.append(None)
        return out[0], out[1]

    def _condition(self, c: Constraint) -> Truth:
        from kg.views.match.conditions import condition_truth

        return condition_truth(self, c)

    def _therapy(self, c: Constraint) -> Truth:
        from kg.views.match.therapy import therapy_truth

        return therapy_truth(self, c)

    def _medication(self, c: Constraint) -> Truth:
        from kg.views.match.therapy import medication_truth

        return medication_truth(self, c)

    def _applies(self, c: Constraint) -> bool | None:
        if c.applies_to is None:
            return True
        sex = self.facts.patient.sex
        if sex not in ("female", "male"):
            return None
        if c.applies_to == "male":
            return sex == "male"
        if sex != "female":
            return False
        if c.applies_to == "childbearing-potential":
            return self.facts.patient.childbearing_potential is not False
        return True


def _uses_trial(c: Constraint) -> bool:
    """Whether the outcome depends on the trial's own disease ("other malignancy")."""
    return c.concept == "malignancy" or any(_uses_trial(x) for x in (*c.parts, *c.unless))


def _window_days(c: Constraint) -> float:
    return c.window.amount * _DAYS.get(c.window.unit, 1.0) if c.window else 0.0


def _window(c: Constraint) -> str:
    unit = {"d": "days", "wk": "weeks", "mo": "months", "a": "years"}.get(c.window.unit, "")
    return f"{c.window.amount:g} {unit}"


def _fmt(value: float) -> str:
    return f"{value:.4g}"


def _round(value: float) -> float:
    """Unit conversions leave binary noise (150000/mm3 -> 150.00000000000003 x 10^9/L);
    boundaries (<= against <) are decided on 12 significant digits."""
    return float(f"{value:.12g}")


def _compare(shown: str, value: float, c: Constraint, unit: str) -> Truth:
    v, t = _round(value), _round(c.value if c.value is not None else 0.0)
    cmp_ = c.comparator
    if cmp_ == "in-range":
        hi = _round(c.upper) if c.upper is not None else t
        ok = t <= v <= hi
        need = f"{t:g}-{hi:g}{unit}"
    else:
        ok = {">=": v >= t, ">": v > t, "<=": v <= t, "<": v < t, "==": v == t}.get(cmp_)
        if ok is None:
            return Truth(None, f"comparator {cmp_!r} is not checked", missing=False)
        need = f"{cmp_} {t:g}{unit}"
    return Truth(ok, f"{shown}; threshold {need}")


def _all(truths: list[Truth]) -> Truth:
    if any(t.value is False for t in truths):
        return next(t for t in truths if t.value is False)
    unknown = [t for t in truths if t.value is None]
    if unknown:
        return Truth(None, "; ".join(t.detail for t in unknown),
                     missing=all(t.missing for t in unknown))
    return Truth(True, " and ".join(t.detail for t in truths))


def _any(truths: list[Truth]) -> Truth:
    if any(t.value is True for t in truths):
        return next(t for t in truths if t.value is True)
    unknown = [t for t in truths if t.value is None]
    if unknown:
        return Truth(None, "; ".join(t.detail for t in unknown),
                     missing=all(t.missing for t in unknown))
    return Truth(False, " and ".join(t.detail for t in truths))
