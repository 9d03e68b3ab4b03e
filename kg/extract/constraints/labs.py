"""Laboratory values, vital signs, QTc and urine protein: '<analyte> <comparator> <quantity>'.

A threshold belongs to the analyte names written just before it, up to the previous
threshold: "ALT and AST <= 2.5 x ULN" gives two constraints, "Serum creatinine (Cr) <=
1.5 x ULN and creatinine clearance (CCr) >= 60 ml/min" gives one each. A threshold with no
comparator ("Blood platelet (PLT): 100*10^9/L") is read as the usual direction for that
analyte (a floor for blood counts), with the assumption recorded.
"""

from __future__ import annotations

import re

from kg.extract.constraints.concepts import FLOOR_ANALYTES
from kg.extract.constraints.context import Context
from kg.extract.constraints.numbers import COMPARATOR, comparator_at, ordinal_at, quantity_at
from kg.model import Constraint

# What may stand between an analyte's name and its threshold: an abbreviation in
# brackets, "level(s)", "count", "value", "of", "is", "should be", ":", "and <analyte>"...
_GAP = re.compile(r"^(?:\s|\([^()]{0,40}\)|:|,|level[s]?|counts?|values?|concentration|"
                  r"result[s]?|of|is|are|was|should\s+be|must\s+be|be|to|serum|blood|"
                  r"absolute|total)*$", re.I)


def find(text: str, ctx: Context) -> list[Constraint]:
    concepts = ctx.concepts
    mentions = concepts.find_analytes(text)
    if not mentions:
        return []
    out: list[Constraint] = []
    pending: list[tuple[str, int, int]] = []
    index = 0
    while index < len(mentions):
        key, start, end = mentions[index]
        pending.append((key, start, end))
        reading = _threshold_after(text, end, key)
        if reading is None:
            index += 1
            continue
        cmp_, quantity, t_end, assumptions, ordinal = reading
        for m_key, m_start, _m_end in _joined(text, pending):
            out.append(_measurement(text, m_key, m_start, t_end, cmp_, quantity, assumptions,
                                    ordinal, ctx))
        pending = []
        index += 1
        while index < len(mentions) and mentions[index][1] < t_end:  # inside the threshold
            index += 1
    return out


def _joined(text: str, pending: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """The analytes a threshold applies to: the last one named, and those joined to it by
    'and', '/', ',' or 'or' (one key once: "creatinine clearance (CCr)" names it twice).
    Anything else between two names ("; ", ". ", ", if not ") ends the list."""
    chosen = [pending[-1]]
    for m in reversed(pending[:-1]):
        between = text[m[2]:chosen[-1][1]]
        if not re.fullmatch(r"[\s()]*(?:and|or|/|,|&|\+)?[\s()]*", between, re.I):
            break
        chosen.append(m)
    seen, out = set(), []
    for m in reversed(chosen):
        if m[0] not in seen:
            seen.add(m[0])
            out.append(m)
    return out


def _threshold_after(text: str, pos: int, key: str):
    """(comparator, quantity, end, assumptions, ordinal) of the threshold after an analyte."""
    window_end = min(len(text), pos + 60)
    for m in COMPARATOR.finditer(text, pos, window_end):
        if not _GAP.match(text[pos:m.start()]):
            return None
        found = comparator_at(text, m.start())
        if found is None:
            continue
        cmp_, after = found
        quantity = quantity_at(text, after)
        if quantity is not None:
            return cmp_, quantity, quantity.end, list(quantity.assumptions), None
        grade = ordinal_at(text, after)
        if grade is not None:
            return cmp_, None, grade[1], [], grade[0]
        return None
    colon = re.compile(r"\)?(?:\s*\([^()]{0,40}\))?\s*:\s*").match(text, pos)
    if colon:
        quantity = quantity_at(text, colon.end())
        if quantity is not None and (quantity.unit or quantity.limit):
            cmp_ = ">=" if key in FLOOR_ANALYTES else "<="
            why = (f"no comparator written; read as '{cmp_}' (the usual "
                   f"{'floor' if cmp_ == '>=' else 'ceiling'} for {key})")
            return cmp_, quantity, quantity.end, [*quantity.assumptions, why], None
    return None


def _measurement(text: str, key: str, start: int, end: int, cmp_: str, quantity, assumptions,
                 ordinal: int | None, ctx: Context) -> Constraint:
    analyte = ctx.concepts.analytes[key]
    c = Constraint(key="", kind="measurement", effect=ctx.effect, text=text[start:end].strip(),
                   start=start, end=end, concept=key, label=analyte.label,
                   codes=[code.code for code in analyte.loinc], comparator=cmp_,
                   assumptions=list(assumptions))
    if ordinal is not None:
        c.value, c.status = float(ordinal), "not-computable"
        c.reason = (f"{analyte.label} is given as a dipstick grade ({'+' * ordinal}); ordinal "
                    "grades are not compared with patients' results")
        return c
    c.value, c.unit, c.limit = quantity.value, quantity.unit, quantity.limit
    if key == "urine-protein-24h" and c.unit in ("g", "mg"):
        c.unit = f"{c.unit}/(24.h)"
        c.assumptions.append(f"'{quantity.value:g} {quantity.unit}' read as per 24 hours")
    if c.unit is None and c.limit is None and analyte.unit not in (None, "1"):
        c.unit = analyte.unit
        c.assumptions.append(f"no unit written; read in {analyte.unit}")
    if key in ("systolic-bp", "diastolic-bp") and re.search(r"hypertensi", text, re.I):
        c.assumptions.append("the pressure threshold is applied on its own; the history of "
                             "hypertension and its treatment are not checked")
    if c.assumptions:
        c.status = "assumed"
    return c
