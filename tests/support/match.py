"""Unit-test helpers for kg.views.match: a Checker over a SYNTHETIC patient built in code
(kg.model dataclasses, no file, no graph), and Constraint objects as the extractor makes them.
"""

from __future__ import annotations

import datetime as dt

from kg.model import Constraint, Patient, TimeWindow

AS_OF = dt.date(2026, 12, 1)


def patient(**fields) -> Patient:
    """A synthetic patient (id says so); fields as kg.model.Patient takes them."""
    fields.setdefault("id", "synthetic-unit")
    return Patient(**fields)


def checker(p: Patient | None = None, *, as_of: dt.date = AS_OF,
            trial_conditions: frozenset[str] = frozenset(), memo: dict | None = None):
    from kg.extract.constraints.concepts import default_concepts
    from kg.views.match.evaluate import Checker
    from kg.views.match.facts import index_patient
    from kg.views.match.units import default_converter
    from kg.vocab import default_vocabulary

    concepts, vocab = default_concepts(), default_vocabulary()
    facts = index_patient(p or patient(), as_of, concepts, vocab)
    return Checker(facts, concepts, vocab, default_converter(), trial_conditions, memo)


def constraint(kind: str, effect: str = "require", key: str = "c1", **fields) -> Constraint:
    fields.setdefault("text", fields.get("label") or fields.get("concept") or kind)
    return Constraint(key=key, kind=kind, effect=effect, **fields)


def within(amount: float, unit: str) -> TimeWindow:
    return TimeWindow("within", amount, unit)
