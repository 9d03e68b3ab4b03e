"""The command line: help, bad input (one clear line, non-zero exit, nothing written),
determinism, validation exit codes and the live CT.gov path against a stand-in server."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kg import resources
from kg.cli import EXIT_INPUT, EXIT_INVALID, EXIT_NETWORK, main
from tests.support.standin import Reply, stand_in

SEED_TEXT = resources.BUNDLED_TRIAL.read_text(encoding="utf-8")
SEED_JSON = (Path(__file__).parent / "fixtures" / "trials" / "NCT05807880.json").read_bytes()


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_help_says_what_each_command_does():
    out = invoke("--help").output
    for command in ("build", "validate", "run", "query", "queries", "related"):
        assert command in out
    assert "Load records into the store" in invoke("build", "--help").output
    assert "SHACL" in invoke("validate", "--help").output


def _bad(tmp_path: Path, name: str, content: bytes | None) -> Path:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    return path


@pytest.mark.parametrize("name,content,expected", [
    ("empty.txt", b"", "empty"),
    ("page.txt", b"<html><body>Not a trial</body></html>", "not a trial page"),
    ("prose.txt", b"Some notes\n\nabout nothing in particular\n", "not a trial page"),
    ("notastudy.json", b'{"hello": "world"}', "not a"),
    ("search.json", b'{"studies": [{"protocolSection": {}}]}', "search result"),
    ("broken.json", b'{"protocolSection": {"identificationModule": {"nctId": "NCT05807880"',
     "JSON"),
    ("truncated.txt", SEED_TEXT[:200].encode(), "truncated"),
    ("badid.txt", SEED_TEXT.replace("NCT ID: NCT05807880", "NCT ID: NCT123").encode(), "NCT123"),
    ("latin1.txt", SEED_TEXT.encode("utf-8") + "\nbad byte: \xe9".encode("latin-1"), "UTF-8"),
])
def test_bad_trial_input_is_one_clear_line_and_writes_nothing(tmp_path, name, content, expected):
    path = _bad(tmp_path, name, content)
    out_dir = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", "--trial", str(path), "--output", str(out_dir)])
    assert result.exit_code == EXIT_INPUT, result.output
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and lines[0].startswith("kg: error: "), result.output
    assert str(path) in lines[0]
    assert expected.lower() in lines[0].lower()
    assert not out_dir.exists() or not any(out_dir.iterdir())


def test_unreadable_paths(tmp_path):
    missing = tmp_path / "nope.txt"
    result = CliRunner().invoke(main, ["build", "--trial", str(missing), "--output",
                                       str(tmp_path / "o")])
    assert result.exit_code == EXIT_INPUT and str(missing) in result.output
    result = CliRunner().invoke(main, ["build", "--trial", str(tmp_path), "--output",
                                       str(tmp_path / "o")])
    assert result.exit_code == EXIT_INPUT and "directory" in result.output


def test_invalid_and_unknown_nct_ids(tmp_path):
    result = CliRunner().invoke(main, ["build", "--trial", "NCT123", "--output", str(tmp_path)])
    assert result.exit_code == EXIT_INPUT and "NCT123" in result.output
    result = CliRunner().invoke(main, ["build", "--trial", "NCT09999999", "--offline",
                                       "--output", str(tmp_path)])
    assert result.exit_code == EXIT_NETWORK
    assert "NCT09999999" in result.output and "--online" in result.output


def test_a_failed_build_leaves_previous_outputs_untouched(tmp_path):
    out_dir = tmp_path / "out"
    assert invoke("build", "--output", str(out_dir)).exit_code == 0
    before = (out_dir / "graph.ttl").read_bytes()
    bad = _bad(tmp_path, "empty.txt", b"")
    result = CliRunner().invoke(main, ["build", "--trial", str(bad), "--output", str(out_dir)])
    assert result.exit_code == EXIT_INPUT
    assert (out_dir / "graph.ttl").read_bytes() == before
    assert sorted(p.name for p in out_dir.iterdir()) == ["graph.jsonld", "graph.ttl"]


def _digest_of_build(out_dir: Path, seed: str) -> dict[str, str]:
    env = dict(os.environ, PYTHONHASHSEED=seed)
    subprocess.run([sys.executable, "-m", "kg", "build", "--output", str(out_dir)],
                   check=True, env=env, capture_output=True)
    return {name: hashlib.sha256((out_dir / name).read_bytes()).hexdigest()
            for name in ("graph.ttl", "graph.jsonld")}


def test_outputs_are_byte_identical_across_runs_and_hash_seeds(tmp_path):
    first = _digest_of_build(tmp_path / "a", "1")
    second = _digest_of_build(tmp_path / "b", "2024")
    assert first == second
    doc = json.loads((tmp_path / "a" / "graph.jsonld").read_text())
    assert any(node.get("@id") == "ctgov:NCT05807880" for node in doc["@graph"])


def test_validate_passes_on_the_build_and_fails_on_a_violation(tmp_path):
    out_dir = tmp_path / "out"
    invoke("build", "--output", str(out_dir))
    assert invoke("validate", str(out_dir / "graph.ttl")).exit_code == 0
    broken = tmp_path / "broken.ttl"
    text = (out_dir / "graph.ttl").read_text()
    broken.write_text(text.replace('"ACTIVE_NOT_RECRUITING"', '"SOMETIMES"'))
    result = CliRunner().invoke(main, ["validate", str(broken)])
    assert result.exit_code == EXIT_INVALID
    assert "SOMETIMES" in result.output and "violation" in result.output
    result = CliRunner().invoke(main, ["validate", str(tmp_path / "missing.ttl")])
    assert result.exit_code == EXIT_INPUT


def test_run_writes_the_graph_and_says_it_conforms(tmp_path):
    result = invoke("run", "--output", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "conforms" in result.output
    assert (tmp_path / "graph.ttl").stat().st_size > 10_000


def test_verbose_build_prints_stage_timings(tmp_path):
    result = invoke("build", "-v", "--output", str(tmp_path))
    assert "parse trials" in result.output and " ms" in result.output
    assert "articles from snapshot" in result.output


def test_online_build_fetches_the_study_from_the_v2_api(tmp_path, monkeypatch):
    seen = []

    def handler(req):
        seen.append(req.path)
        if req.path == "/api/v2/studies/NCT05807880":
            return Reply(200, SEED_JSON, content_type="application/json")
        return Reply(404, "Study not found", content_type="text/plain")

    with stand_in(handler) as server:
        monkeypatch.setenv("CTGOV_BASE_URL", server.url + "/api/v2")
        # NCBI is unreachable here too (404s): enrichment degrades, the build still succeeds.
        monkeypatch.setenv("NCBI_EUTILS_URL", server.url + "/eutils")
        result = invoke("build", "--trial", "NCT05807880", "--online", "--output",
                        str(tmp_path))
        assert result.exit_code == 0, result.output
        assert "/api/v2/studies/NCT05807880" in seen
        ttl = (tmp_path / "graph.ttl").read_text()
        assert "ALTER-HN005" in ttl and "Chia Tai Tianqing" in ttl
        result = CliRunner().invoke(main, ["build", "--trial", "NCT09999998", "--online",
                                           "--output", str(tmp_path / "x")])
        assert result.exit_code != 0
        assert "NCT09999998" in result.output
        assert not (tmp_path / "x").exists()
