"""GraphML and GEXF: readable by networkx (as by Gephi and Cytoscape), typed and labelled
nodes, labelled edges, the same bytes every time."""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from kg.rdf import iris
from kg.views.viz import write_exports

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


def test_exports_are_deterministic(real_graph, tmp_path: Path):
    a, b = tmp_path / "a", tmp_path / "b"
    write_exports(real_graph, a / "g.graphml", a / "g.gexf")
    write_exports(real_graph, b / "g.graphml", b / "g.gexf")
    for name in ("g.graphml", "g.gexf"):
        assert (a / name).read_bytes() == (b / name).read_bytes()
    assert b"lastmodifieddate" not in (a / "g.gexf").read_bytes()
    ids = [n for n in nx.read_graphml(a / "g.graphml").nodes]
    assert ids == sorted(ids)


def test_only_one_export_when_asked(real_graph, tmp_path: Path):
    write_exports(real_graph, None, tmp_path / "only.gexf")
    assert [p.name for p in tmp_path.iterdir()] == ["only.gexf"]
