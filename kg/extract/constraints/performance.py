"""Age and performance status (ECOG/WHO/Zubrod, Karnofsky) written in a criterion, and the
structured age and sex fields of the record."""

from __future__ import annotations

import re

from kg.extract.constraints.context import Context
from kg.extract.constraints.numbers import comparator_at
from kg.model import Constraint, Eligibility

_RANGE = r"(?P<lo>\d{1,3})\s*(?:-|–|—|~|to|and|or)\s*(?P<hi>\d{1,3})"
_YEARS = r"(?:years?|yrs?|y)(?:\s+(?:old|of\s+age))?"
_AGE_PATTERNS = [
    # "Between 18 to 65 years old", "aged 18-75 years", "age 18 to 70 years"
    re.compile(r"(?:between\s+(?:the\s+ages?\s+of\s+)?|aged?\s*(?:between\s+)?|ages?\s+of\s+)?"
               + _RANGE + r"\s*" + _YEARS, re.I),
    re.compile(r"\bage[sd]?\s*(?:of\s+|:\s*)?(?:between\s+)?" + _RANGE, re.I),
]
# "age >= 18 years", ">= 18 years of age", "18 years or older", "at least 18 years old"
_AGE_MIN_AFTER = re.compile(r"(?P<n>\d{1,3})\s*" + _YEARS + r"\s*(?:or|and)\s*(?:older|above|"
                            r"over|greater)", re.I)
_AGE_CMP = re.compile(r"\bage[sd]?\b(?:\s+(?:of|is|must\s+be))?\s*", re.I)
_AGE_CMP_BEFORE = re.compile(r"(?P<n>\d{1,3})\s*" + _YEARS, re.I)

_ECOG = re.compile(r"\b(?P<scale>ECOG|WHO|Zubrod)\b(?:[\s\-]*(?:performance|PS|status|score|"
                   r"grade|of|\(|\)|:|=))*\s*", re.I)
_KPS = re.compile(r"\b(?:Karnofsky|KPS)\b(?:[\s\-]*(?:performance|PS|status|score|scale|of|"
                  r"\(|\)|:|=))*\s*", re.I)


def find(text: str, ctx: Context) -> list[Constraint]:
    return [*_age(text, ctx), *_performance(text, ctx)]


def structured(eligibility: Eligibility) -> list[Constraint]:
    """The record's minimum/maximum age and sex fields as constraints (no criterion)."""
    out: list[Constraint] = []
    low, high = eligibility.minimum_age_years, eligibility.maximum_age_years
    if low is not None or high is not None:
        words = " to ".join(x for x in (eligibility.minimum_age, eligibility.maximum_age) if x)
        c = Constraint(key="age", kind="age", effect="require", text=words, unit="a",
                       concept="age", label="age")
        if low is not None and high is not None:
            c.comparator, c.value, c.upper = "in-range", low, high
        elif low is not None:
            c.comparator, c.value = ">=", low
        else:
            c.comparator, c.value = "<=", high
        out.append(c)
    sex = (eligibility.sex or "").upper()
    if sex in ("FEMALE", "MALE"):
        out.append(Constraint(key="sex", kind="sex", effect="require", text=eligibility.sex,
                              concept=sex.lower(), label="sex", comparator="=="))
    return out


def _age(text: str, ctx: Context) -> list[Constraint]:
    for pattern in _AGE_PATTERNS:
        m = pattern.search(text)
        if m and _plausible_age(m.group("lo"), m.group("hi")):
            return [_age_constraint(text, m.start(), m.end(), "in-range", float(m.group("lo")),
                                    float(m.group("hi")), ctx)]
    m = _AGE_MIN_AFTER.search(text)
    if m:
        return [_age_constraint(text, m.start(), m.end(), ">=", float(m.group("n")), None, ctx)]
    for m in _AGE_CMP.finditer(text):
        found = comparator_at(text, m.end())
        if found:
            n = _AGE_CMP_BEFORE.match(text, found[1] + (len(text[found[1]:]) -
                                                        len(text[found[1]:].lstrip())))
            if n:
                return [_age_constraint(text, m.start(), n.end(), found[0], float(n.group("n")),
                                        None, ctx)]
    return []


def _plausible_age(lo: str, hi: str) -> bool:
    return 0 <= int(lo) < int(hi) <= 120


def _age_constraint(text, start, end, cmp_, value, upper, ctx: Context) -> Constraint:
    return Constraint(key="", kind="age", effect=ctx.effect, text=text[start:end].strip(),
                      start=start, end=end, concept="age", label="age", comparator=cmp_,
                      value=value, upper=upper, unit="a")


def _performance(text: str, ctx: Context) -> list[Constraint]:
    out = []
    for m in _ECOG.finditer(text):
        c = _grades(text, m.end(), 0, 5)
        if c is None:
            continue
        cmp_, lo, hi, end, assumed = c
        con = Constraint(key="", kind="performance-status", effect=ctx.effect,
                         text=text[m.start():end].strip(), start=m.start(), end=end,
                         assumptions=assumed, status="assumed" if assumed else "computable",
                         concept="ecog", label="ECOG performance status", scale="ECOG",
                         comparator=cmp_, value=lo, upper=hi,
                         codes=[x.code for x in ctx.concepts.scales["ecog"].loinc])
        if m.group("scale").upper() != "ECOG":
            con.status = "assumed"
            con.assumptions.append(f"{m.group('scale')} performance status read on the ECOG "
                                   "scale (the same 0-5 grades)")
        out.append(con)
    for m in _KPS.finditer(text):
        c = _grades(text, m.end(), 0, 100)
        if c is None:
            continue
        cmp_, lo, hi, end, assumed = c
        out.append(Constraint(key="", kind="performance-status", effect=ctx.effect,
                              text=text[m.start():end].strip(), start=m.start(), end=end,
                              assumptions=assumed,
                              status="assumed" if assumed else "computable",
                              concept="karnofsky", label="Karnofsky performance status",
                              scale="Karnofsky", comparator=cmp_, value=lo, upper=hi))
    return out


def _grades(text: str, pos: int, low: int, high: int):
    """'0-1', '0 or 1', '0, 1 or 2', '<= 2', '>= 70%' -> (comparator, value, upper, end,
    assumptions)."""
    found = comparator_at(text, pos)
    if found:
        n = re.compile(r"\s*(\d{1,3})\s*%?").match(text, found[1])
        if n and low <= int(n.group(1)) <= high:
            return found[0], float(n.group(1)), None, n.end(), []
        return None
    listed = re.compile(r"(\d{1,3})(?:\s*(?:,|-|–|to|or|and|~)\s*(\d{1,3}))*"
                        r"(?:\s*(?:points?|%))?", re.I).match(text, pos)
    if not listed:
        return None
    values = [int(v) for v in re.findall(r"\d{1,3}", listed.group())]
    if not values or not all(low <= v <= high for v in values):
        return None
    if len(values) == 1:
        # "KPS 70" is a floor and "ECOG 1" a ceiling, as such criteria are meant.
        cmp_ = ">=" if high == 100 else "<="
        return cmp_, float(values[0]), None, listed.end(), [
            f"no comparator written; read as '{cmp_} {values[0]}'"]
    return "in-range", float(min(values)), float(max(values)), listed.end(), []
