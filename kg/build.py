"""The main job: trials (and their literature) -> model -> triples -> store.

Each source record lands in its own named graph; curated reference data in one more. The
pipeline only connects sources to the mapping and the store: parsing, mapping and the
network each live in their own modules.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from kg import resources
from kg.errors import NotFoundError, OfflineMiss, TrialParseError
from kg.model import Article, Trial
from kg.rdf import iris
from kg.rdf.terms import Triples
from kg.store import Store, open_store
from kg.vocab import Vocabulary, default_vocabulary

log = logging.getLogger(__name__)

REFERENCE_DATA_GRAPH = "reference-data"


@dataclass
class Timings:
    stages: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.stages[name] = self.stages.get(name, 0.0) + time.perf_counter() - start


@dataclass
class BuildOptions:
    trials: list[str] = field(default_factory=list)  # paths or NCT ids; empty: bundled trial
    network: str = "offline"  # "offline", "online" or "refresh"
    pubmed_files: list[Path] = field(default_factory=list)
    store: str = "memory"


@dataclass
class BuildResult:
    store: Store
    trials: list[Trial]
    articles: list[Article]
    timings: Timings
    counts: dict[str, int] = field(default_factory=dict)


def load_trial_spec(spec: str, network: str) -> Trial:
    """A trial from a path, or from an NCT id (snapshot first; CT.gov API when online)."""
    from kg.sources import load_trial_file
    from kg.sources.common import is_nct_id

    path = Path(spec)
    if path.exists() or not spec.upper().startswith("NCT"):
        return load_trial_file(path)
    nct = spec.upper()
    if not is_nct_id(nct):
        raise TrialParseError("not a valid NCT id (NCT followed by 8 digits) nor a file path",
                              where=spec)
    if network == "offline":
        snap = resources.SNAPSHOT_TRIALS / f"{nct}.json"
        if snap.exists():
            return load_trial_file(snap)
        raise OfflineMiss(f"{nct} is not in the shipped snapshot; fetch it with --online",
                          missing=[nct], where=nct)
    return fetch_trial_online(nct, refresh=network == "refresh")


def fetch_trial_online(nct_id: str, refresh: bool = False) -> Trial:
    from kg.cache import RequestCache, default_cache_dir
    from kg.ctgov import CTGovClient
    from kg.regimen import complete_trial
    from kg.sources import ctgov

    client = CTGovClient(cache=RequestCache(default_cache_dir() / "ctgov"),
                         mode="refresh" if refresh else "online")
    study, source = client.fetch_study(nct_id)
    trial = ctgov.parse(study, location=source.location, source_kind=source.kind)
    trial.source = source
    if trial.nct_id != nct_id:
        raise NotFoundError(f"asked for {nct_id} but ClinicalTrials.gov answered {trial.nct_id}",
                            where=source.location)
    return complete_trial(trial)


def build(options: BuildOptions, vocab: Vocabulary | None = None) -> BuildResult:
    vocab = vocab or default_vocabulary()
    timings = Timings()
    specs = options.trials or [str(resources.BUNDLED_TRIAL)]
    with timings.stage("parse trials"):
        trials = [load_trial_spec(spec, options.network) for spec in specs]
    articles: list[Article] = []
    with timings.stage("read PubMed files"):
        articles.extend(_pubmed_files(options.pubmed_files))
    store = open_store(options.store)
    with timings.stage("map and load"):
        counts = load_into_store(store, trials, articles, vocab)
    return BuildResult(store, trials, articles, timings, counts)


def _pubmed_files(paths: list[Path]) -> list[Article]:
    if not paths:
        return []
    from kg.sources import pubmed

    out: list[Article] = []
    for path in paths:
        out.extend(pubmed.parse_file(path))
    return out


def load_into_store(store: Store, trials: list[Trial], articles: list[Article],
                    vocab: Vocabulary) -> dict[str, int]:
    from kg.rdf.article import article_triples, provenance_triples
    from kg.rdf.trial import trial_triples
    from kg.rdf.vocabulary import condition_triples, drug_triples

    trial_ids = {t.nct_id for t in trials}
    drug_keys: set[str] = set()
    condition_keys: list[str] = []
    for trial in trials:
        store.replace_graph(iris.record_graph("trial", trial.nct_id), trial_triples(trial, vocab))
        for iv in trial.interventions:
            drug_keys.update(iv.drugs)
        for arm in trial.arms:
            drug_keys.update(r.drug for r in arm.regimens)
        for name in trial.conditions:
            condition_keys.extend(vocab.condition_keys_in(name))
    root = str(resources.PROJECT_ROOT)
    for article in articles:
        triples = article_triples(article, trial_nodes=trial_ids)
        if article.source is not None:
            triples.extend(provenance_triples(article, article.source, project_root=root))
        store.replace_graph(iris.record_graph("pubmed", article.pmid), triples)
        for heading in article.mesh_headings:
            cond = vocab.condition_by_mesh(heading.descriptor_ui)
            if cond is not None:
                condition_keys.append(cond.key)
    reference = Triples()
    reference.extend(drug_triples(vocab, drug_keys))
    reference.extend(condition_triples(vocab, condition_keys))
    store.replace_graph(iris.record_graph("reference", REFERENCE_DATA_GRAPH), reference)
    return {"trials": len(trials), "articles": len(articles), "triples": len(store)}
