"""NLM's PubMed files on the bulk path: plan first, then map only the records that win.

Before a store is created, every file is scanned in the worker pool
(``kg.sources.pubmed_files.scan``: the gzip stream checked whole, the document checked to
be PubMed XML, every record's PMID and version and every ``DeleteCitation`` listed, ~1 s
for a 230 MB update file). Replaying those indexes in file order through the same
``Ledger`` as the normal build decides, before any mapping, which record of each PMID is
the article and which PMIDs are deleted; bad records are refused (or, with ``skip_bad``,
listed) at this point too. Workers then map only the winning records, checking each
record's PMID and version against the index as they go, so no duplicate is ever written
and nothing has to be taken out of the store afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kg.errors import KGError, PubMedParseError
from kg.sources.pubmed_files import BadRecord, Deletion, FileIndex, Ledger


@dataclass
class FilePlan:
    """One file's part of the plan, as a worker needs it."""

    path: Path
    records: list[tuple[str | None, int]]  # (PMID, version) by record number - 1
    keep: frozenset[int]  # record numbers to map
    bad: frozenset[int]  # record numbers known bad (skipped with skip_bad)


@dataclass
class PubmedPlan:
    files: list[FilePlan] = field(default_factory=list)
    pmids: list[str] = field(default_factory=list)  # the articles this build writes
    deleted: list[str] = field(default_factory=list)  # withdrawn and not brought back
    skipped: list[BadRecord] = field(default_factory=list)
    superseded: int = 0
    cpu: float = 0.0  # CPU seconds the workers spent indexing


def plan(indexes: list[FileIndex], paths: list[Path], *, skip_bad: bool) -> PubmedPlan:
    """Replay the files' events in order; a bad record fails the build here, before any
    store exists, unless ``skip_bad``."""
    out = PubmedPlan()
    for index in indexes:
        if index.bad and not skip_bad:
            first = index.bad[0]
            more = f" (and {len(index.bad) - 1} more; --skip-bad skips them)" \
                if len(index.bad) > 1 else " (--skip-bad skips such records)"
            raise PubMedParseError(first.describe() + more, where=first.location)
        out.skipped.extend(index.bad)
    ledger = Ledger()
    for file_no, index in enumerate(indexes):
        bad = {b.number for b in index.bad}
        for event in index.events():
            if isinstance(event, Deletion):
                ledger.delete(event.pmids)
                continue
            number, pmid, version = event
            if number not in bad and pmid is not None:
                ledger.record(pmid, version, (file_no, number))
    keep: list[set[int]] = [set() for _ in indexes]
    for pmid, (_version, (file_no, number)) in ledger.current.items():
        keep[file_no].add(number)
        out.pmids.append(pmid)
    out.files = [FilePlan(path, index.records, frozenset(keep[i]),
                          frozenset(b.number for b in index.bad))
                 for i, (path, index) in enumerate(zip(paths, indexes, strict=True))]
    out.deleted = sorted(ledger.deleted, key=lambda p: (len(p), p))
    out.superseded = ledger.superseded
    return out


def scan_file(path: Path) -> tuple[FileIndex, float]:
    """One file's index and the CPU seconds it took (a worker task)."""
    import time

    from kg.sources.pubmed_files import scan

    start = time.process_time()
    index = scan(path)
    return index, time.process_time() - start


def map_articles(task: str, job: FilePlan, trial_ids: frozenset[str], work: Path):
    """Parse, map and write the winning articles of one PubMed file (one worker task)."""
    from kg import resources
    from kg.pipeline.bulk import (
        BulkError,
        ChunkResult,
        _article_reference_keys,
        _Clock,
        _PartWriter,
    )
    from kg.rdf.article import article_triples, provenance_triples
    from kg.sources import pubmed
    from kg.vocab import default_vocabulary

    vocab = default_vocabulary()
    root = str(resources.PROJECT_ROOT)
    result = ChunkResult(task, "article")
    out, clock = _PartWriter(work, task, result), _Clock(result.cpu)
    where = str(job.path)
    number = 0
    for item in pubmed.iter_records(job.path, location=where):
        if isinstance(item, Deletion):
            continue
        number += 1
        _check_against_index(item, number, job, where)
        if number not in job.keep:
            continue
        clock.lap("parse articles")
        try:
            triples = article_triples(item, trial_nodes=trial_ids, vocab=vocab)
            if item.source is not None:
                triples.extend(provenance_triples(item, item.source, project_root=root))
            _article_reference_keys(item, vocab, result)
            clock.lap("map articles")
            out.write_record("pubmed", item.pmid, triples)
        except (KGError, ValueError) as exc:
            message = exc.message if isinstance(exc, KGError) else str(exc)
            raise BulkError(f"record {number} (PMID {item.pmid}): cannot be mapped: {message}",
                            where=where) from None
        result.ids.append(item.pmid)
        clock.lap("write N-Quads")
    if number != len(job.records):
        raise BulkError(f"read {number} records where the index found {len(job.records)}; "
                        "did the file change during the build?", where=where)
    out.close()
    return result


def _check_against_index(item, number: int, job: FilePlan, where: str) -> None:
    """The lxml pass must see the records the scan listed: a disagreement means a file the
    scan misread (or one changed mid-build), and the plan cannot be trusted."""
    from kg.pipeline.bulk import BulkError

    listed = job.records[number - 1] if number <= len(job.records) else None
    if isinstance(item, BadRecord):
        if number in job.bad:
            return
        raise BulkError(f"{item.describe()} (not seen when the file was indexed)", where=where)
    if listed is None or number in job.bad or listed != (item.pmid, item.version):
        seen = f"PMID {item.pmid} version {item.version}"
        expected = f"PMID {listed[0]} version {listed[1]}" if listed else "no record"
        raise BulkError(f"record {number}: the parser read {seen} where the index listed "
                        f"{expected}; the file's records could not be indexed reliably",
                        where=where)
