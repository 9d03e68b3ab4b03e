"""Related studies: trials and articles ranked as an oncologist reads them, each with a score
and reasons in plain words.

Evidence comes from the queries in ``queries/related/`` (store-neutral SPARQL) and the
clinical setting each record states (``kg/extract/setting.py``); this module weighs it with
the one table below, ``WEIGHTS``, which ``rank.rq`` also receives, so the store's ranking
and the explained ranking score alike. The judgement it encodes, in order:

1. The disease first: the seed's condition (or one under it) counts most; conditions near
   it in the MeSH hierarchy count less the further they are. Named only in a title or
   abstract, one point less. Without any shared disease, a study scores at most
   ``NO_DISEASE_CAP``: the seed's drugs in another cancer speak to toxicity, not to the
   question, so they stay below every study of the disease.
2. The therapy, per drug of the seed: the same drug counts more than another drug of its
   class, which counts more than one of a broader class; and each by the role the study
   gives it: tested in the experimental arm, given in every arm (background), or only in
   the comparator arm (counts least).
3. The clinical setting, for studies of the seed's disease only (an R/M melanoma trial is
   not closer to R/M nasopharyngeal carcinoma for being R/M): the same disease setting
   and the same line of therapy add; another line or the other family of settings
   (curative-intent versus advanced disease) subtracts a little. A clinical trial adds
   more than an observational study; reviews, epidemiology and preclinical work add
   nothing; randomisation adds a little.
4. Links: an article reporting the seed trial (its PubMed DataBank list names it) adds; one
   the seed already cites is marked "cited" and loses a point, so that what the reader
   does not know yet comes first. MeSH descriptors an uncited article shares with the
   seed's citations add a little (check tags such as Humans aside).

Per seed drug, per aspect, only the strongest piece counts; scores never go below zero.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import Literal, URIRef

from kg import resources
from kg.extract.setting_concepts import CONCEPTS, family
from kg.rdf import iris
from kg.rdf.setting import concept
from kg.store import Store
from kg.store.sparql import fill_values
from kg.views import related_reasons as rr
from kg.views.query import parse_query_file
from kg.views.related_seed import RELATED_QUERIES, SeedTables, run
from kg.vocab import Vocabulary, default_vocabulary

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
_DRUG_PREFIX = str(iris.drug(""))


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


class _Collector:
    """Keeps the strongest evidence per (candidate, kind, key)."""

    def __init__(self) -> None:
        self.best: dict[str, dict[tuple[str, str], Evidence]] = {}
        self.gated: set[str] = set()  # candidates of the seed's disease

    def add(self, candidate: str, ev: Evidence) -> None:
        slot = self.best.setdefault(candidate, {})
        current = slot.get((ev.kind, ev.key))
        # Ties break on the reason text, so the answer never depends on a store's row order.
        if current is None or (ev.points, current.reason) > (current.points, ev.reason):
            slot[(ev.kind, ev.key)] = ev


def _local(node, prefix: str) -> str:
    text = str(node)
    return text[len(prefix):] if text.startswith(prefix) else text


def _condition_label(vocab: Vocabulary, node) -> str:
    iri = str(node)
    mesh_prefix = str(iris.mesh(""))
    if iri.startswith(mesh_prefix):
        cond = vocab.condition_by_mesh(iri[len(mesh_prefix):])
        return cond.label if cond is not None else f"MeSH {iri[len(mesh_prefix):]}"
    return iri.rsplit("/", 1)[-1].replace("-", " ")


def gather_evidence(store: Store, seed: URIRef, vocab: Vocabulary,
                    tables: SeedTables | None = None,
                    candidates: list[str] | None = None
                    ) -> tuple[_Collector, dict[str, rr.Profile]]:
    """Every piece of evidence for every candidate, or for the ``candidates`` given, and
    their profiles (clinical setting)."""
    tables = tables or SeedTables.of(store, seed)
    only = {("candidate",): [(URIRef(c),) for c in candidates]} if candidates is not None else {}

    def query(name: str, more: dict | None = None) -> list[dict]:
        return run(store, name, seed, {**only, **(more or {})})

    c = _Collector()
    rows = [(cond, Literal(rel)) for cond, rel in sorted(tables.conditions.items())]
    for row in query("shared-conditions", {("condition", "relation"): rows}):
        relation, via = str(row["relation"]), str(row["via"])
        points = disease_points(relation, via)
        if points <= 0:
            continue
        candidate = str(row["candidate"])
        if relation in CONTEXT_RELATIONS:
            c.gated.add(candidate)
        how = {"registered": "registered condition", "mesh": "MeSH heading",
               "text": "named in title/abstract"}[via]
        name = "same disease" if relation == "same" else f"{relation} of the seed's condition"
        c.add(candidate, Evidence("disease", relation, "disease", points,
                                  f"{name}: {_condition_label(vocab, row['condition'])} ({how})",
                                  detail=f"{via} {row['condition']}"))
    drug_rows = [(d, s, Literal(rel)) for d, s, rel in tables.drugs]
    for row in query("shared-drugs", {("drug", "seedDrug", "relation"): drug_rows}):
        relation, role = str(row["relation"]), str(row["role"])
        drug, seed_drug = _local(row["drug"], _DRUG_PREFIX), _local(row["seedDrug"], _DRUG_PREFIX)
        c.add(str(row["candidate"]), Evidence(
            "drug", f"{relation}/{role}", seed_drug, drug_points(relation, role),
            f"{relation}: {drug} for the seed's {seed_drug} ({role})", detail=drug))
    for row in query("citation-links"):
        link = str(row["link"])
        reason = ("already cited by the seed trial's record" if link == "cited"
                  else "its PubMed record names the seed trial (DataBank)")
        c.add(str(row["candidate"]), Evidence("link", link, link, WEIGHTS[("link", link)],
                                              reason))
    for row in query("mesh-overlap", {("seed",): [(seed,)], ("descriptor",): mesh_check_tags()}):
        shared = int(row["shared"])
        points = min(WEIGHTS[("mesh", "at most")], WEIGHTS[("mesh", "per descriptor")] * shared)
        c.add(str(row["candidate"]), Evidence(
            "mesh", "mesh", "overlap", points,
            f"shares {shared} MeSH descriptor(s) with the seed's citations: "
            f"{row.get('labels', '')}"))
    found = sorted(c.best)
    described = rr.profiles(store, found if candidates is not None or len(found) < 2000
                            else None)
    points = context_points(tables)
    for candidate in found:
        if candidate in c.gated:
            _context(c, candidate, described.get(candidate, rr.Profile()), tables, points)
    return c, described


def _context(c: _Collector, candidate: str, p: rr.Profile, tables: SeedTables,
             points: dict[str, dict[str, float]]) -> None:
    for aspect, kind in (("disease-setting", "setting"), ("line", "line")):
        for value in p.settings.get(aspect, []):
            if aspect in points:
                how, pts = match_points(aspect, tables.settings[aspect], value)
                c.add(candidate, Evidence(kind, how, kind, pts, f"{kind} {how}: {value}"))
    for value in p.evidence:
        if value in points["evidence"]:
            c.add(candidate, Evidence("evidence", value, "evidence", points["evidence"][value],
                                      f"kind of study: {value}"))
    for value in p.design:
        if value in points["design"]:
            c.add(candidate, Evidence("design", value, "design", points["design"][value],
                                      f"design: {value}"))


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


def find_related(store: Store, seed: str | URIRef | None = None, *,
                 vocab: Vocabulary | None = None, kind: str | None = None,
                 drug: str | None = None, drug_class: str | None = None,
                 condition: str | None = None, setting: str | None = None,
                 line: str | None = None, limit: int | None = None) -> list[RelatedResult]:
    """Rank trials and articles related to ``seed`` (an NCT id or trial IRI; default the
    bundled trial). Filters keep only results whose evidence involves the given drug, class
    or condition, or whose record states the given disease setting or line of therapy (a
    value key of kg.extract.setting_terms, its family included: "advanced" keeps
    recurrent/metastatic and primary metastatic).

    With a ``limit`` and no filter the store ranks (``rank.rq``) and only the best are
    explained: on a field of 100,000 articles most of them share something with the seed,
    and explaining them all costs seconds. Otherwise every candidate is explained. Both
    give the same answer (tested); ties are broken the same way: trials first, then IRI."""
    from kg.views.related_filters import filters, matches

    vocab = vocab or default_vocabulary()
    seed_iri = _seed_iri(seed)
    tables = SeedTables.of(store, seed_iri)
    wanted = filters(vocab, drug, drug_class, condition, setting, line)
    shortlist = None
    if limit and not wanted:
        shortlist = _shortlist(store, seed_iri, tables, limit * 2, kind)
    results = _explain(store, seed_iri, vocab, tables, shortlist, kind, wanted, matches,
                       labels_for=limit if not wanted and shortlist is not None else None)
    if shortlist is not None and len(results) < limit and len(shortlist) >= limit * 2:
        # Candidates without a label were dropped (none in our graphs): explain them all.
        results = _explain(store, seed_iri, vocab, tables, None, kind, wanted, matches, None)
    return results[:limit] if limit else results


def _order(score_: float, iri: str) -> tuple:
    """Best first; among equals trials before articles, then by IRI (an NCT id or a PMID
    after a common prefix, so this is also by identifier)."""
    return -score_, not iri.startswith(_TRIAL_PREFIX), iri


def _explain(store: Store, seed: URIRef, vocab: Vocabulary, tables: SeedTables,
             candidates: list[str] | None, kind: str | None, wanted: dict, matches,
             labels_for: int | None) -> list[RelatedResult]:
    collected, described = gather_evidence(store, seed, vocab, tables, candidates)
    scored = []
    for candidate, slots in collected.best.items():
        evidence = sorted(slots.values(), key=lambda e: (-e.points, e.kind, e.reason))
        scored.append((score(evidence, candidate in collected.gated), candidate, evidence))
    scored.sort(key=lambda item: _order(item[0], item[1]))
    labels = _labels(store, seed, [c for _, c, _ in scored], labels_for)
    results = []
    for score_, candidate, evidence in scored:
        info = labels.get(candidate)
        if info is None:
            continue
        profile = described.get(candidate, rr.Profile())
        setting_, line_ = rr.setting_text(profile.settings)
        result = RelatedResult(
            candidate, str(info["kind"]), str(info.get("id", "")),
            " ".join(str(info.get("label", candidate)).split()), score_,
            _reasons(evidence, profile, tables, vocab, candidate in collected.gated), evidence,
            setting_, line_, rr.design_text(profile),
            any(e.kind == "link" and e.key == "cited" for e in evidence))
        if kind and result.kind != kind:
            continue
        if wanted and not matches(result, profile, wanted, vocab):
            continue
        results.append(result)
    return results


def _reasons(evidence: list[Evidence], p: rr.Profile, tables: SeedTables, vocab: Vocabulary,
             gated: bool) -> list[str]:
    """Sentences a clinician reads: the disease and setting, the therapy by role, the
    design, then links and MeSH overlap."""
    out = []
    disease = next((e for e in evidence if e.kind == "disease"), None)
    if disease is not None:
        via, _, condition = disease.detail.partition(" ")
        name = _condition_label(vocab, condition).lower()
        if gated:
            out.append(rr.disease_sentence(name, via, p, tables.settings, True))
        else:
            out.append(f"related disease ({disease.via} of the seed's condition): {name}")
    links: dict[str, tuple[str, str]] = {}
    for e in evidence:  # strongest first: a drug is named by its closest link to the seed
        if e.kind == "drug":
            links.setdefault(e.detail, (e.via.split("/")[0], e.key))
    therapy = rr.therapy_sentence(p, links, vocab)
    if therapy:
        out.append(therapy)
    if disease is None and any(e.kind == "drug" for e in evidence):
        cap = WEIGHTS[("no disease", "at most")]
        out.append(f"no shared disease: drug evidence counts at most {cap:g} points")
    design = rr.design_text(p)
    if design:
        out.append(design)
    out += [e.reason for e in evidence if e.kind in ("link", "mesh")]
    return out


def _shortlist(store: Store, seed: URIRef, tables: SeedTables, size: int,
               kind: str | None = None) -> list[str] | None:
    """The ``size`` best candidates by the store's ranking, ties broken as ``_order`` does;
    None when the store's ranking cannot tell them (then every candidate is explained).

    rank.rq scores only candidates sharing a disease with the seed: any other scores at
    most the no-disease cap, so its answer is the head of the full ranking when ``size``
    candidates score above the cap; a graph with fewer of them is small. The store orders
    by score only, so the candidates at the lowest score it returned may be an arbitrary
    part of a larger tie: only scores above it are complete. Fetch more until ``size``
    complete candidates are in hand or the ranking is exhausted."""
    text = fill_values(parse_query_file(RELATED_QUERIES / "rank.rq", check=False).text,
                       rank_tables(seed, tables))
    cap = WEIGHTS[("no disease", "at most")]
    # Each try costs the whole aggregation (~0.4 s on a 15M-quad field) and returning more
    # rows costs little, so the first asks for plenty: ties at the cut are common.
    fetch = max(size * 10, SHORTLIST_MIN_FETCH)
    while True:
        rows = store.query(f"{text}\nLIMIT {int(fetch)}").rows
        # rdflib answers an empty group with a row that has no candidate: skip it.
        scores = [(round(float(r["score"]), 2), str(r["candidate"])) for r in rows
                  if "candidate" in r and "score" in r]
        lowest = scores[-1][0] if scores else 0.0
        if kind:  # a trial's IRI is its registry page: kind is known without a look-up
            scores = [s for s in scores if s[1].startswith(_TRIAL_PREFIX) == (kind == "trial")]
        exhausted = len(rows) < fetch
        complete = scores if exhausted else [s for s in scores if s[0] > lowest]
        complete = [s for s in complete if s[0] > cap]
        if len(complete) >= size:
            break
        if exhausted:
            return None
        fetch *= 8
    complete.sort(key=lambda s: _order(*s))
    return [candidate for _, candidate in complete[:size]]


def rank_tables(seed: URIRef, tables: SeedTables) -> dict:
    """rank.rq's VALUES tables: the seed's side of the evidence with its points."""
    def lit(x) -> Literal:
        return Literal(x)

    conditions = []
    for cond, rel in sorted(tables.conditions.items()):
        registered, text = disease_points(rel, "registered"), disease_points(rel, "text")
        if registered > 0:
            conditions.append((cond, lit(registered), lit(text)))
    gates = [(cond,) for cond, rel in sorted(tables.conditions.items())
             if rel in CONTEXT_RELATIONS]
    context = context_points(tables)

    def concept_rows(aspect: str, values: dict[str, float], design: bool = False) -> list:
        return [(concept(_design_aspect(v) if design else aspect, v), lit(p))
                for v, p in sorted(values.items()) if p != 0]

    roles = ("experimental", "background", "comparator", "other")
    return {
        ("seed",): [(seed,)],
        ("condition", "pointsRegistered", "pointsText"): conditions,
        ("gateCondition",): gates,
        ("diseaseCondition",): [(row[0],) for row in conditions],
        ("drug", "seedDrug", "relation"): [(d, s, lit(r)) for d, s, r in tables.drugs],
        ("relation", "role", "points"): [(lit(rel), lit(role), lit(drug_points(rel, role)))
                                         for rel in ("drug", "class", "broader-class")
                                         for role in roles],
        ("link", "points"): [(lit(k), lit(WEIGHTS[("link", k)])) for k in ("cited", "databank")],
        ("settingValue", "points"): concept_rows("disease-setting",
                                                 context.get("disease-setting", {})),
        ("lineValue", "points"): concept_rows("line", context.get("line", {})),
        ("evidenceValue", "points"): concept_rows("evidence", context["evidence"]),
        ("designValue", "points"): concept_rows("design", context["design"], design=True),
        ("meshPoint", "meshCap"): [(lit(WEIGHTS[("mesh", "per descriptor")]),
                                    lit(WEIGHTS[("mesh", "at most")]))],
        ("descriptor",): mesh_check_tags(),
        ("cap",): [(lit(WEIGHTS[("no disease", "at most")]),)],
    }


def _design_aspect(value: str) -> str:
    return next(a for a in ("phase", "allocation", "comparator", "blinding")
                if value in CONCEPTS[a])


def _labels(store: Store, seed: URIRef, ranked: list[str], limit: int | None
            ) -> dict[str, dict]:
    """Kind, id and label per candidate. With a limit only the best ``limit`` (plus ties
    at the cut) are looked up one by one: at field scale listing every trial and article
    costs more than the whole ranking."""
    if limit is None or len(ranked) <= limit:
        return {str(r["candidate"]): r for r in run(store, "candidates", seed)}
    q = parse_query_file(RELATED_QUERIES / "label.rq", check=False)
    out: dict[str, dict] = {}
    for candidate in ranked[: limit * 2]:  # a few spares for candidates with no label
        rows = store.query(q.text, {"candidate": URIRef(candidate)}).rows
        row = rows[0] if rows else {}
        if "nct" in row:
            out[candidate] = {"kind": "trial", "id": row["nct"], "label": row.get("title", "")}
        elif "pmid" in row:
            out[candidate] = {"kind": "article", "id": row["pmid"],
                              "label": row.get("title", "")}
        elif "citation" in row:
            out[candidate] = {"kind": "article", "id": row.get("doi", ""),
                              "label": row["citation"]}
        if len(out) >= limit:
            break
    return out


def _seed_iri(seed: str | URIRef | None) -> URIRef:
    if seed is None:
        return iris.trial(resources.BUNDLED_NCT)
    text = str(seed)
    if text.upper().startswith("NCT"):
        return iris.trial(text.upper())
    return URIRef(text)


def to_query_result(results: list[RelatedResult]):
    """The ranking as a QueryResult, so every output format of ``kg query`` applies."""
    from rdflib.namespace import XSD

    from kg.store import QueryResult

    variables = ["rank", "kind", "id", "score", "title", "setting", "line", "design", "cited",
                 "evidence", "reasons"]
    rows = []
    for rank, r in enumerate(results, start=1):
        rows.append({
            "rank": Literal(rank, datatype=XSD.integer),
            "kind": Literal(r.kind),
            "id": Literal(r.identifier),
            "score": Literal(f"{r.score:g}", datatype=XSD.decimal),
            "title": Literal(r.label),
            "setting": Literal(r.setting),
            "line": Literal(r.line),
            "design": Literal(r.design),
            "cited": Literal("cited" if r.cited else ""),
            "evidence": Literal(", ".join(r.evidence_kinds)),
            "reasons": Literal("; ".join(r.reasons)),
        })
    return QueryResult("select", variables=variables, rows=rows)


def default_related_path(output_dir: Path) -> Path:
    return output_dir / "related.csv"
