"""Building the prebuilt vocabulary index: one file in the cache, written once by
``kg vocab build`` and opened by every command (``kg.vocab.reader``).

Parsing 350k MeSH rows takes seconds and a command may spend under 0.3 s, so the index holds
what the matcher and the graph need in sections that open without parsing: sorted lists as
blocks of newline-joined lines (only each block's first line is read on opening; a block is
decoded when a search lands in it) and integer tables as raw ``array`` bytes. Measured here
(``benchmarks/recognition.py`` prints the figures): a dict of the ~600k match keys takes
~0.25 s to unpickle or unmarshal, a split list of them 0.07-0.2 s, the blocks ~0 s.

Layout: ``MAGIC``, an 8-byte little-endian header length, a JSON header (format, release,
counts, byte order, section offsets, total size), then the sections. A file whose size is
not the header's, or whose magic or format differs, is refused as truncated or foreign; the
file is replaced atomically, so a failed build keeps the previous one.
"""

from __future__ import annotations

import json
import re
import sys
from array import array
from collections.abc import Iterable
from pathlib import Path

from kg.io import atomic_writer
from kg.vocab import names as N
from kg.vocab.normalise import is_acronym, key
from kg.vocab.records import MeshRecord, ReleaseInfo, VocabularyError

MAGIC = b"TRIALKG-MESH-INDEX\n"
FORMAT = 3  # 3: kinds leave out disease processes and drug targets (see _condition, _drug)
BLOCK = 64  # lines per block of a sorted list
_CLEAN = str.maketrans({"\t": " ", "\n": " ", "\r": " ", "|": "/"})


# --------------------------------------------------------------------------- building


def build_index(records: Iterable[MeshRecord], release: ReleaseInfo, target: Path) -> dict:
    """Write the index for ``records`` to ``target`` (atomically); return its counts."""
    by_ui: dict[str, MeshRecord] = {}
    for rec in records:
        if rec.ui in by_ui:
            raise VocabularyError(f"record {rec.ui} appears twice", where=release.files[0].path)
        by_ui[rec.ui] = rec
    if not any(not r.supplementary for r in by_ui.values()):
        raise VocabularyError("no MeSH descriptors in the source", where=release.files[0].path)
    uis = sorted(by_ui)
    _set_kinds(by_ui)
    sections: dict[str, bytes] = {}
    lines = [_line(by_ui[ui]) for ui in uis]
    offsets = array("I", [0])
    blob = bytearray()
    for line in lines:
        blob += line.encode("utf-8")
        offsets.append(len(blob))
    sections["concepts"] = bytes(blob)
    sections["concept_offsets"] = offsets.tobytes()
    _blocks(sections, "uis", uis)
    trees = sorted((t, i) for i, ui in enumerate(uis) for t in by_ui[ui].trees)
    _blocks(sections, "trees", [t for t, _ in trees])
    sections["tree_concepts"] = array("I", [i for _, i in trees]).tobytes()
    keys = _keys(uis, by_ui, trees)
    ordered = sorted(keys)
    value_offsets, values = array("I", [0]), array("I")
    for k in ordered:
        values.extend(_best_per_concept(keys[k]))
        value_offsets.append(len(values))
    _blocks(sections, "keys", ordered)
    sections["value_offsets"] = value_offsets.tobytes()
    sections["values"] = values.tobytes()
    counts = {"descriptors": sum(1 for u in uis if u.startswith("D")),
              "supplementary": sum(1 for u in uis if u.startswith("C")),
              "conditions": sum(1 for r in by_ui.values() if r.kinds & N.CONDITION),
              "drugs": sum(1 for r in by_ui.values() if r.kinds & N.DRUG),
              "tree_numbers": len(trees), "match_keys": len(ordered)}
    _write(target, release, counts, sections)
    return counts


# What a study is about is a disease, not a course a disease takes: a descriptor whose every
# disease tree lies under these (Recurrence, Death, Disease Progression, Neoplasm Metastasis)
# describes a setting, which kg.extract.setting reads, and is no condition of a record.
PROCESS_TREES = ("C23.550", "C04.697")  # Pathologic Processes, Neoplastic Processes
# What a study gives is a substance, not what it aims at or measures: a descriptor whose
# every chemical tree lies under these (Biomarkers, Antigens) is no drug, nor is one filed
# as a target (PD-L1 is "B7-H1 Antigen", an immune checkpoint and membrane protein). The
# antibodies that bind them are filed under the immunoglobulins and stay drugs.
NOT_SUBSTANCE_TREES = ("D23.101", "D23.050")  # Biomarkers, Antigens
TARGET_TREES = ("D12.776.465", "D12.776.543")  # Immune Checkpoint Proteins, Membrane Proteins


def _condition(trees: list[str]) -> bool:
    disease = [t for t in trees if t.startswith("C")]
    return bool(disease) and not all(t.startswith(PROCESS_TREES) for t in disease)


def _drug(trees: list[str]) -> bool:
    chemical = [t for t in trees if t.startswith("D")]
    if not chemical or any(t.startswith(TARGET_TREES) for t in chemical):
        return False
    return not all(t.startswith(NOT_SUBSTANCE_TREES) for t in chemical)


def _set_kinds(by_ui: dict[str, MeshRecord]) -> None:
    for rec in by_ui.values():
        if not rec.supplementary:
            rec.kinds = (N.CONDITION if _condition(rec.trees) else 0) | \
                        (N.DRUG if _drug(rec.trees) else 0)
    for rec in by_ui.values():
        if rec.supplementary:
            for head in rec.mapped:
                mapped = by_ui.get(head)
                rec.kinds |= mapped.kinds if mapped is not None else 0


def _line(rec: MeshRecord) -> str:
    cells = (rec.ui, rec.name.translate(_CLEAN), "|".join(t.translate(_CLEAN) for t in rec.terms),
             "|".join(rec.trees), "|".join(rec.mapped), str(rec.kinds))
    return "\t".join(cells)


def _blocks(sections: dict[str, bytes], name: str, items: list[str]) -> None:
    """A sorted list as blocks of ``BLOCK`` lines: the text, each block's byte offset, and
    each block's first item (the only part read on opening; see ``reader.SortedBlocks``)."""
    data, offsets, heads = bytearray(), array("I", [0]), []
    for start in range(0, len(items), BLOCK):
        block = items[start:start + BLOCK]
        heads.append(block[0])
        data += ("\n".join(block) + "\n").encode("utf-8")
        offsets.append(len(data))
    sections[name] = bytes(data)
    sections[f"{name}_offsets"] = offsets.tobytes()
    sections[f"{name}_heads"] = "\n".join(heads).encode("utf-8")


def _keys(uis: list[str], by_ui: dict[str, MeshRecord], trees: list[tuple[str, int]]
          ) -> dict[str, set[int]]:
    """Match key -> packed (concept index, rank, generic and acronym flags)."""
    categories = _categories(trees)
    keys: dict[str, set[int]] = {}
    for index, ui in enumerate(uis):
        rec = by_ui[ui]
        if not rec.kinds:
            continue
        for name, rank in N.record_names(rec):
            k = key(name)
            if len(k) < N.MIN_KEY:
                continue
            generic = index in categories and len(_WORDS.findall(name)) == 1 \
                and not is_acronym(name)
            keys.setdefault(k, set()).add(pack(index, rank, generic, is_acronym(name)))
    return keys


def _categories(trees: list[tuple[str, int]]) -> set[int]:
    """Headings whose one-word names in running text name a category, not a substance or a
    diagnosis: chemicals (tree D) with at least ``N.CATEGORY_NARROWER`` descriptors below
    them (Proteins, Enzymes, Hormones: "protein", "enzyme") and the top headings of the
    disease tree (Infections, Neoplasms: "infection", "tumour"). Disease headings further
    down (Hypertension, Leukemia) are diagnoses however many kinds they have."""
    numbers = [t for t, _ in trees]
    out: set[int] = {index for tree, index in trees if tree[0] == "C" and "." not in tree}
    for at, (tree, index) in enumerate(trees):
        if tree[0] != "D":
            continue
        below: set[int] = set()
        for later in range(at + 1, len(numbers)):
            if not numbers[later].startswith(tree + "."):
                break
            below.add(trees[later][1])
            if len(below) >= N.CATEGORY_NARROWER:
                out.add(index)
                break
    return out


_WORDS = re.compile(r"[^\W_]+")


def _best_per_concept(packed: set[int]) -> list[int]:
    """One entry per concept for a key: a name matched in any case before an acronym, then
    the best rank ("cis-Platin" adds nothing to the heading "Cisplatin")."""
    best: dict[int, int] = {}
    for value in packed:
        index, rank, _, acronym = unpack(value)
        order = (acronym, rank)
        if index not in best or order < (unpack(best[index])[3], unpack(best[index])[1]):
            best[index] = value
    return sorted(best.values())


def pack(index: int, rank: int, generic: bool, acronym: bool) -> int:
    return (index << 5) | (rank << 2) | (int(generic) << 1) | int(acronym)


def unpack(value: int) -> tuple[int, int, bool, bool]:
    """(concept index, rank, generic, acronym)."""
    return value >> 5, (value >> 2) & 7, bool(value & 2), bool(value & 1)


def _write(target: Path, release: ReleaseInfo, counts: dict, sections: dict[str, bytes]) -> None:
    layout, at = {}, 0
    for name, data in sections.items():
        layout[name] = [at, len(data)]
        at += len(data)
    header = {"format": FORMAT, "byteorder": sys.byteorder, "release": release.as_dict(),
              "counts": counts, "sections": layout}
    # The total size goes in the header, so the header's own length must be fixed first.
    text = json.dumps(header, sort_keys=True).encode("utf-8")
    for _ in range(3):
        header["size"] = len(MAGIC) + 8 + len(text) + at
        text = json.dumps(header, sort_keys=True).encode("utf-8")
    with atomic_writer(target, "wb") as handle:
        handle.write(MAGIC)
        handle.write(len(text).to_bytes(8, "little"))
        handle.write(text)
        for data in sections.values():
            handle.write(data)


