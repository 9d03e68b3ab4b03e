"""Related studies: trials and articles ranked by how they connect to a seed trial, each
with a score and the evidence behind it in plain words.

Evidence comes from the evidence queries in ``queries/related/`` (store-neutral SPARQL);
this module only weighs and explains it. The weights encode one judgement: a study is
related when it shares the *disease* and the *therapy*, so a disease match or a therapy
match alone never outranks both together.

| evidence                                            | points |
|-----------------------------------------------------|--------|
| same condition (registered or MeSH), per condition  | 4      |
| same condition named only in title/abstract text    | 3      |
| same drug, registered intervention                  | 3      |
| same drug, named only in text                       | 2      |
| same drug class, via another drug                   | 2      |
| only a broader class (e.g. checkpoint inhibitor)    | 1      |
| the seed trial cites the article                    | 3      |
| the article's DataBank list names the seed trial    | 4      |
| MeSH descriptors an uncited article shares with the | 0.5 each, at most 2 |
| seed's citations (check tags such as Humans aside)  |        |

Per kind, only the strongest piece counts for each drug, class and condition, so a drug
both registered and mentioned is not counted twice.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rdflib import Literal, URIRef

from kg import resources
from kg.errors import NetworkError, QueryError
from kg.rdf import iris
from kg.store import Store
from kg.store.sparql import fill_values
from kg.views.query import parse_query_file
from kg.vocab import Vocabulary, default_vocabulary

log = logging.getLogger(__name__)

RELATED_QUERIES = resources.QUERIES / "related"

WEIGHTS = {
    ("condition", "registered"): 4.0,
    ("condition", "mesh"): 4.0,
    ("condition", "text"): 3.0,
    ("drug", "registered"): 3.0,
    ("drug", "text"): 2.0,
    ("class", "direct"): 2.0,
    ("class", "broader"): 1.0,
    ("link", "cited"): 3.0,
    ("link", "databank"): 4.0,
}
MESH_POINT, MESH_CAP = 0.5, 2.0
SHORTLIST_MIN_FETCH = 500  # candidates the store's ranking returns at first (see _shortlist)


@lru_cache(maxsize=1)
def mesh_check_tags() -> tuple[tuple[URIRef], ...]:
    """MeSH check tags (Humans, Male, ...), left out of MeSH overlap: nearly every article
    carries some, so sharing them says nothing (ontologies/mesh-check-tags.json)."""
    data = json.loads(resources.MESH_CHECK_TAGS_JSON.read_text(encoding="utf-8"))
    return tuple((iris.mesh(tag["mesh"]),) for tag in data["check_tags"])


@dataclass
class Evidence:
    kind: str  # "condition", "drug", "class", "link", "mesh"
    via: str  # "registered", "mesh", "text", "direct", "broader", "cited", "databank"
    key: str  # what is shared (drug key, class key, condition IRI, link kind)
    points: float
    reason: str


@dataclass
class RelatedResult:
    iri: str
    kind: str  # "trial" or "article"
    identifier: str
    label: str
    score: float
    reasons: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)

    @property
    def evidence_kinds(self) -> list[str]:
        return sorted({e.kind for e in self.evidence})


def _run(store: Store, name: str, seed: URIRef | None, tables: dict | None = None
         ) -> list[dict]:
    """One of the finder's queries, the seed bound and the tables given filled in."""
    text = parse_query_file(RELATED_QUERIES / f"{name}.rq", check=False).text
    if tables:
        text = fill_values(text, tables)
    return store.query(text, {"seed": seed} if seed is not None else None).rows


@dataclass
class SeedTables:
    """What the seed has, looked up once: few rows, by which candidates are then found."""

    drugs: list[dict]
    class_drugs: list[dict]
    conditions: list[dict]

    @classmethod
    def of(cls, store: Store, seed: URIRef) -> SeedTables:
        return cls(_run(store, "seed-drugs", seed), _run(store, "seed-class-drugs", seed),
                   _run(store, "seed-conditions", seed))

    def condition_rows(self) -> list[tuple[URIRef, URIRef]]:
        """(condition, the seed's condition it falls under), as the queries' table."""
        return [(r["condition"], r["seedCondition"]) for r in self.conditions]

    def class_links(self) -> list[tuple[URIRef, Literal]]:
        """Per other drug, its strongest class link to the seed: "direct" unless every
        shared class is a broader one."""
        best: dict[URIRef, str] = {}
        for row in self.class_drugs:
            via = "broader" if _true(row.get("broader")) else "direct"
            if best.get(row["drug"]) != "direct":
                best[row["drug"]] = via
        return [(drug, Literal(via)) for drug, via in sorted(best.items())]


def _true(term) -> bool:
    return str(term).lower() in ("true", "1")


def _key_of(iri: str, prefix: str) -> str:
    return iri[len(prefix):] if iri.startswith(prefix) else iri


def _drug_key(node) -> str:
    return _key_of(str(node), str(iris.drug("")))


def _class_key(node) -> str:
    return _key_of(str(node), str(iris.drug_class("")))


class _Collector:
    """Keeps the strongest evidence per (candidate, kind, key)."""

    def __init__(self) -> None:
        self.best: dict[str, dict[tuple[str, str], Evidence]] = {}

    def add(self, candidate: str, ev: Evidence) -> None:
        slot = self.best.setdefault(candidate, {})
        current = slot.get((ev.kind, ev.key))
        # Ties break on the reason text, so the answer never depends on a store's row order.
        if current is None or (ev.points, current.reason) > (current.points, ev.reason):
            slot[(ev.kind, ev.key)] = ev


def _condition_label(vocab: Vocabulary, node) -> str:
    iri = str(node)
    mesh_prefix = str(iris.mesh(""))
    if iri.startswith(mesh_prefix):
        cond = vocab.condition_by_mesh(iri[len(mesh_prefix):])
        if cond is not None:
            return f"{cond.label} (MeSH {cond.mesh})"
        return f"MeSH {iri[len(mesh_prefix):]}"
    return iri.rsplit("/", 1)[-1].replace("-", " ")


def gather_evidence(store: Store, seed: URIRef, vocab: Vocabulary,
                    tables: SeedTables | None = None,
                    candidates: list[str] | None = None) -> _Collector:
    """Every piece of evidence for every candidate, or for the ``candidates`` given."""
    tables = tables or SeedTables.of(store, seed)
    only = {("candidate",): [(URIRef(c),) for c in candidates]} if candidates is not None else {}

    def run(name: str, more: dict | None = None) -> list[dict]:
        return _run(store, name, seed, {**only, **(more or {})})

    c = _Collector()
    for row in run("shared-conditions", {("condition", "seedCondition"): tables.condition_rows()}):
        via = str(row["via"])
        label = _condition_label(vocab, row["condition"])
        how = {"registered": "registered condition", "mesh": "MeSH heading",
               "text": "named in title/abstract"}[via]
        c.add(str(row["candidate"]), Evidence(
            "condition", via, str(row["seedCondition"]), WEIGHTS[("condition", via)],
            f"same disease: {label} ({how})"))
    for row in run("shared-drugs"):
        via = str(row["via"])
        key = _drug_key(row["drug"])
        label = vocab.drugs[key].label if key in vocab.drugs else key
        how = "registered intervention" if via == "registered" else "named in text"
        c.add(str(row["candidate"]), Evidence(
            "drug", via, key, WEIGHTS[("drug", via)], f"same drug: {label} ({how})"))
    class_rows = [(r["drug"], r["drugClass"], r["seedDrug"], r["broader"])
                  for r in tables.class_drugs]
    for row in run("shared-drug-classes",
                   {("drug", "drugClass", "seedDrug", "broader"): class_rows}):
        key = _class_key(row["drugClass"])
        drug = _drug_key(row["drug"])
        seed_drug = _drug_key(row["seedDrug"])
        broader = _true(row.get("broader", "false"))
        via = "broader" if broader else "direct"
        cls = vocab.classes[key].label if key in vocab.classes else key
        drug_label = vocab.drugs[drug].label if drug in vocab.drugs else drug
        seed_label = vocab.drugs[seed_drug].label if seed_drug in vocab.drugs else seed_drug
        text_note = "" if str(row["via"]) == "registered" else ", named in text"
        article = "an" if cls[:1].lower() in "aeiou" else "a"
        # Keyed by the candidate's drug: its most specific shared class counts, once.
        c.add(str(row["candidate"]), Evidence(
            "class", via, drug, WEIGHTS[("class", via)],
            f"same drug class: {drug_label} is {article} {cls}, like {seed_label}{text_note}"))
    for row in run("citation-links"):
        link = str(row["link"])
        reason = ("cited by the seed trial's record" if link == "cited"
                  else "its PubMed DataBank list names the seed trial")
        c.add(str(row["candidate"]), Evidence("link", link, link, WEIGHTS[("link", link)],
                                              reason))
    for row in run("mesh-overlap", {("seed",): [(seed,)], ("descriptor",): mesh_check_tags()}):
        shared = int(row["shared"])
        points = min(MESH_CAP, MESH_POINT * shared)
        labels = str(row.get("labels", ""))
        c.add(str(row["candidate"]), Evidence(
            "mesh", "mesh", "overlap", points,
            f"shares {shared} MeSH descriptor(s) with the seed's citations: {labels}"))
    return c


def find_related(store: Store, seed: str | URIRef | None = None, *,
                 vocab: Vocabulary | None = None, kind: str | None = None,
                 drug: str | None = None, drug_class: str | None = None,
                 condition: str | None = None, limit: int | None = None
                 ) -> list[RelatedResult]:
    """Rank trials and articles related to ``seed`` (an NCT id or trial IRI; default the
    bundled trial). Filters keep only results whose evidence involves the given drug, class
    or condition.

    With a ``limit`` and no drug, class or condition filter the store ranks (``rank.rq``)
    and only the best are explained: on a field of 100,000 articles most of them share
    something with the seed, and explaining them all costs seconds. Otherwise every
    candidate is explained. Both
    give the same answer (tested); ties are broken the same way: trials first, then IRI."""
    vocab = vocab or default_vocabulary()
    seed_iri = _seed_iri(seed)
    _check_seed(store, seed_iri)
    tables = SeedTables.of(store, seed_iri)
    wanted = _filters(vocab, drug, drug_class, condition)
    shortlist = None
    if limit and not wanted:
        try:
            shortlist = _shortlist(store, seed_iri, tables, limit * 2, kind)
        except (QueryError, NetworkError) as exc:
            # A server whose SPARQL compiler cannot take the ranking query (Virtuoso 7.2
            # answers HTTP 500 "SQ142: Different number of expected and generated columns")
            # still gets the same answer: every candidate is explained, which is only
            # slower. (A server that is down fails the explaining too, with its own error.)
            log.info("the store could not rank related candidates (%s); explaining all", exc)
    results = _explain(store, seed_iri, vocab, tables, shortlist, kind, wanted,
                       labels_for=limit if not wanted else None)
    if shortlist is not None and len(results) < limit and len(shortlist) >= limit * 2:
        # Candidates without a label were dropped (none in our graphs): explain them all.
        results = _explain(store, seed_iri, vocab, tables, None, kind, wanted, None)
    return results[:limit] if limit else results


def _order(score: float, iri: str) -> tuple:
    """Best first; among equals trials before articles, then by IRI (an NCT id or a PMID
    after a common prefix, so this is also by identifier)."""
    return -score, not iri.startswith(_TRIAL_PREFIX), iri


_TRIAL_PREFIX = str(iris.trial(""))


def _explain(store: Store, seed: URIRef, vocab: Vocabulary, tables: SeedTables,
             candidates: list[str] | None, kind: str | None, wanted: dict[str, set[str]],
             labels_for: int | None) -> list[RelatedResult]:
    collected = gather_evidence(store, seed, vocab, tables, candidates)
    scored = []
    for candidate, slots in collected.best.items():
        evidence = sorted(slots.values(), key=lambda e: (-e.points, e.kind, e.reason))
        scored.append((round(sum(e.points for e in evidence), 2), candidate, evidence))
    scored.sort(key=lambda item: _order(item[0], item[1]))
    labels = _labels(store, seed, [c for _, c, _ in scored], labels_for)
    results = []
    for score, candidate, evidence in scored:
        info = labels.get(candidate)
        if info is None:
            continue
        result = RelatedResult(candidate, str(info["kind"]), str(info.get("id", "")),
                               " ".join(str(info.get("label", candidate)).split()),
                               score, [e.reason for e in evidence], evidence)
        if kind and result.kind != kind:
            continue
        if wanted and not _matches(result, wanted, vocab):
            continue
        results.append(result)
    return results


def _shortlist(store: Store, seed: URIRef, tables: SeedTables, size: int,
               kind: str | None = None) -> list[str]:
    """The ``size`` best candidates by the store's ranking, ties broken as ``_order`` does.

    The store orders by score only, so the candidates at the lowest score it returned may
    be an arbitrary part of a larger tie: only scores above it are complete. Fetch more
    until ``size`` complete candidates are in hand or the ranking is exhausted."""
    text = fill_values(parse_query_file(RELATED_QUERIES / "rank.rq", check=False).text, {
        ("seed",): [(seed,)],
        ("seedDrug",): [(r["seedDrug"],) for r in tables.drugs],
        ("classDrug", "classVia"): tables.class_links(),
        ("condition", "seedCondition"): tables.condition_rows(),
        ("kind", "via", "points"): [(Literal(k), Literal(v), Literal(p))
                                    for (k, v), p in sorted(WEIGHTS.items())],
        ("meshPoint", "meshCap"): [(Literal(MESH_POINT), Literal(MESH_CAP))],
        ("descriptor",): mesh_check_tags(),
    })
    # Each try costs the whole aggregation (~0.4 s on a 15M-quad field) and returning more
    # rows costs little, so the first asks for plenty: ties at the cut are common.
    fetch = max(size * 10, SHORTLIST_MIN_FETCH)
    while True:
        rows = store.query(f"{text}\nLIMIT {int(fetch)}").rows
        # rdflib answers an empty group with a row that has no candidate: skip it.
        scores = [(float(r["score"]), str(r["candidate"])) for r in rows
                  if "candidate" in r and "score" in r]
        lowest = scores[-1][0] if scores else 0.0
        if kind:  # a trial's IRI is its registry page: kind is known without a look-up
            scores = [s for s in scores if s[1].startswith(_TRIAL_PREFIX) == (kind == "trial")]
        exhausted = len(rows) < fetch
        complete = scores if exhausted else [s for s in scores if s[0] > lowest]
        if exhausted or len(complete) >= size:
            break
        fetch *= 8
    complete.sort(key=lambda s: _order(*s))
    return [candidate for _, candidate in complete[:size]]


def _labels(store: Store, seed: URIRef, ranked: list[str], limit: int | None
            ) -> dict[str, dict]:
    """Kind, id and label per candidate. With a limit only the best ``limit`` (plus ties
    at the cut) are looked up one by one: at field scale listing every trial and article
    costs more than the whole ranking."""
    if limit is None or len(ranked) <= limit:
        return {str(r["candidate"]): r for r in _run(store, "candidates", seed)}
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


def _check_seed(store: Store, seed: URIRef) -> None:
    """An unknown seed is bad input, not an empty answer."""
    from kg.errors import NotFoundError
    from kg.rdf.namespaces import TKG

    if not store.query("ASK { ?seed a ?trial }", {"seed": seed, "trial": TKG.ClinicalTrial}
                       ).boolean:
        nct = str(seed).rsplit("/", 1)[-1]
        raise NotFoundError(f"no such trial in the store; load it first (kg build --trial "
                            f"{nct})", where=nct)


def _seed_iri(seed: str | URIRef | None) -> URIRef:
    if seed is None:
        return iris.trial(resources.BUNDLED_NCT)
    text = str(seed)
    if text.upper().startswith("NCT"):
        return iris.trial(text.upper())
    return URIRef(text)


def _filters(vocab: Vocabulary, drug: str | None, drug_class: str | None,
             condition: str | None) -> dict[str, set[str]]:
    from kg.errors import QueryError

    wanted: dict[str, set[str]] = {}
    if drug:
        keys = [drug.lower()] if drug.lower() in vocab.drugs else vocab.drug_keys_in(drug)
        if not keys:
            raise QueryError(f"--drug: {drug!r} is not a curated drug name")
        wanted["drug"] = set(keys)
    if drug_class:
        try:
            wanted["class"] = {vocab.resolve_class(drug_class)}
        except KeyError as exc:
            raise QueryError(f"--drug-class: {exc.args[0]}") from None
    if condition:
        keys = vocab.condition_keys_in(condition)
        if not keys:
            raise QueryError(f"--condition: {condition!r} names no curated condition")
        wanted["condition"] = set(keys)
    return wanted


def _matches(result: RelatedResult, wanted: dict[str, set[str]], vocab: Vocabulary) -> bool:
    from kg.rdf.trial import condition_iri

    for kind, keys in wanted.items():
        if kind == "drug":
            ok = any(e.kind in ("drug", "class") and e.key in keys for e in result.evidence)
        elif kind == "class":
            members = {m for k in keys for m in vocab.members(k)}
            ok = any(e.kind in ("class", "drug") and e.key in members for e in result.evidence)
        else:
            iris_wanted = {str(condition_iri(vocab, a)) for k in keys
                           for a in vocab.condition_ancestors(k)}
            ok = any(e.kind == "condition" and e.key in iris_wanted for e in result.evidence)
        if not ok:
            return False
    return True


def to_query_result(results: list[RelatedResult]):
    """The ranking as a QueryResult, so every output format of ``kg query`` applies."""
    from rdflib import Literal
    from rdflib.namespace import XSD

    from kg.store import QueryResult

    variables = ["rank", "kind", "id", "score", "title", "evidence", "reasons"]
    rows = []
    for rank, r in enumerate(results, start=1):
        rows.append({
            "rank": Literal(rank, datatype=XSD.integer),
            "kind": Literal(r.kind),
            "id": Literal(r.identifier),
            "score": Literal(f"{r.score:g}", datatype=XSD.decimal),
            "title": Literal(r.label),
            "evidence": Literal(", ".join(r.evidence_kinds)),
            "reasons": Literal("; ".join(r.reasons)),
        })
    return QueryResult("select", variables=variables, rows=rows)


def default_related_path(output_dir: Path) -> Path:
    return output_dir / "related.csv"
