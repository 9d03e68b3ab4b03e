"""kg.rdf.iris: every IRI pattern pinned as a string, and the normalisations that make two
spellings of one thing one node (and two things two nodes)."""

from __future__ import annotations

import pytest

from kg.rdf import iris

TKR = "https://w3id.org/trialkg/resource/"
NCT = "NCT05807880"


def test_dois_differing_only_in_case_are_one_work():
    # issue 17: "10.1016/S0140-..." in PubMed and "10.1016/s0140-..." in a registry reference
    assert iris.doi("10.1016/S0140-6736(21)01123-5") == iris.doi("10.1016/s0140-6736(21)01123-5")
    assert str(iris.doi("10.1016/S0140-6736(21)01123-5")) == \
        "https://doi.org/10.1016/s0140-6736(21)01123-5"
    assert iris.citation("10.5555/ABC", "x") == iris.citation("10.5555/abc", "y")
    assert str(iris.citation("10.5555/ABC", "x")) == TKR + "citation/doi/10.5555%2Fabc"


def test_doi_keeps_slashes_and_encodes_what_a_path_cannot_hold():
    assert str(iris.doi("10.1002/(SICI)1097 x<y>")) == \
        "https://doi.org/10.1002/(sici)1097%20x%3Cy%3E"


def test_a_citation_without_a_doi_is_named_by_its_text():
    assert str(iris.citation(None, "Ma J, et al. Lancet 2021;397:1-10.")) == \
        TKR + "citation/text/ma-j-et-al-lancet-2021-397-1-10"
    assert str(iris.citation("", "A" * 200)) == TKR + "citation/text/" + "a" * 120


@pytest.mark.parametrize(("made", "expected"), [
    (lambda: iris.trial(NCT), "https://clinicaltrials.gov/study/NCT05807880"),
    (lambda: iris.trial_part(NCT, "a", "b"), TKR + "NCT05807880/a/b"),
    (lambda: iris.arm(NCT, "Arm A: Anlotinib + X"), TKR + "NCT05807880/arm/arm-a-anlotinib-x"),
    (lambda: iris.intervention(NCT, "Drug: Penpulimab"),
     TKR + "NCT05807880/intervention/drug-penpulimab"),
    (lambda: iris.regimen(NCT, "Arm A", "capecitabine", "maintenance"),
     TKR + "NCT05807880/arm/arm-a/regimen/maintenance-capecitabine"),
    (lambda: iris.eligibility(NCT), TKR + "NCT05807880/eligibility"),
    (lambda: iris.criterion(NCT, "inclusion", "6.1"),
     TKR + "NCT05807880/eligibility/inclusion/6.1"),
    (lambda: iris.constraint(NCT, "exclusion", "3", "age.1"),
     TKR + "NCT05807880/eligibility/exclusion/3/constraint/age.1"),
    (lambda: iris.constraint(NCT, None, None, "sex"),
     TKR + "NCT05807880/eligibility/constraint/sex"),
    (lambda: iris.constraint(NCT, "inclusion", None, "sex"),
     TKR + "NCT05807880/eligibility/constraint/sex"),
    (lambda: iris.constraint(NCT, None, "2", "sex"),
     TKR + "NCT05807880/eligibility/constraint/sex"),
    (lambda: iris.loinc("718-7"), "https://loinc.org/718-7/"),
    (lambda: iris.official(NCT, "Jun Ma, M.D."), TKR + "NCT05807880/person/jun-ma"),
    (lambda: iris.responsible_party(NCT), TKR + "NCT05807880/responsible-party"),
    (lambda: iris.trial_reference(NCT, "pmid/34174189"),
     TKR + "NCT05807880/reference/pmid%2F34174189"),
    (lambda: iris.secondary_id(NCT, "ALTER-HN005"), TKR + "NCT05807880/identifier/alter-hn005"),
    (lambda: iris.organization("Sun Yat-sen University"),
     TKR + "organization/sun-yat-sen-university"),
    (lambda: iris.site("SYSUCC", "Guangzhou", "China"), TKR + "site/sysucc/guangzhou/china"),
    (lambda: iris.site("SYSUCC", None, "China"), TKR + "site/sysucc/china"),
    (lambda: iris.condition_text("Nasopharyngeal Carcinoma"),
     TKR + "condition/nasopharyngeal-carcinoma"),
    (lambda: iris.drug("anlotinib"), TKR + "drug/anlotinib"),
    (lambda: iris.drug_class("pd-1"), TKR + "drug-class/pd-1"),
    (lambda: iris.mesh("D000077274"), "http://id.nlm.nih.gov/mesh/D000077274"),
    (lambda: iris.external("chebi", "CHEBI:27899"), "http://purl.obolibrary.org/obo/CHEBI_27899"),
    (lambda: iris.external("chebi", "27899"), "http://purl.obolibrary.org/obo/CHEBI_27899"),
    (lambda: iris.external("ncit", "NCIT:C1234"), "http://purl.obolibrary.org/obo/NCIT_C1234"),
    (lambda: iris.external("chembl", "CHEMBL123"),
     "https://www.ebi.ac.uk/chembl/compound_report_card/CHEMBL123"),
    (lambda: iris.external("mesh", "C000594389"), "http://id.nlm.nih.gov/mesh/C000594389"),
    (lambda: iris.external("drugbank", "DB00112"), "https://go.drugbank.com/drugs/DB00112"),
    (lambda: iris.external("unii", "6804DJ8Z9U"),
     "https://precision.fda.gov/uniisearch/srs/unii/6804DJ8Z9U"),
    (lambda: iris.external("rxnorm", "194000"),
     "http://purl.bioontology.org/ontology/RXNORM/194000"),
    (lambda: iris.article("34174189"), "https://pubmed.ncbi.nlm.nih.gov/34174189"),
    (lambda: iris.pmc("PMC123"), "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC123"),
    (lambda: iris.authorship("1", 3), TKR + "pubmed/1/author/3"),
    (lambda: iris.article_person("1", 3), TKR + "pubmed/1/person/3"),
    (lambda: iris.mesh_heading("1", "D000077274"), TKR + "pubmed/1/mesh/D000077274"),
    (lambda: iris.journal("Lancet Oncol"), TKR + "journal/lancet-oncol"),
    (lambda: iris.vocabulary_release("mesh 2024"), TKR + "vocabulary/mesh%202024"),
    (lambda: iris.vocabulary_file("mesh", "ab12"), TKR + "vocabulary/mesh/file/ab12"),
    (lambda: iris.activity("fetch", "a/b"), TKR + "activity/fetch/a%2Fb"),
    (lambda: iris.workspace(), TKR + "workspace"),
    (lambda: iris.record_graph("trial", "x y"), TKR + "graph/trial/x%20y"),
    (lambda: iris.setting_concept("FirstLine"), "https://w3id.org/trialkg/vocab#FirstLine"),
    (lambda: iris.setting_fact(NCT, "line", "first-line", "Brief Title"),
     TKR + "NCT05807880/setting/line/first-line/brief-title"),
    (lambda: iris.setting_fact("pubmed/1", "line", "first-line", "title", "anlotinib"),
     TKR + "pubmed/1/setting/line/first-line/anlotinib/title"),
])
def test_each_pattern(made, expected):
    assert str(made()) == expected


def test_an_unknown_identifier_scheme_is_refused_by_name():
    with pytest.raises(ValueError, match=r"^no IRI pattern for identifier scheme 'pubchem'$"):
        iris.external("pubchem", "2244")


def test_mentions_keep_spellings_apart_and_are_stable():
    npc = iris.trial_mention(NCT, "Brief Title", "condition", "D000077274", "NPC")
    assert str(npc) == (TKR + "NCT05807880/mention/brief-title/condition/D000077274/"
                        "npc-" + __import__("hashlib").sha1(b"NPC").hexdigest()[:8])
    lower = iris.trial_mention(NCT, "Brief Title", "condition", "D000077274", "npc")
    assert npc != lower and str(lower).rsplit("/", 1)[1].startswith("npc-")
    art = iris.article_mention("1", "Abstract", "drug", "a/b", "Anlotinib " * 20)
    last = str(art).rsplit("/", 1)[1]
    assert str(art).startswith(TKR + "pubmed/1/mention/abstract/drug/a%2Fb/")
    assert last[:60] == ("anlotinib-" * 6)[:60] and len(last) == 69


@pytest.mark.parametrize(("text", "expected"), [
    ("Sun Yat-sen University", "sun-yat-sen-university"),
    ("  Ünïcödé — Names!  ", "unicode-names"),
    ("中山大学", "u-%e4%b8%ad%e5%b1%b1%e5%a4%a7%e5%ad%a6"),
    (" 中山 ", "u-%e4%b8%ad%e5%b1%b1"),
])
def test_slug(text, expected):
    assert iris.slug(text) == expected


@pytest.mark.parametrize(("name", "key"), [
    ("Jun Ma, MD", "jun-ma"), ("Jun Ma, M.D.", "jun-ma"), ("Jun Ma MD, PhD", "jun-ma"),
    ("Jun Ma, M.D., Ph.D.", "jun-ma"), ("Ada Example, MPH", "ada-example"),
    ("Ada Example MBBS FRCPath", "ada-example"), ("Mary Phd", "mary"),
    ("Mads Hansen", "mads-hansen"),
])
def test_person_name_key_drops_degrees_only(name, key):
    assert iris.person_name_key(name) == key


def test_author_identity_order():
    assert str(iris.author("Hu", "C", "0000-0001-2345-6789", "Group", "Chaosu")) == \
        "https://orcid.org/0000-0001-2345-6789"
    assert str(iris.author("Hu", "C", None, "The ALTER Group", "Chaosu")) == \
        TKR + "collective/the-alter-group"
    assert str(iris.author("Hu", "C", None, None, "Chaosu")) == TKR + "author/chaosu-hu"
    assert str(iris.author("Hu", "C", None, None, "C", pmid="9", position=2)) == \
        TKR + "pubmed/9/person/2"
    assert str(iris.author("Hu", "C", None, None, None)) == TKR + "author/hu-c"
    assert str(iris.author("Hu", None, None, None, None, pmid="9")) == TKR + "author/hu"
    assert str(iris.author(None, None, None, None, "Chaosu", pmid="9", position=0)) == \
        TKR + "pubmed/9/person/0"


@pytest.mark.parametrize(("fore", "full"), [
    ("Chaosu", True), ("J Michael", True), ("Mary-Ann", True), ("Jo", True),
    ("J", False), ("J A", False), ("JA", False), ("J.-P.", False), ("ABC", False), ("", False),
])
def test_has_full_fore_name(fore, full):
    assert iris.has_full_fore_name(fore) is full


def test_a_prefixed_identifier_loses_its_first_prefix_only():
    # what follows the registry's prefix is the local id, whatever it holds
    assert str(iris.external("ncit", "NCIT:C:1")) == "http://purl.obolibrary.org/obo/NCIT_C:1"
    assert str(iris.external("chebi", "CHEBI:1:2")) == "http://purl.obolibrary.org/obo/CHEBI_1:2"


def test_a_name_ending_in_a_capital_x_keeps_it():
    assert iris.person_name_key("Li X") == "li-x"
    assert iris.person_name_key("Li X, MD") == "li-x"
