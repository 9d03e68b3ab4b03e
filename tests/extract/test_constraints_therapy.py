"""Prior therapy and medication constraints (kg.extract.constraints.therapy) read from
CT.gov-style criterion texts (synthetic phrasings): the drug classes of the curated
vocabulary as written in many spellings, the drugs, live vaccines and investigational agents,
the daily glucocorticoid limit and the interval after radiotherapy."""

from __future__ import annotations

import pytest

from kg.extract.constraints import criterion_constraints

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
    # the class and every narrower one; the label names the first three
    assert c.drug_classes == ICI_AND_NARROWER
    assert c.label == ("immune checkpoint inhibitor, anti-CTLA-4 antibody, anti-PD-1 antibody, "
                       "D000082082")


def test_a_class_name_inside_a_word_is_not_a_class():
    assert _therapy("Prior xanti-PD-1 or anti-PD-1x therapy") == []
