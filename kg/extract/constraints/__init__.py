"""Computable eligibility: each criterion's text read as constraints a program can check.

``extract_constraints(trial)`` fills ``EligibilityCriterion.constraints`` (and the record's
structured age/sex as ``Eligibility.constraints``). Each recogniser reads one family of
checks (numbers and units, labs, performance status and age, conditions, prior therapy and
medication, time windows); ``conditionals`` then binds what belongs together. A criterion
no rule reads gets ``not_computable`` with the reason, so every criterion says either what
can be checked or why nothing can. Running it twice gives the same result.
"""

from __future__ import annotations

import re

from kg.extract.constraints import conditionals, conditions, labs, performance, therapy
from kg.extract.constraints.concepts import Concepts, default_concepts
from kg.extract.constraints.context import Context
from kg.model import Constraint, EligibilityCriterion, Trial
from kg.vocab import Vocabulary, default_vocabulary

_RECOGNISERS = (performance.find, labs.find, conditions.find, therapy.find)

_WHY_NOT = [
    (re.compile(r"investigator|researcher|judg(?:e)?ment|doctor in charge", re.I),
     "rests on the investigator's judgement"),
    (re.compile(r"informed\s+consent|complian|willing", re.I),
     "consent, willingness or compliance is not a fact of the patient's record"),
    (re.compile(r"measurable\s+(?:lesion|disease)|RECIST", re.I),
     "needs a tumour assessment (RECIST), which the patient record model does not hold"),
    (re.compile(r"contracepti|steriliz|sterilis", re.I),
     "contraception is a commitment checked at enrolment"),
    (re.compile(r"progression|response|PR\b|recurren", re.I),
     "needs the course of the disease under treatment, which the record model does not hold"),
]


def extract_constraints(trial: Trial, vocab: Vocabulary | None = None,
                        concepts: Concepts | None = None) -> Trial:
    vocab = vocab or default_vocabulary()
    concepts = concepts or default_concepts()
    trial.eligibility.constraints = performance.structured(trial.eligibility)
    for criterion in trial.eligibility.criteria:
        _criterion(criterion, vocab, concepts)
    return trial


def criterion_constraints(text: str, kind: str, vocab: Vocabulary | None = None,
                          concepts: Concepts | None = None) -> list[Constraint]:
    """The constraints of one criterion text (for tests and callers without a trial)."""
    ctx = Context(kind, concepts or default_concepts(), vocab or default_vocabulary())
    return _read(text, ctx)


def _criterion(c: EligibilityCriterion, vocab: Vocabulary, concepts: Concepts) -> None:
    ctx = Context("exclusion" if c.kind == "exclusion" else "inclusion", concepts, vocab)
    c.constraints = _read(c.text, ctx)
    c.not_computable = None if c.constraints else _why_not(c)
    for child in c.children:
        _criterion(child, vocab, concepts)


def _read(text: str, ctx: Context) -> list[Constraint]:
    found: list[Constraint] = []
    for recognise in _RECOGNISERS:
        found.extend(recognise(text, ctx))
    found = _dedupe(found)
    found = conditionals.apply(text, found, ctx)
    found.sort(key=lambda c: (c.start if c.start is not None else -1, c.kind))
    for index, c in enumerate(found, start=1):
        _number(c, f"c{index}")
    return found


def _dedupe(found: list[Constraint]) -> list[Constraint]:
    """One constraint per (concept, kind, comparator, value) in a criterion: a name written
    twice ("Serum creatinine (Cr)") is one check."""
    seen, out = set(), []
    for c in sorted(found, key=lambda c: c.start if c.start is not None else -1):
        sig = (c.kind, c.concept, c.comparator, c.value, c.upper, c.limit)
        if sig in seen:
            continue
        seen.add(sig)
        out.append(c)
    return out


def _number(c: Constraint, key: str) -> None:
    c.key = key
    for i, part in enumerate(c.parts, start=1):
        _number(part, f"{key}.{i}")
    for i, alt in enumerate(c.unless, start=1):
        _number(alt, f"{key}.u{i}")


def _why_not(c: EligibilityCriterion) -> str:
    if c.children:
        return f"introduces its {len(c.children)} sub-criteria, which carry the checks"
    for pattern, reason in _WHY_NOT:
        if pattern.search(c.text):
            return reason
    return "no rule reads a computable check in this text"
