"""`kg viz` through click's runner: outputs written, focus and errors as one line."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

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


def test_viz_writes_page_and_exports(cli, graph_file: Path, tmp_path: Path):
    out = tmp_path / "out"
    out.mkdir()  # a missing folder is refused (issue 11), not created
    result = CliRunner().invoke(cli, [
        "viz", "--graph", str(graph_file), "--output", str(out / "graph.html"),
        "--graphml", str(out / "graph.graphml"), "--gexf", str(out / "graph.gexf")])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["graph.gexf", "graph.graphml",
                                                      "graph.html"]
    assert "nodes" in result.output and "authors collapsed" in result.output


def test_viz_focus_and_cap(cli, graph_file: Path, tmp_path: Path):
    result = CliRunner().invoke(cli, [
        "viz", "--graph", str(graph_file), "--output", str(tmp_path / "f.html"),
        "--focus", "NCT05807880", "--depth", "1", "--max-nodes", "20", "--no-exports"])
    assert result.exit_code == 0, result.output
    assert "20 nodes" in result.output and "left out" in result.output
    assert [p.name for p in tmp_path.iterdir() if p.suffix != ".ttl"] == ["f.html"]


def test_viz_related_highlights_scores(cli, graph_file: Path, tmp_path: Path):
    pytest.importorskip("kg.views.related")
    result = CliRunner().invoke(cli, [
        "viz", "--graph", str(graph_file), "--output", str(tmp_path / "r.html"),
        "--related", "--no-exports"])
    assert result.exit_code == 0, result.output
    assert "related studies of https://clinicaltrials.gov/study/NCT05807880" in result.output
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    page = json.loads(html.split('id="kg-page">')[1].split("</script>")[0])
    # Scores may be 0 (an article only the seed cites: listed, marked cited, last).
    assert page["related"] and all(r["score"] >= 0 and r["reasons"] for r in page["related"])
    assert page["related"][0]["setting"] == "first-line recurrent/metastatic"


@pytest.mark.parametrize("args, words", [
    (["--focus", "NCT99999999"], "'NCT99999999' names no node"),
    (["--graph", "/nonexistent/graph.ttl"], "run `kg build` first"),
])
def test_viz_errors_are_one_line(cli, graph_file: Path, tmp_path: Path, args, words):
    base = ["viz", "--graph", str(graph_file), "--output", str(tmp_path / "x.html")]
    result = CliRunner().invoke(cli, base + args)
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line]
    assert len(lines) == 1 and lines[0].startswith("kg: error:") and words in lines[0]
    assert not (tmp_path / "x.html").exists()
