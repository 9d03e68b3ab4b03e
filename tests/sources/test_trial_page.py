"""The plain-text trial page parser: every fact of the seed, robustness, and clear errors."""

from __future__ import annotations

import dataclasses
import json
import logging
import random
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kg.errors import TrialParseError
from kg.model import Trial
from kg.sources import trial_page
from kg.sources.common import unescape_markdown
from kg.sources.trial_page import parse, parse_file

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "data" / "trials" / "NCT05807880.txt"
JSON_TWIN = ROOT / "tests" / "fixtures" / "trials" / "NCT05807880.json"
SYNTHETIC = ROOT / "tests" / "fixtures" / "trials" / "synthetic-two-arms.txt"
SEED_TEXT = SEED.read_text(encoding="utf-8")

# Headings that start a block of the page; everything up to the next one belongs to it.
BLOCKS = ["Study Results", "Basic Information", "Brief Summary", "Detailed Description",
          "Conditions", "Study Design", "Study Groups", "Interventions", "Eligibility Criteria",
          "Sponsors", "Responsible Party", "Principal Investigators", "Locations", "Countries",
          "References", "Other Identifiers", "More Related Trials"]

COMBINATION = "The combination treatment of anlotinib, penpulimab and capecitabine."


@pytest.fixture(scope="module")
def trial() -> Trial:
    return parse_file(SEED)


@pytest.fixture(scope="module")
def twin() -> dict:
    return json.loads(JSON_TWIN.read_text(encoding="utf-8"))["protocolSection"]


def split_blocks(text: str) -> tuple[str, list[tuple[str, str]]]:
    """(header text, [(block heading, block text)]) of a page, by whole-line headings."""
    lines = text.split("\n")
    starts = [i for i, line in enumerate(lines) if line.strip() in BLOCKS]
    header = "\n".join(lines[:starts[0]])
    blocks = [(lines[a].strip(), "\n".join(lines[a:b]).strip("\n"))
              for a, b in zip(starts, [*starts[1:], len(lines)], strict=True)]
    return header, blocks


def join_blocks(header: str, blocks: list[tuple[str, str]]) -> str:
    return "\n\n".join([header.strip("\n"), *(text for _, text in blocks)]) + "\n"


def facts(trial: Trial) -> dict:
    """The parsed facts without provenance, for comparing two parses."""
    data = dataclasses.asdict(trial)
    data.pop("source")
    return data


# ------------------------------------------------------------------- the seed, field by field


def test_identity_and_status(trial):
    assert trial.nct_id == "NCT05807880"
    assert trial.org_study_id == "ALTER-HN005"
    assert trial.secondary_ids == []
    assert trial.brief_title == ("Anlotinib, Penpulimab and Capecitabine in Recurrent/Metastatic "
                                 "Nasopharyngeal Carcinoma")
    assert trial.last_update == "2026-01-23"
    assert trial.results_status == "Results pending"
    assert trial.overall_status == "ACTIVE_NOT_RECRUITING"
    assert trial.phases == ["PHASE2"]
    assert trial.study_type == "INTERVENTIONAL"
    assert trial.enrollment == 59
    assert trial.start_date == "2023-09-01"
    assert trial.completion_date == "2026-07-01"
    assert trial.source.kind == "trial-page"
    assert trial.source.location == str(SEED)
    assert trial.source.record_id == "NCT05807880"


def test_descriptions_and_conditions(trial, twin):
    assert trial.brief_summary == ("First-diagnosed metastasis or recurrence/metastasis NPC "
                                   "Patients will be treated with anlotinib, penpulimab and "
                                   "capecitabine.")
    assert trial.detailed_description == twin["descriptionModule"]["detailedDescription"]
    assert trial.detailed_description.startswith("The trial is an open-label, single-arm")
    assert trial.conditions == ["Nasopharyngeal Neoplasms"]


def test_design(trial):
    design = trial.design
    assert design.allocation == "NA"
    assert design.intervention_model == "SINGLE_GROUP"
    # The next heading ("Primary Study Purpose") is glued to this line on the page.
    assert design.intervention_model_description == (
        "The combination of anlotinib, penpulimab and capecitabine.")
    assert design.primary_purpose == "TREATMENT"
    assert design.masking == "NONE"


def test_arm(trial, twin):
    [arm] = trial.arms
    assert arm.label == "Intervention arm"
    assert arm.type == "EXPERIMENTAL"
    assert arm.description.startswith("First, patients will receive the combination treatment")
    assert arm.description.endswith(
        "\n\nNote: After using the penpulimab for 2 years, it is dependent on the researcher's "
        "judgement of the benefit evaluation whether to continue using it.")
    assert arm.description == twin["armsInterventionsModule"]["armGroups"][0]["description"]
    assert arm.intervention_names == [f"Drug: {COMBINATION}"]
    assert arm.regimens == []  # resolving regimens is another module's job


def test_intervention(trial):
    [intervention] = trial.interventions
    assert intervention.name == COMBINATION
    assert intervention.type == "DRUG"
    assert intervention.description == (
        "Patients will receive the combination treatment of anlotinib, penpulimab and "
        "capecitabine every three weeks until PD or intolerance to drug toxicity. For each "
        "cycle, patients receive anlotinib 10mg, po, qd from day 1 to day 14, penpulimab 200mg, "
        "iv in day 1, and capecitabine 650mg/m2, po, bid.")
    assert intervention.arm_labels == ["Intervention arm"]
    assert intervention.drugs == []


def test_eligibility(trial, twin):
    eligibility = trial.eligibility
    assert eligibility.minimum_age == "18 Years"
    assert eligibility.maximum_age == "65 Years"
    assert eligibility.minimum_age_years == 18.0
    assert eligibility.maximum_age_years == 65.0
    assert eligibility.sex == "ALL"
    assert eligibility.healthy_volunteers is False
    raw = twin["eligibilityModule"]["eligibilityCriteria"]
    assert eligibility.text == unescape_markdown(raw)
    # "Minimum Eligible Age" is glued to the last exclusion item; it must not leak into it.
    last = eligibility.criteria[-1]
    assert last.text.endswith("(New York Heart Association, NYHA) during the 6 months before "
                              "inclusion.")
    assert eligibility.preambles == [
        "Patients who meet any of the following criteria should be excluded:"]
    kinds = [(c.section, c.kind) for c in eligibility.criteria]
    assert kinds == ([("inclusion", "inclusion")] * 8 + [("inclusion", "exclusion")] * 9
                     + [("exclusion", "exclusion")] * 11)
    hemoglobin = eligibility.criteria[5].children[0].children[0]
    assert (hemoglobin.number, hemoglobin.text) == ("6.1.1", "Hemoglobin (HB) ≥ 90g/L;")


def test_organizations_lead_first(trial):
    # The page lists the collaborator first; the role, not the position, decides the lead.
    assert [(o.name, o.org_class, o.role) for o in trial.organizations] == [
        ("Sun Yat-sen University", "OTHER", "lead"),
        ("Chia Tai Tianqing Pharmaceutical Group Co., Ltd.", "INDUSTRY", "collaborator"),
    ]
    assert trial.lead_sponsor.name == "Sun Yat-sen University"


def test_people(trial):
    party = trial.responsible_party
    assert (party.type, party.name, party.title, party.affiliation) == (
        "PRINCIPAL_INVESTIGATOR", "Jun Ma, MD", "Professor", None)
    assert [(p.name, p.role, p.affiliation) for p in trial.officials] == [
        ("Jun Ma, M.D.", "PRINCIPAL_INVESTIGATOR", "Sun Yat-sen University")]


def test_sites_and_countries(trial):
    [site] = trial.sites
    assert (site.facility, site.city, site.state, site.country, site.zip, site.status) == (
        "Sun Yat-sen University Cancer Center", "Guangzhou", "Guangdong", "China", None, None)
    assert trial.countries == ["China"]


def test_references(trial, twin):
    expected = [
        ("34174189", "10.1016/S1470-2045(21)00302-8"),
        (None, "10.1016/j.annonc.2020.08.1044"),
        ("29301831", "10.1158/1078-0432.CCR-17-1667"),
        ("35154567", "10.1155/2022/5479491"),
        ("34111416", "10.1016/S0140-6736(21)01123-5"),
        ("30207593", "10.3322/caac.21492"),
        ("26808342", "10.3322/caac.21338"),
        ("25428504", "10.1038/nature14011"),
        ("27574444", "10.2147/OTT.S105862"),
        ("28837405", "10.1200/JCO.2017.73.3675"),
    ]
    assert [(r.pmid, r.doi) for r in trial.references] == expected
    assert {r.type for r in trial.references} == {"BACKGROUND"}
    assert trial.references[1].citation.startswith("Cai, Q. & Su, N.")
    assert "929P Anlotinib" in trial.references[1].citation
    assert [r.citation for r in trial.references] == [
        r["citation"] for r in twin["referencesModule"]["references"]]


def test_blurbs_are_recognised_by_position_and_never_become_data(trial):
    sections = trial_page._tokenize(SEED_TEXT.split("\n"))
    blurbs = {s.heading: s.blurb for s in sections if s.blurb}
    assert set(blurbs) == {"Basic Information", "Brief Summary", "Detailed Description",
                           "Conditions", "Study Design", "Study Groups", "Interventions",
                           "Eligibility Criteria", "Sponsors", "Responsible Party",
                           "Principal Investigators", "Locations", "Countries", "References",
                           "Other Identifiers", "More Related Trials"}
    assert blurbs["Basic Information"].startswith("Get a concise snapshot of the trial")
    assert blurbs["Brief Summary"].startswith("Review the sponsor-provided synopsis")
    dumped = json.dumps(facts(trial))
    for blurb in blurbs.values():
        assert blurb not in dumped
    assert "The study team has not published" not in dumped


def test_seed_has_no_extra_sections(trial):
    # "More Related Trials" holds only its blurb on the seed: ignored unless it has content.
    assert trial.extra_sections == {}


# ------------------------------------------------------------------- a richer synthetic page


def test_synthetic_two_arms_shared_intervention():
    trial = parse_file(SYNTHETIC)
    assert trial.brief_title.startswith("SYNTHETIC TEST FIXTURE")
    assert [(a.label, a.type, a.description, a.intervention_names) for a in trial.arms] == [
        ("Arm A", "ACTIVE_COMPARATOR", "Patients receive drug A alone.", ["Drug: Drug A"]),
        ("Arm B", "EXPERIMENTAL", "Patients receive drug A and radiotherapy.",
         ["Drug: Drug A", "Radiation: Radiotherapy"]),
    ]
    assert [(i.name, i.type, i.arm_labels) for i in trial.interventions] == [
        ("Drug A", "DRUG", ["Arm A", "Arm B"]), ("Radiotherapy", "RADIATION", ["Arm B"])]
    assert trial.interventions[0].description == (
        "Drug A 10 mg orally once daily.\n\nSecond paragraph about drug A.")


def test_synthetic_values_records_and_unknown_section():
    trial = parse_file(SYNTHETIC)
    assert trial.phases == ["PHASE1", "PHASE2"]
    assert (trial.enrollment, trial.enrollment_type) == (1200, "ESTIMATED")
    assert trial.brief_summary.endswith("\n\nIt has a second summary paragraph.")
    assert trial.conditions == ["Invented Carcinoma", "Imaginary Neoplasms"]
    assert (trial.eligibility.minimum_age_years, trial.eligibility.sex) == (0.5, "FEMALE")
    assert trial.eligibility.healthy_volunteers is True
    assert trial.eligibility.criteria[1].children[0].text == "Neutrophils >= 1.5*10^9/L"
    assert trial.extra_sections == {"Keywords Of Interest": "alpha\nbeta"}
    assert trial.responsible_party.type == "SPONSOR"
    assert [(p.name, p.role, p.affiliation) for p in trial.officials] == [
        ("Ada Example, MD", "PRINCIPAL_INVESTIGATOR", "Example University Hospital"),
        ("Bob Sample", "STUDY_CHAIR", "Invented Pharma Ltd")]
    assert [(s.facility, s.city, s.state, s.zip, s.country, s.status) for s in trial.sites] == [
        ("Example University Hospital", "Springfield", "Example State", "12345",
         "United States", "RECRUITING"),
        ("Second Clinic", "Lyon", None, None, "France", None)]
    assert [(r.type, r.pmid, r.doi) for r in trial.references] == [
        ("RESULT", "11111111", "10.9999/synthetic.0001")]
    assert trial.org_study_id == "SYN-001"
    assert [(s.id, s.type, s.domain) for s in trial.secondary_ids] == [
        ("ChiCTR-SYN-0001", "REGISTRY", "Chinese Clinical Trial Registry")]


# --------------------------------------------------------------------------- robustness


def test_crlf_and_extra_blank_lines_change_nothing(trial):
    noisy = SEED_TEXT.replace("\n\n", "\n\n\n  \n").replace("\n", "\r\n") + "\r\n\r\n"
    assert facts(parse(noisy)) == facts(trial)
    assert facts(parse("\ufeff" + SEED_TEXT.replace("\n", "\r"))) == facts(trial)


def test_reordered_sections_give_the_same_trial(trial):
    header, blocks = split_blocks(SEED_TEXT)
    shuffled = list(reversed(blocks))
    assert facts(parse(join_blocks(header, shuffled))) == facts(trial)
    random.Random(7).shuffle(shuffled)
    assert facts(parse(join_blocks(header, shuffled))) == facts(trial)


def test_a_missing_section_leaves_the_rest(trial, caplog):
    header, blocks = split_blocks(SEED_TEXT)
    without = [b for b in blocks if b[0] not in ("Detailed Description", "Sponsors")]
    with caplog.at_level(logging.WARNING):
        other = parse(join_blocks(header, without), location="cut.txt")
    assert other.detailed_description is None
    assert other.organizations == []
    assert "no 'Sponsors' section" in caplog.text
    expected = facts(trial) | {"detailed_description": None, "organizations": []}
    assert facts(other) == expected


def test_unknown_section_is_kept(trial):
    header, blocks = split_blocks(SEED_TEXT)
    extra = ("Keywords\n\nBrowse the search terms the sponsor attached to this study.\n\n"
             "anlotinib\npenpulimab")
    at = [name for name, _ in blocks].index("Sponsors")
    page = join_blocks(header, [*blocks[:at], ("Keywords", extra), *blocks[at:]])
    other = parse(page)
    assert other.extra_sections == {"Keywords": "anlotinib\npenpulimab"}
    assert facts(other) == facts(trial) | {"extra_sections": other.extra_sections}


def test_unknown_sections_with_one_heading_are_each_kept_under_a_numbered_key():
    header, blocks = split_blocks(SEED_TEXT)
    at = [name for name, _ in blocks].index("Sponsors")
    extras = [("Keywords", "Keywords\n\nBrowse the search terms the sponsor attached to this "
                           f"study.\n\nterm {n}") for n in (1, 2, 3)]
    other = parse(join_blocks(header, [*blocks[:at], *extras, *blocks[at:]]))
    assert other.extra_sections == {"Keywords": "term 1", "Keywords (2)": "term 2",
                                    "Keywords (3)": "term 3"}


SPONSORS = ("Sponsors\n\nMeet the organizations funding or collaborating on the study and learn "
            "about their roles.\n\n")


@pytest.mark.parametrize(("records", "expected"), [
    # a name alone (no class line); a second line that is no class is not taken for one
    ("Synthetic Foundation\n\nSponsor Role lead",
     [("Synthetic Foundation", None, "lead")]),
    ("Synthetic Foundation\n\nDepartment of Oncology\n\nSponsor Role lead",
     [("Synthetic Foundation", None, "lead")]),
    # a role without a name is passed over, and the sponsors after it are still read
    ("Sponsor Role collaborator\n\nSynthetic Pharma\n\nINDUSTRY\n\nSponsor Role lead",
     [("Synthetic Pharma", "INDUSTRY", "lead")]),
])
def test_sponsor_records_synthetic(records, expected):
    header, blocks = split_blocks(SEED_TEXT)
    blocks = [(name, SPONSORS + records if name == "Sponsors" else text)
              for name, text in blocks]
    trial = parse(join_blocks(header, blocks))
    assert [(o.name, o.org_class, o.role) for o in trial.organizations] == expected


def test_more_related_trials_with_content_is_kept():
    other = parse(SEED_TEXT.rstrip("\n") + "\n\nNCT00000000 Another trial\n")
    assert other.extra_sections == {"More Related Trials": "NCT00000000 Another trial"}


def test_headings_glued_to_neighbouring_lines_are_found(trial):
    glued = (SEED_TEXT.replace("NONE\n\nStudy Groups", "NONE\nStudy Groups")
             .replace("No\n\nSponsors\n\n", "No\nSponsors\n")
             .replace("Total Enrollment\n\n59", "Total Enrollment\n59")
             .replace("\n\nReferences\n\n", "\nReferences\n"))
    assert glued.count("\n\n") < SEED_TEXT.count("\n\n") - 4
    assert facts(parse(glued)) == facts(trial)


# --------------------------------------------------------------------------- errors


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def error_of(path: Path) -> str:
    with pytest.raises(TrialParseError) as caught:
        parse_file(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: "), message
    assert "\n" not in message
    return message


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("empty.txt", "", "empty"),
    ("blank.txt", "\n  \n\r\n", "empty"),
    ("study.json", JSON_TWIN.read_text(encoding="utf-8"), "not a trial page: looks like JSON"),
    ("study.xml", "<?xml version='1.0'?><PubmedArticleSet/>", "looks like XML or HTML"),
    ("page.html", "<!DOCTYPE html><html><body>NCT05807880</body></html>", "XML or HTML"),
    ("studies.json", '\n\n  [{"protocolSection": {}}]\n', "not a trial page: looks like JSON"),
    ("notes.txt", "Shopping list\n\nmilk\neggs\n", "not a trial page: has no 'NCT ID:' line"),
    ("bad-id.txt", SEED_TEXT.replace("NCT ID: NCT05807880", "NCT ID: NCT123"),
     "invalid NCT id 'NCT123'"),
    ("no-id.txt", SEED_TEXT.replace("NCT ID: NCT05807880", "NCT ID:"), "has no identifier"),
])
def test_bad_inputs(tmp_path, name, content, expected):
    assert expected in error_of(write(tmp_path, name, content))


@pytest.mark.parametrize(("content", "what"), [
    ('{"protocolSection": {}}', "looks like JSON (use the CT.gov JSON parser for study objects)"),
    ("\n \n[]", "looks like JSON (use the CT.gov JSON parser for study objects)"),
    ("\n<html></html>", "looks like XML or HTML markup"),
    ("Shopping list", "has no 'NCT ID:' line"),
])
def test_what_a_file_that_is_no_trial_page_looks_like(tmp_path, content, what):
    path = write(tmp_path, "other.txt", content)
    assert error_of(path).endswith(f": not a trial page: {what}")


def test_a_path_that_is_no_readable_file_is_named_with_its_reason(tmp_path):
    page = write(tmp_path, "page.txt", SEED_TEXT)
    assert error_of(tmp_path) == f"{tmp_path}: is a directory, not a trial page file"
    assert error_of(tmp_path / "absent.txt") == f"{tmp_path / 'absent.txt'}: no such file"
    # any other OSError: its reason without errno and path (the path leads the message)
    assert error_of(page / "inner.txt") == f"{page / 'inner.txt'}: cannot read: Not a directory"


def test_header_only_is_truncated(tmp_path):
    header = SEED_TEXT[:SEED_TEXT.index("Study Results")]
    message = error_of(write(tmp_path, "header.txt", header))
    assert "truncated page: nothing after the header" in message


@pytest.mark.parametrize(("cut_before", "expected"), [
    ("Eligibility Criteria", "ends in section 'Interventions', before 'Eligibility Criteria' "
                             "and 'Sponsors'"),
    ("Minimum Eligible Age", "ends in section 'Exclusion Criteria', before 'Sponsors'"),
])
def test_page_ending_before_required_sections(tmp_path, cut_before, expected):
    page = SEED_TEXT[:SEED_TEXT.index(cut_before)]
    assert expected in error_of(write(tmp_path, "cut.txt", page))


def test_page_ending_mid_record(tmp_path):
    last_type = SEED_TEXT.rindex("Reference Type BACKGROUND")
    message = error_of(write(tmp_path, "mid-ref.txt", SEED_TEXT[:last_type]))
    assert "ends in section 'References' with a reference citation without its " \
           "'Reference Type' line" in message
    at_heading = SEED_TEXT[:SEED_TEXT.index("Countries") + len("Countries\n")]
    message = error_of(write(tmp_path, "at-heading.txt", at_heading))
    assert "ends at the 'Countries' heading, before its content" in message


def test_unreadable_paths(tmp_path):
    assert "is a directory" in error_of(tmp_path)
    assert "no such file" in error_of(tmp_path / "missing.txt")
    latin1 = write(tmp_path, "latin1.txt", "Caf\xe9\n\nNCT ID: NCT05807880\n".encode("latin-1"))
    assert "not UTF-8 text (byte 0xe9 at offset 3)" in error_of(latin1)


def test_parse_names_its_location():
    with pytest.raises(TrialParseError, match=r"^stdin: empty"):
        parse("", location="stdin")


# --------------------------------------------------------------------------- hostile input


SEED_LINES = SEED_TEXT.split("\n")


def _parse_or_one_line_error(text: str) -> Trial | None:
    """The parse, or None after checking the refusal is one line naming the input."""
    try:
        trial = parse(text, location="page.txt")
    except TrialParseError as exc:
        message = str(exc)
        assert message.startswith("page.txt: ") and len(message) > len("page.txt: ")
        assert "\n" not in message and "Traceback" not in message
        return None
    return trial


def _invents_nothing(trial: Trial, text: str) -> None:
    """What a parse keeps was written in the page: the NCT id, the titles, the criteria."""
    assert f"NCT ID: {trial.nct_id}" in text
    for title in (trial.brief_title, trial.official_title):
        assert title is None or title in text
    for criterion in trial.eligibility.criteria:
        assert all(word in text for word in criterion.text.split()[:3])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sets(st.integers(min_value=0, max_value=len(SEED_LINES) - 1), max_size=60))
def test_deleting_lines_gives_a_faithful_trial_or_a_one_line_refusal(deleted):
    text = "\n".join(line for i, line in enumerate(SEED_LINES) if i not in deleted)
    trial = _parse_or_one_line_error(text)
    if trial is not None:
        assert trial.nct_id == "NCT05807880"
        _invents_nothing(trial, text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(SEED_LINES), st.text(max_size=40)), max_size=80))
def test_scrambled_lines_give_a_faithful_trial_or_a_one_line_refusal(lines):
    text = "\n".join(["Title", "NCT ID: NCT05807880", *lines])
    trial = _parse_or_one_line_error(text)
    if trial is not None:
        _invents_nothing(trial, text)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=500))
def test_random_text_is_refused_in_one_line(text):
    # no "NCT ID:" line, so no trial: random text is never read as one
    assert _parse_or_one_line_error(text) is None


# ------------------------------------------------------------------ partial pages (issue 12)

CUT = ROOT / "tests" / "fixtures" / "trials" / "synthetic-cut-after-study-design.txt"


def test_a_page_cut_after_study_design_is_refused_by_default():
    message = error_of(CUT)
    assert message == (f"{CUT}: truncated page: it ends in section 'Study Design', before "
                       "'Eligibility Criteria' and 'Sponsors' (import what it has with "
                       "--allow-partial)")


def test_allow_partial_imports_what_the_page_has_and_lists_what_it_lacks():
    trial = parse_file(CUT, allow_partial=True)
    assert trial.nct_id == "NCT05807880"
    assert trial.conditions == ["Nasopharyngeal Neoplasms"]
    assert trial.enrollment == 59 and trial.phases == ["PHASE2"]
    assert trial.brief_summary.startswith("First-diagnosed metastasis")
    # nothing invented: no design values, arms, interventions, criteria or sponsors
    assert dataclasses.astuple(trial.design) == (None, None, None, None, None, [])
    assert (trial.arms, trial.interventions, trial.organizations) == ([], [], [])
    assert trial.eligibility.criteria == [] and trial.eligibility.text is None
    # the heading's boilerplate sentence is no value, and not kept as an unknown section
    assert not any("Understand how the trial" in v for v in trial.extra_sections.values())
    assert trial.missing_sections[:5] == ["Allocation Method", "Intervention Model",
                                          "Primary Study Purpose", "Blinding Strategy",
                                          "Study Groups"]
    assert "Eligibility Criteria" in trial.missing_sections
    assert "Sponsors" in trial.missing_sections and "Conditions" not in trial.missing_sections
    assert trial.incomplete_sections == []


def test_allow_partial_marks_a_section_cut_mid_record(tmp_path, caplog):
    last_type = SEED_TEXT.rindex("Reference Type BACKGROUND")
    with caplog.at_level(logging.WARNING):
        trial = parse_file(write(tmp_path, "mid-ref.txt", SEED_TEXT[:last_type]),
                           allow_partial=True)
    assert trial.incomplete_sections == ["References"]
    # the cut is the page's end, reported as such; no warning repeats it as a section's flaw
    assert "section 'References' has" not in caplog.text
    assert trial.missing_sections == ["Other Identifiers", "More Related Trials"]
    assert trial.references[-1].type is None  # the cut citation keeps no invented type
    at_heading = SEED_TEXT[:SEED_TEXT.index("Countries") + len("Countries\n")]
    trial = parse(at_heading, allow_partial=True)
    assert (trial.incomplete_sections, trial.countries) == (["Countries"], [])
    assert parse_file(SEED, allow_partial=True).missing_sections == []  # a whole page


def test_a_partial_record_says_so_in_the_graph_and_on_stderr(tmp_path):
    from click.testing import CliRunner

    from kg.cli import main

    result = CliRunner().invoke(main, ["build", "--trial", str(CUT), "--store", "memory",
                                       "--allow-partial", "--output", str(tmp_path), "-q"])
    assert result.exit_code == 0, result.output
    assert result.stderr == (f"kg: warning: {CUT}: imported as a partial record, missing: "
                             + ", ".join(parse_file(CUT, allow_partial=True).missing_sections)
                             + "\n")
    turtle = (tmp_path / "graph.ttl").read_text(encoding="utf-8")
    assert 'tkg:missingSection "Accepts Healthy Volunteers"' in turtle
    assert "tkg:partialRecord true" in turtle
    assert "Understand how the trial" not in turtle
    refused = CliRunner().invoke(main, ["build", "--trial", str(CUT), "--store", "memory",
                                        "--output", str(tmp_path / "no"), "-q"])
    assert refused.exit_code == 2
    assert "truncated page" in refused.stderr and not (tmp_path / "no").exists()


def test_an_arms_listing_takes_as_many_paragraphs_as_its_interventions_description():
    """How much of the text after an arm's listing is that intervention's description
    (``_known_length``), on a SYNTHETIC trial: the Interventions section settles it."""
    from kg.model import Intervention, Trial
    from kg.sources.trial_page import _known_length

    trial = Trial(nct_id="NCT00000000", interventions=[
        Intervention(name="Drug A", description="Dose.\n\nSchedule."),
        Intervention(name="Drug B", description=None)])
    assert _known_length(trial, "Drug A", ["Dose.", "Schedule.", "Arm two"]) == 2
    assert _known_length(trial, "Drug A", ["Other text.", "Schedule."]) is None  # no match
    assert _known_length(trial, "Drug B", ["Arm two"]) == 0  # listed, no description
    assert _known_length(trial, "Drug C", ["Arm two"]) is None  # not listed at all


# --------------------------------------------------------------------------- record edges
# Each replaces one block of the real page with SYNTHETIC records after its heading and
# description line, and checks what the parser makes of them.


def _with_block(name: str, records: str) -> Trial:
    header, blocks = split_blocks(SEED_TEXT)
    out = []
    for heading, text in blocks:
        if heading == name:
            lines = text.split("\n")
            text = "\n".join(lines[:3]) + "\n\n" + records + "\n"
        out.append((heading, text))
    return parse(join_blocks(header, out))


@pytest.mark.parametrize(("records", "party", "extra"), [
    ("Ada Example\n\nProfessor\n\nExample University\n\nResponsibility Role SPONSOR",
     ("SPONSOR", "Ada Example", "Professor", "Example University"), {}),
    ("Ada Example\n\nResponsibility Role SPONSOR", ("SPONSOR", "Ada Example", None, None), {}),
    # a fourth paragraph is no field of the party: kept, not lost
    ("Ada Example\n\nProfessor\n\nExample University\n\nRoom 101\n\nResponsibility Role "
     "SPONSOR", ("SPONSOR", "Ada Example", "Professor", "Example University"),
     {"Responsible Party": "Room 101"}),
    ("Ada Example\n\nProfessor\n\nExample University\n\nRoom 101\n\nFloor 2\n\n"
     "Responsibility Role SPONSOR", ("SPONSOR", "Ada Example", "Professor",
                                     "Example University"),
     {"Responsible Party": "Room 101\n\nFloor 2"}),
])
def test_responsible_party_records_synthetic(records, party, extra):
    trial = _with_block("Responsible Party", records)
    rp = trial.responsible_party
    assert (rp.type, rp.name, rp.title, rp.affiliation) == party
    assert trial.extra_sections == extra


@pytest.mark.parametrize(("records", "officials"), [
    # a role line without a name is passed over; the people after it are read
    ("Role: STUDY_CHAIR\n\nAda Example\n\nRole: PRINCIPAL_INVESTIGATOR\n\nExample University",
     [("Ada Example", "PRINCIPAL_INVESTIGATOR", "Example University")]),
    # the affiliation follows its person's role line; the next name follows it
    ("Ada Example\n\nRole: PRINCIPAL_INVESTIGATOR\n\nExample University\n\nBob Sample\n\n"
     "Role: STUDY_CHAIR\n\nSample Institute",
     [("Ada Example", "PRINCIPAL_INVESTIGATOR", "Example University"),
      ("Bob Sample", "STUDY_CHAIR", "Sample Institute")]),
    ("Ada Example\n\nRole: PRINCIPAL_INVESTIGATOR",
     [("Ada Example", "PRINCIPAL_INVESTIGATOR", None)]),
    # a person without an affiliation: the next person's name is no affiliation of theirs
    ("Ada Example\n\nRole: PRINCIPAL_INVESTIGATOR\n\nBob Sample\n\nRole: STUDY_CHAIR\n\n"
     "Sample Institute",
     [("Ada Example", "PRINCIPAL_INVESTIGATOR", None),
      ("Bob Sample", "STUDY_CHAIR", "Sample Institute")]),
    # a line before the first person: the name is the line before the role
    ("Investigators of the study\n\nAda Example\n\nRole: PRINCIPAL_INVESTIGATOR\n\n"
     "Example University",
     [("Ada Example", "PRINCIPAL_INVESTIGATOR", "Example University")]),
])
def test_official_records_synthetic(records, officials):
    trial = _with_block("Principal Investigators", records)
    assert [(p.name, p.role, p.affiliation) for p in trial.officials] == officials


@pytest.mark.parametrize(("value", "healthy"), [
    ("Yes", True), ("TRUE", True), ("no", False), ("False", False), ("Sometimes", None)])
def test_accepts_healthy_volunteers_synthetic(value, healthy):
    page = SEED_TEXT.replace("Accepts Healthy Volunteers\n\nNo\n",
                             f"Accepts Healthy Volunteers\n\n{value}\n")
    assert parse(page).eligibility.healthy_volunteers is healthy


@pytest.mark.parametrize(("lines", "place"), [
    (["Example Clinic"], (None, None, None, None)),
    (["Example Clinic", "France"], (None, None, None, "France")),
    (["Example Clinic", "Lyon, France"], ("Lyon", None, None, "France")),
    (["Example Clinic", "Springfield, Example State, 12345, United States"],
     ("Springfield", "Example State", "12345", "United States")),
    # more parts than city, state, zip and country: the middle ones are the zip, as written
    (["Example Clinic", "Springfield, Example State, 12345, Suite 9, United States"],
     ("Springfield", "Example State", "12345, Suite 9", "United States")),
])
def test_a_sites_address_line_by_its_parts(lines, place):
    site = trial_page._site(lines, "RECRUITING")
    assert (site.facility, site.status) == ("Example Clinic", "RECRUITING")
    assert (site.city, site.state, site.zip, site.country) == place


@pytest.mark.parametrize(("code", "label"), [
    ("DRUG", "Drug"), ("DIETARY_SUPPLEMENT", "Dietary Supplement")])
def test_intervention_type_labels_as_ctgov_writes_them(code, label):
    assert trial_page._type_label(code) == label


STUDY_GROUPS_SYNTHETIC = (
    "Arm A\n\nDrug A alone.\n\nGroup Type ACTIVE_COMPARATOR\n\n"
    "Drug A\n\nIntervention Type DRUG\n\nDrug A 10 mg daily.\n\n"
    "Arm B\n\nDrug A and radiotherapy.\n\nGroup Type EXPERIMENTAL\n\n"
    "Drug A\n\nIntervention Type DRUG\n\nDrug A 10 mg daily.\n\n"
    "Radiotherapy\n\nIntervention Type RADIATION\n\n70 Gy in 35 fractions.")


def test_arms_with_several_listings_synthetic():
    trial = _with_block("Study Groups", STUDY_GROUPS_SYNTHETIC)
    assert [(a.label, a.type, a.description, a.intervention_names) for a in trial.arms] == [
        ("Arm A", "ACTIVE_COMPARATOR", "Drug A alone.", ["Drug: Drug A"]),
        ("Arm B", "EXPERIMENTAL", "Drug A and radiotherapy.",
         ["Drug: Drug A", "Radiation: Radiotherapy"])]
    listed = {i.name: (i.type, i.description, i.arm_labels) for i in trial.interventions}
    assert listed["Drug A"] == ("DRUG", "Drug A 10 mg daily.", ["Arm A", "Arm B"])
    assert listed["Radiotherapy"] == ("RADIATION", "70 Gy in 35 fractions.", ["Arm B"])


def test_a_listing_without_a_type_or_a_name_synthetic(caplog):
    # an 'Intervention Type' line straight after 'Group Type' names nothing: skipped, and the
    # listing after it is still read; a listing whose type is blank is named without a label
    trial = _with_block("Study Groups", (
        "Arm A\n\nGroup Type EXPERIMENTAL\n\nIntervention Type DRUG\n\n"
        "Drug A\n\nIntervention Type\n\nDrug A 10 mg daily."))
    assert [(a.label, a.intervention_names) for a in trial.arms] == [("Arm A", ["Drug A"])]
    assert "without an intervention name; skipped" in caplog.text


def test_last_updated_on_its_own_line_and_text_after_it_synthetic():
    below = parse(SEED_TEXT.replace("Last Updated: 2026-01-23", "Last Updated:\n\n2026-01-23"))
    assert below.last_update == "2026-01-23" and below.extra_sections == {}
    more = parse(SEED_TEXT.replace("Last Updated: 2026-01-23",
                                   "Last Updated: 2026-01-23\n\nSynthetic note\n\nAnother"))
    assert more.last_update == "2026-01-23"
    assert more.extra_sections == {"Last Updated": "Synthetic note\n\nAnother"}
    below_more = parse(SEED_TEXT.replace("Last Updated: 2026-01-23",
                                         "Last Updated:\n\n2026-01-23\n\nSynthetic note"))
    assert below_more.last_update == "2026-01-23"
    assert below_more.extra_sections == {"Last Updated": "Synthetic note"}


@pytest.mark.parametrize(("after", "extra"), [
    ("", {}),
    ("\n\nSynthetic remark", {"Study Results": "Synthetic remark"}),
    ("\n\nSynthetic remark\n\nAnd another", {"Study Results": "Synthetic remark\n\nAnd another"}),
])
def test_study_results_keeps_what_follows_its_boilerplate_synthetic(after, extra):
    boilerplate = "Check back later for updates."
    trial = parse(SEED_TEXT.replace(boilerplate, boilerplate + after, 1))
    assert trial.results_status == "Results pending"
    assert trial.extra_sections == extra


@pytest.mark.parametrize(("value", "enrollment"), [
    ("59 participants", (59, None)),
    ("1,200 participants (Anticipated)", (1200, "ESTIMATED")),
    ("40 (estimated)", (40, "ESTIMATED")),
    ("12 Actual", (12, "ACTUAL")),
])
def test_total_enrollment_and_its_kind_synthetic(value, enrollment):
    trial = parse(SEED_TEXT.replace("Total Enrollment\n\n59 participants",
                                    f"Total Enrollment\n\n{value}"))
    assert (trial.enrollment, trial.enrollment_type) == enrollment


@pytest.mark.parametrize(("block", "records", "unfinished"), [
    ("Locations", "Example Clinic\n\nLyon, France\n\nSite Status RECRUITING\n\nSecond Clinic",
     "a site without its address and 'Site Status' line"),
    ("Interventions", "Drug A\n\nDrug A 10 mg daily.\n\nIntervention Type DRUG\n\nDrug B\n\n"
     "Drug B 5 mg weekly.", "an intervention without its 'Intervention Type' line"),
    ("Sponsors", "Synthetic Pharma\n\nINDUSTRY\n\nSponsor Role lead\n\nSynthetic Institute",
     "a sponsor without its 'Sponsor Role' line"),
    ("Other Identifiers", "SYN-001\n\nIdentifier Type: -\n\nIdentifier Source: org_study_id"
     "\n\nSYN-002", "an identifier without its 'Identifier Source' line"),
    ("Principal Investigators", "Ada Example\n\nRole: PRINCIPAL_INVESTIGATOR\n\nExample "
     "University\n\nBob Sample", "a person without a 'Role:' line"),
    ("Responsible Party", "Ada Example\n\nProfessor",
     "a responsible party without its 'Responsibility Role' line"),
])
def test_a_record_cut_short_mid_page_is_named_exactly(caplog, block, records, unfinished):
    _with_block(block, records)
    assert f"section {block!r} has {unfinished}" in caplog.text


def test_the_real_page_parses_without_a_warning(caplog):
    """Every record of the bundled page is whole: nothing is reported unfinished, missing,
    skipped or kept aside."""
    with caplog.at_level(logging.DEBUG, logger="kg"):
        parse(SEED_TEXT)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_locations_records_synthetic():
    trial = _with_block("Locations", (
        "Example Clinic\n\nLyon, France\n\nSite Status\n\nRECRUITING\n\n"  # status on its own
        "Second Clinic\n\nParis, France\n\nSite Status COMPLETED\n\n"
        "Third Clinic\n\nNice, France\n\nFourth Clinic\n\nNantes, France"))  # no status lines
    assert [(s.facility, s.city, s.country, s.status) for s in trial.sites] == [
        ("Example Clinic", "Lyon", "France", "RECRUITING"),
        ("Second Clinic", "Paris", "France", "COMPLETED"),
        ("Third Clinic", "Nice", "France", None), ("Fourth Clinic", "Nantes", "France", None)]


def test_interventions_records_synthetic():
    trial = _with_block("Interventions", (
        "Intervention Type DRUG\n\n"  # a type without a name: skipped
        "Drug A\n\nDrug A 10 mg daily.\n\nSecond paragraph.\n\nIntervention Type DRUG\n\n"
        "Drug B\n\nIntervention Type BIOLOGICAL\n\nDrug C\n\nDrug C 1 mg.\n\nOnce a day."))
    # (the seed's arm then adds the intervention it lists, absent from these)
    assert [(i.name, i.type, i.description) for i in trial.interventions][:3] == [
        ("Drug A", "DRUG", "Drug A 10 mg daily.\n\nSecond paragraph."),
        ("Drug B", "BIOLOGICAL", None), ("Drug C", None, "Drug C 1 mg.\n\nOnce a day.")]


def test_identifier_records_synthetic():
    trial = _with_block("Other Identifiers", (
        "Identifier Source: secondary_id\n\n"  # a source without an identifier: skipped
        "SYN-001\n\nIdentifier Type: -\n\nIdentifier Source: org_study_id\n\n"
        "SYN-002\n\nIdentifier Type: -\n\nIdentifier Source: org_study_id\n\n"
        "SYN-003\n\nIdentifier Type: REGISTRY\n\nIdentifier Source: secondary_id"))
    assert trial.org_study_id == "SYN-001"
    assert [(s.id, s.type) for s in trial.secondary_ids] == [
        ("SYN-002", "org_study_id"), ("SYN-003", "REGISTRY")]


def test_study_groups_without_group_type_lines_synthetic(caplog):
    trial = _with_block("Study Groups", "Arm A\n\nDrug A alone.\n\nTwice a day.")
    assert [(a.label, a.type, a.description) for a in trial.arms] == [
        ("Arm A", None, "Drug A alone.\n\nTwice a day.")]
    assert "'Study Groups' without 'Group Type' lines" in caplog.text
    assert [(a.label, a.description) for a in _with_block("Study Groups", "Arm A").arms] == [
        ("Arm A", None)]


def test_arms_without_labels_and_text_after_the_last_listing_synthetic():
    trial = _with_block("Study Groups", (
        "Group Type EXPERIMENTAL\n\nDrug A\n\nIntervention Type DRUG\n\nDrug A 10 mg daily.\n\n"
        "Group Type PLACEBO_COMPARATOR"))
    assert [(a.label, a.type, a.intervention_names) for a in trial.arms] == [
        ("(unnamed arm 1)", "EXPERIMENTAL", ["Drug: Drug A"]),
        ("Drug A 10 mg daily.", "PLACEBO_COMPARATOR", [])]
    trial = _with_block("Study Groups", (
        "Arm A\n\nGroup Type EXPERIMENTAL\n\nGroup Type PLACEBO_COMPARATOR\n\nDrug A\n\n"
        "Intervention Type DRUG"))
    assert [a.label for a in trial.arms] == ["Arm A", "(unnamed arm 2)"]
    # text after the last arm's 'Group Type' with no listing: kept, not lost
    trial = _with_block("Study Groups", "Arm A\n\nGroup Type EXPERIMENTAL\n\nStray\n\nText")
    assert [(a.label, a.intervention_names) for a in trial.arms] == [("Arm A", [])]
    assert trial.extra_sections == {"Study Groups": "Stray\n\nText"}


def test_a_one_value_field_keeps_the_paragraphs_after_its_value_synthetic():
    trial = parse(SEED_TEXT.replace("Accepts Healthy Volunteers\n\nNo\n",
                                    "Accepts Healthy Volunteers\n\nNo\n\nSynthetic aside\n\n"
                                    "Second aside\n"))
    assert trial.eligibility.healthy_volunteers is False
    assert trial.extra_sections == {"Accepts Healthy Volunteers": "Synthetic aside\n\n"
                                                                   "Second aside"}


def test_an_arms_listing_fills_what_the_interventions_section_left_out_synthetic():
    header, blocks = split_blocks(SEED_TEXT)
    replaced = {
        "Study Groups": "Arm A\n\nGroup Type EXPERIMENTAL\n\nDrug B\n\nIntervention Type DRUG"
                        "\n\nDrug B 5 mg weekly.",
        "Interventions": "Drug B"}  # named only: no type, no description
    out = [(h, "\n".join(t.split("\n")[:3]) + "\n\n" + replaced[h] + "\n" if h in replaced
            else t) for h, t in blocks]
    trial = parse(join_blocks(header, out))
    assert [(i.name, i.type, i.description, i.arm_labels) for i in trial.interventions] == [
        ("Drug B", "DRUG", "Drug B 5 mg weekly.", ["Arm A"])]
    assert trial.arms[0].intervention_names == ["Drug: Drug B"]


# --------------------------------------------------------------------------- text kept whole
# SYNTHETIC additions to the real page: text the parser has no field for is kept, paragraph
# breaks included, under the heading it came under.


def test_text_in_the_header_after_the_title_is_kept_synthetic():
    header, blocks = split_blocks(SEED_TEXT)
    title = header.split("\n")[0]
    rest = header[header.index("NCT ID:"):]
    trial = parse(join_blocks(f"{title}\nA subtitle line\n\nA note.\n\nAnother note.\n\n{rest}",
                              blocks))
    assert trial.brief_title == title
    assert trial.extra_sections == {"Header": "A subtitle line\n\nA note.\n\nAnother note."}


def test_a_header_of_one_paragraph_after_the_title_is_kept_synthetic():
    header, blocks = split_blocks(SEED_TEXT)
    title = header.split("\n")[0]
    rest = header[header.index("NCT ID:"):]
    trial = parse(join_blocks(f"{title}\n\nA note.\n\n{rest}", blocks))
    assert (trial.brief_title, trial.extra_sections) == (title, {"Header": "A note."})


def test_repeated_and_unknown_sections_keep_their_paragraphs_synthetic():
    header, blocks = split_blocks(SEED_TEXT)
    names = [name for name, _ in blocks]
    conditions = dict(blocks)["Conditions"].split("\n")[:3]  # heading, blank line, blurb
    again = "\n".join(conditions) + "\n\nFirst added line\n\nSecond added line"
    keywords = ("Keywords\n\nBrowse the search terms the sponsor attached to this study.\n\n"
                "term 1\n\nterm 2")
    at = names.index("Sponsors")
    trial = parse(join_blocks(header, [*blocks[:at], ("Conditions", again),
                                       ("Keywords", keywords), *blocks[at:]]))
    assert trial.extra_sections == {"Conditions": "First added line\n\nSecond added line",
                                    "Keywords": "term 1\n\nterm 2"}
    assert trial.conditions == parse(SEED_TEXT).conditions  # the first one is the data


def test_a_group_headings_text_after_its_blurb_is_kept_synthetic():
    trial = _with_block("Basic Information", "Note one.\n\nNote two.")
    assert trial.extra_sections == {"Basic Information": "Note one.\n\nNote two."}


def test_the_nct_id_on_the_line_after_its_label_synthetic():
    trial = parse(SEED_TEXT.replace("NCT ID: NCT05807880", "NCT ID:\n\nNCT05807880"))
    assert trial.nct_id == "NCT05807880"


def test_an_nct_id_label_without_an_identifier_is_refused_exactly(tmp_path):
    path = write(tmp_path, "no-id.txt", SEED_TEXT.replace("NCT ID: NCT05807880", "NCT ID:"))
    assert error_of(path) == f"{path}: the 'NCT ID:' line has no identifier"


def test_parse_of_a_string_names_it_and_refuses_a_partial_page_by_default():
    header = SEED_TEXT[:SEED_TEXT.index("Study Results")]
    with pytest.raises(TrialParseError) as caught:
        parse(header)
    assert str(caught.value) == ("<string>: truncated page: nothing after the header (title, "
                                 "NCT ID); no recognised section")
    with pytest.raises(TrialParseError, match="import what it has with --allow-partial"):
        parse(CUT.read_text(encoding="utf-8"))
    assert parse(CUT.read_text(encoding="utf-8"), allow_partial=True).nct_id == "NCT05807880"


# --------------------------------------------------------------------------- unknown headings
# What the site's new sections look like: a title-cased line of at most six words on its own,
# a blank line, one blurb sentence of at least eight words on its own. SYNTHETIC lines.

BLURB = "Browse the search terms the sponsor attached to this study."  # 10 words, one sentence
VALUE = trial_page._Section("Sponsors", trial_page._Spec("Sponsors"), 1)
PROSE = trial_page._Section("Brief Summary", trial_page._Spec("Brief Summary", blurb=True,
                                                                  free_text=True), 1)


@pytest.mark.parametrize(("lines", "i", "expected"), [
    (["", "Keywords", "", BLURB, ""], 1, True),
    (["Keywords", "", BLURB], 0, True),                 # the page ends with the blurb
    (["Keywords", "", BLURB, "", "more text"], 0, True),  # a line further on is another's
    (["Keywords", "", BLURB, "more text"], 0, False),   # the blurb is not on its own
    (["", "Keywords", "", BLURB, "more text"], 1, False),
    (["Keywords", ""], 0, False),                       # nothing after the blank line
    (["Keywords", "", ""], 0, False),
    (["Keywords", BLURB], 0, False),                    # no blank line after the title
    (["Earlier text", "Keywords", "", BLURB], 1, False),  # glued to the line before
    (["", "One Two Three Four Five Six", "", BLURB], 1, True),
    (["", "One Two Three Four Five Six Seven", "", BLURB], 1, False),
    (["", "keywords", "", BLURB], 1, False),            # not capitalised
    (["", "Terms of the Sponsor", "", BLURB], 1, True),  # small words inside
    (["", "Keywords", "", "Browse the search terms the sponsor attached here."], 1, True),
    (["", "Keywords", "", "Browse the search terms the sponsor attached."], 1, False),  # 7
    (["", "Keywords", "", "Browse the terms. The sponsor attached them to the study."], 1,
     False),                                            # two sentences
])
def test_an_unknown_heading_is_a_title_line_then_a_blurb_on_its_own_synthetic(
        lines, i, expected):
    assert trial_page._is_unknown_heading(lines, i, VALUE) is expected


def test_unknown_headings_are_not_looked_for_in_prose_or_the_header_synthetic():
    lines = ["", "Keywords", "", BLURB, ""]
    assert trial_page._is_unknown_heading(lines, 1, PROSE) is False
    header = trial_page._Section(trial_page._HEADER, trial_page._Spec(trial_page._HEADER), 1)
    assert trial_page._is_unknown_heading(lines, 1, header) is False


@pytest.mark.parametrize(("text", "expected"), [
    ("One two three four five.", True),       # five words: the default least
    ("One two three four.", False),
    ("One two three four five", False),        # no full stop
    ("One two three.\nFour five six.", False),  # two lines
    ("* one two three four five.", False),     # a list item, not boilerplate
    ("   * one two three four five.", False),
    ("- one two three four five.", False),
])
def test_a_blurb_is_one_line_of_one_sentence_of_five_words_or_more(text, expected):
    assert trial_page._blurb_shaped(text) is expected


def test_condition_lines_lose_their_list_marks_synthetic():
    trial = parse(SEED_TEXT.replace("\n\nNasopharyngeal Neoplasms\n\n",
                                    "\n\n* Nasopharyngeal Neoplasms\n- Head and Neck Neoplasms\n"
                                    "+  Carcinoma\nNeoplasms-Like Lesions\n\n", 1))
    assert trial.conditions == ["Nasopharyngeal Neoplasms", "Head and Neck Neoplasms",
                                "Carcinoma", "Neoplasms-Like Lesions"]


def test_a_byte_order_mark_is_dropped_and_a_title_keeps_its_first_letter_synthetic():
    title = SEED_TEXT.split("\n", 1)[0]
    trial = parse("\ufeffXeloda " + SEED_TEXT)
    assert trial.brief_title == f"Xeloda {title}"


# --------------------------------------------------------------------------- an arm's listings
# SYNTHETIC paragraphs after an arm's 'Group Type' line: listings (name, type line,
# description paragraphs), then, unless it is the last arm, the next arm's label.

ITYPE = "Intervention Type DRUG"


def _listings(paras: list[str], is_last: bool):
    listings, rest = trial_page._split_listings(paras, Trial(nct_id="NCT00000000"), is_last)
    return [(x.name, x.type, x.description) for x in listings], rest


def test_each_listing_takes_every_paragraph_up_to_the_next_listings_name_synthetic(caplog):
    with caplog.at_level(logging.WARNING):
        found = _listings(["Drug A", ITYPE, "A one.", "A two.", "Drug B", ITYPE, "B one.",
                           "B two."], is_last=True)
    assert found == ([("Drug A", "DRUG", "A one.\n\nA two."),
                      ("Drug B", "DRUG", "B one.\n\nB two.")], [])
    assert caplog.text == ""  # the first listing's name is no text before it


def test_before_the_next_arm_a_listing_of_unknown_length_takes_one_paragraph_synthetic():
    assert _listings(["Drug A", ITYPE, "A one.", "Next arm"], is_last=False) == (
        [("Drug A", "DRUG", "A one.")], ["Next arm"])
    assert _listings(["Drug A", ITYPE, "Next arm"], is_last=False) == (
        [("Drug A", "DRUG", None)], ["Next arm"])
    assert _listings(["Drug A", ITYPE], is_last=False) == ([("Drug A", "DRUG", None)], [])


def test_type_and_pmid_lines_without_a_citation_of_their_own_are_ignored_synthetic(caplog):
    with caplog.at_level(logging.WARNING):
        trial = _with_block("References", (
            "Reference Type BACKGROUND\n\nPMID: 123 (View on PubMed)\n\n"  # before any citation
            "A. Author. A synthetic paper. 2020.\n\nReference Type RESULT\n\n"
            "Reference Type BACKGROUND\n\nPMID: 456 (View on PubMed)\n\n"  # a second type line
            "PMID: 789 (View on PubMed)"))                                 # a second PMID line
    assert [(r.citation, r.type, r.pmid) for r in trial.references] == [
        ("A. Author. A synthetic paper. 2020.", "RESULT", "456")]
    assert caplog.text.count("without a citation; ignored") == 4


def test_a_references_section_without_records_synthetic():
    assert _with_block("References", "").references == []


def test_a_site_after_one_with_an_empty_status_keeps_its_name_synthetic():
    trial = _with_block("Locations", (
        "Example Clinic\n\nLyon, France\n\nSite Status\n\n"  # no status at all
        "Second Clinic\n\nParis, France\n\nSite Status COMPLETED\n\nLast Clinic"))
    assert [(s.facility, s.city, s.country, s.status) for s in trial.sites] == [
        ("Example Clinic", "Lyon", "France", None),
        ("Second Clinic", "Paris", "France", "COMPLETED"),
        ("Last Clinic", None, None, None)]  # cut short: kept with what it has


def test_an_intervention_models_description_keeps_its_paragraphs_synthetic():
    trial = parse(SEED_TEXT.replace(
        "The combination of anlotinib, penpulimab and capecitabine.\n",
        "The combination of anlotinib, penpulimab and capecitabine.\n\nA second paragraph.\n"))
    assert trial.design.intervention_model == "SINGLE_GROUP"
    assert trial.design.intervention_model_description == (
        "The combination of anlotinib, penpulimab and capecitabine.\n\nA second paragraph.")


def test_a_criteria_block_keeps_indents_and_a_heading_without_items_synthetic():
    section = trial_page._Section("Inclusion Criteria", trial_page._Spec("Inclusion Criteria"), 1)
    section.body_lines = ["", "* Adults.", "  * aged 18 or over.", "", "", "", "* Consent.  ", ""]
    assert trial_page._criteria_block(section) == (
        "Inclusion Criteria\n\n* Adults.\n  * aged 18 or over.\n\n* Consent.")
    section.body_lines = ["", "  ", ""]
    assert trial_page._criteria_block(section) == "Inclusion Criteria"


def test_three_arms_each_keep_their_own_listings_synthetic():
    trial = _with_block("Study Groups", STUDY_GROUPS_SYNTHETIC + (
        "\n\nArm C\n\nDrug A later.\n\nGroup Type OTHER\n\n"
        "Drug A\n\nIntervention Type DRUG\n\nDrug A 10 mg daily."))
    assert [(a.label, a.type, a.intervention_names) for a in trial.arms] == [
        ("Arm A", "ACTIVE_COMPARATOR", ["Drug: Drug A"]),
        ("Arm B", "EXPERIMENTAL", ["Drug: Drug A", "Radiation: Radiotherapy"]),
        ("Arm C", "OTHER", ["Drug: Drug A"])]
