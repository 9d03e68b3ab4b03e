"""Shared fixtures: the bundled trial's graph, built once per test session."""

from __future__ import annotations

import os

import pytest

from kg.pipeline.build import BuildOptions, build


# issue 12: the MeSH vocabulary index is built once by `make test` (`kg vocab build`) in the
# real cache; every test reads it from there, although each gets a private TRIALKG_CACHE.
def _vocabulary_dir() -> str:
    from kg.vocab.setup import vocab_dir

    return os.environ.get("TRIALKG_VOCAB") or str(vocab_dir())


VOCABULARY_DIR = _vocabulary_dir()


def pytest_sessionstart(session) -> None:
    if not os.path.exists(os.path.join(VOCABULARY_DIR, "mesh.index")):
        pytest.exit(f"no MeSH vocabulary index in {VOCABULARY_DIR}: run `make test` or "
                    "`kg vocab build` first", returncode=2)


@pytest.fixture(autouse=True)
def _vocabulary(monkeypatch):
    monkeypatch.setenv("TRIALKG_VOCAB", VOCABULARY_DIR)


@pytest.fixture(scope="session")
def seed_build():
    """The bundled trial alone, enriched from the snapshot (no corpus)."""
    return build(BuildOptions(corpus=False))


@pytest.fixture(scope="session")
def seed_graph(seed_build):
    return seed_build.store.union()


@pytest.fixture(scope="session")
def default_build():
    """What `make run` builds: the bundled trial, its literature and the shipped corpus."""
    return build(BuildOptions())


@pytest.fixture(autouse=True)
def _no_user_ncbi_identity(monkeypatch, tmp_path_factory):
    """Tests never use a developer's NCBI identity or cache, so the default mode is offline
    and nothing is read from or written to ~/.cache."""
    monkeypatch.delenv("NCBI_EMAIL", raising=False)
    monkeypatch.delenv("NCBI_API_KEY", raising=False)
    monkeypatch.setenv("TRIALKG_CACHE", str(tmp_path_factory.mktemp("cache")))
    # No test touches the repository's own workspace (output/store): a command run without
    # --store builds in memory, as before the workspace; workspace tests set a folder.
    monkeypatch.setenv("TRIALKG_STORE", "memory")
