"""The PubMed records shipped with the project: ``data/snapshot/pubmed/<PMID>.xml``.

Each file is a one-record ``PubmedArticleSet`` (transcribed from public record pages, see
``SOURCES.tsv`` beside them), the same shape as one cache entry, so both go through the
same parser. The index is built from file names alone; a file is read only when asked for.
"""

from __future__ import annotations

import re
from pathlib import Path

from kg.resources import SNAPSHOT_PUBMED

_PMID_FILE = re.compile(r"^(\d+)\.xml$")


class Snapshot:
    def __init__(self, directory: str | Path = SNAPSHOT_PUBMED):
        self.directory = Path(directory)
        self._index = self._scan()

    def _scan(self) -> dict[str, Path]:
        if not self.directory.is_dir():
            return {}
        found = {}
        for path in sorted(self.directory.iterdir()):
            match = _PMID_FILE.match(path.name)
            if match and path.is_file():
                found[match.group(1)] = path
        return found

    def __contains__(self, pmid: str) -> bool:
        return pmid in self._index

    def __len__(self) -> int:
        return len(self._index)

    def pmids(self) -> list[str]:
        return sorted(self._index, key=int)

    def path(self, pmid: str) -> Path | None:
        return self._index.get(pmid)

    def read(self, pmid: str) -> bytes | None:
        path = self._index.get(pmid)
        return path.read_bytes() if path else None


class EmptySnapshot(Snapshot):
    """No shipped records: for tests and for callers that want cache and network only."""

    def __init__(self) -> None:
        self.directory = Path()
        self._index = {}
