"""Clauses that bind constraints together, kept rather than flattened.

- "TSH <= ULN; if not, including those whose FT3 and FT4 levels are normal": the TSH
  requirement gets ``unless`` = [FT3 normal, FT4 normal].
- "ALT <= 2.5 x ULN (<= 5 x ULN for patients with liver metastases)": ``unless`` = [ALT
  <= 5 x ULN, the stated condition].
- In an exclusion, "HBsAg positive and HBV DNA >= 10^4 copies/ml" excludes only when both
  hold: one all-of constraint. "HCV RNA positive and abnormal hepatic function" joins a part
  no rule reads, so the whole cannot exclude on its own (undetermined instead).
- "... can be included" after a prior-therapy exclusion: an allowance the record cannot
  check, kept as a not-computable ``unless`` (a patient it might admit is undetermined).
"""

from __future__ import annotations

import re

from kg.extract.constraints.context import Context
from kg.extract.constraints.numbers import comparator_at, quantity_at
from kg.model import Constraint

_IF_NOT = re.compile(r"(?:[;.,]\s*)(?:if\s+not|otherwise|if\s+(?:above|higher|abnormal))\b", re.I)
_NORMAL = re.compile(r"\b(?:normal|within\s+(?:the\s+)?normal\s+(?:range|limits?))\b", re.I)
_ALT_THRESHOLD = re.compile(r"\s*[(,]\s*(?:or\s+)?(?=[≤≥<>]|less|no\s+more|up\s+to)", re.I)
_ALT_CONDITION = re.compile(r"\s*(?:if|for|in|when)\s+(?:the\s+)?(?:patients?\s+)?(?:with\s+|"
                            r"has\s+|have\s+|case\s+of\s+)?(?P<what>[^)]{3,80})\)", re.I)
_ALLOW = re.compile(r"\b(?:(?:can|may)\s+be\s+(?:included|enrolled)|(?:is|are)\s+"
                    r"(?:allowed|permitted))\b", re.I)


def apply(text: str, found: list[Constraint], ctx: Context) -> list[Constraint]:
    found = _if_not(text, found, ctx)
    found = _alternative_thresholds(text, found, ctx)
    if ctx.kind == "exclusion":
        found = _conjunctions(text, found)
    _allowances(text, found)
    return found


def _if_not(text: str, found: list[Constraint], ctx: Context) -> list[Constraint]:
    m = _IF_NOT.search(text)
    if not m:
        return found
    before = [c for c in found if c.kind == "measurement" and c.end is not None
              and c.end <= m.start()]
    after = [c for c in found if c.start is not None and c.start >= m.end()]
    if not before:
        return found
    tail = text[m.end():]
    if not _NORMAL.search(tail):
        return found
    target = before[-1]
    offset = m.end()
    kept = [c for c in found if c not in after]
    for key, start, end in ctx.concepts.find_analytes(tail):
        if any(u.concept == key for u in target.unless):
            continue
        analyte = ctx.concepts.analytes[key]
        target.unless.append(Constraint(
            key="", kind="measurement", effect="require", text=tail[start:end],
            start=offset + start, end=offset + end, concept=key, label=analyte.label,
            codes=[x.code for x in analyte.loinc], comparator="normal"))
    if not target.unless:
        return found
    target.assumptions.append(f"conditional kept: when this fails, the criterion is still met "
                              f"if {' and '.join(u.label or '' for u in target.unless)} "
                              "are within their reference ranges")
    return kept


def _alternative_thresholds(text: str, found: list[Constraint], ctx: Context):
    for c in found:
        if c.kind != "measurement" or c.end is None:
            continue
        m = _ALT_THRESHOLD.match(text, c.end)
        if not m:
            continue
        cmp_ = comparator_at(text, m.end())
        q = quantity_at(text, cmp_[1]) if cmp_ else None
        cond = _ALT_CONDITION.match(text, q.end) if q else None
        if not cond:
            continue
        alt = Constraint(key="", kind="measurement", effect="require",
                         text=text[m.end():q.end].strip(), start=m.end(), end=q.end,
                         concept=c.concept, label=c.label, codes=list(c.codes),
                         comparator=cmp_[0], value=q.value, unit=q.unit, limit=q.limit)
        what = cond.group("what").strip()
        hits = ctx.concepts.find_conditions(what)
        if hits:
            key = hits[0][0]
            concept = ctx.concepts.conditions[key]
            premise = Constraint(key="", kind="condition", effect="require", text=what,
                                 start=cond.start("what"), end=cond.end("what"), concept=key,
                                 label=concept.label, codes=[x.code for x in concept.mesh])
        else:
            premise = _unread(what, cond.start("what"), "the condition of the alternative "
                              "threshold is not one the matcher can check")
        c.unless.extend([alt, premise])
    return found


def _conjunctions(text: str, found: list[Constraint]) -> list[Constraint]:
    ordered = sorted((c for c in found if c.start is not None), key=lambda c: c.start)
    rest = [c for c in found if c.start is None]
    out: list[Constraint] = []
    i = 0
    while i < len(ordered):
        c = ordered[i]
        nxt = ordered[i + 1] if i + 1 < len(ordered) else None
        clause_end = _clause_end(text, c.end)
        gap_end = min(nxt.start, clause_end) if nxt and nxt.start < clause_end else clause_end
        gap = text[c.end:gap_end]
        join = re.match(r"^[\s,]*[^,;(]*?\band\s+(?P<rest>[^;]*)$", gap, re.I)
        if c.kind in ("condition", "measurement") and join:
            rest_text, either = join.group("rest"), re.search(r"\bor\b", join.group("rest"))
            rest_text = rest_text[:either.start()] if either else rest_text
            lead = len(rest_text) - len(rest_text.lstrip(" .,)("))  # "and (abnormal ...)"
            rest_text = rest_text.strip(" .,)(")
            if nxt and nxt.start < clause_end and not either:
                out.append(_all_of(text, [c, nxt]))
                i += 2
                continue
            if len(rest_text.split()) >= 2:
                start = c.end + join.start("rest") + lead
                out.append(_all_of(text, [c, _unread(rest_text, start, "no rule reads this "
                                                     "part of the conjunction")]))
                i += 1
                continue
        out.append(c)
        i += 1
    return out + rest


def _allowances(text: str, found: list[Constraint]) -> None:
    therapies = [c for c in found if c.kind == "therapy" and c.effect == "exclude"
                 and (c.drug_classes or c.drugs) and c.end is not None]
    if not therapies:
        return
    for m in _ALLOW.finditer(text):
        start = text.rfind(". ", 0, m.start()) + 1
        stop = text.find(". ", m.end())
        sentence = text[start:stop if stop >= 0 else len(text)]
        begin = start + len(sentence) - len(sentence.lstrip())
        for c in therapies:
            if c.end <= begin:
                c.unless.append(_unread(sentence.strip(), begin, "an allowance the patient "
                                        "record cannot settle (treatment phase, response); a "
                                        "patient it may admit is undetermined"))


def _all_of(text: str, parts: list[Constraint]) -> Constraint:
    start, end = parts[0].start, max(p.end or 0 for p in parts)
    for p in parts:
        p.effect = "require"  # the composite carries the effect
    return Constraint(key="", kind="all-of", effect="exclude", text=text[start:end],
                      start=start, end=end, parts=parts,
                      label=" and ".join(p.label or p.text for p in parts))


def _unread(what: str, start: int, reason: str) -> Constraint:
    return Constraint(key="", kind="condition", effect="require", text=what, start=start,
                      end=start + len(what), status="not-computable", reason=reason,
                      label=what)


def _clause_end(text: str, pos: int) -> int:
    stops = [i for i in (text.find(";", pos), text.find(". ", pos)) if i >= 0]
    return min(stops) if stops else len(text)
