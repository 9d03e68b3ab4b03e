"""The phrases that state a clinical setting in registry records and abstracts.

Kept apart from the reader (``kg.extract.setting``) so the phrase lists can be read, and
extended, on their own; the values they state are in ``kg.extract.setting_concepts``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kg.extract.setting_concepts import ASPECTS, CONCEPTS, family, label  # noqa: F401

# --------------------------------------------------------------------------- text cues

# Words before a phrase that make it history rather than the study's own setting: "after
# induction chemotherapy", "received concurrent chemoradiotherapy", "diagnosed with
# locoregionally advanced disease" (then recurred). Looked for in the same sentence, shortly
# before the phrase.
HISTORY_RE = re.compile(
    r"\b(?:after|following|prior|previous(?:ly)?|received|receiving|completion\s+of|"
    r"complet(?:ed|ing)|history\s+of|diagnosed\s+with|failure\s+of|failed|progressed|"
    r"progression|refractory\s+to|resistant\s+to|relapsed|post|since|beyond)\b"
    r"(?:(?!\b(?:in|for|among)\s)[^.;:]){0,60}$",  # "after X in <population>": population
    re.IGNORECASE)

# A pretreated phrase is not a later line when what failed was the curative treatment of
# the primary tumour ("recurrence after definitive chemoradiotherapy" is first-line R/M).
CURATIVE_AFTER_RE = re.compile(
    r"[^.;]{0,70}\b(?:curative|radical|definitive|primary\s+(?:lesion|tumou?r|treatment)|"
    r"(?:chemo)?radio(?:therapy|thereapy)|radiation|induction|adjuvant|neoadjuvant|"
    r"concurrent)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Cue:
    """A phrase stating one or more (aspect, value) facts.

    ``history``: dropped when the sentence says it happened before the study (see
    HISTORY_RE); for a first-line phrase, history makes it a pretreated one instead
    ("progressed after first-line chemotherapy"). ``curative_check``: a pretreated phrase
    whose failed treatment was curative is dropped (see CURATIVE_AFTER_RE)."""

    facts: tuple[tuple[str, str], ...]
    pattern: str
    history: bool = True
    curative_check: bool = False


_SYSTEMIC = r"(?:systemic|systematic|palliative|anti-?cancer|anti-?tumou?r)"
_RM = (r"(?:recurrent|relapsed|metastatic|advanced|R/M|recurrence|metastasis|metastases|"
       r"metastatic\s+disease)")
_RM_PAIR = (r"(?:recurrent|relapsed|recurrence)\s*(?:/|\\|or|and/or|and|,|-)\s*(?:or\s+)?"
            r"(?:metastatic|metastasis|metastases|metastasized)")
_NOT_FREE = r"(?![\s-]*free\b)"

# Order matters at one position: the first alternative that matches wins, so compound
# phrases come before their parts.
CUES: tuple[Cue, ...] = (
    # -- never treated for R/M disease: first-line, and the disease is R/M
    Cue((("line", "first-line"), ("disease-setting", "recurrent-metastatic")),
        rf"\b(?:never|not|no|without)\b[^.;]{{0,40}}?\b{_SYSTEMIC}\b[^.;]{{0,40}}?\bfor\s+"
        rf"(?:the\s+)?(?:{_RM_PAIR}|{_RM})", history=False),
    Cue((("line", "first-line"),),
        r"\b(?:first|1st|front)[\s-]?line\b|\btreatment[\s-]na[iï]ve\b|"
        r"\bpreviously\s+untreated\b|\buntreated\s+(?:recurrent|metastatic|advanced)\b|"
        r"\bno\s+prior\s+(?:systemic|palliative)\b"),
    # -- after platinum: platinum-pretreated (a kind of pretreated)
    Cue((("line", "platinum-refractory"),),
        r"\bplatinum[\s-]*(?:-based\s+)?(?:pre-?treated|refractory|resistant|failure|failed|"
        r"exposed|experienced)\b|"
        r"\b(?:after|following|failure\s+of|failed|progress(?:ed|ing)\s+(?:on|after|following|"
        r"during)|"
        r"refractory\s+to|resistant\s+to|progression\s+(?:on|after|following))\b"
        r"[^.;]{0,50}?\bplatinum\b|\bpost-?platinum\b", history=False, curative_check=True),
    Cue((("line", "pretreated"),),
        r"\b(?:second|2nd|third|3rd|later|subsequent|salvage)[\s-]?lines?\b|"
        r"\bpreviously\s+(?:\w+[\s-]+){0,2}treated\b|\bpre-?treated\b|\bheavily\s+treated\b|"
        r"\b(?:refractory|resistant)\s+(?:to|after)\b|"
        r"\b(?:progressed|progressing|progression|failed|failure)\s+(?:on|after|following|"
        r"during|of)\b|\bat\s+least\s+(?:one|two|1|2)\s+(?:prior|previous)\b",
        history=False, curative_check=True),
    # -- disease settings
    Cue((("disease-setting", "primary-metastatic"),),
        r"\b(?:de\s+novo|primary|newly\s+diagnosed|synchronous|initially|first[\s-]diagnosed)"
        r"\s+(?:distant\s+)?metasta(?:tic|sis|ses)\b|\bmetastatic\s+at\s+(?:initial\s+)?"
        r"diagnosis\b"),
    Cue((("disease-setting", "recurrent-metastatic"),),
        rf"\b{_RM_PAIR}{_NOT_FREE}|\bmetastatic\s*(?:/|or|and/or)\s*recurrent\b|\bR/M\b|"
        r"\bRM[\s-]?NPC\b|\brecurrent\b(?![\s-]*free)|(?<![\w-])(?<!non-)(?<!non)metastatic\b|"
        r"\bstage\s+IV[BC]?\b(?![A-Za-z])|\bpalliative\b"),
    Cue((("disease-setting", "locoregionally-advanced"),),
        r"\b(?:loco-?regionally|locally|loco-?regional)[\s-]+advanced\b|"
        r"\bnon-?metastatic\b|\bno\s+(?:evidence\s+of\s+)?distant\s+metasta|"
        r"\bstage\s+(?:II|III)(?:\s*[-–]\s*IV[AB]?)?\b(?![A-Za-z])|\bstage\s+IVA\b|\bM0\b"),
    # "advanced" alone: incurable disease in registries of every cancer ("advanced NSCLC")
    Cue((("disease-setting", "recurrent-metastatic"),),
        r"(?<!locally\s)(?<!regionally\s)(?<!regionally-)(?<!locally-)\badvanced\b"
        r"(?![\s-]+(?:stage|age|directive|practice|imaging|life))"),
    Cue((("disease-setting", "adjuvant"),), r"(?<![\w-])adjuvant\b"),
    Cue((("disease-setting", "neoadjuvant-induction"),),
        r"\bneo-?adjuvant\b|\binduction\s+(?:chemo|therapy|treatment|immuno|regimen)"),
    Cue((("disease-setting", "concurrent-chemoradiotherapy"),),
        r"\bconcurrent(?:ly)?\s+(?:with\s+)?(?:chemo-?)?radio(?:therapy)?|"
        r"\bchemo-?radi(?:otherapy|ation)\b|\bCCRT\b|"
        r"\b(?:concurrent|concomitant|combined)\s+with\s+(?:IMRT|radiotherapy|radiation)"),
    # -- design
    Cue((("allocation", "randomised"),), r"(?<!non-)(?<!non)\brandomi[sz](?:ed|ation)\b",
        history=False),
    Cue((("allocation", "non-randomised"),), r"\bnon-?randomi[sz]ed\b", history=False),
    Cue((("allocation", "single-arm"),), r"\bsingle[\s-](?:arm|group)\b", history=False),
    Cue((("comparator", "placebo"),), r"\bplacebos?\b", history=False),
    Cue((("blinding", "double-blind"),), r"\b(?:double|triple|quadruple)[\s-]blind",
        history=False),
    Cue((("blinding", "single-blind"),), r"\bsingle[\s-]blind", history=False),
    Cue((("blinding", "open-label"),), r"\bopen[\s-]label\b", history=False),
)

# Lower-case words one of which a text must contain for each cue (in CUES' order) to be tried
# at all: most abstracts state few settings, and one regex per cue, tried only where it can
# match, is ~10x cheaper on a field of 100,000 abstracts than one alternation of them all.
CUE_NEEDLES: tuple[tuple[str, ...], ...] = (
    ("systemic", "systematic", "palliative", "anti-cancer", "anticancer", "anti-tumo",
     "antitumo"),
    ("first", "1st", "front", "naive", "naïve", "untreated", "no prior"),
    ("platinum",),
    ("line", "previously", "treated", "refractory", "resistant", "progress", "fail",
     "at least"),
    ("metasta",),
    ("recurr", "relaps", "metasta", "r/m", "rm", "stage", "palliative"),
    ("advanced", "metasta", "stage", "m0"),
    ("advanced",),
    ("adjuvant",),
    ("adjuvant", "induction"),
    ("concurrent", "chemo", "ccrt", "concomitant", "combined with"),
    ("randomi",), ("randomi",), ("single",), ("placebo",), ("blind",), ("blind",), ("open",),
)
assert len(CUE_NEEDLES) == len(CUES)
ALL_NEEDLES = tuple(sorted({n for needles in CUE_NEEDLES for n in needles}))
CUE_PATTERNS = tuple(re.compile(c.pattern, re.IGNORECASE) for c in CUES)
# Characters that re.IGNORECASE matches to an ASCII letter although str.lower() does not give
# that letter; folded before the needles are looked for (as kg.vocab does).
FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})

_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}
PHASE_RE = re.compile(r"\bphase\s*(I{1,3}|IV|[1-4])\s*[ab]?"
                      r"(?:\s*(?:/|-|–|to|and)\s*(I{1,3}|IV|[1-4])\s*[ab]?)?(?![A-Za-z0-9])",
                      re.IGNORECASE)


def phase_value(first: str, second: str | None = None) -> str | None:
    """'II', 'III' -> 'phase-2-3'; one phase -> 'phase-N'."""
    def num(text: str) -> int:
        return int(text) if text.isdigit() else _ROMAN[text.upper()]

    a = num(first)
    b = num(second) if second else a
    a, b = min(a, b), max(a, b)
    value = f"phase-{a}" if a == b else f"phase-{a}-{b}"
    return value if value in CONCEPTS["phase"] else None


# Registered design codes (ClinicalTrials.gov API v2) -> values.
REGISTERED_PHASES = {"EARLY_PHASE1": 1, "PHASE1": 1, "PHASE2": 2, "PHASE3": 3, "PHASE4": 4}
REGISTERED_ALLOCATION = {"RANDOMIZED": "randomised", "NON_RANDOMIZED": "non-randomised"}
REGISTERED_MASKING = {"NONE": "open-label", "SINGLE": "single-blind", "DOUBLE": "double-blind",
                      "TRIPLE": "double-blind", "QUADRUPLE": "double-blind"}
REGISTERED_STUDY_TYPE = {"INTERVENTIONAL": "clinical-trial", "OBSERVATIONAL": "observational",
                         "EXPANDED_ACCESS": "clinical-study"}

# PubMed publication types (NLM's list) -> evidence kind, by name.
PUBLICATION_TYPES = {
    "clinical trial": "clinical-trial", "randomized controlled trial": "clinical-trial",
    "controlled clinical trial": "clinical-trial", "pragmatic clinical trial": "clinical-trial",
    "equivalence trial": "clinical-trial", "adaptive clinical trial": "clinical-trial",
    "observational study": "observational", "case reports": "case-report",
    "clinical study": "clinical-study",
    "review": "review", "systematic review": "review", "meta-analysis": "review",
    "scoping review": "review", "practice guideline": "review", "guideline": "review",
}

# Evidence cues in titles and abstracts. Within one field, the first kind in
# EVIDENCE_PRECEDENCE that is stated wins: a review of trials is a review; a "preclinical
# and phase II study" is a trial.
EVIDENCE_CUES = {
    "review": r"\b(?:systematic\s+)?review\b|\bmeta-?analys[ie]s\b|\bpooled\s+analysis\b",
    "clinical-trial": r"\bphase\s*(?:I{1,3}|IV|[1-4])\b|(?<!non-)\brandomi[sz]ed\b|"
                      r"\btrial\b|\bsingle[\s-]arm\b",
    "observational": r"\bretrospective(?:ly)?\b|\breal[\s-]world\b|\bcohort\b|"
                     r"\bpropensity\b|\bobservational\b",
    "case-report": r"\bcase\s+report\b|\ba\s+case\b",
    "epidemiology": r"\bstatistics\b|\bincidence\b|\bGLOBOCAN\b|\bepidemiolog\w*|"
                    r"\bburden\b|\bprevalence\b",
    "preclinical": r"\b(?:mice|mouse|murine|xenografts?|in\s+vitro|cell\s+lines?|"
                   r"preclinical|rats?|zebrafish)\b",
    "clinical-study": r"\bpatients?\b",
}
EVIDENCE_PRECEDENCE = ("review", "clinical-trial", "observational", "case-report",
                       "epidemiology", "preclinical", "clinical-study")
EVIDENCE_RE = {kind: re.compile(p, re.IGNORECASE) for kind, p in EVIDENCE_CUES.items()}

# Words that name chemotherapy without naming a drug ("versus chemotherapy alone").
GENERIC_CHEMO_RE = re.compile(r"(?i:\bchemo(?:therapy|therapies)?\b|\bstandard\s+(?:of\s+care|"
                              r"treatment|therapy)\b|\binvestigator'?s?\s+choice\b)|"
                              r"\b(?:GP|TPF)\b")
# Curated drug classes that are cytotoxic chemotherapy (with the classes under them), so a
# generic "chemotherapy" in an arm or title can place those drugs.
CYTOTOXIC_CLASSES = frozenset({"antimetabolite", "platinum", "taxane", "fluoropyrimidine",
                               "nucleoside-analogue", "anthracycline", "alkylating-agent",
                               "topoisomerase-inhibitor", "vinca-alkaloid"})
