"""kg.sources.ctgov edges (issue 17): every JSON path the parser reads is named exactly when
its value has the wrong type; every field lands in its model slot; the reader's coercions and
the loader's messages.

Every study here is synthetic, built in this module from a minimal one (a made-up NCT id and
only the fields a case needs); none is a real trial. Each case is a small, fast unit call.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest

from kg.errors import TrialParseError
from kg.model import (
    Arm,
    Design,
    Intervention,
    Organization,
    Person,
    Reference,
    RegistryMesh,
    ResponsibleParty,
    SecondaryId,
    Site,
    SourceInfo,
)
from kg.sources.ctgov import (
    NO_RESULTS_POSTED,
    RESULTS_POSTED,
    load_json,
    parse,
    parse_bytes,
    parse_file,
)

NCT = "NCT99999902"  # synthetic


def _study(**modules: Any) -> dict:
    """A synthetic study: the NCT id plus the given protocol modules."""
    protocol = {"identificationModule": {"nctId": NCT}}
    for name, body in modules.items():
        if name == "identificationModule":
            protocol[name] = {"nctId": NCT, **body}
        else:
            protocol[name] = body
    return {"protocolSection": protocol}


_TOKEN = re.compile(r"[^.\[\]]+|\[\d+\]")


def _put(doc: dict, path: str, value: Any) -> None:
    """Set ``value`` at a dotted JSON path ("a.b[1].c"), creating objects on the way and
    padding lists with empty objects."""
    tokens = _TOKEN.findall(path)
    node: Any = doc
    for token, following in zip(tokens, tokens[1:], strict=False):
        if token.startswith("["):
            index = int(token[1:-1])
            node.extend({} for _ in range(index + 1 - len(node)))
            node = node[index]
        else:
            if not isinstance(node.get(token), (dict, list)):
                node[token] = [] if following.startswith("[") else {}
            node = node[token]
    last = tokens[-1]
    if last.startswith("["):
        index = int(last[1:-1])
        node.extend({} for _ in range(index + 1 - len(node)))
        node[index] = value
    else:
        node[last] = value


def _with(**paths: Any) -> dict:
    """A synthetic study with each ``path=value`` set in turn (``__`` stands for ``.``)."""
    doc = _study()
    for path, value in paths.items():
        _put(doc, path.replace("__", "."), value)
    return doc


P = "protocolSection."

# (JSON path -> value, set in order; the whole error message for location "<dict>")
WRONG_TYPES = [
    # the sections and modules themselves
    ({"protocolSection": "x"}, "study.protocolSection should be an object, found text"),
    ({P + "identificationModule": []},
     "protocolSection.identificationModule should be an object, found a list"),
    ({P + "statusModule": True},
     "protocolSection.statusModule should be an object, found a boolean"),
    ({P + "sponsorCollaboratorsModule": 1},
     "protocolSection.sponsorCollaboratorsModule should be an object, found a number"),
    ({P + "descriptionModule": "x"},
     "protocolSection.descriptionModule should be an object, found text"),
    ({P + "conditionsModule": []},
     "protocolSection.conditionsModule should be an object, found a list"),
    ({P + "designModule": 2.5}, "protocolSection.designModule should be an object, found a number"),
    ({P + "armsInterventionsModule": "x"},
     "protocolSection.armsInterventionsModule should be an object, found text"),
    ({P + "eligibilityModule": []},
     "protocolSection.eligibilityModule should be an object, found a list"),
    ({P + "contactsLocationsModule": False},
     "protocolSection.contactsLocationsModule should be an object, found a boolean"),
    ({P + "referencesModule": "x"},
     "protocolSection.referencesModule should be an object, found text"),
    ({"derivedSection": []}, "study.derivedSection should be an object, found a list"),
    ({"hasResults": "yes"}, "study.hasResults should be a boolean, found text"),
    ({"hasResults": 1}, "study.hasResults should be a boolean, found a number"),
    # identificationModule
    ({P + "identificationModule.briefTitle": {}},
     "identificationModule.briefTitle should be text, found an object"),
    ({P + "identificationModule.officialTitle": []},
     "identificationModule.officialTitle should be text, found a list"),
    ({P + "identificationModule.acronym": True},
     "identificationModule.acronym should be text, found a boolean"),
    ({P + "identificationModule.orgStudyIdInfo": "x"},
     "identificationModule.orgStudyIdInfo should be an object, found text"),
    ({P + "identificationModule.orgStudyIdInfo.id": []},
     "identificationModule.orgStudyIdInfo.id should be text, found a list"),
    ({P + "identificationModule.secondaryIdInfos": {}},
     "identificationModule.secondaryIdInfos should be a list, found an object"),
    ({P + "identificationModule.secondaryIdInfos[1]": "x"},
     "identificationModule.secondaryIdInfos[1] should be an object, found text"),
    ({P + "identificationModule.secondaryIdInfos[1].id": []},
     "identificationModule.secondaryIdInfos[1].id should be text, found a list"),
    ({P + "identificationModule.secondaryIdInfos[1]": {"id": "S-1", "type": {}}},
     "identificationModule.secondaryIdInfos[1].type should be text, found an object"),
    ({P + "identificationModule.secondaryIdInfos[1]": {"id": "S-1", "domain": []}},
     "identificationModule.secondaryIdInfos[1].domain should be text, found a list"),
    # statusModule
    ({P + "statusModule.overallStatus": []},
     "statusModule.overallStatus should be text, found a list"),
    ({P + "statusModule.startDateStruct": "2020"},
     "statusModule.startDateStruct should be an object, found text"),
    ({P + "statusModule.startDateStruct.date": {}},
     "statusModule.startDateStruct.date should be text, found an object"),
    ({P + "statusModule.primaryCompletionDateStruct": []},
     "statusModule.primaryCompletionDateStruct should be an object, found a list"),
    ({P + "statusModule.primaryCompletionDateStruct.date": []},
     "statusModule.primaryCompletionDateStruct.date should be text, found a list"),
    ({P + "statusModule.completionDateStruct": 1},
     "statusModule.completionDateStruct should be an object, found a number"),
    ({P + "statusModule.completionDateStruct.date": True},
     "statusModule.completionDateStruct.date should be text, found a boolean"),
    ({P + "statusModule.lastUpdatePostDateStruct": "x"},
     "statusModule.lastUpdatePostDateStruct should be an object, found text"),
    ({P + "statusModule.lastUpdatePostDateStruct.date": {}},
     "statusModule.lastUpdatePostDateStruct.date should be text, found an object"),
    # sponsorCollaboratorsModule
    ({P + "sponsorCollaboratorsModule.leadSponsor": []},
     "sponsorCollaboratorsModule.leadSponsor should be an object, found a list"),
    ({P + "sponsorCollaboratorsModule.leadSponsor.name": []},
     "sponsorCollaboratorsModule.leadSponsor.name should be text, found a list"),
    ({P + "sponsorCollaboratorsModule.leadSponsor": {"name": "L", "class": {}}},
     "sponsorCollaboratorsModule.leadSponsor.class should be text, found an object"),
    ({P + "sponsorCollaboratorsModule.collaborators": "x"},
     "sponsorCollaboratorsModule.collaborators should be a list, found text"),
    ({P + "sponsorCollaboratorsModule.collaborators[1]": 3},
     "sponsorCollaboratorsModule.collaborators[1] should be an object, found a number"),
    ({P + "sponsorCollaboratorsModule.collaborators[1].name": []},
     "sponsorCollaboratorsModule.collaborators[1].name should be text, found a list"),
    ({P + "sponsorCollaboratorsModule.collaborators[1]": {"name": "C", "class": []}},
     "sponsorCollaboratorsModule.collaborators[1].class should be text, found a list"),
    ({P + "sponsorCollaboratorsModule.responsibleParty": "x"},
     "sponsorCollaboratorsModule.responsibleParty should be an object, found text"),
    ({P + "sponsorCollaboratorsModule.responsibleParty.type": []},
     "sponsorCollaboratorsModule.responsibleParty.type should be text, found a list"),
    ({P + "sponsorCollaboratorsModule.responsibleParty.investigatorFullName": {}},
     "sponsorCollaboratorsModule.responsibleParty.investigatorFullName should be text, "
     "found an object"),
    ({P + "sponsorCollaboratorsModule.responsibleParty.oldNameTitle": []},
     "sponsorCollaboratorsModule.responsibleParty.oldNameTitle should be text, found a list"),
    ({P + "sponsorCollaboratorsModule.responsibleParty.investigatorTitle": []},
     "sponsorCollaboratorsModule.responsibleParty.investigatorTitle should be text, found a list"),
    ({P + "sponsorCollaboratorsModule.responsibleParty.investigatorAffiliation": True},
     "sponsorCollaboratorsModule.responsibleParty.investigatorAffiliation should be text, "
     "found a boolean"),
    ({P + "sponsorCollaboratorsModule.responsibleParty.oldOrganization": []},
     "sponsorCollaboratorsModule.responsibleParty.oldOrganization should be text, found a list"),
    # descriptionModule, conditionsModule
    ({P + "descriptionModule.briefSummary": []},
     "descriptionModule.briefSummary should be text, found a list"),
    ({P + "descriptionModule.detailedDescription": {}},
     "descriptionModule.detailedDescription should be text, found an object"),
    ({P + "conditionsModule.conditions": "x"},
     "conditionsModule.conditions should be a list, found text"),
    ({P + "conditionsModule.conditions": ["a", 5]},
     "conditionsModule.conditions[1] should be text, found a number"),
    ({P + "conditionsModule.conditions": ("a",)},  # a dict handed to parse() may hold any type
     "conditionsModule.conditions should be a list, found tuple"),
    ({P + "conditionsModule.keywords": {}},
     "conditionsModule.keywords should be a list, found an object"),
    ({P + "conditionsModule.keywords": ["a", None]},
     "conditionsModule.keywords[1] should be text, found null"),
    # designModule
    ({P + "designModule.studyType": []}, "designModule.studyType should be text, found a list"),
    ({P + "designModule.phases": "PHASE2"}, "designModule.phases should be a list, found text"),
    ({P + "designModule.phases": ["PHASE2", 2]},
     "designModule.phases[1] should be text, found a number"),
    ({P + "designModule.designInfo": []},
     "designModule.designInfo should be an object, found a list"),
    ({P + "designModule.designInfo.allocation": []},
     "designModule.designInfo.allocation should be text, found a list"),
    ({P + "designModule.designInfo.interventionModel": {}},
     "designModule.designInfo.interventionModel should be text, found an object"),
    ({P + "designModule.designInfo.interventionModelDescription": []},
     "designModule.designInfo.interventionModelDescription should be text, found a list"),
    ({P + "designModule.designInfo.primaryPurpose": True},
     "designModule.designInfo.primaryPurpose should be text, found a boolean"),
    ({P + "designModule.designInfo.maskingInfo": "x"},
     "designModule.designInfo.maskingInfo should be an object, found text"),
    ({P + "designModule.designInfo.maskingInfo.masking": []},
     "designModule.designInfo.maskingInfo.masking should be text, found a list"),
    ({P + "designModule.designInfo.maskingInfo.whoMasked": "x"},
     "designModule.designInfo.maskingInfo.whoMasked should be a list, found text"),
    ({P + "designModule.designInfo.maskingInfo.whoMasked": ["PARTICIPANT", {}]},
     "designModule.designInfo.maskingInfo.whoMasked[1] should be text, found an object"),
    ({P + "designModule.enrollmentInfo": []},
     "designModule.enrollmentInfo should be an object, found a list"),
    ({P + "designModule.enrollmentInfo.count": []},
     "designModule.enrollmentInfo.count should be a whole number, found []"),
    ({P + "designModule.enrollmentInfo.type": []},
     "designModule.enrollmentInfo.type should be text, found a list"),
    # armsInterventionsModule
    ({P + "armsInterventionsModule.armGroups": "x"},
     "armsInterventionsModule.armGroups should be a list, found text"),
    ({P + "armsInterventionsModule.armGroups[1]": 1},
     "armsInterventionsModule.armGroups[1] should be an object, found a number"),
    ({P + "armsInterventionsModule.armGroups[1].label": []},
     "armsInterventionsModule.armGroups[1].label should be text, found a list"),
    ({P + "armsInterventionsModule.armGroups[1].type": {}},
     "armsInterventionsModule.armGroups[1].type should be text, found an object"),
    ({P + "armsInterventionsModule.armGroups[1].description": []},
     "armsInterventionsModule.armGroups[1].description should be text, found a list"),
    ({P + "armsInterventionsModule.armGroups[1].interventionNames": "x"},
     "armsInterventionsModule.armGroups[1].interventionNames should be a list, found text"),
    ({P + "armsInterventionsModule.armGroups[1].interventionNames": ["Drug: X", 1]},
     "armsInterventionsModule.armGroups[1].interventionNames[1] should be text, found a number"),
    ({P + "armsInterventionsModule.interventions": {}},
     "armsInterventionsModule.interventions should be a list, found an object"),
    ({P + "armsInterventionsModule.interventions[1]": "Drug: X"},
     "armsInterventionsModule.interventions[1] should be an object, found text"),
    ({P + "armsInterventionsModule.interventions[1].name": []},
     "armsInterventionsModule.interventions[1].name should be text, found a list"),
    ({P + "armsInterventionsModule.interventions[1].type": []},
     "armsInterventionsModule.interventions[1].type should be text, found a list"),
    ({P + "armsInterventionsModule.interventions[1].description": {}},
     "armsInterventionsModule.interventions[1].description should be text, found an object"),
    ({P + "armsInterventionsModule.interventions[1].armGroupLabels": "x"},
     "armsInterventionsModule.interventions[1].armGroupLabels should be a list, found text"),
    ({P + "armsInterventionsModule.interventions[1].otherNames": ["a", True]},
     "armsInterventionsModule.interventions[1].otherNames[1] should be text, found a boolean"),
    # eligibilityModule
    ({P + "eligibilityModule.eligibilityCriteria": []},
     "eligibilityModule.eligibilityCriteria should be text, found a list"),
    ({P + "eligibilityModule.minimumAge": {}},
     "eligibilityModule.minimumAge should be text, found an object"),
    ({P + "eligibilityModule.maximumAge": []},
     "eligibilityModule.maximumAge should be text, found a list"),
    ({P + "eligibilityModule.sex": True}, "eligibilityModule.sex should be text, found a boolean"),
    # contactsLocationsModule
    ({P + "contactsLocationsModule.overallOfficials": "x"},
     "contactsLocationsModule.overallOfficials should be a list, found text"),
    ({P + "contactsLocationsModule.overallOfficials[1]": 2},
     "contactsLocationsModule.overallOfficials[1] should be an object, found a number"),
    ({P + "contactsLocationsModule.overallOfficials[1].name": []},
     "contactsLocationsModule.overallOfficials[1].name should be text, found a list"),
    ({P + "contactsLocationsModule.overallOfficials[1]": {"name": "N", "role": []}},
     "contactsLocationsModule.overallOfficials[1].role should be text, found a list"),
    ({P + "contactsLocationsModule.overallOfficials[1]": {"name": "N", "affiliation": {}}},
     "contactsLocationsModule.overallOfficials[1].affiliation should be text, found an object"),
    ({P + "contactsLocationsModule.locations": {}},
     "contactsLocationsModule.locations should be a list, found an object"),
    ({P + "contactsLocationsModule.locations[1]": "x"},
     "contactsLocationsModule.locations[1] should be an object, found text"),
    ({P + "contactsLocationsModule.locations[1].city": []},
     "contactsLocationsModule.locations[1].city should be text, found a list"),
    ({P + "contactsLocationsModule.locations[1].state": {}},
     "contactsLocationsModule.locations[1].state should be text, found an object"),
    ({P + "contactsLocationsModule.locations[1].country": True},
     "contactsLocationsModule.locations[1].country should be text, found a boolean"),
    ({P + "contactsLocationsModule.locations[1].facility": []},
     "contactsLocationsModule.locations[1].facility should be text, found a list"),
    ({P + "contactsLocationsModule.locations[1].zip": []},
     "contactsLocationsModule.locations[1].zip should be text, found a list"),
    ({P + "contactsLocationsModule.locations[1].status": {}},
     "contactsLocationsModule.locations[1].status should be text, found an object"),
    # referencesModule
    ({P + "referencesModule.references": "x"},
     "referencesModule.references should be a list, found text"),
    ({P + "referencesModule.references[1]": 1},
     "referencesModule.references[1] should be an object, found a number"),
    ({P + "referencesModule.references[1].citation": []},
     "referencesModule.references[1].citation should be text, found a list"),
    ({P + "referencesModule.references[1].pmid": {}},
     "referencesModule.references[1].pmid should be text, found an object"),
    ({P + "referencesModule.references[1]": {"citation": "c", "type": []}},
     "referencesModule.references[1].type should be text, found a list"),
    # derivedSection
    ({"derivedSection.conditionBrowseModule": []},
     "derivedSection.conditionBrowseModule should be an object, found a list"),
    ({"derivedSection.interventionBrowseModule": "x"},
     "derivedSection.interventionBrowseModule should be an object, found text"),
    ({"derivedSection.conditionBrowseModule.meshes": "x"},
     "derivedSection.conditionBrowseModule.meshes should be a list, found text"),
    ({"derivedSection.conditionBrowseModule.ancestors": {}},
     "derivedSection.conditionBrowseModule.ancestors should be a list, found an object"),
    ({"derivedSection.interventionBrowseModule.meshes": 1},
     "derivedSection.interventionBrowseModule.meshes should be a list, found a number"),
    ({"derivedSection.interventionBrowseModule.ancestors": "x"},
     "derivedSection.interventionBrowseModule.ancestors should be a list, found text"),
    ({"derivedSection.conditionBrowseModule.meshes[1]": "D1"},
     "derivedSection.conditionBrowseModule.meshes[1] should be an object, found text"),
    ({"derivedSection.conditionBrowseModule.meshes[1].id": []},
     "derivedSection.conditionBrowseModule.meshes[1].id should be text, found a list"),
    ({"derivedSection.conditionBrowseModule.ancestors[1].term": {}},
     "derivedSection.conditionBrowseModule.ancestors[1].term should be text, found an object"),
    ({"derivedSection.interventionBrowseModule.meshes[1].term": []},
     "derivedSection.interventionBrowseModule.meshes[1].term should be text, found a list"),
    ({"derivedSection.interventionBrowseModule.ancestors[1].id": True},
     "derivedSection.interventionBrowseModule.ancestors[1].id should be text, found a boolean"),
]


@pytest.mark.parametrize(("paths", "message"), WRONG_TYPES,
                         ids=[next(reversed(p)) for p, _ in WRONG_TYPES])
def test_a_field_of_the_wrong_type_is_named_by_its_exact_path(paths, message):
    study = _study()
    for path, value in paths.items():
        _put(study, path, copy.deepcopy(value))
    with pytest.raises(TrialParseError) as caught:
        parse(study)
    assert str(caught.value) == f"<dict>: {message}"


# --------------------------------------------------------------------------- field mapping


def test_identification_fields_and_secondary_ids_without_an_id_are_dropped():
    t = parse(_study(identificationModule={
        "briefTitle": "Drug \\(A\\) trial", "officialTitle": "Official \\_title\\_",
        "acronym": "ACR", "orgStudyIdInfo": {"id": 4242},
        "secondaryIdInfos": [{"id": "S-1", "type": "OTHER", "domain": "Place"},
                             {"id": "", "type": "NIH"}, {"type": "NIH", "domain": "x"},
                             {"id": "S-2"}]}))
    assert (t.nct_id, t.brief_title, t.official_title, t.acronym, t.org_study_id) == (
        NCT, "Drug (A) trial", "Official _title_", "ACR", "4242")
    assert t.secondary_ids == [SecondaryId("S-1", "OTHER", "Place"), SecondaryId("S-2")]


def test_status_dates_each_land_in_their_own_slot():
    t = parse(_study(statusModule={
        "overallStatus": "COMPLETED",
        "startDateStruct": {"date": "2020-01-02", "type": "ACTUAL"},
        "primaryCompletionDateStruct": {"date": "2021-03"},
        "completionDateStruct": {"date": "2022-04-05"},
        "lastUpdatePostDateStruct": {"date": "2023-06-07"}}))
    assert (t.overall_status, t.start_date, t.primary_completion_date, t.completion_date,
            t.last_update) == ("COMPLETED", "2020-01-02", "2021-03", "2022-04-05", "2023-06-07")


def test_sponsors_without_a_name_are_dropped_and_roles_kept():
    t = parse(_study(sponsorCollaboratorsModule={
        "leadSponsor": {"name": "Lead Org", "class": "OTHER_GOV"},
        "collaborators": [{"name": "One", "class": "INDUSTRY"}, {"class": "NIH"},
                          {"name": "", "class": "NIH"}, {"name": "Two"}]}))
    assert t.organizations == [Organization("Lead Org", "OTHER_GOV", "lead"),
                               Organization("One", "INDUSTRY", "collaborator"),
                               Organization("Two", None, "collaborator")]
    t = parse(_study(sponsorCollaboratorsModule={
        "leadSponsor": {"class": "OTHER"}, "collaborators": [{"name": "Only", "class": "NIH"}]}))
    assert t.organizations == [Organization("Only", "NIH", "collaborator")]
    assert t.responsible_party is None


def test_responsible_party_current_fields_and_old_fallbacks():
    party = {"type": "PRINCIPAL_INVESTIGATOR", "investigatorFullName": "Pat Example",
             "investigatorTitle": "Dr", "investigatorAffiliation": "Aff Place",
             "oldNameTitle": "Old Pat", "oldOrganization": "Old Place"}
    t = parse(_study(sponsorCollaboratorsModule={"responsibleParty": party}))
    assert t.responsible_party == ResponsibleParty("PRINCIPAL_INVESTIGATOR", "Pat Example", "Dr",
                                                   "Aff Place")
    party.update(investigatorFullName="", investigatorAffiliation=None)
    t = parse(_study(sponsorCollaboratorsModule={"responsibleParty": party}))
    assert t.responsible_party == ResponsibleParty("PRINCIPAL_INVESTIGATOR", "Old Pat", "Dr",
                                                   "Old Place")


def test_description_and_conditions():
    t = parse(_study(descriptionModule={"briefSummary": "PD\\-L1 \\> 1%",
                                        "detailedDescription": "a \\*b\\*"},
                     conditionsModule={"conditions": ["C1", "C2"], "keywords": ["K1"]}))
    assert (t.brief_summary, t.detailed_description) == ("PD-L1 > 1%", "a *b*")
    assert (t.conditions, t.keywords) == (["C1", "C2"], ["K1"])


def test_design_fields():
    t = parse(_study(designModule={
        "studyType": "INTERVENTIONAL", "phases": ["PHASE1", "PHASE2"],
        "designInfo": {"allocation": "RANDOMIZED", "interventionModel": "PARALLEL",
                       "interventionModelDescription": "1\\:1 \\(open\\)",
                       "primaryPurpose": "TREATMENT",
                       "maskingInfo": {"masking": "TRIPLE",
                                       "whoMasked": ["PARTICIPANT", "OUTCOMES_ASSESSOR"]}},
        "enrollmentInfo": {"count": 240, "type": "ACTUAL"}}))
    assert (t.study_type, t.phases, t.enrollment, t.enrollment_type) == (
        "INTERVENTIONAL", ["PHASE1", "PHASE2"], 240, "ACTUAL")
    assert t.design == Design("RANDOMIZED", "PARALLEL", "1\\:1 (open)", "TREATMENT", "TRIPLE",
                              ["PARTICIPANT", "OUTCOMES_ASSESSOR"])


def test_an_absent_design_is_an_empty_design():
    t = parse(_study())
    assert t.design == Design()
    assert (t.study_type, t.phases, t.enrollment, t.enrollment_type) == (None, [], None, None)


def test_arms_and_interventions_keep_every_field_and_an_empty_label_or_name():
    t = parse(_study(armsInterventionsModule={
        "armGroups": [{"label": "A", "type": "EXPERIMENTAL", "description": "x \\+ y",
                       "interventionNames": ["Drug: X", "Drug: Y"]}, {}],
        "interventions": [{"name": "X", "type": "DRUG", "description": "d \\_1",
                           "armGroupLabels": ["A"], "otherNames": ["X-1", "Ex"]}, {}]}))
    assert t.arms == [Arm("A", "EXPERIMENTAL", "x + y", ["Drug: X", "Drug: Y"]), Arm("")]
    assert t.interventions == [Intervention("X", "DRUG", "d _1", ["A"], ["X-1", "Ex"]),
                               Intervention("")]


def test_eligibility_fields_and_criteria():
    e = parse(_study(eligibilityModule={
        "eligibilityCriteria": "Inclusion Criteria:\n\n* PD\\-L1 \\> 1%\n\n"
                               "Exclusion Criteria:\n\n* Prior therapy",
        "minimumAge": "6 Months", "maximumAge": "70 Years", "sex": "MALE",
        "healthyVolunteers": True})).eligibility
    assert (e.minimum_age, e.maximum_age, e.minimum_age_years, e.maximum_age_years) == (
        "6 Months", "70 Years", 0.5, 70.0)
    assert (e.sex, e.healthy_volunteers) == ("MALE", True)
    assert e.text == "Inclusion Criteria:\n\n* PD-L1 > 1%\n\nExclusion Criteria:\n\n* Prior therapy"
    assert [(c.section, c.text) for c in e.criteria] == [
        ("inclusion", "PD-L1 > 1%"), ("exclusion", "Prior therapy")]


@pytest.mark.parametrize("healthy", ["true", "Yes", 1, None])
def test_healthy_volunteers_is_kept_only_as_a_boolean(healthy):
    e = parse(_study(eligibilityModule={"healthyVolunteers": healthy})).eligibility
    assert e.healthy_volunteers is None


@pytest.mark.parametrize("criteria", [None, "", "  \n\t "])
def test_blank_criteria_are_not_given(criteria):
    e = parse(_study(eligibilityModule={"eligibilityCriteria": criteria,
                                        "healthyVolunteers": False})).eligibility
    assert (e.text, e.criteria, e.preambles, e.healthy_volunteers) == (None, [], [], False)
    assert (e.minimum_age, e.minimum_age_years, e.sex) == (None, None, None)


def test_officials_without_a_name_are_dropped():
    t = parse(_study(contactsLocationsModule={"overallOfficials": [
        {"name": "Off One", "role": "PRINCIPAL_INVESTIGATOR", "affiliation": "Aff 1"},
        {"role": "STUDY_CHAIR"}, {"name": "", "role": "STUDY_CHAIR"},
        {"name": "Off Two"}]}))
    assert t.officials == [Person("Off One", "PRINCIPAL_INVESTIGATOR", "Aff 1"),
                           Person("Off Two")]


def test_sites_name_their_place_when_no_facility_and_countries_are_listed_once():
    t = parse(_study(contactsLocationsModule={"locations": [
        {"facility": "Fac One", "city": "C1", "state": "S1", "country": "Japan", "zip": "111",
         "status": "RECRUITING"},
        {"state": "S2", "country": "Kenya"},
        {"city": "C3", "country": "Japan"},
        {"city": "C4"},
        {"facility": "", "status": "WITHDRAWN"}]}))
    assert t.sites == [Site("Fac One", "C1", "S1", "Japan", "111", "RECRUITING"),
                       Site("S2, Kenya", None, "S2", "Kenya"),
                       Site("C3, Japan", "C3", None, "Japan"),
                       Site("C4", "C4"),
                       Site("", status="WITHDRAWN")]
    assert t.countries == ["Japan", "Kenya"]


def test_references_keep_pmid_type_and_doi_and_drop_empty_ones():
    t = parse(_study(referencesModule={"references": [
        {"citation": "Cite one. doi: 10.1234/abc.1.", "pmid": " 123 ", "type": "RESULT"},
        {"citation": "", "pmid": "", "type": "BACKGROUND"},
        {"type": "DERIVED"},
        {"pmid": "456"},
        {"citation": "Cite \\_three\\_", "type": "BACKGROUND"}]}))
    assert t.references == [
        Reference("Cite one. doi: 10.1234/abc.1.", "RESULT", "123", "10.1234/abc.1"),
        Reference("", None, "456", None),
        Reference("Cite _three_", "BACKGROUND", None, None)]


def test_registry_mesh_terms_and_ancestors_from_both_browse_modules():
    study = _study()
    study["derivedSection"] = {
        "conditionBrowseModule": {
            "meshes": [{"id": " D000001 ", "term": "Cond A"}, {"id": "D000009"},
                       {"term": "no id"}],
            "ancestors": [{"id": "D000002", "term": "Cond Anc"}]},
        "interventionBrowseModule": {
            "meshes": [{"id": "D000011", "term": "Drug A"}],
            "ancestors": [{"id": "D000012", "term": "Drug Anc"}, {"id": "", "term": "x"}]},
        "miscInfoModule": {"versionHolder": "2099-01-01"}}
    t = parse(study)
    assert t.registry_conditions == [RegistryMesh("D000001", "Cond A", False),
                                     RegistryMesh("D000002", "Cond Anc", True)]
    assert t.registry_interventions == [RegistryMesh("D000011", "Drug A", False),
                                        RegistryMesh("D000012", "Drug Anc", True)]


@pytest.mark.parametrize(("value", "status"), [
    (True, RESULTS_POSTED), (False, NO_RESULTS_POSTED), (None, None)])
def test_results_status(value, status):
    study = _study()
    if value is not None:
        study["hasResults"] = value
    assert parse(study).results_status == status
    assert (RESULTS_POSTED, NO_RESULTS_POSTED) == ("Results posted", "No results posted")


def test_source_defaults_for_a_dict_and_explicit_values_for_an_api_answer():
    assert parse(_study()).source == SourceInfo("ctgov-json", "<dict>", None, NCT)
    got = parse(_study(), location="https://host/api/v2/studies/" + NCT, source_kind="ctgov-api",
                retrieved="2026-01-01T00:00:00Z").source
    assert got == SourceInfo("ctgov-api", "https://host/api/v2/studies/" + NCT,
                             "2026-01-01T00:00:00Z", NCT)


# --------------------------------------------------------------------------- the reader


@pytest.mark.parametrize(("value", "text"), [
    (4242, "4242"), (1.5, "1.5"), ("as is", "as is"), (None, None)])
def test_a_scalar_given_as_a_number_is_kept_as_text(value, text):
    assert parse(_with(protocolSection__statusModule__overallStatus=value)).overall_status == text


@pytest.mark.parametrize(("value", "count"), [
    (59, 59), (59.0, 59), ("120", 120), (" 42\n", 42), (0, 0), (None, None)])
def test_enrollment_count_forms(value, count):
    study = _with(protocolSection__designModule__enrollmentInfo__count=value)
    assert parse(study).enrollment == count


@pytest.mark.parametrize(("value", "found"), [
    (True, "should be a number, found a boolean"),
    (False, "should be a number, found a boolean"),
    (12.5, "should be a whole number, found 12.5"),
    ("-3", "should be a whole number, found '-3'"),
    ("4 2", "should be a whole number, found '4 2'"),
    ("12\u00b2", "should be a whole number, found '12\u00b2'"),  # a digit, not a decimal
    ("", "should be a whole number, found ''"),
    ({"n": 1}, "should be a whole number, found {'n': 1}"),
])
def test_enrollment_count_that_is_not_a_whole_number(value, found):
    study = _with(protocolSection__designModule__enrollmentInfo__count=value)
    with pytest.raises(TrialParseError) as caught:
        parse(study, location="in.json")
    assert str(caught.value) == f"in.json: designModule.enrollmentInfo.count {found}"


# --------------------------------------------------------------------------- whole documents


@pytest.mark.parametrize(("doc", "problem"), [
    ({"studies": [{}, {}, {}]}, "this is a search result page with 3 studies, not a single study"),
    ({"studies": []}, "this is a search result page with 0 studies, not a single study"),
    ({"studies": "x"},
     "not a ClinicalTrials.gov study: no protocolSection (top-level keys: studies)"),
    ({}, "not a ClinicalTrials.gov study: no protocolSection (top-level keys: none)"),
    ({k: 1 for k in "gfedcba"},
     "not a ClinicalTrials.gov study: no protocolSection (top-level keys: a, b, c, d, e)"),
    ("NCT05807880", "expected a study object, found text"),
    ({"protocolSection": None},
     "not a ClinicalTrials.gov study: no protocolSection.identificationModule.nctId"),
    ({"protocolSection": {"identificationModule": {"nctId": "NCT1"}}},
     "invalid NCT id 'NCT1' (expected NCT followed by 8 digits)"),
    ({"protocolSection": {"identificationModule": {"nctId": 5807880}}},
     "invalid NCT id 5807880 (expected NCT followed by 8 digits)"),
])
def test_documents_that_are_not_one_study(doc, problem):
    with pytest.raises(TrialParseError) as caught:
        parse(doc, location="in.json")
    assert str(caught.value) == f"in.json: {problem}"


def test_a_study_beside_a_studies_list_is_still_a_study_and_its_nct_id_is_trimmed():
    study = {"protocolSection": {"identificationModule": {"nctId": f" {NCT}\n"}},
             "studies": [{}, {}]}
    assert parse(study).nct_id == NCT


@pytest.mark.parametrize(("data", "problem"), [
    (b"", "file is empty; expected a ClinicalTrials.gov study (JSON)"),
    (b" \r\n\t", "file is empty; expected a ClinicalTrials.gov study (JSON)"),
    (b'{"a": "\xff"}', "not UTF-8 text (byte 7)"),
    (b"[" * 200_000, "JSON nested too deeply to be a ClinicalTrials.gov study"),
    (b'{"a": 1,, "b": 2}',
     "invalid JSON at line 1, column 9: Expecting property name enclosed in double quotes"),
    (b'{\n "a": [1, 2\n', "invalid JSON at line 3, column 1: Expecting ',' delimiter"
                         " (the file looks truncated)"),
    # cut inside a string before its line's end: the error sits on the trailing newline
    (b'{"a": "abc\n', "invalid JSON at line 1, column 11: Invalid control character at"
                      " (the file looks truncated)"),
    (b'{"a": [1, 2', "invalid JSON at line 1, column 12: Expecting ',' delimiter"
                     " (the file looks truncated)"),
    (b'{"a": "abc', "invalid JSON at line 1, column 7: Unterminated string starting at"
                    " (the file looks truncated)"),
    (b'{"a": 1} x', "invalid JSON at line 1, column 10: Extra data"),
])
def test_load_json_failures(data, problem):
    with pytest.raises(TrialParseError) as caught:
        load_json(data, "in.json")
    assert str(caught.value) == f"in.json: {problem}"


def test_a_byte_order_mark_is_allowed():
    data = b"\xef\xbb\xbf" + b'{"protocolSection": {"identificationModule": {"nctId": "%s"}}}' % (
        NCT.encode())
    t = parse_bytes(data, "bom.json")
    assert (t.nct_id, t.source.location, t.source.kind) == (NCT, "bom.json", "ctgov-json")


def test_parse_file_reads_a_file_and_names_it_as_the_location(tmp_path):
    path = tmp_path / "synthetic-study.json"
    path.write_text(json.dumps(_study()))
    t = parse_file(path)
    assert t.source == SourceInfo("ctgov-json", str(path), None, NCT)


@pytest.mark.parametrize(("name", "problem"), [
    ("missing.json", "No such file or directory"), (".", "Is a directory")])
def test_parse_file_that_cannot_be_read(tmp_path, name, problem):
    path = tmp_path / name
    with pytest.raises(TrialParseError) as caught:
        parse_file(path)
    assert str(caught.value) == f"{path}: cannot read file: {problem}"
