"""Prior therapy and medication constraints (kg.extract.constraints.therapy) read from
CT.gov-style criterion texts (synthetic phrasings): the drug classes of the curated
vocabulary as written in many spellings, the drugs, live vaccines and investigational agents,
the daily glucocorticoid limit and the interval after radiotherapy."""

from __future__ import annotations

import copy

import pytest

from kg.extract.constraints import criterion_constraints, therapy
from kg.extract.constraints.concepts import default_concepts
from kg.extract.constraints.context import Context
from kg.model import TimeWindow
from kg.vocab import default_vocabulary

ICI_AND_NARROWER = ["immune-checkpoint-inhibitor", "anti-ctla-4", "anti-pd-1", "anti-pd-l1"]


def _therapy(text: str, kind: str = "exclusion"):
    return [c for c in criterion_constraints(text, kind) if c.kind == "therapy"]


def test_a_class_is_found_by_its_vocabulary_name_with_its_span():
    (c,) = _therapy("Prior treatment with an anti-PD-L1 antibody")
    assert (c.effect, c.concept, c.text, c.start, c.end) == \
        ("exclude", "anti-pd-l1", "anti-PD-L1 antibody", 24, 43)
    assert (c.label, c.drug_classes, c.drugs) == ("anti-PD-L1 antibody", ["anti-pd-l1"], [])


def test_the_longest_class_name_wins():
    (c,) = _therapy("Previous anti-PD-1 antibody therapy", "inclusion")
    assert (c.effect, c.concept, c.text, c.end) == \
        ("require", "anti-pd-1", "anti-PD-1 antibody", 27)


@pytest.mark.parametrize("text, written", [
    ("prior anti pd 1 therapy", "anti pd 1"),  # hyphens dropped or spaced, any case
    ("Prior antiPD1 therapy", "antiPD1"),
    ("ANTI-PD-1 ANTIBODY treatment", "ANTI-PD-1 ANTIBODY"),
])
def test_a_class_name_is_matched_in_any_case_with_or_without_hyphens(text, written):
    (c,) = _therapy(text)
    assert (c.concept, c.text, c.drug_classes) == ("anti-pd-1", written, ["anti-pd-1"])


def test_a_space_in_a_class_name_matches_hyphens_and_runs_of_spaces():
    (c,) = _therapy("Prior immune-checkpoint  inhibitors")
    assert (c.concept, c.text, c.start, c.end) == \
        ("immune-checkpoint-inhibitor", "immune-checkpoint  inhibitors", 6, 35)
    # the class and every narrower one; the label names the first three, then the drugs by
    # name (this one is known only from MeSH, keyed by its UI)
    assert c.drug_classes == ICI_AND_NARROWER
    assert c.drugs == ["D000082082"]
    assert c.label == ("immune checkpoint inhibitor, anti-CTLA-4 antibody, anti-PD-1 antibody, "
                       "Immune Checkpoint Inhibitors")


def test_a_class_name_inside_a_word_is_not_a_class():
    assert _therapy("Prior xanti-PD-1 or anti-PD-1x therapy") == []


def _found(text: str):
    ctx = Context("exclusion", default_concepts(), default_vocabulary())
    return [(c.key, c.concept, c.text, c.start, c.end) for c in therapy.find(text, ctx)]


ANTI_PD1 = "anti-PD-1 antibody"


def test_each_sentence_naming_a_therapy_gives_one_constraint():
    assert _found("Prior anti-PD-1 antibody treatment. Prior treatment with taxanes") == [
        ("", "anti-pd-1", ANTI_PD1, 6, 24), ("", "taxane", "taxanes", 57, 64)]


@pytest.mark.parametrize("text", [
    "Allergy to anti-PD-1 antibody treatment",
    "Allergy" + " " * 43 + "anti-PD-1 antibody treatment",  # the allergy 50 characters back
    "If prior anti-PD-1 antibody treatment, wait 4 weeks",
    "Prior anti-PD-1 antibody treatment can be included",
    "Prior anti-PD-1 antibody treatment IS ALLOWED",
    "Prior anti-PD-1 antibody treatment is allowed. Other text",
    "Other text. Prior anti-PD-1 antibody treatment is allowed",
])
def test_allergies_premises_and_allowances_are_not_prior_therapy(text):
    assert _found(text) == []


def test_an_allergy_further_back_than_50_characters_is_not_the_drugs():
    assert _found("Allergy" + " " * 44 + "anti-PD-1 antibody treatment") == \
        [("", "anti-pd-1", ANTI_PD1, 51, 69)]


@pytest.mark.parametrize("text, start", [
    ("Hypersensitivity to taxanes. Any prior systemic treatment with an anti-PD-1 antibody", 66),
    ("Tacrolimus level > 10 ng/mL or prior anti-PD-1 antibody treatment", 37),
    ("Prior anti-PD-1 antibody treatment is allowed. Prior treatment with anti-PD-1 antibody",
     68),
])
def test_a_name_left_out_does_not_stop_the_next_one(text, start):
    assert _found(text) == [("", "anti-pd-1", ANTI_PD1, start, start + 18)]


def test_a_therapy_takes_the_window_of_its_sentence():
    ctx = Context("exclusion", default_concepts(), default_vocabulary())
    (c,) = therapy.find("Anti-PD-1 antibody treatment within 4 weeks. Other text", ctx)
    assert c.window == TimeWindow("within", 4.0, "wk", "inclusion")


def test_the_class_pattern_is_built_once_per_vocabulary(monkeypatch):
    built = []
    real = therapy._build_class_pattern
    monkeypatch.setattr(therapy, "_build_class_pattern",
                        lambda vocab: built.append(vocab) or real(vocab))
    therapy._CLASS_PATTERNS.clear()
    vocab = default_vocabulary()
    first = therapy._class_pattern(vocab)
    assert therapy._class_pattern(vocab) is first and built == [vocab]
    other = copy.copy(vocab)
    assert therapy._class_pattern(other).pattern == first.pattern and built == [vocab, other]
    assert therapy._class_pattern(vocab) is first and len(built) == 2


STEROIDS = ("Systemic glucocorticoids (> 10 mg prednisone per day) or other immunosuppressive "
            "drugs within 14 days before the first dose")


def test_a_daily_glucocorticoid_limit_and_the_immunosuppressants_beside_it():
    ctx = Context("exclusion", default_concepts(), default_vocabulary())
    found = therapy.find(STEROIDS, ctx)
    two_weeks = TimeWindow("within", 14.0, "d", "the first dose")
    steroid = next(c for c in found if c.kind == "medication")
    # the span runs to the day, and the text is what it spans
    assert (steroid.effect, steroid.start, steroid.end, steroid.concept, steroid.label) == \
        ("exclude", 9, 52, "systemic-glucocorticoid",
         "systemic glucocorticoid (prednisone equivalent)")
    assert steroid.text == STEROIDS[9:52] == "glucocorticoids (> 10 mg prednisone per day"
    assert (steroid.comparator, steroid.value, steroid.unit, steroid.drugs, steroid.status,
            steroid.window) == (">", 10.0, "mg/d", ["prednisone"], "assumed", two_weeks)
    assert steroid.assumptions == [
        "doses of other glucocorticoids are converted to prednisone equivalents; only "
        "systemic routes (oral, intravenous, intramuscular) count, as the criterion allows "
        "topical and replacement use"]
    sup = next(c for c in found if c.concept == "immunosuppressant")
    assert (sup.kind, sup.effect, sup.text, sup.start, sup.end, sup.label, sup.window) == \
        ("therapy", "exclude", "immunosuppressive drugs", 63, 86, "immunosuppressive drug",
         two_weeks)


@pytest.mark.parametrize("text, concept, label, written, window", [
    ("Live attenuated vaccines within 30 days", "live-vaccine", "live attenuated vaccine",
     "Live attenuated vaccines", TimeWindow("within", 30.0, "d", "inclusion")),
    ("Participation in another interventional clinical trial within 4 weeks",
     "investigational-agent", "investigational drug or clinical trial of one",
     "Participation in another interventional clinical trial",
     TimeWindow("within", 4.0, "wk", "inclusion")),
])
def test_live_vaccines_and_other_trials(text, concept, label, written, window):
    ctx = Context("inclusion", default_concepts(), default_vocabulary())
    (c,) = therapy.find(text, ctx)
    assert (c.key, c.kind, c.effect, c.concept, c.label, c.text, c.start, c.end, c.window) == \
        ("", "therapy", "require", concept, label, written, 0, len(written), window)


def test_the_interval_from_radiotherapy_to_recurrence():
    ctx = Context("inclusion", default_concepts(), default_vocabulary())
    (c,) = therapy.find("Recurrence at least 6 months after completing chemotherapy and "
                        "radiotherapy.", ctx)
    assert (c.key, c.kind, c.effect, c.concept, c.label, c.start, c.end) == \
        ("", "therapy", "require", "radiotherapy-to-recurrence",
         "recurrence or metastasis after completing radiotherapy", 11, 75)
    assert c.text == "at least 6 months after completing chemotherapy and radiotherapy"
    assert c.window == TimeWindow("at-least", 6.0, "mo", "chemotherapy and radiotherapy")
    # no recurrence named: no interval
    assert therapy.find("At least 6 months after completing radiotherapy.", ctx) == []


@pytest.mark.parametrize("text, written", [
    ("Prednisone > 10 mg daily", "Prednisone > 10 mg daily"),
    ("Steroids more than 20 mg a day, or any", "Steroids more than 20 mg a day"),
    ("corticosteroids ≥ 10 mg of prednisone or equivalent / day",
     "corticosteroids ≥ 10 mg of prednisone or equivalent / day"),
    ("Prednisolone > 10 mg/day for a week", "Prednisolone > 10 mg/day"),  # the unit says it
])
def test_a_glucocorticoid_limit_spans_its_dose_to_the_day(text, written):
    ctx = Context("exclusion", default_concepts(), default_vocabulary())
    (c,) = therapy.find(text, ctx)
    assert (c.kind, c.text, c.start, c.end, c.unit) == \
        ("medication", written, 0, len(written), "mg/d")


@pytest.mark.parametrize("text", [
    "Prednisone > 10 mg for any reason",
    "Prednisone > 10 mg" + " " * 30 + "for longer per day",  # the day 41 characters on
    "Prednisone > 10 mg on Monday",
    "Prednisone > 10 mg/kg daily",  # not a plain daily dose
])
def test_a_glucocorticoid_dose_without_its_day_is_no_daily_limit(text):
    ctx = Context("exclusion", default_concepts(), default_vocabulary())
    assert [c for c in therapy.find(text, ctx) if c.kind == "medication"] == []


@pytest.mark.parametrize("text, found", [
    # the cue may be a sentence's first word, in the first sentence or a later one
    ("Prior anlotinib", [("", "anlotinib", "anlotinib", 6, 15)]),
    ("Aged 18 or over. Prior anlotinib", [("", "anlotinib", "anlotinib", 23, 32)]),
    # a cue in the next sentence is not this sentence's
    ("Anlotinib. Prior radiotherapy", []),
    ("Prior radiotherapy. Anlotinib", []),  # nor one in the sentence before
    ("Measurable disease per RECIST 1.1. Anlotinib. Prior radiotherapy", []),
    # the sentence ends at the first stop after the drug, not the last one in the text
    ("Anlotinib. Prior radiotherapy. Aged 18 or over", []),
    # an allowance in the next sentence does not allow this one's drug
    ("Prior anlotinib. Patients may be enrolled after a washout",
     [("", "anlotinib", "anlotinib", 6, 15)]),
    ("Prior anlotinib. Patients may be enrolled after a washout. Aged 18 or over",
     [("", "anlotinib", "anlotinib", 6, 15)]),
    ("Prior anlotinib; patients who received it cannot be enrolled",
     [("", "anlotinib", "anlotinib", 6, 15)]),
])
def test_a_drugs_cue_and_allowance_are_read_in_its_own_sentence(text, found):
    assert _found(text) == found


@pytest.mark.parametrize("text", [
    "Prior anlotinib may be enrolled",
    "Prior anlotinib can  be included",
    "Prior anlotinib treatment is permitted",
    "Patients with prior anlotinib are allowed",
    "Patients with prior anlotinib ARE PERMITTED",
])
def test_each_wording_of_an_allowance_allows(text):
    assert _found(text) == []


@pytest.mark.parametrize(("text", "pos", "start"), [
    ("No prior anti-PD-1. Prior chemotherapy allowed. Prior TKI", 50, 48),  # after the last
    ("No prior anti-PD-1. Prior TKI", 5, 0),  # the first sentence starts the text
    (". Prior TKI", 5, 2),  # a stop at the very start still ends a sentence
])
def test_a_sentence_starts_after_the_last_stop_before_the_position(text, pos, start):
    assert therapy._sentence_start(text, pos) == start


def _find(text: str, kind: str = "inclusion"):
    return therapy.find(text, Context(kind, default_concepts(), default_vocabulary()))


@pytest.mark.parametrize("text", [
    "Recurrence at least 6 months after completing surgery.",       # not after radiotherapy
    "Recurrence within 6 months after completing radiotherapy.",    # not "at least"
])
def test_only_an_at_least_interval_after_radiotherapy_is_the_interval(text):
    assert [c for c in _find(text) if c.concept == "radiotherapy-to-recurrence"] == []


def test_each_window_of_a_criterion_is_tried_for_the_interval():
    text = ("No surgery within 4 weeks; no radiotherapy at least 2 weeks before; recurrence "
            "at least 6 months after completing radiotherapy.")
    found = [c for c in _find(text) if c.concept == "radiotherapy-to-recurrence"]
    assert [c.window for c in found] == [TimeWindow("at-least", 6.0, "mo", "radiotherapy")]


@pytest.mark.parametrize("gap, found", [(120, True), (121, False)])
def test_the_recurrence_is_named_at_most_120_characters_before_the_interval(gap, found):
    text = "Recurrence" + " " * (gap - len("Recurrence")) + \
        "at least 6 months after completing radiotherapy"
    assert bool(_find(text)) is found


def test_a_live_vaccine_in_an_if_premise_is_no_constraint():
    assert _find("If live attenuated vaccines were received, wait 30 days.") == []


def test_a_special_therapy_and_an_immunosuppressant_take_their_own_sentences_window():
    (vaccine,) = _find("Live attenuated vaccines within 30 days. Other text follows.")
    assert vaccine.window == TimeWindow("within", 30.0, "d", "inclusion")
    found = _find("Prednisone > 10 mg per day or immunosuppressive drugs within 14 days. "
                  "Other text follows.", "exclusion")
    sup = next(c for c in found if c.concept == "immunosuppressant")
    assert sup.window == TimeWindow("within", 14.0, "d", "inclusion")


@pytest.mark.parametrize("letters, found", [(31, True), (32, False)])
def test_the_day_of_a_daily_dose_ends_at_most_40_characters_on(letters, found):
    text = "Prednisone > 10 mg " + "z" * letters + " per day"  # 'per day' ends at 40, 41
    assert bool([c for c in _find(text, "exclusion") if c.kind == "medication"]) is found


@pytest.mark.parametrize("text, value", [
    ("Prednisone > 5% or more than 10 mg per day", 10.0),  # a percentage: no dose
    ("Prednisone > 10 mg on some days of the week only, or more than 5 mg per day", 5.0),
])
def test_a_comparator_that_is_no_daily_dose_does_not_stop_the_next(text, value):
    (c,) = [c for c in _find(text, "exclusion") if c.kind == "medication"]
    assert (c.text, c.value) == (text, value)  # from the drug's name to the day


def test_a_sentence_without_a_therapy_cue_does_not_stop_the_next():
    found = _therapy("Pembrolizumab is the study drug. Prior nivolumab therapy.")
    assert [(c.text, c.drugs) for c in found] == [("nivolumab", ["nivolumab"])]


def test_an_interval_after_radiotherapy_without_a_recurrence_does_not_stop_the_next():
    text = ("At least 4 weeks after radiotherapy, wounds healed and all toxicity resolved to "
            "grade 1 or lower, as judged by the investigator at the screening visit. "
            "Recurrence at least 6 months after completing radiotherapy.")
    found = [c for c in _find(text) if c.concept == "radiotherapy-to-recurrence"]
    assert [c.window for c in found] == [TimeWindow("at-least", 6.0, "mo", "radiotherapy")]


def test_a_drug_named_inside_a_class_name_keeps_the_class_names_whole_span():
    # MeSH's "Tyrosine Kinase Inhibitors" ends where the class "VEGFR tyrosine-kinase
    # inhibitor" ends but starts inside it: mentions are read in the order they start
    (c,) = _therapy("Prior treatment with a VEGFR tyrosine-kinase inhibitor")
    assert (c.concept, c.text, c.start, c.end) == (
        "vegfr-tki", "VEGFR tyrosine-kinase inhibitor", 23, 54)
    assert (c.drug_classes, c.drugs) == (["vegfr-tki"], ["D000092004"])
