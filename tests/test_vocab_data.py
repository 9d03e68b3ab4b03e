"""Checks on the curated reference data itself: identifiers are well formed and sourced,
every drug the project brief names is identified (or its gap is declared), and the class
and condition hierarchies hold the facts the rest of trialkg relies on."""

import json
import re

import pytest

from kg import resources
from kg.vocab import default_vocabulary

BRIEF_DRUGS = [
    "anlotinib", "penpulimab", "capecitabine", "camrelizumab", "toripalimab", "tislelizumab",
    "pembrolizumab", "nivolumab", "sintilimab", "atezolizumab", "axitinib", "gemcitabine",
    "cisplatin", "docetaxel", "paclitaxel",
]

ID_PATTERNS = {
    "mesh": r"[DC]\d{6}(\d{3})?",
    "chebi": r"CHEBI:\d+",
    "drugbank": r"DB\d{5}",
    "unii": r"[A-Z0-9]{10}",
    "chembl": r"CHEMBL\d+",
    "ncit": r"C\d+",
    "rxnorm": r"\d+",
}
TREE_NUMBER = re.compile(r"[A-Z]\d{2}(\.\d{3})*")


def _unverified() -> list[str]:
    data = json.loads(resources.DRUGS_JSON.read_text(encoding="utf-8"))
    return data["_unverified"]


def _all_identifiers():
    vocab = default_vocabulary()
    for kind, items in (("drug", vocab.drugs), ("class", vocab.classes),
                        ("condition", vocab.conditions)):
        for key, item in items.items():
            for ident in item.identifiers:
                yield f"{kind}:{key}", ident


def test_every_identifier_is_well_formed_and_sourced():
    seen = list(_all_identifiers())
    assert seen, "no identifiers at all"
    for where, ident in seen:
        assert ident.scheme in ID_PATTERNS, f"{where}: unknown scheme {ident.scheme!r}"
        assert re.fullmatch(ID_PATTERNS[ident.scheme], ident.id), f"{where}: bad id {ident.id!r}"
        assert ident.source and ident.source.strip(), f"{where}: {ident.id} has no source"


def test_no_identifier_is_given_twice_for_one_concept():
    pairs = [(where, ident.scheme, ident.id) for where, ident in _all_identifiers()]
    assert len(pairs) == len(set(pairs))


@pytest.mark.parametrize("key", BRIEF_DRUGS)
def test_brief_drug_has_mesh_and_another_scheme_or_declares_the_gap(key):
    vocab = default_vocabulary()
    assert key in vocab.drugs
    schemes = {ident.scheme for ident in vocab.drugs[key].identifiers}
    missing = []
    if "mesh" not in schemes:
        missing.append("mesh")
    if not schemes - {"mesh"}:
        missing.append("a second scheme")
    if missing:
        notes = [line for line in _unverified() if line.startswith(f"{key}:")]
        assert notes, f"{key} lacks {missing} and is not listed in _unverified"


def test_unverified_lines_name_a_known_drug_or_the_classes():
    vocab = default_vocabulary()
    for line in _unverified():
        head = line.split(":", 1)[0]
        assert head in vocab.drugs or head == "classes", line


def test_anti_pd1_members_are_exactly_the_expected_antibodies():
    vocab = default_vocabulary()
    assert vocab.members("anti-pd-1") == [
        "camrelizumab", "nivolumab", "pembrolizumab", "penpulimab",
        "sintilimab", "tislelizumab", "toripalimab",
    ]
    assert "atezolizumab" in vocab.members("anti-pd-l1")


def test_trial_drugs_have_their_classes():
    vocab = default_vocabulary()
    assert vocab.drugs["penpulimab"].classes == ("anti-pd-1",)
    assert vocab.drugs["anlotinib"].classes == ("vegfr-tki",)
    assert vocab.drugs["capecitabine"].classes == ("fluoropyrimidine",)
    assert "immune-checkpoint-inhibitor" in vocab.classes_of("penpulimab")
    assert "tyrosine-kinase-inhibitor" in vocab.classes_of("anlotinib")
    assert "antimetabolite" in vocab.classes_of("capecitabine")


def test_no_name_belongs_to_two_concepts():
    vocab = default_vocabulary()
    owner: dict[str, str] = {}
    for key, drug in vocab.drugs.items():
        for name in drug.names:
            norm = re.sub(r"[\s\-]+", "", name).lower()
            assert owner.setdefault(norm, key) == key, f"{name!r}: {owner[norm]} and {key}"
    cond_owner: dict[str, str] = {}
    for key, cond in vocab.conditions.items():
        for name in cond.names:
            norm = re.sub(r"[\s\-]+", "", name).lower()
            other = cond_owner.setdefault(norm, key)
            assert other == key, f"{name!r}: {other} and {key}"


def test_registry_misspellings_are_kept():
    vocab = default_vocabulary()
    assert "anrotinib" in vocab.drugs["anlotinib"].synonyms
    assert "tirelizumab" in vocab.drugs["tislelizumab"].synonyms
    assert "nasophapyngeal cancer" in vocab.conditions["nasopharyngeal-neoplasms"].synonyms


def test_condition_hierarchy_reaches_d009303_from_nasopharyngeal_carcinoma():
    vocab = default_vocabulary()
    assert vocab.condition_keys_in("Nasopharyngeal Carcinoma") == ["nasopharyngeal-carcinoma"]
    assert vocab.conditions["nasopharyngeal-carcinoma"].mesh == "D000077274"
    ancestors = vocab.condition_ancestors("nasopharyngeal-carcinoma")
    meshes = [vocab.conditions[k].mesh for k in ancestors]
    assert "D009303" in meshes
    assert vocab.condition_by_mesh("D009303").key == "nasopharyngeal-neoplasms"


def test_conditions_carry_their_mesh_ui_as_a_sourced_identifier():
    vocab = default_vocabulary()
    for key, cond in vocab.conditions.items():
        assert cond.mesh and re.fullmatch(ID_PATTERNS["mesh"], cond.mesh), key
        assert [i.id for i in cond.identifiers if i.scheme == "mesh"] == [cond.mesh], key
        for broader in cond.broader:
            assert broader in vocab.conditions, f"{key} -> unknown {broader}"
        for tree in cond.tree_numbers:
            assert TREE_NUMBER.fullmatch(tree), f"{key}: bad tree number {tree!r}"


def test_tree_numbers_agree_with_broader_links_where_both_are_known():
    vocab = default_vocabulary()
    for key, cond in vocab.conditions.items():
        for ancestor in vocab.condition_ancestors(key)[1:]:
            upper = vocab.conditions[ancestor].tree_numbers
            if not cond.tree_numbers or not upper:
                continue
            assert any(t.startswith(u + ".") for t in cond.tree_numbers for u in upper), (
                f"{key} {cond.tree_numbers} not under {ancestor} {upper}")
