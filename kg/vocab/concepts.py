"""The vocabulary's plain records: drugs, drug classes, conditions and mentions in text."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Identifier:
    scheme: str  # "mesh", "chebi", "drugbank", "unii", "chembl", "ncit", "rxnorm"
    id: str
    source: str  # where it was verified: URL, citation, or the MeSH release it came from


@dataclass(frozen=True)
class DrugClass:
    key: str  # "anti-pd-1"
    label: str  # "anti-PD-1 antibody"
    synonyms: tuple[str, ...] = ()
    parent: str | None = None
    identifiers: tuple[Identifier, ...] = ()
    mesh: str | None = None  # the closest MeSH descriptor (pharmacological action), if any


@dataclass(frozen=True)
class Drug:
    """A drug: a curated one (key "anlotinib") or one known only from MeSH (key = its UI)."""

    key: str
    label: str
    synonyms: tuple[str, ...] = ()  # other names and misspellings seen in records
    code_names: tuple[str, ...] = ()  # development codes: "AL3818", "AK105"
    classes: tuple[str, ...] = ()  # DrugClass keys
    identifiers: tuple[Identifier, ...] = ()
    mesh: str | None = None  # MeSH descriptor or supplementary concept UI, from the release

    @property
    def names(self) -> tuple[str, ...]:
        return (self.label, *self.synonyms, *self.code_names)


@dataclass(frozen=True)
class Condition:
    """A disease: a curated one (key "nasopharyngeal-carcinoma") or any MeSH C-tree
    concept (key = its UI). Label, tree numbers and broader conditions come from MeSH."""

    key: str
    label: str  # MeSH heading
    mesh: str | None  # descriptor UI, e.g. D009303
    synonyms: tuple[str, ...] = ()
    broader: tuple[str, ...] = ()  # keys of the conditions directly above it in MeSH
    tree_numbers: tuple[str, ...] = ()
    identifiers: tuple[Identifier, ...] = ()
    match_in_text: bool = True  # False for generic headings ("Carcinoma") kept for the tree

    @property
    def names(self) -> tuple[str, ...]:
        return (self.label, *self.synonyms)


@dataclass(frozen=True)
class Mention:
    """A name recognised in a text: which concept, where, and how it matched."""

    key: str  # vocabulary key: a curated key, else the MeSH UI
    surface: str  # the text as written
    start: int
    end: int
    mesh: str | None = None  # MeSH UI of the concept
    kind: str = ""  # "drug" or "condition"
    how: str = ""  # e.g. "MeSH entry term (plural or spelling)", "curated synonym (exact)"
