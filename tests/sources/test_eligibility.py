"""Eligibility criteria text -> nested criteria with an audited inclusion/exclusion kind."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.model import EligibilityCriterion
from kg.sources.eligibility import disqualifying_cue, parse_criteria

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "trials" / "NCT05807880.json"

# The nine items the seed lists under "Inclusion Criteria", after a blank line, that are
# really exclusions (inclusion items 9-17).
MISFILED = [
    "Patient who has been diagnosed with other malignant carcinoma",
    "Existed meningeal metastasis or central nerve system metastasis;",
    "HIV positive, TP positive, liver cirrhosis",
    "Patients who have participated in other anti-tumor drug-related clinical trial",
    "Patients who have received attenuated live vaccine or AK-105 treatment",
    "Patients who had severe hypersensitivity history to other monoclonal antibody;",
    "Patients who had great difficulty for oral drugs",
    "Patients with mental drug abuse history and cannot withdrawal or mental disorder;",
    "There are conditions that, in the investigator's judgment, seriously endanger",
]


@pytest.fixture(scope="module")
def seed_text() -> str:
    study = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return study["protocolSection"]["eligibilityModule"]["eligibilityCriteria"]


@pytest.fixture
def seed(seed_text: str) -> tuple[list[EligibilityCriterion], list[str]]:
    # Parsed afresh for each test (under a millisecond): a module-scoped parse would link
    # parse_criteria to the first test alone in mutmut's record of which tests call what, so
    # a mutant of it would never meet the other seed tests (mutation/fresh_caches.py).
    return parse_criteria(seed_text)


def _top(criteria: list[EligibilityCriterion], section: str) -> list[EligibilityCriterion]:
    return [c for c in criteria if c.section == section]


def _starting(criteria: list[EligibilityCriterion], prefix: str) -> EligibilityCriterion:
    return next(c for c in criteria if c.text.startswith(prefix))


def _walk(criteria: list[EligibilityCriterion]) -> list[EligibilityCriterion]:
    return [d for c in criteria for d in (c, *_walk(c.children))]


# --------------------------------------------------------------------------- structure


def test_seed_top_level_items_and_numbers(seed):
    criteria, _ = seed
    inclusion, exclusion = _top(criteria, "inclusion"), _top(criteria, "exclusion")
    assert [c.number for c in inclusion] == [str(n) for n in range(1, 18)]
    assert [c.number for c in exclusion] == [str(n) for n in range(1, 12)]
    assert inclusion[0].text == "Between 18 to 65 years old."
    assert inclusion[1].text == "ECOG PS score 0-1 point."
    assert inclusion[7].text == "Patient has signed the informed consent and has good compliance."
    assert exclusion[0].text.startswith("Disease progression within 6 months")
    assert exclusion[-1].text.startswith("Patients who had ≥ level I myocardial ischemia")
    assert [c.section for c in criteria] == ["inclusion"] * 17 + ["exclusion"] * 11


def test_seed_organ_function_item_nests_numbered_sublists(seed):
    # Top-level positions: Between, ECOG, Having, Locoregionally, According, The major organs.
    organs = _top(seed[0], "inclusion")[5]
    assert organs.number == "6"
    assert organs.text.startswith("The major organs' function is normal")
    assert [c.number for c in organs.children] == ["6.1", "6.2", "6.3", "6.4", "6.5"]
    assert [c.text.split(" ")[0] for c in organs.children] == [
        "Blood", "Biochemistry", "Coagulation", "Myocardial", "Thyroid"]
    blood = organs.children[0]
    assert [(c.number, c.text) for c in blood.children] == [
        ("6.1.1", "Hemoglobin (HB) ≥ 90g/L;"),
        ("6.1.2", "White blood cell (WBC) ≥ 4*109/L;"),
        ("6.1.3", "Blood platelet (PLT): 100_109/L;"),
    ]
    assert [c.text.split(" (")[0] for c in organs.children[1].children] == [
        "Total bilirubin", "Alanine transaminase", "Serum creatinine"]
    assert all(not c.children for c in organs.children[2:])


def test_seed_roman_items_are_children_of_item_4(seed):
    item = _top(seed[0], "inclusion")[3]
    assert item.text.endswith("can be included:")
    assert [c.number for c in item.children] == ["4.1", "4.2"]
    assert item.children[0].text.startswith("If the patient received immune-checkpoint")
    assert item.children[1].text.endswith("within 6 months after treatment.")
    assert _top(seed[0], "inclusion")[4].text.startswith("According to the researchers'")


def test_seed_preamble_and_unescaping(seed):
    criteria, preambles = seed
    assert preambles == ["Patients who meet any of the following criteria should be excluded:"]
    steroids = _starting(_top(criteria, "exclusion"), "Patients who need systemically")
    assert "(> 10mg prednisone per day)" in steroids.text
    assert not [c.text for c in _walk(criteria) if "\\" in c.text]


# --------------------------------------------------------------------------- kinds


def test_seed_misfiled_exclusions_are_reclassified(seed):
    inclusion = _top(seed[0], "inclusion")
    for prefix in MISFILED:
        item = _starting(inclusion, prefix)
        assert item.section == "inclusion", prefix
        assert item.kind == "exclusion", prefix
        assert "second bullet run after a blank-line break" in item.kind_reason, prefix
        assert "cue:" in item.kind_reason, prefix
    assert [c.number for c in inclusion if c.kind == "exclusion"] == [
        str(n) for n in range(9, 18)]
    hiv = _starting(inclusion, "HIV positive")
    assert "'... positive' infection marker" in hiv.kind_reason
    endanger = _starting(inclusion, "There are conditions")
    assert "endanger" in endanger.kind_reason


@pytest.mark.parametrize("prefix", [
    "Between 18 to 65 years old.",
    "ECOG PS score 0-1 point.",
    "Locoregionally advanced nasopharyngeal carcinoma patients, who have never received",
    "Fertile women must already used reliable contraceptive measures",
    "Patient has signed the informed consent",
])
def test_seed_true_inclusions_stay_inclusions(seed, prefix):
    item = _starting(_top(seed[0], "inclusion"), prefix)
    assert item.kind == "inclusion"
    assert item.kind_reason == "listed under Inclusion Criteria"
    assert disqualifying_cue(item.text) is None


def test_seed_exclusion_section_and_children_kinds(seed):
    criteria, _ = seed
    for item in _top(criteria, "exclusion"):
        assert (item.kind, item.kind_reason) == ("exclusion", "listed under Exclusion Criteria")
    hemoglobin = _top(criteria, "inclusion")[5].children[0].children[0]
    assert (hemoglobin.kind, hemoglobin.kind_reason) == ("inclusion", "part of inclusion item 6.1")


def test_wording_alone_does_not_reclassify(seed_text):
    # Without the blank-line break the second run merges into the first: structure is missing,
    # so the cues are only noted, not acted on.
    joined = seed_text.replace("compliance.\n\n* Patient who", "compliance.\n* Patient who")
    inclusion = _top(parse_criteria(joined)[0], "inclusion")
    item = _starting(inclusion, "Existed meningeal")
    assert item.kind == "inclusion"
    assert "not acted on" in item.kind_reason
    assert all(c.kind == "inclusion" for c in inclusion)


def test_structure_alone_does_not_reclassify():
    text = ("Inclusion Criteria\n\n* Age 18 or over.\n* ECOG 0-1.\n\n* Signed consent.\n"
            "* Able to swallow.")
    criteria, _ = parse_criteria(text)
    assert [c.kind for c in criteria] == ["inclusion"] * 4
    assert "do not read as exclusions" in criteria[2].kind_reason


def test_minority_without_cue_in_an_exclusion_run_follows_the_run():
    text = ("Inclusion Criteria\n\n* Age 18 or over.\n\n* Patients who have received a vaccine.\n"
            "* Existing brain metastasis.\n* Prior surgery within 4 weeks.")
    criteria, _ = parse_criteria(text)
    assert [c.kind for c in criteria] == ["inclusion", "exclusion", "exclusion", "exclusion"]
    assert "2 of 3 items carry cues" in criteria[3].kind_reason


@pytest.mark.parametrize(("run", "kinds"), [
    # exactly half the later run carries cues: a tie keeps the page's heading (issue 17)
    (["Patients who have received a vaccine.", "Prior surgery within 4 weeks."],
     ["inclusion", "inclusion"]),
    (["Patients who have received a vaccine.", "Existing brain metastasis.",
      "Prior surgery within 4 weeks.", "Able to swallow tablets."], ["inclusion"] * 4),
    # one more than half: the run reads as exclusions
    (["Patients who have received a vaccine.", "Existing brain metastasis.",
      "HIV positive.", "Able to swallow tablets."], ["exclusion"] * 4),
    (["Existing brain metastasis."], ["exclusion"]),
])
def test_a_later_run_is_reclassified_only_when_most_items_carry_cues(run, kinds):
    text = "Inclusion Criteria\n\n* Age 18 or over.\n\n" + "".join(f"* {t}\n" for t in run)
    criteria, _ = parse_criteria(text)
    assert [c.kind for c in criteria] == ["inclusion", *kinds]
    cues = sum(disqualifying_cue(t) is not None for t in run)
    if kinds[0] == "inclusion":
        assert criteria[-1].kind_reason == (
            "listed under Inclusion Criteria but in a second bullet run after a blank-line "
            "break, whose items do not read as exclusions")
    elif cues < len(run):
        assert criteria[-1].kind_reason.endswith(
            f"the run reads as exclusions ({cues} of {len(run)} items carry cues)")


def test_a_remark_saying_excluded_opens_an_exclusion_run():
    text = ("Inclusion Criteria:\n\n* Age 18 or over.\n\nThe following patients are excluded:\n\n"
            "* Prior surgery within 4 weeks.")
    criteria, preambles = parse_criteria(text)
    assert preambles == ["The following patients are excluded:"]
    assert [c.kind for c in criteria] == ["inclusion", "exclusion"]
    assert [c.number for c in criteria] == ["1", "2"]
    assert "opened by the remark" in criteria[1].kind_reason


def test_unlabelled_items_follow_their_wording():
    criteria, _ = parse_criteria("* Age 18 or over.\n* HIV positive.")
    assert [(c.section, c.kind) for c in criteria] == [
        ("unlabelled", "inclusion"), ("unlabelled", "exclusion")]
    assert criteria[0].kind_reason.startswith("no Inclusion/Exclusion heading")


# --------------------------------------------------------------------------- other shapes


def test_indented_ctgov_style_nesting_and_continuations():
    text = ("Inclusion Criteria:\r\n\r\n* Adequate function:\r\n  * ANC >= 1.5\r\n"
            "    1. measured twice\r\n  * PLT >= 100\r\n* Signed consent, given\r\n"
            "  freely and in writing")
    criteria, _ = parse_criteria(text)
    assert [c.text for c in criteria] == ["Adequate function:",
                                          "Signed consent, given freely and in writing"]
    assert [c.number for c in criteria[0].children] == ["1.1", "1.2"]
    assert criteria[0].children[0].children[0].number == "1.1.1"


def test_top_level_numbered_list_and_alpha_sublist():
    text = "Exclusion Criteria\n1. Prior therapy:\na) chemotherapy\nb) radiotherapy\n2. Pregnancy"
    criteria, _ = parse_criteria(text)
    assert [c.number for c in criteria] == ["1", "2"]
    assert [c.text for c in criteria[0].children] == ["chemotherapy", "radiotherapy"]


def test_empty_text():
    assert parse_criteria("") == ([], [])
    assert parse_criteria("\n\n  \n") == ([], [])


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("*-1234.:iv ab\n\\>Inclusion Criteria")),
               max_size=300))
def test_any_text_parses_into_a_consistently_numbered_tree(text):
    criteria, preambles = parse_criteria(text)
    assert all(c.kind in ("inclusion", "exclusion") and c.kind_reason for c in criteria)
    assert all(isinstance(p, str) and p.strip() for p in preambles)
    # top-level items are numbered 1, 2, ... per section; children extend their parent's
    # number; every child has its parent's kind
    by_section: dict[str, list[str]] = {}
    for c in criteria:
        by_section.setdefault(c.section, []).append(c.number)
    for numbers in by_section.values():
        assert numbers == [str(i) for i in range(1, len(numbers) + 1)]

    def check(parent):
        for position, child in enumerate(parent.children, start=1):
            assert child.number == f"{parent.number}.{position}"
            assert child.kind == parent.kind and child.section == parent.section
            assert child.text.strip()
            check(child)

    for c in criteria:
        assert c.text.strip()
        check(c)


@pytest.mark.parametrize("marker", ["1. ", "- ", "+  ", "ii. ", "(a) "])
def test_a_marker_with_nothing_after_it_is_no_criterion(marker):
    # found by the fuzz test below: "1. " made a criterion with empty text
    text = f"Inclusion Criteria:\n\n1. Age 18 to 70\n{marker}\n2. ECOG 0-1"
    criteria, preambles = parse_criteria(text)
    assert [(c.number, c.text) for c in criteria] == [("1", "Age 18 to 70"), ("2", "ECOG 0-1")]
    assert [c.children for c in criteria] == [[], []]  # nor a child of the item above
    assert preambles == []
