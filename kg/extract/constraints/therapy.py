"""Prior or concurrent therapy: drugs and drug classes of the curated vocabulary (so
"AK-105" is penpulimab and "anti PD-1 monoclonal antibody" the anti-PD-1 class), live
vaccines and investigational agents, each with its time window; and concomitant medication
limits ("glucocorticoid > 10 mg prednisone per day").

A class constraint lists the class named and all its subclasses in the vocabulary, so a
question about anti-PD-1 therapy finds a criterion that names checkpoint inhibitors.
"""

from __future__ import annotations

import re

from kg.extract.constraints import windows
from kg.extract.constraints.conditions import _inside_if
from kg.extract.constraints.context import Context
from kg.extract.constraints.numbers import comparator_at, quantity_at
from kg.model import Constraint
from kg.vocab import Vocabulary

_CUE = re.compile(r"\b(?:receiv\w*|treat\w*|therap\w*|prior|previous\w*|use[sd]?|using|"
                  r"exposure|exposed|administ\w*|taken|taking|dose[sd]?)\b", re.I)
_NEGATED = re.compile(r"\b(?:never|no\s+(?:prior|previous)|not\s+(?:have\s+)?(?:been\s+)?"
                      r"receiv\w*|without\s+(?:prior|previous)|na[iï]ve)\b", re.I)
_TEST_RESULT = re.compile(r"\s*(?:\(?[+-]\)?(?![\w])|positiv\w*|negativ\w*|[≤≥<>=]|level|"
                          r"titer|titre|antibod\w*|DNA|RNA)", re.I)
_ALLERGY = re.compile(r"\b(?:hypersensitiv\w*|allerg\w*|intoleran\w*)\b", re.I)
_SPECIAL = [
    ("live-vaccine", "live attenuated vaccine",
     re.compile(r"\b(?:attenuated\s+live|live(?:\s+attenuated)?)\s+vaccines?\b", re.I)),
    ("investigational-agent", "investigational drug or clinical trial of one",
     re.compile(r"\b(?:investigational\s+(?:drugs?|agents?|products?|therap\w+)|participat\w+\s+"
                r"in\s+(?:an)?other\s+[\w\s-]{0,40}?clinical\s+(?:trials?|stud(?:y|ies)))", re.I)),
]
_STEROID = re.compile(r"\b(?:gluco)?corticosteroids?|\bglucocorticoids?|\bsteroids?|"
                      r"\bprednis(?:one|olone)\b", re.I)
_PER_DAY = re.compile(r"\bper\s+day\b|/\s*day\b|\bdaily\b|\ba\s+day\b", re.I)
_IMMUNOSUPPRESSANT = re.compile(r"\bimmunosuppress\w*\s+(?:drugs?|agents?|medications?|"
                                r"therap\w+)", re.I)


def find(text: str, ctx: Context) -> list[Constraint]:
    spans = windows.find(text)
    out = [*_classes_and_drugs(text, ctx, spans), *_special(text, ctx, spans)]
    out.extend(_medication(text, ctx, spans))
    out.extend(_interval_after_radiotherapy(text, spans))
    return out


def _interval_after_radiotherapy(text: str, spans) -> list[Constraint]:
    """'recurrence or metastasis at least 6 months after completing chemotherapy and
    radiotherapy': the time from the end of radiotherapy to the recurrence."""
    out = []
    for window, start, end in spans:
        if window.relation != "at-least" or not re.search(r"radio|chemoradi", window.anchor):
            continue
        if not re.search(r"recurren|relapse|metasta|progress", text[max(0, start - 120):end],
                         re.I):
            continue
        out.append(Constraint(key="", kind="therapy", effect="require",
                              text=text[start:end].strip(), start=start, end=end,
                              concept="radiotherapy-to-recurrence",
                              label="recurrence or metastasis after completing radiotherapy",
                              window=window))
    return out


def _class_pattern(vocab: Vocabulary) -> re.Pattern[str]:
    pattern = _CLASS_PATTERNS.get(id(vocab))
    if pattern is None or pattern[0] is not vocab:
        pattern = _CLASS_PATTERNS[id(vocab)] = (vocab, _build_class_pattern(vocab))
    return pattern[1]


def _build_class_pattern(vocab: Vocabulary) -> re.Pattern[str]:
    names = [(name, key) for key, cls in vocab.classes.items()
             for name in (cls.label, *cls.synonyms)]
    names.sort(key=lambda n: -len(n[0]))
    parts = []
    for i, (name, key) in enumerate(names):
        pattern = re.escape(name).replace(r"\-", "[-\\s]?").replace(r"\ ", "[-\\s]+")
        parts.append(f"(?P<g{i}>{pattern}s?)")
        _CLASS_KEYS[f"g{i}"] = key
    return re.compile(r"(?<![A-Za-z0-9])(?:" + "|".join(parts) + r")(?![A-Za-z0-9])", re.I)


_CLASS_KEYS: dict[str, str] = {}
_CLASS_PATTERNS: dict[int, tuple[Vocabulary, re.Pattern[str]]] = {}


def descendants(vocab: Vocabulary, key: str) -> list[str]:
    out = [key]
    for child, cls in sorted(vocab.classes.items()):
        if cls.parent == key:
            out.extend(descendants(vocab, child))
    return out


def _classes_and_drugs(text: str, ctx: Context, spans) -> list[Constraint]:
    """One constraint per sentence that names drugs or classes with a therapy cue."""
    hits: list[tuple[int, int, str | None, str | None]] = []  # start, end, class, drug
    for m in _class_pattern(ctx.vocab).finditer(text):
        hits.append((m.start(), m.end(), _CLASS_KEYS[m.lastgroup], None))
    for mention in ctx.vocab.find_drugs(text):
        hits.append((mention.start, mention.end, None, mention.key))
    hits.sort(key=lambda h: (h[0], h[1], h[2] or "", h[3] or ""))
    by_sentence: dict[int, list] = {}
    for hit in hits:
        if _inside_if(text, hit[0]) or _ALLERGY.search(_before(text, hit[0])):
            continue
        if _TEST_RESULT.match(text, hit[1]):
            continue  # "HBsAg positive", "HBV DNA ≥ ...": a test result, not a therapy
        if _allowance(text, hit[0]):
            continue
        by_sentence.setdefault(_sentence_start(text, hit[0]), []).append(hit)
    out = []
    for start, group in sorted(by_sentence.items()):
        sentence = text[start:_sentence_end(text, group[-1][1])]
        if not _CUE.search(sentence):
            continue
        negated = bool(_NEGATED.search(sentence))
        effect = "exclude" if ctx.kind == "exclusion" or negated else "require"
        classes: list[str] = []
        for _s, _e, cls, _d in group:
            if cls:
                classes.extend(k for k in descendants(ctx.vocab, cls) if k not in classes)
        drugs = list(dict.fromkeys(d for _s, _e, _c, d in group if d))
        first, last = group[0][0], group[-1][1]
        label = ", ".join([*(ctx.vocab.classes[k].label for k in classes[:3]),
                           *(ctx.vocab.drugs[d].label for d in drugs)])
        out.append(Constraint(key="", kind="therapy", effect=effect, text=text[first:last],
                              start=first, end=last, concept=classes[0] if classes else drugs[0],
                              label=label, drug_classes=classes, drugs=drugs,
                              window=windows.nearest(spans, first, text)))
    return out


def _special(text: str, ctx: Context, spans) -> list[Constraint]:
    out = []
    for key, label, pattern in _SPECIAL:
        m = pattern.search(text)
        if m and not _inside_if(text, m.start()):
            out.append(Constraint(key="", kind="therapy", effect=ctx.effect, text=m.group(),
                                  start=m.start(), end=m.end(), concept=key, label=label,
                                  window=windows.nearest(spans, m.start(), text)))
    return out


def _medication(text: str, ctx: Context, spans) -> list[Constraint]:
    """'glucocorticoid (> 10mg prednisone per day)': a daily prednisone-equivalent limit."""
    m = _STEROID.search(text)
    if not m:
        return []
    out = []
    for found in re.finditer(r"[>≥]|more\s+than|greater\s+than|exceeding", text[m.start():]):
        pos = m.start() + found.start()
        cmp_ = comparator_at(text, pos)
        quantity = quantity_at(text, cmp_[1]) if cmp_ else None
        if not quantity or quantity.unit not in ("mg", "mg/d"):
            continue
        end = quantity.end
        if quantity.unit == "mg":  # "10 mg prednisone per day": the day within a few words
            daily = _PER_DAY.search(text, end, end + 40)
            if not daily:
                continue
            end = daily.end()
        c = Constraint(key="", kind="medication", effect=ctx.effect, text=text[m.start():end],
                       start=m.start(), end=end, concept="systemic-glucocorticoid",
                       label="systemic glucocorticoid (prednisone equivalent)",
                       comparator=cmp_[0], value=quantity.value, unit="mg/d",
                       drugs=["prednisone"], window=windows.nearest(spans, m.start(), text),
                       status="assumed")
        c.assumptions.append("doses of other glucocorticoids are converted to prednisone "
                             "equivalents; only systemic routes (oral, intravenous, "
                             "intramuscular) count, as the criterion allows topical and "
                             "replacement use")
        out.append(c)
        break
    sup = _IMMUNOSUPPRESSANT.search(text)
    if sup and out:
        out.append(Constraint(key="", kind="therapy", effect=ctx.effect, text=sup.group(),
                              start=sup.start(), end=sup.end(), concept="immunosuppressant",
                              label="immunosuppressive drug",
                              window=windows.nearest(spans, sup.start(), text)))
    return out


def _before(text: str, pos: int) -> str:
    return text[max(0, pos - 50):pos]


def _sentence_start(text: str, pos: int) -> int:
    """Where the sentence holding ``pos`` starts: just after the last ". " before it."""
    stop = text.rfind(". ", 0, pos)
    return 0 if stop < 0 else stop + 2


def _sentence_end(text: str, pos: int) -> int:
    """Where the sentence holding ``pos`` ends: at the next ". ", or the end of the text."""
    stop = text.find(". ", pos)
    return len(text) if stop < 0 else stop


def _allowance(text: str, pos: int) -> bool:
    """In a sentence that allows rather than forbids ('... can be included')."""
    start, end = _sentence_start(text, pos), _sentence_end(text, pos)
    return bool(re.search(r"\b(?:can|may)\s+be\s+(?:included|enrolled)|\b(?:is|are)\s+"
                          r"(?:allowed|permitted)", text[start:end], re.I))
