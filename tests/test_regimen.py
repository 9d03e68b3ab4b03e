"""Dosing prose -> structured regimens, and intervention names -> curated drugs.

Texts come from the real records in ``data/snapshot/trials`` (read directly, not through a
page parser) except where a test says it is synthetic.
"""

from __future__ import annotations

import json
from copy import deepcopy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg import resources
from kg.extract.regimen import complete_trial, extract_regimens, resolve_interventions
from kg.model import Arm, Intervention, Regimen, Trial
from kg.vocab import Vocabulary, default_vocabulary

UNTIL = "disease progression or intolerable toxicity"
NOTE = ("Note: After using the penpulimab for 2 years, it is dependent on the researcher's "
        "judgement of the benefit evaluation whether to continue using it.")
MAINTENANCE_SENTENCE = (
    'Then a maintenance treatment will be run with "penpulimab and capecitabine"(the dose and '
    "the medication method remain the same) for every 3 weeks until PD or intolerance to drug "
    "toxicity.")


def _study(nct: str) -> dict:
    path = resources.SNAPSHOT_TRIALS / f"{nct}.json"
    return json.loads(path.read_text(encoding="utf-8"))["protocolSection"]


def _trial(nct: str) -> Trial:
    """A Trial holding just the arms and interventions of a snapshot record."""
    module = _study(nct).get("armsInterventionsModule", {})
    trial = Trial(nct)
    for a in module.get("armGroups", []):
        trial.arms.append(Arm(a["label"], a.get("type"), a.get("description"),
                              list(a.get("interventionNames", []))))
    for i in module.get("interventions", []):
        trial.interventions.append(Intervention(
            i["name"], i.get("type"), i.get("description"), list(i.get("armGroupLabels", [])),
            list(i.get("otherNames", []))))
    return trial


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return default_vocabulary()


@pytest.fixture(scope="module")
def seed() -> Trial:
    return _trial("NCT05807880")


def _only(regimens: list[Regimen], drug: str, phase: str) -> Regimen:
    found = [r for r in regimens if r.drug == drug and r.phase == phase]
    assert len(found) == 1, (drug, phase, regimens)
    return found[0]


def _assert_dosing(r: Regimen, dose, unit, basis, route, frequency, times, start, end) -> None:
    assert (r.dose, r.dose_unit, r.dose_basis) == (dose, unit, basis)
    assert (r.route, r.frequency, r.times_per_day) == (route, frequency, times)
    assert (r.day_start, r.day_end, r.days) == (start, end, [])


# --------------------------------------------------------------------------- seed arm


def test_seed_arm_text_is_the_snapshot_wording(seed):
    text = seed.arms[0].description
    assert text.startswith("First, patients will receive the combination treatment")
    assert MAINTENANCE_SENTENCE in text and text.endswith(NOTE)


def test_seed_arm_gives_three_induction_and_two_maintenance_regimens(seed, vocab):
    regimens, notes = extract_regimens(seed.arms[0].description, vocab)
    assert [(r.phase, r.drug) for r in regimens] == [
        ("induction", "anlotinib"), ("induction", "penpulimab"), ("induction", "capecitabine"),
        ("maintenance", "penpulimab"), ("maintenance", "capecitabine"),
    ]
    assert notes == [NOTE]


def test_seed_induction_regimens(seed, vocab):
    text = seed.arms[0].description
    regimens, _ = extract_regimens(text, vocab)
    anlotinib = _only(regimens, "anlotinib", "induction")
    _assert_dosing(anlotinib, 10.0, "mg", "flat", "oral", "once daily", 1, 1, 14)
    penpulimab = _only(regimens, "penpulimab", "induction")
    _assert_dosing(penpulimab, 200.0, "mg", "flat", "intravenous", "once per cycle", None, 1, 1)
    capecitabine = _only(regimens, "capecitabine", "induction")
    _assert_dosing(capecitabine, 650.0, "mg/m2", "body-surface-area", "oral", "twice daily", 2,
                   1, 21)
    for r in (anlotinib, penpulimab, capecitabine):
        assert (r.cycle_length_days, r.cycles_min, r.cycles_max) == (21, 4, 6)
        assert r.until is None and r.notes == []
        assert r.source_text in text
    assert anlotinib.source_text == "anlotinib 10mg, po, qd from day 1 to day 14"
    assert penpulimab.source_text == "penpulimab 200mg, iv in day 1"
    assert capecitabine.source_text == "capecitabine 650mg/m2, po, bid from day 1 to day 21"


def test_seed_maintenance_copies_dosing_that_remains_the_same(seed, vocab):
    regimens, _ = extract_regimens(seed.arms[0].description, vocab)
    penpulimab = _only(regimens, "penpulimab", "maintenance")
    _assert_dosing(penpulimab, 200.0, "mg", "flat", "intravenous", "once per cycle", None, 1, 1)
    capecitabine = _only(regimens, "capecitabine", "maintenance")
    _assert_dosing(capecitabine, 650.0, "mg/m2", "body-surface-area", "oral", "twice daily", 2,
                   1, 21)
    for r in (penpulimab, capecitabine):
        assert r.cycle_length_days == 21
        assert (r.cycles_min, r.cycles_max) == (None, None)
        assert r.until == UNTIL
        assert r.source_text == MAINTENANCE_SENTENCE
    assert penpulimab.notes == [NOTE]
    assert capecitabine.notes == []
    assert "anlotinib" not in {r.drug for r in regimens if r.phase == "maintenance"}


def test_seed_intervention_text_without_days_or_cycle_count(seed, vocab):
    text = seed.interventions[0].description
    regimens, notes = extract_regimens(text, vocab)
    assert [(r.phase, r.drug) for r in regimens] == [
        ("treatment", "anlotinib"), ("treatment", "penpulimab"), ("treatment", "capecitabine")]
    assert notes == []
    anlotinib, penpulimab, capecitabine = regimens
    _assert_dosing(anlotinib, 10.0, "mg", "flat", "oral", "once daily", 1, 1, 14)
    _assert_dosing(penpulimab, 200.0, "mg", "flat", "intravenous", "once per cycle", None, 1, 1)
    # The intervention text drops "from day 1 to day 21": the days stay unknown.
    _assert_dosing(capecitabine, 650.0, "mg/m2", "body-surface-area", "oral", "twice daily", 2,
                   None, None)
    assert capecitabine.source_text == "capecitabine 650mg/m2, po, bid"
    for r in regimens:
        assert r.cycle_length_days == 21
        assert (r.cycles_min, r.cycles_max) == (None, None)
        assert r.until == UNTIL


# --------------------------------------------------------------------------- other wording


def test_nct05981157_registry_dosing_text(vocab):
    caveats = json.loads((resources.SNAPSHOT_TRIALS / "NCT05981157.json")
                         .read_text(encoding="utf-8"))["_provenance"]["caveats"]
    assert any("anrotinib 10 mg QD, tirelizumab 200 mg D1 Q3W" in c for c in caveats)
    regimens, notes = extract_regimens("anrotinib 10 mg QD, tirelizumab 200 mg D1 Q3W", vocab)
    assert notes == []
    anlotinib, tislelizumab = regimens
    assert (anlotinib.drug, anlotinib.phase) == ("anlotinib", "treatment")
    _assert_dosing(anlotinib, 10.0, "mg", "flat", None, "once daily", 1, None, None)
    assert anlotinib.source_text == "anrotinib 10 mg QD"
    assert tislelizumab.drug == "tislelizumab"
    _assert_dosing(tislelizumab, 200.0, "mg", "flat", None, "once per cycle", None, 1, 1)
    assert tislelizumab.source_text == "tirelizumab 200 mg D1 Q3W"
    # One Q3W in the text is the cycle of the whole combination.
    assert anlotinib.cycle_length_days == tislelizumab.cycle_length_days == 21


def test_synthetic_gemcitabine_days_1_and_8_are_a_list_not_a_range(vocab):
    text = ("Gemcitabine 1000 mg/m2 on days 1 and 8 and cisplatin 80 mg/m2 on day 1 every 3 "
            "weeks for up to 6 cycles.")
    (gemcitabine, cisplatin), notes = extract_regimens(text, vocab)
    assert notes == []
    assert gemcitabine.drug == "gemcitabine"
    assert (gemcitabine.dose, gemcitabine.dose_unit, gemcitabine.dose_basis) == (
        1000.0, "mg/m2", "body-surface-area")
    assert gemcitabine.days == [1, 8]
    assert (gemcitabine.day_start, gemcitabine.day_end, gemcitabine.frequency) == (
        None, None, None)
    assert cisplatin.drug == "cisplatin"
    _assert_dosing(cisplatin, 80.0, "mg/m2", "body-surface-area", None, "once per cycle", None,
                   1, 1)
    for r in (gemcitabine, cisplatin):
        assert (r.cycle_length_days, r.cycles_min, r.cycles_max) == (21, None, 6)
        assert r.phase == "treatment" and r.until is None


def test_synthetic_followed_by_maintenance_in_one_sentence(vocab):
    text = ("Paclitaxel 175 mg/m² i.v. d1 q21d x 6 cycles, followed by maintenance "
            "pembrolizumab 2 mg/kg IV every 3 weeks until disease progression, unacceptable "
            "toxicity, or withdrawal of consent.")
    (paclitaxel, pembrolizumab), _ = extract_regimens(text, vocab)
    assert (paclitaxel.drug, paclitaxel.phase) == ("paclitaxel", "induction")
    _assert_dosing(paclitaxel, 175.0, "mg/m2", "body-surface-area", "intravenous",
                   "once per cycle", None, 1, 1)
    assert (paclitaxel.cycle_length_days, paclitaxel.cycles_min, paclitaxel.cycles_max) == (
        21, 6, 6)
    assert (pembrolizumab.drug, pembrolizumab.phase) == ("pembrolizumab", "maintenance")
    assert (pembrolizumab.dose, pembrolizumab.dose_unit, pembrolizumab.dose_basis) == (
        2.0, "mg/kg", "body-weight")
    assert pembrolizumab.route == "intravenous"
    assert pembrolizumab.cycle_length_days == 21
    assert pembrolizumab.until == f"{UNTIL} or withdrawal of consent"


@pytest.mark.parametrize(("text", "expected"), [
    ("capecitabine 1000 mg/m2 p.o. b.i.d. d1-14, 21-day cycles",
     ("oral", "twice daily", 2, 1, 14, 21, None, None)),
    ("docetaxel 75 mg/m2 intravenously on day 1 every three weeks for four to six cycles",
     ("intravenous", "once per cycle", None, 1, 1, 21, 4, 6)),
    ("nivolumab 3 mg/kg sc Q2W for at least 4 cycles",
     ("subcutaneous", "once per cycle", None, None, None, 14, 4, None)),
    ("anlotinib 12 mg orally once daily, days 1-14 of a 3-week cycle",
     ("oral", "once daily", 1, 1, 14, 21, None, None)),
])
def test_synthetic_spellings_of_route_frequency_days_and_cycles(vocab, text, expected):
    (r,), _ = extract_regimens(text, vocab)
    assert (r.route, r.frequency, r.times_per_day, r.day_start, r.day_end,
            r.cycle_length_days, r.cycles_min, r.cycles_max) == expected


def test_synthetic_auc_dose(vocab):
    (r,), _ = extract_regimens("Carboplatin AUC 5 IV on day 1 every 3 weeks", vocab)
    assert (r.drug, r.dose, r.dose_unit, r.dose_basis) == ("carboplatin", 5.0, "AUC",
                                                             "area-under-curve")
    assert (r.route, r.day_start, r.day_end, r.cycle_length_days) == ("intravenous", 1, 1, 21)


def test_synthetic_regimen_of_a_drug_known_only_from_mesh(vocab):
    # Irinotecan is in no curated class: MeSH identifies it (D000077146), its key is the UI.
    (r,), _ = extract_regimens("Irinotecan 180 mg/m2 IV on day 1 every 2 weeks", vocab)
    assert (r.drug, r.dose, r.dose_unit, r.cycle_length_days) == ("D000077146", 180.0,
                                                                   "mg/m2", 14)
    assert vocab.drugs[r.drug].label == "Irinotecan"


@pytest.mark.parametrize("text", [
    "Patients receive 10mg, po, qd from day 1 to day 14 every 3 weeks.",  # no drug named
    "Patients will receive anlotinib and capecitabine.",  # drugs named, nothing dosed
    "Placebo for anlotinib 12 mg qd d1-14.",  # a placebo is not the drug
    "",
])
def test_no_regimen_without_a_drug_and_a_dosing_detail(vocab, text):
    assert extract_regimens(text, vocab) == ([], [])


# --------------------------------------------------------------------------- interventions


def _resolved(nct: str, vocab: Vocabulary) -> dict[str, tuple[list[str], list[str]]]:
    trial = _trial(nct)
    resolve_interventions(trial, vocab)
    return {iv.name: (iv.drugs, iv.unresolved_names) for iv in trial.interventions}


def test_resolve_seed_combination_intervention(vocab):
    assert _resolved("NCT05807880", vocab) == {
        "The combination treatment of anlotinib, penpulimab and capecitabine.":
            (["anlotinib", "penpulimab", "capecitabine"], []),
    }


def test_resolve_registry_spellings_and_placebos(vocab):
    assert _resolved("NCT03581786", vocab) == {
        "TORIPALIMAB INJECTION(JS001 ) combine with chemotherapy": (["toripalimab"], []),
        "Placebos": ([], []),
    }
    assert _resolved("NCT05981157", vocab) == {
        "Anrotinib plus Tirelizumab": (["anlotinib", "tislelizumab"], [])}
    assert _resolved("NCT02388919", vocab) == {"Anlotinib": (["anlotinib"], []),
                                               "Placebo": ([], [])}


def test_resolve_reports_unknown_drug_names_but_not_radiation(vocab):
    assert _resolved("NCT05780372", vocab) == {
        "Intensity Modulated Radiation Therapy": ([], []),
        "Chemotherapy": ([], ["Chemotherapy"]),
    }


def test_resolve_falls_back_to_description_only_when_the_name_names_no_drug(vocab):
    generic = Intervention("Chemotherapy", "DRUG", "gemcitabine plus cisplatin")
    named = Intervention("Toripalimab", "DRUG", "compared with camrelizumab in other trials")
    radiation = Intervention("IMRT", "RADIATION", "with concurrent cisplatin")
    trial = Trial("NCT00000000", interventions=[generic, named, radiation])
    resolve_interventions(trial, vocab)
    assert (generic.drugs, generic.unresolved_names) == (["gemcitabine", "cisplatin"],
                                                         ["Chemotherapy"])
    assert (named.drugs, named.unresolved_names) == (["toripalimab"], [])
    assert (radiation.drugs, radiation.unresolved_names) == ([], [])


def test_resolve_uses_other_names():
    trial = Trial("NCT00000000", interventions=[
        Intervention("Study drug", "BIOLOGICAL", other_names=["AK105"])])
    resolve_interventions(trial, default_vocabulary())
    assert (trial.interventions[0].drugs, trial.interventions[0].unresolved_names) == (
        ["penpulimab"], [])


# --------------------------------------------------------------------------- trials


def test_complete_trial_sets_arm_regimens_and_notes_and_is_idempotent(seed, vocab):
    trial = complete_trial(deepcopy(seed), vocab)
    arm = trial.arms[0]
    assert [(r.phase, r.drug) for r in arm.regimens] == [
        ("induction", "anlotinib"), ("induction", "penpulimab"), ("induction", "capecitabine"),
        ("maintenance", "penpulimab"), ("maintenance", "capecitabine")]
    assert arm.notes == [NOTE]
    assert trial.interventions[0].drugs == ["anlotinib", "penpulimab", "capecitabine"]
    again = complete_trial(deepcopy(trial), vocab)
    assert again == trial


def test_complete_trial_falls_back_to_linked_intervention_descriptions(seed, vocab):
    trial = deepcopy(seed)
    trial.arms[0].description = None
    complete_trial(trial, vocab)
    assert [(r.phase, r.drug) for r in trial.arms[0].regimens] == [
        ("treatment", "anlotinib"), ("treatment", "penpulimab"), ("treatment", "capecitabine")]
    assert trial.arms[0].notes == []


def test_complete_trial_links_interventions_by_listed_name(vocab):
    iv = Intervention("Drug X", "DRUG", "pembrolizumab 200 mg IV Q3W")
    arm = Arm("A", intervention_names=["Drug: Drug X"])
    trial = complete_trial(Trial("NCT00000000", arms=[arm], interventions=[iv]), vocab)
    (r,) = trial.arms[0].regimens
    assert (r.drug, r.dose, r.route, r.frequency, r.cycle_length_days) == (
        "pembrolizumab", 200.0, "intravenous", "once per cycle", 21)


def test_complete_trial_invents_nothing_for_names_without_dosing(vocab):
    trial = complete_trial(_trial("NCT03707509"), vocab)
    assert trial.arms[0].regimens == [] and trial.arms[0].notes == []
    assert [iv.drugs for iv in trial.interventions] == [
        ["camrelizumab"], [], ["gemcitabine"], ["cisplatin"]]


# --------------------------------------------------------------------------- robustness

_FRAGMENTS = st.sampled_from([
    "anlotinib", "penpulimab", "AK105", "capecitabine", "placebo", "maintenance", "Note:",
    "10mg", "650mg/m2", "mg/m²", "AUC 5", "2 mg/kg", " po", " iv", " i.v.", " sc", " qd", " bid",
    " tid", "day 1", " to day 14", "d1-14", "days 1 and 8", "D1", "Q3W", "q21d", "every three",
    " weeks", "21-day cycles", "for 4-6 cycles", "up to 6 cycles", "until PD or", " intolerance",
    "the same", ", ", ". ", "\n\n", "(", ")", "\"", "9" * 400, "1,000", "0", "-", "∞", "\u0000",
    "\ud800", "😀", "ⅷ", "٣",
])


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.lists(_FRAGMENTS | st.text(max_size=5), max_size=40).map("".join)))
def test_extract_regimens_never_raises_and_returns_lists(text):
    regimens, notes = extract_regimens(text, default_vocabulary())
    assert isinstance(regimens, list) and isinstance(notes, list)
    assert all(isinstance(r, Regimen) for r in regimens)
    assert all(isinstance(n, str) for n in notes)
    for r in regimens:
        assert r.dose is None or 0 < r.dose < 1e7
        assert r.days == sorted(set(r.days))


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=80), st.text(max_size=80), st.sampled_from([None, "DRUG", "RADIATION"]))
def test_complete_trial_never_raises_on_odd_records(name, description, kind):
    trial = Trial("NCT00000000",
                  arms=[Arm(name, description=description, intervention_names=[name])],
                  interventions=[Intervention(name, kind, description, arm_labels=[name])])
    vocab = default_vocabulary()
    complete_trial(trial, vocab)
    first = (deepcopy(trial.arms[0].regimens), list(trial.interventions[0].drugs),
             list(trial.interventions[0].unresolved_names))
    for r in first[0]:
        assert vocab.drugs[r.drug].key == r.drug  # only known drugs get a regimen
    complete_trial(trial, vocab)  # running it twice changes nothing
    assert (trial.arms[0].regimens, trial.interventions[0].drugs,
            trial.interventions[0].unresolved_names) == first


# issue 17: a dosing text naming two cycle lengths. The length written first is the drug's
# cycle; a later one is something else (an assessment cadence, a later phase's rhythm), and
# neither the order of the patterns nor the last length written may decide.
@pytest.mark.parametrize(("text", "cycle"), [
    # the first length matches a pattern listed after the later one's ("every N weeks")
    ("Capecitabine 1000 mg/m2 orally twice daily on days 1-14 of each 21-day cycle, with "
     "tumour assessment every 6 weeks", 21),
    # the first length matches a pattern listed before the later one's ("N-day cycles")
    ("Pembrolizumab 200 mg IV every 3 weeks; the study visits follow 28-day cycles", 21),
    ("Pembrolizumab 400 mg IV Q6W, i.e. every 42 days (two 21-day cycles)", 42),
])
def test_synthetic_two_cycle_lengths_take_the_first_written(vocab, text, cycle):
    (r,), _ = extract_regimens(text, vocab)
    assert r.cycle_length_days == cycle


def test_synthetic_a_drugs_own_cycle_length_beats_the_phases(vocab):
    # one sentence, two drugs, two lengths: each drug keeps the length of its own clause
    text = "Gemcitabine 1000 mg/m2 d1,8 q21d and nivolumab 240 mg IV q2w"
    gemcitabine, nivolumab = extract_regimens(text, vocab)[0]
    assert (gemcitabine.drug, gemcitabine.cycle_length_days) == ("gemcitabine", 21)
    assert (nivolumab.drug, nivolumab.cycle_length_days) == ("nivolumab", 14)


def test_synthetic_a_drug_without_its_own_length_takes_none_of_two_conflicting(vocab):
    text = ("Anlotinib 10 mg qd d1-14. Toripalimab 240 mg d1 every 3 weeks. Cisplatin "
            "75 mg/m2 d1 every 4 weeks.")
    anlotinib, toripalimab, cisplatin = extract_regimens(text, vocab)[0]
    assert [r.drug for r in (anlotinib, toripalimab, cisplatin)] == [
        "anlotinib", "toripalimab", "cisplatin"]
    assert (anlotinib.cycle_length_days, toripalimab.cycle_length_days,
            cisplatin.cycle_length_days) == (None, 21, 28)


# --------------------------------------------------------------------------- source text


@pytest.mark.parametrize(("text", "first"), [
    # four connectives in a row: three passes used to leave "Docetaxel 75 mg/m2 d1,"
    ("Docetaxel 75 mg/m2 d1, and, plus cisplatin 75 mg/m2 d1", "Docetaxel 75 mg/m2 d1"),
    ("Docetaxel 75 mg/m2 d1 and or plus with cisplatin 75 mg/m2 d1", "Docetaxel 75 mg/m2 d1"),
    # connectives are trimmed whatever their case
    ("Docetaxel 75 mg/m2 d1 AND cisplatin 75 mg/m2 d1", "Docetaxel 75 mg/m2 d1"),
    ("Docetaxel 75 mg/m2 d1 Combined With cisplatin 75 mg/m2 d1", "Docetaxel 75 mg/m2 d1"),
])
def test_synthetic_source_text_drops_every_connective_into_the_next_drug(vocab, text, first):
    (docetaxel, cisplatin), _ = extract_regimens(text, vocab)
    assert (docetaxel.drug, docetaxel.source_text) == ("docetaxel", first)
    assert (cisplatin.drug, cisplatin.source_text) == ("cisplatin", "cisplatin 75 mg/m2 d1")


# A route or frequency is a whole word: each spelling is bounded on both sides, not only
# the first alternative on the left and the last on the right.
@pytest.mark.parametrize(("text", "route", "frequency"), [
    ("Pembrolizumab 200 mg every 3 weeks, postoperative", None, "once per cycle"),  # not "po"
    ("Pembrolizumab 200 mg on the same schedule, until discontinued", None, None),  # not "sc"
    ("Pembrolizumab 200 mg for HIV-positive patients", None, None),  # not "iv"
    ("Pembrolizumab 200 mg, temporal lobe sparing", None, None),  # not "oral"
    ("Pembrolizumab 200 mg, bidirectional titration", None, None),  # not "bid"
    ("Pembrolizumab 200 mg, tidal volume monitored", None, None),  # not "tid"
    ("Anlotinib 10 mg p.o. qd", "oral", "once daily"),
    ("Anlotinib 10 mg p.o.q.d.", "oral", "once daily"),
    ("Pembrolizumab 200 mg i.v.gtt, q12h", "intravenous", "twice daily"),
    ("Pembrolizumab 200 mg s.c. t.i.d.", "subcutaneous", "three times daily"),
])
def test_synthetic_routes_and_frequencies_are_whole_words(vocab, text, route, frequency):
    (r,), _ = extract_regimens(text, vocab)
    assert (r.route, r.frequency) == (route, frequency)


@pytest.mark.parametrize(("text", "first"), [
    # the full stop of "i.v." / "P.O." closes an abbreviation, whatever its case
    ("Docetaxel 75 mg/m2 d1 i.v.", "Docetaxel 75 mg/m2 d1 i.v."),
    ("Docetaxel 75 mg/m2 d1 P.O.", "Docetaxel 75 mg/m2 d1 P.O."),
    # a sentence's own full stop goes, and the space before it
    ("Docetaxel 75 mg/m2 iv d1 .", "Docetaxel 75 mg/m2 iv d1"),
])
def test_synthetic_source_text_keeps_an_abbreviations_full_stop(vocab, text, first):
    (r,), _ = extract_regimens(text, vocab)
    assert (r.drug, r.source_text) == ("docetaxel", first)


# --------------------------------------------------------------------------- dosing details


@pytest.mark.parametrize("text", [
    "Cisplatin 75 mg/m2 IV",  # neither a day nor a cycle: how often is not written
    "Cisplatin 25 mg/m2 IV d1-3",  # three days, once each or not: not written
])
def test_synthetic_a_dose_alone_is_not_once_per_cycle(vocab, text):
    (r,), _ = extract_regimens(text, vocab)
    assert (r.dose, r.frequency, r.times_per_day, r.cycle_length_days) == (
        float(text.split()[1]), None, None, None)


def test_synthetic_auc_of_zero_is_no_dose(vocab):
    (r,), _ = extract_regimens("Carboplatin AUC 0 IV day 1", vocab)
    assert (r.dose, r.dose_unit, r.dose_basis) == (None, None, None)
    assert (r.route, r.day_start, r.day_end) == ("intravenous", 1, 1)


def test_synthetic_the_first_clause_of_a_phase_gives_the_dose(vocab):
    text = "Anlotinib 12 mg qd d1-14 every 3 weeks. Anlotinib 10 mg if toxicity, orally."
    (r,), _ = extract_regimens(text, vocab)
    assert (r.dose, r.frequency, r.day_start, r.day_end, r.route) == (
        12.0, "once daily", 1, 14, "oral")
    assert r.source_text == "Anlotinib 12 mg qd d1-14 every 3 weeks"


def test_synthetic_maintenance_that_remains_the_same_copies_days_but_keeps_its_own_dose(vocab):
    text = ("Gemcitabine 1000 mg/m2 IV on days 1 and 8 every 3 weeks for 4 cycles. Then "
            "maintenance gemcitabine 800 mg/m2 (the dosing remains the same) until "
            "progression.")
    induction, maintenance = extract_regimens(text, vocab)[0]
    assert (induction.phase, induction.dose, induction.days) == ("induction", 1000.0, [1, 8])
    assert (maintenance.phase, maintenance.drug) == ("maintenance", "gemcitabine")
    assert (maintenance.dose, maintenance.route, maintenance.days) == (
        800.0, "intravenous", [1, 8])
    assert (maintenance.cycle_length_days, maintenance.until) == (None, "disease progression")


def test_synthetic_maintenance_without_same_wording_copies_nothing(vocab):
    text = ("Gemcitabine 1000 mg/m2 IV on days 1 and 8 every 3 weeks for 4 cycles. Then "
            "maintenance gemcitabine 800 mg/m2 until progression.")
    _, maintenance = extract_regimens(text, vocab)[0]
    assert (maintenance.phase, maintenance.dose, maintenance.route, maintenance.days) == (
        "maintenance", 800.0, None, [])


def test_synthetic_drugs_named_with_only_a_schedule_get_a_regimen_of_it(vocab):
    regimens, _ = extract_regimens(
        "Anlotinib plus penpulimab every 3 weeks for up to 6 cycles.", vocab)
    assert [(r.drug, r.dose, r.frequency, r.cycle_length_days, r.cycles_max) for r in
            regimens] == [("anlotinib", None, None, 21, 6), ("penpulimab", None, None, 21, 6)]


@pytest.mark.parametrize(("text", "noted"), [
    # the note's own phase has the drug: that regimen, not the later one
    ("Anlotinib 12 mg qd d1-14 for 6 cycles.\nNote: anlotinib is taken after breakfast.\n"
     "Then maintenance anlotinib 8 mg qd until progression.", [("anlotinib", "induction")]),
    # the note's phase lacks the drug: its latest regimen, not another drug's
    ("Anlotinib 12 mg qd d1-14 and penpulimab 200 mg iv d1 every 3 weeks for 6 cycles. Then "
     "maintenance penpulimab 200 mg iv every 3 weeks. Note: anlotinib is taken after "
     "breakfast.", [("anlotinib", "induction")]),
])
def test_synthetic_a_note_goes_to_its_drugs_regimen_in_its_phase_else_the_latest(vocab, text,
                                                                               noted):
    regimens, notes = extract_regimens(text, vocab)
    assert notes == ["Note: anlotinib is taken after breakfast."]
    assert [(r.drug, r.phase) for r in regimens if r.notes] == noted
    assert all(r.notes == notes for r in regimens if r.notes)


def test_synthetic_a_drug_named_without_dosing_does_not_end_the_reading(vocab):
    (r,), _ = extract_regimens("Cisplatin-based chemotherapy with pembrolizumab 200 mg IV",
                               vocab)
    assert (r.drug, r.dose, r.route, r.source_text) == (
        "pembrolizumab", 200.0, "intravenous", "pembrolizumab 200 mg IV")


def test_synthetic_a_second_maintenance_sentence_stays_in_the_maintenance_phase(vocab):
    text = ("Pembrolizumab 200 mg iv d1 every 3 weeks for 4 cycles. Then maintenance "
            "pembrolizumab 400 mg iv every 6 weeks. Maintenance lasts until progression.")
    induction, maintenance = extract_regimens(text, vocab)[0]
    assert (induction.phase, induction.dose, induction.until) == ("induction", 200.0, None)
    assert (maintenance.phase, maintenance.dose, maintenance.cycle_length_days,
            maintenance.until) == ("maintenance", 400.0, 42, "disease progression")


@pytest.mark.parametrize(("schedule", "cycles"), [
    ("for 4-200 cycles", (4, 200)), ("for 4-201 cycles", (None, None)),
    ("for 0-6 cycles", (None, None)),  # a range from zero is no count
    ("for up to 200 cycles", (None, 200)), ("for up to 201 cycles", (None, None)),
    ("for at least 200 cycles", (200, None)), ("for at least 201 cycles", (None, None)),
    ("for 200 cycles", (200, 200)), ("for 201 cycles", (None, None)),
])
def test_synthetic_cycle_counts_up_to_200(vocab, schedule, cycles):
    (r,), _ = extract_regimens(f"Anlotinib 10 mg qd {schedule}", vocab)
    assert (r.cycles_min, r.cycles_max) == cycles


@pytest.mark.parametrize(("schedule", "cycle"), [
    ("every 1 day", 1), ("every 366 days", 366), ("every 367 days", None),
    ("every 52 weeks", 364), ("every 53 weeks", None),
])
def test_synthetic_cycle_lengths_from_one_day_to_a_year(vocab, schedule, cycle):
    (r,), _ = extract_regimens(f"Anlotinib 10 mg qd {schedule}", vocab)
    assert r.cycle_length_days == cycle


@pytest.mark.parametrize(("days", "expected"), [
    ("day 1", (1, 1, [])), ("day 366", (366, 366, [])),
    ("day 0", (None, None, [])), ("day 367", (None, None, [])),
    ("days 8 and 1", (None, None, [1, 8])),  # a list in any order
    ("day 14 to day 1", (None, None, [])),  # a range written backwards is no schedule
    ("day 1 to day 1", (None, None, [])),  # nor is one ending where it starts
])
def test_synthetic_days_within_a_year_and_ranges_forwards(vocab, days, expected):
    (r,), _ = extract_regimens(f"Cisplatin 75 mg/m2 IV {days}", vocab)
    assert (r.day_start, r.day_end, r.days) == expected


@pytest.mark.parametrize(("dose", "expected"), [
    ("1,000 mg/m2", (1000.0, "mg/m2", "body-surface-area")),
    ("0.75 mg", (0.75, "mg", "flat")), ("1 mg", (1.0, "mg", "flat")),
    ("0 mg", (None, None, None)),
    ("75 mg / m 2", (75.0, "mg/m2", "body-surface-area")),
    ("75 mg/m^2", (75.0, "mg/m2", "body-surface-area")),
    ("200 mcg", (200.0, "µg", "flat")), ("200 μg", (200.0, "µg", "flat")),  # Greek mu
    ("AUC 1", (1.0, "AUC", "area-under-curve")),
])
def test_synthetic_dose_numbers_and_units(vocab, dose, expected):
    (r,), _ = extract_regimens(f"Cisplatin {dose} IV d1", vocab)
    assert (r.dose, r.dose_unit, r.dose_basis) == expected


@pytest.mark.parametrize(("until", "expected"), [
    ("until a new lesion appears", "new lesion"),
    ("until A new lesion appears", "new lesion"),
    ('until "disease progression"', UNTIL.split(" or ")[0]),
    ("until Xerostomia of grade 3 occurs", "Xerostomia of grade 3"),
    ("until PD occurs", "disease progression"), ("until PD Occurs", "disease progression"),
    ("until PD or toxicity, whichever comes first, or withdrawal of consent",
     "disease progression or toxicity or withdrawal of consent"),
    ("until PD, WHICHEVER COMES FIRST", "disease progression"),
])
def test_synthetic_stopping_rules_lose_their_articles_verbs_and_whichever(vocab, until,
                                                                         expected):
    (r,), _ = extract_regimens(f"Pembrolizumab 200 mg IV every 3 weeks {until}", vocab)
    assert r.until == expected


def test_synthetic_a_then_that_leads_to_no_maintenance_does_not_cut_the_sentence(vocab):
    # one sentence: its cycle and count cover the drug named after "then" too
    text = "Docetaxel 75 mg/m2 d1 every 3 weeks for 4 cycles, then cisplatin"
    docetaxel, cisplatin = extract_regimens(text, vocab)[0]
    assert (docetaxel.drug, docetaxel.cycle_length_days, docetaxel.cycles_max) == (
        "docetaxel", 21, 4)
    assert (cisplatin.drug, cisplatin.dose, cisplatin.cycle_length_days,
            cisplatin.cycles_min, cisplatin.cycles_max, cisplatin.source_text) == (
        "cisplatin", None, 21, 4, 4, text)


def test_synthetic_the_first_sentence_with_a_cycle_count_gives_it(vocab):
    text = "Anlotinib 10 mg qd for up to 6 cycles. Imaging after at least 2 cycles."
    (r,), _ = extract_regimens(text, vocab)
    assert (r.cycles_min, r.cycles_max) == (None, 6)


def test_synthetic_a_stopping_rule_written_twice_is_given_once(vocab):
    (r,), _ = extract_regimens(
        "Pembrolizumab 200 mg IV every 3 weeks until PD or progressive disease", vocab)
    assert r.until == "disease progression"


def test_synthetic_a_note_runs_to_the_end_of_its_paragraph(vocab):
    text = ("Anlotinib 10 mg qd. Note: Take anlotinib after meals. Skip anlotinib if "
            "vomiting.\nCisplatin 75 mg/m2 d1.")
    regimens, notes = extract_regimens(text, vocab)
    assert notes == ["Note: Take anlotinib after meals. Skip anlotinib if vomiting."]
    assert [(r.drug, r.notes) for r in regimens] == [("anlotinib", notes), ("cisplatin", [])]


@pytest.mark.parametrize("text", [None, 42, "   \n "])
def test_extract_regimens_of_no_text_is_empty(vocab, text):
    assert extract_regimens(text, vocab) == ([], [])


# --------------------------------------------------------------------------- placebos


@pytest.mark.parametrize(("name", "drugs"), [
    # "placebo" ending 30 characters before the drug's name still names the placebo ...
    ("Placebo" + " " * 23 + "anlotinib", []),
    ("Placebo" + " " * 24 + "anlotinib", ["anlotinib"]),  # ... 31 characters: no longer
    # "placebo" ending 25 characters after the name still does ...
    ("anlotinib-matching" + " " * 9 + "placebo", []),
    ("anlotinib-matching" + " " * 10 + "placebo", ["anlotinib"]),  # ... 26: no longer
])
def test_synthetic_a_placebo_is_read_within_30_characters_before_and_25_after(vocab, name,
                                                                             drugs):
    trial = Trial("NCT00000000", interventions=[Intervention(name, "DRUG")])
    resolve_interventions(trial, vocab)
    assert (trial.interventions[0].drugs, trial.interventions[0].unresolved_names) == (drugs, [])


@pytest.mark.parametrize("kind", ["Dietary Supplement", "dietary-supplement",
                                  " Diagnostic Test "])
def test_non_drug_types_in_any_spelling_do_not_fall_back_to_the_description(vocab, kind):
    iv = Intervention("Study product", kind, "with concurrent cisplatin")
    resolve_interventions(Trial("NCT00000000", interventions=[iv]), vocab)
    assert (iv.drugs, iv.unresolved_names) == ([], [])


# --------------------------------------------------------------------------- arms and interventions


def test_complete_trial_links_an_intervention_by_arm_label_and_takes_its_notes(vocab):
    iv = Intervention("Chemo", "DRUG",
                      "cisplatin 75 mg/m2 d1. Note: cisplatin is given with hydration.",
                      arm_labels=["Arm  a "])
    trial = complete_trial(Trial("NCT00000000", arms=[Arm(" ARM A")], interventions=[iv]),
                           vocab)
    note = "Note: cisplatin is given with hydration."
    (r,) = trial.arms[0].regimens
    assert (r.drug, r.dose, r.day_start, r.notes) == ("cisplatin", 75.0, 1, [note])
    assert trial.arms[0].notes == [note]
    assert [(m.kind, m.key, m.field, m.text) for m in trial.mentions] == [
        ("drug", "cisplatin", "interventionDescription", "cisplatin")]


@pytest.mark.parametrize(("arm", "iv_labels"), [
    (Arm("A"), ["B"]),
    (Arm(""), ["XXXX"]),  # synthetic: an arm without a label is linked by no label
    (Arm("A B"), ["AB"]),
])
def test_complete_trial_links_no_intervention_of_another_arm(vocab, arm, iv_labels):
    iv = Intervention("Chemo", "DRUG", "cisplatin 75 mg/m2 d1", arm_labels=iv_labels)
    trial = complete_trial(Trial("NCT00000000", arms=[arm], interventions=[iv]), vocab)
    assert (trial.arms[0].regimens, trial.arms[0].notes) == ([], [])


def test_complete_trial_reads_constraints_with_the_vocabulary_it_was_given(vocab,
                                                                          monkeypatch):
    import kg.extract.constraints

    seen = []
    monkeypatch.setattr(kg.extract.constraints, "extract_constraints",
                        lambda trial, *args, **kwargs: seen.append((trial, args, kwargs)))
    trial = complete_trial(Trial("NCT00000000"), vocab)
    assert len(seen) == 1
    assert seen[0][0] is trial and seen[0][1] == (vocab,) and seen[0][2] == {}
