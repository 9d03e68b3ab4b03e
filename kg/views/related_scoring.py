"""The scoring of related studies: the one table of weights, and the arithmetic every
ranking path shares (the explained ranking, ``related_evidence``, and the store's own,
``related_rank`` with ``queries/related/rank.rq``). What the weights mean, in plain words, is
in ``kg.views.related`` and the README."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache

from rdflib import URIRef

from kg import resources
from kg.extract.setting_concepts import CONCEPTS, family
from kg.rdf import iris
from kg.views.related_seed import SeedTables

# The one table of weights (README "Related studies" explains it in plain words).
WEIGHTS: dict[tuple[str, str], float] = {
    # disease: the candidate's condition against the seed's, by distance in the hierarchy
    ("disease", "same"): 5.0,  # the seed's condition or one under it
    ("disease", "parent"): 4.0,  # the heading just above it
    ("disease", "sibling"): 2.5,  # under the same heading just above
    ("disease", "grandparent"): 2.0,  # two headings above
    ("disease", "cousin"): 1.0,  # under the heading two above
    ("disease", "text"): -1.0,  # named only in title/abstract: that much less
    # drugs, per drug of the seed: (how close, the candidate's role for it)
    ("drug", "experimental"): 4.0,
    ("drug", "background"): 2.5,
    ("drug", "other"): 2.5,  # registered or named, role not stated
    ("drug", "comparator"): 0.5,
    ("class", "experimental"): 2.0,
    ("class", "background"): 1.25,
    ("class", "other"): 1.25,
    ("class", "comparator"): 0.25,
    ("broader-class", "experimental"): 1.0,
    ("broader-class", "background"): 0.5,
    ("broader-class", "other"): 0.5,
    ("broader-class", "comparator"): 0.0,
    # clinical setting: only for studies of the seed's disease ("same" or "parent")
    ("setting", "same"): 2.5,
    ("setting", "family"): 1.5,  # e.g. primary metastatic for a recurrent/metastatic seed
    ("setting", "other"): -0.5,  # curative-intent for an advanced-disease seed, or back
    ("line", "same"): 2.0,
    ("line", "family"): 1.5,  # e.g. platinum-pretreated for a pretreated seed
    ("line", "other"): -1.0,
    ("evidence", "clinical-trial"): 1.5,
    ("evidence", "observational"): 0.75,
    ("evidence", "clinical-study"): 0.75,
    ("evidence", "case-report"): 0.25,
    ("design", "randomised"): 0.5,
    # links
    ("link", "databank"): 4.0,  # the article reports the seed trial
    ("link", "cited"): -1.0,  # the seed already cites it: known to its readers
    ("mesh", "per descriptor"): 0.5,
    ("mesh", "at most"): 2.0,
    ("no disease", "at most"): 2.0,
}
CONTEXT_RELATIONS = ("same", "parent")  # disease relations under which the setting counts
CONTEXT_KINDS = ("setting", "line", "evidence", "design")
SHORTLIST_MIN_FETCH = 500  # candidates the store's ranking returns at first (see _shortlist)
_TRIAL_PREFIX = str(iris.trial(""))


def disease_points(relation: str, via: str) -> float:
    text = WEIGHTS[("disease", "text")] if via == "text" else 0.0
    return max(0.0, WEIGHTS[("disease", relation)] + text)


def drug_points(relation: str, role: str) -> float:
    return WEIGHTS[(relation, role)]


def match_points(aspect: str, seed_values: list[str], value: str) -> tuple[str, float]:
    """How a candidate's disease setting or line compares with the seed's."""
    key = "setting" if aspect == "disease-setting" else aspect
    if value in seed_values:
        return "same", WEIGHTS[(key, "same")]
    if family(aspect, value) in {family(aspect, s) for s in seed_values}:
        return "family", WEIGHTS[(key, "family")]
    return "other", WEIGHTS[(key, "other")]


def context_points(tables: SeedTables) -> dict[str, dict[str, float]]:
    """Points per candidate value, per context aspect: the rows rank.rq matches on."""
    out: dict[str, dict[str, float]] = {}
    for aspect in ("disease-setting", "line"):
        seed_values = tables.settings.get(aspect, [])
        if seed_values:
            out[aspect] = {v: match_points(aspect, seed_values, v)[1] for v in CONCEPTS[aspect]}
    out["evidence"] = {v: WEIGHTS[("evidence", v)] for v in CONCEPTS["evidence"]
                       if ("evidence", v) in WEIGHTS}
    out["design"] = {v: WEIGHTS[("design", v)] for a in ("allocation",) for v in CONCEPTS[a]
                     if ("design", v) in WEIGHTS}
    return out


@lru_cache(maxsize=1)
def mesh_check_tags() -> tuple[tuple[URIRef], ...]:
    """MeSH check tags (Humans, Male, ...), left out of MeSH overlap: nearly every article
    carries some, so sharing them says nothing (ontologies/mesh-check-tags.json)."""
    data = json.loads(resources.MESH_CHECK_TAGS_JSON.read_text(encoding="utf-8"))
    return tuple((iris.mesh(tag["mesh"]),) for tag in data["check_tags"])


@dataclass
class Evidence:
    kind: str  # "disease", "drug", "link", "mesh", or context: "setting", "line", ...
    via: str  # disease: relation; drug: "relation/role"; setting, line: "same"/"family"/...
    key: str  # what is shared: "disease", the seed drug key, "setting", "cited", ...
    points: float
    reason: str  # one line on this piece alone
    detail: str = ""  # disease: the candidate's condition IRI; drug: the candidate's drug


@dataclass
class RelatedResult:
    iri: str
    kind: str  # "trial" or "article"
    identifier: str
    label: str
    score: float
    reasons: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    setting: str = ""  # the candidate's disease setting(s), e.g. "recurrent/metastatic"
    line: str = ""  # its line(s) of therapy, e.g. "first-line"
    design: str = ""  # e.g. "randomised phase 3, double-blind, placebo-controlled"
    cited: bool = False  # the seed trial already cites it

    @property
    def evidence_kinds(self) -> list[str]:
        return sorted({e.kind for e in self.evidence})


def score(evidence: list[Evidence], gated: bool) -> float:
    """The candidate's score: context only for the seed's disease, the no-disease cap,
    never below zero (rank.rq computes the same)."""
    base = sum(e.points for e in evidence if e.kind not in CONTEXT_KINDS)
    if gated:
        total = base + sum(e.points for e in evidence if e.kind in CONTEXT_KINDS)
    elif any(e.kind == "disease" for e in evidence):
        total = base
    else:
        total = min(base, WEIGHTS[("no disease", "at most")])
    return round(max(0.0, total), 2)


def order(score_: float, iri: str) -> tuple:
    """Best first; among equals trials before articles, then by IRI (an NCT id or a PMID
    after a common prefix, so this is also by identifier)."""
    return -score_, not iri.startswith(_TRIAL_PREFIX), iri
