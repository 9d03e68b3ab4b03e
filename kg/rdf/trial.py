"""A Trial (plain model) as triples.

schema.org carries what it can say (MedicalTrial, healthCondition, sponsor, studyLocation,
Drug, DoseSchedule); the project vocabulary ``tkg:`` (ontologies/trialkg.ttl) says the rest:
arms, regimens, eligibility criteria and registry codes. Registry codes such as
``ACTIVE_NOT_RECRUITING`` stay literals, checked against their allowed values by SHACL.
"""

from __future__ import annotations

import re

from rdflib import URIRef

from kg.model import Arm, CitationResolution, EligibilityCriterion, Regimen, Trial
from kg.rdf import iris
from kg.rdf.mentions import trial_mention_triples
from kg.rdf.namespaces import BIBO, DCTERMS, RDF, RDFS, SCHEMA, TKG
from kg.rdf.terms import Triples
from kg.vocab import Vocabulary


def trial_triples(trial: Trial, vocab: Vocabulary,
                  resolutions: dict[str, CitationResolution] | None = None) -> Triples:
    t = Triples()
    s = iris.trial(trial.nct_id)
    t.add(s, RDF.type, SCHEMA.MedicalTrial)
    t.add(s, RDF.type, TKG.ClinicalTrial)
    t.text(s, TKG.nctId, trial.nct_id)
    t.text(s, SCHEMA.identifier, trial.nct_id)
    t.text(s, DCTERMS.title, trial.brief_title)
    t.text(s, SCHEMA.name, trial.brief_title)
    t.text(s, TKG.officialTitle, trial.official_title)
    t.text(s, SCHEMA.alternateName, trial.acronym)
    t.text(s, TKG.orgStudyId, trial.org_study_id)
    t.text(s, TKG.overallStatus, trial.overall_status)
    for phase in trial.phases:
        t.text(s, TKG.phase, phase)
    t.text(s, TKG.studyType, trial.study_type)
    t.integer(s, TKG.enrollment, trial.enrollment)
    t.text(s, TKG.enrollmentType, trial.enrollment_type)
    t.date(s, SCHEMA.startDate, trial.start_date)
    t.date(s, TKG.primaryCompletionDate, trial.primary_completion_date)
    t.date(s, TKG.completionDate, trial.completion_date)
    t.date(s, DCTERMS.modified, trial.last_update)
    t.text(s, TKG.resultsStatus, trial.results_status)
    t.text(s, DCTERMS.abstract, trial.brief_summary)
    t.text(s, SCHEMA.description, trial.detailed_description)
    for keyword in trial.keywords:
        t.text(s, SCHEMA.keywords, keyword)
    _design(t, s, trial)
    _conditions(t, s, trial, vocab)
    trial_mention_triples(t, s, trial, vocab)
    _interventions(t, s, trial)
    _setting(t, s, trial, vocab)
    for arm in trial.arms:
        _arm(t, s, trial.nct_id, arm)
    _eligibility(t, s, trial, vocab)
    _organizations(t, s, trial)
    _people(t, s, trial)
    _sites(t, s, trial)
    _references(t, s, trial, resolutions or {})
    for sid in trial.secondary_ids:
        node = iris.secondary_id(trial.nct_id, sid.id)
        t.add(s, TKG.secondaryIdentifier, node)
        t.add(node, RDF.type, TKG.SecondaryIdentifier)
        t.text(node, SCHEMA.value, sid.id)
        t.text(node, TKG.identifierType, sid.type)
        t.text(node, TKG.identifierDomain, sid.domain)
    for heading in trial.missing_sections:
        t.text(s, TKG.missingSection, heading)  # a partial page: what it ends before
    for heading in trial.incomplete_sections:
        t.text(s, TKG.incompleteSection, heading)
    if trial.missing_sections or trial.incomplete_sections:
        t.boolean(s, TKG.partialRecord, True)
    for heading, body in sorted(trial.extra_sections.items()):
        # Sections the parser did not recognise are kept, not dropped: a reader can see them.
        node = iris.trial_part(trial.nct_id, "section", iris.slug(heading))
        t.add(s, TKG.otherSection, node)
        t.add(node, RDF.type, TKG.PageSection)
        t.text(node, RDFS.label, heading)
        t.text(node, SCHEMA.text, body)
    return t


def _setting(t: Triples, s: URIRef, trial: Trial, vocab: Vocabulary) -> None:
    """The clinical setting read from the record (issue 13: kg/extract/setting.py)."""
    from kg.extract.setting import trial_setting
    from kg.rdf.setting import setting_triples

    setting_triples(t, s, trial.nct_id, trial_setting(trial, vocab))


def _design(t: Triples, s: URIRef, trial: Trial) -> None:
    d = trial.design
    t.text(s, TKG.allocation, d.allocation)
    t.text(s, TKG.interventionModel, d.intervention_model)
    t.text(s, TKG.interventionModelDescription, d.intervention_model_description)
    t.text(s, TKG.primaryPurpose, d.primary_purpose)
    t.text(s, TKG.masking, d.masking)
    for who in d.who_masked:
        t.text(s, TKG.whoMasked, who)


def _conditions(t: Triples, s: URIRef, trial: Trial, vocab: Vocabulary) -> None:
    """The trial's conditions: the registry's own MeSH terms when it gives them, else the
    registered condition names resolved against the vocabulary. A name that resolves to
    nothing stays a text node marked unresolved, never guessed."""
    from kg.extract.concepts import CONDITION_BROWSE, trial_mentions

    mentions = trial_mentions(trial, vocab)
    registry = [m for m in mentions if m.field == CONDITION_BROWSE]
    for m in registry:
        if m.mesh and m.kind == "condition":
            t.add(s, SCHEMA.healthCondition, iris.mesh(m.mesh))
    for name in trial.conditions:
        t.text(s, TKG.conditionText, name)
        found = [m for m in vocab.name_mentions(name) if m.kind == "condition" and m.mesh]
        if registry and found:
            continue  # the registry's terms are the trial's conditions; this text is a mention
        if not found:
            node = iris.condition_text(name)
            t.add(node, RDF.type, SCHEMA.MedicalCondition)
            t.text(node, RDFS.label, name)
            t.text(node, TKG.resolutionStatus, "unresolved")
            t.add(s, SCHEMA.healthCondition, node)
            continue
        for m in found:
            t.add(s, SCHEMA.healthCondition, iris.mesh(m.mesh))


def condition_iri(vocab: Vocabulary, key: str) -> URIRef:
    """Public: the IRI of a condition (its MeSH concept when it has one)."""
    condition = vocab.conditions[key]
    return iris.mesh(condition.mesh) if condition.mesh else iris.condition_text(condition.label)


def _interventions(t: Triples, s: URIRef, trial: Trial) -> None:
    for iv in trial.interventions:
        node = iris.intervention(trial.nct_id, iv.name)
        t.add(s, TKG.hasIntervention, node)
        t.add(node, RDF.type, TKG.Intervention)
        t.text(node, RDFS.label, iv.name)
        t.text(node, TKG.interventionType, iv.type)
        t.text(node, SCHEMA.description, iv.description)
        for other in iv.other_names:
            t.text(node, SCHEMA.alternateName, other)
        for key in iv.drugs:
            t.add(node, TKG.includesDrug, iris.drug(key))
            t.add(s, TKG.studiesDrug, iris.drug(key))
        for name in iv.unresolved_names:
            t.text(node, TKG.unresolvedDrugName, name)
        for label in iv.arm_labels:
            t.add(iris.arm(trial.nct_id, label), TKG.usesIntervention, node)
    # The other side: an arm listing "Drug: Gemcitabine/Cisplatin" uses that intervention
    # even when the intervention does not list the arm.
    by_name = {_name_key(iv.name): iv for iv in trial.interventions}
    for arm in trial.arms:
        for listed in arm.intervention_names:
            iv = by_name.get(_name_key(_TYPE_PREFIX.sub("", listed)))
            if iv is not None:
                t.add(iris.arm(trial.nct_id, arm.label), TKG.usesIntervention,
                      iris.intervention(trial.nct_id, iv.name))


_TYPE_PREFIX = re.compile(
    r"^\s*(?:drug|biological|radiation|procedure|device|behavioral|dietary\s+supplement|"
    r"genetic|combination\s+product|diagnostic\s+test|other)\s*:\s*", re.IGNORECASE)


def _name_key(text: str) -> str:
    return " ".join(text.split()).casefold()


def _arm(t: Triples, s: URIRef, nct_id: str, arm: Arm) -> None:
    node = iris.arm(nct_id, arm.label)
    t.add(s, TKG.hasArm, node)
    t.add(node, RDF.type, TKG.Arm)
    t.text(node, RDFS.label, arm.label)
    t.text(node, TKG.armType, arm.type)
    t.text(node, SCHEMA.description, arm.description)
    for note in arm.notes:
        t.text(node, RDFS.comment, note)
    for regimen in arm.regimens:
        _regimen(t, node, nct_id, arm.label, regimen)


def _regimen(t: Triples, arm_node: URIRef, nct_id: str, arm_label: str, r: Regimen) -> None:
    node = iris.regimen(nct_id, arm_label, r.drug, r.phase)
    t.add(arm_node, TKG.hasRegimen, node)
    t.add(node, RDF.type, TKG.Regimen)
    t.add(node, RDF.type, SCHEMA.DoseSchedule)
    t.add(node, TKG.drug, iris.drug(r.drug))
    t.text(node, TKG.treatmentPhase, r.phase)
    t.decimal(node, SCHEMA.doseValue, r.dose)
    t.text(node, SCHEMA.doseUnit, r.dose_unit)
    t.text(node, TKG.doseBasis, r.dose_basis)
    t.text(node, TKG.route, r.route)
    t.text(node, SCHEMA.frequency, r.frequency)
    t.integer(node, TKG.timesPerDay, r.times_per_day)
    t.integer(node, TKG.dayStart, r.day_start)
    t.integer(node, TKG.dayEnd, r.day_end)
    for day in getattr(r, "days", None) or []:
        t.integer(node, TKG.onDay, day)
    t.integer(node, TKG.cycleLengthDays, r.cycle_length_days)
    t.integer(node, TKG.cyclesMin, r.cycles_min)
    t.integer(node, TKG.cyclesMax, r.cycles_max)
    t.text(node, TKG.continuesUntil, r.until)
    for note in r.notes:
        t.text(node, RDFS.comment, note)
    t.text(node, TKG.sourceText, r.source_text)


def _eligibility(t: Triples, s: URIRef, trial: Trial, vocab: Vocabulary) -> None:
    e = trial.eligibility
    node = iris.eligibility(trial.nct_id)
    t.add(s, TKG.eligibility, node)
    t.add(node, RDF.type, TKG.Eligibility)
    t.text(node, TKG.minimumAge, e.minimum_age)
    t.text(node, TKG.maximumAge, e.maximum_age)
    t.decimal(node, TKG.minimumAgeYears, e.minimum_age_years)
    t.decimal(node, TKG.maximumAgeYears, e.maximum_age_years)
    t.text(node, TKG.sex, e.sex)
    t.boolean(node, TKG.healthyVolunteers, e.healthy_volunteers)
    t.text(node, SCHEMA.text, e.text)
    for preamble in e.preambles:
        t.text(node, RDFS.comment, preamble)
    for criterion in e.criteria:
        _criterion(t, node, trial.nct_id, criterion, parent=None)
    from kg.rdf.constraints import eligibility_constraint_triples, match_index_literal

    eligibility_constraint_triples(t, node, trial.nct_id, e.constraints)
    t.add(node, TKG.matchIndex, match_index_literal(trial, vocab))


def _criterion(t: Triples, elig: URIRef, nct_id: str, c: EligibilityCriterion,
               parent: URIRef | None) -> None:
    node = iris.criterion(nct_id, c.section, c.number)
    t.add(elig, TKG.hasCriterion, node)
    t.add(node, RDF.type, TKG.EligibilityCriterion)
    t.add(node, RDF.type, TKG.InclusionCriterion if c.kind == "inclusion"
          else TKG.ExclusionCriterion)
    t.text(node, TKG.criterionNumber, c.number)
    t.text(node, SCHEMA.text, c.text)
    t.text(node, TKG.listedUnder, c.section)
    t.text(node, TKG.criterionKind, c.kind)
    t.text(node, TKG.kindReason, c.kind_reason)
    t.add(node, TKG.subCriterionOf, parent)
    from kg.rdf.constraints import criterion_constraint_triples

    criterion_constraint_triples(t, node, nct_id, c)
    for child in c.children:
        _criterion(t, elig, nct_id, child, parent=node)


def _organizations(t: Triples, s: URIRef, trial: Trial) -> None:
    for org in trial.organizations:
        node = iris.organization(org.name)
        t.add(node, RDF.type, SCHEMA.Organization)
        t.text(node, SCHEMA.name, org.name)
        t.text(node, TKG.agencyClass, org.org_class)
        t.add(s, SCHEMA.sponsor, node)
        if org.role == "lead":
            t.add(s, TKG.leadSponsor, node)
        elif org.role == "collaborator":
            t.add(s, TKG.collaborator, node)


def _people(t: Triples, s: URIRef, trial: Trial) -> None:
    for person in trial.officials:
        node = iris.official(trial.nct_id, person.name)
        t.add(node, RDF.type, SCHEMA.Person)
        t.text(node, SCHEMA.name, person.name)
        t.text(node, SCHEMA.jobTitle, person.title)
        t.add(s, TKG.overallOfficial, node)
        if person.role == "PRINCIPAL_INVESTIGATOR":
            t.add(s, TKG.principalInvestigator, node)
        t.text(node, TKG.officialRole, person.role)
        if person.affiliation:
            org = iris.organization(person.affiliation)
            t.add(org, RDF.type, SCHEMA.Organization)
            t.text(org, SCHEMA.name, person.affiliation)
            t.add(node, SCHEMA.affiliation, org)
    rp = trial.responsible_party
    if rp is not None and (rp.type or rp.name):
        node = iris.responsible_party(trial.nct_id)
        t.add(s, TKG.responsibleParty, node)
        t.add(node, RDF.type, TKG.ResponsibleParty)
        t.text(node, TKG.responsiblePartyType, rp.type)
        if rp.name:
            person = iris.official(trial.nct_id, rp.name)
            t.add(node, TKG.party, person)
            t.add(person, RDF.type, SCHEMA.Person)
            t.text(person, SCHEMA.name, rp.name)
            t.text(person, SCHEMA.jobTitle, rp.title)
            if rp.affiliation:
                org = iris.organization(rp.affiliation)
                t.add(org, RDF.type, SCHEMA.Organization)
                t.text(org, SCHEMA.name, rp.affiliation)
                t.add(person, SCHEMA.affiliation, org)
        elif trial.lead_sponsor is not None:
            t.add(node, TKG.party, iris.organization(trial.lead_sponsor.name))


def _sites(t: Triples, s: URIRef, trial: Trial) -> None:
    for site in trial.sites:
        node = iris.site(site.facility, site.city, site.country)
        t.add(s, SCHEMA.studyLocation, node)
        t.add(node, RDF.type, SCHEMA.MedicalOrganization)
        t.add(node, RDF.type, TKG.Site)
        t.text(node, SCHEMA.name, site.facility)
        t.text(node, SCHEMA.addressLocality, site.city)
        t.text(node, SCHEMA.addressRegion, site.state)
        t.text(node, SCHEMA.addressCountry, site.country)
        t.text(node, SCHEMA.postalCode, site.zip)
        t.text(node, TKG.recruitmentStatus, site.status)
    for country in trial.countries:
        t.text(s, TKG.country, country)


def _references(t: Triples, s: URIRef, trial: Trial,
                resolutions: dict[str, CitationResolution]) -> None:
    for ref in trial.references:
        key = f"pmid-{ref.pmid}" if ref.pmid else f"doi-{ref.doi}" if ref.doi else \
            f"text-{iris.slug(ref.citation)[:80]}"
        node = iris.trial_reference(trial.nct_id, key)
        t.add(s, TKG.hasReference, node)
        t.add(node, RDF.type, TKG.TrialReference)
        t.text(node, TKG.referenceType, ref.type)
        t.text(node, TKG.citationText, ref.citation)
        work = iris.article(ref.pmid) if ref.pmid else iris.citation(ref.doi, ref.citation)
        t.add(node, TKG.refersTo, work)
        t.add(s, DCTERMS.references, work)
        t.add(work, RDF.type, SCHEMA.ScholarlyArticle)
        if ref.pmid:
            t.text(work, BIBO.pmid, ref.pmid)
        else:
            # No PMID on the record: a citation node with an explicit status; a later
            # resolution step may link it to a PubMed article, never invent one.
            t.add(work, RDF.type, TKG.Citation)
            t.text(work, TKG.citationText, ref.citation)
            res = resolutions.get(ref.citation)
            t.text(work, TKG.resolutionStatus, res.status if res else "unresolved")
            if res is not None:
                t.text(work, TKG.resolutionMethod, res.method)
                t.text(work, TKG.resolutionDetail, res.detail)
                if res.status == "resolved" and res.pmid:
                    # NCBI matched it: link to the PubMed article, keep the citation node.
                    t.add(work, TKG.resolvedTo, iris.article(res.pmid))
                    t.add(s, DCTERMS.references, iris.article(res.pmid))
        if ref.doi:
            t.text(work, BIBO.doi, ref.doi)
            t.add(work, SCHEMA.sameAs, iris.doi(ref.doi))
