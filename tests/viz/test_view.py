"""What one page shows: focus by BFS, related highlighting, author collapsing, the cap."""

from __future__ import annotations

import pytest

from kg.errors import KGError
from kg.rdf import iris
from kg.views.viz import build_view
from kg.views.viz.errors import FocusNotFound
from kg.views.viz.synthetic import synthetic_graph
from tests.viz.conftest import FakeRelated

SEED = str(iris.trial("NCT05807880"))


def test_focus_by_nct_id_keeps_the_neighbourhood(real_graph):
    whole = build_view(real_graph)
    near = build_view(real_graph, focus="nct05807880", depth=1)
    ids = {n.id for n in near.nodes}
    assert SEED in ids and near.focus == SEED
    assert len(near.nodes) < len(whole.nodes)
    # depth 1: every drawn node is the seed or touches it
    touching = {e.target for e in near.edges if e.source == SEED} | \
               {e.source for e in near.edges if e.target == SEED}
    assert ids - {SEED} <= touching
    assert any("neighbourhood" in note for note in near.notes)


@pytest.mark.parametrize("spec", ["NCT05807880", SEED, "toripalimab"])
def test_focus_accepts_ids_keys_and_iris(real_graph, spec):
    assert build_view(real_graph, focus=spec, depth=0).focus is not None


def test_focus_by_pmid(real_graph):
    view = build_view(real_graph)
    pmid = next(n.id.rsplit("/", 1)[-1] for n in view.nodes if n.id.startswith(
        "https://pubmed.ncbi.nlm.nih.gov/"))
    assert build_view(real_graph, focus=pmid, depth=1).focus == str(iris.article(pmid))


def test_unknown_focus_is_one_clear_error(real_graph):
    with pytest.raises(FocusNotFound) as info:
        build_view(real_graph, focus="NCT99999999")
    assert isinstance(info.value, KGError)
    assert "NCT99999999" in str(info.value) and "\n" not in str(info.value)


def test_related_results_are_marked_and_linked(real_graph):
    view = build_view(real_graph)
    other = next(n for n in view.nodes if n.kind == "trial" and n.id != SEED)
    related = [FakeRelated(other.id, "trial", "Other trial", 7.5, ["same condition"]),
               FakeRelated("https://pubmed.ncbi.nlm.nih.gov/424242", "article",
                           "Not in the graph yet", 2.0, ["shares MeSH"])]
    marked = build_view(real_graph, related=related, related_to=SEED)
    by_id = {n.id: n for n in marked.nodes}
    assert by_id[other.id].related == (7.5, ["same condition"])
    assert by_id["https://pubmed.ncbi.nlm.nih.gov/424242"].kind == "article"
    dashed = [e for e in marked.edges if e.dashes]
    assert {(e.source, e.target) for e in dashed} == {
        (SEED, other.id), (SEED, "https://pubmed.ncbi.nlm.nih.gov/424242")}
    assert "7.5" in next(e.label for e in dashed if e.target == other.id)
    # the shared input is not changed by marking
    assert all(n.related is None for n in build_view(real_graph).nodes)


def test_related_nodes_survive_focus_and_cap(real_graph):
    far = FakeRelated(SEED, "trial", "seed", 1.0, [])
    view = build_view(real_graph, focus="toripalimab", depth=0, related=[far])
    assert SEED in {n.id for n in view.nodes}


def test_authors_collapse_into_count_nodes(real_graph):
    view = build_view(real_graph)
    groups = [n for n in view.nodes if n.members]
    assert groups and view.collapsed_authors == sum(g.members for g in groups)
    assert all(g.kind == "author" and g.label.endswith("authors") for g in groups)
    assert all(g.id.endswith("#authors") for g in groups)


def test_cap_keeps_trials_drugs_conditions_and_says_what_it_left_out():
    graph = synthetic_graph(3000)
    view = build_view(graph, max_nodes=500)
    kinds = [n.kind for n in view.nodes]
    assert len(view.nodes) == 500
    full = build_view(graph, max_nodes=100_000)
    for kind in ("trial", "drug", "condition"):
        assert kinds.count(kind) == sum(1 for n in full.nodes if n.kind == kind)
    assert sum(view.omitted_by_kind.values()) > 0
    message = " ".join(view.notes)
    assert "--focus" in message and "Left out" in message and "--max-nodes" in message
    ids = {n.id for n in view.nodes}
    assert all(e.source in ids and e.target in ids for e in view.edges)


def test_related_default_seed_is_the_bundled_trial(real_graph):
    other = next(n for n in build_view(real_graph).nodes if n.kind == "trial" and n.id != SEED)
    view = build_view(real_graph, related=[FakeRelated(other.id, "trial", "x", 3.0)])
    assert [(e.source, e.target) for e in view.edges if e.dashes] == [(SEED, other.id)]


def test_the_page_opens_on_the_bundled_trial_and_its_neighbours(real_graph):
    view = build_view(real_graph)
    kinds = {n.id: n.kind for n in view.nodes}
    assert view.seed == SEED and SEED in view.near
    touching = {e.target for e in view.edges if e.source == SEED} | \
               {e.source for e in view.edges if e.target == SEED}
    assert set(view.near) == {SEED} | {n for n in touching
                                       if kinds[n] not in ("criterion", "author")}
    assert view.near == sorted(view.near)


def test_related_studies_join_the_first_view_and_a_focus_becomes_the_seed(real_graph):
    far = next(n.id for n in build_view(real_graph).nodes if n.kind == "author")
    view = build_view(real_graph, related=[FakeRelated(far, "article", "x", 1.0)])
    assert far in view.near
    drug = str(iris.drug("toripalimab"))
    focused = build_view(real_graph, focus="toripalimab", depth=2)
    assert focused.seed == drug and drug in focused.near
    assert len(focused.near) < len(focused.nodes)


def test_no_seed_no_first_view():
    view = build_view(synthetic_graph(200))
    assert view.seed is None and view.near == []
