"""The clinical-setting vocabulary: each aspect's values, their labels and families.

Plain data, no patterns, so the CLI can offer the values as choices without compiling the
phrase lists of ``kg.extract.setting_terms``. Values are stable keys; ``kg.rdf.setting``
maps each to a concept in ontologies/trialkg.ttl (the local name here), whose
``skos:broader`` is its family: two values of one family ("recurrent/metastatic" and
"primary metastatic") are close, two families (advanced disease and curative-intent
treatment) are different clinical questions.
"""

from __future__ import annotations

ASPECTS = ("disease-setting", "line", "phase", "allocation", "comparator", "blinding",
           "evidence", "drug-role")

# value -> (concept local name in the tkg: namespace, label, family value or None)
CONCEPTS: dict[str, dict[str, tuple[str, str, str | None]]] = {
    "disease-setting": {
        "advanced": ("AdvancedDisease", "advanced disease", None),
        "recurrent-metastatic": ("RecurrentMetastaticDisease", "recurrent/metastatic",
                                 "advanced"),
        "primary-metastatic": ("PrimaryMetastaticDisease", "primary metastatic", "advanced"),
        "curative": ("CurativeIntentSetting", "curative-intent treatment", None),
        "locoregionally-advanced": ("LocoregionallyAdvancedDisease",
                                    "locoregionally advanced", "curative"),
        "adjuvant": ("AdjuvantSetting", "adjuvant", "curative"),
        "neoadjuvant-induction": ("NeoadjuvantInductionSetting", "neoadjuvant/induction",
                                  "curative"),
        "concurrent-chemoradiotherapy": ("ConcurrentRadiotherapySetting",
                                         "concurrent with radiotherapy", "curative"),
    },
    "line": {
        "first-line": ("FirstLine", "first-line", None),
        "pretreated": ("Pretreated", "pretreated", None),
        "platinum-refractory": ("PlatinumRefractory", "platinum-pretreated", "pretreated"),
    },
    "phase": {
        "phase-1": ("Phase1", "phase 1", None),
        "phase-1-2": ("Phase1To2", "phase 1/2", None),
        "phase-2": ("Phase2", "phase 2", None),
        "phase-2-3": ("Phase2To3", "phase 2/3", None),
        "phase-3": ("Phase3", "phase 3", None),
        "phase-4": ("Phase4", "phase 4", None),
    },
    "allocation": {
        "randomised": ("Randomised", "randomised", None),
        "non-randomised": ("NonRandomised", "non-randomised", None),
        "single-arm": ("SingleArm", "single-arm", None),
    },
    "comparator": {
        "placebo": ("PlaceboControlled", "placebo-controlled", None),
        "active": ("ActiveControlled", "active comparator", None),
    },
    "blinding": {
        "open-label": ("OpenLabel", "open-label", None),
        "single-blind": ("SingleBlind", "single-blind", None),
        "double-blind": ("DoubleBlind", "double-blind", None),
    },
    "evidence": {
        "clinical-trial": ("ClinicalTrialEvidence", "clinical trial", None),
        "observational": ("ObservationalEvidence", "observational study", None),
        "clinical-study": ("ClinicalStudyEvidence", "clinical study", None),
        "case-report": ("CaseReportEvidence", "case report", None),
        "review": ("ReviewEvidence", "review or meta-analysis", None),
        "epidemiology": ("EpidemiologyEvidence", "epidemiology", None),
        "preclinical": ("PreclinicalEvidence", "preclinical study", None),
    },
    "drug-role": {
        "experimental": ("ExperimentalRole", "experimental arm", None),
        "background": ("BackgroundRole", "every arm (background therapy)", None),
        "comparator": ("ComparatorRole", "comparator arm only", None),
        "other": ("UndeterminedRole", "role not stated", None),
    },
}


def label(aspect: str, value: str) -> str:
    return CONCEPTS[aspect][value][1]


def family(aspect: str, value: str) -> str:
    """The value's family (itself when it is a family or has none)."""
    return CONCEPTS[aspect][value][2] or value
