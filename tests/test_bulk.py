"""The field-scale load path (kg/pipeline/bulk.py): same quads as the normal build, a store that
survives a build killed midway, N-Quads that carry hostile text exactly, and a generator
that gives the same bytes for the same seed."""

from __future__ import annotations

import hashlib
import os
import re
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

from benchmarks.synthetic_field import generate
from kg.pipeline.build import load_into_store
from kg.pipeline.bulk import (
    BulkError,
    NQuadsWriter,
    build_field,
    build_info,
    builds_dir,
    iter_articles,
    iter_trials,
    nq_iri,
    open_field_store,
)
from kg.store.manifest import MANIFEST_GRAPH
from kg.store.oxigraph import OxigraphStore, to_ox
from kg.views.related import find_related
from kg.vocab import default_vocabulary

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def small_field(tmp_path_factory):
    """40 trials and 400 articles over several files, plus the real seed and snapshot."""
    out = tmp_path_factory.mktemp("field")
    return generate(out / "files", 40, 400, seed=3, trials_per_file=15, articles_per_file=150)


@pytest.fixture(scope="module")
def bulk_store(small_field, tmp_path_factory):
    target = tmp_path_factory.mktemp("bulk") / "store"
    result = build_field(target, small_field.all_trial_files, small_field.all_pubmed_files,
                         workers=2)
    store = open_field_store(target)
    yield result, store
    store.close()


def _quads(store: ox.Store) -> set[str]:
    """Every record's quads (the normal build's manifest, with its loading times, aside)."""
    manifest = ox.NamedNode(str(MANIFEST_GRAPH))
    return {str(quad) for quad in store if quad.graph_name != manifest}


def test_bulk_load_gives_the_quads_of_the_normal_build(small_field, bulk_store):
    result, store = bulk_store
    trials = [t for path in small_field.all_trial_files for t in iter_trials(path)]
    articles = [a for path in small_field.all_pubmed_files for a in iter_articles(path)]
    normal = OxigraphStore()
    load_into_store(normal, trials, articles, default_vocabulary())
    expected, got = _quads(normal.native), _quads(store.native)
    # every graph's quads, the staging and registry graphs included: the union (the same
    # OxigraphStore code on both) follows
    assert got == expected, (sorted(expected - got)[:5], sorted(got - expected)[:5])
    assert (result.trials, result.articles) == (len(trials), len(articles))
    assert result.quads >= len(got)  # a record stating a triple twice writes it twice


def test_related_on_the_field_gives_ranked_results_with_reasons(bulk_store):
    _, store = bulk_store
    results = find_related(store)
    assert results and all(r.reasons for r in results)
    assert [r.score for r in results] == sorted((r.score for r in results), reverse=True)
    top = results[0]
    assert {"disease", "drug"} <= set(top.evidence_kinds)
    assert top.setting  # the bulk path maps the clinical setting as the normal build does


_MOST_CITED_MESH = """
PREFIX tkg: <https://w3id.org/trialkg/vocab#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?id (COUNT(DISTINCT ?cited) AS ?n) WHERE {
  ?trial tkg:nctId ?id ; dcterms:references ?cited . ?cited dcterms:subject ?d .
} GROUP BY ?id ORDER BY DESC(?n) ?id LIMIT 3
"""


def test_the_stores_ranking_head_on_a_field_with_mesh(bulk_store, monkeypatch):
    """Seeds whose citations carry MeSH (the bundled ones do not): the store's ranking
    (rank.rq, MeSH overlap and all) gives the head of the full ranking."""
    import kg.views.related_scoring

    _, store = bulk_store
    seeds = [str(r["id"]) for r in store.query(_MOST_CITED_MESH).rows]
    assert len(seeds) == 3
    for seed in seeds:
        ranking = find_related(store, seed)  # the full ranking does not use the shortlist
        assert any(e.kind == "mesh" for r in ranking for e in r.evidence)
        full = [(r.identifier, r.score, r.reasons) for r in ranking]
        for first_fetch in (500, 3):
            monkeypatch.setattr(kg.views.related_scoring, "SHORTLIST_MIN_FETCH", first_fetch)
            for limit in (1, 3, 10):
                head = [(r.identifier, r.score, r.reasons)
                        for r in find_related(store, seed, limit=limit)]
                assert head == full[:limit], (seed, limit)


def test_marker_and_link(bulk_store):
    result, _ = bulk_store
    info = build_info(result.path)
    assert info["complete"] and info["trials"] == result.trials
    assert result.path.is_symlink() and Path(os.path.realpath(result.path)).parent == result.build


# --------------------------------------------------------------------------- kill safety

_KILLED_BUILD = textwrap.dedent("""
    import sys, time
    from kg.pipeline.bulk import build_field
    target, trials, pubmed = sys.argv[1], sys.argv[2].split(","), sys.argv[3].split(",")

    def hold(line):
        if line.startswith("loaded"):
            print("LOADING", flush=True)
            time.sleep(120)

    build_field(target, trials, pubmed, workers=1, progress=hold)
""")


def _count(target: Path) -> int:
    store = open_field_store(target)
    try:
        return len(store.native)
    finally:
        store.close()


def test_a_build_killed_midway_leaves_the_last_complete_build(small_field, tmp_path):
    target = tmp_path / "store"
    first = build_field(target, small_field.real_trial_files, small_field.real_pubmed_files)
    before = _count(target)
    trials = ",".join(map(str, small_field.all_trial_files))
    pubmed = ",".join(map(str, small_field.all_pubmed_files))
    proc = subprocess.Popen([sys.executable, "-c", _KILLED_BUILD, str(target), trials, pubmed],
                            cwd=ROOT, stdout=subprocess.PIPE, text=True, start_new_session=True)
    try:
        assert proc.stdout.readline().strip() == "LOADING"
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the build and its workers, mid-load
        proc.wait()
    leftovers = [p.name for p in builds_dir(target).iterdir() if p.name.endswith(".partial")]
    assert leftovers, "the kill should have come during the load"
    assert build_info(target)["articles"] == first.articles
    assert _count(target) == before

    again = build_field(target, small_field.real_trial_files, small_field.real_pubmed_files)
    assert _count(target) == before
    remaining = sorted(p.name for p in builds_dir(target).iterdir() if p.name != ".lock")
    assert remaining == [again.build.name]


def test_a_failed_build_leaves_no_store_and_names_the_problem(small_field, tmp_path):
    target = tmp_path / "store"
    files = small_field.trial_files[:1] * 2
    with pytest.raises(BulkError, match="trial given more than once"):
        build_field(target, files, [])
    assert not target.exists() and not target.is_symlink()
    assert [p.name for p in builds_dir(target).iterdir()] == [".lock"]


def test_refuses_to_replace_a_directory_it_did_not_build(tmp_path):
    (tmp_path / "plain").mkdir()
    with pytest.raises(BulkError, match="not a bulk-built store"):
        build_field(tmp_path / "plain", [], [])


# --------------------------------------------------------------------------- N-Quads

G, S, P = URIRef("http://example.org/g"), URIRef("http://example.org/s"), URIRef(
    "http://example.org/p")
HOSTILE = ['say "hi"', "back\\slash", "trailing\\", "line\nbreak\r\n", "tab\there",
           "nul\x00bell\x07del\x7f", "naïve – 日本語 🧬 \u202eRTL", '"""', "\\u0041 not an escape",
           "> <http://x> .", ""]


def _round_trip(term) -> ox.Literal:
    text = NQuadsWriter().graph(G, [(S, P, term)])
    assert text.count("\n") == 1 and text.endswith(" .\n")
    (quad,) = list(ox.parse(text, format=ox.RdfFormat.N_QUADS))
    assert quad.graph_name == ox.NamedNode(str(G))
    return quad.object


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_literals_survive_exactly(value):
    for term in (Literal(value), Literal(value, lang="en-GB"),
                 Literal(value, datatype=URIRef("http://example.org/dt"))):
        assert _round_trip(term) == to_ox(term)


def test_typed_literals_keep_their_lexical_form():
    for term in (Literal(True, datatype=XSD.boolean), Literal(7, datatype=XSD.integer),
                 Literal("10.0", datatype=XSD.decimal), Literal("2023-09", datatype=XSD.gYearMonth),
                 Literal("x", datatype=XSD.string)):
        assert _round_trip(term) == to_ox(term)


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(blacklist_categories=("Cs",))))
def test_any_text_round_trips(value):
    assert _round_trip(Literal(value)) == to_ox(Literal(value))


@pytest.mark.parametrize("iri", ["http://example.org/a>b", "http://example.org/a b",
                                 'http://example.org/"', "http://example.org/\\",
                                 "http://example.org/\n", "http://example.org/{x}",
                                 "relative/path", ""])
def test_iris_that_nquads_cannot_carry_are_refused(iri):
    refused = re.escape(f"not an absolute IRI N-Quads can carry: {iri!r}")
    with pytest.raises(ValueError, match=f"^{refused}$"):
        nq_iri(iri)
    with pytest.raises(ValueError, match="^not an absolute IRI N-Quads can carry: "):
        NQuadsWriter().graph(G, [(URIRef(iri), P, S)])


def test_blank_nodes_are_refused():
    with pytest.raises(ValueError, match="BNode"):
        NQuadsWriter().graph(G, [(S, P, BNode())])


# --------------------------------------------------------------------------- generator


def test_generator_gives_the_same_bytes_for_the_same_seed(tmp_path):
    def files(seed: int, name: str) -> dict[str, bytes]:
        field = generate(tmp_path / name, 12, 60, seed=seed, trials_per_file=5,
                         articles_per_file=25)
        return {p.name: p.read_bytes() for p in field.directory.iterdir()}

    first, other = files(5, "a"), files(6, "c")
    assert first != other
    # the same seed gives the same bytes in other interpreters, under other hash seeds
    code = ("import hashlib, sys; from pathlib import Path; "
            "from benchmarks.synthetic_field import generate; "
            "f = generate(Path(sys.argv[1]) / str(hash('x')), 12, 60, seed=5, "
            "trials_per_file=5, articles_per_file=25); "
            "print(sorted((p.name, hashlib.sha256(p.read_bytes()).hexdigest()) "
            "for p in f.directory.iterdir()))")
    digests = {str(sorted((n, hashlib.sha256(d).hexdigest()) for n, d in first.items()))}
    for seed in ("0", "2024"):
        run = subprocess.run([sys.executable, "-c", code, str(tmp_path / seed)], check=True,
                             capture_output=True, text=True, cwd=ROOT,
                             env={**os.environ, "PYTHONHASHSEED": seed})
        digests.add(run.stdout.strip())
    assert len(digests) == 1
    assert len(first) == 3 + 3 + 1  # trial files, PubMed files, manifest
    assert all(b"_synthetic" in data or b"Synthetic" in data for data in first.values())


def test_generated_records_parse_and_look_real(small_field):
    trials = [t for path in small_field.trial_files for t in iter_trials(path)]
    articles = [a for path in small_field.pubmed_files for a in iter_articles(path)]
    assert len(trials) == 40 and len(articles) == 400
    assert all(t.nct_id.startswith("NCT9") and t.arms and t.eligibility.criteria for t in trials)
    assert any(iv.unresolved_names for t in trials for iv in t.interventions)
    assert any(r.dose for t in trials for arm in t.arms for r in arm.regimens)
    assert all(3 <= len(a.authors) <= 30 and a.mesh_headings for a in articles)
    assert any(a.nct_ids for a in articles)
    cited = {r.pmid for t in trials for r in t.references if r.pmid}
    assert cited and cited <= {a.pmid for a in articles}


def test_generated_shared_nodes_say_the_same_in_every_record(small_field):
    """A journal has one title and ISSN; a person mostly one spelling of their name (a few
    records give only the initials, as older MEDLINE citations do)."""
    articles = [a for path in small_field.pubmed_files for a in iter_articles(path)]
    journals: dict[str, set] = {}
    people: dict[str, list[str]] = {}
    for a in articles:
        j = a.journal
        journals.setdefault(j.nlm_unique_id, set()).add(
            (j.title, j.iso_abbreviation, j.issn_electronic))
        for author in a.authors:
            if author.orcid:
                people.setdefault(author.orcid, []).append(author.fore_name)
    assert len(journals) > 50 and all(len(v) == 1 for v in journals.values())
    assert all(len(set(names)) <= 2 for names in people.values())
    spellings = [name for names in people.values() for name in names]
    initials_only = [name for name in spellings if len(name.replace(" ", "")) <= 2
                     and name.replace(" ", "").isupper()]
    assert 0 < len(initials_only) < len(spellings) / 5
    assert not any(Path(p).is_relative_to(ROOT / "data") for p in small_field.directory.iterdir())
