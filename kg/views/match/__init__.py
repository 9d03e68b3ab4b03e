"""Which trials in the store could a patient enter: ``match(store, patient)``.

Reads every trial's constraints from the store (any store: memory, Oxigraph, SPARQL
server), indexes the patient's record once, and checks each constraint three-valued. A
trial is "excluded" when at least one computable criterion fails on the patient's known
data, "not excluded" otherwise; each failure is given with the patient's value (converted)
and the threshold, and every criterion that could not be decided is listed with why
(missing data, or not computable). Missing data never excludes.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field

from kg.errors import NotFoundError
from kg.model import Patient
from kg.store import QueryResult, Store


@dataclass
class Finding:
    criterion: str  # "incl 6.1.1", "excl 3", "eligibility fields"
    constraint: str  # "c1" (empty for a criterion with no constraint)
    detail: str
    why: str = ""  # for undetermined: "missing data" or "not computable"

    def line(self) -> str:
        where = f"{self.criterion} {self.constraint}".strip()
        why = f" [{self.why}]" if self.why else ""
        return f"{where}: {self.detail}{why}"


@dataclass
class TrialVerdict:
    trial: str
    verdict: str  # "excluded" or "not excluded"
    reasons: list[Finding] = field(default_factory=list)
    undetermined: list[Finding] = field(default_factory=list)


def match(store: Store, patient: Patient, nct_ids: list[str] | None = None,
          as_of: dt.date | None = None) -> list[TrialVerdict]:
    import gc

    # Reading a field makes hundreds of thousands of small objects and no cycles: the
    # cyclic collector would only run dozens of times for nothing.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _match(store, patient, nct_ids, as_of)
    finally:
        if enabled:
            gc.enable()


def _match(store: Store, patient: Patient, nct_ids: list[str] | None,
           as_of: dt.date | None) -> list[TrialVerdict]:
    from kg.extract.constraints.concepts import default_concepts
    from kg.views.match.evaluate import Checker
    from kg.views.match.facts import index_patient
    from kg.views.match.read import read_trials
    from kg.views.match.units import default_converter
    from kg.vocab import default_vocabulary

    as_of = as_of or dt.date.today()
    wanted = [n.upper() for n in nct_ids] if nct_ids else None
    trials = read_trials(store, wanted)
    if wanted:
        missing = [n for n in wanted if n not in trials]
        if missing:
            raise NotFoundError(f"not in the store: {', '.join(missing)} (load them with "
                                "kg build --trial ...)", where=missing[0])
    concepts, vocab = default_concepts(), default_vocabulary()
    facts = index_patient(patient, as_of, concepts, vocab)
    units = default_converter()
    out = []
    memo: dict = {}  # equal constraints recur across trials: each is checked once
    for nct in sorted(trials):
        trial = trials[nct]
        checker = Checker(facts, concepts, vocab, units, frozenset(trial.condition_keys), memo)
        out.append(_verdict(trial, checker))
    return out


def _verdict(trial, checker) -> TrialVerdict:
    verdict = TrialVerdict(trial.nct_id, "not excluded")
    if not any(c.section is not None for c in trial.criteria):
        verdict.undetermined.append(Finding("eligibility", "", "the record gives no "
                                            "eligibility criteria text", "not computable"))
    for criterion in trial.criteria:  # the index keeps the record's order
        if not criterion.constraints and criterion.section is None:
            continue  # no structured age or sex limit
        if not criterion.constraints:
            reason = criterion.not_computable or "no constraint read"
            if not reason.startswith("introduces"):
                verdict.undetermined.append(Finding(criterion.label, "", reason,
                                                    "not computable"))
            continue
        for c in criterion.constraints:
            outcome = checker.outcome(c)
            if outcome.result == "fail":
                verdict.reasons.append(Finding(criterion.label, c.key, outcome.detail))
            elif outcome.result == "undetermined":
                why = "missing data" if outcome.missing else "not computable"
                verdict.undetermined.append(Finding(criterion.label, c.key, outcome.detail,
                                                    why))
    if verdict.reasons:
        verdict.verdict = "excluded"
    return verdict


def as_query_result(verdicts: list[TrialVerdict]) -> QueryResult:
    """The verdicts as a table (one row per trial) for kg.views.formats."""
    from rdflib import Literal

    rows = [{"trial": Literal(v.trial), "verdict": Literal(v.verdict),
             "reasons": Literal("; ".join(f.line() for f in v.reasons)),
             "undetermined": Literal("; ".join(f.line() for f in v.undetermined))}
            for v in verdicts]
    return QueryResult("select", ["trial", "verdict", "reasons", "undetermined"], rows)


def to_json(verdicts: list[TrialVerdict]) -> str:
    return json.dumps([asdict(v) for v in verdicts], indent=1, ensure_ascii=False)


def to_table(verdicts: list[TrialVerdict]) -> str:
    """One block per trial: the verdict line, then each reason and undetermined criterion
    on its own line (a terminal cannot show them side by side without cutting them)."""
    lines = []
    for v in verdicts:
        lines.append(f"{v.trial}  {v.verdict}  ({len(v.reasons)} failed, "
                     f"{len(v.undetermined)} undetermined)")
        lines += [f"    reason: {f.line()}" for f in v.reasons]
        lines += [f"    undetermined: {f.line()}" for f in v.undetermined]
    lines.append(f"({len(verdicts)} trial{'s' if len(verdicts) != 1 else ''})")
    return "\n".join(lines)


def render(verdicts: list[TrialVerdict], fmt: str) -> str:
    if fmt == "json":
        return to_json(verdicts)
    if fmt == "table":
        return to_table(verdicts)
    from kg.views.formats import render as render_result

    return render_result(as_query_result(verdicts), fmt)
