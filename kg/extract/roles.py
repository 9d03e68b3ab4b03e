"""Each drug's role in a study: in the experimental arm, only in the comparator arm, in every
arm (background therapy), or not stated.

A drug given in both arms of a randomised trial (the chemotherapy under "toripalimab or
placebo plus chemotherapy") is not what the trial tests, and a drug given only to the
control arm (capecitabine in KEYNOTE-122) even less so; the related-study ranking weighs
them accordingly. Roles are read from what the record says, in this order:

1. Arms with a registered type (EXPERIMENTAL, ACTIVE/PLACEBO/SHAM_COMPARATOR, NO_INTERVENTION):
   the drugs of their linked interventions, their label and regimens. An untyped arm is a
   comparator when its label says so ("placebo", "control", "... alone"), experimental when
   it is the only arm.
2. The titles (for articles the title, then abstract sentences): "X versus Y", "X or
   placebo plus Y", "Y with or without X".
Generic words ("chemotherapy", "standard of care") on a side place the study's cytotoxic
drugs there. A comparator side that is placebo (plus a backbone) gives its drugs to both
sides: the backbone is background therapy. A drug no side names is experimental when the
study compares nothing, otherwise its role is not stated ("other").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kg.extract.regimen import _linked_interventions, _mentions
from kg.extract.setting_terms import CYTOTOXIC_CLASSES, GENERIC_CHEMO_RE
from kg.model import Arm, SettingFact, Trial
from kg.vocab import Vocabulary

_EXPERIMENTAL_TYPES = {"EXPERIMENTAL"}
_COMPARATOR_TYPES = {"ACTIVE_COMPARATOR", "PLACEBO_COMPARATOR", "SHAM_COMPARATOR",
                     "NO_INTERVENTION"}
_PLACEBO_RE = re.compile(r"\b(?:placebos?|sham|dummy)\b", re.IGNORECASE)
_CONTROL_LABEL_RE = re.compile(r"\b(?:placebos?|control|standard|alone|observation|"
                               r"best\s+supportive|usual\s+care|comparator)\b", re.IGNORECASE)
_VERSUS_RE = re.compile(r"\s(?:versus|vs\.?|v\.|compared\s+(?:with|to))\s", re.IGNORECASE)
# Where the right side of "X versus Y" stops naming treatments and starts naming patients.
_RIGHT_END_RE = re.compile(r"[,;:(]|\s(?:in|for|among|as|on)\s(?!combination)", re.IGNORECASE)
_WITH_OR_WITHOUT_RE = re.compile(r"\bwith\s+or\s+without\s+", re.IGNORECASE)
_OR_PLACEBO_RE = re.compile(r"\s+or\s+(?:matching\s+)?placebo\b|\s*±", re.IGNORECASE)
_DELIMITER_RE = re.compile(r"[,;:.()]")
_SIDE_NEEDLES = ("versus", "vs", "v.", "compared", "without", "placebo", "±")


@dataclass
class _Side:
    kind: str  # "experimental" or "comparator"
    field: str
    text: str
    drugs: list[str] = field(default_factory=list)  # named on this side
    generic: bool = False  # names chemotherapy without naming drugs
    placebo: bool = False  # a placebo (or sham) side: its drugs are also given to the other


def _cytotoxic(vocab: Vocabulary, key: str) -> bool:
    return key in vocab.drugs and bool(CYTOTOXIC_CLASSES.intersection(vocab.classes_of(key)))


def _named(text: str, vocab: Vocabulary) -> list[str]:
    """Curated drugs named in ``text``, placebos matched to a drug left out."""
    return list(dict.fromkeys(m.key for m in _mentions(text, vocab)))


def arm_type(arm: Arm) -> str:
    """The registered arm type as CT.gov's enum: "Placebo Comparator" -> PLACEBO_COMPARATOR."""
    return (arm.type or "").strip().upper().replace(" ", "_")


def _arm_kind(arm: Arm, arms: int) -> str | None:
    kind = arm_type(arm)
    if kind in _EXPERIMENTAL_TYPES:
        return "experimental"
    if kind in _COMPARATOR_TYPES:
        return "comparator"
    if _CONTROL_LABEL_RE.search(arm.label or ""):
        return "comparator"
    return "experimental" if arms == 1 and kind in ("", "OTHER") else None


def _arm_sides(trial: Trial, vocab: Vocabulary) -> list[_Side]:
    sides = []
    for arm in trial.arms:
        kind = _arm_kind(arm, len(trial.arms))
        if kind is None:
            continue
        drugs = [k for iv in _linked_interventions(trial, arm) for k in iv.drugs]
        drugs += _named(arm.label, vocab) + [r.drug for r in arm.regimens]
        if not drugs and arm.description:
            drugs = _named(arm.description, vocab)
        words = f"{arm.label} {' '.join(arm.intervention_names)}"
        text = f"{arm.label} ({arm.type})" if arm.type else arm.label
        sides.append(_Side(kind, f"arm: {arm.label}", text, list(dict.fromkeys(drugs)),
                           bool(GENERIC_CHEMO_RE.search(words)),
                           arm_type(arm) in ("PLACEBO_COMPARATOR", "SHAM_COMPARATOR")
                           or bool(_PLACEBO_RE.search(words))))
    return sides


def text_sides(field_name: str, text: str, vocab: Vocabulary) -> list[_Side]:
    """Sides stated by one title or sentence: "X versus Y", "X or placebo plus Y", "Y with
    or without X". Nothing when it compares nothing."""
    if not text:
        return []
    low = text.lower()
    if not any(n in low for n in _SIDE_NEEDLES):
        return []
    versus = _VERSUS_RE.search(text)
    if versus:
        left, right = text[:versus.start()], text[versus.end():]
        end = _RIGHT_END_RE.search(right)
        right = right[:end.start()] if end else right
        return [_Side("experimental", field_name, text, _named(left, vocab),
                      bool(GENERIC_CHEMO_RE.search(left))),
                _Side("comparator", field_name, text, _named(right, vocab),
                      bool(GENERIC_CHEMO_RE.search(right)), bool(_PLACEBO_RE.search(right)))]
    span = _optional_part(text)
    if span:
        start, end = span
        tested = _named(text[start:end], vocab)
        backbone = [k for k in _named(text, vocab) if k not in tested]
        # generic words outside the optional part (and only that stretch of the text) are the
        # backbone's
        generic = bool(GENERIC_CHEMO_RE.search(text[:start] + " " + text[end:]))
        return [_Side("experimental", field_name, text, tested + backbone, generic),
                _Side("comparator", field_name, text, backbone, generic, placebo=True)]
    return []


def _optional_part(text: str) -> tuple[int, int] | None:
    """Where in ``text`` is what "with or without X" adds, or what "X or placebo" / "X ± ..."
    tests: up to the next or back to the previous delimiter; None when nothing (or an empty
    stretch) is. (Found with plain searches: a lazy regex for "the words before 'or placebo'"
    is quadratic in the text.)"""
    m = _WITH_OR_WITHOUT_RE.search(text)
    if m:
        end = _DELIMITER_RE.search(text, m.end())
        span = m.end(), end.start() if end else len(text)
    else:
        m = _OR_PLACEBO_RE.search(text)
        if not m:
            return None
        span = (max((d.end() for d in _DELIMITER_RE.finditer(text, 0, m.start())), default=0),
                m.start())
    return span if span[0] < span[1] else None


def _on(side: _Side, key: str, vocab: Vocabulary) -> bool:
    return key in side.drugs or (side.generic and _cytotoxic(vocab, key))


def assign_roles(drugs: list[str], sides: list[_Side], vocab: Vocabulary,
                 found_in: dict[str, tuple[str, str]], compares: bool,
                 untested: set[str] = frozenset()) -> list[SettingFact]:
    """One drug-role fact per drug. ``found_in``: where each drug is named (field, text),
    cited for a drug no side places. ``compares``: whether the study compares arms at all.
    ``untested``: drugs named only as history ("after failure of gemcitabine") or only in
    passing, never experimental by default."""
    facts = []
    for key in drugs:
        exp = [s for s in sides if s.kind == "experimental" and _on(s, key, vocab)]
        comp = [s for s in sides if s.kind == "comparator" and _on(s, key, vocab)]
        if any(s.placebo for s in comp):
            exp = exp or [s for s in comp if s.placebo]
        if exp and comp:
            role, side = "background", comp[0]
        elif exp:
            role, side = "experimental", exp[0]
        elif comp:
            role, side = "comparator", comp[0]
        else:
            role = "other" if compares or key in untested else "experimental"
            side = None
        where, text = (side.field, side.text) if side else found_in.get(key, ("", ""))
        facts.append(SettingFact("drug-role", role, where, text, drug=key))
    return facts


def trial_roles(trial: Trial, vocab: Vocabulary, drugs: list[str],
                found_in: dict[str, tuple[str, str]], untested: set[str]) -> list[SettingFact]:
    sides = _arm_sides(trial, vocab)
    for name, title in (("briefTitle", trial.brief_title), ("officialTitle", trial.official_title)):
        sides += text_sides(name, title or "", vocab)
    compares = any(s.kind == "comparator" for s in sides) or sum(
        1 for a in trial.arms if _arm_kind(a, len(trial.arms)) is not None) > 1
    return assign_roles(drugs, sides, vocab, found_in, compares, untested)
