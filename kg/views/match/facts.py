"""One patient's record indexed once for the matcher: results by analyte, conditions by
concept, medications by drug and class. Every trial is then checked with dictionary
look-ups, so matching a field of trials costs little more than reading its constraints.

Only what existed on the as-of date counts: results and events dated after it are ignored.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from kg.extract.constraints.concepts import Concepts
from kg.model import Patient, PatientCondition, PatientMedication, PatientObservation
from kg.vocab import Vocabulary

# Prednisone-equivalent factors (mg prednisone per mg of the drug), the usual
# glucocorticoid equivalence table: 5 mg prednisone = 5 mg prednisolone = 4 mg
# methylprednisolone = 4 mg triamcinolone = 0.75 mg dexamethasone = 0.6 mg betamethasone =
# 20 mg hydrocortisone = 25 mg cortisone.
GLUCOCORTICOIDS = {"prednisone": 1.0, "prednisolone": 1.0, "methylprednisolone": 1.25,
                   "triamcinolone": 1.25, "dexamethasone": 5 / 0.75, "betamethasone": 5 / 0.6,
                   "hydrocortisone": 0.25, "cortisone": 0.2}
SYSTEMIC_ROUTES = re.compile(r"oral|mouth|intraven|\biv\b|intramusc|\bim\b|subcut|parenteral|"
                             r"systemic", re.I)
IMMUNOSUPPRESSANTS = re.compile(r"tacrolimus|ciclosporin|cyclosporin|mycophenol|azathioprin|"
                                r"sirolimus|everolimus|methotrexate|cyclophosphamide|"
                                r"leflunomide|immunosuppress", re.I)
LIVE_VACCINE = re.compile(r"(?:live|attenuated).*vaccin|vaccin.*(?:live|attenuated)|\bMMR\b|"
                          r"varicella|yellow\s+fever|\bBCG\b|oral\s+polio|rotavirus", re.I)
INVESTIGATIONAL = re.compile(r"investigational|study\s+drug|trial\s+drug|placebo", re.I)
RADIOTHERAPY = re.compile(r"radiotherap|radiation\s+therap|chemoradi|irradiation|IMRT", re.I)
RECURRENCE = re.compile(r"recurren|relapse|metasta", re.I)
POSITIVE = re.compile(r"^\s*(?:positive|pos|detected|reactive|present|\+)\s*$", re.I)
NEGATIVE = re.compile(r"^\s*(?:negative|neg|not\s+detected|non-?reactive|absent|-)\s*$", re.I)
# SNOMED CT 10828004 "Positive" (search-tool GitHub index: dhes/hiv-cds prenancy-notes.md).
POSITIVE_CODES = frozenset({"10828004"})
_SCALE_NAMES = re.compile(r"\b(?P<ecog>ECOG|Zubrod|WHO\s+performance)|(?P<karnofsky>Karnofsky|"
                          r"KPS)\b", re.I)


def read_result(result: str | None) -> bool | None:
    """A coded or text result read as positive (True), negative (False) or neither (None)."""
    if not result:
        return None
    result = result.strip()
    if POSITIVE.match(result) or result in POSITIVE_CODES:
        return True
    if NEGATIVE.match(result):
        return False
    return None


def parse_day(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


@dataclass
class ConditionFact:
    condition: PatientCondition
    keys: set[str]  # eligibility concept keys
    vocab_keys: set[str]  # vocabulary condition keys, ancestors included
    onset: dt.date | None
    abated: dt.date | None


@dataclass
class MedicationFact:
    medication: PatientMedication
    drugs: set[str]
    classes: set[str]
    start: dt.date | None
    end: dt.date | None
    steroid_factor: float | None = None
    flags: set[str] = field(default_factory=set)  # live-vaccine, investigational-agent, ...


@dataclass
class PatientFacts:
    patient: Patient
    as_of: dt.date
    results: dict[str, list[PatientObservation]] = field(default_factory=dict)  # newest first
    unrecognised: list[str] = field(default_factory=list)
    conditions: list[ConditionFact] = field(default_factory=list)
    medications: list[MedicationFact] = field(default_factory=list)
    radiotherapy_end: dt.date | None = None
    recurrence: dt.date | None = None

    @property
    def age(self) -> int | None:
        born = parse_day(self.patient.birth_date)
        if born is None:
            return None
        d = self.as_of
        return d.year - born.year - ((d.month, d.day) < (born.month, born.day))


def index_patient(patient: Patient, as_of: dt.date, concepts: Concepts,
                  vocab: Vocabulary) -> PatientFacts:
    facts = PatientFacts(patient, as_of)
    by_loinc = concepts.analyte_by_loinc()
    by_loinc.update({c.code: key for key, s in concepts.scales.items() for c in s.loinc})
    for obs in patient.observations:
        when = parse_day(obs.date)
        if when is not None and when > as_of:
            continue
        key = _analyte(obs, by_loinc, concepts)
        if key is None:
            facts.unrecognised.append(obs.source)
            continue
        facts.results.setdefault(key, []).append(obs)
    for results in facts.results.values():
        results.sort(key=lambda o: o.date or "", reverse=True)
    for cond in patient.conditions:
        onset = parse_day(cond.onset)
        if onset is not None and onset > as_of:
            continue
        text = " ; ".join(x for x in [cond.text, *(c.display for c in cond.codings)] if x)
        keys = {k for k, _s, _e in concepts.find_conditions(text)}
        keys |= {k for c in cond.codings for k in _coded(c, concepts)}
        vocab_keys = {a for k in vocab.condition_keys_in(text)  # ancestors include k
                      for a in vocab.condition_ancestors(k)}
        facts.conditions.append(ConditionFact(cond, keys, vocab_keys, onset,
                                              parse_day(cond.abated)))
        if RECURRENCE.search(text) and onset is not None:
            facts.recurrence = max(facts.recurrence or onset, onset)
    for med in patient.medications:
        facts.medications.append(_medication(med, vocab))
    for proc in patient.procedures:
        text = " ".join(x for x in [proc.text, *(c.display for c in proc.codings)] if x)
        end = parse_day(proc.end) or parse_day(proc.start)
        if RADIOTHERAPY.search(text) and end is not None and end <= as_of:
            facts.radiotherapy_end = max(facts.radiotherapy_end or end, end)
    return facts


def _analyte(obs: PatientObservation, by_loinc: dict[str, str],
             concepts: Concepts) -> str | None:
    for coding in obs.codings:
        if coding.system == "trialkg" and (coding.code in concepts.analytes or
                                           coding.code in concepts.scales):
            return coding.code
        if coding.system == "loinc" and coding.code in by_loinc:
            return by_loinc[coding.code]
    text = " ".join(x for x in [obs.text, *(c.display for c in obs.codings)] if x)
    scale = _SCALE_NAMES.search(text)
    if scale:
        return "ecog" if scale.group("ecog") else "karnofsky"
    found = concepts.find_analytes(text)
    if found and not any(c.system == "loinc" for c in obs.codings):
        # Named only (QTc, creatinine clearance have no verified LOINC code); a LOINC code
        # the concepts do not know is not overridden by its display text.
        return found[0][0]
    return None


def _coded(coding, concepts: Concepts) -> list[str]:
    out = []
    for key, concept in concepts.conditions.items():
        codes = concept.snomed if coding.system == "snomed" else \
            concept.icd10 if coding.system == "icd10" else ()
        if any(coding.code == c.code or (coding.system == "icd10" and
                                         coding.code.startswith(c.code)) for c in codes):
            out.append(key)
    return out


def _medication(med: PatientMedication, vocab: Vocabulary) -> MedicationFact:
    text = " ".join(x for x in [med.text, *(c.display for c in med.codings)] if x)
    drugs = set(vocab.drug_keys_in(text))
    for coding in med.codings:
        if coding.system == "rxnorm":
            drugs |= {key for key, drug in vocab.drugs.items()
                      if any(i.scheme == "rxnorm" and i.id == coding.code
                             for i in drug.identifiers)}
    classes = {cls for key in drugs for cls in vocab.classes_of(key)}  # broader included
    fact = MedicationFact(med, drugs, classes, parse_day(med.start), parse_day(med.end))
    lowered = text.lower()
    fact.steroid_factor = next((f for name, f in GLUCOCORTICOIDS.items()
                                if re.search(rf"\b{name}\b", lowered)), None)
    if IMMUNOSUPPRESSANTS.search(text):
        fact.flags.add("immunosuppressant")
    if LIVE_VACCINE.search(text):
        fact.flags.add("live-vaccine")
    if INVESTIGATIONAL.search(text):
        fact.flags.add("investigational-agent")
    return fact
