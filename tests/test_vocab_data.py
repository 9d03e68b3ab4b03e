"""Checks on the curated layer against the loaded MeSH release: every curated drug is
identified through MeSH, every MeSH id written in ``ontologies/`` agrees with the release,
curated names are only what MeSH lacks, and the hierarchy holds the facts the rest of
trialkg relies on."""

import json
import re

import pytest

from kg import resources
from kg.vocab import default_vocabulary
from kg.vocab import names as N
from kg.vocab.normalise import key

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


def _curated_identifiers():
    vocab = default_vocabulary()
    for kind, items in (("drug", vocab.curated.drugs), ("class", vocab.curated.classes)):
        for k, item in items.items():
            for ident in item.identifiers:
                yield f"{kind}:{k}", ident


def test_curated_non_mesh_identifiers_are_well_formed_and_sourced():
    seen = list(_curated_identifiers())
    assert seen, "no identifiers at all"
    for where, ident in seen:
        assert re.fullmatch(ID_PATTERNS[ident.scheme], ident.id), f"{where}: bad id {ident.id!r}"
        assert ident.source and ident.source.strip(), f"{where}: {ident.id} has no source"


def test_every_curated_drug_is_identified_through_mesh():
    vocab = default_vocabulary()
    unresolved = sorted(k for k, ui in vocab.drug_mesh.items() if ui is None)
    assert unresolved == [], f"curated drugs MeSH {vocab.release.label} does not identify"
    for k, cur in vocab.curated.drugs.items():
        rec = vocab.concept(vocab.drug_mesh[k])
        assert rec.kinds & N.DRUG, k
        # identified by its own name (or the MeSH name it gives), not by a loose synonym
        assert key(rec.name) == key(cur.mesh_name or cur.label), (k, rec.name)


@pytest.mark.parametrize("key_", BRIEF_DRUGS)
def test_brief_drugs_get_their_mesh_identifier_from_the_release(key_):
    drug = default_vocabulary().drugs[key_]
    mesh = [i for i in drug.identifiers if i.scheme == "mesh"]
    assert [i.id for i in mesh] == [drug.mesh]
    assert re.fullmatch(ID_PATTERNS["mesh"], drug.mesh)


def test_the_release_gives_the_ids_that_were_unverified_before():
    vocab = default_vocabulary()
    assert vocab.drugs["anlotinib"].mesh == "C000625192"
    assert vocab.drugs["penpulimab"].mesh == "C000720860"
    assert vocab.drugs["gemcitabine"].mesh == "D000093542"
    assert vocab.drugs["pembrolizumab"].mesh == "C582435"


def test_each_curated_mesh_identifier_agrees_with_the_release():
    """A MeSH id typed into ontologies/ (drugs.json identifiers, conditions.json) is reported
    here unless the release has it for the same concept."""
    vocab = default_vocabulary()
    wrong = []
    for where, ident in _curated_identifiers():
        if ident.scheme == "mesh":
            k = where.split(":", 1)[1]
            if vocab.drug_mesh.get(k) != ident.id:
                wrong.append(f"{where}: {ident.id} (release: {vocab.drug_mesh.get(k)})")
    for k, cond in vocab.curated.conditions.items():
        rec = vocab.concept(cond.mesh)
        if rec is None or not rec.kinds & N.CONDITION:
            wrong.append(f"condition:{k}: {cond.mesh} is not a disease in the release")
    assert wrong == []


def test_classes_close_to_a_mesh_heading_name_one_the_release_has():
    vocab = default_vocabulary()
    assert vocab.classes["immune-checkpoint-inhibitor"].mesh == "D000082082"
    assert vocab.classes["taxane"].mesh == "D043823"
    for k, cur in vocab.curated.classes.items():
        if cur.mesh_name:
            assert vocab.concept(vocab.classes[k].mesh).name == cur.mesh_name
    assert vocab.classes["anti-pd-1"].mesh is None  # what MeSH lacks stays curated


def test_curated_names_are_only_what_mesh_lacks():
    """No curated synonym repeats a name the release already gives the same concept."""
    vocab = default_vocabulary()
    repeats = []
    for k, cur in vocab.curated.drugs.items():
        rec = vocab.concept(vocab.drug_mesh[k])
        mesh_keys = {key(n) for n in (rec.name, *rec.terms)}
        repeats += [f"{k}: {n}" for n in (*cur.synonyms, *cur.code_names)
                    if key(n) in mesh_keys]
    for k, cur in vocab.curated.conditions.items():
        rec = vocab.concept(cur.mesh)
        mesh_keys = {key(n) for n, _ in N.record_names(rec)}
        repeats += [f"{k}: {n}" for n in cur.synonyms if key(n) in mesh_keys]
    assert repeats == []


def test_unverified_notes_name_known_drugs_or_the_classes():
    data = json.loads(resources.DRUGS_JSON.read_text(encoding="utf-8"))
    vocab = default_vocabulary()
    for line in data["_unverified"]:
        heads = line.split(":", 1)[0].split(", ")
        assert all(h in vocab.drugs or h == "classes" for h in heads), line


def test_anti_pd1_members_are_exactly_the_expected_antibodies():
    vocab = default_vocabulary()
    assert vocab.members("anti-pd-1") == [
        "camrelizumab", "cemiplimab", "dostarlimab", "nivolumab", "pembrolizumab",
        "penpulimab", "sintilimab", "tislelizumab", "toripalimab",
    ]
    assert "atezolizumab" in vocab.members("anti-pd-l1")
    assert vocab.members("anti-ctla-4") == ["ipilimumab", "tremelimumab"]
    assert "ipilimumab" not in vocab.members("anti-pd-1")


def test_trial_drugs_have_their_classes():
    vocab = default_vocabulary()
    assert vocab.drugs["penpulimab"].classes == ("anti-pd-1",)
    assert vocab.drugs["anlotinib"].classes == ("vegfr-tki",)
    assert vocab.drugs["capecitabine"].classes == ("fluoropyrimidine",)
    assert "immune-checkpoint-inhibitor" in vocab.classes_of("penpulimab")
    assert "tyrosine-kinase-inhibitor" in vocab.classes_of("anlotinib")
    assert "antimetabolite" in vocab.classes_of("capecitabine")
    assert vocab.classes_of("D000077146") == []  # irinotecan: MeSH only, no curated class


def test_registry_misspellings_are_kept():
    vocab = default_vocabulary()
    assert "anrotinib" in vocab.drugs["anlotinib"].synonyms
    assert "tirelizumab" in vocab.drugs["tislelizumab"].synonyms
    assert "nasophapyngeal cancer" in vocab.curated.conditions["nasopharyngeal-neoplasms"].synonyms


def test_condition_hierarchy_reaches_d009303_and_head_and_neck_from_nasopharyngeal_carcinoma():
    vocab = default_vocabulary()
    assert vocab.condition_keys_in("Nasopharyngeal Carcinoma") == ["nasopharyngeal-carcinoma"]
    assert vocab.conditions["nasopharyngeal-carcinoma"].mesh == "D000077274"
    ancestors = vocab.condition_ancestors("nasopharyngeal-carcinoma")
    assert ancestors[0] == "nasopharyngeal-carcinoma"
    assert {"nasopharyngeal-neoplasms", "pharyngeal-neoplasms", "head-and-neck-neoplasms",
            "neoplasms", "carcinoma"} <= set(ancestors)
    assert vocab.condition_by_mesh("D009303").key == "nasopharyngeal-neoplasms"
    assert "D006258" in vocab.ancestor_mesh("D000077274")  # Head and Neck Neoplasms


def test_broader_concepts_are_the_tree_parents():
    vocab = default_vocabulary()
    for ui in ("D000077274", "D002289", "D000069287"):
        rec = vocab.concept(ui)
        for broader in vocab.broader_mesh(ui):
            parents = {t.rsplit(".", 1)[0] for t in rec.trees if "." in t}
            assert parents & set(vocab.concept(broader).trees), (ui, broader)


def test_a_supplementary_concept_sits_under_the_headings_it_is_mapped_to():
    vocab = default_vocabulary()
    assert vocab.broader_mesh("C000625192") == ["D007211", "D011804"]  # Indoles, Quinolines
    assert "D003574" not in vocab.ancestor_mesh("C000625192")
    assert "D03" not in vocab.ancestor_mesh("C000625192")
    assert vocab.ancestor_mesh("C000625192")[:2] == ["D007211", "D011804"]
