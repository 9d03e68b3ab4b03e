"""`kg viz` on a store too large to copy: the focus neighbourhood is fetched from the store,
level by level with caps, and the page says so (kg/views/viz/neighbourhood.py). The thresholds
are lowered so the bundled graph plays the field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import kg.store
from kg import resources
from kg.cli import main
from kg.pipeline.build import BuildOptions, build
from kg.rdf import iris
from kg.views.viz import build_view
from kg.views.viz import neighbourhood as nb
from kg.views.viz.errors import FocusNotFound

SEED = iris.trial(resources.BUNDLED_NCT)


@pytest.fixture(scope="module")
def store():
    s = build(BuildOptions(trials=[str(resources.BUNDLED_TRIAL)], corpus=True,
                           store="oxigraph:")).store
    yield s
    s.close()


def test_size_and_focus_are_found_by_queries(store):
    assert kg.store.is_large(store, threshold=100)
    assert not kg.store.is_large(store, threshold=10_000_000)
    assert nb.find_focus(store, "nct05807880") == SEED
    assert nb.find_focus(store, "anlotinib") == iris.drug("anlotinib")
    with pytest.raises(FocusNotFound, match="names no node in the store"):
        nb.find_focus(store, "NCT99999999")
    with pytest.raises(FocusNotFound):
        nb.find_focus(store, "<bad> iri")


@pytest.mark.parametrize("depth", [1, 2])
def test_uncapped_fetch_draws_what_the_whole_graph_would(store, depth):
    fetched = nb.fetch(store, SEED, depth, triple_cap=10**6, per_node=10**6)
    assert fetched.notes == []
    whole = build_view(store.union(), focus=str(SEED), depth=depth, max_nodes=10**6)
    part = build_view(fetched.graph, focus=str(SEED), depth=depth, max_nodes=10**6)
    assert {n.id for n in part.nodes} == {n.id for n in whole.nodes}
    assert {(e.source, e.target, e.label) for e in part.edges} == {
        (e.source, e.target, e.label) for e in whole.edges}
    assert len(fetched.graph) < len(store.union())
    # every card says what it says on the whole graph: setting facts, mentions and
    # constraints are fetched with their owner, MeSH ancestors for the tree paths, and the
    # helpers of the nodes at the edge of the neighbourhood (a trial's ages, say)
    cards = {n.id: n.facts for n in whole.nodes}
    assert {n.id: n.facts for n in part.nodes} == cards
    assert any(k == "MeSH tree" and v.startswith("Neoplasms > ")
               for k, v in cards[str(iris.mesh("D000077274"))])
    assert any(k == "setting" for k, _ in cards[str(SEED)])


def test_caps_cut_and_say_so(store):
    hubs = nb.fetch(store, SEED, 2, per_node=3)
    assert any("linked from more than 3 others" in note for note in hubs.notes)
    cut = nb.fetch(store, SEED, 2, triple_cap=50)
    assert len(cut.graph) <= 50
    assert any("cut at 50 triples" in note for note in cut.notes)


def test_viz_command_on_a_large_store(tmp_path: Path, monkeypatch):
    target = tmp_path / "db"
    build(BuildOptions(trials=[str(resources.BUNDLED_TRIAL)], corpus=True,
                       store=f"oxigraph:{target}")).store.close()
    monkeypatch.setattr(kg.store, "LARGE_STORE", 1000)
    page = tmp_path / "field.html"
    result = CliRunner().invoke(main, ["viz", "--store", f"oxigraph:{target}", "--depth", "1",
                                       "--related", "--output", str(page)])
    assert result.exit_code == 0, result.output
    assert "more than 1,000 triples: drawing the neighbourhood of " + str(SEED) in result.output
    data = json.loads(page.read_text(encoding="utf-8").split('id="kg-page">')[1]
                      .split("</script>")[0])
    assert any("drawing the neighbourhood" in note for note in data["notes"])
    assert data["related"]
    result = CliRunner().invoke(main, ["viz", "--store", f"oxigraph:{target}", "--focus",
                                       "NCT99999999", "--output", str(page)])
    assert result.exit_code != 0 and "names no node in the store" in result.output
