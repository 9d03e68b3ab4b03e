"""Related studies: trials and articles ranked as an oncologist reads them, each with a score
and reasons in plain words.

Evidence comes from the queries in ``queries/related/`` (store-neutral SPARQL) and the
clinical setting each record states (``kg/extract/setting.py``); it is weighed with the one
table ``WEIGHTS`` (``related_scoring``), which ``rank.rq`` also receives, so the store's
ranking and the explained ranking score alike. The judgement it encodes, in order:

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

The machinery lives beside this module: ``related_seed`` (what the seed has, including
condition distances), ``related_evidence`` (gathering and explaining evidence),
``related_reasons`` (the sentences), ``related_rank`` (the store's ranking),
``related_filters`` (``kg related``'s filters).
"""

from __future__ import annotations

import logging

from rdflib import Literal, URIRef

from kg import resources
from kg.errors import NetworkError, QueryError
from kg.rdf import iris
from kg.store import Store
from kg.views.related_scoring import (  # noqa: F401 (disease_points, mesh_check_tags: API)
    WEIGHTS,
    Evidence,
    RelatedResult,
    disease_points,
    mesh_check_tags,
    order,
    score,
)
from kg.views.related_seed import SeedTables
from kg.vocab import Vocabulary, default_vocabulary

log = logging.getLogger(__name__)

__all__ = ["WEIGHTS", "Evidence", "RelatedResult", "disease_points", "find_related",
           "mesh_check_tags", "score", "to_query_result"]
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
    from kg.views.related_evidence import explain
    from kg.views.related_filters import filters, matches
    from kg.views.related_rank import shortlist as store_shortlist

    vocab = vocab or default_vocabulary()
    seed_iri = _seed_iri(seed)
    _check_seed(store, seed_iri)
    tables = SeedTables.of(store, seed_iri)
    wanted = filters(vocab, drug, drug_class, condition, setting, line)
    shortlist = None
    if limit and not wanted:
        try:
            if not _can_rank(store):
                raise QueryError("the store's dialect cannot run the ranking query")
            shortlist = store_shortlist(store, seed_iri, tables, limit * 2, kind)
        except (QueryError, NetworkError) as exc:
            # A server whose SPARQL compiler cannot take the ranking query (Virtuoso 7.2
            # answers HTTP 500 "SQ142: Different number of expected and generated columns")
            # still gets the same answer: every candidate is explained, which is only
            # slower. (A server that is down fails the explaining too, with its own error.)
            log.info("the store could not rank related candidates (%s); explaining all", exc)
    results = explain(store, seed_iri, vocab, tables, shortlist, kind, wanted, matches,
                       labels_for=limit if not wanted and shortlist is not None else None)
    if shortlist is not None and len(results) < limit and len(shortlist) >= limit * 2:
        # Candidates without a label were dropped (none in our graphs): explain them all.
        results = explain(store, seed_iri, vocab, tables, None, kind, wanted, matches, None)
    return results[:limit] if limit else results


def _can_rank(store: Store) -> bool:
    """A remote server's dialect may say it cannot rank (kg.store.dialects)."""
    dialect = getattr(store, "dialect", None)
    return getattr(dialect, "ranks_related", True)


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
