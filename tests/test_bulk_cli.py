"""``kg build --bulk``: a field built from files into an on-disk store that ``kg query`` and
``kg related`` then answer from; refused stores and bad inputs as one line, the store in use
untouched."""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from benchmarks.synthetic_field import generate
from kg.cli import EXIT_INPUT, main
from kg.pipeline.bulk import build_info, builds_dir, iter_articles, iter_trials


def kg(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


def _inputs(field) -> list[str]:
    args = []
    for path in field.all_trial_files:
        args += ["--trial", str(path)]
    for path in field.all_pubmed_files:
        args += ["--pubmed", str(path)]
    return args


@pytest.fixture(scope="module")
def field(tmp_path_factory):
    """20 synthetic trials and 100 articles in several files, plus the real seed and snapshot."""
    out = tmp_path_factory.mktemp("bulk-cli-field")
    return generate(out / "files", 20, 100, seed=11, trials_per_file=8, articles_per_file=40)


@pytest.fixture(scope="module")
def built(field, tmp_path_factory):
    """The field built once through the CLI: (store path, the command's result)."""
    target = tmp_path_factory.mktemp("bulk-cli-store") / "field.db"
    result = kg("build", "--bulk", "--store", f"oxigraph:{target}", "--workers", "2",
                *_inputs(field))
    return target, result


def _rows(result) -> list[dict]:
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.output)))


def test_bulk_build_prints_a_summary_and_makes_a_complete_store(field, built):
    target, result = built
    assert result.exit_code == 0, result.output
    trials = sum(1 for path in field.all_trial_files for _ in iter_trials(path))
    articles = sum(1 for path in field.all_pubmed_files for _ in iter_articles(path))
    assert trials > 20 and articles > 100  # the real seed and snapshot come too
    (summary,) = result.output.strip().splitlines()  # not a terminal: no progress lines
    assert summary.startswith(f"{trials:,} trial(s), {articles:,} article(s), ")
    assert "quads in" in summary and summary.endswith(f"-> oxigraph:{target}")
    info = build_info(target)
    assert (info["trials"], info["articles"]) == (trials, articles)
    assert target.is_symlink()


def test_query_and_related_answer_from_the_bulk_built_store(field, built):
    target, _ = built
    trials = {t.nct_id for path in field.all_trial_files for t in iter_trials(path)}
    pmids = {a.pmid for path in field.all_pubmed_files for a in iter_articles(path)}
    overview = _rows(kg("query", "trial-overview", "--store", f"oxigraph:{target}",
                        "--format", "csv"))
    assert {row["nctId"] for row in overview} == trials
    provenance = _rows(kg("query", "provenance", "--store", f"oxigraph:{target}",
                          "--format", "csv"))
    assert {row["pmid"] for row in provenance} == pmids

    ranked = _rows(kg("related", "--store", f"oxigraph:{target}", "--format", "csv",
                      "--output", target.parent / "related.csv"))
    assert ranked and all(row["reasons"] for row in ranked)
    assert {row["id"] for row in ranked} <= trials | pmids


def test_quiet_prints_nothing(field, tmp_path):
    target = tmp_path / "quiet.db"
    result = kg("build", "--bulk", "-q", "--store", f"oxigraph:{target}",
                "--trial", field.trial_files[0], "--pubmed", field.pubmed_files[0])
    assert result.exit_code == 0, result.output
    assert result.output == ""
    assert build_info(target)["trials"] == 8


@pytest.mark.parametrize("store", ["memory", "sparql:http://127.0.0.1:9/ds", "oxigraph:",
                                   "oxigraph"])
def test_the_bulk_path_refuses_stores_it_cannot_build(field, store, tmp_path):
    result = kg("build", "--bulk", "--store", store, "--trial", field.trial_files[0])
    assert result.exit_code == EXIT_INPUT
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "oxigraph:PATH" in lines[0], result.output
    assert lines[0].startswith("kg: error:")


def test_a_missing_input_is_one_line_naming_it_and_leaves_the_store_as_it_was(field, built):
    target, _ = built
    before = (os.path.realpath(target), build_info(target))
    entries = sorted(p.name for p in builds_dir(target).iterdir())
    missing = field.directory / "no-such-trials.jsonl"
    result = kg("build", "--bulk", "--store", f"oxigraph:{target}", *_inputs(field),
                "--pubmed", missing)
    assert result.exit_code == EXIT_INPUT
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and str(missing) in lines[0] and "no such file" in lines[0]
    assert (os.path.realpath(target), build_info(target)) == before
    assert sorted(p.name for p in builds_dir(target).iterdir()) == entries


def test_a_missing_input_creates_nothing_for_a_new_store(tmp_path):
    target = tmp_path / "new.db"
    result = kg("build", "--bulk", "--store", f"oxigraph:{target}",
                "--trial", tmp_path / "absent.jsonl")
    assert result.exit_code == EXIT_INPUT
    assert "absent.jsonl: no such file" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_bad_record_is_one_line_and_leaves_the_store_as_it_was(field, built, tmp_path):
    target, _ = built
    before = os.path.realpath(target)
    bad = tmp_path / "bad.jsonl"
    bad.write_text(Path(field.trial_files[0]).read_text(encoding="utf-8").splitlines()[0]
                   + "\n{not json\n", encoding="utf-8")
    result = kg("build", "--bulk", "--store", f"oxigraph:{target}", "--trial", bad)
    assert result.exit_code == EXIT_INPUT
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and f"{bad}:2" in lines[0], result.output
    assert os.path.realpath(target) == before


@pytest.mark.parametrize("extra", [["--online"], ["--output", "elsewhere"]])
def test_options_the_bulk_path_would_ignore_are_refused(field, extra, tmp_path):
    result = kg("build", "--bulk", "--store", f"oxigraph:{tmp_path / 's'}",
                "--trial", field.trial_files[0], *extra)
    assert result.exit_code == 2 and extra[0] in result.output
    assert not (tmp_path / "s").exists()


def test_workers_needs_bulk():
    result = kg("build", "--workers", "2")
    assert result.exit_code == 2 and "--workers applies only with --bulk" in result.output


def test_a_directory_the_bulk_path_did_not_build_is_refused(field, tmp_path):
    (tmp_path / "plain").mkdir()
    result = kg("build", "--bulk", "--store", f"oxigraph:{tmp_path / 'plain'}",
                "--trial", field.trial_files[0])
    assert result.exit_code == EXIT_INPUT
    assert "not a bulk-built store" in result.output
    assert list((tmp_path / "plain").iterdir()) == []


def test_quiet_applies_to_the_normal_build_too(tmp_path):
    result = kg("build", "-q", "--output", tmp_path)
    assert result.exit_code == 0, result.output
    assert result.output == ""
    assert (tmp_path / "graph.ttl").is_file()
