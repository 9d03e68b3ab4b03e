"""Constraints as the store holds them -> kg.model.Constraint, grouped by trial.

Read from each trial's ``tkg:matchIndex`` literal (queries/match/index.rq): one index scan
for a whole field, where reading the constraint triples field by field costs a lookup per
field and row on an on-disk store. The JSON is turned back into the same plain dataclasses
the extractor made, so the evaluator never sees RDF.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields

from kg import resources
from kg.model import Constraint, TimeWindow
from kg.rdf import iris
from kg.store import Store

MATCH_QUERIES = resources.QUERIES / "match"
_FIELDS = {f.name for f in fields(Constraint)}


@dataclass
class StoredCriterion:
    section: str | None  # None: the record's structured age/sex fields
    number: str | None
    kind: str  # "inclusion" or "exclusion"
    constraints: list[Constraint] = field(default_factory=list)
    not_computable: str | None = None

    @property
    def label(self) -> str:
        if self.section is None:
            return "eligibility fields"
        short = {"inclusion": "incl", "exclusion": "excl"}.get(self.section, self.section)
        return f"{short} {self.number}" if self.kind == self.section else \
            f"{short} {self.number} ({self.kind})"


@dataclass
class StoredTrial:
    nct_id: str
    criteria: list[StoredCriterion] = field(default_factory=list)
    condition_keys: list[str] = field(default_factory=list)  # vocabulary keys it studies


def read_trials(store: Store, nct_ids: list[str] | None = None) -> dict[str, StoredTrial]:
    from kg.views.query import parse_query_file

    text = parse_query_file(MATCH_QUERIES / "index.rq", check=False).text
    if nct_ids:
        from kg.store.sparql import fill_values

        text = fill_values(text, {("e",): [(iris.eligibility(n),) for n in nct_ids]})
    trials: dict[str, StoredTrial] = {}
    shared: dict = {}
    for row in store.query(text).rows:
        trial = parse_index(str(row["index"]), shared)
        trials.setdefault(trial.nct_id, trial)  # a triple stated twice in the union graph
    return trials


def parse_index(text: str, shared: dict | None = None) -> StoredTrial:
    """One trial's index. ``shared`` maps a criterion's constraint string to its parsed
    constraints (and a whole criterion to its object): equal criteria across trials share
    one read-only object, which the matcher also uses to check each distinct one once."""
    shared = {} if shared is None else shared
    doc = json.loads(text)
    trial = StoredTrial(doc["nct"], condition_keys=list(doc.get("condition_keys", [])))
    for item in doc.get("criteria", []):
        encoded = item.get("constraints") or "[]"
        key = (item.get("section"), item.get("number"), item.get("kind", "inclusion"),
               item.get("not_computable"), encoded)
        criterion = shared.get(key)
        if criterion is None:
            constraints = shared.get(encoded)
            if constraints is None:
                constraints = shared[encoded] = [constraint_from_dict(c)
                                                 for c in json.loads(encoded)]
            criterion = shared[key] = StoredCriterion(key[0], key[1], key[2], constraints,
                                                      key[3])
        trial.criteria.append(criterion)
    return trial


def constraint_from_dict(d: dict) -> Constraint:
    values = {k: v for k, v in d.items() if k in _FIELDS}
    values.setdefault("text", d.get("label") or d.get("concept") or d["kind"])
    values["parts"] = [constraint_from_dict(p) for p in d.get("parts", [])]
    values["unless"] = [constraint_from_dict(u) for u in d.get("unless", [])]
    if d.get("window"):
        values["window"] = TimeWindow(**d["window"])
    return Constraint(**values)
