"""How find_related (kg.views.related) puts the finder together: when the store ranks a
shortlist and when every candidate is explained, what each step is given, the fallbacks
when the store cannot rank or the shortlist lost candidates, and the limit. The steps
(seed tables, filters, shortlist, explain) are replaced by recorders and the seed is a
SYNTHETIC trial in a memory store; tests/test_related*.py run the real steps on the
bundled corpus and show both paths give the same answer."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from kg.errors import NetworkError, NotFoundError, QueryError
from kg.rdf import iris
from kg.views import related, related_evidence, related_filters, related_rank
from kg.vocab import default_vocabulary

NCT = "NCT09999992"
SEED = iris.trial(NCT)
TABLES = object()
MATCHES = object()


def _store(nct: str = NCT):
    from rdflib import RDF

    from kg.rdf.namespaces import TKG
    from kg.store import open_store

    store = open_store("memory")
    store.replace_graph(iris.record_graph("test", nct), [(iris.trial(nct), RDF.type,
                                                          TKG.ClinicalTrial)])
    return store


class _Steps:
    """Records what each step of the finder is given; ``explained`` the answers of
    successive explain calls, ``ranked`` the shortlist (or an error to raise)."""

    def __init__(self, monkeypatch, explained, ranked=(), wanted=None):
        self.calls: list[tuple] = []
        self.explained_in: list = []  # the store each explain call was given
        self.explained = list(explained)
        self.ranked = ranked
        self.wanted = wanted or {}

        def tables_of(store, seed):
            self.calls.append(("tables", seed))
            return TABLES

        def filters(vocab, *given):
            self.calls.append(("filters", vocab, given))
            return self.wanted

        def shortlist(store, seed, tables, size, kind):
            self.calls.append(("shortlist", seed, tables, size, kind))
            if isinstance(self.ranked, Exception):
                raise self.ranked
            return list(self.ranked)

        def explain(store, seed, vocab, tables, candidates, kind, wanted, matches, labels_for):
            self.calls.append(("explain", seed, vocab, tables, candidates, kind, wanted,
                               matches is MATCHES, labels_for))
            self.explained_in.append(store)
            return self.explained.pop(0)

        monkeypatch.setattr(related.SeedTables, "of", tables_of)
        monkeypatch.setattr(related_filters, "filters", filters)
        monkeypatch.setattr(related_filters, "matches", MATCHES)
        monkeypatch.setattr(related_rank, "shortlist", shortlist)
        monkeypatch.setattr(related_evidence, "explain", explain)

    def named(self, name):
        return [call[1:] for call in self.calls if call[0] == name]


VOCAB = default_vocabulary()


def test_without_a_limit_every_candidate_is_explained_and_all_returned(monkeypatch):
    steps = _Steps(monkeypatch, [list("abcde")])
    assert related.find_related(_store(), NCT, kind="trial") == list("abcde")
    assert steps.calls == [
        ("tables", SEED),
        ("filters", VOCAB, (None, None, None, None, None)),
        ("explain", SEED, VOCAB, TABLES, None, "trial", {}, True, None)]


def test_with_a_limit_the_store_shortlists_twice_as_many_and_the_best_are_kept(monkeypatch):
    steps = _Steps(monkeypatch, [list("abcd")], ranked=list("uvwxyz"))
    assert related.find_related(_store(), NCT, kind="article", limit=3) == list("abc")
    assert steps.named("shortlist") == [(SEED, TABLES, 6, "article")]
    assert steps.named("explain") == [
        (SEED, VOCAB, TABLES, list("uvwxyz"), "article", {}, True, 3)]


def test_filters_are_given_in_order_and_any_filter_explains_every_candidate(monkeypatch):
    wanted = {"drug": {"camrelizumab"}}
    steps = _Steps(monkeypatch, [list("abcd")], ranked=list("uvwxyz"), wanted=wanted)
    vocab = SimpleNamespace(name="a vocabulary of its own")
    found = related.find_related(_store(), NCT, vocab=vocab, drug="d", drug_class="c",
                                 condition="n", setting="s", line="l", limit=2)
    assert found == list("ab")
    assert steps.named("filters") == [(vocab, ("d", "c", "n", "s", "l"))]
    assert steps.named("shortlist") == []
    assert steps.named("explain") == [(SEED, vocab, TABLES, None, None, wanted, True, None)]


@pytest.mark.parametrize("error", [QueryError("SQ142: Different number of columns"),
                                   NetworkError("HTTP 500")])
def test_a_store_that_fails_to_rank_has_every_candidate_explained(monkeypatch, caplog, error):
    steps = _Steps(monkeypatch, [list("abcd")], ranked=error)
    with caplog.at_level("INFO", logger="kg.views.related"):
        assert related.find_related(_store(), NCT, limit=3) == list("abc")
    assert steps.named("explain") == [(SEED, VOCAB, TABLES, None, None, {}, True, None)]
    assert f"the store could not rank related candidates ({error}); explaining all" in \
        caplog.messages


def test_a_store_whose_dialect_cannot_rank_is_not_asked_to(monkeypatch, caplog):
    steps = _Steps(monkeypatch, [list("abcd")], ranked=list("uvwxyz"))
    store = _store()
    store.dialect = SimpleNamespace(ranks_related=False)
    with caplog.at_level("INFO", logger="kg.views.related"):
        assert related.find_related(store, NCT, limit=3) == list("abc")
    assert steps.named("shortlist") == []
    assert steps.named("explain") == [(SEED, VOCAB, TABLES, None, None, {}, True, None)]
    assert caplog.messages == ["the store could not rank related candidates (the store's "
                               "dialect cannot run the ranking query); explaining all"]


@pytest.mark.parametrize(("ranked", "first", "again"), [
    (list("uvwxyz"), list("ab"), True),      # a full shortlist lost candidates: all again
    (list("uvwxy"), list("ab"), False),      # a short one held every candidate there is
    (list("uvwxyz"), list("abc"), False),    # enough explained
])
def test_a_full_shortlist_that_explains_short_of_the_limit_is_explained_again_whole(
        monkeypatch, ranked, first, again):
    steps = _Steps(monkeypatch, [first, list("abcdefg")], ranked=ranked)
    store = _store()
    found = related.find_related(store, NCT, kind="trial", limit=3)
    explained = steps.named("explain")
    assert all(given is store for given in steps.explained_in)
    if again:
        assert found == list("abc")
        assert explained[1] == (SEED, VOCAB, TABLES, None, "trial", {}, True, None)
    else:
        assert found == first
    assert len(explained) == (2 if again else 1)


def test_the_default_seed_is_the_bundled_trial(monkeypatch):
    from kg import resources

    steps = _Steps(monkeypatch, [[]])
    assert related.find_related(_store(resources.BUNDLED_NCT)) == []
    assert steps.named("tables") == [(iris.trial(resources.BUNDLED_NCT),)]


def test_a_seed_not_in_the_store_is_refused_before_any_work(monkeypatch):
    steps = _Steps(monkeypatch, [[]])
    with pytest.raises(NotFoundError, match="NCT09999993: no such trial in the store"):
        related.find_related(_store(), "nct09999993")
    assert steps.calls == []
