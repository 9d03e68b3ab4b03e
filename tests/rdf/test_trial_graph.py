"""Every fact of the trial page lands in the graph, value by value (issue 2)."""

from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from kg.rdf import iris
from kg.rdf.namespaces import BIBO, DCTERMS, RDF, RDFS, SCHEMA, SKOS, TKG

T = iris.trial("NCT05807880")


def one(g, s, p):
    values = list(g.objects(s, p))
    assert len(values) == 1, f"{s} {p}: {values}"
    return values[0]


def test_identifiers_status_and_design(seed_graph):
    g = seed_graph
    assert (T, RDF.type, SCHEMA.MedicalTrial) in g
    assert one(g, T, TKG.nctId) == Literal("NCT05807880")
    assert one(g, T, TKG.orgStudyId) == Literal("ALTER-HN005")
    assert str(one(g, T, DCTERMS.title)) == (
        "Anlotinib, Penpulimab and Capecitabine in Recurrent/Metastatic Nasopharyngeal Carcinoma")
    assert str(one(g, T, TKG.overallStatus)) == "ACTIVE_NOT_RECRUITING"
    assert str(one(g, T, TKG.phase)) == "PHASE2"
    assert str(one(g, T, TKG.studyType)) == "INTERVENTIONAL"
    assert one(g, T, TKG.enrollment) == Literal(59, datatype=XSD.integer)
    assert one(g, T, SCHEMA.startDate) == Literal("2023-09-01", datatype=XSD.date)
    assert one(g, T, TKG.completionDate) == Literal("2026-07-01", datatype=XSD.date)
    assert one(g, T, DCTERMS.modified) == Literal("2026-01-23", datatype=XSD.date)
    assert str(one(g, T, DCTERMS.abstract)).startswith("First-diagnosed metastasis")
    assert "open-label, single-arm, phase II" in str(one(g, T, SCHEMA.description))
    assert str(one(g, T, TKG.allocation)) == "NA"
    assert str(one(g, T, TKG.interventionModel)) == "SINGLE_GROUP"
    assert str(one(g, T, TKG.interventionModelDescription)) == (
        "The combination of anlotinib, penpulimab and capecitabine.")
    assert str(one(g, T, TKG.primaryPurpose)) == "TREATMENT"
    assert str(one(g, T, TKG.masking)) == "NONE"


def test_condition_maps_to_mesh_nasopharyngeal_neoplasms(seed_graph):
    g = seed_graph
    mesh = URIRef("http://id.nlm.nih.gov/mesh/D009303")
    assert list(g.objects(T, SCHEMA.healthCondition)) == [mesh]
    assert str(one(g, mesh, RDFS.label)) == "Nasopharyngeal Neoplasms"
    assert str(one(g, T, TKG.conditionText)) == "Nasopharyngeal Neoplasms"


def test_arm_and_combination_intervention_split_into_three_drugs(seed_graph):
    g = seed_graph
    arm = one(g, T, TKG.hasArm)
    assert str(one(g, arm, RDFS.label)) == "Intervention arm"
    assert str(one(g, arm, TKG.armType)) == "EXPERIMENTAL"
    assert "After using the penpulimab for 2 years" in str(one(g, arm, SCHEMA.description))
    iv = one(g, T, TKG.hasIntervention)
    assert str(one(g, iv, TKG.interventionType)) == "DRUG"
    assert (arm, TKG.usesIntervention, iv) in g
    drugs = sorted(str(d).rsplit("/", 1)[1] for d in g.objects(iv, TKG.includesDrug))
    assert drugs == ["anlotinib", "capecitabine", "penpulimab"]
    classes = {str(d).rsplit("/", 1)[1]: str(c).rsplit("/", 1)[1]
               for d in g.objects(iv, TKG.includesDrug) for c in g.objects(d, SCHEMA.drugClass)}
    assert classes == {"anlotinib": "vegfr-tki", "penpulimab": "anti-pd-1",
                       "capecitabine": "fluoropyrimidine"}


def _regimen(g, phase, drug):
    node = iris.regimen("NCT05807880", "Intervention arm", drug, phase)
    assert (None, TKG.hasRegimen, node) in g, f"no {phase} regimen for {drug}"
    fields = {}
    for p, o in g.predicate_objects(node):
        fields[str(p).rsplit("#", 1)[-1].rsplit("/", 1)[-1]] = o.toPython() if isinstance(
            o, Literal) else str(o)
    return fields


def test_structured_regimens_for_induction_and_maintenance(seed_graph):
    g = seed_graph
    anl = _regimen(g, "induction", "anlotinib")
    assert (anl["doseValue"], anl["doseUnit"], anl["doseBasis"], anl["route"]) == (
        10.0, "mg", "flat", "oral")
    assert (anl["frequency"], anl["timesPerDay"], anl["dayStart"], anl["dayEnd"]) == (
        "once daily", 1, 1, 14)
    assert (anl["cycleLengthDays"], anl["cyclesMin"], anl["cyclesMax"]) == (21, 4, 6)
    pen = _regimen(g, "induction", "penpulimab")
    assert (pen["doseValue"], pen["doseUnit"], pen["route"], pen["dayStart"], pen["dayEnd"]) == (
        200.0, "mg", "intravenous", 1, 1)
    cap = _regimen(g, "induction", "capecitabine")
    assert (cap["doseValue"], cap["doseUnit"], cap["doseBasis"], cap["route"]) == (
        650.0, "mg/m2", "body-surface-area", "oral")
    assert (cap["frequency"], cap["timesPerDay"], cap["dayStart"], cap["dayEnd"]) == (
        "twice daily", 2, 1, 21)
    for drug in ("penpulimab", "capecitabine"):
        m = _regimen(g, "maintenance", drug)
        assert m["continuesUntil"] == "disease progression or intolerable toxicity"
        assert m["cycleLengthDays"] == 21 and "cyclesMax" not in m
    assert "2 years" in _regimen(g, "maintenance", "penpulimab")["comment"]
    assert not any("maintenance-anlotinib" in str(s) for s in g.subjects(RDF.type, TKG.Regimen))


def test_eligibility_ages_sex_and_reclassified_criteria(seed_graph):
    g = seed_graph
    e = one(g, T, TKG.eligibility)
    assert str(one(g, e, TKG.minimumAge)) == "18 Years"
    assert one(g, e, TKG.minimumAgeYears).toPython() == 18
    assert one(g, e, TKG.maximumAgeYears).toPython() == 65
    assert str(one(g, e, TKG.sex)) == "ALL"
    assert one(g, e, TKG.healthyVolunteers).toPython() is False
    top = [c for c in g.objects(e, TKG.hasCriterion) if (c, TKG.subCriterionOf, None) not in g]
    rows = {(str(one(g, c, TKG.listedUnder)), str(one(g, c, TKG.criterionKind)),
             str(one(g, c, SCHEMA.text))) for c in top}
    assert ("inclusion", "inclusion", "ECOG PS score 0-1 point.") in rows
    assert any((a, b) == ("inclusion", "exclusion") and t.startswith("Existed meningeal")
               for a, b, t in rows)
    misfiled = [r for r in rows if r[0] == "inclusion" and r[1] == "exclusion"]
    assert len(misfiled) == 9
    assert sum(1 for r in rows if r[0] == "exclusion") == 11
    wbc = [c for c in g.subjects(RDF.type, TKG.EligibilityCriterion)
           if "White blood cell" in str(one(g, c, SCHEMA.text))]
    assert str(one(g, wbc[0], SCHEMA.text)) == "White blood cell (WBC) ≥ 4*109/L;"


def test_sponsors_investigator_site_and_ids(seed_graph):
    g = seed_graph
    lead = one(g, T, TKG.leadSponsor)
    assert str(one(g, lead, SCHEMA.name)) == "Sun Yat-sen University"
    assert str(one(g, lead, TKG.agencyClass)) == "OTHER"
    collab = one(g, T, TKG.collaborator)
    assert str(one(g, collab, SCHEMA.name)) == "Chia Tai Tianqing Pharmaceutical Group Co., Ltd."
    assert str(one(g, collab, TKG.agencyClass)) == "INDUSTRY"
    pi = one(g, T, TKG.principalInvestigator)
    assert str(one(g, pi, TKG.officialRole)) == "PRINCIPAL_INVESTIGATOR"
    assert str(one(g, one(g, pi, SCHEMA.affiliation), SCHEMA.name)) == "Sun Yat-sen University"
    rp = one(g, T, TKG.responsibleParty)
    assert str(one(g, rp, TKG.responsiblePartyType)) == "PRINCIPAL_INVESTIGATOR"
    assert one(g, rp, TKG.party) == pi  # "Jun Ma, MD" and "Jun Ma, M.D." are one person
    assert str(one(g, pi, SCHEMA.jobTitle)) == "Professor"
    site = one(g, T, SCHEMA.studyLocation)
    assert str(one(g, site, SCHEMA.name)) == "Sun Yat-sen University Cancer Center"
    assert (str(one(g, site, SCHEMA.addressLocality)), str(one(g, site, SCHEMA.addressRegion)),
            str(one(g, site, SCHEMA.addressCountry))) == ("Guangzhou", "Guangdong", "China")
    assert str(one(g, T, TKG.country)) == "China"


def test_references_nine_pmids_and_one_unresolved_doi(seed_graph):
    g = seed_graph
    refs = list(g.objects(T, TKG.hasReference))
    assert len(refs) == 10
    works = [one(g, r, TKG.refersTo) for r in refs]
    pmids = sorted(str(one(g, w, BIBO.pmid)) for w in works if (w, BIBO.pmid, None) in g)
    assert pmids == sorted(["34174189", "29301831", "35154567", "34111416", "30207593",
                            "26808342", "25428504", "27574444", "28837405"])
    (citation,) = [w for w in works if (w, BIBO.pmid, None) not in g]
    assert str(one(g, citation, BIBO.doi)) == "10.1016/j.annonc.2020.08.1044"
    assert str(one(g, citation, TKG.resolutionStatus)) == "unresolved"
    assert (citation, RDF.type, TKG.Citation) in g
    assert all(str(one(g, r, TKG.referenceType)) == "BACKGROUND" for r in refs)


def test_cited_articles_are_enriched_from_the_snapshot(seed_graph):
    g = seed_graph
    captain = iris.article("34174189")
    assert "CAPTAIN-1st" in str(one(g, captain, DCTERMS.title))
    assert str(one(g, one(g, captain, SCHEMA.isPartOf), SCHEMA.name)) == "Lancet Oncol"
    assert len(list(g.objects(captain, TKG.hasAuthorship))) == 35
    activity = one(g, captain, URIRef("http://www.w3.org/ns/prov#wasGeneratedBy"))
    assert str(one(g, activity, TKG.sourceKind)) == "snapshot"
    assert str(one(g, activity, URIRef("http://www.w3.org/ns/prov#atLocation"))) == (
        "data/snapshot/pubmed/34174189.xml")


def test_drug_classes_carry_hierarchy(seed_graph):
    g = seed_graph
    anti_pd1 = iris.drug_class("anti-pd-1")
    assert one(g, anti_pd1, SKOS.broader) == iris.drug_class("immune-checkpoint-inhibitor")
