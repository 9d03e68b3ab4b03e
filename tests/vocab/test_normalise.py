"""kg.vocab.normalise: each folding rule at its edges, with the exact forms it gives (the
matcher and the index must fold a name and the text that writes it alike)."""

from __future__ import annotations

import pytest

from kg.vocab import normalise
from kg.vocab.normalise import case_pattern, fold, is_acronym, key, uninvert, words


@pytest.mark.parametrize(("word", "folded"), [
    ("therapies", "therapy"), ("flies", "fly"), ("pies", "pie"),  # -ies needs a stem
    ("metastasis", "metastase"), ("metastases", "metastase"), ("Metastases", "metastase"),
    ("viruses", "virus"), ("virus", "virus"), ("boxes", "box"), ("matches", "match"),
    ("brushes", "brush"), ("masses", "mass"), ("mass", "mass"), ("status", "status"),
    ("iris", "iris"), ("tumours", "tumor"), ("cells", "cell"), ("has", "has"), ("is", "is"),
    ("cats", "cat"), ("pd", "pd"), ("1210", "1210"),
    ("oesophageal", "esophageal"), ("Haematologic", "hematologic"), ("anaemia", "anemia"),
    ("leukaemias", "leukemia"), ("ischaemic", "ischemic"), ("paediatric", "pediatric"),
    ("foetal", "fetal"), ("coeliac", "celiac"), ("hypoglycaemia", "hypoglycemia"),
    ("lipaemia", "lipemia"), ("uraemia", "uremia"), ("septicaemia", "septicemia"),
    ("colour", "color"), ("oedema", "edema"), ("oestrogens", "estrogen"),
    ("cm²s", "cm²s"),  # a word not all letters ("²" is a word character) has no plural
])
def test_fold(word, folded):
    assert fold(word) == folded


def test_fold_is_memoised_within_a_bound(monkeypatch):
    monkeypatch.setattr(normalise, "_FOLDED", {})
    monkeypatch.setattr(normalise, "_FOLDED_LIMIT", 2)
    fold("cells")
    fold("cats")
    assert normalise._FOLDED == {"cells": "cell", "cats": "cat"}
    fold("dogs")  # over the bound: the memo starts again rather than growing
    assert normalise._FOLDED == {"dogs": "dog"}
    assert fold("dogs") == "dog"


def test_fold_answers_a_remembered_word_from_the_memo(monkeypatch):
    monkeypatch.setattr(normalise, "_FOLDED", {"cells": "remembered"})
    assert fold("cells") == "remembered"
    assert fold("cats") == "cat"


@pytest.mark.parametrize(("text", "found"), [
    ("AK105, Hodgkin's", [("AK", 0, 2), ("105", 2, 5), ("Hodgkin", 7, 14)]),
    ("Hodgkin\u2019s s x", [("Hodgkin", 0, 7), ("s", 10, 11), ("x", 12, 13)]),
    ("s x’", [("s", 0, 1), ("x", 2, 3)]),  # an "s" opening the text is a word
    ("HODGKIN'S x", [("HODGKIN", 0, 7), ("x", 10, 11)]),  # a capital "S" is possessive too
    ("snake_case PD-1", [("snake", 0, 5), ("case", 6, 10), ("PD", 11, 13), ("1", 14, 15)]),
    ("", []),
])
def test_words(text, found):
    assert words(text) == found


@pytest.mark.parametrize(("name", "folded"), [
    ("Hodgkin's Lymphoma", "hodgkinlymphoma"), ("Hodgkin\u2019S disease", "hodgkindisease"),
    ("SHR-1210", "shr1210"), ("Non-Small-Cell Lung Carcinomas", "nonsmallcelllungcarcinoma"),
    ("O'Brien", "obrien"),
])
def test_key(name, folded):
    assert key(name) == folded


@pytest.mark.parametrize(("name", "acronym"), [
    ("NPC", True), ("PD-1", True), ("mTOR", True), ("AIDS", True), ("HBsAg", True),
    ("Npc", False), ("SHR-1210", False), ("ABCDEFG", False), ("ABCDEF", True),
    ("A" * 21, False), ("AB" + " " * 19, False), ("AB" + " " * 18, True),
])
def test_is_acronym(name, acronym):
    assert is_acronym(name) is acronym


def test_case_pattern():
    assert case_pattern("PD-1 (x)") == "PD1x"


@pytest.mark.parametrize(("name", "plain"), [
    ("Neoplasms, Nasopharyngeal", "Nasopharyngeal Neoplasms"),
    ("Carcinoma, Non-Small-Cell Lung", "Non-Small-Cell Lung Carcinoma"),
    ("Hodgkin's, Disease", "Disease Hodgkin's"),
    ("1,2-Dichloroethane", None), ("Cisplatin", None), ("Lymphoma, T-Cell, Cutaneous", None),
    ("Neoplasms,Nasopharyngeal", None), ("Neoplasms, 5-FU", None), ("-x, y", None),
    ("Neoplasms, ", None), ("Neck,Head, Neoplasms", None), ("Neoplasms, Head, Neck", None),
])
def test_uninvert(name, plain):
    assert uninvert(name) == plain
