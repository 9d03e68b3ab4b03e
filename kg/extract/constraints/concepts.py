"""The curated concepts constraints name: analytes (LOINC), scales and conditions (MeSH).

Loaded from ``ontologies/eligibility-concepts.json`` (every code there names where it was
verified). Kept small on purpose: it lists what a matcher needs (codes, the unit thresholds
are normalised to, molar masses) so it can later be checked against the MeSH vocabulary
index (kg.vocab) rather than grow into a second vocabulary.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from kg import resources
from kg.errors import SourceError

CONCEPTS_JSON = resources.ONTOLOGIES / "eligibility-concepts.json"

# Analytes whose criteria set a floor; the others set a ceiling. Used only to read a
# threshold written without a comparator ("PLT: 100*10^9/L"), and said so on the constraint.
FLOOR_ANALYTES = frozenset({"hemoglobin", "leukocytes", "platelets", "neutrophils", "albumin",
                            "creatinine-clearance", "egfr"})


@dataclass(frozen=True)
class Code:
    code: str
    display: str
    source: str


@dataclass(frozen=True)
class Analyte:
    key: str
    label: str
    names: tuple[str, ...]
    unit: str | None  # UCUM unit thresholds are compared in
    loinc: tuple[Code, ...] = ()
    molar_mass: float | None = None  # g/mol, for mass <-> substance conversions
    ordinal: bool = False  # results are grades or positive/negative, not quantities


@dataclass(frozen=True)
class Scale:
    key: str
    label: str
    low: int
    high: int
    loinc: tuple[Code, ...] = ()


@dataclass(frozen=True)
class ConditionConcept:
    key: str
    label: str
    names: tuple[str, ...]
    mesh: tuple[Code, ...] = ()
    snomed: tuple[Code, ...] = ()
    icd10: tuple[Code, ...] = ()  # code prefixes ("B20")


@dataclass
class Concepts:
    analytes: dict[str, Analyte] = field(default_factory=dict)
    scales: dict[str, Scale] = field(default_factory=dict)
    conditions: dict[str, ConditionConcept] = field(default_factory=dict)
    _analyte_re: re.Pattern[str] | None = None
    _condition_re: re.Pattern[str] | None = None

    def find_analytes(self, text: str) -> list[tuple[str, int, int]]:
        return _find(self._analyte_re, text)

    def find_conditions(self, text: str) -> list[tuple[str, int, int]]:
        return _find(self._condition_re, text)

    def analyte_by_loinc(self) -> dict[str, str]:
        return {c.code: a.key for a in self.analytes.values() for c in a.loinc}


def _find(pattern: re.Pattern[str] | None, text: str) -> list[tuple[str, int, int]]:
    if pattern is None:
        return []
    out = []
    for m in pattern.finditer(text):
        key = m.lastgroup
        if key:
            out.append((_unslot(key), m.start(), m.end()))
    return out


def _slot(key: str, index: int) -> str:
    return f"k{index}_" + key.replace("-", "_")


_SLOTS: dict[str, str] = {}


def _unslot(group: str) -> str:
    return _SLOTS[group]


def _matcher(names: dict[str, tuple[str, ...]]) -> re.Pattern[str]:
    """One alternation, longest names first, so "creatinine clearance" wins over
    "creatinine". Names of three letters or fewer ("ALT", "Hb", "CCr") are abbreviations:
    matched only when written with a capital first letter, so "alt" in running text is not
    ALT."""
    entries = [(name, key) for key, ns in names.items() for name in ns]
    entries.sort(key=lambda e: -len(e[0]))
    parts = []
    for index, (name, key) in enumerate(entries):
        slot = _slot(key, index)
        _SLOTS[slot] = key
        if re.fullmatch(r"[a-z0-9]{1,3}", name):
            pattern = f"(?=(?-i:[A-Z])){re.escape(name)}"  # "ALT", "Hb", "CCr"; not "alt"
        else:
            # A space matches spaces or hyphens, except inside a character class.
            pattern = re.sub(r"\[[^\]]*\]| ", lambda m: r"[\s-]+" if m.group() == " "
                             else m.group(), name)
        parts.append(f"(?P<{slot}>{pattern})")
    return re.compile(r"(?<![A-Za-z0-9])(?:" + "|".join(parts) + r")(?![A-Za-z0-9])", re.I)


def _codes(raw: list[dict], field_name: str) -> tuple[Code, ...]:
    return tuple(Code(c[field_name], c.get("display") or c.get("name", ""), c["source"])
                 for c in raw)


def load_concepts(path: Path | None = None) -> Concepts:
    path = path or CONCEPTS_JSON
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SourceError(f"cannot read the eligibility concepts: {exc}", where=str(path)) \
            from None
    out = Concepts()
    for a in data.get("analytes", []):
        out.analytes[a["key"]] = Analyte(a["key"], a["label"], tuple(a["names"]), a.get("unit"),
                                         _codes(a.get("loinc", []), "code"),
                                         a.get("molar_mass"), bool(a.get("ordinal")))
    for s in data.get("scales", []):
        low, high = s["range"]
        out.scales[s["key"]] = Scale(s["key"], s["label"], low, high,
                                     _codes(s.get("loinc", []), "code"))
    for c in data.get("conditions", []):
        out.conditions[c["key"]] = ConditionConcept(
            c["key"], c["label"], tuple(c["names"]), _codes(c.get("mesh", []), "id"),
            _codes(c.get("snomed", []), "code"), _codes(c.get("icd10", []), "code"))
    out._analyte_re = _matcher({k: a.names for k, a in out.analytes.items()})
    out._condition_re = _matcher({k: c.names for k, c in out.conditions.items()})
    return out


@lru_cache(maxsize=1)
def default_concepts() -> Concepts:
    return load_concepts()
