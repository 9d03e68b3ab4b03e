"""Defaults as a user gets them: no --store (the workspace, TRIALKG_STORE unset) and no seed.
The workspace lives under ``resources.DEFAULT_OUTPUT``, pointed at a temporary folder here
so no test touches the repository's own output/store. (Entrez back-off and pacing with the
default configuration: tests/entrez/test_defaults.py.)"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kg import resources
from kg.cli import main
from kg.store.oxigraph import is_oxigraph_dir

TWO_ARMS = "tests/fixtures/trials/synthetic-two-arms.txt"


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A user's checkout: TRIALKG_STORE unset, the output folder empty."""
    monkeypatch.delenv("TRIALKG_STORE", raising=False)
    output = tmp_path / "output"
    output.mkdir()
    monkeypatch.setattr(resources, "DEFAULT_OUTPUT", output)
    return output


def _run(*args: str) -> str:
    """Standard output and error together, as a terminal shows them."""
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def _ranking(*args: str) -> list[tuple[str, str]]:
    result = CliRunner().invoke(main, ["related", "--format", "json", "--limit", "8", *args])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)["results"]["bindings"]
    return [(row["id"]["value"], row["score"]["value"]) for row in rows]


def test_the_default_store_is_the_workspace_and_the_default_seed_the_bundled_trial(home):
    by_default = _ranking()
    assert is_oxigraph_dir(home / "store")  # created on first use, where users find it
    assert by_default == _ranking("NCT05807880", "--store", "memory")
    assert by_default[0] == ("NCT05981157", "16")  # anlotinib + anti-PD-1, first-line R/M NPC


def test_the_workspace_keeps_what_each_command_built(home):
    first = _run("status")
    assert f"store: {home / 'store'}" in first and "trials: 10 " in first
    _run("build", "--trial", TWO_ARMS, "--output", str(home / "files"))
    again = _run("status")
    assert "creating the workspace" not in again and "trials: 11 " in again
    answer = _run("query", "-e", "SELECT ?t WHERE { ?t <https://w3id.org/trialkg/vocab#nctId> "
                  "'NCT99999901' }", "--format", "csv")
    assert answer.splitlines() == ["t", "https://clinicaltrials.gov/study/NCT99999901"]
