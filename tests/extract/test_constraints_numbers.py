"""Numbers, units, normal limits, grades and time spans as registry texts write them
(kg.extract.constraints.numbers), on synthetic threshold texts."""

from __future__ import annotations

import pytest

from kg.extract.constraints.numbers import SPAN, Quantity, ordinal_at, quantity_at, time_span

LOST = "the exponent's superscript was lost in the registry text"


@pytest.mark.parametrize("text, value, unit, end", [
    ("1.5 × 10^9/L", 1.5, "10*9/L", 12),
    ("1.5 × 10^9/l", 1.5, "10*9/L", 12),
    ("100 x 10⁹/µL", 100.0, "10*9/uL", 12),  # micro sign
    ("100 x 10⁹/μL", 100.0, "10*9/uL", 12),  # Greek mu
    ("100 x 10^9/ul", 100.0, "10*9/uL", 13),
    ("2 x 10^9/μl", 2.0, "10*9/uL", 11),  # Greek mu, lower-case litre
    ("2 x 10^9/µl", 2.0, "10*9/uL", 11),  # micro sign, lower-case litre
    ("5 × 10^3/mL", 5.0, "10*3/mL", 11),
    ("5 × 10^3/mm³", 5.0, "10*3/mm3", 12),
    ("5 × 10^3/mm3", 5.0, "10*3/mm3", 12),
    ("5 × 10^3/ml", 5.0, "10*3/mL", 11),
])
def test_a_count_per_volume_keeps_its_power_of_ten_in_the_unit(text, value, unit, end):
    assert quantity_at(text, 0) == Quantity(value, unit, end=end)


@pytest.mark.parametrize("text, value, unit, end", [
    ("2 x 10^3 IU/mL", 2000.0, "[iU]/mL", 14),
    ("2 x 10^3 iu/ml", 2000.0, "[iU]/mL", 14),
    ("10^4 copies/mL", 10000.0, "{copies}/mL", 14),
    ("10^4 IU/mL", 10000.0, "[iU]/mL", 10),
])
def test_copies_and_units_per_volume_multiply_the_value(text, value, unit, end):
    assert quantity_at(text, 0) == Quantity(value, unit, end=end)


def test_a_lost_superscript_is_read_with_the_assumption_said():
    assert quantity_at("4*109/L", 0) == Quantity(
        4.0, "10*9/L", end=7, assumptions=[f"'*109/L' read as x 10^9: {LOST}"])
    assert quantity_at("1*104 copies/ml", 0) == Quantity(
        10000.0, "{copies}/mL", end=15,
        assumptions=[f"'*104 copies/ml' read as x 10^4: {LOST}"])
    assert quantity_at("3_109/L", 0) == Quantity(
        3.0, "10*9/L", end=7, assumptions=[f"'_109/L' read as x 10^9: {LOST}",
                                           "'_' read as a multiplication sign"])


@pytest.mark.parametrize("text, value, limit, end", [
    ("2.5 × LLN", 2.5, "LLN", 9),
    ("0.5 × lln", 0.5, "LLN", 9),
    ("2.5 × ULN", 2.5, "ULN", 9),
    ("lower limit of normal", 1.0, "LLN", 21),
    ("Lower limit of normal", 1.0, "LLN", 21),
    ("upper limit of normal", 1.0, "ULN", 21),
    ("1.5 x the upper limit of normal", 1.5, "ULN", 31),
    ("0.8 times the lower limit of normal", 0.8, "LLN", 35),
])
def test_a_multiple_of_a_normal_limit_names_which_limit(text, value, limit, end):
    assert quantity_at(text, 0) == Quantity(value, limit=limit, end=end)


@pytest.mark.parametrize("text, pos, grade", [
    ("++", 0, (2, 2)),
    ("++++", 0, (4, 4)),
    ("2+", 0, (2, 2)),
    ("3 +", 0, (3, 3)),
    ("protein  ++ ", 7, (2, 11)),
    ("protein 1+", 7, (1, 10)),
])
def test_a_dipstick_grade(text, pos, grade):
    assert ordinal_at(text, pos) == grade


@pytest.mark.parametrize("text", ["+a", "5+", "+++++", "protein"])
def test_no_dipstick_grade(text):
    assert ordinal_at(text, 0) is None


@pytest.mark.parametrize("text, span", [
    ("four weeks", (4.0, "wk")),
    ("Six months", (6.0, "mo")),
    ("two Years", (2.0, "a")),
    ("TEN days", (10.0, "d")),
    ("3 days", (3.0, "d")),
    ("12 wks", (12.0, "wk")),
    ("1.5 years", (1.5, "a")),
])
def test_a_time_span_in_words_or_digits(text, span):
    assert time_span(SPAN.search(text)) == span


@pytest.mark.parametrize("text, pos, quantity", [
    ("Hb ≥ 9,5 g/dL", 5, Quantity(9.5, "g/dL", end=13)),  # a decimal comma
    ("PLT ≥ 100,000/mm3", 6, Quantity(100000.0, "/mm3", end=17)),  # a thousands comma
    ("ALT <= ULN", 7, Quantity(1.0, limit="ULN", end=10)),  # a bare limit is 1 x ULN
    ("DNA < 10^4 IU/mL", 6, Quantity(10000.0, "[iU]/mL", end=16)),
])
def test_a_quantity_read_where_it_starts(text, pos, quantity):
    assert quantity_at(text, pos) == quantity


@pytest.mark.parametrize("text", ["× ULN", "x the upper limit of normal", "times LLN", "X 5 mg",
                                  "X5"])
def test_a_multiplication_sign_without_a_number_is_no_quantity(text):
    assert quantity_at(text, 0) is None


@pytest.mark.parametrize("text, quantity", [
    ("10⁹/L", Quantity(1.0, "10*9/L", end=5)),  # a power alone, its exponent superscript
    ("10^4 copies/mL", Quantity(10000.0, "{copies}/mL", end=14)),
    ("109/L", Quantity(109.0, end=3)),  # no multiplication sign: a number, not 10^9
    ("5 apples", Quantity(5.0, end=1)),  # no unit read
])
def test_a_power_of_ten_alone_needs_a_caret_or_a_superscript(text, quantity):
    assert quantity_at(text, 0) == quantity


@pytest.mark.parametrize("text", ["10 mg/kg", "10 mg / kg/day", "75 mg/m²", "2 g/kg",
                                  "5 mg/dL/h"])
def test_a_unit_divided_again_is_no_unit_the_table_knows(text):
    # a dose per body weight or area is not the plain unit it starts with
    assert quantity_at(text, 0) == Quantity(float(text.split()[0]), None, end=len(
        text.split()[0]))


@pytest.mark.parametrize("text, unit", [("10 mg/day", "mg/d"), ("10 mg /d", "mg/d"),
                                        ("10 mg per 1", "mg"), ("10 mg/ 5", "mg")])
def test_a_unit_followed_by_a_number_or_its_own_divisor_is_kept(text, unit):
    assert quantity_at(text, 0).unit == unit
