"""What a candidate study is, in the words a clinician reads a study by, and why it is
related to the seed: "first-line recurrent/metastatic nasopharyngeal carcinoma like the
seed; toripalimab (anti-PD-1 antibody, like penpulimab) in the experimental arm, with
gemcitabine + cisplatin in every arm; randomised phase 3, double-blind".

Each reason is one sentence built from the candidate's clinical setting (its profile, from
``queries/related/profile.rq``) and the evidence the ranking weighed; the points stay on
the evidence (``RelatedResult.evidence``) for whoever wants the arithmetic.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import URIRef

from kg.extract.setting_concepts import CONCEPTS, label
from kg.rdf import iris
from kg.store import Store
from kg.views.related_seed import run
from kg.vocab import Vocabulary

ROLES = ("experimental", "background", "comparator", "other")
_DESIGN_ORDER = ("allocation", "phase", "blinding", "comparator")
_DRUG_PREFIX = str(iris.drug(""))


@dataclass
class Profile:
    """A candidate's setting as the graph states it (value keys of setting_terms)."""

    settings: dict[str, list[str]] = field(default_factory=dict)  # disease-setting, line
    design: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    drugs: dict[str, list[str]] = field(default_factory=dict)  # role -> drug keys

    def role_of(self, drug: str) -> str | None:
        return next((r for r in ROLES if drug in self.drugs.get(r, [])), None)


def profiles(store: Store, candidates: list[str] | None) -> dict[str, Profile]:
    """Profiles of the candidates given (of every study with None)."""
    table = {("candidate",): [(URIRef(c),) for c in candidates]} if candidates is not None \
        else None
    out: dict[str, Profile] = {}
    for row in run(store, "profile", None, table):
        p = out.setdefault(str(row["candidate"]), Profile())
        aspect, value = str(row["aspect"]), str(row["value"])
        if aspect in ROLES:
            key = value[len(_DRUG_PREFIX):] if value.startswith(_DRUG_PREFIX) else value
            p.drugs.setdefault(aspect, []).append(key)
        elif aspect == "design":
            p.design.append(value)
        elif aspect == "evidence":
            p.evidence.append(value)
        else:
            p.settings.setdefault(aspect, []).append(value)
    for p in out.values():  # the store's row order is not ours to depend on
        p.design.sort()
        p.evidence.sort()
        for values in (*p.settings.values(), *p.drugs.values()):
            values.sort()
    return out


# --------------------------------------------------------------------------- sentences


def setting_text(settings: dict[str, list[str]]) -> tuple[str, str]:
    """(disease settings, lines) as labels, "" when the record states none."""
    return (" or ".join(label("disease-setting", v) for v in settings.get("disease-setting", [])),
            " or ".join(label("line", v) for v in settings.get("line", [])))


def design_text(p: Profile) -> str:
    """ "randomised phase 3, double-blind, placebo-controlled"; the kind of study first
    when it is not a trial ("review or meta-analysis")."""
    by_aspect = {a: [label(a, v) for v in p.design if v in CONCEPTS[a]] for a in _DESIGN_ORDER}
    head = " ".join(by_aspect["allocation"][:1] + by_aspect["phase"][:1])
    words = [w for w in (head, *by_aspect["blinding"], *by_aspect["comparator"]) if w]
    if p.evidence and p.evidence[0] != "clinical-trial":
        words.insert(0, label("evidence", p.evidence[0]))
    return ", ".join(words)


def disease_sentence(disease: str, via: str, p: Profile, seed: dict[str, list[str]],
                     matched_context: bool) -> str:
    """ "first-line recurrent/metastatic nasopharyngeal carcinoma like the seed", or what
    differs from the seed."""
    setting, line = setting_text(p.settings)
    described = " ".join(x for x in (line, setting, disease) if x)
    note = " (named in the title or abstract)" if via == "text" else ""
    if not matched_context:
        return f"{described}{note}"
    seed_setting, seed_line = setting_text(seed)
    same_setting = not seed.get("disease-setting") or bool(
        set(p.settings.get("disease-setting", [])) & set(seed.get("disease-setting", [])))
    same_line = not seed.get("line") or bool(
        set(p.settings.get("line", [])) & set(seed.get("line", [])))
    if same_setting and same_line and setting and (line or not seed_line):
        return f"{described} like the seed{note}"
    differs = []
    if setting and not same_setting:
        differs.append(seed_setting)
    if line and not same_line:
        differs.append(seed_line)
    if differs:
        return f"{described}{note}; the seed is {' '.join(reversed(differs))}"
    unstated = [w for w, have in (("line", line), ("setting", setting)) if not have]
    return f"{described}{note} like the seed ({' and '.join(unstated)} not stated)"


def therapy_sentence(p: Profile, seed_links: dict[str, tuple[str, str]],
                     vocab: Vocabulary) -> str:
    """The candidate's drugs by role, those the seed shares annotated. ``seed_links``:
    candidate drug -> (relation, seed drug)."""
    def name(key: str) -> str:
        text = vocab.drugs[key].label if key in vocab.drugs else key
        link = seed_links.get(key)
        if link is None:
            return text
        relation, seed_drug = link
        seed_label = vocab.drugs[seed_drug].label if seed_drug in vocab.drugs else seed_drug
        if relation == "drug":
            return f"{text} (the seed's drug)"
        shared = [c for c in vocab.classes_of(key) if c in vocab.classes_of(seed_drug)]
        cls = vocab.classes[shared[0]].label if shared and shared[0] in vocab.classes else "?"
        return f"{text} ({cls}, like {seed_label})"

    parts = []
    phrases = {"experimental": "{} in the experimental arm", "background": "{} in every arm",
               "comparator": "{} only in the comparator arm", "other": "names {}"}
    for role in ROLES:
        drugs = p.drugs.get(role, [])
        if role == "other":
            drugs = [d for d in drugs if d in seed_links]  # passing mentions: only the shared
        if drugs:
            parts.append(phrases[role].format(" + ".join(name(d) for d in drugs)))
    if len(parts) > 1 and parts[1].endswith("in every arm"):
        parts[0:2] = [f"{parts[0]}, with {parts[1]}"]
    return "; ".join(parts)
