"""Gathering and explaining the related-study evidence: every piece of evidence for every
candidate (or for a shortlist) from ``queries/related/``, weighed by ``kg.views.related``'s
table, and the results with their clinician-readable reasons."""

from __future__ import annotations

from rdflib import Literal, URIRef

from kg.rdf import iris
from kg.store import Store
from kg.views import related_reasons as rr
from kg.views.query import parse_query_file
from kg.views.related_scoring import (
    CONTEXT_RELATIONS,
    WEIGHTS,
    Evidence,
    RelatedResult,
    context_points,
    disease_points,
    drug_points,
    match_points,
    mesh_check_tags,
    order,
    score,
)
from kg.views.related_seed import RELATED_QUERIES, SeedTables, run
from kg.vocab import Vocabulary

_DRUG_PREFIX = str(iris.drug(""))


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
                    tables: SeedTables, candidates: list[str] | None = None
                    ) -> tuple[_Collector, dict[str, rr.Profile]]:
    """Every piece of evidence for every candidate, or for the ``candidates`` given, and
    their profiles (clinical setting). ``tables``: the seed's side, looked up once by the
    caller (SeedTables.of)."""
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
        # GROUP_CONCAT has no order (SPARQL 1.1) and stores differ: sorted, the reason is stable
        labels = "; ".join(sorted(str(row.get("labels", "")).split("; ")))
        c.add(str(row["candidate"]), Evidence(
            "mesh", "mesh", "overlap", points,
            f"shares {shared} MeSH descriptor(s) with the seed's citations: {labels}"))
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


def explain(store: Store, seed: URIRef, vocab: Vocabulary, tables: SeedTables,
             candidates: list[str] | None, kind: str | None, wanted: dict, matches,
             labels_for: int | None) -> list[RelatedResult]:
    collected, described = gather_evidence(store, seed, vocab, tables, candidates)
    scored = []
    for candidate, slots in collected.best.items():
        evidence = sorted(slots.values(), key=lambda e: (-e.points, e.kind, e.reason))
        scored.append((score(evidence, candidate in collected.gated), candidate, evidence))
    scored.sort(key=lambda item: order(item[0], item[1]))
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
            " ".join(str(info.get("label", "")).split()), score_,
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
