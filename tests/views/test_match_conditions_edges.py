"""kg.views.match.conditions at the unit: condition constraints against SYNTHETIC patients
built in code (tests/support/match.py), one branch of condition_truth per test: windows,
exceptions, the trial's own disease, "active" conditions, absence, and pregnancy decided by
a pregnancy test before any condition record."""

from __future__ import annotations

from kg.model import Coding, PatientCondition, PatientObservation
from kg.views.match.conditions import _active_only, _pregnancy_test, condition_truth
from tests.support.match import checker, constraint, patient, within


def cond(text, source="Condition/x", **fields):
    return PatientCondition(source, text=text, **fields)


def hcg(result, date="2026-11-28", source="Observation/hcg"):
    return PatientObservation(source, codings=[Coding("loinc", "2106-3")], result=result,
                              date=date)


def truth(c, *conditions, observations=(), trial_conditions=frozenset()):
    p = patient(conditions=list(conditions), observations=list(observations))
    return condition_truth(checker(p, trial_conditions=trial_conditions), c)


HIV = constraint("condition", "exclude", concept="hiv-infection", label="HIV infection")


def test_a_recorded_condition_holds_and_is_shown_with_its_source_and_onset():
    t = truth(HIV, cond("HIV infection", "Condition/hiv", onset="2015-01-01"))
    assert (t.value, t.detail) == (True, "HIV infection: HIV infection (Condition/hiv, onset "
                                         "2015-01-01)")
    undated = truth(HIV, cond("HIV infection", "Condition/hiv"))
    assert undated.detail == "HIV infection: HIV infection (Condition/hiv)"


def test_the_label_falls_back_to_the_concept_key_and_the_text_to_the_key():
    c = constraint("condition", "exclude", concept="hiv-infection")
    t = truth(c, PatientCondition("Condition/coded", codings=[Coding("loinc", "x",
                                                                     "HIV infection")]))
    assert (t.value, t.detail) == (True, "hiv-infection: hiv-infection (Condition/coded)")
    none = truth(c)
    assert (none.value, none.detail) == (None, "no record of hiv-infection")


def test_no_record_is_unknown_and_an_absent_record_is_false():
    assert (truth(HIV).value, truth(HIV).detail) == (None, "no record of HIV infection")
    absent = truth(HIV, cond("HIV infection", status="absent"))
    assert (absent.value, absent.detail) == (False, "no HIV infection on the record")
    other = truth(HIV, cond("psoriasis"))
    assert other.value is None


def test_a_resolved_condition_counts_unless_the_criterion_says_active():
    resolved = cond("HIV infection", status="resolved", onset="2010-01-01",
                    abated="2011-01-01")
    assert truth(HIV, resolved).value is True
    active = constraint("condition", "exclude", concept="hiv-infection",
                        label="HIV infection", text="Active HIV infection")
    t = truth(active, resolved)
    assert (t.value, t.detail) == (False, "no HIV infection on the record")
    assert truth(active, cond("HIV infection", status="active")).value is True


def test_active_only_reads_the_constraint_text_in_any_case():
    assert _active_only(constraint("condition", text="ACTIVE tuberculosis")) is True
    assert _active_only(constraint("condition", text="history of tuberculosis")) is False
    assert _active_only(constraint("condition", text="")) is False


def test_within_a_window_by_onset_abatement_or_ongoing_activity():
    mi = constraint("condition", "exclude", concept="myocardial-infarction",
                    label="myocardial infarction", window=within(6, "mo"))
    recent = truth(mi, cond("myocardial infarction", "Condition/mi", onset="2026-10-01"))
    assert (recent.value, recent.detail) == (
        True, "myocardial infarction within 6 months: myocardial infarction (Condition/mi, "
              "onset 2026-10-01)")
    # 6 months = 182.6 days before 2026-12-01: 2026-06-02 is inside, 2026-06-01 is not.
    assert truth(mi, cond("myocardial infarction", onset="2026-06-02",
                          status="resolved")).value is True
    assert truth(mi, cond("myocardial infarction", onset="2020-01-01", status="resolved",
                          abated="2026-06-02")).value is True
    old = truth(mi, cond("myocardial infarction", onset="2026-06-01", status="resolved",
                         abated="2026-06-01"))
    assert (old.value, old.detail) == (False, "no myocardial infarction within 6 months on "
                                              "the record")
    ongoing = truth(mi, cond("myocardial infarction", onset="2019-01-01", status="active"))
    assert ongoing.value is True
    ended = truth(mi, cond("myocardial infarction", onset="2019-01-01", status="active",
                           abated="2019-02-01"))
    assert ended.value is False


def test_a_condition_without_dates_cannot_be_placed_in_a_window():
    mi = constraint("condition", "exclude", concept="myocardial-infarction",
                    label="myocardial infarction", window=within(6, "mo"))
    t = truth(mi, cond("myocardial infarction", "Condition/mi", status="resolved"),
              cond("myocardial infarction", "Condition/mi2", status="resolved"))
    assert (t.value, t.detail) == (None, "myocardial infarction: myocardial infarction "
                                         "(Condition/mi) has no dates to place it within "
                                         "6 months")
    # an active condition without dates is not "ongoing" either: no onset to start from
    assert truth(mi, cond("myocardial infarction")).value is None
    # one date is enough to place it: an old onset without an end is outside the window
    t = truth(mi, cond("myocardial infarction", onset="2019-01-01", status="resolved"))
    assert (t.value, t.detail) == (False, "no myocardial infarction within 6 months on the "
                                          "record")
    t = truth(mi, cond("myocardial infarction", abated="2019-01-01", status="resolved"))
    assert t.value is False


def test_an_at_least_window_is_not_a_within_window():
    c = constraint("condition", "exclude", concept="myocardial-infarction",
                   window=constraint_window("at-least"))
    t = truth(c, cond("myocardial infarction", "Condition/mi", onset="2000-01-01"))
    assert t.value is True and "within" not in t.detail


def constraint_window(relation):
    from kg.model import TimeWindow

    return TimeWindow(relation, 6, "mo")


def test_exceptions_and_the_trials_own_disease_do_not_count():
    other = constraint("condition", "exclude", concept="malignancy", label="other malignancy",
                       exceptions=["nonmelanoma-skin-cancer"])
    npc = cond("nasopharyngeal carcinoma", "Condition/npc", onset="2025-01-01")
    own = truth(other, npc, trial_conditions=frozenset({"nasopharyngeal-carcinoma"}))
    assert (own.value, own.detail) == (False, "no other malignancy other than excepted or the "
                                              "trial's own (nasopharyngeal carcinoma)")
    assert truth(other, npc).value is True  # not the trial's disease: it counts
    lung = truth(other, npc, cond("lung cancer", "Condition/lung"),
                 trial_conditions=frozenset({"nasopharyngeal-carcinoma"}))
    assert (lung.value, lung.detail) == (True, "other malignancy: lung cancer (Condition/lung)")
    # an excepted condition is named by its source when it has no text
    skin = PatientCondition("Condition/bcc", codings=[Coding("x", "y",
                                                             "nonmelanoma skin cancer")])
    bcc = truth(constraint("condition", "exclude", concept="nonmelanoma-skin-cancer",
                           label="skin cancer", exceptions=["nonmelanoma-skin-cancer"]), skin)
    assert (bcc.value, bcc.detail) == (False, "no skin cancer other than excepted or the "
                                              "trial's own (Condition/bcc)")


def test_exceptions_only_apply_to_the_other_malignancy_concept_for_the_trial():
    hiv_with_trial = truth(HIV, cond("HIV infection", onset="2015-01-01"),
                           trial_conditions=frozenset({"hiv-infections"}))
    assert hiv_with_trial.value is True


def test_a_vocabulary_condition_matches_by_vocabulary_key_and_ancestors():
    lung = constraint("condition", "exclude", concept="lung-neoplasms", label="lung cancer")
    t = truth(lung, cond("lung cancer", "Condition/l"))
    assert (t.value, t.detail) == (True, "lung cancer: lung cancer (Condition/l)")
    assert truth(lung, cond("HIV infection")).value is None
    # neoplasms is an ancestor of lung-neoplasms in the vocabulary
    assert truth(constraint("condition", concept="neoplasms"), cond("lung cancer")).value


def test_a_curated_concept_matches_by_the_curated_names_not_the_vocabulary():
    # hepatitis-b is both a curated concept and a vocabulary key: the curated names decide
    hbv = constraint("condition", "exclude", concept="hepatitis-b", label="hepatitis B")
    assert truth(hbv, cond("HBsAg positive")).value is True  # curated name, no MeSH term
    assert truth(hbv, cond("HBV")).value is None  # MeSH entry term only


def test_a_pregnancy_test_decides_pregnancy_before_condition_records():
    preg = constraint("condition", "exclude", concept="pregnancy", label="pregnancy")
    pos = truth(preg, observations=[hcg("positive")])
    assert (pos.value, pos.detail) == (True, "positive pregnancy test (Observation/hcg, "
                                             "2026-11-28)")
    neg = truth(preg, cond("pregnancy", onset="2026-10-01"), observations=[hcg(" Negative ")])
    assert (neg.value, neg.detail) == (False, "negative pregnancy test (Observation/hcg, "
                                              "2026-11-28)")
    # an unread result leaves it to the conditions
    unread = truth(preg, cond("pregnancy", "Condition/p"), observations=[hcg("2+")])
    assert (unread.value, unread.detail) == (True, "pregnancy: pregnancy (Condition/p)")
    assert truth(preg, observations=[hcg(None)]).value is None


def test_the_newest_pregnancy_test_decides():
    ck = checker(patient(observations=[hcg("positive", "2026-11-01", "Observation/old"),
                                       hcg("negative", "2026-11-29", "Observation/new")]))
    t = _pregnancy_test(ck)
    assert (t.value, t.detail) == (False, "negative pregnancy test (Observation/new, "
                                          "2026-11-29)")
    assert _pregnancy_test(checker(patient())) is None
    assert _pregnancy_test(checker(patient(observations=[hcg("")]))) is None
    assert _pregnancy_test(checker(patient(observations=[hcg("positive")]))).value is True


def test_a_condition_constraint_without_a_concept_matches_nothing():
    t = truth(constraint("condition", "exclude", text="some disease"), cond("HIV infection"))
    assert (t.value, t.detail) == (None, "no record of ")


def test_a_pregnancy_test_coded_positive_in_snomed_counts_as_positive():
    preg = constraint("condition", "exclude", concept="pregnancy")
    t = truth(preg, observations=[hcg("10828004", source="Observation/coded")])
    assert (t.value, t.detail) == (True, "positive pregnancy test (Observation/coded, "
                                         "2026-11-28)")


def test_other_malignancy_keeps_its_exceptions_besides_the_trials_own_disease():
    other = constraint("condition", "exclude", concept="malignancy", label="other malignancy",
                       exceptions=["papillary-thyroid-cancer"])
    thyroid = PatientCondition("Condition/ptc", text="thyroid cancer",
                               codings=[Coding("x", "1", "papillary thyroid carcinoma")])
    t = truth(other, thyroid, trial_conditions=frozenset({"nasopharyngeal-carcinoma"}))
    assert (t.value, t.detail) == (False, "no other malignancy other than excepted or the "
                                          "trial's own (thyroid cancer)")
    both = truth(other, thyroid, cond("nasopharyngeal carcinoma", "Condition/npc"),
                 trial_conditions=frozenset({"nasopharyngeal-carcinoma"}))
    assert (both.value, both.detail) == (False, "no other malignancy other than excepted or "
                                                "the trial's own (thyroid cancer, "
                                                "nasopharyngeal carcinoma)")


def test_a_resolved_condition_skipped_for_active_only_does_not_hide_an_active_one():
    active = constraint("condition", "exclude", concept="hiv-infection", label="HIV",
                        text="active HIV infection")
    t = truth(active, cond("HIV infection", "Condition/old", status="resolved"),
              cond("HIV infection", "Condition/now", status="active"))
    assert (t.value, t.detail) == (True, "HIV: HIV infection (Condition/now)")
