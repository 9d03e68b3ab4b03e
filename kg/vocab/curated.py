"""The curated layer: only what MeSH lacks.

- drug classes as clinicians use them (anti-PD-1, VEGFR TKI, ...) and their members; each
  member is identified through MeSH by its name (the release gives the UI);
- names MeSH does not list: registry misspellings ("Anrotinib", "Tirelizumab",
  "nasophapyngeal cancer"), brand and code names, abbreviations ("NPC");
- conditions the project names by key (tests, CLI), with the MeSH UI they stand for;
- names MeSH lists that must not be matched in running text (see ``ambiguous_names``).

Files: ``ontologies/drugs.json``, ``ontologies/conditions.json`` and
``ontologies/ambiguous-names.json``. Every non-MeSH identifier names the source it was
checked against; MeSH identifiers come from the loaded release.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from kg import resources
from kg.errors import SourceError
from kg.vocab.concepts import Identifier

KNOWN_SCHEMES = ("mesh", "chebi", "drugbank", "unii", "chembl", "ncit", "rxnorm")


@dataclass(frozen=True)
class CuratedDrug:
    key: str
    label: str
    synonyms: tuple[str, ...] = ()
    code_names: tuple[str, ...] = ()
    classes: tuple[str, ...] = ()
    identifiers: tuple[Identifier, ...] = ()
    mesh_name: str | None = None  # the MeSH name to identify it by, when not the label


@dataclass(frozen=True)
class CuratedClass:
    key: str
    label: str
    synonyms: tuple[str, ...] = ()
    parent: str | None = None
    identifiers: tuple[Identifier, ...] = ()
    mesh_name: str | None = None  # closest MeSH heading (a pharmacological action), if any


@dataclass(frozen=True)
class CuratedCondition:
    key: str
    mesh: str  # descriptor UI
    synonyms: tuple[str, ...] = ()
    match_in_text: bool = True


@dataclass
class Curated:
    drugs: dict[str, CuratedDrug]
    classes: dict[str, CuratedClass]
    conditions: dict[str, CuratedCondition]
    ambiguous: dict[str, str] = field(default_factory=dict)  # name -> why it is not matched
    not_in_text: dict[str, str] = field(default_factory=dict)  # MeSH UI -> why


def _read(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SourceError(f"cannot read reference data: {exc.strerror or exc}",
                          where=str(path)) from None
    except json.JSONDecodeError as exc:
        raise SourceError(f"invalid JSON at line {exc.lineno}: {exc.msg}", where=str(path)) \
            from None


def _identifiers(raw: list[dict] | None, where: str) -> tuple[Identifier, ...]:
    out = []
    for item in raw or []:
        if not item.get("source"):
            raise SourceError(f"identifier {item} names no source it was verified against",
                              where=where)
        if item.get("scheme") not in KNOWN_SCHEMES:
            raise SourceError(f"identifier scheme {item.get('scheme')!r} is not one of "
                              f"{', '.join(KNOWN_SCHEMES)}", where=where)
        out.append(Identifier(item["scheme"], item["id"], item["source"]))
    return tuple(out)


def load_curated(drugs_path: Path | None = None, conditions_path: Path | None = None,
                 ambiguous_path: Path | None = None) -> Curated:
    drugs_path = drugs_path or resources.DRUGS_JSON
    conditions_path = conditions_path or resources.CONDITIONS_JSON
    ambiguous_path = ambiguous_path or resources.AMBIGUOUS_NAMES_JSON
    drug_data, cond_data = _read(drugs_path), _read(conditions_path)
    classes = {
        c["key"]: CuratedClass(c["key"], c["label"], tuple(c.get("synonyms", ())),
                               c.get("parent"),
                               _identifiers(c.get("identifiers"), f"{drugs_path}#{c['key']}"),
                               c.get("mesh_name"))
        for c in drug_data["classes"]
    }
    drugs = {
        d["key"]: CuratedDrug(d["key"], d["label"], tuple(d.get("synonyms", ())),
                              tuple(d.get("code_names", ())), tuple(d.get("classes", ())),
                              _identifiers(d.get("identifiers"), f"{drugs_path}#{d['key']}"),
                              d.get("mesh_name"))
        for d in drug_data["drugs"]
    }
    for d in drugs.values():
        for c in d.classes:
            if c not in classes:
                raise SourceError(f"drug {d.key!r} names unknown class {c!r}",
                                  where=str(drugs_path))
    for c in classes.values():
        if c.parent and c.parent not in classes:
            raise SourceError(f"class {c.key!r} names unknown parent {c.parent!r}",
                              where=str(drugs_path))
    conditions = {}
    for c in cond_data["conditions"]:
        if not c.get("mesh"):
            raise SourceError(f"condition {c.get('key')!r} names no MeSH descriptor",
                              where=str(conditions_path))
        conditions[c["key"]] = CuratedCondition(c["key"], c["mesh"],
                                                tuple(c.get("synonyms", ())),
                                                bool(c.get("match_in_text", True)))
    exclusions = _read(ambiguous_path)
    ambiguous = {a["name"]: a["reason"] for a in exclusions["names"]}
    not_in_text = {c["mesh"]: c["reason"] for c in exclusions.get("concepts", [])}
    return Curated(drugs, classes, conditions, ambiguous, not_in_text)
