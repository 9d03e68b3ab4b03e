"""Conditions a criterion requires or excludes (MeSH-identified), with their exceptions.

"Other malignancy, excluding cured non-melanoma skin cancer, carcinoma in situ of cervix or
papillary thyroid carcinoma" is one constraint on malignancy whose exceptions are the three
named conditions; a malignancy is read only with a cue ("other", "prior", "history of"),
because an inclusion naming the trial's own cancer is not a second malignancy. In inclusion
criteria a disease of the curated vocabulary ("histologically confirmed nasopharyngeal
carcinoma") is required; a negated condition ("no history of ...") is excluded.
"""

from __future__ import annotations

import re

from kg.extract.constraints import windows
from kg.extract.constraints.context import Context
from kg.model import Constraint

_EXCEPT = re.compile(r"\b(?:excluding|except(?:\s+for)?|other\s+than|with\s+the\s+exception\s+of|"
                     r"apart\s+from|but\s+not|not\s+including)\b", re.I)
_NEGATION = re.compile(r"\b(?:no|not|never|without|free\s+of|absence\s+of|negative\s+for)\b",
                       re.I)
_OTHER = re.compile(r"\b(?:other|another|second|prior|previous|concurrent|concomitant|"
                    r"additional|history\s+of|diagnosed\s+with)\b[\w\s,()-]{0,30}$", re.I)
_DIAGNOSIS = re.compile(r"\b(?:confirm\w*|diagnos\w*|histolog\w*|cytolog\w*|patients?\s+with|"
                        r"proven|documented)\b", re.I)
# A disease named after a lab threshold, or in "for patients with ..." / "in case of ...", is
# the proviso of another criterion, not the disease the trial requires.
_QUALIFIER = re.compile(r"\b(?:for|in)\s+(?:patients|subjects|participants|those|cases)\s+"
                        r"with\s+[^.;]*$|\b(?:in\s+case\s+of|if)\s+[^.;]*$", re.I)
# A threshold before the disease in its clause makes the disease its proviso; an age or a time
# ("Age ≥ 18 years, histologically confirmed NPC") is no threshold with provisos.
_LAB_BEFORE = re.compile(r"(?:[≤≥<>](?!=?\s*\d+(?:[.,]\d+)?\s*(?:years?|yrs?|months?|weeks?|"
                         r"days?)\b)|\bx\s*ULN|×\s*ULN)[^.;]*$", re.I)
_FEMALE = re.compile(r"\b(?:women|woman|female|fertile|childbearing|child-bearing)\b", re.I)
_CHILDBEARING = re.compile(r"\b(?:fertile|child[- ]?bearing|reproductive\s+potential|"
                           r"premenopausal)\b", re.I)
_NEG_TEST = re.compile(r"negative\s+(?:serum\s+|urine\s+)?(?:pregnancy|gestational|hcg)"
                       r"\s*(?:test)?(?:\s*\((?:serum|urine)\))?(?:\s+results?)?|(?:pregnancy|"
                       r"gestational)\s+test[^.;]{0,30}?negative", re.I)
# Named only as context for another constraint ("hypertension ... systolic >= 150 mmHg").
CONTEXT_ONLY = frozenset({"hypertension"})
PREGNANCY = frozenset({"pregnancy", "breastfeeding"})


def find(text: str, ctx: Context) -> list[Constraint]:
    out: list[Constraint] = []
    spans = windows.find(text)
    cut = _EXCEPT.search(text)
    seen: set[str] = set()
    for key, start, end in ctx.concepts.find_conditions(text):
        if key in CONTEXT_ONLY or key in seen or _inside_if(text, start):
            continue
        if cut and start >= cut.start():
            continue  # an exception, attached below
        if key == "malignancy" and not _OTHER.search(text[max(0, start - 60):start]):
            continue
        concept = ctx.concepts.conditions[key]
        effect = ctx.effect
        if ctx.kind == "inclusion":
            if not _NEGATION.search(_sentence_before(text, start)):
                continue  # an inclusion naming a condition is a diagnosis (vocabulary, below)
            effect = "exclude"
        seen.add(key)
        c = Constraint(key="", kind="condition", effect=effect, text=text[start:end],
                       start=start, end=end, concept=key, label=concept.label,
                       codes=[m.code for m in concept.mesh],
                       window=windows.nearest(spans, start, text))
        if key in PREGNANCY:
            c.applies_to = "female"
        out.append(c)
    if cut and out:
        # The exceptions qualify the head of the list ("other malignancy, excluding ...",
        # "autoimmune disease ..., or allograft ..., excluding type 1 diabetes ...").
        named = {c.concept for c in out}
        exceptions = [k for k, s, _e in ctx.concepts.find_conditions(text)
                      if s >= cut.start() and k != "malignancy" and k not in named]
        out[0].exceptions = list(dict.fromkeys(exceptions))
    out.extend(_diagnoses(text, ctx))
    out.extend(_pregnancy_test(text, ctx))
    return out


def _diagnoses(text: str, ctx: Context) -> list[Constraint]:
    """An inclusion that names a disease of the vocabulary with a diagnosis cue."""
    if ctx.kind != "inclusion" or not _DIAGNOSIS.search(text):
        return []
    for mention in ctx.vocab.find_conditions(text):
        cond = ctx.vocab.conditions[mention.key]
        if not cond.match_in_text or _NEGATION.search(_sentence_before(text, mention.start)):
            continue
        if _QUALIFIER.search(text, 0, mention.start) or _LAB_BEFORE.search(text, 0, mention.start):
            continue  # "≤ 5 × ULN for patients with liver metastases": a proviso, no diagnosis
        # The first disease named is the one under study; broader names after it add nothing.
        # (Every curated disease matched in text has a MeSH descriptor.)
        return [Constraint(key="", kind="condition", effect="require",
                           text=text[mention.start:mention.end], start=mention.start,
                           end=mention.end, concept=mention.key, label=cond.label,
                           codes=[cond.mesh])]
    return []


def _pregnancy_test(text: str, ctx: Context) -> list[Constraint]:
    m = _NEG_TEST.search(text)
    if not m or ctx.kind != "inclusion":
        return []
    analyte = ctx.concepts.analytes["pregnancy-test"]
    spans = windows.find(text)
    c = Constraint(key="", kind="measurement", effect="require", text=m.group(), start=m.start(),
                   end=m.end(), concept="pregnancy-test", label=analyte.label,
                   codes=[x.code for x in analyte.loinc], comparator="==", value=0.0,
                   unit=None, status="assumed", window=windows.nearest(spans, m.start(), text),
                   applies_to="childbearing-potential" if _CHILDBEARING.search(text) else "female")
    c.assumptions.append("read as requiring a negative pregnancy test (value 0 = negative); "
                         "contraception is a commitment checked at enrolment, not a fact of "
                         "the patient's record")
    return [c]


def _sentence_before(text: str, pos: int) -> str:
    start = max(text.rfind(". ", 0, pos), text.rfind("; ", 0, pos), text.rfind(", ", 0, pos))
    return text[start + 1:pos]


def _inside_if(text: str, pos: int) -> bool:
    """Inside the premise of 'If the patient received X, ...' (not a fact to check)."""
    start = max(text.rfind(". ", 0, pos) + 1, 0)
    head = text[start:pos]
    return bool(re.match(r"\s*(?:[ivx]+[:.)]\s*)?if\b", head, re.I)) and "," not in head
