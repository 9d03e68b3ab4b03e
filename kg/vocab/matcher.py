"""A dictionary matcher over every name in the vocabulary: longest match first.

A regex per name cannot scale to a million names, so matching walks the text word by word
against sorted key lists, the way one walks a trie: at a word where some name can start
(a set look-up), the folded words are run together one more at a time and ``bisect`` says
whether any key equals the run (a match) or starts with it (keep going). The longest valid
match wins and the scan resumes after it. Keys are the folded words run together, so
case, punctuation, hyphen, space and plural variants all meet on one key.

A match must begin and end at a word boundary of the text (letters and digits are split
into words, so "AK" inside "AK105" is no match), and an acronym-like name ("NPC", "AIDS")
only where the text writes the same capitals.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass

from kg.vocab.normalise import case_pattern, fold, is_acronym, key, words

MAX_WORDS = 12  # longer names exist (chemical names), but not as running text
_STARTS_LIMIT = 200_000


@dataclass(frozen=True)
class Entry:
    """One candidate a key stands for: an index concept or a curated concept."""

    ref: int | tuple  # index position of a MeSH record, or a curated reference
    rank: int
    acronym: bool
    generic: bool = False  # a category's one-word name: not matched in running text


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    surface: str
    key: str
    entry: Entry
    name: str = ""  # the name the key stands for, once chosen


class _ListKeys:
    """A small sorted list with the ``locate`` of ``reader.SortedBlocks``."""

    def __init__(self, keys: list[str]):
        self.keys = keys

    def locate(self, text: str, low: int = 0) -> tuple[int, str | None, str | None]:
        at = bisect_left(self.keys, text, low)
        here = self.keys[at] if at < len(self.keys) else None
        after = self.keys[at + 1] if at + 1 < len(self.keys) else None
        return at, here, after


class KeyTable:
    """Sorted keys (anything with ``locate``) and, per position, the entries of its key."""

    def __init__(self, keys, entries: Callable[[int], list[Entry]]):
        self.keys, self.entries = keys, entries

    @classmethod
    def from_names(cls, named: list[tuple[str, Entry]]) -> KeyTable:
        """A small in-memory table (the curated layer) from (name, entry) pairs."""
        by_key: dict[str, list[Entry]] = {}
        for name, entry in named:
            k = key(name)
            if k and entry not in by_key.setdefault(k, []):
                by_key[k].append(entry)
        ordered = sorted(by_key)
        return cls(_ListKeys(ordered), lambda at: by_key[ordered[at]])


# English function words: a match never starts at one written as a word of its own (followed
# by a space). Names beginning so are rare and not running text ("a disintegrin and
# metalloproteinase domain 17 protein, human"); "A-1155463" or "At-210" still match.
NEVER_FIRST = frozenset((
    "a", "an", "the", "of", "and", "or", "in", "on", "to", "for", "from", "by", "with", "is",
    "are", "was", "were", "be", "been", "being", "has", "have", "had", "that", "this", "these",
    "those", "which", "who", "whom", "whose", "when", "where", "while", "than", "then", "but",
    "not", "nor", "we", "our", "it", "its", "they", "their", "them", "also", "into", "onto",
    "after", "before", "between", "during", "both", "each", "either", "such",
))


class Matcher:
    """Finds names of any table in a text.

    ``choose(hits)`` picks among the candidates of one span (or drops them all: ambiguous
    keys, names kept out of running text, acronyms written in another case), so the walk
    stays generic. Whether a word can start any key at all is remembered per word: most
    words of a text start none, and texts repeat their words."""

    def __init__(self, tables: list[KeyTable], choose: Callable[[list[Hit]], Hit | None]):
        self.tables = tables
        self.choose = choose
        self._starts: dict[str, tuple[tuple, ...]] = {}

    def _can_start(self, word: str) -> tuple[tuple, ...]:
        """Per table some key of which starts with ``word``: (table, where ``word`` would
        sort, the key there, the key after it); the walk's first step, remembered (``scan``
        looks in the memo first and calls this for a word it does not hold)."""
        located = ((t, *table.keys.locate(word)) for t, table in enumerate(self.tables))
        known = tuple(x for x in located if x[2] is not None and x[2].startswith(word))
        if len(self._starts) >= _STARTS_LIMIT:
            self._starts = {}
        self._starts[word] = known
        return known

    def scan(self, text: str, choose: Callable[[list[Hit]], Hit | None] | None = None
             ) -> list[Hit]:
        if not text:
            return []
        found = words(text)
        folded = [fold(w) for w, _, _ in found]
        hits: list[Hit] = []
        i, n = 0, len(found)
        can_start = self._starts.get
        while i < n:
            word = folded[i]
            if word in NEVER_FIRST and (found[i][2] == len(text) or text[found[i][2]].isspace()):
                i += 1
                continue
            tables = can_start(word)
            if tables is None:
                tables = self._can_start(word)
            if not tables or _inside_word(text, found[i][1]):
                i += 1
                continue
            best = self._longest(text, found, folded, i, tables, choose or self.choose)
            if best is None:
                i += 1
                continue
            hits.append(best[0])
            i = best[1]
        return hits

    def _longest(self, text: str, found, folded, i: int, first: tuple[tuple, ...], choose
                 ) -> tuple[Hit, int] | None:
        """The longest valid match starting at word ``i`` and the word after it."""
        best = None
        lows = [0] * len(self.tables)
        live = [t for t, *_ in first]
        prefix = ""
        for j in range(i, min(len(found), i + MAX_WORDS)):
            prefix += folded[j]
            end = found[j][2]
            candidates: list[Hit] = []
            still = []
            for step, t in enumerate(live):
                table = self.tables[t]
                if j == i:
                    _, at, here, after = first[step]
                else:
                    at, here, after = table.keys.locate(prefix, lows[t])
                if here is None:
                    continue
                lows[t] = at
                if here == prefix:
                    if not _inside_word(text, end, after=True):
                        surface = text[found[i][1]:end]
                        candidates.extend(Hit(found[i][1], end, surface, prefix, e)
                                          for e in table.entries(at))
                    if after is not None and after.startswith(prefix):
                        still.append(t)
                elif here.startswith(prefix):
                    still.append(t)
            if candidates:
                chosen = choose(candidates)
                if chosen is not None:
                    best = (chosen, j + 1)
            live = still
            if not live:
                break
        return best


def _inside_word(text: str, at: int, after: bool = False) -> bool:
    """Whether position ``at`` is inside a run of letters and digits (so no word boundary)."""
    if after:
        return at < len(text) and text[at].isalnum() and text[at - 1].isalnum()
    return at > 0 and text[at - 1].isalnum() and text[at].isalnum()


def acronym_agrees(surface: str, name: str) -> bool:
    """An acronym-like name matches only a surface with the same capitals."""
    return not is_acronym(name) or case_pattern(surface) == case_pattern(name)
