"""Turning matcher hits into mentions: which concept a matched span names, or none.

The rules, in order, for the candidates of one span (see ``Recogniser.choose``):
1. what is kept out of running text: the names and concepts in
   ``ontologies/ambiguous-names.json``; generic curated headings (``match_in_text: false``)
   and a category's one-word names ("protein", "infection": see ``kg.vocab.index``), which a
   whole registered field ("Conditions: Neoplasms") may still name;
2. an acronym-like name only where the text writes the same capitals ("AIDS", not "aids");
3. a name is not split by a space or a stop between two letters where it has none
   ("system in" is not "systemin", "cases. in" not "casein"; "cis-Platin" is "Cisplatin",
   "non small cell" is "Non-Small-Cell");
4. the best rank wins (curated, heading, entry term, supplementary name, derived); at equal
   rank the name the text writes exactly ("Insulin" over "Insulins"); still two concepts:
   ambiguous, no mention (never guessed).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from kg.vocab import names as N
from kg.vocab.concepts import Mention
from kg.vocab.index import unpack
from kg.vocab.matcher import Entry, Hit, KeyTable, Matcher, acronym_agrees
from kg.vocab.normalise import POSSESSIVE, is_acronym
from kg.vocab.normalise import key as name_key

if TYPE_CHECKING:
    from kg.vocab.vocabulary import Vocabulary

_SCAN_CACHE = 1024
_NAMES_CACHE = 100_000
_LETTER_GAP = re.compile(r"(?<=[^\W\d_])[\W_]+(?=[^\W\d_])")


class Recogniser:
    def __init__(self, vocab: Vocabulary):
        self.vocab = vocab
        self.index = vocab.index
        self._ambiguous = {name_key(n) for n in vocab.curated.ambiguous}
        self._generic = {c.mesh for c in vocab.curated.conditions.values()
                         if not c.match_in_text}
        self._excluded = set(vocab.curated.not_in_text)
        self.matcher = Matcher([self._curated_table(), KeyTable(self.index.keys(),
                                                                self._entries)], self.choose)
        self._scans: dict[str, list[Mention]] = {}
        self._names: dict[tuple[int, str], tuple[str, list[tuple[int, str]]]] = {}

    def mentions(self, text: str) -> list[Mention]:
        if not text:
            return []
        found = self._scans.get(text)
        if found is None:
            found = [m for hit in self.matcher.scan(text) for m in self._mentions(hit)]
            if len(self._scans) >= _SCAN_CACHE:
                self._scans.clear()
            self._scans[text] = found
        return found

    def whole(self, text: str) -> list[Mention]:
        """Mentions in a registered name (a condition, an intervention): when the whole
        text is one name, it may be a generic heading ("Neoplasms", "Carcinoma")."""
        stripped = text.strip()
        hits = self.matcher.scan(stripped, lambda h: self.choose(h, whole=True))
        if len(hits) == 1 and hits[0].start == 0 and hits[0].end == len(stripped):
            return list(self._mentions(hits[0]))
        return self.mentions(text)

    # ------------------------------------------------------------------ tables
    def _entries(self, at: int) -> list[Entry]:
        out = []
        for value in self.index.values_at(at):
            ref, rank, generic, acronym = unpack(value)
            out.append(Entry(ref, rank, acronym, generic))
        return out

    def _curated_table(self) -> KeyTable:
        v = self.vocab
        named: list[tuple[str, Entry]] = []
        for k, d in v.curated.drugs.items():
            # A label MeSH already gives the drug is matched as MeSH's, so a mention says so.
            rec = v.concept(v.drug_mesh[k]) if v.drug_mesh.get(k) else None
            mesh_keys = {name_key(n) for n in (rec.name, *rec.terms)} if rec else set()
            labels = [d.label] if name_key(d.label) not in mesh_keys else []
            named += [(n, Entry(("drug", k, n, "curated name"), N.CURATED, is_acronym(n)))
                      for n in (*labels, *d.synonyms)]
            named += [(n, Entry(("drug", k, n, "curated code name"), N.CURATED, False))
                      for n in d.code_names]
        for k, c in v.curated.conditions.items():
            named += [(n, Entry(("condition", k, n, "curated name"), N.CURATED, is_acronym(n),
                                not c.match_in_text)) for n in c.synonyms]
        return KeyTable.from_names(named)

    # ------------------------------------------------------------------ choosing
    def _name(self, hit: Hit) -> tuple[str, str, int] | None:
        """(identity, name, rank) of a hit: the MeSH UI (or curated key), and of the names
        with the matched key the one the text writes most nearly (exact, then case, then
        spacing, then plural; best rank first), or None when no name of the concept may be
        read so (an acronym in other capitals, a name split between two letters)."""
        ref = hit.entry.ref
        if not isinstance(ref, int):
            kind, k, name, _ = ref
            ui = self.vocab.drug_mesh.get(k) if kind == "drug" \
                else self.vocab.curated.conditions[k].mesh
            return (ui or k, name, hit.entry.rank) if _readable(hit.surface, name) else None
        ui, keyed = self._keyed_names(ref, hit.key)
        names = [(_VARIANTS.index(N.variant(hit.surface, n)), r, n) for r, n in keyed
                 if _readable(hit.surface, n)]
        if not names:
            return None
        _, rank, name = min(names)
        return ui, name, rank

    def _keyed_names(self, ref: int, key: str) -> tuple[str, list[tuple[int, str]]]:
        """(UI, [(rank, name)]) of a concept's names with a key; remembered, since texts
        keep naming the same concepts."""
        found = self._names.get((ref, key))
        if found is None:
            rec = self.index.record_at(ref)
            found = (rec.ui, [(r, n) for n, r in N.record_names(rec) if name_key(n) == key])
            if len(self._names) >= _NAMES_CACHE:
                self._names.clear()
            self._names[(ref, key)] = found
        return found

    def choose(self, hits: list[Hit], whole: bool = False) -> Hit | None:
        valid: list[tuple[int, str, bool, Hit]] = []
        for hit in hits:
            if hit.key in self._ambiguous or (hit.entry.generic and not whole):
                continue
            named = self._name(hit)
            if named is None:
                continue
            identity, name, rank = named
            if identity in self._excluded or (identity in self._generic and not whole):
                continue
            exact = N.variant(hit.surface, name) != "plural or spelling"
            entry = hit.entry if rank == hit.entry.rank else \
                Entry(hit.entry.ref, rank, hit.entry.acronym, hit.entry.generic)
            valid.append((rank, identity, exact,
                          Hit(hit.start, hit.end, hit.surface, hit.key, entry, name)))
        if not valid:
            return None
        best = min(rank for rank, _, _, _ in valid)
        top = [(identity, exact, hit) for rank, identity, exact, hit in valid if rank == best]
        for pool in (top, [t for t in top if t[1]]):
            if len({identity for identity, _, _ in pool}) == 1:
                return pool[0][2]
        return None

    def _mentions(self, hit: Hit) -> Iterator[Mention]:
        ref = hit.entry.ref
        if not isinstance(ref, int):
            kind, k, name, label = ref
            ui = self.vocab.drug_mesh.get(k) if kind == "drug" \
                else self.vocab.curated.conditions[k].mesh
            yield Mention(k, hit.surface, hit.start, hit.end, ui, kind,
                          f"{label} ({N.variant(hit.surface, name)})")
            return
        rec = self.index.record_at(ref)
        how = N.how(hit.entry.rank, hit.surface, hit.name or rec.name)
        if rec.kinds & N.CONDITION:
            yield Mention(self.vocab.key_for_mesh(rec.ui), hit.surface, hit.start, hit.end,
                          rec.ui, "condition", how)
        if rec.kinds & N.DRUG:
            yield Mention(self.vocab.key_for_mesh(rec.ui, "drug"), hit.surface, hit.start,
                          hit.end, rec.ui, "drug", how)


_VARIANTS = ("exact", "case", "spacing or punctuation", "plural or spelling")


def _readable(surface: str, name: str) -> bool:
    """Whether the text may be read as this name: acronyms in their capitals, and no space
    or stop between two letters the name runs together (a hyphen may split a word:
    "cis-Platin" is "Cisplatin"; "system in" is not "systemin")."""
    if not acronym_agrees(surface, name):
        return False
    surface_gaps = [g for g in _LETTER_GAP.findall(POSSESSIVE.sub("", surface))
                    if g.strip("-\u2010\u2011")]
    return len(surface_gaps) <= len(_LETTER_GAP.findall(POSSESSIVE.sub("", name)))
