"""Eligibility text edges: line endings, indented paragraphs, list placement, runs opened by
repeated headings and remarks, and the exact kind reasons. All texts are synthetic."""

from __future__ import annotations

import pytest

from kg.sources.eligibility import parse_criteria

LATER_RUN = "under Inclusion Criteria but in a second bullet run after a blank-line break"


def _tree(criteria) -> list:
    """(number, text) of each item, children nested after their parent."""
    return [(c.number, c.text, _tree(c.children)) if c.children else (c.number, c.text)
            for c in criteria]


def _kinds(criteria) -> list[tuple[str, str, str]]:
    return [(c.text, c.kind, c.kind_reason) for c in criteria]


# --------------------------------------------------------------------------- lines


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_every_line_ending_splits_lines(newline):
    text = newline.join(["Inclusion Criteria", "* Age 18 or over.", "* ECOG 0-1."])
    criteria, preambles = parse_criteria(text)
    assert [(c.section, c.number, c.text) for c in criteria] == [
        ("inclusion", "1", "Age 18 or over."), ("inclusion", "2", "ECOG 0-1.")]
    assert preambles == []


@pytest.mark.parametrize("indent", [" ", "    "])
def test_an_indented_paragraph_after_a_blank_line_belongs_to_the_item_above(indent):
    text = (f"Inclusion Criteria\n* Signed consent.\n\n{indent}The form may be read aloud.\n"
            "* ECOG 0-1.")
    criteria, preambles = parse_criteria(text)
    assert [c.text for c in criteria] == [
        "Signed consent.\n\nThe form may be read aloud.", "ECOG 0-1."]
    assert [c.kind_reason for c in criteria] == ["listed under Inclusion Criteria"] * 2
    assert preambles == []


def test_an_unindented_paragraph_after_a_blank_line_is_a_remark():
    text = "Inclusion Criteria\n* Signed consent.\n\nThe form may be read aloud.\n* ECOG 0-1."
    criteria, preambles = parse_criteria(text)
    assert [c.text for c in criteria] == ["Signed consent.", "ECOG 0-1."]
    assert preambles == ["The form may be read aloud."]


# --------------------------------------------------------------------------- placement


def test_a_number_continues_its_own_list_not_a_lettered_sublist_at_the_same_count():
    # "3." follows "b)", whose count (2) is one less; only the numbered list continues it
    text = ("Exclusion Criteria\n1. Pregnancy\n2. Prior therapy:\na) chemotherapy\n"
            "b) surgery\n3. HIV")
    criteria, _ = parse_criteria(text)
    assert _tree(criteria) == [
        ("1", "Pregnancy"),
        ("2", "Prior therapy:", [("2.1", "chemotherapy"), ("2.2", "surgery")]),
        ("3", "HIV")]


def test_bullets_after_a_numbered_item_ending_in_a_colon_are_its_sublist():
    text = "Exclusion Criteria\n1. Prior therapy:\n* chemotherapy\n* surgery\n2. HIV"
    criteria, _ = parse_criteria(text)
    assert _tree(criteria) == [
        ("1", "Prior therapy:", [("1.1", "chemotherapy"), ("1.2", "surgery")]), ("2", "HIV")]
    assert [(c.kind, c.kind_reason) for c in criteria[0].children] == [
        ("exclusion", "part of exclusion item 1")] * 2


def test_a_bullet_after_a_sublist_without_bullets_is_top_level():
    # no open bullet list and the item above does not end in ":": the bullet starts afresh
    text = "Inclusion Criteria\n1. Prior therapy allowed\na) chemotherapy\n* Signed consent."
    criteria, _ = parse_criteria(text)
    assert _tree(criteria) == [
        ("1", "Prior therapy allowed", [("1.1", "chemotherapy")]), ("2", "Signed consent.")]
    assert (criteria[1].kind, criteria[1].kind_reason) == (
        "inclusion", "listed under Inclusion Criteria")


def test_a_bullet_returns_to_the_nearest_bullet_list_under_a_lettered_sublist():
    text = ("Exclusion Criteria\n1. Prior therapy:\n* chemotherapy:\na) cisplatin\n"
            "* radiotherapy\n2. HIV")
    criteria, _ = parse_criteria(text)
    assert _tree(criteria) == [
        ("1", "Prior therapy:", [("1.1", "chemotherapy:", [("1.1.1", "cisplatin")]),
                                 ("1.2", "radiotherapy")]),
        ("2", "HIV")]


def test_a_shallower_indent_closes_the_deeper_bullet_lists():
    text = "Inclusion Criteria\n* Organs:\n  * Blood:\n    * HB >= 90\n  * Liver:\n* Consent"
    criteria, _ = parse_criteria(text)
    assert _tree(criteria) == [
        ("1", "Organs:", [("1.1", "Blood:", [("1.1.1", "HB >= 90")]), ("1.2", "Liver:")]),
        ("2", "Consent")]


# --------------------------------------------------------------------------- runs and kinds


def test_items_without_a_heading_are_classified_by_wording_with_exact_reasons():
    criteria, _ = parse_criteria("* Age 18 or over.\n* HIV positive.")
    assert _kinds(criteria) == [
        ("Age 18 or over.", "inclusion",
         "no Inclusion/Exclusion heading; read as inclusion by default"),
        ("HIV positive.", "exclusion",
         "no Inclusion/Exclusion heading; worded as a disqualifying state "
         "(cue: '... positive' infection marker)")]


def test_a_repeated_inclusion_heading_opens_a_later_run():
    text = ("Inclusion Criteria\n* Age 18 or over.\n* ECOG 0-1.\n"
            "Inclusion Criteria\n* Existing brain metastasis.")
    criteria, _ = parse_criteria(text)
    assert [c.number for c in criteria] == ["1", "2", "3"]
    assert _kinds(criteria)[2] == (
        "Existing brain metastasis.", "exclusion",
        "under a repeated Inclusion Criteria heading; worded as a disqualifying state "
        "(cue: 'existed/existing ...')")


def test_runs_after_a_repeated_heading_stay_apart_from_the_first_run():
    text = ("Inclusion Criteria\n* Age 18 or over.\nInclusion Criteria\n* ECOG 0-1.\n\n"
            "* Existing brain metastasis.")
    criteria, _ = parse_criteria(text)
    assert _kinds(criteria) == [
        ("Age 18 or over.", "inclusion", "listed under Inclusion Criteria"),
        ("ECOG 0-1.", "inclusion",
         "listed under a repeated Inclusion Criteria heading, whose items do not read as "
         "exclusions"),
        ("Existing brain metastasis.", "exclusion",
         f"{LATER_RUN}; worded as a disqualifying state (cue: 'existed/existing ...')")]


@pytest.mark.parametrize("remarks", [
    ["The following patients are excluded:"],
    ["The following patients are excluded:", "See the protocol for details."],
])
def test_a_remark_before_a_repeated_heading_does_not_open_the_run_under_it(remarks):
    # the heading, nearer to the items, says Inclusion: a remark above it opens no run
    text = "\n".join(["Inclusion Criteria", "* Age 18 or over.", "", *remarks,
                      "Inclusion Criteria", "* Prior surgery within 4 weeks."])
    criteria, preambles = parse_criteria(text)
    assert preambles == remarks
    assert _kinds(criteria)[1] == (
        "Prior surgery within 4 weeks.", "inclusion",
        "listed under a repeated Inclusion Criteria heading, whose items do not read as "
        "exclusions")


def test_each_blank_line_break_opens_its_own_run():
    # the cued item's run is an exclusion run; the run after it, without cues, is not
    text = ("Inclusion Criteria\n* Age 18 or over.\n\n* Existing brain metastasis.\n\n"
            "* Signed consent.\n* ECOG 0-1.")
    criteria, _ = parse_criteria(text)
    assert [c.kind for c in criteria] == ["inclusion", "exclusion", "inclusion", "inclusion"]
    assert criteria[3].kind_reason == f"listed {LATER_RUN}, whose items do not read as exclusions"


def test_a_remark_opens_a_run_of_its_own_after_a_blank_line_run():
    text = ("Inclusion Criteria\n* Age 18 or over.\n\n* Signed consent.\n\n"
            "Patients with these are excluded:\n* Prior surgery within 4 weeks.")
    criteria, _ = parse_criteria(text)
    assert _kinds(criteria)[1:] == [
        ("Signed consent.", "inclusion",
         f"listed {LATER_RUN}, whose items do not read as exclusions"),
        ("Prior surgery within 4 weeks.", "exclusion",
         "under Inclusion Criteria but in a later run opened by the remark "
         "'Patients with these are excluded:'; the run reads as exclusions "
         "(0 of 1 items carry cues)")]


def test_a_blank_line_run_after_a_remark_run_is_a_later_run_again():
    text = ("Inclusion Criteria\n* Age 18 or over.\n\nAlso required:\n* ECOG 0-1.\n\n"
            "* Signed consent.")
    criteria, preambles = parse_criteria(text)
    assert preambles == ["Also required:"]
    assert _kinds(criteria) == [
        ("Age 18 or over.", "inclusion", "listed under Inclusion Criteria"),
        ("ECOG 0-1.", "inclusion",
         "listed under Inclusion Criteria but in a later run opened by the remark "
         "'Also required:', whose items do not read as exclusions"),
        ("Signed consent.", "inclusion",
         f"listed {LATER_RUN}, whose items do not read as exclusions")]


def test_a_blank_line_after_a_heading_or_a_sub_item_opens_no_run():
    text = ("Inclusion Criteria\n\n* Existing brain metastasis allowed if treated:\n"
            "  * stable for 4 weeks\n\n* HIV positive allowed if controlled.")
    criteria, _ = parse_criteria(text)
    assert [(c.kind, c.kind_reason) for c in criteria] == [
        ("inclusion", "listed under Inclusion Criteria (wording cue 'existed/existing ...' "
         "not acted on: item is in the first run)"),
        ("inclusion", "listed under Inclusion Criteria (wording cue '... positive' infection "
         "marker not acted on: item is in the first run)")]
