"""GraphML and GEXF: readable by networkx (as by Gephi and Cytoscape), typed and labelled
nodes, labelled edges, the same bytes every time; `kg viz` exports exactly its page's view."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx

from kg.rdf import iris
from kg.views.viz import build_view, write_exports, write_viz
from kg.views.viz.model import ViewEdge, ViewNode
from tests.viz.conftest import FakeRelated

SEED = str(iris.trial("NCT05807880"))


def test_graphml_and_gexf_round_trip(real_graph, tmp_path: Path):
    graphml, gexf = tmp_path / "g.graphml", tmp_path / "g.gexf"
    write_exports(real_graph, graphml, gexf)
    g1 = nx.read_graphml(graphml)
    assert g1.nodes[SEED]["type"] == "trial" and g1.nodes[SEED]["label"] == "NCT05807880"
    assert g1.nodes[SEED]["url"] == "https://clinicaltrials.gov/study/NCT05807880"
    # A drug's role in the trial is a parallel edge: "experimental drug · studies drug".
    assert any("studies drug" in d["label"].split(" · ")
               for _, _, d in g1.out_edges(SEED, data=True))
    g2 = nx.read_gexf(gexf)
    assert g2.number_of_nodes() == g1.number_of_nodes()
    assert g2.number_of_edges() == g1.number_of_edges()
    assert g2.nodes[SEED]["type"] == "trial" and g2.nodes[SEED]["label"] == "NCT05807880"
    words = {w for _, _, d in g2.edges(data=True) for w in d["label"].split(" · ")}
    assert words >= {"studies drug", "experimental drug", "cites"}


def test_exports_carry_no_date_and_sorted_ids(real_graph, tmp_path: Path):
    # byte-identical across processes and hash seeds: tests/viz/test_determinism.py
    write_exports(real_graph, tmp_path / "g.graphml", tmp_path / "g.gexf")
    assert b"lastmodifieddate" not in (tmp_path / "g.gexf").read_bytes()
    ids = [n for n in nx.read_graphml(tmp_path / "g.graphml").nodes]
    assert ids == sorted(ids)


def test_only_one_export_when_asked(real_graph, tmp_path: Path):
    write_exports(real_graph, None, tmp_path / "only.gexf")
    assert [p.name for p in tmp_path.iterdir()] == ["only.gexf"]


def _page_json(path: Path, block: str):
    return json.loads(path.read_text(encoding="utf-8").split(f'id="{block}">')[1]
                      .split("</script>")[0])


def test_a_focused_page_exports_exactly_its_nodes_and_edges(real_graph, tmp_path: Path):
    other = next(n.id for n in build_view(real_graph).nodes
                 if n.kind == "trial" and n.id != SEED)
    page, graphml, gexf = tmp_path / "p.html", tmp_path / "p.graphml", tmp_path / "p.gexf"
    summary = write_viz(real_graph, page, focus="NCT05807880", depth=1, max_nodes=40,
                        related=[FakeRelated(other, "trial", "x", 3.0, ["same drug"])],
                        graphml_path=graphml, gexf_path=gexf)
    nodes = {n["id"] for n in _page_json(page, "kg-nodes")}
    edges = sorted((e["from"], e["to"]) for e in _page_json(page, "kg-edges"))
    assert len(nodes) == summary.nodes_drawn == 40 < summary.total_nodes
    for read in (nx.read_graphml, nx.read_gexf):
        exported = read(graphml if read is nx.read_graphml else gexf)
        assert set(exported.nodes) == nodes
        assert sorted(exported.edges()) == edges
    related = [d for _, t, d in nx.read_graphml(graphml).edges(data=True) if t == other]
    assert any(d["related"] and d["label"] == "related (3)" for d in related)


def test_parallel_edges_are_all_kept():
    from kg.views.viz.export import to_networkx

    nodes = [ViewNode("a", "trial", "A"), ViewNode("b", "trial", "B")]
    edges = [ViewEdge("a", "b", "cites", ["p"]), ViewEdge("a", "b", "related (2)", [], True)]
    graph = to_networkx(nodes, edges)
    assert isinstance(graph, nx.MultiDiGraph) and graph.number_of_edges() == 2
    assert isinstance(to_networkx(nodes, edges[:1]), nx.DiGraph)
    assert not isinstance(to_networkx(nodes, edges[:1]), nx.MultiDiGraph)
