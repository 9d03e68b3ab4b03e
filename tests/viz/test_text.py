"""Shortening and wrapping never cut a word: what is kept is whole words of the text, in
order, with an ellipsis exactly when something was dropped."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.views.viz.text import ELLIPSIS, shorten, wrap_label

# words without the ellipsis character itself: a text that already has one is the example
# test below (an ellipsis the text ends a word with is not doubled)
WORDS = st.lists(st.text(alphabet=st.characters(blacklist_categories=("Zs", "Cc"),
                                                blacklist_characters=ELLIPSIS),
                         min_size=1, max_size=30), min_size=1, max_size=30)


def test_a_word_ending_in_an_ellipsis_gets_no_second_one():
    assert shorten("and so on… more words", 12) == "and so on…"
    assert shorten("and so on more words", 12) == "and so on…"


def _kept(text: str) -> list[str]:
    return text.replace("\n", " ").removesuffix(ELLIPSIS).split()


@settings(max_examples=200, deadline=None)
@given(words=WORDS, limit=st.integers(min_value=1, max_value=80))
def test_shorten_keeps_whole_words_in_order(words, limit):
    text = " ".join(words)
    out = shorten(text, limit)
    kept = _kept(out)
    assert kept and kept[:-1] == words[:len(kept) - 1]
    assert kept[-1] == words[len(kept) - 1] or kept[-1] == words[len(kept) - 1].rstrip(" ,;:·-–—")
    if len(text) <= limit:
        assert out == text
    else:
        assert out.endswith(ELLIPSIS)
        assert len(out) <= limit or len(kept) == 1  # only a first word too long overruns


@settings(max_examples=200, deadline=None)
@given(words=WORDS, width=st.integers(min_value=4, max_value=40),
       lines=st.integers(min_value=1, max_value=4))
def test_wrap_breaks_only_between_words(words, width, lines):
    text = " ".join(words)
    out = wrap_label(text, width, lines)
    assert len(out.split("\n")) <= lines
    kept = _kept(out)
    assert kept[:-1] == words[:len(kept) - 1]
    assert words[len(kept) - 1].startswith(kept[-1].rstrip(" ,;:·-–—")) and \
        kept[-1] in (words[len(kept) - 1], words[len(kept) - 1].rstrip(" ,;:·-–—"))
    if not out.endswith(ELLIPSIS):
        assert kept == words  # nothing dropped without saying so


def test_examples():
    assert shorten("Effect of intensity-modulated radiotherapy versus two-dimensional", 48) == \
        "Effect of intensity-modulated radiotherapy…"
    assert shorten("Supercalifragilisticexpialidocious word", 10) == \
        "Supercalifragilisticexpialidocious…"
    assert wrap_label("Tislelizumab plus chemotherapy as first-line treatment for "
                      "recurrent nasopharyngeal cancer", 22, 3) == \
        "Tislelizumab plus\nchemotherapy as\nfirst-line treatment…"
    assert wrap_label("anlotinib", 22, 2) == "anlotinib"
    assert wrap_label("", 22, 2) == ""


def test_a_suffix_always_ends_the_label_whole():
    assert wrap_label("Metronomic capecitabine as adjuvant therapy in…", 22, 3, "★3") == \
        "Metronomic\ncapecitabine as\nadjuvant therapy…  ★3".replace("  ", " ")
    assert wrap_label("NCT05981157", 22, 2, "★8") == "NCT05981157 ★8"
    assert wrap_label("Sun Yat-sen University Cancer Center", 22, 3, "★10") == \
        "Sun Yat-sen University\nCancer Center ★10"
    assert wrap_label("Sun Yat-sen University Cancer Center", 22, 2, "★10") == \
        "Sun Yat-sen University\nCancer Center ★10"
    assert wrap_label("Sun Yat-sen University", 22, 2, "★10") == "Sun Yat-sen University\n★10"
    assert wrap_label("", 22, 2, "★1") == "★1"
    assert shorten("in… more words here", 5) == "in…"  # never a second ellipsis
