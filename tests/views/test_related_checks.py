"""The related finder's checks before it ranks (kg.views.related): whether a store can rank
the related studies itself (its dialect says so: kg.store.dialects, a server whose SPARQL
cannot run rank.rq says ranks_related = False; a store without a dialect, or a dialect that
does not say, can), how a seed is named, and that an unknown seed is refused."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from kg.views.related import _can_rank


@pytest.mark.parametrize(("store", "can"), [
    (SimpleNamespace(dialect=SimpleNamespace(ranks_related=False)), False),
    (SimpleNamespace(dialect=SimpleNamespace(ranks_related=True)), True),
    (SimpleNamespace(dialect=SimpleNamespace()), True),   # the dialect does not say
    (SimpleNamespace(dialect=None), True),
    (SimpleNamespace(), True),                            # an rdflib or Oxigraph store
])
def test_a_store_ranks_unless_its_dialect_says_it_cannot(store, can):
    assert _can_rank(store) is can


# ---------------------------------------------------------------- the seed, named and checked
# A memory store holding one SYNTHETIC trial (its type only): cheap, so a mutant of these
# functions dies before any test builds the bundled corpus.


def _store_with(nct: str):
    from rdflib import RDF

    from kg.rdf import iris
    from kg.rdf.namespaces import TKG
    from kg.store import open_store

    store = open_store("memory")
    store.replace_graph(iris.record_graph("test", nct), [(iris.trial(nct), RDF.type,
                                                          TKG.ClinicalTrial)])
    return store


def test_a_seed_in_the_store_passes_and_one_absent_is_refused_naming_it():
    from kg.errors import NotFoundError
    from kg.rdf import iris
    from kg.views.related import _check_seed

    store = _store_with("NCT09999992")
    _check_seed(store, iris.trial("NCT09999992"))
    with pytest.raises(NotFoundError) as caught:
        _check_seed(store, iris.trial("NCT09999993"))
    assert str(caught.value) == ("NCT09999993: no such trial in the store; load it first "
                                 "(kg build --trial NCT09999993)")


def test_a_seed_in_the_store_as_something_else_than_a_trial_is_refused():
    from rdflib import RDF, URIRef

    from kg.errors import NotFoundError
    from kg.rdf import iris
    from kg.rdf.namespaces import TKG
    from kg.views.related import _check_seed

    store = _store_with("NCT09999992")
    drug = URIRef("urn:synthetic:drug")  # an IRI without a slash is named whole
    store.replace_graph(iris.record_graph("test", "drug"), [(drug, RDF.type, TKG.Drug)])
    with pytest.raises(NotFoundError) as caught:
        _check_seed(store, drug)
    assert str(caught.value) == ("urn:synthetic:drug: no such trial in the store; load it "
                                 "first (kg build --trial urn:synthetic:drug)")


@pytest.mark.parametrize(("seed", "iri"), [
    (None, "https://clinicaltrials.gov/study/NCT05807880"),  # the bundled trial
    ("nct09999992", "https://clinicaltrials.gov/study/NCT09999992"),
    ("NCT09999992", "https://clinicaltrials.gov/study/NCT09999992"),
    ("https://example.org/trial/1", "https://example.org/trial/1"),
])
def test_a_seed_is_an_nct_id_in_any_case_an_iri_or_the_bundled_trial(seed, iri):
    from kg.views.related import _seed_iri

    assert str(_seed_iri(seed)) == iri
