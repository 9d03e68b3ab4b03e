"""The curated eligibility concepts (ontologies/eligibility-concepts.json): well-formed,
sourced codes (LOINC check digits verified), and the names the matcher relies on."""

from __future__ import annotations

import re

import pytest

from kg.extract.constraints.concepts import default_concepts, load_concepts


def _luhn_ok(digits: str) -> bool:
    """LOINC's check digit is the mod-10 (Luhn) digit of the code's number part."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def _codes():
    concepts = default_concepts()
    for key, a in concepts.analytes.items():
        for code in a.loinc:
            yield key, code
    for key, s in concepts.scales.items():
        for code in s.loinc:
            yield key, code


@pytest.mark.parametrize("key, code", list(_codes()), ids=lambda x: getattr(x, "code", x))
def test_every_loinc_code_has_a_valid_check_digit_and_a_source(key, code):
    assert re.fullmatch(r"\d{1,7}-\d", code.code), code.code
    assert _luhn_ok(code.code.replace("-", "")), f"{key}: {code.code} fails its check digit"
    assert code.display and code.source.startswith("search-tool GitHub index: ")


def test_a_wrong_check_digit_is_caught():
    assert not _luhn_ok("7188") and _luhn_ok("7187")


def test_every_condition_has_a_sourced_mesh_descriptor():
    for key, c in default_concepts().conditions.items():
        assert c.mesh, key
        for m in c.mesh:
            assert re.fullmatch(r"D\d{6}(\d{3})?", m.code), (key, m.code)
            assert m.display and f"'{m.code}\\t{m.display}'" in m.source, key
            assert "mesh_id_label_mappings.tsv" in m.source


def test_names_are_found_in_text_longest_first():
    concepts = default_concepts()
    found = concepts.find_analytes("creatinine clearance (CCr) and serum creatinine (Cr)")
    assert [k for k, _s, _e in found] == ["creatinine-clearance", "creatinine-clearance",
                                          "creatinine", "creatinine"]
    assert concepts.find_analytes("an alternative to alt") == []  # abbreviations: capitals
    assert [k for k, *_ in concepts.find_conditions("breast-feeding and pregnancy")] == \
        ["breastfeeding", "pregnancy"]


def test_unreadable_concepts_file_is_reported(tmp_path):
    from kg.errors import SourceError

    bad = tmp_path / "concepts.json"
    bad.write_text("{", encoding="utf-8")
    with pytest.raises(SourceError, match="cannot read the eligibility concepts"):
        load_concepts(bad)
