"""Each drug's role in a study (kg.extract.roles): the sides read from arms and titles, and
the role each drug gets from them. Titles and arms here are SYNTHETIC phrasings."""

from __future__ import annotations

import pytest

from kg.extract.roles import _arm_kind, _arm_sides, _Side, assign_roles, text_sides, trial_roles
from kg.model import Arm, Intervention, Regimen, SettingFact, Trial
from kg.vocab import default_vocabulary

VOCAB = default_vocabulary()


def _sides(text: str) -> list[_Side]:
    return text_sides("briefTitle", text, VOCAB)


@pytest.mark.parametrize("text, experimental, comparator", [
    # the right side stops where the patients start
    ("Toripalimab versus capecitabine in patients pretreated with gemcitabine",
     (["toripalimab"], False, False), (["capecitabine"], False, False)),
    ("Toripalimab vs. placebo plus gemcitabine",
     (["toripalimab"], False, False), (["gemcitabine"], False, True)),
    ("Chemotherapy versus toripalimab",
     ([], True, False), (["toripalimab"], False, False)),
    ("Toripalimab compared with chemotherapy",
     (["toripalimab"], False, False), ([], True, False)),
    # every word that can announce sides, and the first "versus" still splits them
    ("Toripalimab versus capecitabine (vs. placebo, v. observation, compared with or without "
     "± synthetic)", (["toripalimab"], False, False), (["capecitabine"], False, False)),
])
def test_versus_titles_give_two_sides(text, experimental, comparator):
    exp, comp = _sides(text)
    assert exp == _Side("experimental", "briefTitle", text, *experimental)
    assert comp == _Side("comparator", "briefTitle", text, *comparator)


@pytest.mark.parametrize("text, tested, backbone, generic", [
    ("Gemcitabine and cisplatin with or without toripalimab, in NPC",
     ["toripalimab"], ["gemcitabine", "cisplatin"], False),
    ("Chemotherapy with or without toripalimab", ["toripalimab"], [], True),
    ("Toripalimab or placebo plus gemcitabine and cisplatin",
     ["toripalimab"], ["gemcitabine", "cisplatin"], False),
    ("Toripalimab ± chemotherapy", ["toripalimab"], [], True),
])
def test_optional_drug_titles_give_a_placebo_comparator_with_the_backbone(text, tested,
                                                                          backbone, generic):
    assert _sides(text) == [
        _Side("experimental", "briefTitle", text, tested + backbone, generic, False),
        _Side("comparator", "briefTitle", text, backbone, generic, True)]


@pytest.mark.parametrize("text, tested, backbone", [
    # the optional part ends at the next delimiter ...
    ("Chemotherapy with or without toripalimab, after gemcitabine", ["toripalimab"],
     ["gemcitabine"]),
    ("NPC: gemcitabine with or without toripalimab", ["toripalimab"], ["gemcitabine"]),
    # ... or goes back to the previous one
    ("After capecitabine: toripalimab or placebo plus gemcitabine", ["toripalimab"],
     ["capecitabine", "gemcitabine"]),
    ("After capecitabine: toripalimab or placebo plus gemcitabine, in NPC", ["toripalimab"],
     ["capecitabine", "gemcitabine"]),
])
def test_optional_part_is_cut_at_delimiters(text, tested, backbone):
    exp, comp = _sides(text)
    assert (exp.drugs, comp.drugs) == (tested + backbone, backbone)


@pytest.mark.parametrize("text", ["(chemotherapy or placebo) plus chemotherapy",
                                  "Chemotherapy with or without therapy"])
def test_chemotherapy_outside_the_optional_part_is_backbone_even_where_its_words_recur(text):
    assert [s.generic for s in _sides(text)] == [True, True]


@pytest.mark.parametrize("text", ["", "Anlotinib alone", "Placebo-controlled study of anlotinib",
                                  # nothing between the delimiter and "or placebo"
                                  "Toripalimab plus chemotherapy, or placebo plus chemotherapy"])
def test_titles_that_compare_nothing_give_no_sides(text):
    assert _sides(text) == []


@pytest.mark.parametrize("arm, arms, kind", [
    (Arm("Synthetic A", "EXPERIMENTAL"), 2, "experimental"),
    (Arm("Synthetic A", " Experimental "), 2, "experimental"),
    (Arm("Synthetic B", "Active Comparator"), 2, "comparator"),
    (Arm("Synthetic B", "NO_INTERVENTION"), 2, "comparator"),
    (Arm("Synthetic B: standard care"), 2, "comparator"),
    (Arm("Synthetic A"), 1, "experimental"),
    (Arm("Synthetic A", "OTHER"), 1, "experimental"),
    (Arm("Synthetic A", "Other"), 1, "experimental"),
    (Arm("Synthetic A"), 2, None),
    (Arm("Synthetic A", "OTHER"), 2, None),
    (Arm("Synthetic A", "DEVICE"), 1, None),
])
def test_arm_kind(arm, arms, kind):
    assert _arm_kind(arm, arms) == kind


def test_arm_sides_take_linked_drugs_label_and_regimens_else_the_description():
    trial = Trial("NCT09999992", arms=[
        Arm("Synthetic A: toripalimab", "EXPERIMENTAL", description="capecitabine daily",
            intervention_names=["Drug: Gemcitabine"],
            regimens=[Regimen("anlotinib"), Regimen("toripalimab")]),
        Arm("Synthetic X"),  # untyped among several: no side, and the arms after it still read
        Arm("Synthetic B", "PLACEBO_COMPARATOR", description="cisplatin every 3 weeks",
            intervention_names=["Drug: Chemotherapy", "Drug: Placebo"]),
        Arm("Synthetic C: placebo", "ACTIVE_COMPARATOR"),
        Arm("Synthetic D: standard of care"),
    ], interventions=[Intervention("Gemcitabine", "DRUG", drugs=["gemcitabine"]),
                      Intervention("Chemotherapy", "DRUG")])
    assert _arm_sides(trial, VOCAB) == [
        _Side("experimental", "arm: Synthetic A: toripalimab",
              "Synthetic A: toripalimab (EXPERIMENTAL)", ["gemcitabine", "toripalimab",
                                                          "anlotinib"], False, False),
        _Side("comparator", "arm: Synthetic B", "Synthetic B (PLACEBO_COMPARATOR)",
              ["cisplatin"], True, True),
        _Side("comparator", "arm: Synthetic C: placebo",
              "Synthetic C: placebo (ACTIVE_COMPARATOR)", [], False, True),
        _Side("comparator", "arm: Synthetic D: standard of care",
              "Synthetic D: standard of care", [], True, False)]


def test_the_only_arm_untyped_is_experimental():
    trial = Trial("NCT09999993", arms=[Arm("Synthetic: anlotinib")])
    assert _arm_sides(trial, VOCAB) == [
        _Side("experimental", "arm: Synthetic: anlotinib", "Synthetic: anlotinib",
              ["anlotinib"])]


def test_a_drug_no_side_places_cites_where_it_was_found():
    sides = _sides("Toripalimab versus capecitabine")
    found_in = {"anlotinib": ("detailedDescription", "synthetic: then anlotinib")}
    assert assign_roles(["toripalimab", "capecitabine", "anlotinib", "gemcitabine"], sides,
                        VOCAB, found_in, compares=True) == [
        SettingFact("drug-role", "experimental", "briefTitle", "Toripalimab versus capecitabine",
                    drug="toripalimab"),
        SettingFact("drug-role", "comparator", "briefTitle", "Toripalimab versus capecitabine",
                    drug="capecitabine"),
        SettingFact("drug-role", "other", "detailedDescription", "synthetic: then anlotinib",
                    drug="anlotinib"),
        SettingFact("drug-role", "other", "", "", drug="gemcitabine")]


def test_a_study_comparing_nothing_tests_its_drugs_unless_named_as_history():
    assert assign_roles(["anlotinib", "gemcitabine"], [], VOCAB, {}, compares=False,
                        untested={"gemcitabine"}) == [
        SettingFact("drug-role", "experimental", "", "", drug="anlotinib"),
        SettingFact("drug-role", "other", "", "", drug="gemcitabine")]


def test_trial_arms_and_titles_together():
    trial = Trial("NCT09999991", brief_title="Toripalimab or placebo plus gemcitabine",
                  arms=[Arm("Synthetic A", "EXPERIMENTAL", description="anlotinib daily"),
                        Arm("Synthetic B", "PLACEBO_COMPARATOR")])
    roles = {f.drug: (f.value, f.field) for f in
             trial_roles(trial, VOCAB, ["anlotinib", "toripalimab", "gemcitabine"], {}, set())}
    assert roles == {"anlotinib": ("experimental", "arm: Synthetic A"),
                     "toripalimab": ("experimental", "briefTitle"),
                     "gemcitabine": ("background", "briefTitle")}


def test_the_official_title_states_sides_and_is_cited_by_its_field_name():
    trial = Trial("NCT09999995", brief_title="Synthetic study of toripalimab",
                  official_title="Toripalimab versus capecitabine in synthetic patients")
    roles = {f.drug: (f.value, f.field, f.text) for f in
             trial_roles(trial, VOCAB, ["toripalimab", "capecitabine"], {}, set())}
    assert roles == {
        "toripalimab": ("experimental", "officialTitle", trial.official_title),
        "capecitabine": ("comparator", "officialTitle", trial.official_title)}


@pytest.mark.parametrize("comparator_type", ["PLACEBO_COMPARATOR", "Placebo Comparator",
                                             "SHAM_COMPARATOR", "sham comparator"])
def test_a_placebo_arm_gives_its_backbone_to_both_sides_however_its_type_is_spelled(
        comparator_type):
    trial = Trial("NCT09999994", arms=[
        Arm("Synthetic A", "Experimental", intervention_names=["Drug: Toripalimab"]),
        Arm("Synthetic B", comparator_type, intervention_names=["Drug: Gemcitabine"])],
        interventions=[Intervention("Toripalimab", "DRUG", drugs=["toripalimab"]),
                       Intervention("Gemcitabine", "DRUG", drugs=["gemcitabine"])])
    roles = {f.drug: (f.value, f.field) for f in
             trial_roles(trial, VOCAB, ["toripalimab", "gemcitabine"], {}, set())}
    assert roles == {"toripalimab": ("experimental", "arm: Synthetic A"),
                     "gemcitabine": ("background", "arm: Synthetic B")}


@pytest.mark.parametrize("arms, anlotinib", [
    ([Arm("Synthetic A", "EXPERIMENTAL")], "experimental"),  # one arm compares nothing
    ([Arm("Synthetic A", "EXPERIMENTAL"), Arm("Synthetic B", "EXPERIMENTAL")], "other"),
    ([Arm("Synthetic A"), Arm("Synthetic B")], "experimental"),  # no arm says what it is
])
def test_a_drug_no_side_places_is_tested_unless_arms_are_compared_or_it_is_history(arms,
                                                                                    anlotinib):
    trial = Trial("NCT09999995", arms=arms)
    roles = {f.drug: f.value for f in
             trial_roles(trial, VOCAB, ["anlotinib", "gemcitabine"], {}, {"gemcitabine"})}
    assert roles == {"anlotinib": anlotinib, "gemcitabine": "other"}
