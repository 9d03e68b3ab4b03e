"""`kg viz` through click's runner: it writes only what is asked for, the exports follow
the focus, --focus takes ids and trial files, and errors are one line."""

from __future__ import annotations

import json
from pathlib import Path

import click
import networkx as nx
import pytest
from click.testing import CliRunner

from kg import resources
from kg.cli import KGGroup
from kg.cli.viz import viz


@pytest.fixture
def cli():
    """A group like kg's main (errors -> one line and an exit code) with viz registered,
    as kg.cli does with main.add_command(viz)."""

    @click.group(cls=KGGroup)
    def group() -> None:
        pass

    group.add_command(viz)
    return group


@pytest.fixture
def graph_file(real_graph, tmp_path: Path) -> Path:
    path = tmp_path / "graph.ttl"
    real_graph.serialize(path, format="turtle")
    return path


def _page(path: Path, block: str = "kg-page"):
    return json.loads(path.read_text(encoding="utf-8").split(f'id="{block}">')[1]
                      .split("</script>")[0])


def _written(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.suffix != ".ttl")


def test_viz_writes_only_the_page_unless_exports_are_asked_for(cli, graph_file: Path,
                                                                 tmp_path: Path):
    out = tmp_path / "out"
    out.mkdir()  # a missing folder is refused (issue 11), not created
    result = CliRunner().invoke(cli, ["viz", "--graph", str(graph_file),
                                      "--output", str(out / "graph.html")])
    assert result.exit_code == 0, result.output
    assert _written(out) == ["graph.html"]
    assert "nodes" in result.output and "authors collapsed" in result.output
    result = CliRunner().invoke(cli, [
        "viz", "--graph", str(graph_file), "--output", str(out / "graph.html"),
        "--graphml", str(out / "g.graphml"), "--gexf", str(out / "g.gexf")])
    assert result.exit_code == 0, result.output
    assert _written(out) == ["g.gexf", "g.graphml", "graph.html"]
    assert f"wrote {out / 'g.graphml'}: the same" in result.output


def test_missing_output_is_one_usage_line_and_writes_nothing(cli, graph_file: Path,
                                                             tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["viz", "--graph", str(graph_file)])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line]
    assert len(lines) == 1 and lines[0].startswith("Usage: kg viz --output FILE.html")
    assert "--output is required" in lines[0] and "kg run` writes output/graph.html" in lines[0]
    assert _written(tmp_path) == []


def test_old_no_exports_flag_is_gone(cli, graph_file: Path, tmp_path: Path):
    result = CliRunner().invoke(cli, ["viz", "--graph", str(graph_file), "--output",
                                      str(tmp_path / "x.html"), "--no-exports"])
    assert result.exit_code == 2 and "No such option '--no-exports'" in result.output


def test_viz_focus_and_cap_and_exports_follow_the_focus(cli, graph_file: Path, tmp_path: Path):
    graphml = tmp_path / "f.graphml"
    result = CliRunner().invoke(cli, [
        "viz", "--graph", str(graph_file), "--output", str(tmp_path / "f.html"),
        "--focus", "NCT05807880", "--depth", "1", "--max-nodes", "20",
        "--graphml", str(graphml)])
    assert result.exit_code == 0, result.output
    assert "20 nodes" in result.output and "left out" in result.output
    assert _written(tmp_path) == ["f.graphml", "f.html"]
    nodes = {n["id"] for n in _page(tmp_path / "f.html", "kg-nodes")}
    assert set(nx.read_graphml(graphml).nodes) == nodes and len(nodes) == 20
    assert _page(tmp_path / "f.html")["seed"]["label"] == "NCT05807880"


def test_focus_takes_a_trial_file(cli, tmp_path: Path):
    """A CT.gov JSON or trial page: its NCT id is the focus and the file is loaded into
    the store first (here a memory store: the bundled default graph, then that record)."""
    trial = resources.SNAPSHOT_TRIALS / "NCT05981157.json"
    page = tmp_path / "t.html"
    result = CliRunner().invoke(cli, ["viz", "--store", "memory", "--output", str(page),
                                      "--focus", str(trial), "--depth", "1"])
    assert result.exit_code == 0, result.output
    data = _page(page)
    assert data["focus"] == "https://clinicaltrials.gov/study/NCT05981157"
    assert data["seed"]["label"] == "NCT05981157"
    result = CliRunner().invoke(cli, ["viz", "--store", "memory", "--output", str(page),
                                      "--focus", str(resources.BUNDLED_TRIAL), "--depth", "0"])
    assert result.exit_code == 0, result.output
    assert _page(page)["seed"]["label"] == "NCT05807880"


def test_viz_related_highlights_scores(cli, graph_file: Path, tmp_path: Path):
    pytest.importorskip("kg.views.related")
    result = CliRunner().invoke(cli, [
        "viz", "--graph", str(graph_file), "--output", str(tmp_path / "r.html"), "--related"])
    assert result.exit_code == 0, result.output
    assert "related studies of https://clinicaltrials.gov/study/NCT05807880" in result.output
    page = _page(tmp_path / "r.html")
    # Scores may be 0 (an article only the seed cites: listed, marked cited, last).
    assert page["related"] and all(r["score"] >= 0 and r["reasons"] for r in page["related"])
    assert page["related"][0]["setting"] == "first-line recurrent/metastatic"


@pytest.mark.parametrize("args, words", [
    (["--focus", "NCT99999999"], "'NCT99999999' names no node"),
    (["--focus", "trials/NCT05807880.txt"],
     "trials/NCT05807880.txt: no such trial file, and not an NCT id, PMID, drug key"),
    (["--focus", "nct.json"], "nct.json: no such trial file"),
    (["--graph", "/nonexistent/graph.ttl"], "run `kg build` first"),
])
def test_viz_errors_are_one_line(cli, graph_file: Path, tmp_path: Path, args, words):
    base = ["viz", "--graph", str(graph_file), "--output", str(tmp_path / "x.html")]
    result = CliRunner().invoke(cli, base + args)
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line]
    assert len(lines) == 1 and lines[0].startswith("kg: error:") and words in lines[0]
    assert "absolute IRI" not in lines[0]
    assert not (tmp_path / "x.html").exists()


def test_a_file_that_is_not_a_trial_is_one_line(cli, tmp_path: Path):
    bad = tmp_path / "notes.txt"
    bad.write_text("just some notes, not a ClinicalTrials.gov page\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["viz", "--store", "memory", "--output",
                                      str(tmp_path / "x.html"), "--focus", str(bad)])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line]
    assert len(lines) == 1 and lines[0].startswith(f"kg: error: {bad}")
    assert not (tmp_path / "x.html").exists()
