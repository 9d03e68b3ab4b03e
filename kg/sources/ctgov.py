"""ClinicalTrials.gov API v2 study objects (``/api/v2/studies/{nctId}``) -> ``Trial``.

The v2 JSON is one object per study: ``protocolSection`` holds a module per topic
(``identificationModule``, ``statusModule``, ...), and ``hasResults`` sits beside it. Any
module may be missing (sparse records, or files transcribed from public pages), so every
module is optional here; only ``protocolSection.identificationModule.nctId`` is required.
``derivedSection``'s condition and intervention browse modules (the MeSH terms
ClinicalTrials.gov assigned) are kept; other top-level keys (``_provenance``,
``resultsSection``) are ignored.

Drugs and regimens are not resolved here: interventions keep their registered text and a
later step (``kg.sources`` drug resolution) fills ``drugs`` and ``regimens``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kg.errors import TrialParseError
from kg.model import (
    Arm,
    Design,
    Eligibility,
    Intervention,
    Organization,
    Person,
    Reference,
    RegistryMesh,
    ResponsibleParty,
    SecondaryId,
    Site,
    SourceInfo,
    Trial,
)
from kg.sources.common import age_in_years, extract_doi, is_nct_id, unescape_markdown

# hasResults is a bare boolean in v2; the model keeps a phrase a reader can take at face value.
RESULTS_POSTED = "Results posted"
NO_RESULTS_POSTED = "No results posted"


class _Reader:
    """Typed access to one study object, raising ``TrialParseError`` that names the file and
    the JSON path of a field whose type is wrong."""

    def __init__(self, location: str):
        self.location = location

    def fail(self, problem: str) -> TrialParseError:
        return TrialParseError(problem, where=self.location)

    def obj(self, parent: dict, key: str, path: str) -> dict:
        value = parent.get(key)
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(f"{path}.{key} should be an object, found {_kind(value)}")
        return value

    def objs(self, parent: dict, key: str, path: str) -> list[dict]:
        items = self.items(parent, key, path)
        for i, item in enumerate(items):
            if not isinstance(item, dict):
                raise self.fail(f"{path}.{key}[{i}] should be an object, found {_kind(item)}")
        return items

    def items(self, parent: dict, key: str, path: str) -> list:
        value = parent.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(f"{path}.{key} should be a list, found {_kind(value)}")
        return value

    def scalar(self, parent: dict, key: str, path: str) -> str | None:
        """A scalar as text; numbers are accepted (hand-made files write ids as numbers)."""
        value = parent.get(key)
        if value is None:
            return None
        if isinstance(value, str):
            return value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        raise self.fail(f"{path}.{key} should be text, found {_kind(value)}")

    def scalars(self, parent: dict, key: str, path: str) -> list[str]:
        out = []
        for i, item in enumerate(self.items(parent, key, path)):
            if not isinstance(item, str):
                raise self.fail(f"{path}.{key}[{i}] should be text, found {_kind(item)}")
            out.append(item)
        return out

    def text(self, parent: dict, key: str, path: str) -> str | None:
        """Free text, with CT.gov's markdown backslash escapes undone."""
        value = self.scalar(parent, key, path)
        return unescape_markdown(value) if value is not None else None

    def count(self, parent: dict, key: str, path: str) -> int | None:
        value = parent.get(key)
        if value is None:
            return None
        if isinstance(value, bool):
            raise self.fail(f"{path}.{key} should be a number, found a boolean")
        if isinstance(value, int):
            return value
        if isinstance(value, float) and value.is_integer():
            return int(value)
        # isdecimal, not isdigit: "²" is a digit that int() refuses; int() trims the spaces.
        if isinstance(value, str) and value.strip().isdecimal():
            return int(value)
        raise self.fail(f"{path}.{key} should be a whole number, found {value!r}")


def _kind(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "text", bool: "a boolean",
             int: "a number", float: "a number", type(None): "null"}
    return names.get(type(value), type(value).__name__)


# --------------------------------------------------------------------------- entry points


def parse_file(path: str | Path) -> Trial:
    location = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise TrialParseError(f"cannot read file: {exc.strerror or exc}", where=location) from exc
    return parse_bytes(data, location)


def parse_bytes(data: bytes, location: str) -> Trial:
    return parse(load_json(data, location), location=location)


def load_json(data: bytes, location: str) -> Any:
    """Decode a JSON document, turning every failure into one clear ``TrialParseError``."""
    if not data.strip():
        raise TrialParseError("file is empty; expected a ClinicalTrials.gov study (JSON)",
                              where=location)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TrialParseError(f"not UTF-8 text (byte {exc.start})", where=location) from exc
    try:
        return json.loads(text)
    except RecursionError:  # the decoder recurses per level; a study is a few levels deep
        raise TrialParseError("JSON nested too deeply to be a ClinicalTrials.gov study",
                              where=location) from None
    except json.JSONDecodeError as exc:
        ends_early = exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string")
        hint = " (the file looks truncated)" if ends_early else ""
        raise TrialParseError(
            f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}{hint}",
            where=location) from exc


def parse(study: dict, *, location: str = "<dict>", source_kind: str = "ctgov-json",
          retrieved: str | None = None) -> Trial:
    """Map one v2 study object onto the model. ``retrieved`` is set for live API answers."""
    r = _Reader(location)
    protocol = _protocol_section(study, r)
    ident = r.obj(protocol, "identificationModule", "protocolSection")
    nct_id = _nct_id(ident, r)
    trial = Trial(nct_id=nct_id)
    _identification(trial, ident, r)
    _status(trial, r.obj(protocol, "statusModule", "protocolSection"), r)
    _sponsors(trial, r.obj(protocol, "sponsorCollaboratorsModule", "protocolSection"), r)
    _description(trial, r.obj(protocol, "descriptionModule", "protocolSection"), r)
    _conditions(trial, r.obj(protocol, "conditionsModule", "protocolSection"), r)
    _design(trial, r.obj(protocol, "designModule", "protocolSection"), r)
    _arms_interventions(trial, r.obj(protocol, "armsInterventionsModule", "protocolSection"), r)
    trial.eligibility = _eligibility(r.obj(protocol, "eligibilityModule", "protocolSection"), r)
    _contacts_locations(trial, r.obj(protocol, "contactsLocationsModule", "protocolSection"), r)
    trial.references = _references(r.obj(protocol, "referencesModule", "protocolSection"), r)
    trial.results_status = _results_status(study, r)
    _derived(trial, r.obj(study, "derivedSection", "study"), r)
    trial.source = SourceInfo(kind=source_kind, location=location, retrieved=retrieved,
                              record_id=nct_id)
    return trial


def _protocol_section(study: Any, r: _Reader) -> dict:
    if not isinstance(study, dict):
        raise r.fail(f"expected a study object, found {_kind(study)}")
    studies = study.get("studies")
    if "protocolSection" not in study and isinstance(studies, list):
        raise r.fail(f"this is a search result page with {len(studies)} studies, "
                     "not a single study")
    if "protocolSection" not in study:
        keys = ", ".join(sorted(study)[:5]) or "none"
        raise r.fail("not a ClinicalTrials.gov study: no protocolSection "
                     f"(top-level keys: {keys})")
    return r.obj(study, "protocolSection", "study")


def _nct_id(ident: dict, r: _Reader) -> str:
    value = ident.get("nctId")
    if value is None:
        raise r.fail("not a ClinicalTrials.gov study: no "
                     "protocolSection.identificationModule.nctId")
    if not isinstance(value, str) or not is_nct_id(value.strip()):
        raise r.fail(f"invalid NCT id {value!r} (expected NCT followed by 8 digits)")
    return value.strip()


# --------------------------------------------------------------------------- modules


def _identification(trial: Trial, mod: dict, r: _Reader) -> None:
    path = "identificationModule"
    trial.brief_title = r.text(mod, "briefTitle", path)
    trial.official_title = r.text(mod, "officialTitle", path)
    trial.acronym = r.scalar(mod, "acronym", path)
    trial.org_study_id = r.scalar(r.obj(mod, "orgStudyIdInfo", path), "id",
                                  f"{path}.orgStudyIdInfo")
    for i, info in enumerate(r.objs(mod, "secondaryIdInfos", path)):
        where = f"{path}.secondaryIdInfos[{i}]"
        sid = r.scalar(info, "id", where)
        if sid:
            trial.secondary_ids.append(SecondaryId(id=sid, type=r.scalar(info, "type", where),
                                                   domain=r.scalar(info, "domain", where)))


def _status(trial: Trial, mod: dict, r: _Reader) -> None:
    path = "statusModule"
    trial.overall_status = r.scalar(mod, "overallStatus", path)

    def date(key: str) -> str | None:
        return r.scalar(r.obj(mod, key, path), "date", f"{path}.{key}")

    # The ACTUAL/ESTIMATED type of each date has no slot in the model; only the date is kept.
    trial.start_date = date("startDateStruct")
    trial.primary_completion_date = date("primaryCompletionDateStruct")
    trial.completion_date = date("completionDateStruct")
    trial.last_update = date("lastUpdatePostDateStruct")


def _organization(info: dict, role: str, path: str, r: _Reader) -> Organization | None:
    name = r.scalar(info, "name", path)
    if not name:
        return None
    return Organization(name=name, org_class=r.scalar(info, "class", path), role=role)


def _sponsors(trial: Trial, mod: dict, r: _Reader) -> None:
    path = "sponsorCollaboratorsModule"
    lead = _organization(r.obj(mod, "leadSponsor", path), "lead", f"{path}.leadSponsor", r)
    if lead:
        trial.organizations.append(lead)
    for i, info in enumerate(r.objs(mod, "collaborators", path)):
        org = _organization(info, "collaborator", f"{path}.collaborators[{i}]", r)
        if org:
            trial.organizations.append(org)
    party = r.obj(mod, "responsibleParty", path)
    if party:
        where = f"{path}.responsibleParty"
        # Records from before 2017 carry the old free-text fields instead.
        trial.responsible_party = ResponsibleParty(
            type=r.scalar(party, "type", where),
            name=r.scalar(party, "investigatorFullName", where)
            or r.scalar(party, "oldNameTitle", where),
            title=r.scalar(party, "investigatorTitle", where),
            affiliation=r.scalar(party, "investigatorAffiliation", where)
            or r.scalar(party, "oldOrganization", where),
        )


def _description(trial: Trial, mod: dict, r: _Reader) -> None:
    trial.brief_summary = r.text(mod, "briefSummary", "descriptionModule")
    trial.detailed_description = r.text(mod, "detailedDescription", "descriptionModule")


def _conditions(trial: Trial, mod: dict, r: _Reader) -> None:
    trial.conditions = r.scalars(mod, "conditions", "conditionsModule")
    trial.keywords = r.scalars(mod, "keywords", "conditionsModule")


def _design(trial: Trial, mod: dict, r: _Reader) -> None:
    path = "designModule"
    trial.study_type = r.scalar(mod, "studyType", path)
    trial.phases = r.scalars(mod, "phases", path)
    info = r.obj(mod, "designInfo", path)
    where = f"{path}.designInfo"
    masking = r.obj(info, "maskingInfo", where)
    trial.design = Design(
        allocation=r.scalar(info, "allocation", where),
        intervention_model=r.scalar(info, "interventionModel", where),
        intervention_model_description=r.text(info, "interventionModelDescription", where),
        primary_purpose=r.scalar(info, "primaryPurpose", where),
        masking=r.scalar(masking, "masking", f"{where}.maskingInfo"),
        who_masked=r.scalars(masking, "whoMasked", f"{where}.maskingInfo"),
    )
    enrollment = r.obj(mod, "enrollmentInfo", path)
    trial.enrollment = r.count(enrollment, "count", f"{path}.enrollmentInfo")
    trial.enrollment_type = r.scalar(enrollment, "type", f"{path}.enrollmentInfo")


def _arms_interventions(trial: Trial, mod: dict, r: _Reader) -> None:
    path = "armsInterventionsModule"
    for i, arm in enumerate(r.objs(mod, "armGroups", path)):
        where = f"{path}.armGroups[{i}]"
        trial.arms.append(Arm(
            label=r.scalar(arm, "label", where) or "",
            type=r.scalar(arm, "type", where),
            description=r.text(arm, "description", where),
            intervention_names=r.scalars(arm, "interventionNames", where),
        ))
    for i, item in enumerate(r.objs(mod, "interventions", path)):
        where = f"{path}.interventions[{i}]"
        trial.interventions.append(Intervention(
            name=r.scalar(item, "name", where) or "",
            type=r.scalar(item, "type", where),
            description=r.text(item, "description", where),
            arm_labels=r.scalars(item, "armGroupLabels", where),
            other_names=r.scalars(item, "otherNames", where),
        ))


def _eligibility(mod: dict, r: _Reader) -> Eligibility:
    path = "eligibilityModule"
    raw = r.scalar(mod, "eligibilityCriteria", path)
    raw = raw if raw and raw.strip() else None  # a blank criteria string is "not given"
    minimum, maximum = r.scalar(mod, "minimumAge", path), r.scalar(mod, "maximumAge", path)
    healthy = mod.get("healthyVolunteers")
    eligibility = Eligibility(
        minimum_age=minimum, maximum_age=maximum,
        minimum_age_years=age_in_years(minimum), maximum_age_years=age_in_years(maximum),
        sex=r.scalar(mod, "sex", path),
        healthy_volunteers=healthy if isinstance(healthy, bool) else None,
        text=unescape_markdown(raw) if raw else None,
    )
    if raw:
        eligibility.criteria, eligibility.preambles = _parse_criteria(raw)
    return eligibility


def _parse_criteria(raw: str) -> tuple[list, list[str]]:
    # Imported here: the criteria parser is a sibling module with its own dependencies,
    # and a study without criteria text should not need it.
    from kg.sources.eligibility import parse_criteria

    return parse_criteria(raw)


def _contacts_locations(trial: Trial, mod: dict, r: _Reader) -> None:
    path = "contactsLocationsModule"
    for i, official in enumerate(r.objs(mod, "overallOfficials", path)):
        where = f"{path}.overallOfficials[{i}]"
        name = r.scalar(official, "name", where)
        if name:
            trial.officials.append(Person(name=name, role=r.scalar(official, "role", where),
                                          affiliation=r.scalar(official, "affiliation", where)))
    for i, loc in enumerate(r.objs(mod, "locations", path)):
        site = _site(loc, f"{path}.locations[{i}]", r)
        if site.country and site.country not in trial.countries:
            trial.countries.append(site.country)
        trial.sites.append(site)


def _site(loc: dict, where: str, r: _Reader) -> Site:
    city, state = r.scalar(loc, "city", where), r.scalar(loc, "state", where)
    country = r.scalar(loc, "country", where)
    # Some records list a place without a facility; name the site by its place instead.
    facility = r.scalar(loc, "facility", where) or ", ".join(p for p in (city, state, country) if p)
    return Site(facility=facility, city=city, state=state, country=country,
                zip=r.scalar(loc, "zip", where), status=r.scalar(loc, "status", where))


def _references(mod: dict, r: _Reader) -> list[Reference]:
    out = []
    for i, ref in enumerate(r.objs(mod, "references", "referencesModule")):
        where = f"referencesModule.references[{i}]"
        citation = r.text(ref, "citation", where) or ""
        pmid = r.scalar(ref, "pmid", where)
        if not citation and not pmid:
            continue
        out.append(Reference(citation=citation, type=r.scalar(ref, "type", where),
                             pmid=pmid.strip() if pmid else None, doi=extract_doi(citation)))
    return out


def _derived(trial: Trial, derived: dict, r: _Reader) -> None:
    """The registry's MeSH terms: ``meshes`` (its own) and ``ancestors``, each {id, term}."""
    for module, target in (("conditionBrowseModule", trial.registry_conditions),
                           ("interventionBrowseModule", trial.registry_interventions)):
        browse = r.obj(derived, module, "derivedSection")
        for part, ancestor in (("meshes", False), ("ancestors", True)):
            for i, item in enumerate(r.objs(browse, part, f"derivedSection.{module}")):
                where = f"derivedSection.{module}.{part}[{i}]"
                ui, term = r.scalar(item, "id", where), r.scalar(item, "term", where)
                if ui and term:
                    target.append(RegistryMesh(ui.strip(), term, ancestor))


def _results_status(study: dict, r: _Reader) -> str | None:
    value = study.get("hasResults")
    if value is None:
        return None
    if not isinstance(value, bool):
        raise r.fail(f"study.hasResults should be a boolean, found {_kind(value)}")
    return RESULTS_POSTED if value else NO_RESULTS_POSTED
