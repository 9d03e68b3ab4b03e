"""Clinical setting read from real records (the bundled trial page, the snapshot's CT.gov
JSON and PubMed records) and from phrasings the real data lacks: history is not the setting,
exclusions make a trial first-line, the most authoritative field wins."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg import resources
from kg.extract.setting import SNIPPET, article_setting, snippet, trial_setting
from kg.extract.setting_concepts import ASPECTS, CONCEPTS
from kg.model import (
    AbstractSection,
    Arm,
    Article,
    Design,
    Eligibility,
    EligibilityCriterion,
    Intervention,
    Keyword,
    MeshHeading,
    Regimen,
    Trial,
)
from kg.sources import load_trial_file, pubmed
from kg.vocab import default_vocabulary

VOCAB = default_vocabulary()
SNAPSHOT = resources.SNAPSHOT_TRIALS


def facts(setting, aspect):
    return {(f.value, f.field) for f in setting.facts if f.aspect == aspect}


def article(pmid: str) -> Article:
    (a,) = pubmed.parse_file(resources.SNAPSHOT_PUBMED / f"{pmid}.xml")
    return a


def test_the_seed_trial_page():
    s = trial_setting(load_trial_file(resources.BUNDLED_TRIAL), VOCAB)
    assert s.values("disease-setting") == ["recurrent-metastatic", "primary-metastatic"]
    assert ("recurrent-metastatic", "briefTitle") in facts(s, "disease-setting")
    # "First-diagnosed metastasis or recurrence/metastasis NPC" (the brief summary)
    assert ("primary-metastatic", "briefSummary") in facts(s, "disease-setting")
    # the description's "locoregionally advanced ... at first diagnosis" is history, and
    # the eligibility's "induction therapy" too: neither is the setting
    assert "locoregionally-advanced" not in s.values("disease-setting")
    assert "neoadjuvant-induction" not in s.values("disease-setting")
    # "has never accepted systemic treatment for recurrent/metastatic lesion"
    (line,) = [f for f in s.facts if f.aspect == "line"]
    assert (line.value, line.field) == ("first-line", "detailedDescription")
    assert "never accepted systemic treatment for recurrent/metastatic" in line.text
    assert s.values("phase") == ["phase-2"] and s.values("allocation") == ["single-arm"]
    assert s.values("blinding") == ["open-label"]
    assert s.values("evidence") == ["clinical-trial"]
    assert s.drug_roles() == {"anlotinib": "experimental", "penpulimab": "experimental",
                              "capecitabine": "experimental"}


def test_keynote_122_platinum_pretreated_with_capecitabine_only_as_comparator():
    s = trial_setting(load_trial_file(SNAPSHOT / "NCT02611960.json"), VOCAB)
    assert s.values("line") == ["platinum-refractory"]
    assert s.values("disease-setting") == ["recurrent-metastatic"]
    roles = s.drug_roles()
    assert roles == {"pembrolizumab": "experimental", "capecitabine": "comparator",
                     "gemcitabine": "comparator", "docetaxel": "comparator"}
    cape = next(f for f in s.facts if f.drug == "capecitabine")
    assert cape.field == "officialTitle" and "Versus Standard Chemotherapy" in cape.text
    assert s.values("comparator") == ["active"] and s.values("allocation") == ["randomised"]


def test_chemotherapy_in_both_arms_is_background():
    captain = trial_setting(load_trial_file(SNAPSHOT / "NCT03707509.json"), VOCAB)
    assert captain.drug_roles() == {"camrelizumab": "experimental",
                                    "gemcitabine": "background", "cisplatin": "background"}
    rationale = trial_setting(load_trial_file(SNAPSHOT / "NCT03924986.json"), VOCAB)
    # "Tislelizumab Combined With Chemotherapy Versus Chemotherapy Alone"
    assert rationale.drug_roles()["gemcitabine"] == "background"
    assert rationale.drug_roles()["tislelizumab"] == "experimental"
    assert rationale.values("line") == ["first-line"]


def test_registry_spellings_and_immunotherapy_pretreated():
    s = trial_setting(load_trial_file(SNAPSHOT / "NCT07581821.json"), VOCAB)
    assert s.values("line") == ["pretreated"]  # "Previously Immunotherapy-Treated"
    assert s.values("allocation") == ["single-arm"]  # from the official title: not registered
    assert ("single-arm", "officialTitle") in facts(s, "allocation")
    # "Taxane-Based Chemotherapy" in the title: taxane (MeSH C080625) is a study drug too
    assert s.drug_roles() == {"sintilimab": "experimental", "anlotinib": "experimental",
                              "C080625": "experimental"}


@pytest.mark.parametrize(("pmid", "expected"), [
    ("34341578", {"disease-setting": ["recurrent-metastatic"], "line": ["first-line"],
                  "evidence": ["clinical-trial"], "comparator": ["placebo"]}),
    ("36535566", {"line": ["platinum-refractory"], "blinding": ["open-label"],
                  "phase": ["phase-3"]}),
    ("34111416", {"disease-setting": ["adjuvant", "locoregionally-advanced"],
                  "allocation": ["randomised"]}),
    ("30207593", {"evidence": ["epidemiology"], "disease-setting": []}),
    ("35154567", {"evidence": ["preclinical"]}),
    ("29301831", {"evidence": ["clinical-trial"], "phase": ["phase-2"]}),  # "Preclinical and
])                                                                        # Phase II"
def test_snapshot_articles(pmid, expected):
    s = article_setting(article(pmid), VOCAB)
    for aspect, values in expected.items():
        assert s.values(aspect) == values, aspect


def test_article_roles_from_the_title():
    captain = article_setting(article("34174189"), VOCAB)  # "X versus placebo in combination
    assert captain.drug_roles() == {"camrelizumab": "experimental",  # with Y and Z"
                                    "gemcitabine": "background", "cisplatin": "background"}
    jupiter = article_setting(article("34341578"), VOCAB)  # "X or placebo plus chemotherapy"
    assert jupiter.drug_roles() == {"toripalimab": "experimental"}
    alter = article_setting(article("30098152"), VOCAB)  # randomised, comparator unnamed
    assert alter.drug_roles() == {"anlotinib": "experimental"}
    mouse = article_setting(article("35154567"), VOCAB)  # preclinical: named, not tested
    assert mouse.drug_roles() == {"anlotinib": "other"}


def _trial(**kw) -> Trial:
    return Trial("NCT09999990", **kw)


def test_history_is_not_the_setting_and_first_line_after_failure_is_pretreated():
    s = trial_setting(_trial(brief_title=(
        "Anlotinib in Nasopharyngeal Carcinoma That Progressed After First-line "
        "Platinum-based Chemotherapy")), VOCAB)
    assert s.values("line") == ["platinum-refractory"]
    s = trial_setting(_trial(brief_title="Drug X After Failure of First-line Chemotherapy"), VOCAB)
    assert s.values("line") == ["pretreated"]
    (fact,) = [f for f in s.facts if f.aspect == "line"]
    assert fact.field == "briefTitle" and fact.text == "Drug X After Failure of First-line " \
        "Chemotherapy"
    s = trial_setting(_trial(brief_title=(
        "Toripalimab for Recurrent Nasopharyngeal Carcinoma After Definitive "
        "Chemoradiotherapy")), VOCAB)
    assert s.values("disease-setting") == ["recurrent-metastatic"]  # not concurrent CRT
    assert s.values("line") == []  # failure of curative treatment: not a later line


def test_eligibility_gives_the_line_when_nothing_above_does():
    crit = [EligibilityCriterion("1", "No distant metastasis (M0)", "inclusion",
                                 "inclusion", "listed"),
            EligibilityCriterion("2", "Prior systemic therapy for recurrent or metastatic "
                                 "disease", "exclusion", "exclusion", "listed")]
    s = trial_setting(_trial(brief_title="Study of Drug X",
                             eligibility=Eligibility(criteria=crit)), VOCAB)
    assert ("first-line", "eligibility: exclusion 2") in facts(s, "line")
    # eligibility states both families: the R/M one (the patients' disease now) wins
    assert s.values("disease-setting") == ["recurrent-metastatic"]
    s = trial_setting(_trial(brief_title="Study of Drug X in Locoregionally Advanced NPC",
                             eligibility=Eligibility(criteria=crit)), VOCAB)
    assert s.values("disease-setting") == ["locoregionally-advanced"]  # the title wins


def test_eligibility_text_without_items_gives_only_the_never_treated_phrase():
    text = ("Patients who never received systemic chemotherapy for metastatic disease. "
            "Exclusion: prior chemotherapy for metastatic disease; concurrent "
            "chemoradiotherapy within 6 months")
    s = trial_setting(_trial(brief_title="Study of Drug X", eligibility=Eligibility(text=text)),
                      VOCAB)
    assert s.values("line") == ["first-line"]
    assert s.values("disease-setting") == ["recurrent-metastatic"]


def test_registered_design_codes_win_over_text():
    t = _trial(brief_title="An Open-label Randomized Study", phases=["PHASE1", "PHASE2"],
               design=Design(allocation="NON_RANDOMIZED", masking="DOUBLE"),
               study_type="OBSERVATIONAL")
    s = trial_setting(t, VOCAB)
    assert s.values("phase") == ["phase-1-2"]
    assert s.values("allocation") == ["non-randomised"]
    assert s.values("blinding") == ["double-blind"]
    assert s.values("evidence") == ["observational"]


def test_untyped_arms_and_drugs_named_only_as_history():
    t = _trial(brief_title="Capecitabine Maintenance After Gemcitabine Failure",
               arms=[Arm("Control: observation"), Arm("Capecitabine")],
               interventions=[Intervention("Capecitabine", "DRUG", drugs=["capecitabine"],
                                           arm_labels=["Capecitabine"])])
    s = trial_setting(t, VOCAB)
    # an untyped arm is a comparator when its label says so; the other arm is untyped and
    # not the only one, so capecitabine's role is not stated; gemcitabine is history: it
    # plays no role in this study, so it gets none (and earns a candidate no drug points)
    assert s.drug_roles() == {"capecitabine": "other"}
    single = _trial(brief_title="Capecitabine After Gemcitabine Failure",
                    arms=[Arm("Capecitabine")],
                    interventions=[Intervention("Capecitabine", "DRUG",
                                                drugs=["capecitabine"])])
    assert trial_setting(single, VOCAB).drug_roles() == {"capecitabine": "experimental"}


def test_with_or_without_and_background_abstract_sections():
    a = Article("99000099", title="Gemcitabine and cisplatin with or without toripalimab",
                abstract=[AbstractSection("Locoregionally advanced disease is treated with "
                                          "chemoradiotherapy.", "BACKGROUND", "BACKGROUND"),
                          AbstractSection("Patients with recurrent or metastatic NPC were "
                                          "randomised.", "METHODS", "METHODS")])
    s = article_setting(a, VOCAB)
    assert s.drug_roles() == {"toripalimab": "experimental", "gemcitabine": "background",
                              "cisplatin": "background"}
    # the background section's settings lose to the methods'
    assert s.values("disease-setting") == ["recurrent-metastatic"]
    assert ("recurrent-metastatic", "abstract: METHODS") in facts(s, "disease-setting")


def test_snippet_quotes_the_sentence_cut_at_words():
    text = "First sentence. " + "word " * 80 + "first-line therapy " + "more " * 80 + ". Next."
    start = text.index("first-line")
    quote = snippet(text, start, start + len("first-line"))
    assert "first-line therapy" in quote and len(quote) <= SNIPPET
    assert not quote.startswith("ord") and "First sentence" not in quote
    assert snippet("A. Short one; b.", 3, 8) == "Short one;"


def test_snippet_of_a_long_sentence_is_cut_at_the_spaces_nearest_its_room():
    # 95 characters of room either side of a 10-character phrase (SNIPPET 200); SYNTHETIC words
    text = ("Intro. " + " ".join(f"b{i:02d}" for i in range(60)) + " first-line "
            + " ".join(f"c{i:02d}" for i in range(60)) + ". Next.")
    start = text.index("first-line")
    assert snippet(text, start, start + 10) == (
        " ".join(f"b{i:02d}" for i in range(37, 60)) + " first-line "
        + " ".join(f"c{i:02d}" for i in range(23)))
    # no space within the room: cut inside the words, the room exactly
    text = "Intro. " + "x" * 300 + "first-line" + "y" * 300 + ". Next."
    start = text.index("first-line")
    assert snippet(text, start, start + 10) == "x" * 95 + "first-line" + "y" * 95


def test_snippet_bounds_at_the_texts_edges_and_line_breaks():
    assert snippet("; Short one.", 2, 7) == "Short one."  # a boundary at index 0
    assert snippet("Line one\nLine two", 0, 4) == "Line one"  # a line ends a sentence
    sentence = "z" * 199 + "."  # exactly SNIPPET long, its full stop included: quoted whole
    assert snippet(sentence + " Next.", 90, 100) == sentence


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300), st.text(max_size=300))
def test_hostile_text_gives_only_known_values_with_sources(title, abstract):
    a = Article("99000098", title=title, abstract=[AbstractSection(abstract)])
    s = article_setting(a, VOCAB)
    for f in s.facts:
        assert f.aspect in ASPECTS and f.value in CONCEPTS[f.aspect]
        assert f.field and f.text.strip()
        assert len(f.text) <= SNIPPET or f.aspect == "drug-role"
    t = trial_setting(_trial(brief_title=title, brief_summary=abstract), VOCAB)
    assert all(f.value in CONCEPTS[f.aspect] for f in t.facts)


def test_the_abstract_adds_only_settings_of_the_titles_family():
    a = Article("99000097", title="Induction chemotherapy in locoregionally advanced NPC",
                abstract=[AbstractSection("Patients with recurrent disease after treatment were "
                                          "excluded; adjuvant therapy was not given.",
                                          "METHODS", "METHODS")])
    s = article_setting(a, VOCAB)
    assert s.values("disease-setting") == ["neoadjuvant-induction", "locoregionally-advanced",
                                           "adjuvant"]  # not recurrent-metastatic
    assert ("adjuvant", "abstract: METHODS") in facts(s, "disease-setting")


# ----------------------------------------------------------------- articles, field by field
# SYNTHETIC articles: each states one thing in one field, so every fact's field is pinned.

CLINICAL_TRIAL = [("D016430", "Clinical Trial")]


def all_facts(setting):
    return [(f.aspect, f.value, f.field, f.text, f.drug) for f in setting.facts]


def test_publication_types_give_evidence_phase_and_allocation_as_registered():
    a = Article("99000096", title="Anlotinib plus penpulimab in nasopharyngeal carcinoma",
                publication_types=[("D017427", "Clinical Trial, Phase II"),
                                   ("D016449", " Randomized Controlled Trial "),
                                   ("D016428", "Journal Article")],
                abstract=[AbstractSection("A single-arm, open-label phase 3 study.",
                                          "METHODS", "METHODS")])
    s = article_setting(a, VOCAB)
    phase = ("phase", "phase-2", "publicationType", "Clinical Trial, Phase II", None)
    allocation = ("allocation", "randomised", "publicationType",
                  " Randomized Controlled Trial ", None)
    evidence = ("evidence", "clinical-trial", "publicationType", "Clinical Trial, Phase II",
                None)
    assert [f for f in all_facts(s) if f[0] in ("phase", "allocation", "evidence")] == [
        phase, allocation, evidence]  # the abstract's phase 3 and single arm lose to them
    assert s.values("blinding") == ["open-label"]  # no publication type says it
    # "Clinical Trial, Phase III" alone: the phase, and a clinical trial though not a key
    alone = article_setting(Article("99000095", publication_types=[
        ("D017428", "Clinical Trial, Phase III")]), VOCAB)
    assert all_facts(alone) == [
        ("phase", "phase-3", "publicationType", "Clinical Trial, Phase III", None),
        ("evidence", "clinical-trial", "publicationType", "Clinical Trial, Phase III", None)]
    # a review's type; a "Clinical Trial Protocol" is read as a trial, no phase in its name
    review = article_setting(Article("99000094", publication_types=[
        ("D016454", "Review"), ("D000078325", "Clinical Trial Protocol")]), VOCAB)
    assert all_facts(review) == [("evidence", "review", "publicationType", "Review", None)]
    protocol = article_setting(Article("99000093", publication_types=[
        ("D000078325", "Clinical Trial Protocol")]), VOCAB)
    assert all_facts(protocol) == [
        ("evidence", "clinical-trial", "publicationType", "Clinical Trial Protocol", None)]
    # a type merely containing the words is not one
    other = article_setting(Article("99000092", publication_types=[
        ("D000000", "Comment on Clinical Trial")]), VOCAB)
    assert all_facts(other) == []


def test_abstract_sections_are_named_by_label_then_category_and_background_read_last():
    a = Article("99000091", title="Outcomes in nasopharyngeal carcinoma",
                abstract=[AbstractSection("A randomized trial was reported before.",
                                          "Introduction", None),
                          AbstractSection("Retrospective analysis of patients.", None,
                                          "METHODS"),
                          AbstractSection("This systematic review pooled them.")])
    s = article_setting(a, VOCAB)
    # the introduction (a background section by its label) is not read for the evidence;
    # every other section is, and the review wins by precedence
    assert all_facts(s) == [
        ("allocation", "randomised", "abstract: Introduction",
         "A randomized trial was reported before.", None),
        ("evidence", "review", "abstract: text", "This systematic review pooled them.", None)]
    # a background section by its category; its setting loses to a later section's
    b = Article("99000090", abstract=[
        AbstractSection("Patients with metastatic disease.", "Purpose", "BACKGROUND"),
        AbstractSection("Locoregionally advanced disease was treated.", "Patients",
                        "METHODS")])
    assert facts(article_setting(b, VOCAB), "disease-setting") == {
        ("locoregionally-advanced", "abstract: Patients")}
    # with no other section, the background's setting is the article's
    c = Article("99000089", abstract=[
        AbstractSection("Patients with metastatic disease.", "Purpose", "BACKGROUND")])
    assert facts(article_setting(c, VOCAB), "disease-setting") == {
        ("recurrent-metastatic", "abstract: Purpose")}


def test_the_title_and_keywords_outrank_the_abstract():
    a = Article("99000088", title="Locoregionally advanced nasopharyngeal carcinoma: a phase 2 "
                                  "trial",
                keywords=[Keyword("first-line")],
                abstract=[AbstractSection("Retrospective analysis; second-line therapy for "
                                          "metastatic disease.", "METHODS", "METHODS")])
    s = article_setting(a, VOCAB)
    assert facts(s, "evidence") == {("clinical-trial", "title")}
    assert facts(s, "phase") == {("phase-2", "title")}
    assert facts(s, "line") == {("first-line", "keyword")}
    assert facts(s, "disease-setting") == {("locoregionally-advanced", "title")}


def test_animal_studies_are_preclinical_only_without_humans_and_below_the_title():
    animals = [MeshHeading("D000818", "Animals")]
    only = article_setting(Article("99000087", mesh_headings=animals), VOCAB)
    assert all_facts(only) == [("evidence", "preclinical", "meshHeadings", "Animals", None)]
    both = Article("99000086", mesh_headings=[*animals, MeshHeading("D006801", "Humans")])
    assert all_facts(article_setting(both, VOCAB)) == []
    trial = Article("99000085", title="Anlotinib: a phase 2 trial", mesh_headings=animals)
    assert article_setting(trial, VOCAB).values("evidence") == ["clinical-trial"]


def test_article_drug_roles_from_history_reviews_and_abstract_sentences():
    pretreated = article_setting(Article(
        "99000084", title="Capecitabine in nasopharyngeal carcinoma progressing after "
                          "gemcitabine", publication_types=CLINICAL_TRIAL), VOCAB)
    assert pretreated.drug_roles() == {"capecitabine": "experimental", "gemcitabine": "other"}
    assert pretreated.values("line") == ["pretreated"]
    # the same title in a review: nothing named is tested
    review = article_setting(Article(
        "99000083", title="Capecitabine in nasopharyngeal carcinoma progressing after "
                          "gemcitabine", publication_types=[("D016454", "Review")]), VOCAB)
    assert review.drug_roles() == {"capecitabine": "other", "gemcitabine": "other"}
    # no sides in the title: the abstract's, sentence by sentence; the first place a drug is
    # named is its fact's field
    split = article_setting(Article(
        "99000082", title="Toripalimab for nasopharyngeal carcinoma",
        publication_types=CLINICAL_TRIAL, keywords=[Keyword("docetaxel")],
        abstract=[AbstractSection("Cisplatin was given first. Toripalimab versus placebo "
                                  "was then compared.", "Methods", "METHODS")]), VOCAB)
    roles = [(f.drug, f.value, f.field, f.text) for f in split.facts if f.aspect == "drug-role"]
    assert roles == [
        ("toripalimab", "experimental", "abstract: Methods",
         "Toripalimab versus placebo was then compared."),
        ("cisplatin", "other", "abstract: Methods",
         "Cisplatin was given first. Toripalimab versus placebo was then compared."),
        ("docetaxel", "other", "keyword", "docetaxel")]
    # sides in the title: the abstract's comparison is not read
    titled = article_setting(Article(
        "99000081", title="Toripalimab versus placebo", publication_types=CLINICAL_TRIAL,
        abstract=[AbstractSection("Capecitabine versus gemcitabine.", "METHODS", "METHODS")]),
        VOCAB)
    assert titled.drug_roles() == {"toripalimab": "experimental", "capecitabine": "other",
                                   "gemcitabine": "other"}


def _roles(setting):
    return [(f.drug, f.value, f.field, f.text) for f in setting.facts if f.aspect == "drug-role"]


def test_article_roles_cite_the_side_that_places_them():
    title = "Toripalimab versus placebo"
    titled = article_setting(Article("99000080", title=title, publication_types=CLINICAL_TRIAL),
                             VOCAB)
    assert _roles(titled) == [("toripalimab", "experimental", "title", title)]
    # sides from every sentence of an unlabelled abstract, a later one included
    sentence = "Toripalimab versus placebo was compared."
    later = article_setting(Article(
        "99000079", title="Toripalimab in nasopharyngeal carcinoma",
        publication_types=CLINICAL_TRIAL,
        abstract=[AbstractSection(f"{sentence} Cisplatin was given.")]), VOCAB)
    assert _roles(later) == [
        ("toripalimab", "experimental", "abstract: text", sentence),
        ("cisplatin", "other", "abstract: text", f"{sentence} Cisplatin was given.")]


@pytest.mark.parametrize(("kind", "role"), [
    ("Observational Study", "experimental"), ("Case Reports", "experimental"),
    ("Clinical Study", "experimental"), ("Review", "other"), ("Journal Article", "other")])
def test_a_drug_named_in_the_title_is_tested_in_clinical_studies_only(kind, role):
    a = Article("99000078", title="Anlotinib in nasopharyngeal carcinoma",
                publication_types=[("D000000", kind)])
    assert article_setting(a, VOCAB).drug_roles() == {"anlotinib": role}


@pytest.mark.parametrize(("title", "roles"), [
    # the history cue opens the title
    ("After gemcitabine failure: capecitabine in nasopharyngeal carcinoma",
     {"gemcitabine": "other", "capecitabine": "experimental"}),
    ("After gemcitabine: capecitabine in nasopharyngeal carcinoma",  # the cue alone
     {"gemcitabine": "other", "capecitabine": "experimental"}),
    # a drug with the words of what came before it: "gemcitabine-refractory"
    ("Capecitabine in gemcitabine-refractory nasopharyngeal carcinoma",
     {"capecitabine": "experimental", "gemcitabine": "other"}),
    ("Capecitabine in platinum-pretreated nasopharyngeal carcinoma",
     {"capecitabine": "experimental", "D010984": "other"}),
    # a cue 60 characters before the drug is read, 61 is too far
    ("Study after " + "a" * 53 + " gemcitabine", {"gemcitabine": "other"}),
    ("Study after " + "a" * 54 + " gemcitabine", {"gemcitabine": "experimental"}),
])
def test_a_title_drug_after_a_history_cue_is_not_tested(title, roles):
    a = Article("99000077", title=title, publication_types=CLINICAL_TRIAL)
    assert article_setting(a, VOCAB).drug_roles() == roles


def test_snippet_cuts_only_where_the_sentence_is_longer_than_the_room():
    # SYNTHETIC words; SNIPPET 200 leaves 95 characters either side of a 10-character phrase
    ys = "y " * 100
    # the phrase opens its sentence: nothing before it is taken, not even a space's search
    text = "Prior words here. first-line " + ys + ". Next."
    quote = snippet(text, 18, 28)
    assert quote.startswith("first-line y") and len(quote) <= SNIPPET
    # the sentence starts exactly the room before the phrase: no cut on that side
    text = "Intro.\na " + "x" * 93 + "first-line " + ys + ". Next."
    assert snippet(text, 102, 112).startswith("a " + "x" * 93 + "first-line")
    # the sentence ends within the room after the phrase: no cut on that side
    text = "Intro. " + "w " * 100 + "first-line. Next words here."
    start = text.index("first-line")
    assert snippet(text, start, start + 10).endswith("w first-line.")
    # ... or exactly the room after it
    text = "Intro. " + "w " * 100 + "first-line " + "y" * 93 + ". Next."
    start = text.index("first-line")
    assert snippet(text, start, start + 10).endswith("first-line " + "y" * 93 + ".")
    # a phrase longer than SNIPPET is quoted alone, without a character either side
    text = "Intro. a bq" + "z" * 250 + "rc d. Next."
    assert snippet(text, 11, 261) == "z" * 250


def test_abstract_evidence_is_read_outside_its_background_whatever_the_title_says():
    background = Article("99000076", abstract=[
        AbstractSection("A randomized trial was reported before.", "Background", "BACKGROUND")])
    assert article_setting(background, VOCAB).values("evidence") == []
    # a title stating a setting but no kind of study leaves the abstract to say it
    stated = Article("99000075", title="Recurrent or metastatic nasopharyngeal carcinoma",
                     abstract=[AbstractSection("A retrospective cohort.", "METHODS",
                                               "METHODS")])
    assert facts(article_setting(stated, VOCAB), "evidence") == {
        ("observational", "abstract: METHODS")}


def _trial_facts(**fields):
    return all_facts(trial_setting(_trial(**fields), VOCAB))


def test_registered_codes_and_stated_fields_each_cite_their_field_and_words():
    official = "Toripalimab Versus Observation in Nasopharyngeal Carcinoma"
    assert _trial_facts(
        brief_title="Toripalimab in nasopharyngeal carcinoma", official_title=official,
        phases=["PHASE2", "PHASE3"], study_type="INTERVENTIONAL",
        design=Design(allocation="RANDOMIZED", masking="DOUBLE", intervention_model="PARALLEL",
                      intervention_model_description="Patients with metastatic disease are "
                                                     "randomised."),
        conditions=["Nasopharyngeal Carcinoma"], keywords=["first-line"]) == [
        ("disease-setting", "recurrent-metastatic", "designDescription",
         "Patients with metastatic disease are randomised.", None),
        ("line", "first-line", "keyword", "first-line", None),
        ("phase", "phase-2-3", "phases", "PHASE2, PHASE3", None),
        ("allocation", "randomised", "allocation", "RANDOMIZED", None),
        ("blinding", "double-blind", "masking", "DOUBLE", None),
        ("evidence", "clinical-trial", "studyType", "INTERVENTIONAL", None),
        ("drug-role", "experimental", "officialTitle", official, "toripalimab")]


def test_a_trial_without_its_study_type_is_one_by_its_arms_or_phases():
    assert _trial_facts(design=Design(intervention_model="SINGLE_GROUP"), arms=[
        Arm("Cohort A", description="Patients with locoregionally advanced disease"),
        Arm("Cohort B")]) == [
        ("disease-setting", "locoregionally-advanced", "arm: Cohort A",
         "Cohort A Patients with locoregionally advanced disease", None),
        ("allocation", "single-arm", "interventionModel", "SINGLE_GROUP", None),
        ("evidence", "clinical-trial", "arms", "Cohort A, Cohort B", None)]
    assert _trial_facts(phases=["PHASE1"]) == [
        ("phase", "phase-1", "phases", "PHASE1", None),
        ("evidence", "clinical-trial", "phases", "PHASE1", None)]
    # conditions and keywords are stated fields; an unknown allocation code says nothing
    assert _trial_facts(conditions=["Recurrent Nasopharyngeal Carcinoma"],
                        keywords=["Second-line"], study_type="OBSERVATIONAL",
                        design=Design(masking="NONE", allocation="NA")) == [
        ("disease-setting", "recurrent-metastatic", "condition",
         "Recurrent Nasopharyngeal Carcinoma", None),
        ("line", "pretreated", "keyword", "Second-line", None),
        ("blinding", "open-label", "masking", "NONE", None),
        ("evidence", "observational", "studyType", "OBSERVATIONAL", None)]


def _criterion(number, text, kind, children=()):
    return EligibilityCriterion(number, text, kind, kind, "listed", children=list(children))


def test_eligibility_facts_cite_their_criterion_or_the_text():
    prior = "Prior systemic therapy for recurrent or metastatic disease"
    assert _trial_facts(eligibility=Eligibility(criteria=[
        _criterion("1", "Recurrent or metastatic nasopharyngeal carcinoma", "inclusion"),
        _criterion("2", prior, "exclusion"),
        _criterion("3", "Locoregionally advanced disease", "exclusion")])) == [
        ("disease-setting", "recurrent-metastatic", "eligibility: inclusion 1",
         "Recurrent or metastatic nasopharyngeal carcinoma", None),
        ("disease-setting", "recurrent-metastatic", "eligibility: exclusion 2", prior, None),
        ("line", "first-line", "eligibility: exclusion 2", prior, None)]
    # an exclusion is read only for prior treatment of R/M disease; its sub-items by kind
    assert _trial_facts(eligibility=Eligibility(criteria=[
        _criterion("1", "First-line", "exclusion", [
            _criterion("1.1", "Patients with metastatic disease", "inclusion")])])) == [
        ("disease-setting", "recurrent-metastatic", "eligibility: inclusion 1.1",
         "Patients with metastatic disease", None)]
    never = "Patients who never received systemic chemotherapy for metastatic disease."
    assert _trial_facts(eligibility=Eligibility(
        text=f"{never} Locoregionally advanced disease.")) == [
        ("disease-setting", "recurrent-metastatic", "eligibility", never, None),
        ("line", "first-line", "eligibility", never, None)]


@pytest.mark.parametrize(("title", "roles"), [
    ("Capecitabine in gemcitabine-refractory nasopharyngeal carcinoma",
     {"capecitabine": "experimental"}),
    ("After gemcitabine failure: capecitabine in nasopharyngeal carcinoma",
     {"capecitabine": "experimental"}),
    ("After gemcitabine: capecitabine in nasopharyngeal carcinoma",
     {"capecitabine": "experimental"}),
    ("Study after " + "a" * 53 + " gemcitabine", {}),
    ("Study after " + "a" * 54 + " gemcitabine", {"gemcitabine": "experimental"}),
])
def test_a_trial_title_drug_named_as_history_plays_no_role(title, roles):
    s = trial_setting(_trial(brief_title=title), VOCAB)
    assert s.drug_roles() == roles
    # the drugs it tests are cited where the title names them
    assert {f.field for f in s.facts if f.aspect == "drug-role"} <= {"briefTitle"}
    official = trial_setting(_trial(official_title=title), VOCAB)
    assert [(f.drug, f.field, f.text) for f in official.facts if f.aspect == "drug-role"] == [
        (drug, "officialTitle", title) for drug in roles]


@pytest.mark.parametrize(("title", "fact"), [
    ("A Phase 2 Study of Drug X", ("phase", "phase-2")),
    ("A Phase I/II Study of Drug X", ("phase", "phase-1-2")),
    # first-line treatment told as history is a later line, the cue opening the title too
    ("Drug X Following First-line Chemotherapy", ("line", "pretreated")),
    ("After first-line chemotherapy, drug X", ("line", "pretreated")),
])
def test_a_title_read_word_by_word_cites_itself(title, fact):
    assert _trial_facts(brief_title=title) == [(*fact, "briefTitle", title, None)]


def test_each_aspect_keeps_its_most_authoritative_facts_only():
    # the summary's platinum-pretreated is of the title's family, but only disease settings
    # take the summary's facts beside the title's
    s = trial_setting(_trial(brief_title="Drug X in Previously Treated NPC",
                             brief_summary="Patients progressed after platinum-based "
                                           "chemotherapy."), VOCAB)
    assert s.values("line") == ["pretreated"]
    # a title naming both families keeps both
    s = trial_setting(_trial(brief_title="Drug X in Recurrent or Locoregionally Advanced NPC"),
                      VOCAB)
    assert s.values("disease-setting") == ["recurrent-metastatic", "locoregionally-advanced"]
    # eligibility naming only curative-family settings keeps them
    s = trial_setting(_trial(eligibility=Eligibility(criteria=[
        _criterion("1", "Locoregionally advanced disease", "inclusion")])), VOCAB)
    assert s.values("disease-setting") == ["locoregionally-advanced"]
    # one kind of study, cited once, though two sections say it
    a = Article("99000074", abstract=[AbstractSection("A randomized study.", "METHODS"),
                                      AbstractSection("The randomized arms.", "RESULTS")])
    assert facts(article_setting(a, VOCAB), "evidence") == {("clinical-trial",
                                                              "abstract: METHODS")}
    assert len([f for f in article_setting(a, VOCAB).facts if f.aspect == "evidence"]) == 1


@pytest.mark.parametrize(("title", "comparator"), [
    ("Toripalimab Versus Gemcitabine in NPC", ["active"]),
    ("Toripalimab vs. Cisplatin", ["active"]),
    ("Toripalimab Versus Placebo", ["placebo"]),
    # no treatment at all is no active comparator
    ("Toripalimab Versus Observation in NPC", []),
    ("Toripalimab vs Best Supportive Care", []),
    ("Adjuvant Capecitabine Versus Standard Follow-up", []),
    ("Toripalimab Versus Observation-Guided Chemotherapy", ["active"]),  # a word goes on
])
def test_a_title_comparing_with_a_treatment_has_an_active_comparator(title, comparator):
    s = trial_setting(_trial(official_title=title), VOCAB)
    assert s.values("comparator") == comparator
    if comparator == ["active"]:
        assert facts(s, "comparator") == {("active", "officialTitle")}
        assert [f.text for f in s.facts if f.aspect == "comparator"] == [title]


def test_registered_arm_types_give_the_comparator_in_either_spelling():
    # CT.gov's enum and the trial page's words ("Placebo Comparator")
    assert _trial_facts(arms=[Arm("A", type="Experimental"),
                              Arm("B", type="Placebo Comparator"),
                              Arm("C", type="SHAM_COMPARATOR"),
                              Arm("D", type="active comparator")],
                        study_type="INTERVENTIONAL") == [
        ("comparator", "placebo", "arm: B", "B (Placebo Comparator)", None),
        ("comparator", "placebo", "arm: C", "C (SHAM_COMPARATOR)", None),
        ("comparator", "active", "arm: D", "D (active comparator)", None),
        ("evidence", "clinical-trial", "studyType", "INTERVENTIONAL", None)]


@pytest.mark.parametrize(("title", "line"), [
    # failure of the curative treatment of the primary tumour is no later line
    ("Drug X for NPC Progressing After Definitive Chemoradiotherapy", []),
    ("Drug X in NPC That Failed Radical Radiotherapy", []),
    ("Drug X in Platinum-refractory NPC after induction chemotherapy", []),
    # ... and a later phrase is still read
    ("Drug X for NPC progressing after definitive chemoradiotherapy; second-line therapy",
     ["pretreated"]),
    ("Drug X for NPC progressing after first-line platinum", ["platinum-refractory"]),
])
def test_a_failed_curative_treatment_is_not_a_later_line(title, line):
    assert trial_setting(_trial(brief_title=title), VOCAB).values("line") == line


def test_the_titles_line_outranks_the_eligibility_criteria():
    s = trial_setting(_trial(brief_title="Drug X as Second-line Therapy", eligibility=Eligibility(
        criteria=[_criterion("1", "Prior systemic therapy for recurrent or metastatic disease",
                             "exclusion")])), VOCAB)
    assert facts(s, "line") == {("pretreated", "briefTitle")}


def test_phases_without_a_study_type_are_quoted_as_registered():
    assert _trial_facts(phases=["PHASE2", "PHASE3"]) == [
        ("phase", "phase-2-3", "phases", "PHASE2, PHASE3", None),
        ("evidence", "clinical-trial", "phases", "PHASE2, PHASE3", None)]


def test_a_sentence_within_the_snippet_is_quoted_whole_wherever_it_starts():
    sentence = "w " * 70 + "first-line therapy."  # 159 characters
    text = "An earlier sentence of some fifty characters, say. " + sentence
    start = text.index("first-line")
    assert snippet(text, start, start + 10) == " ".join(sentence.split())


def test_a_title_drug_on_no_side_of_a_comparison_has_no_stated_role():
    a = Article("99000073", title="Toripalimab versus placebo in NPC with concurrent cisplatin",
                publication_types=CLINICAL_TRIAL)
    assert article_setting(a, VOCAB).drug_roles() == {"toripalimab": "experimental",
                                                       "cisplatin": "other"}


def test_a_drug_only_in_an_arms_regimen_cites_its_sentence_or_the_arm():
    t = _trial(arms=[Arm("Cohort A", regimens=[Regimen("capecitabine")]),
                     Arm("Cohort B", regimens=[Regimen("gemcitabine", source_text=(
                         "Gemcitabine 1000 mg/m2 d1,8"))])])
    assert [(f.drug, f.value, f.field, f.text) for f in trial_setting(t, VOCAB).facts
            if f.aspect == "drug-role"] == [
        ("capecitabine", "experimental", "arm: Cohort A", "Cohort A"),
        ("gemcitabine", "experimental", "arm: Cohort B", "Gemcitabine 1000 mg/m2 d1,8")]
