"""The Vocabulary: a MeSH release (the prebuilt index) with the curated layer on top.

Keys: a curated drug, class or condition keeps its curated key ("anlotinib",
"nasopharyngeal-carcinoma"); any other MeSH concept is keyed by its UI ("D000074324").
``drugs`` and ``conditions`` are mappings that look up any key; iterating them lists the
curated layer only (the release has 300k concepts).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from kg.vocab import names as N
from kg.vocab.concepts import Condition, Drug, DrugClass, Identifier, Mention
from kg.vocab.curated import Curated
from kg.vocab.normalise import key as name_key
from kg.vocab.reader import MeshIndex
from kg.vocab.records import MeshRecord


class Vocabulary:
    def __init__(self, index: MeshIndex, curated: Curated):
        self.index = index
        self.curated = curated
        self.release = index.release
        self._mesh_source = f"{self.release.label} ({self.release.source}: " \
                            f"{self.release.files[0].path})"
        self.drug_mesh = {k: self._identify(d.mesh_name or d.label, N.DRUG)
                          for k, d in curated.drugs.items()}
        self.class_mesh = {k: self._identify(c.mesh_name, N.DRUG) if c.mesh_name else None
                           for k, c in curated.classes.items()}
        self._drug_key = {ui: k for k, ui in sorted(self.drug_mesh.items()) if ui}
        self._condition_key = {c.mesh: k for k, c in curated.conditions.items()}
        self.classes = {k: DrugClass(k, c.label, c.synonyms, c.parent, self._class_ids(k),
                                     self.class_mesh[k]) for k, c in curated.classes.items()}
        self.drugs: Mapping[str, Drug] = _Drugs(self)
        self.conditions: Mapping[str, Condition] = _Conditions(self)
        self._class_by_name = {name_key(n): k for k, c in curated.classes.items()
                               for n in (k, c.label, *c.synonyms)}
        self._recognise = None

    # ------------------------------------------------------------------ MeSH concepts
    def concept(self, ui: str) -> MeshRecord | None:
        """The release's record for a UI (name, entry terms, tree numbers, mapped headings)."""
        return self.index.record(ui)

    def has_mesh(self, ui: str) -> bool:
        return ui in self.index

    def broader_mesh(self, ui: str) -> list[str]:
        """UIs directly above a concept: a descriptor's tree parents, a supplementary
        concept's mapped headings."""
        rec = self.index.record(ui)
        if rec is None:
            return []
        if rec.supplementary:
            return [m for m in rec.mapped if m in self.index]
        out = []
        for tree in rec.trees:
            parent = self.index.ui_of_tree(tree.rsplit(".", 1)[0]) if "." in tree else None
            if parent and parent not in out:
                out.append(parent)
        return out

    def ancestor_mesh(self, ui: str) -> list[str]:
        """Every UI above a concept up to the top of its trees, nearest first."""
        out: list[str] = []
        queue = self.broader_mesh(ui)
        while queue:
            head = queue.pop(0)
            if head not in out and head != ui:
                out.append(head)
                queue.extend(self.broader_mesh(head))
        return out

    def narrower_mesh(self, ui: str) -> list[str]:
        """Every descriptor below a descriptor in any of its trees."""
        rec = self.index.record(ui)
        found: set[str] = set()
        for tree in rec.trees if rec else ():
            found.update(self.index.narrower_uis(tree))
        return sorted(found - {ui})

    def key_for_mesh(self, ui: str, kind: str = "condition") -> str:
        """The vocabulary key of a MeSH concept: its curated key, else the UI."""
        table = self._drug_key if kind == "drug" else self._condition_key
        return table.get(ui, ui)

    def _identify(self, name: str, kind: int) -> str | None:
        """The one concept of ``kind`` a name is a heading, entry term or supplementary
        name of in the release (curated members are identified this way)."""
        found = {}
        for index, rank, _, _ in self.index.lookup(name_key(name)):
            if rank <= N.SCR_SYNONYM:
                rec = self.index.record_at(index)
                if rec.kinds & kind:
                    found.setdefault(rank, set()).add(rec.ui)
        for rank in sorted(found):
            if len(found[rank]) == 1:
                return next(iter(found[rank]))
            return None
        return None

    def _class_ids(self, key: str) -> tuple[Identifier, ...]:
        ids = self.curated.classes[key].identifiers
        ui = self.class_mesh[key]
        return ids + ((Identifier("mesh", ui, self._mesh_source),) if ui else ())

    def mesh_identifier(self, ui: str) -> Identifier:
        return Identifier("mesh", ui, self._mesh_source)

    # ------------------------------------------------------------------ recognition
    def mentions(self, text: str) -> list[Mention]:
        """Every drug and condition named in ``text``, in order, each with how it matched."""
        return self._recogniser().mentions(text)

    def name_mentions(self, name: str) -> list[Mention]:
        """Mentions in a registered name (a condition or an intervention as registered):
        a whole name may be a generic heading that running text does not match."""
        return self._recogniser().whole(name)

    def _recogniser(self):
        if self._recognise is None:
            from kg.vocab.recognise import Recogniser

            self._recognise = Recogniser(self)
        return self._recognise

    # ------------------------------------------------------------------ drugs
    def find_drugs(self, text: str) -> list[Mention]:
        """Every drug named in ``text``, in order of appearance."""
        return [m for m in self.mentions(text) if m.kind == "drug"]

    def drug_keys_in(self, text: str) -> list[str]:
        """Distinct drug keys named in ``text``, in order of first appearance."""
        return list(dict.fromkeys(m.key for m in self.find_drugs(text)))

    def resolve_class(self, name: str) -> str:
        """A drug-class key from a user's spelling ("anti-PD-1", "PD-1 inhibitor")."""
        key = self._class_by_name.get(name_key(name))
        if key is None:
            known = ", ".join(sorted(self.classes))
            raise KeyError(f"unknown drug class {name!r}; known classes: {known}")
        return key

    def class_ancestors(self, key: str) -> list[str]:
        """The class and every broader class, nearest first."""
        out: list[str] = []
        while key and key not in out:
            out.append(key)
            key = self.classes[key].parent if key in self.classes else None
        return out

    def classes_of(self, drug_key: str) -> list[str]:
        """Every class a drug belongs to, broader classes included."""
        out: list[str] = []
        drug = self.drugs.get(drug_key)
        for c in drug.classes if drug else ():
            out.extend(a for a in self.class_ancestors(c) if a not in out)
        return out

    def members(self, class_key: str) -> list[str]:
        """Curated drug keys in a class or any of its narrower classes."""
        return sorted(k for k in self.curated.drugs if class_key in self.classes_of(k))

    def drug_by_mesh(self, ui: str) -> Drug | None:
        return self.drugs.get(self.key_for_mesh(ui, "drug"))

    # ------------------------------------------------------------------ conditions
    def find_conditions(self, text: str) -> list[Mention]:
        return [m for m in self.mentions(text) if m.kind == "condition"]

    def condition_keys_in(self, text: str) -> list[str]:
        return list(dict.fromkeys(m.key for m in self.find_conditions(text)))

    def condition_ancestors(self, key: str) -> list[str]:
        """The condition and everything broader (MeSH trees), nearest first."""
        out, queue = [], [key]
        while queue:
            k = queue.pop(0)
            if k in out or k not in self.conditions:
                continue
            out.append(k)
            queue.extend(self.conditions[k].broader)
        return out

    def condition_by_mesh(self, ui: str) -> Condition | None:
        return self.conditions.get(self.key_for_mesh(ui))


class _Drugs(Mapping):
    """Any drug key -> Drug; iteration lists the curated drugs."""

    def __init__(self, vocab: Vocabulary):
        self._vocab, self._made = vocab, {}

    def __getitem__(self, key: str) -> Drug:
        made = self._made.get(key)
        if made is None:
            made = self._make(key)
            self._made[key] = made
        return made

    def _make(self, key: str) -> Drug:
        v = self._vocab
        cur = v.curated.drugs.get(key)
        if cur is not None:
            ui = v.drug_mesh[key]
            ids = cur.identifiers
            if ui and not any(i.scheme == "mesh" for i in ids):
                ids = (v.mesh_identifier(ui), *ids)
            return Drug(key, cur.label, cur.synonyms, cur.code_names, cur.classes, ids, ui)
        rec = v.index.record(key) if isinstance(key, str) and key[:1] in "CD" else None
        if rec is None or not rec.kinds & N.DRUG or key in v._drug_key:
            raise KeyError(key)
        return Drug(key, rec.name, tuple(rec.terms), identifiers=(v.mesh_identifier(key),),
                    mesh=key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._vocab.curated.drugs)

    def __len__(self) -> int:
        return len(self._vocab.curated.drugs)


class _Conditions(_Drugs):
    """Any condition key -> Condition; iteration lists the curated conditions."""

    def _make(self, key: str) -> Condition:
        v = self._vocab
        cur = v.curated.conditions.get(key)
        ui = cur.mesh if cur is not None else key
        if cur is None and key in v._condition_key:
            raise KeyError(key)  # a curated concept is known by its curated key only
        rec = v.index.record(ui) if isinstance(ui, str) and ui[:1] in "CD" else None
        if rec is None or (cur is None and not rec.kinds & N.CONDITION):
            if cur is not None:
                return Condition(key, key, None, cur.synonyms, match_in_text=cur.match_in_text)
            raise KeyError(key)
        broader = tuple(v.key_for_mesh(b) for b in v.broader_mesh(ui)
                        if v.index.record(b).kinds & N.CONDITION)
        synonyms = (cur.synonyms if cur else ()) + tuple(rec.terms)
        return Condition(key, rec.name, ui, synonyms, broader, tuple(rec.trees),
                         (v.mesh_identifier(ui),), cur.match_in_text if cur else True)

    def __iter__(self) -> Iterator[str]:
        return iter(self._vocab.curated.conditions)

    def __len__(self) -> int:
        return len(self._vocab.curated.conditions)
