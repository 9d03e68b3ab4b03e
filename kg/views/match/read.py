"""Constraints as the store holds them -> kg.model.Constraint, grouped by trial.

Five store-neutral queries (queries/match/) rather than one: a single query with every
many-valued field would multiply rows. Rows are turned back into the same plain dataclasses
the extractor made, so the evaluator never sees RDF.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from kg import resources
from kg.model import Constraint, TimeWindow
from kg.rdf import iris
from kg.rdf.namespaces import TKG
from kg.store import Store

MATCH_QUERIES = resources.QUERIES / "match"


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
    criteria: dict[tuple[str | None, str | None], StoredCriterion] = field(default_factory=dict)
    conditions: list[str] = field(default_factory=list)  # healthCondition IRIs


def read_trials(store: Store, nct_ids: list[str] | None = None) -> dict[str, StoredTrial]:
    from kg.views.query import parse_query_file

    def run(name: str):
        text = parse_query_file(MATCH_QUERIES / f"{name}.rq", check=False).text
        if nct_ids:
            from kg.store.sparql import fill_values

            text = fill_values(text, {("trial",): [(iris.trial(n),) for n in nct_ids]})
        return store.query(text).rows

    trials: dict[str, StoredTrial] = {}
    by_iri: dict[str, StoredTrial] = {}
    for row in run("trial-conditions"):
        nct = str(row["nct"])
        trial = trials.get(nct)
        if trial is None:
            trial = trials[nct] = by_iri[str(row["trial"])] = StoredTrial(nct)
        if "condition" in row and str(row["condition"]) not in trial.conditions:
            trial.conditions.append(str(row["condition"]))
    nodes: dict[str, Constraint] = {}
    seen_top: set[tuple[str, str]] = set()
    for row in run("constraints"):
        trial = by_iri.get(str(row["trial"]))
        node = str(row["c"])
        if trial is None or (str(row["trial"]), node) in seen_top:
            continue  # a triple stated twice in the union default graph
        seen_top.add((str(row["trial"]), node))
        section = str(row["section"]) if "section" in row else None
        number = str(row["number"]) if "number" in row else None
        kind = str(row.get("critKind", "inclusion"))
        criterion = trial.criteria.setdefault((section, number),
                                              StoredCriterion(section, number, kind))
        c = nodes[node] = _constraint(row)
        criterion.constraints.append(c)
    nested = {}
    for row in run("nested"):
        node = str(row["c"])
        if node in nested:
            continue
        nested[node] = (str(row["parent"]), str(row["relation"]), _constraint(row))
    nodes.update({node: c for node, (_p, _r, c) in nested.items()})
    for node, (parent, relation, c) in sorted(nested.items(), key=lambda x: x[1][2].key):
        owner = nodes.get(parent)
        if owner is not None:
            (owner.parts if relation == str(TKG.hasPart) else owner.unless).append(c)
    for row in run("constraint-lists"):
        c = nodes.get(str(row["c"]))
        if c is None:
            continue
        name, item = str(row["field"]), str(row["item"])
        if name == str(TKG.drugClass):
            _add(c.drug_classes, item.rsplit("/", 1)[-1])
        elif name == str(TKG.concernsDrug):
            _add(c.drugs, item.rsplit("/", 1)[-1])
        else:
            _add(c.exceptions, item)
    for row in run("not-computable"):
        trial = by_iri.get(str(row["trial"]))
        if trial is None:
            continue
        key = (str(row["section"]), str(row["number"]))
        criterion = trial.criteria.setdefault(key, StoredCriterion(*key, str(row["critKind"])))
        criterion.not_computable = str(row["reason"])
    for trial in trials.values():
        for criterion in trial.criteria.values():
            criterion.constraints.sort(key=lambda c: _key_order(c.key))
    return trials


def _add(items: list[str], value: str) -> None:
    if value not in items:
        items.append(value)


def _key_order(key: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in key.replace("c", "").split("."))


def _constraint(row) -> Constraint:
    def text(name):
        value = row.get(name)
        return None if value is None else str(value)

    def number(name):
        value = row.get(name)
        return None if value is None else float(value)

    c = Constraint(key=str(row["key"]), kind=str(row["kind"]), effect=str(row["effect"]),
                   text=str(row["text"]), status=str(row["status"]), reason=text("reason"),
                   concept=text("concept"), label=text("label"), comparator=text("cmp"),
                   value=number("value"), upper=number("upper"), unit=text("unit"),
                   limit=text("limit"), scale=text("scale"), applies_to=text("appliesTo"))
    if row.get("wrel") is not None:
        c.window = TimeWindow(str(row["wrel"]), float(row["wamount"]), str(row["wunit"]),
                              str(row["wanchor"]))
    return c
