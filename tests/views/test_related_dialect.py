"""Whether a store can rank the related studies itself: its dialect says so
(kg.store.dialects: a server whose SPARQL cannot run rank.rq says ranks_related = False);
a store without a dialect, or a dialect that does not say, can."""

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
