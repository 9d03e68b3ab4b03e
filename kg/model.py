"""The plain data model between parsing and RDF.

Parsers (``kg.sources.*``) produce these dataclasses; the RDF mapping (``kg.rdf``) consumes
them. Nothing here knows about RDF, HTTP or file formats, so a parser test never needs a
graph and a mapping test never needs a file.

Conventions:
- Text is kept as the source wrote it (after unescaping markup), never paraphrased.
- ``None`` means "the source did not say"; an empty list means "the source said none"
  or "not given" where the source cannot tell the two apart.
- Lists keep the source's order; order carries meaning (authors, criteria, arms).
"""

from __future__ import annotations

from dataclasses import dataclass, field

# --------------------------------------------------------------------------- provenance


@dataclass
class SourceInfo:
    """Where a record came from: enough to say so in PROV-O."""

    kind: str  # "trial-page", "ctgov-json", "ctgov-api", "pubmed-xml", "entrez-efetch", "snapshot"
    location: str  # file path (as given) or request URL
    retrieved: str | None = None  # ISO 8601 timestamp of a live call; None for files
    record_id: str | None = None  # NCT id or PMID this source describes


# --------------------------------------------------------------------------- concepts (issue 12)


@dataclass
class RegistryMesh:
    """A MeSH term a registry assigned (ClinicalTrials.gov's derivedSection browse modules)."""

    id: str  # MeSH UI as the registry gives it
    term: str
    ancestor: bool = False  # listed among the registry's ancestors, not its own terms


@dataclass
class ConceptMention:
    """A drug or condition found in one field of a record, and how it was found."""

    kind: str  # "drug" or "condition"
    key: str  # vocabulary key: curated key or MeSH UI
    mesh: str | None  # MeSH UI, from the loaded release
    field: str  # "conditions", "briefSummary", "abstract", "registry:conditionBrowseModule"...
    text: str  # the words as the record writes them
    how: str  # "MeSH entry term (plural or spelling)", "registry", ...


# --------------------------------------------------------------------------- trials


@dataclass
class Regimen:
    """How one drug is given in one phase of an arm, structured from the dosing text.

    ``dose_basis`` is "flat" (mg), "body-surface-area" (mg/m2) or "body-weight" (mg/kg).
    ``days`` are cycle days, inclusive (1, 14) means days 1 to 14; (1, 1) means day 1 only.
    """

    drug: str  # curated drug key, e.g. "anlotinib"
    phase: str = "treatment"  # "induction", "maintenance" or "treatment"
    dose: float | None = None
    dose_unit: str | None = None  # "mg", "mg/m2", "mg/kg", "AUC"
    dose_basis: str | None = None
    route: str | None = None  # "oral", "intravenous", "subcutaneous"
    frequency: str | None = None  # "once daily", "twice daily", "once per cycle"
    times_per_day: int | None = None
    day_start: int | None = None
    day_end: int | None = None
    days: list[int] = field(default_factory=list)  # listed days not forming one range: [1, 8]
    cycle_length_days: int | None = None
    cycles_min: int | None = None
    cycles_max: int | None = None
    until: str | None = None  # e.g. "disease progression or intolerable toxicity"
    notes: list[str] = field(default_factory=list)
    source_text: str | None = None  # the sentence the regimen was read from


@dataclass
class Intervention:
    """An intervention as registered, with the drugs it names resolved and dosed."""

    name: str
    type: str | None = None  # DRUG, BIOLOGICAL, RADIATION, PROCEDURE, ...
    description: str | None = None
    arm_labels: list[str] = field(default_factory=list)
    other_names: list[str] = field(default_factory=list)
    drugs: list[str] = field(default_factory=list)  # curated drug keys named by it
    unresolved_names: list[str] = field(default_factory=list)  # names matching no curated drug


@dataclass
class Arm:
    label: str
    type: str | None = None  # EXPERIMENTAL, ACTIVE_COMPARATOR, PLACEBO_COMPARATOR, ...
    description: str | None = None
    intervention_names: list[str] = field(default_factory=list)  # "Drug: X" as registered
    regimens: list[Regimen] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


@dataclass
class Design:
    allocation: str | None = None
    intervention_model: str | None = None
    intervention_model_description: str | None = None
    primary_purpose: str | None = None
    masking: str | None = None
    who_masked: list[str] = field(default_factory=list)  # PARTICIPANT, INVESTIGATOR, ...


@dataclass
class EligibilityCriterion:
    """One bulleted or numbered item of the eligibility text.

    ``section`` is the heading the page put it under ("inclusion", "exclusion" or
    "unlabelled"); ``kind`` is what the item actually does ("inclusion" or "exclusion"),
    decided by a rule recorded in ``kind_reason`` so the classification can be audited.
    """

    number: str  # position path, e.g. "4", "5.1", "5.1.2"
    text: str
    section: str
    kind: str
    kind_reason: str
    children: list[EligibilityCriterion] = field(default_factory=list)
    # Filled by kg.extract.constraints: what of the text a program can check, and why the
    # rest cannot be (empty reason when at least one constraint was read).
    constraints: list[Constraint] = field(default_factory=list)
    not_computable: str | None = None


@dataclass
class Eligibility:
    minimum_age: str | None = None  # as written: "18 Years"
    maximum_age: str | None = None
    minimum_age_years: float | None = None
    maximum_age_years: float | None = None
    sex: str | None = None  # ALL, FEMALE, MALE
    healthy_volunteers: bool | None = None
    criteria: list[EligibilityCriterion] = field(default_factory=list)
    preambles: list[str] = field(default_factory=list)  # non-item text, e.g. "Patients who..."
    text: str | None = None  # the whole criteria text, unescaped
    # Constraints read from the structured fields (minimum/maximum age, sex), not from a
    # criterion's text; filled by kg.extract.constraints.
    constraints: list[Constraint] = field(default_factory=list)


@dataclass
class Organization:
    name: str
    org_class: str | None = None  # INDUSTRY, OTHER, NIH, OTHER_GOV, ...
    role: str | None = None  # "lead" or "collaborator"


@dataclass
class Person:
    name: str
    role: str | None = None  # PRINCIPAL_INVESTIGATOR, STUDY_CHAIR, ...
    affiliation: str | None = None
    title: str | None = None  # job title, e.g. "Professor"


@dataclass
class ResponsibleParty:
    type: str | None = None  # SPONSOR, PRINCIPAL_INVESTIGATOR, SPONSOR_INVESTIGATOR
    name: str | None = None
    title: str | None = None
    affiliation: str | None = None


@dataclass
class Site:
    facility: str
    city: str | None = None
    state: str | None = None
    country: str | None = None
    zip: str | None = None
    status: str | None = None


@dataclass
class Reference:
    citation: str
    type: str | None = None  # BACKGROUND, RESULT, DERIVED
    pmid: str | None = None
    doi: str | None = None  # extracted from the citation text when not given


@dataclass
class SecondaryId:
    id: str
    type: str | None = None  # org_study_id, secondary_id; registry type
    domain: str | None = None


@dataclass
class Trial:
    nct_id: str
    brief_title: str | None = None
    official_title: str | None = None
    acronym: str | None = None
    org_study_id: str | None = None
    secondary_ids: list[SecondaryId] = field(default_factory=list)
    overall_status: str | None = None
    phases: list[str] = field(default_factory=list)
    study_type: str | None = None
    enrollment: int | None = None
    enrollment_type: str | None = None  # ACTUAL or ESTIMATED
    start_date: str | None = None  # ISO date or year-month as written
    primary_completion_date: str | None = None
    completion_date: str | None = None
    last_update: str | None = None
    results_status: str | None = None  # e.g. "Results pending"
    brief_summary: str | None = None
    detailed_description: str | None = None
    conditions: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    design: Design = field(default_factory=Design)
    arms: list[Arm] = field(default_factory=list)
    interventions: list[Intervention] = field(default_factory=list)
    eligibility: Eligibility = field(default_factory=Eligibility)
    organizations: list[Organization] = field(default_factory=list)
    responsible_party: ResponsibleParty | None = None
    officials: list[Person] = field(default_factory=list)
    sites: list[Site] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    extra_sections: dict[str, str] = field(default_factory=dict)  # unknown page sections, kept
    source: SourceInfo | None = None
    # issue 12: the registry's own MeSH terms, what was recognised where, and what a partial
    # record lacks.
    registry_conditions: list[RegistryMesh] = field(default_factory=list)
    registry_interventions: list[RegistryMesh] = field(default_factory=list)
    mentions: list[ConceptMention] | None = None  # None: not recognised yet
    missing_sections: list[str] = field(default_factory=list)  # a page that ends early
    incomplete_sections: list[str] = field(default_factory=list)  # cut mid-record

    @property
    def lead_sponsor(self) -> Organization | None:
        return next((o for o in self.organizations if o.role == "lead"), None)


# --------------------------------------------------------------------------- literature


@dataclass
class PartialDate:
    """A bibliographic date as precise as the source: year only, year-month, or full.

    ``text`` keeps a free-form ``MedlineDate`` such as "2016 Mar-Apr" verbatim.
    """

    year: int | None = None
    month: int | None = None
    day: int | None = None
    text: str | None = None

    def iso(self) -> str | None:
        if self.year is None:
            return None
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"


@dataclass
class Journal:
    title: str | None = None
    iso_abbreviation: str | None = None
    medline_ta: str | None = None
    nlm_unique_id: str | None = None
    issn_print: str | None = None
    issn_electronic: str | None = None
    issn_linking: str | None = None


@dataclass
class Author:
    last_name: str | None = None
    fore_name: str | None = None
    initials: str | None = None
    suffix: str | None = None
    collective_name: str | None = None
    affiliations: list[str] = field(default_factory=list)
    orcid: str | None = None  # bare 16-character ORCID, e.g. "0000-0002-1825-0097"

    @property
    def display_name(self) -> str:
        if self.collective_name:
            return self.collective_name
        parts = [p for p in (self.fore_name or self.initials, self.last_name) if p]
        return " ".join(parts)


@dataclass
class MeshQualifier:
    ui: str  # Q000000
    name: str
    major: bool = False


@dataclass
class MeshHeading:
    descriptor_ui: str  # D000000 (or C000000 for supplementary concepts)
    descriptor_name: str
    major: bool = False
    qualifiers: list[MeshQualifier] = field(default_factory=list)


@dataclass
class Chemical:
    name: str
    ui: str | None = None  # MeSH UI of the substance
    registry_number: str | None = None


@dataclass
class Keyword:
    text: str
    major: bool = False
    owner: str | None = None


@dataclass
class DataBank:
    name: str  # e.g. "ClinicalTrials.gov"
    accessions: list[str] = field(default_factory=list)


@dataclass
class AbstractSection:
    text: str
    label: str | None = None
    category: str | None = None  # NlmCategory: BACKGROUND, METHODS, RESULTS, ...


@dataclass
class Article:
    pmid: str
    title: str | None = None
    abstract: list[AbstractSection] = field(default_factory=list)
    journal: Journal = field(default_factory=Journal)
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None  # MedlinePgn or "start-end"
    start_page: str | None = None
    end_page: str | None = None
    pub_date: PartialDate | None = None
    epub_date: PartialDate | None = None  # ArticleDate DateType="Electronic"
    doi: str | None = None
    pmcid: str | None = None
    pii: str | None = None
    languages: list[str] = field(default_factory=list)
    publication_types: list[tuple[str, str]] = field(default_factory=list)  # (UI, name)
    authors: list[Author] = field(default_factory=list)
    mesh_headings: list[MeshHeading] = field(default_factory=list)
    chemicals: list[Chemical] = field(default_factory=list)
    keywords: list[Keyword] = field(default_factory=list)
    databanks: list[DataBank] = field(default_factory=list)
    source: SourceInfo | None = None
    mentions: list[ConceptMention] | None = None  # issue 12; None: not recognised yet
    # issue 14: NLM files carry several versions of some PMIDs (<PMID Version="2">); the
    # highest is the article. A Bookshelf record (PubmedBookArticle) has no journal.
    version: int = 1
    book_title: str | None = None

    @property
    def nct_ids(self) -> list[str]:
        """ClinicalTrials.gov accession numbers from the DataBank list, in order."""
        out: list[str] = []
        for bank in self.databanks:
            if bank.name.replace(" ", "").lower() == "clinicaltrials.gov":
                out.extend(a for a in bank.accessions if a not in out)
        return out


@dataclass
class CitationResolution:
    """The outcome of trying to turn a PMID-less reference into a PubMed article."""

    reference: Reference
    status: str  # "resolved", "unresolved", "ambiguous"
    pmid: str | None = None
    method: str | None = None  # "ecitmatch", "esearch-doi", "esearch-title"
    detail: str | None = None


# --------------------------------------------------------------------------- constraints
# Computable eligibility (issue 15): each criterion's text read as zero or more checks a
# program can run against a patient's record. One flat dataclass rather than a class per
# kind, because the RDF mapping, the store query and the matcher all walk the same fields;
# ``kind`` says which of them are used.

CONSTRAINT_KINDS = ("age", "sex", "performance-status", "measurement", "condition",
                    "therapy", "medication", "all-of", "any-of")
CONSTRAINT_EFFECTS = ("require", "exclude")  # predicate must hold / must not hold
PARSE_STATUSES = ("computable", "assumed", "not-computable")


@dataclass
class TimeWindow:
    """'within 4 weeks before inclusion' -> (within, 4, 'wk', 'inclusion');
    'at least 6 months after radiotherapy' -> (at-least, 6, 'mo', 'radiotherapy')."""

    relation: str  # "within" or "at-least"
    amount: float
    unit: str  # UCUM: "d", "wk", "mo", "a"
    anchor: str = "inclusion"  # what the window is measured from


@dataclass
class Constraint:
    """One check read from a criterion, with the span it was read from.

    The predicate is what the fields describe ("hemoglobin >= 90 g/L", "has HIV infection",
    "received an anti-PD-1 antibody within 4 weeks"); ``effect`` says whether the patient
    must satisfy it ("require") or is excluded when it holds ("exclude"). ``unless`` holds
    alternatives kept from conditional clauses: a failed requirement is still met when all
    of them hold ("TSH <= ULN; if not, FT3 and FT4 normal"). ``parts`` are the operands of
    "all-of"/"any-of".
    """

    key: str  # stable within its criterion: "c1", "c2", ... (parts: "c3.1")
    kind: str  # one of CONSTRAINT_KINDS
    effect: str  # one of CONSTRAINT_EFFECTS
    text: str  # the source span, as written
    start: int | None = None  # span in the criterion text (None for structured fields)
    end: int | None = None
    status: str = "computable"  # one of PARSE_STATUSES
    reason: str | None = None  # why not computable
    assumptions: list[str] = field(default_factory=list)  # how garbled/loose text was read
    concept: str | None = None  # curated key: "hemoglobin", "hiv-infection", "anti-pd-1", ...
    label: str | None = None  # human label of the concept
    codes: list[str] = field(default_factory=list)  # LOINC (measurements) or MeSH (conditions)
    comparator: str | None = None  # ">=", ">", "<=", "<", "==", "in-range", "normal"
    value: float | None = None
    upper: float | None = None  # inclusive upper bound of a range ("18 to 65", "ECOG 0-1")
    unit: str | None = None  # UCUM, e.g. "g/L", "10*9/L", "mm[Hg]", "a" (years)
    limit: str | None = None  # "ULN"/"LLN": ``value`` is a multiple of that limit
    scale: str | None = None  # "ECOG", "Karnofsky" for performance status
    exceptions: list[str] = field(default_factory=list)  # concept keys that do not count
    drug_classes: list[str] = field(default_factory=list)  # curated class keys
    drugs: list[str] = field(default_factory=list)  # curated drug keys
    window: TimeWindow | None = None
    applies_to: str | None = None  # "female", "male", "childbearing-potential"
    unless: list[Constraint] = field(default_factory=list)
    parts: list[Constraint] = field(default_factory=list)


# --------------------------------------------------------------------------- patients
# A patient's record as the matcher reads it (kg.sources.patient), from a FHIR R4 Bundle or
# the hand-entry profile. Dates are ISO strings ("2026-11-20"); codes keep their system.


@dataclass
class Coding:
    system: str  # "loinc", "snomed", "icd10", "rxnorm", or the URI as given
    code: str
    display: str | None = None


@dataclass
class PatientObservation:
    """One result: a quantity in UCUM units (``unit``), a coded or text result
    (``result``: "positive", "negative", "2+"), and the reference range for x ULN checks."""

    source: str  # "Observation/obs-1" or "observations[3]"
    codings: list[Coding] = field(default_factory=list)
    text: str | None = None
    value: float | None = None
    unit: str | None = None  # UCUM code
    result: str | None = None
    low: float | None = None
    low_unit: str | None = None
    high: float | None = None
    high_unit: str | None = None
    date: str | None = None


@dataclass
class PatientCondition:
    source: str
    codings: list[Coding] = field(default_factory=list)
    text: str | None = None
    onset: str | None = None
    abated: str | None = None
    status: str = "active"  # "active", "resolved" or "absent" (refuted / declared absent)


@dataclass
class PatientMedication:
    source: str
    codings: list[Coding] = field(default_factory=list)
    text: str | None = None
    dose: float | None = None
    dose_unit: str | None = None
    per_day: float | None = None  # administrations per day
    route: str | None = None
    start: str | None = None
    end: str | None = None


@dataclass
class PatientProcedure:
    source: str
    codings: list[Coding] = field(default_factory=list)
    text: str | None = None
    start: str | None = None
    end: str | None = None


@dataclass
class Patient:
    id: str
    birth_date: str | None = None
    sex: str | None = None  # "female", "male", "other", "unknown"
    childbearing_potential: bool | None = None
    observations: list[PatientObservation] = field(default_factory=list)
    conditions: list[PatientCondition] = field(default_factory=list)
    medications: list[PatientMedication] = field(default_factory=list)
    procedures: list[PatientProcedure] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # resources skipped, one line each
    source: SourceInfo | None = None
# --------------------------------------------------------------------------- clinical setting
# (issue 13) What a study is about clinically, read from its record by kg/extract/setting.py.


@dataclass
class SettingFact:
    """One clinical-setting fact and the words it was read from.

    ``aspect`` is one of kg.extract.setting_terms.ASPECTS ("disease-setting", "line",
    "phase", "allocation", "comparator", "blinding", "evidence", "drug-role"); ``value`` a
    key of that aspect's vocabulary ("recurrent-metastatic", "first-line", ...). ``field``
    names the record field ("officialTitle", "eligibility: inclusion 4", "arm: Group A",
    "publicationType", "abstract: METHODS") and ``text`` quotes it.
    """

    aspect: str
    value: str
    field: str
    text: str
    drug: str | None = None  # the curated drug key, for "drug-role" facts


@dataclass
class ClinicalSetting:
    """The setting facts of one trial or article, as kept after precedence (titles over
    summaries over descriptions over eligibility): each aspect's values come from the most
    authoritative field that states any."""

    facts: list[SettingFact] = field(default_factory=list)

    def values(self, aspect: str) -> list[str]:
        """Distinct values of one aspect, in the order first stated."""
        return list(dict.fromkeys(f.value for f in self.facts if f.aspect == aspect))

    def drug_roles(self) -> dict[str, str]:
        """Curated drug key -> its role ("experimental", "background", "comparator",
        "other")."""
        return {f.drug: f.value for f in self.facts if f.aspect == "drug-role" and f.drug}
