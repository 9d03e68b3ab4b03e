"""``kg related``'s filters: by drug, drug class or condition (what the evidence involves)
and by disease setting or line of therapy (what the candidate's record states)."""

from __future__ import annotations

from kg.errors import QueryError
from kg.extract.setting_concepts import CONCEPTS, family
from kg.vocab import Vocabulary

SETTING_CHOICES = tuple(CONCEPTS["disease-setting"])
LINE_CHOICES = tuple(CONCEPTS["line"])


def filters(vocab: Vocabulary, drug: str | None, drug_class: str | None,
            condition: str | None, setting: str | None = None,
            line: str | None = None) -> dict[str, set[str]]:
    wanted: dict[str, set[str]] = {}
    if drug:
        keys = [drug.lower()] if drug.lower() in vocab.drugs else vocab.drug_keys_in(drug)
        if not keys:
            raise QueryError(f"--drug: {drug!r} is not a curated drug name")
        wanted["drug"] = set(keys)
    if drug_class:
        try:
            wanted["class"] = {vocab.resolve_class(drug_class)}
        except KeyError as exc:
            raise QueryError(f"--drug-class: {exc.args[0]}") from None
    if condition:
        keys = vocab.condition_keys_in(condition)
        if not keys:
            raise QueryError(f"--condition: {condition!r} names no curated condition")
        wanted["condition"] = set(keys)
    for name, value, aspect in (("--setting", setting, "disease-setting"),
                                ("--line", line, "line")):
        if value:
            if value not in CONCEPTS[aspect]:
                raise QueryError(f"{name}: {value!r} is not one of "
                                 f"{', '.join(CONCEPTS[aspect])}")
            wanted[aspect] = {value}
    return wanted


def matches(result, profile, wanted: dict[str, set[str]], vocab: Vocabulary) -> bool:
    """Whether one result passes every filter given."""
    from kg.rdf.trial import condition_iri

    for kind, keys in wanted.items():
        if kind == "drug":
            ok = any(e.kind == "drug" and e.detail in keys for e in result.evidence)
        elif kind == "class":
            members = {m for k in keys for m in vocab.members(k)}
            ok = any(e.kind == "drug" and e.detail in members for e in result.evidence)
        elif kind == "condition":
            near = {a for k in keys for a in vocab.condition_ancestors(k)}
            near |= {c for c in vocab.conditions
                     if keys & set(vocab.condition_ancestors(c))}
            wanted_iris = {str(condition_iri(vocab, k)) for k in near}
            ok = any(e.kind == "disease" and e.detail.partition(" ")[2] in wanted_iris
                     for e in result.evidence)
        else:  # a disease setting or line: the value itself or one of its family
            stated = profile.settings.get(kind, [])
            ok = any(v in keys or family(kind, v) in keys for v in stated)
        if not ok:
            return False
    return True
