"""Performance status and age (kg.extract.constraints.performance) in synthetic criterion
phrasings: grades listed, ranged or compared, at the scales' bounds, and ages at theirs."""

from __future__ import annotations

import pytest

from kg.extract.constraints import criterion_constraints


def _read(text: str, kind: str = "performance-status"):
    return [(c.comparator, c.value, c.upper, c.text, c.status, c.assumptions)
            for c in criterion_constraints(text, "inclusion") if c.kind == kind]


@pytest.mark.parametrize("text, written", [
    ("ECOG 0 OR 1", "ECOG 0 OR 1"),
    ("ECOG PS 0 To 1", "ECOG PS 0 To 1"),
    ("ECOG 0 or 1", "ECOG 0 or 1"),
    ("ECOG 0 and 1", "ECOG 0 and 1"),
])
def test_listed_grades_are_read_whatever_the_case_of_the_words(text, written):
    assert _read(text) == [("in-range", 0.0, 1.0, written, "computable", [])]


def test_points_are_part_of_the_score_whatever_their_case():
    assumed = ["no comparator written; read as '>= 80'"]
    assert _read("Karnofsky 80 Points") == \
        [(">=", 80.0, None, "Karnofsky 80 Points", "assumed", assumed)]
    assert _read("KPS 80 points") == [(">=", 80.0, None, "KPS 80 points", "assumed", assumed)]
