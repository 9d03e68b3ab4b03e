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
| MeSH descriptors shared with the seed's citations   | 0.5 each, at most 2 |

Per kind, only the strongest piece counts for each drug, class and condition, so a drug
both registered and mentioned is not counted twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rdflib import URIRef

from kg import resources
from kg.query import parse_query_file
from kg.rdf import iris
from kg.store import Store
from kg.vocab import Vocabulary, default_vocabulary

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


def _run(store: Store, name: str, seed: URIRef) -> list[dict]:
    q = parse_query_file(RELATED_QUERIES / f"{name}.rq")
    return store.query(q.text, {"seed": seed}).rows


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


def gather_evidence(store: Store, seed: URIRef, vocab: Vocabulary) -> _Collector:
    c = _Collector()
    for row in _run(store, "shared-conditions", seed):
        via = str(row["via"])
        label = _condition_label(vocab, row["condition"])
        how = {"registered": "registered condition", "mesh": "MeSH heading",
               "text": "named in title/abstract"}[via]
        c.add(str(row["candidate"]), Evidence(
            "condition", via, str(row["seedCondition"]), WEIGHTS[("condition", via)],
            f"same disease: {label} ({how})"))
    for row in _run(store, "shared-drugs", seed):
        via = str(row["via"])
        key = _drug_key(row["drug"])
        label = vocab.drugs[key].label if key in vocab.drugs else key
        how = "registered intervention" if via == "registered" else "named in text"
        c.add(str(row["candidate"]), Evidence(
            "drug", via, key, WEIGHTS[("drug", via)], f"same drug: {label} ({how})"))
    for row in _run(store, "shared-drug-classes", seed):
        key = _class_key(row["drugClass"])
        drug = _drug_key(row["drug"])
        seed_drug = _drug_key(row["seedDrug"])
        broader = str(row.get("broader", "false")).lower() in ("true", "1")
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
    for row in _run(store, "citation-links", seed):
        link = str(row["link"])
        reason = ("cited by the seed trial's record" if link == "cited"
                  else "its PubMed DataBank list names the seed trial")
        c.add(str(row["candidate"]), Evidence("link", link, link, WEIGHTS[("link", link)],
                                              reason))
    for row in _run(store, "mesh-overlap", seed):
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
    or condition."""
    vocab = vocab or default_vocabulary()
    seed_iri = _seed_iri(seed)
    collected = gather_evidence(store, seed_iri, vocab)
    wanted = _filters(vocab, drug, drug_class, condition)
    scored = []
    for candidate, slots in collected.best.items():
        evidence = sorted(slots.values(), key=lambda e: (-e.points, e.kind, e.reason))
        scored.append((round(sum(e.points for e in evidence), 2), candidate, evidence))
    scored.sort(key=lambda item: (-item[0], item[1]))
    labels = _labels(store, seed_iri, [c for _, c, _ in scored], limit if not (kind or wanted)
                     else None)
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
    results.sort(key=lambda r: (-r.score, r.kind != "trial", r.identifier, r.iri))
    return results[:limit] if limit else results


def _labels(store: Store, seed: URIRef, ranked: list[str], limit: int | None
            ) -> dict[str, dict]:
    """Kind, id and label per candidate. With a limit only the best ``limit`` (plus ties
    at the cut) are looked up one by one: at field scale listing every trial and article
    costs more than the whole ranking."""
    if limit is None or len(ranked) <= limit:
        return {str(r["candidate"]): r for r in _run(store, "candidates", seed)}
    q = parse_query_file(RELATED_QUERIES / "label.rq")
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
