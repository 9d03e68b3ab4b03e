"""PubMed files for the normal build (``kg build --pubmed``), applied in the order given.

The rule for repeated PMIDs and deletions is ``kg.sources.pubmed_files.Ledger``'s, the same
as the bulk path's. Everything is read before the store is touched, so a bad file or record
leaves the store as it was.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import PubMedParseError
from kg.model import Article
from kg.sources.pubmed_files import BadRecord, Deletion, Ledger


@dataclass
class AppliedFiles:
    articles: list[Article] = field(default_factory=list)  # the article of each PMID
    deleted: list[str] = field(default_factory=list)  # PMIDs withdrawn (and not re-added)
    skipped: list[BadRecord] = field(default_factory=list)  # with skip_bad
    superseded: int = 0  # records that lost to another record of their PMID

    def counts(self) -> dict[str, int]:
        return {"PubMed PMIDs deleted": len(self.deleted),
                "PubMed records superseded": self.superseded,
                "PubMed bad records skipped": len(self.skipped)}


def check_files(paths: Iterable[Path]) -> None:
    """Every file is there and readable, checked before any is read."""
    for path in paths:
        if not path.exists():
            raise PubMedParseError("no such file", where=str(path))
        if not path.is_file():
            raise PubMedParseError("not a file", where=str(path))
        if not os.access(path, os.R_OK):
            raise PubMedParseError("cannot read: permission denied", where=str(path))


def apply_files(paths: list[Path], *, skip_bad: bool = False) -> AppliedFiles:
    """Read every file, in order; a bad record raises (naming file, record and PMID) unless
    ``skip_bad``, which lists it instead."""
    from kg.sources import pubmed

    check_files(paths)
    ledger = Ledger()
    out = AppliedFiles()
    for path in paths:
        for item in pubmed.iter_records(path, location=str(path)):
            if isinstance(item, Article):
                ledger.record(item.pmid, item.version, item)
            elif isinstance(item, Deletion):
                ledger.delete(item.pmids)
            elif skip_bad:
                out.skipped.append(item)
            else:
                raise item.error()
    out.articles = ledger.winners()
    out.deleted = sorted(ledger.deleted, key=lambda p: (len(p), p))
    out.superseded = ledger.superseded
    return out
