"""What the seed trial has, looked up once: its drugs and the drugs of their classes, its
conditions and the conditions near them in the MeSH hierarchy, and its clinical setting.

A few rows each; candidates are then found by these (``queries/related/shared-*.rq`` and
``rank.rq`` take them as VALUES tables), so no query walks the whole graph from the seed.

Condition similarity is a distance in the hierarchy (``skos:broader`` in the graph: the
curated tree in ontologies/conditions.json, or MeSH's whole tree where the graph holds it):
how many steps up from the seed's condition to a common heading, and how many down from
there to the candidate's. A heading near the top of the tree ("Neoplasms", one step below
it) or one only in MeSH's histologic-type branch (C04.557: "Carcinoma", "Adenocarcinoma")
groups cancers of every organ, so kinship through it is no kinship: the path stops there.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import URIRef

from kg import resources
from kg.extract.setting_concepts import CONCEPTS
from kg.store import Store
from kg.store.sparql import fill_values
from kg.views.query import parse_query_file

RELATED_QUERIES = resources.QUERIES / "related"

# (steps up to the common heading, steps down to the candidate's condition) -> relation
KIN = {(1, 0): "parent", (1, 1): "sibling", (2, 0): "grandparent", (2, 1): "cousin"}
DRUG_RELATIONS = ("drug", "class", "broader-class")  # closest first
HISTOLOGIC_BRANCH = "C04.557"  # MeSH: Neoplasms by Histologic Type


def run(store: Store, name: str, seed: URIRef | None, tables: dict | None = None
        ) -> list[dict]:
    """One of the finder's queries, the seed bound and the tables given filled in."""
    text = parse_query_file(RELATED_QUERIES / f"{name}.rq", check=False).text
    if tables:
        text = fill_values(text, tables)
    return store.query(text, {"seed": seed} if seed is not None else None).rows


def _true(term) -> bool:
    return str(term).lower() in ("true", "1")


_VALUE_OF = {str(URIRef("https://w3id.org/trialkg/vocab#" + local)): (aspect, value)
             for aspect, values in CONCEPTS.items() for value, (local, _, _) in values.items()}


def concept_value(term) -> tuple[str, str] | None:
    """(aspect, value key) of a setting concept IRI."""
    return _VALUE_OF.get(str(term))


@dataclass
class SeedTables:
    """The seed's side of every piece of evidence."""

    drugs: list[tuple[URIRef, URIRef, str]]  # (drug, seed drug, relation), closest kept
    conditions: dict[URIRef, str]  # condition -> relation ("same", "parent", "sibling", ...)
    settings: dict[str, list[str]] = field(default_factory=dict)  # aspect -> value keys

    @classmethod
    def of(cls, store: Store, seed: URIRef) -> SeedTables:
        return cls(_drug_rows(store, seed), _condition_rows(store, seed), _settings(store, seed))

    def seed_drugs(self) -> list[URIRef]:
        return sorted({seed_drug for _, seed_drug, rel in self.drugs if rel == "drug"})


def _drug_rows(store: Store, seed: URIRef) -> list[tuple[URIRef, URIRef, str]]:
    best: dict[tuple[URIRef, URIRef], str] = {}

    def keep(drug, seed_drug, relation: str) -> None:
        now = best.get((drug, seed_drug))
        if now is None or DRUG_RELATIONS.index(relation) < DRUG_RELATIONS.index(now):
            best[(drug, seed_drug)] = relation

    for row in run(store, "seed-drugs", seed):
        keep(row["seedDrug"], row["seedDrug"], "drug")
    for row in run(store, "seed-class-drugs", seed):
        keep(row["drug"], row["seedDrug"],
             "broader-class" if _true(row.get("broader")) else "class")
    return sorted((d, s, rel) for (d, s), rel in best.items())


def _condition_rows(store: Store, seed: URIRef) -> dict[URIRef, str]:
    """Every condition related to the seed's, with its closest relation (callers sort)."""
    out: dict[URIRef, str] = {r["condition"]: "same" for r in run(store, "seed-conditions", seed)}
    rows = run(store, "seed-condition-ancestors", seed)
    heads = sorted({r["parent"] for r in rows} | {r["grandparent"] for r in rows
                                                   if "grandparent" in r})
    specific = _specific_headings(store, heads)
    up: dict[URIRef, int] = {}  # heading -> steps above the nearest seed condition
    for r in rows:
        parent = r["parent"]
        if parent not in specific:
            continue  # the path stops at a generic heading
        up[parent] = 1
        if r.get("grandparent") in specific:  # (None, when there is none, is not)
            up.setdefault(r["grandparent"], 2)
    steps: list[tuple[URIRef, tuple[int, int]]] = [(h, (n, 0)) for h, n in up.items()]
    if up:
        table = {("heading",): [(h,) for h in sorted(up)]}
        steps += [(r["condition"], (up[r["heading"]], 1))
                  for r in run(store, "condition-children", None, table)]
    order = ["same", *KIN.values()]
    for condition, distance in steps:  # the closest relation wins, in any order
        relation = KIN[distance]
        if condition not in out or order.index(relation) < order.index(out[condition]):
            out[condition] = relation
    return out


def _specific_headings(store: Store, heads: list[URIRef]) -> set[URIRef]:
    """The headings kinship may pass through: two levels or more below a top heading, and
    not only in the histologic-type branch."""
    if not heads:
        return set()
    trees: dict[URIRef, set[str]] = {h: set() for h in heads}
    deep: dict[URIRef, bool] = {h: False for h in heads}
    for row in run(store, "condition-headings", None, {("heading",): [(h,) for h in heads]}):
        h = row["heading"]
        if "tree" in row:
            trees[h].add(str(row["tree"]))
        if "aboveAbove" in row:
            deep[h] = True
    return {h for h in heads if deep[h] and not (
        trees[h] and all(t.startswith(HISTOLOGIC_BRANCH) for t in trees[h]))}


def _settings(store: Store, seed: URIRef) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for row in run(store, "seed-setting", seed):
        known = concept_value(row["value"])
        if known is not None:
            out.setdefault(known[0], []).append(known[1])
    return {aspect: sorted(set(values)) for aspect, values in out.items()}
