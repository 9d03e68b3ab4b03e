"""An eligibility criterion's constraints (issue 15) in plain words for its card:
"requires: hemoglobin ≥ 90 g/L", "excluded if: heart failure within 6 months before
inclusion". The constraint nodes themselves are never drawn; this is how they are shown.

Read from the triples kg/rdf/constraints.py writes (never from the tkg:matchIndex literal,
which is the matcher's copy of the same facts and is not shown at all).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from rdflib import URIRef

from kg.rdf.namespaces import RDFS, TKG
from kg.views.viz.index import Index
from kg.views.viz.text import shorten

EFFECTS = {"require": "requires", "exclude": "excluded if"}
SYMBOLS = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "==": "="}
# UCUM codes as a clinician writes them; anything else is shown as written, with 10*N
# turned into ×10^N (superscript digits) and annotation braces dropped.
UNITS = {"a": "years", "mo": "months", "wk": "weeks", "d": "days", "h": "hours",
         "min": "minutes", "mm[Hg]": "mmHg", "g/(24.h)": "g/24 h", "mg/d": "mg/day",
         "%": "%"}
SINGULAR = {"years": "year", "months": "month", "weeks": "week", "days": "day",
            "hours": "hour", "minutes": "minute"}
ANCHORS = {"intervention": "the study treatment"}
APPLIES = {"female": "women", "male": "men",
           "childbearing-potential": "women of childbearing potential"}
SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
LABEL_CHARS = 140
MAX_DEPTH = 4  # parts of parts of …: the mapping nests at most two levels


def criterion_facts(idx: Index, criterion: URIRef) -> list[tuple[str, str]]:
    """One row per constraint (its effect, then what it checks), then the assumptions made
    reading them and why any part could not be computed."""
    rows: list[tuple[str, str]] = []
    assumptions: list[str] = []
    for node in ordered(idx, idx.objects(criterion, TKG.hasConstraint)):
        effect = idx.first(node, TKG.effect) or "require"
        rows.append((EFFECTS.get(effect, effect), words(idx, node)))
        for text in _assumptions(idx, node, 0):
            if text not in assumptions:
                assumptions.append(text)
    rows.extend(("assumption", text) for text in assumptions)
    reason = idx.first(criterion, TKG.notComputableReason)
    if reason:
        rows.append(("not computable", reason))
    return rows


def words(idx: Index, node: URIRef, depth: int = 0) -> str:
    """What one constraint checks, without its effect."""
    kind = idx.first(node, TKG.constraintKind) or ""
    label = shorten(idx.first(node, RDFS.label) or idx.first(node, TKG.concept) or "constraint",
                    LABEL_CHARS)  # a clause kept whole as the label can be a paragraph
    if kind in ("all-of", "any-of") and depth < MAX_DEPTH:
        parts = [words(idx, p, depth + 1) for p in ordered(idx, idx.objects(node, TKG.hasPart))]
        joiner = " and " if kind == "all-of" else " or "
        text = joiner.join(f"({p})" if (" and " in p or " or " in p) else p for p in parts)
        text = text or label
    elif kind == "sex":
        text = f"sex: {idx.first(node, TKG.concept) or label}"
    else:
        text = " ".join(x for x in (label, threshold(idx, node)) if x)
    text += _window(idx, node) + _except(idx, node)
    applies = idx.first(node, TKG.appliesTo)
    if applies:
        text = f"for {APPLIES.get(applies, applies)}: {text}"
    alternatives = [words(idx, u, depth + 1) for u in ordered(idx, idx.objects(node, TKG.unless))]
    if alternatives and depth < MAX_DEPTH:
        text += " — unless " + " and ".join(alternatives)
    status = idx.first(node, TKG.parseStatus)
    if status == "not-computable":
        reason = idx.first(node, TKG.notComputableReason)
        text += f" (not computable: {reason})" if reason else " (not computable)"
    elif status == "assumed":
        text += " (assumed)"
    return text


def threshold(idx: Index, node: URIRef) -> str:
    comparator = idx.first(node, TKG.comparator)
    value = number(idx.first(node, TKG.thresholdValue))
    limit = idx.first(node, TKG.normalLimit)
    unit = f"× {limit}" if limit else unit_text(idx.first(node, TKG.ucumUnit))
    if comparator == "normal":
        return "within the normal range"
    if comparator == "in-range":
        upper = number(idx.first(node, TKG.upperValue))
        span = f"{value}–{upper}" if value and upper else value or upper
        return " ".join(x for x in (span, unit) if x)
    if comparator in SYMBOLS and value:
        return " ".join(x for x in (SYMBOLS[comparator], value, unit) if x)
    return ""


def unit_text(code: str | None) -> str:
    if not code:
        return ""
    if code in UNITS:
        return UNITS[code]
    text = re.sub(r"10\*(-?\d+)", lambda m: "×10" + m.group(1).translate(SUPERSCRIPT), code)
    return text.replace("{", "").replace("}", "")


def number(text: str | None) -> str:
    """'90.0' -> '90', '10000.0' -> '10,000', '1.5' -> '1.5'."""
    if text is None:
        return ""
    try:
        value = Decimal(text)
    except InvalidOperation:
        return text
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return format(value.normalize(), "f")


def ordered(idx: Index, nodes: list[URIRef]) -> list[URIRef]:
    """In the criterion's own order: c1, c2, …, c10 (keys compared as numbers)."""
    def key(node: URIRef):
        text = idx.first(node, TKG.constraintKey) or str(node)
        return [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", text)]
    return sorted(nodes, key=key)


def _window(idx: Index, node: URIRef) -> str:
    relation = idx.first(node, TKG.windowRelation)
    amount = number(idx.first(node, TKG.windowAmount))
    if not relation or not amount:
        return ""
    unit = unit_text(idx.first(node, TKG.windowUnit))
    if amount == "1":
        unit = SINGULAR.get(unit, unit)
    anchor = idx.first(node, TKG.windowAnchor) or "inclusion"
    anchor = ANCHORS.get(anchor, anchor)
    if relation == "at-least":
        return f" at least {amount} {unit} after {anchor}"
    return f" within {amount} {unit} before {anchor}"


def _except(idx: Index, node: URIRef) -> str:
    keys = idx.texts(node, TKG.exceptConcept)
    if not keys:
        return ""
    return " (not counting " + ", ".join(k.replace("-", " ") for k in keys) + ")"


def _assumptions(idx: Index, node: URIRef, depth: int) -> list[str]:
    out = idx.texts(node, TKG.assumption)
    if depth < MAX_DEPTH:
        for child in ordered(idx, idx.objects(node, TKG.hasPart) + idx.objects(node, TKG.unless)):
            out += _assumptions(idx, child, depth + 1)
    return out
