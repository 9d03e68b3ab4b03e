"""kg.vocab.matcher on small in-memory tables: longest match, word boundaries, function
words, the choice hook, several tables and the walk's limits, asserted on exact spans."""

from __future__ import annotations

import pytest

from kg.vocab import matcher
from kg.vocab.matcher import MAX_WORDS, Entry, KeyTable, Matcher, acronym_agrees


def _table(*names: str, start: int = 0) -> KeyTable:
    return KeyTable.from_names([(n, Entry(ref=start + i, rank=i, acronym=False))
                                for i, n in enumerate(names)])


def _first(hits):
    return hits[0]


def _spans(m: Matcher, text: str) -> list[tuple[int, int, str, str, object]]:
    return [(h.start, h.end, h.surface, h.key, h.entry.ref) for h in m.scan(text)]


def test_the_longest_name_wins_and_the_scan_resumes_after_it():
    m = Matcher([_table("lung", "lung cancer", "non-small-cell lung cancer", "cancer")], _first)
    assert _spans(m, "Non-Small-Cell Lung Cancer and lung or cancer.") == [
        (0, 26, "Non-Small-Cell Lung Cancer", "nonsmallcelllungcancer", 2),
        (31, 35, "lung", "lung", 0), (39, 45, "cancer", "cancer", 3)]


def test_a_prefix_that_leads_nowhere_falls_back_to_the_longest_found():
    m = Matcher([_table("lung", "lung cancer stage iv")], _first)
    assert _spans(m, "lung cancer stage ii") == [(0, 4, "lung", "lung", 0)]


def test_matches_begin_and_end_at_word_boundaries():
    m = Matcher([_table("AK", "105")], _first)
    assert _spans(m, "AK105") == []
    assert _spans(m, "AK 105") == [(0, 2, "AK", "ak", 0), (3, 6, "105", "105", 1)]
    assert _spans(m, "AK-105") == [(0, 2, "AK", "ak", 0), (3, 6, "105", "105", 1)]
    assert _spans(m, "K105") == []  # a name starting at the text's second character
    assert _spans(m, "AK1 x") == []  # a name ending where a digit follows
    one = Matcher([_table("K")], _first)  # a one-letter name, followed or not
    assert _spans(one, "x K1") == []
    assert _spans(one, "x K 1") == [(2, 3, "K", "k", 0)]


def test_function_words_start_no_match_when_written_as_words():
    m = Matcher([_table("the clash", "a-1155463", "in")], _first)
    assert _spans(m, "the clash") == []
    assert _spans(m, "in") == []  # a function word ending the text
    assert _spans(m, "The-clash") == [(0, 9, "The-clash", "theclash", 0)]
    assert _spans(m, "A-1155463 given") == [(0, 9, "A-1155463", "a1155463", 1)]


def test_choose_may_drop_a_span_and_the_walk_goes_on():
    def no_two(hits):
        return next((h for h in hits if h.entry.ref != 1), None)

    m = Matcher([_table("lung", "lung cancer", "cancer")], no_two)
    # "lung cancer" is refused: the longest acceptable match is "lung"
    assert _spans(m, "lung cancer") == [(0, 4, "lung", "lung", 0), (5, 11, "cancer", "cancer", 2)]
    assert [h.key for h in m.scan("lung cancer", choose=_first)] == ["lungcancer"]
    refuse = Matcher([_table("lung")], lambda hits: None)
    assert refuse.scan("lung lung") == []


def test_every_table_is_walked_and_offers_its_entries():
    seen = []

    def keep(hits):
        seen.append(sorted(h.entry.ref for h in hits))
        return hits[-1]

    m = Matcher([_table("lung cancer", "breast", start=0),
                 _table("lung cancer", "lung cancers", "skin", start=10)], keep)
    assert _spans(m, "lung cancers, skin and breast") == [
        (0, 12, "lung cancers", "lungcancer", 11), (14, 18, "skin", "skin", 12),
        (23, 29, "breast", "breast", 1)]
    assert seen[0] == [0, 10, 11]  # one key, three entries over two tables


def test_one_table_ending_does_not_stop_another():
    m = Matcher([_table("lung", start=0), _table("lung cancer stage", start=10)], _first)
    assert _spans(m, "lung cancer stage") == [(0, 17, "lung cancer stage", "lungcancerstage", 10)]


def test_a_table_whose_keys_run_out_does_not_stop_the_tables_after_it():
    # at "cancer" the first table has no key left to compare ("lungb" sorts before
    # "lungcancer"); the second still holds "lung cancer"
    m = Matcher([_table("lung", "lungb", start=0), _table("lung cancer", start=10)], _first)
    assert _spans(m, "lung cancer") == [(0, 11, "lung cancer", "lungcancer", 10)]


def test_names_longer_than_the_walk_are_not_found():
    words = [f"w{chr(97 + i)}" for i in range(MAX_WORDS + 1)]
    longest = " ".join(words[:MAX_WORDS])
    m = Matcher([_table(longest, " ".join(words))], _first)
    assert [h.end for h in m.scan(" ".join(words))] == [len(longest)]


def test_empty_and_unmatched_texts():
    m = Matcher([_table("lung")], _first)
    assert m.scan("") == [] and m.scan("liver, kidney") == []
    assert _spans(m, "kidney lung") == [(7, 11, "lung", "lung", 0)]


def test_the_memo_of_starting_words_is_bounded(monkeypatch):
    monkeypatch.setattr(matcher, "_STARTS_LIMIT", 2)
    m = Matcher([_table("lung", "liver")], _first)
    m.scan("lung liver")
    # per word: (table, where it sorts, the key there, the key after it)
    assert m._starts == {"lung": ((0, 1, "lung", None),), "liver": ((0, 0, "liver", "lung"),)}
    m.scan("kidney")
    assert m._starts == {"kidney": ()}
    assert _spans(m, "lung") == [(0, 4, "lung", "lung", 0)]


def test_the_walk_trusts_the_memo_of_starting_words():
    m = Matcher([_table("lung", "liver")], _first)
    m._starts["lung"] = ()  # remembered as starting no name
    assert _spans(m, "lung liver") == [(5, 10, "liver", "liver", 1)]


def test_from_names_merges_spellings_and_drops_empty_keys():
    entry = Entry(ref=("curated", "npc"), rank=0, acronym=True)
    table = KeyTable.from_names([("NPC", entry), ("npc", entry), ("--", entry),
                                 ("Nasopharyngeal carcinomas", entry)])
    assert table.keys.keys == ["nasopharyngealcarcinoma", "npc"]
    assert table.entries(1) == [entry]
    assert table.keys.locate("npc") == (1, "npc", None)
    assert table.keys.locate("a") == (0, "nasopharyngealcarcinoma", "npc")
    assert table.keys.locate("z") == (2, None, None)


@pytest.mark.parametrize(("surface", "name", "agrees"), [
    ("NPC", "NPC", True), ("npc", "NPC", False), ("PD 1", "PD-1", True),
    ("cisplatin", "Cisplatin", True),
])
def test_acronym_agrees(surface, name, agrees):
    assert acronym_agrees(surface, name) is agrees
