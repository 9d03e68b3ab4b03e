"""A pytest plugin for mutation runs only (pyproject.toml [tool.mutmut] loads it with -p).

mutmut links a mutated function to the tests that call it by recording calls during one run
of the suite. A memoised answer breaks that link: only the first test to fill the cache
calls the function, so a mutant of it would be tried against that one test alone (and
survive), however many tests depend on its answer. So every test starts with the memoised
answers of the mutated modules forgotten; `make test` never loads this plugin.

It also freezes the garbage collector's view of the heap each run starts with. mutmut forks
every mutant's pytest from a server holding the whole collected suite, and pytest ends each
run with full collections (gc_collect_harder): walking the inherited heap, and copying every
page of it the walk touches, took about three times as long as a typical mutant's test.
`gc.freeze` leaves what the run inherited out of its collections; what it allocates itself is
collected as usual.
"""

from __future__ import annotations

import gc

import pytest


def pytest_configure(config: pytest.Config) -> None:
    gc.freeze()


@pytest.fixture(autouse=True)
def _forget_memoised_answers():
    from kg.extract.constraints import therapy
    from kg.extract.constraints.concepts import default_concepts
    from kg.store import guard
    from kg.views.related import mesh_check_tags
    from kg.vocab import default_vocabulary, normalise

    default_concepts.cache_clear()
    therapy._CLASS_PATTERNS.clear()  # the drug-class pattern built for each vocabulary
    mesh_check_tags.cache_clear()
    guard._cached_facts.cache_clear()
    normalise._FOLDED.clear()
    if default_vocabulary.cache_info().currsize:
        recogniser = getattr(default_vocabulary(), "_recognise", None)
        if recogniser is not None:  # words, texts and names it has already matched
            recogniser.matcher._starts.clear()
            recogniser._scans.clear()
            recogniser._names.clear()
    yield
