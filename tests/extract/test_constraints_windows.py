"""Time windows (kg.extract.constraints.windows) in synthetic criterion phrasings: each kind
of window with its anchor, windows that overlap or touch, and which window belongs to the
sentence of a name."""

from __future__ import annotations

import pytest

from kg.extract.constraints.windows import find, nearest
from kg.model import TimeWindow


@pytest.mark.parametrize("text, window, start, end", [
    ("Received anti-PD-1 within 4 weeks before the first dose",
     TimeWindow("within", 4.0, "wk", "the first dose"), 19, 55),
    ("Surgery 4 weeks prior to randomization",  # no "within": the span comes first
     TimeWindow("within", 4.0, "wk", "randomization"), 8, 38),
    ("Myocardial infarction in the past 1 year",  # no anchor: inclusion
     TimeWindow("within", 1.0, "a", "inclusion"), 22, 40),
    ("recurrence at least 6 months after completing radiotherapy.",
     TimeWindow("at-least", 6.0, "mo", "radiotherapy"), 11, 58),
    ("relapse at least 6 months after the end of  Chemo\n therapy.",  # spaces folded
     TimeWindow("at-least", 6.0, "mo", "chemo therapy"), 8, 58),
    ("recurrence in at least 6 months after completing Radiotherapy.",
     TimeWindow("at-least", 6.0, "mo", "radiotherapy"), 11, 61),
])
def test_each_kind_of_window_with_its_anchor(text, window, start, end):
    assert find(text) == [(window, start, end)]


def test_a_window_inside_another_is_skipped_and_the_next_one_kept():
    # "over 6 months" is also a "within" phrasing, inside the "at least" window
    assert find("over 6 months after surgery, and within 4 weeks") == [
        (TimeWindow("at-least", 6.0, "mo", "surgery"), 0, 27),
        (TimeWindow("within", 4.0, "wk", "inclusion"), 33, 47)]


def test_windows_that_touch_are_both_kept_in_text_order():
    assert find("for 2 weeks>6 months after surgery.") == [
        (TimeWindow("within", 2.0, "wk", "inclusion"), 0, 11),
        (TimeWindow("at-least", 6.0, "mo", "surgery"), 11, 34)]
    assert find("within 4 weeks before inclusion3 days before screening") == [
        (TimeWindow("within", 4.0, "wk", "inclusion"), 0, 31),
        (TimeWindow("within", 3.0, "d", "screening"), 31, 54)]


def _nearest(text: str, word: str) -> TimeWindow | None:
    return nearest(find(text), text.index(word), text)


FOUR_WEEKS = TimeWindow("within", 4.0, "wk", "inclusion")


def test_the_window_of_the_names_sentence():
    assert _nearest("within 4 weeks, any drug", "drug") == FOUR_WEEKS  # window at 0
    assert _nearest("Any drug within 4 weeks", "drug") == FOUR_WEEKS


@pytest.mark.parametrize("text", [
    # a window of an earlier sentence
    "Surgery. Within 4 weeks. Any drug",
    "Surgery; within 4 weeks; any drug",
    "Within 4 weeks. Any drug",
    "Within 4 weeks; any drug",
    # a window of a later sentence
    "Any drug. Within 4 weeks. Surgery",
    "Any drug; within 4 weeks; surgery",
    "Any drug. Within 4 weeks",
    "Any drug; within 4 weeks",
])
def test_a_window_of_another_sentence_is_not_the_names(text):
    assert _nearest(text, "drug") is None


@pytest.mark.parametrize("text", [
    "Surgery. Any drug within 4 weeks",
    "Surgery; any drug within 4 weeks",
    "Within 4 weeks, any drug; surgery",
    "Within 4 weeks, any drug; surgery; more",
])
def test_separators_elsewhere_do_not_cut_the_names_sentence(text):
    assert _nearest(text, "drug") == FOUR_WEEKS


def test_a_name_at_a_separator_has_an_empty_sentence():
    assert nearest(find(". within 4 weeks"), 0, ". within 4 weeks") is None
    assert nearest(find("; within 4 weeks"), 0, "; within 4 weeks") is None
