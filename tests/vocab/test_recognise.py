"""Recognition against the whole MeSH release plus the curated layer: variants, longest
match first, boundaries, acronyms, categories and exclusions, and how each match says it
matched. Texts are made up for the cases (synthetic); the vocabulary is the real release."""

from __future__ import annotations

import pytest

from kg.vocab import default_vocabulary
from kg.vocab.normalise import fold, is_acronym, key, uninvert, words


@pytest.fixture(scope="module")
def vocab():
    return default_vocabulary()


def found(vocab, text, kind=None):
    return [(m.surface, m.mesh) for m in vocab.mentions(text) if kind in (None, m.kind)]


# --------------------------------------------------------------------------- normalising


def test_keys_meet_across_case_punctuation_hyphens_spaces_and_plurals():
    same = ["Non-Small-Cell Lung Carcinoma", "non small cell lung carcinomas",
            "NON-SMALL CELL LUNG CARCINOMA", "Nonsmall cell lung carcinoma"]
    assert len({key(n) for n in same}) == 1
    assert key("SHR-1210") == key("SHR 1210") == key("shr1210")
    assert key("Hodgkin's Lymphoma") == key("Hodgkin Lymphoma")
    assert key("metastases") == key("metastasis") and key("therapies") == key("therapy")
    assert key("viruses") == key("virus") and key("Tumours") == key("tumor")
    assert key("oesophageal") == key("esophageal") and key("haematology") == key("hematology")
    assert fold("mass") == "mass" and fold("has") == "has"  # not plurals


def test_words_split_letters_from_digits_and_drop_a_possessive():
    assert [w for w, _, _ in words("AK105, Hodgkin's")] == ["AK", "105", "Hodgkin"]
    assert words("a b")[1] == ("b", 2, 3)


def test_acronyms_and_inverted_headings():
    assert is_acronym("NPC") and is_acronym("PD-1") and is_acronym("mTOR")
    assert not is_acronym("Cisplatin") and not is_acronym("SHR-1210")
    assert uninvert("Neoplasms, Nasopharyngeal") == "Nasopharyngeal Neoplasms"
    assert uninvert("Carcinoma, Non-Small-Cell Lung") == "Non-Small-Cell Lung Carcinoma"
    assert uninvert("1,2-Dichloroethane") is None and uninvert("Cisplatin") is None
    assert uninvert("Lymphoma, T-Cell, Cutaneous") is None


# --------------------------------------------------------------------------- matching


def test_variants_of_one_entry_term_are_one_concept(vocab):
    for text in ("non-small cell lung cancer", "Non Small Cell Lung Cancers",
                 "NONSMALL CELL LUNG CANCER", "non-small-cell lung cancer"):
        assert found(vocab, f"Patients with {text}.") == [(text, "D002289")], text


def test_longest_match_first(vocab):
    assert found(vocab, "nasopharyngeal carcinoma") == [("nasopharyngeal carcinoma",
                                                         "D000077274")]
    assert found(vocab, "head and neck cancer") == [("head and neck cancer", "D006258")]


def test_names_match_only_at_word_boundaries(vocab):
    assert found(vocab, "xcapecitabiney and capecitabines") == [("capecitabines", "D000069287")]
    assert found(vocab, "the system in place; cases. In total") == []  # not systemin, casein


def test_acronyms_need_their_capitals(vocab):
    assert found(vocab, "AIDS patients") == [("AIDS", "D000163")]
    assert found(vocab, "hearing aids and first aid") == []
    assert found(vocab, "recurrent NPC", "condition") == [("NPC", "D000077274")]
    assert found(vocab, "the npc gene", "condition") == []


def test_category_words_and_excluded_names_are_not_mentions_in_running_text(vocab):
    assert found(vocab, "protein and enzyme levels in this disease and syndrome") == []
    assert found(vocab, "hypertension and leukemia") == [("hypertension", "D006973"),
                                                         ("leukemia", "D007938")]
    assert found(vocab, "Placebo with water; lead to better outcomes") == []
    assert found(vocab, "an anti-PDL1 antibody") == []  # a class, not atezolizumab
    assert found(vocab, "atezolizumab") == [("atezolizumab", "C000594389")]


def test_a_registered_name_may_be_a_generic_heading(vocab):
    assert [m.mesh for m in vocab.name_mentions("Neoplasms")] == ["D009369"]
    assert [m.mesh for m in vocab.name_mentions("Carcinoma")] == ["D002277"]
    assert vocab.mentions("Neoplasms") == []
    # a longer registered name is running text
    assert [m.mesh for m in vocab.name_mentions("Neoplasms of the head")] == []


def test_plural_headings_do_not_make_a_singular_ambiguous(vocab):
    # "Insulin" and "Insulins" fold to one key: the one written exactly wins
    assert found(vocab, "insulin") == [("insulin", "D007328")]


def test_curated_misspellings_and_code_names(vocab):
    got = [(m.key, m.surface, m.how) for m in vocab.find_drugs(
        "TORIPALIMAB INJECTION(JS001 ) combine with chemotherapy; Anrotinib plus Tirelizumab; "
        "SHR1210; AK-105")]
    assert got == [
        ("toripalimab", "TORIPALIMAB INJECTION", "curated name (case)"),
        ("toripalimab", "JS001", "curated code name (exact)"),
        ("anlotinib", "Anrotinib", "curated name (case)"),
        ("tislelizumab", "Tirelizumab", "curated name (case)"),
        ("camrelizumab", "SHR1210", "curated code name (spacing or punctuation)"),
        ("penpulimab", "AK-105", "curated code name (spacing or punctuation)"),
    ]
    assert vocab.find_conditions("nasophapyngeal cancer")[0].key == "nasopharyngeal-neoplasms"


def test_each_mention_says_how_it_matched(vocab):
    how = {m.surface: m.how for m in vocab.mentions(
        "Ipilimumab, irinotecan, Cis-Platin, anlotinib, Neoplasms, Nasopharyngeal; "
        "tumours of the oesophagus; esophageal carcinoma")}
    assert how == {
        "Ipilimumab": "MeSH heading (exact)",
        "irinotecan": "MeSH heading (case)",
        "Cis-Platin": "MeSH heading (spacing or punctuation)",
        "anlotinib": "MeSH supplementary concept name (exact)",
        "Neoplasms, Nasopharyngeal": "MeSH entry term (exact)",
        "esophageal carcinoma": "MeSH neoplasm heading with a common head word (case)",
    }


def test_drugs_outside_the_curated_layer_resolve_through_mesh(vocab):
    (ipi,), (iri,) = vocab.find_drugs("ipilimumab"), vocab.find_drugs("irinotecan")
    assert (ipi.key, ipi.mesh) == ("ipilimumab", "D000074324")  # curated: anti-CTLA-4
    assert (iri.key, iri.mesh) == ("D000077146", "D000077146")  # MeSH only: key is its UI
    assert vocab.drugs["D000077146"].label == "Irinotecan"
    assert vocab.conditions["D004938"].label == "Esophageal Neoplasms"
    with pytest.raises(KeyError, match="D004938"):
        vocab.drugs["D004938"]  # a disease is no drug
    with pytest.raises(KeyError, match="D000069287"):
        vocab.conditions["D000069287"]  # nor a drug a disease
    with pytest.raises(KeyError, match="D002945"):
        vocab.drugs["D002945"]  # a curated drug is known by its curated key: cisplatin


def test_mentions_are_in_text_order_with_offsets(vocab):
    text = "Cisplatin then NPC."
    got = [(m.start, m.end, m.kind) for m in vocab.mentions(text)]
    assert got == [(0, 9, "drug"), (15, 18, "condition")]


def test_infection_abbreviations_of_eligibility_criteria_name_the_infection(vocab):
    got = [(m.surface, m.key, m.mesh) for m in vocab.find_conditions(
        "Known HIV, HBV or HCV infection; hiv written small is no acronym")]
    assert got == [("HIV", "hiv-infections", "D015658"), ("HBV", "hepatitis-b", "D006509"),
                   ("HCV infection", "hepatitis-c", "D006526")]
