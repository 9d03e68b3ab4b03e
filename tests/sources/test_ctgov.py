"""kg.sources.ctgov: ClinicalTrials.gov v2 study JSON -> Trial, asserted on field values."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.errors import TrialParseError
from kg.model import EligibilityCriterion
from kg.sources.ctgov import NO_RESULTS_POSTED, RESULTS_POSTED, parse, parse_bytes, parse_file

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "trials"
SNAPSHOT = ROOT / "data" / "snapshot" / "trials"


def _flatten(items: list[EligibilityCriterion]) -> list[EligibilityCriterion]:
    out = []
    for item in items:
        out.append(item)
        out.extend(_flatten(item.children))
    return out


@pytest.fixture(scope="module")
def default_trial():
    return parse_file(FIXTURES / "NCT05807880.json")


# --------------------------------------------------------------------------- NCT05807880


def test_default_trial_identification_and_status(default_trial):
    t = default_trial
    assert t.nct_id == "NCT05807880"
    assert t.org_study_id == "ALTER-HN005"
    assert t.brief_title.startswith("Anlotinib, Penpulimab and Capecitabine")
    assert t.official_title is None and t.acronym is None
    assert t.overall_status == "ACTIVE_NOT_RECRUITING"
    assert (t.start_date, t.completion_date, t.last_update) == (
        "2023-09-01", "2026-07-01", "2026-01-23")
    assert t.primary_completion_date is None
    assert t.results_status == NO_RESULTS_POSTED


def test_default_trial_design_and_enrollment(default_trial):
    t = default_trial
    assert t.enrollment == 59
    assert t.enrollment_type is None  # the transcribed record does not say
    assert t.phases == ["PHASE2"]
    assert t.study_type == "INTERVENTIONAL"
    d = t.design
    assert (d.allocation, d.intervention_model, d.primary_purpose, d.masking) == (
        "NA", "SINGLE_GROUP", "TREATMENT", "NONE")
    assert d.intervention_model_description.startswith("The combination of anlotinib")
    assert t.conditions == ["Nasopharyngeal Neoplasms"]
    assert t.keywords == []


def test_default_trial_sponsors_and_people(default_trial):
    t = default_trial
    assert [(o.name, o.org_class, o.role) for o in t.organizations] == [
        ("Sun Yat-sen University", "OTHER", "lead"),
        ("Chia Tai Tianqing Pharmaceutical Group Co., Ltd.", "INDUSTRY", "collaborator"),
    ]
    assert t.lead_sponsor.name == "Sun Yat-sen University"
    [pi] = t.officials
    assert (pi.name, pi.role, pi.affiliation) == (
        "Jun Ma, M.D.", "PRINCIPAL_INVESTIGATOR", "Sun Yat-sen University")
    rp = t.responsible_party
    assert (rp.type, rp.name, rp.title, rp.affiliation) == (
        "PRINCIPAL_INVESTIGATOR", "Jun Ma, MD", "Professor", None)
    [site] = t.sites
    assert (site.facility, site.city, site.state, site.country, site.status) == (
        "Sun Yat-sen University Cancer Center", "Guangzhou", "Guangdong", "China", None)
    assert t.countries == ["China"]


def test_default_trial_arms_interventions_unresolved(default_trial):
    t = default_trial
    [arm] = t.arms
    assert (arm.label, arm.type) == ("Intervention arm", "EXPERIMENTAL")
    assert arm.intervention_names == [
        "Drug: The combination treatment of anlotinib, penpulimab and capecitabine."]
    assert arm.description.startswith("First, patients will receive")
    assert arm.regimens == []  # regimens are another module's job
    [drug] = t.interventions
    assert drug.type == "DRUG"
    assert drug.name == "The combination treatment of anlotinib, penpulimab and capecitabine."
    assert drug.arm_labels == ["Intervention arm"]
    assert drug.drugs == [] and drug.other_names == []


def test_default_trial_references(default_trial):
    refs = default_trial.references
    assert len(refs) == 10
    assert len([r for r in refs if r.pmid]) == 9
    assert {r.type for r in refs} == {"BACKGROUND"}
    no_pmid = [r for r in refs if not r.pmid]
    assert [r.doi for r in no_pmid] == ["10.1016/j.annonc.2020.08.1044"]
    assert refs[0].pmid == "34174189"
    assert refs[0].doi == "10.1016/S1470-2045(21)00302-8"
    assert refs[0].citation.startswith("Yang Y, Qu S, Li J")


def test_default_trial_eligibility(default_trial):
    e = default_trial.eligibility
    assert (e.minimum_age, e.maximum_age) == ("18 Years", "65 Years")
    assert (e.minimum_age_years, e.maximum_age_years) == (18.0, 65.0)
    assert e.sex == "ALL" and e.healthy_volunteers is False
    assert len(e.criteria) > 20
    assert e.criteria[0].text == "Between 18 to 65 years old."
    assert e.preambles == ["Patients who meet any of the following criteria should be excluded:"]
    assert all(isinstance(c, EligibilityCriterion) for c in _flatten(e.criteria))
    # The whole text is kept unescaped: CT.gov writes "4\*109/L" and "\> 10mg".
    assert "4*109/L" in e.text and "> 10mg prednisone" in e.text
    assert "\\*" not in e.text and "\\>" not in e.text


def test_default_trial_text_and_source(default_trial):
    t = default_trial
    assert t.brief_summary.startswith("First-diagnosed metastasis")
    assert "phase II clinical trial" in t.detailed_description
    src = t.source
    assert (src.kind, src.record_id, src.retrieved) == ("ctgov-json", "NCT05807880", None)
    assert src.location.endswith("NCT05807880.json")


# --------------------------------------------------------------------------- snapshot


@pytest.mark.parametrize("path", sorted(SNAPSHOT.glob("NCT*.json")), ids=lambda p: p.stem)
def test_every_snapshot_file_parses(path):
    trial = parse_file(path)
    assert trial.nct_id == path.stem
    assert trial.brief_title


def test_snapshot_missing_modules_become_empty():
    t = parse_file(SNAPSHOT / "NCT05981157.json")
    assert t.conditions == [] and t.keywords == []
    assert t.eligibility.criteria == [] and t.eligibility.text is None
    assert t.sites == [] and t.countries == [] and t.references == []
    assert t.results_status is None  # no hasResults key at all
    assert (t.enrollment, t.enrollment_type) == (27, "ESTIMATED")
    [item] = t.interventions
    assert (item.name, item.type, item.arm_labels) == (
        "Anrotinib plus Tirelizumab", "DRUG", ["Anrotinib plus Tirelizumab arm"])
    assert t.arms[0].intervention_names == ["Drug: Anrotinib plus Tirelizumab"]
    assert t.lead_sponsor.name == "Zhongshan People's Hospital, Guangdong, China"


def test_snapshot_keynote_122():
    t = parse_file(SNAPSHOT / "NCT02611960.json")
    assert [i.name for i in t.interventions] == [
        "Pembrolizumab", "Capecitabine", "Gemcitabine", "Docetaxel"]
    assert all(i.type is None for i in t.interventions)
    assert t.keywords == ["Programmed Cell Death-1 (PD1, PD-1)",
                          "Programmed Death-Ligand 1 (PDL1, PD-L1)"]
    assert t.phases == ["PHASE3"] and t.enrollment == 233 and t.enrollment_type == "ACTUAL"
    assert t.results_status == RESULTS_POSTED
    # An empty criteria string is "not given", not an empty list of parsed items.
    assert t.eligibility.text is None and t.eligibility.criteria == []
    assert (t.eligibility.minimum_age_years, t.eligibility.maximum_age_years) == (18.0, None)
    assert [(o.name, o.org_class, o.role) for o in t.organizations] == [
        ("Merck Sharp & Dohme LLC", "INDUSTRY", "lead")]


def test_snapshot_toripalimab():
    t = parse_file(SNAPSHOT / "NCT03581786.json")
    names = [i.name for i in t.interventions]
    assert names == ["TORIPALIMAB INJECTION(JS001 ) combine with chemotherapy", "Placebos"]
    assert t.interventions[0].type == "BIOLOGICAL" and t.interventions[0].arm_labels == []
    assert [a.label for a in t.arms] == ["placebo combine with chemotherapy",
                                         "TORIPALIMAB INJECTION(JS001 )combine with chemotherapy"]
    assert t.design.masking == "QUADRUPLE"
    assert len(t.sites) == 4 and t.countries == ["China"]
    assert t.lead_sponsor.org_class is None


def test_snapshot_minimal_record():
    t = parse_file(SNAPSHOT / "NCT07581821.json")
    assert t.overall_status == "RECRUITING" and t.phases == ["PHASE2"]
    assert t.arms == [] and t.interventions == [] and t.enrollment is None
    assert t.design.allocation is None


# --------------------------------------------------------------------------- synthetic


def test_synthetic_study_maps_every_module():
    t = parse_file(FIXTURES / "synthetic-full-study.json")
    assert t.acronym == "SYNTH-1" and t.org_study_id == "SYN-001"
    assert [(s.id, s.type, s.domain) for s in t.secondary_ids] == [
        ("2099-000001-11", "EUDRACT_NUMBER", None),
        ("R01 XX000001", "NIH", "Synthetic Institute")]
    assert t.official_title == "A Synthetic Phase 2/3 Study of Drug A (SYN-1) Plus Drug B"
    assert t.primary_completion_date == "2026-12"
    assert t.enrollment == 120  # given as the text "120"
    assert t.phases == ["PHASE2", "PHASE3"] and t.design.masking == "DOUBLE"
    assert t.design.intervention_model_description == "Two arms (1:1)."
    assert t.brief_summary == "Patients with PD-L1 > 1% receive drug A *and* drug B."
    assert t.detailed_description == "Line one.\n\nLine two with an _underscore_."
    assert [o.role for o in t.organizations] == ["lead", "collaborator", "collaborator"]
    rp = t.responsible_party
    assert (rp.type, rp.name, rp.title, rp.affiliation) == (
        "SPONSOR_INVESTIGATOR", "Ada Example", "Professor", "Synthetic Cancer Centre")
    assert t.interventions[0].other_names == ["SYN-1", "Examplinib"]
    assert t.interventions[1].arm_labels == ["A + B", "B alone"]
    assert t.arms[0].description == "Drug A 10 mg + drug B."
    assert [s.status for s in t.sites] == ["RECRUITING", "NOT_YET_RECRUITING", None]
    assert t.sites[0].zip == "00001"
    assert t.sites[2].facility == "Boston, Massachusetts, United States"
    assert t.countries == ["United States", "France"]
    assert t.officials[0].role == "STUDY_CHAIR"
    assert [(r.pmid, r.doi) for r in t.references] == [
        ("10000001", "10.1000/synth.2020.001"), (None, None)]
    e = t.eligibility
    assert e.sex == "FEMALE" and e.maximum_age_years == 0.5
    assert "ECOG 0-1" in e.text
    assert [(c.section, c.text) for c in e.criteria] == [
        ("inclusion", "Age 18 or older"), ("inclusion", "ECOG 0-1"),
        ("exclusion", "Prior PD-1 therapy")]
    assert t.results_status == RESULTS_POSTED


def test_parse_dict_defaults_and_api_source():
    study = {"protocolSection": {"identificationModule": {"nctId": "NCT05807880"}}}
    t = parse(study)
    assert t.source.location == "<dict>" and t.source.kind == "ctgov-json"
    t = parse(study, location="https://example.org/x", source_kind="ctgov-api",
              retrieved="2025-01-01T00:00:00Z")
    assert (t.source.kind, t.source.retrieved) == ("ctgov-api", "2025-01-01T00:00:00Z")


def _responsible(party: dict):
    study = {"protocolSection": {"identificationModule": {"nctId": "NCT05807880"},
                                 "sponsorCollaboratorsModule": {"responsibleParty": party}}}
    return parse(study).responsible_party


def test_synthetic_pre_2017_responsible_party_keeps_its_name_and_organization():
    # Records registered before 2017 carry the old free-text fields instead of the
    # investigator ones (issue 17: the name was lost).
    rp = _responsible({"oldNameTitle": "Jane Roe, MD", "oldOrganization": "Example Institute"})
    assert (rp.type, rp.name, rp.title, rp.affiliation) == (
        None, "Jane Roe, MD", None, "Example Institute")


def test_synthetic_current_responsible_party_fields_win_over_the_old_ones():
    rp = _responsible({"type": "PRINCIPAL_INVESTIGATOR", "investigatorFullName": "New Name",
                       "investigatorAffiliation": "New Place", "oldNameTitle": "Old Name",
                       "oldOrganization": "Old Place"})
    assert (rp.type, rp.name, rp.affiliation) == ("PRINCIPAL_INVESTIGATOR", "New Name",
                                                  "New Place")


def test_a_record_without_a_responsible_party_has_none():
    assert parse(_study()).responsible_party is None
    assert _responsible({}) is None


@pytest.mark.parametrize(("value", "found"), [
    ([], "a list"), ("x", "text"), (True, "a boolean"), (1, "a number"), (1.5, "a number"),
    ({1}, "set"),
])
def test_a_module_of_the_wrong_type_is_named_by_its_json_kind(value, found):
    study = {"protocolSection": {"identificationModule": {"nctId": "NCT05807880"},
                                 "statusModule": value}}
    with pytest.raises(TrialParseError) as caught:
        parse(study)
    assert str(caught.value) == ("<dict>: protocolSection.statusModule should be an object, "
                                 f"found {found}")


@pytest.mark.parametrize(("module", "problem"), [
    ({"sponsorCollaboratorsModule": {"collaborators": [None]}},
     "sponsorCollaboratorsModule.collaborators[0] should be an object, found null"),
    ({"conditionsModule": {"conditions": ["NPC", None]}},
     "conditionsModule.conditions[1] should be text, found null"),
])
def test_a_null_list_item_is_named(module, problem):
    with pytest.raises(TrialParseError) as caught:
        parse({"protocolSection": {"identificationModule": {"nctId": "NCT05807880"}, **module}})
    assert str(caught.value) == f"<dict>: {problem}"


# --------------------------------------------------------------------------- bad input


def _study(**ident) -> dict:
    return {"protocolSection": {"identificationModule": {"nctId": "NCT05807880", **ident}}}


def _write(tmp_path: Path, content: bytes | str, name: str = "study.json") -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


@pytest.mark.parametrize("content", [b"", b"  \n\t\n"])
def test_empty_file(tmp_path, content):
    path = _write(tmp_path, content)
    with pytest.raises(TrialParseError, match="file is empty") as err:
        parse_file(path)
    assert str(path) in str(err.value)


def test_invalid_json_reports_line_and_column(tmp_path):
    path = _write(tmp_path, '{\n  "protocolSection": {\n    "x": 1,,\n  }\n}')
    with pytest.raises(TrialParseError, match=r"invalid JSON at line 3, column 12") as err:
        parse_file(path)
    assert str(err.value).startswith(str(path))


def test_truncated_json(tmp_path):
    whole = (FIXTURES / "NCT05807880.json").read_bytes()
    path = _write(tmp_path, whole[:500])
    with pytest.raises(TrialParseError, match=r"invalid JSON at line \d+.*truncated"):
        parse_file(path)


def test_not_utf8(tmp_path):
    with pytest.raises(TrialParseError, match="not UTF-8"):
        parse_file(_write(tmp_path, b'{"a": "\xff\xfe"}'))


def test_search_result_page_is_not_a_study():
    path = FIXTURES / "synthetic-search-page.json"
    with pytest.raises(TrialParseError,
                       match="this is a search result page with 2 studies, not a single study"):
        parse_file(path)


@pytest.mark.parametrize("doc, problem", [
    ([1, 2], "expected a study object, found a list"),
    ({"foo": 1}, r"no protocolSection \(top-level keys: foo\)"),
    ({"protocolSection": {}}, r"no protocolSection\.identificationModule\.nctId"),
    ({"protocolSection": {"identificationModule": {"briefTitle": "x"}}}, "no protocolSection"),
    ({"protocolSection": []}, "protocolSection should be an object, found a list"),
])
def test_not_a_study(doc, problem):
    with pytest.raises(TrialParseError, match=problem) as err:
        parse_bytes(json.dumps(doc).encode(), "in.json")
    assert str(err.value).startswith("in.json: ")


@pytest.mark.parametrize("nct", ["NCT123", "nct05807880x", "05807880", 5807880, ""])
def test_invalid_nct_id(nct):
    with pytest.raises(TrialParseError, match="invalid NCT id"):
        parse(_study(nctId=nct), location="in.json")


@pytest.mark.parametrize("module, body, problem", [
    ("designModule", {"enrollmentInfo": {"count": "fifty"}},
     r"designModule\.enrollmentInfo\.count should be a whole number, found 'fifty'"),
    ("designModule", {"enrollmentInfo": {"count": True}}, "found a boolean"),
    ("designModule", {"enrollmentInfo": {"count": 12.5}}, "should be a whole number"),
    ("designModule", {"phases": "PHASE2"}, r"designModule\.phases should be a list, found text"),
    ("conditionsModule", {"conditions": "Cancer"}, "should be a list"),
    ("conditionsModule", {"conditions": [{"name": "x"}]},
     r"conditionsModule\.conditions\[0\] should be text"),
    ("armsInterventionsModule", {"interventions": ["Drug: X"]},
     r"interventions\[0\] should be an object"),
    ("statusModule", {"overallStatus": {"v": 1}}, "overallStatus should be text"),
])
def test_wrong_types_in_key_fields(module, body, problem):
    study = _study()
    study["protocolSection"][module] = body
    with pytest.raises(TrialParseError, match=problem):
        parse(study, location="in.json")


def test_module_of_wrong_type():
    study = _study()
    study["protocolSection"]["designModule"] = ["INTERVENTIONAL"]
    with pytest.raises(TrialParseError, match="designModule should be an object, found a list"):
        parse(study)


def test_has_results_must_be_boolean():
    study = dict(_study(), hasResults="yes")
    with pytest.raises(TrialParseError, match="hasResults should be a boolean"):
        parse(study)


def test_missing_file(tmp_path):
    with pytest.raises(TrialParseError, match="cannot read file"):
        parse_file(tmp_path / "nope.json")
