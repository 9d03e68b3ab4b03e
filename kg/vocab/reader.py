"""Reading the prebuilt index (``kg.vocab.index`` writes it): memory-mapped, lazy.

Opening reads the header and, per sorted list, its block heads (a few thousand lines).
A search bisects the heads, then the one block it lands in, decoded on first use and kept
(common words keep landing in the same blocks). So a command pays for what it looks at.
"""

from __future__ import annotations

import json
import mmap
import sys
from array import array
from bisect import bisect_left, bisect_right
from pathlib import Path

from kg.vocab.index import FORMAT, MAGIC, unpack
from kg.vocab.records import MeshRecord, ReleaseInfo, VocabularyError

_BLOCK_CACHE = 8192


class SortedBlocks:
    """A sorted list of strings stored as blocks; ``locate`` answers what ``bisect_left`` on
    the whole list would, with the key found there and the one after it."""

    def __init__(self, data: memoryview, offsets: array, heads: list[str]):
        self._data, self._offsets, self.heads = data, offsets, heads
        self._blocks: dict[int, list[str]] = {}
        self.block_size = 0
        if heads:
            self.block_size = len(self.block(0))
        self.size = 0 if not heads else self.block_size * (len(heads) - 1) + \
            len(self.block(len(heads) - 1))

    def block(self, b: int) -> list[str]:
        found = self._blocks.get(b)
        if found is None:
            raw = bytes(self._data[self._offsets[b]:self._offsets[b + 1] - 1])
            found = raw.decode("utf-8").split("\n")
            if len(self._blocks) >= _BLOCK_CACHE:
                self._blocks.clear()
            self._blocks[b] = found
        return found

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, position: int) -> str:
        b, i = divmod(position, self.block_size)
        return self.block(b)[i]

    def locate(self, text: str, low: int = 0) -> tuple[int, str | None, str | None]:
        """(position of the first item >= text, that item, the item after it)."""
        heads = self.heads
        b = max(bisect_right(heads, text) - 1, low // self.block_size if self.block_size else 0)
        if b < 0 or not heads:
            return 0, heads[0] if heads else None, None
        items = self.block(b)
        i = bisect_left(items, text)
        if i == len(items):
            b, i = b + 1, 0
            if b == len(heads):
                return self.size, None, None
            items = self.block(b)
        position = b * self.block_size + i
        here = items[i]
        if i + 1 < len(items):
            after = items[i + 1]
        else:
            after = self.block(b + 1)[0] if b + 1 < len(heads) else None
        return position, here, after

    def index(self, text: str) -> int | None:
        position, here, _ = self.locate(text)
        return position if here == text else None


class MeshIndex:
    """Read access to a built index; every section is loaded on first use."""

    def __init__(self, path: Path):
        self.path = path
        header, base = _open(path)
        self._base = base
        self.release = ReleaseInfo.from_dict(header["release"])
        self.counts: dict[str, int] = header["counts"]
        self.size: int = header["size"]
        self._layout: dict[str, list[int]] = header["sections"]
        self._cache: dict[str, object] = {}
        with path.open("rb") as handle:
            self._map = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        self._view = memoryview(self._map)

    # -- sections
    def _section(self, name: str) -> memoryview:
        start, length = self._layout[name]
        return self._view[self._base + start:self._base + start + length]

    def _ints(self, name: str) -> array:
        found = self._cache.get(name)
        if found is None:
            found = array("I")
            found.frombytes(self._section(name))
            self._cache[name] = found
        return found  # type: ignore[return-value]

    def sorted_list(self, name: str) -> SortedBlocks:
        found = self._cache.get(name)
        if found is None:
            heads_raw = bytes(self._section(f"{name}_heads"))
            heads = heads_raw.decode("utf-8").split("\n") if heads_raw else []
            found = SortedBlocks(self._section(name), self._ints(f"{name}_offsets"), heads)
            self._cache[name] = found
        return found  # type: ignore[return-value]

    # -- concepts
    def index_of(self, ui: str) -> int | None:
        return self.sorted_list("uis").index(ui)

    def ui_at(self, index: int) -> str:
        return self.sorted_list("uis")[index]

    def __contains__(self, ui: object) -> bool:
        return isinstance(ui, str) and self.index_of(ui) is not None

    def __len__(self) -> int:
        return len(self.sorted_list("uis"))

    def record_at(self, index: int) -> MeshRecord:
        offsets = self._ints("concept_offsets")
        raw = bytes(self._section("concepts")[offsets[index]:offsets[index + 1]])
        ui, name, terms, trees, mapped, kinds = raw.decode("utf-8").split("\t")
        return MeshRecord(ui, name, terms.split("|") if terms else [],
                          trees.split("|") if trees else [],
                          mapped.split("|") if mapped else [], int(kinds))

    def record(self, ui: str) -> MeshRecord | None:
        index = self.index_of(ui)
        return None if index is None else self.record_at(index)

    # -- tree numbers
    def ui_of_tree(self, tree: str) -> str | None:
        at = self.sorted_list("trees").index(tree)
        return None if at is None else self.ui_at(self._ints("tree_concepts")[at])

    def narrower_uis(self, tree: str) -> list[str]:
        """Every descriptor whose tree number lies under ``tree`` (not ``tree`` itself)."""
        trees = self.sorted_list("trees")
        low, _, _ = trees.locate(tree + ".")
        high, _, _ = trees.locate(tree + "/")  # "/" sorts right after "."
        concepts = self._ints("tree_concepts")
        return sorted({self.ui_at(concepts[i]) for i in range(low, high)})

    # -- match keys
    def keys(self) -> SortedBlocks:
        return self.sorted_list("keys")

    def values_at(self, position: int) -> array:
        offsets = self._ints("value_offsets")
        return self._ints("values")[offsets[position]:offsets[position + 1]]

    def lookup(self, key: str) -> list[tuple[int, int, bool, bool]]:
        """(concept index, rank, generic, acronym) for every name with this match key."""
        at = self.keys().index(key)
        if at is None:
            return []
        return [unpack(v) for v in self.values_at(at)]


def _open(path: Path) -> tuple[dict, int]:
    """The header of an index file and where its sections start; refuses foreign, truncated
    and other-version files with one line naming the file."""
    where = str(path)
    try:
        handle = path.open("rb")
    except FileNotFoundError:
        raise VocabularyError("no vocabulary index here", where=where) from None
    except OSError as exc:
        raise VocabularyError(f"cannot read: {exc.strerror or exc}", where=where) from None
    with handle:
        head = handle.read(len(MAGIC) + 8)
        if head[:len(MAGIC)] != MAGIC:
            raise VocabularyError("not a trialkg vocabulary index", where=where)
        length = int.from_bytes(head[len(MAGIC):], "little")
        try:
            header = json.loads(handle.read(length))
        except (ValueError, UnicodeDecodeError):
            raise VocabularyError("index header unreadable (truncated?)", where=where) from None
        if not isinstance(header, dict) or header.get("format") != FORMAT \
                or header.get("byteorder") != sys.byteorder:
            raise VocabularyError("index written by another version of trialkg",
                                  where=where)
        actual = path.stat().st_size
        if actual != header.get("size"):
            raise VocabularyError(f"truncated index ({actual} of {header.get('size')} bytes)",
                                  where=where)
    return header, len(MAGIC) + 8 + length
