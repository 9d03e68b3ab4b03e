"""The manifest's record digests, which make a second build of the same records write nothing:
read on each kind of local store, only for the graphs asked about."""

from __future__ import annotations

import re

import pytest

from kg.pipeline.build import BuildOptions, build
from kg.rdf import iris
from kg.store import manifest
from kg.store.memory import MemoryStore
from kg.store.oxigraph import OxigraphStore

TRIAL = iris.record_graph("trial", "NCT05807880")


@pytest.mark.parametrize("make", [MemoryStore, OxigraphStore], ids=["memory", "oxigraph"])
def test_digests_of_the_graphs_asked_about_and_a_rebuild_writes_nothing(make):
    store = make()
    assert manifest.stored_digests(store, [TRIAL]) == {}  # no manifest yet
    first = build(BuildOptions(corpus=False), store=store)
    unknown = iris.record_graph("trial", "NCT00000000")
    found = manifest.stored_digests(store, [TRIAL, unknown])
    assert list(found) == [TRIAL] and re.fullmatch(r"[0-9a-f]{40}", found[TRIAL])
    everything = manifest.stored_digests(store, store.graph_names())
    written = first.counts["records written"]
    assert len(everything) == written > 1 and everything[TRIAL] == found[TRIAL]
    again = build(BuildOptions(corpus=False), store=store)
    assert (again.counts["records written"], again.counts["records unchanged"]) == (0, written)
