"""The main job: trials (and their literature) -> model -> triples -> store.

Each source record lands in its own named graph; curated reference data in one more. The
pipeline only connects sources to the mapping and the store: parsing, mapping and the
network each live in their own modules.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import URIRef

from kg import resources
from kg.errors import EntrezError, NotFoundError, OfflineMiss, TrialParseError
from kg.model import Article, CitationResolution, Trial
from kg.pipeline.pubmed_apply import AppliedFiles, apply_files
from kg.rdf import iris
from kg.rdf.namespaces import TKR
from kg.store import Store, open_store
from kg.store.manifest import BuildInfo
from kg.vocab import Vocabulary, default_vocabulary

log = logging.getLogger(__name__)



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
    # The shipped corpus of related trials and articles; None: only when no --trial is given,
    # so the default run has neighbours to find and an explicit trial list stays exact.
    corpus: bool | None = None
    enrich: bool = True  # fetch the trials' cited articles (snapshot, cache, then Entrez)
    allow_partial: bool = False  # import a trial page that ends early with what it has
    skip_bad: bool = False  # skip (and list) PubMed records that cannot be parsed


@dataclass
class BuildResult:
    store: Store
    trials: list[Trial]
    articles: list[Article]
    timings: Timings
    counts: dict[str, int] = field(default_factory=dict)
    literature: Literature | None = None
    pubmed: AppliedFiles | None = None  # what the --pubmed files gave, deleted, skipped


def load_trial_spec(spec: str, network: str, allow_partial: bool = False) -> Trial:
    """A trial from a path, or from an NCT id (snapshot first; CT.gov API when online)."""
    from kg.sources import load_trial_file
    from kg.sources.common import is_nct_id

    path = Path(spec)
    if path.exists() or not spec.upper().startswith("NCT"):
        return load_trial_file(path, allow_partial=allow_partial)
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
    from kg.clients.cache import RequestCache, default_cache_dir
    from kg.clients.ctgov import CTGovClient
    from kg.extract.regimen import complete_trial
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


def build(options: BuildOptions, vocab: Vocabulary | None = None, store: Store | None = None,
          *, command: str = "build", fresh: bool = False) -> BuildResult:
    """Parse, enrich, map and load into ``store`` (default: a new one of ``options.store``).
    No trial and no PubMed file means the bundled default graph (the trial and the shipped
    corpus); otherwise exactly the records given, and their literature."""
    vocab = vocab or default_vocabulary()
    timings = Timings()
    default = not options.trials and not options.pubmed_files
    specs = options.trials or ([str(resources.BUNDLED_TRIAL)] if default else [])
    with timings.stage("parse trials"):
        trials = [load_trial_spec(spec, options.network, options.allow_partial)
                  for spec in specs]
    use_corpus = options.corpus if options.corpus is not None else default
    if use_corpus:
        with timings.stage("parse corpus trials"):
            trials.extend(corpus_trials(exclude={t.nct_id for t in trials}))
    with timings.stage("read PubMed files"):
        files = apply_files(options.pubmed_files, skip_bad=options.skip_bad)
    articles: list[Article] = list(files.articles)
    lit = Literature()
    if (options.enrich and trials) or use_corpus:
        # A PMID the files deleted is not fetched back from the snapshot or NCBI.
        have = {a.pmid for a in articles} | set(files.deleted)
        with timings.stage("literature"):
            lit = literature(trials, options, use_corpus, have=have)
        articles.extend(lit.articles)
    store = store if store is not None else open_store(options.store)
    inputs = build_inputs(options, default)
    with timings.stage("map and load"):
        counts = load_into_store(store, trials, articles, vocab, lit,
                                 build=BuildInfo(inputs, command=command, fresh=fresh),
                                 deleted=files.deleted)
    counts.update(lit.counts)
    if options.pubmed_files:
        counts.update(files.counts())
    return BuildResult(store, trials, articles, timings, counts, lit, files)


def build_inputs(options: BuildOptions, default: bool) -> list[str]:
    """What a build was given, as the workspace's manifest records it."""
    if default:
        return [f"bundled default: {_relative(resources.BUNDLED_TRIAL)} and the shipped "
                "corpus (data/snapshot)"]
    return ([f"trial: {_relative(Path(t)) if Path(t).exists() else t}" for t in options.trials]
            + [f"pubmed: {_relative(Path(p))}" for p in options.pubmed_files])


def _relative(path: Path) -> str:
    """A path inside the project relative to it (stable across checkouts), else absolute."""
    resolved = path.resolve()
    try:
        return str(resolved.relative_to(resources.PROJECT_ROOT))
    except ValueError:
        return str(resolved)


def corpus_trials(exclude: set[str]) -> list[Trial]:
    """The shipped related and contrasting trials (data/snapshot/trials), parsed."""
    from kg.sources import load_trial_file

    out = []
    for path in sorted(resources.SNAPSHOT_TRIALS.glob("NCT*.json")):
        if path.stem not in exclude:
            trial = load_trial_file(path)
            if trial.nct_id not in exclude:
                out.append(trial)
    return out


@dataclass
class Literature:
    """What the literature stage found, beyond the articles themselves."""

    articles: list[Article] = field(default_factory=list)
    resolutions: dict[str, CitationResolution] = field(default_factory=dict)  # by citation
    related: dict[str, list[str]] = field(default_factory=dict)  # NCT id -> related PMIDs
    neighbours: dict[str, list[str]] = field(default_factory=dict)  # PMID -> ELink neighbours
    counts: dict[str, int] = field(default_factory=dict)
    stats_lines: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # offline misses, named in a warning


def literature(trials: list[Trial], options: BuildOptions, use_corpus: bool,
               have: set[str]) -> Literature:
    """Articles for the trials' cited PMIDs (and the shipped corpus): snapshot first, then
    the cache, then a live EFetch when the network mode allows it. PMID-less citations are
    resolved through ECitMatch/ESearch when online; related literature is searched for."""
    from kg.clients.entrez.snapshot import Snapshot

    service = literature_service(options.network)
    out = Literature()
    wanted: list[str] = []
    if options.enrich:
        for trial in trials:
            wanted.extend(r.pmid for r in trial.references if r.pmid and r.pmid not in wanted)
            for ref in trial.references:
                if not ref.pmid:
                    res = _resolve(service, ref)
                    out.resolutions[ref.citation] = res
                    if res.status == "resolved" and res.pmid and res.pmid not in wanted:
                        wanted.append(res.pmid)
    if use_corpus:
        wanted.extend(p for p in Snapshot().pmids() if p not in wanted)
    if options.enrich and options.network != "offline":
        try:
            related = _related_literature(service, trials, out, vocab=default_vocabulary())
        except EntrezError as exc:
            # Related literature is a bonus: its failure is reported, not fatal.
            log.warning("related-literature search skipped: %s", exc)
            related = []
        wanted.extend(p for p in related if p not in wanted)
    wanted = [p for p in wanted if p not in have]
    if wanted:
        try:
            result = service.fetch_articles(wanted)
        except OfflineMiss as miss:
            # Offline is the default: the trial graph is still built (its references keep
            # their PMIDs), and the user is told exactly what --online would add.
            log.warning("%d cited article(s) are in neither the snapshot nor the cache "
                        "(PMID %s); run with --online to fetch them",
                        len(miss.missing), ", ".join(miss.missing))
            out.missing = list(miss.missing)
            result = service.fetch_articles([p for p in wanted if p not in set(miss.missing)])
        out.articles = result.articles
        if result.not_found:
            log.warning("NCBI has no record for PMID(s) %s", ", ".join(result.not_found))
    st = service.stats
    out.counts = {"articles from snapshot": st.from_snapshot,
                  "articles from cache": st.from_cache,
                  "articles from network": st.from_network,
                  "http requests to NCBI": st.requests,
                  "articles missing offline": len(out.missing)}
    out.stats_lines = st.lines()
    return out


def _resolve(service, ref) -> CitationResolution:
    """Resolve one PMID-less citation; a failed call leaves it unresolved, with the reason."""
    try:
        return service.resolve_citation(ref)
    except EntrezError as exc:
        log.warning("could not resolve citation %r: %s", ref.citation[:60], exc)
        return CitationResolution(ref, "unresolved", detail=f"lookup failed: {exc.message}")


def _related_literature(service, trials: list[Trial], out: Literature,
                        vocab: Vocabulary) -> list[str]:
    """ESearch by each trial's drugs, classes and conditions, and ELink neighbours of its
    cited articles; bounded (20 hits, 10 neighbours per article) and cached."""
    found: list[str] = []
    for trial in trials:
        drugs = sorted({k for iv in trial.interventions for k in iv.drugs})
        if not drugs and not trial.references:
            continue
        classes = sorted({vocab.classes[c].label for d in drugs for c in vocab.drugs[d].classes})
        conditions = sorted({vocab.conditions[m.key].label for name in trial.conditions
                             for m in vocab.name_mentions(name) if m.kind == "condition"})
        cited = [r.pmid for r in trial.references if r.pmid]
        result = service.related_pmids(drugs=[vocab.drugs[d].label for d in drugs],
                                       drug_classes=classes, conditions=conditions, pmids=cited,
                                       retmax=20, per_source_cap=10)
        out.related[trial.nct_id] = list(result.pmids)
        out.neighbours.update(result.neighbours)
        found.extend(p for p in result.pmids if p not in found)
    return found


def load_into_store(store: Store, trials: list[Trial], articles: list[Article],
                    vocab: Vocabulary, lit: Literature | None = None,
                    build: BuildInfo | None = None, deleted: Iterable[str] = ()
                    ) -> dict[str, int]:
    """Map and load every record, all in one batch (an on-disk store shows the whole build
    or none of it), with the manifest noting each record written. A record whose content is
    unchanged since it was last loaded is left as it is. ``deleted`` PMIDs (NLM
    DeleteCitation) lose their graphs, also when an earlier build put them in this store."""
    from kg.rdf.article import article_triples, provenance_triples
    from kg.rdf.trial import trial_triples
    from kg.rdf.vocabulary import concepts_of_article, concepts_of_trial, reference_graphs

    writer = _RecordWriter(store)
    for pmid in deleted:
        writer.delete(iris.record_graph("pubmed", pmid))
    drug_keys: set[str] = set()
    mesh_uis: set[str] = set()
    trial_ids = {t.nct_id for t in trials}
    resolutions = lit.resolutions if lit else {}
    for trial in trials:
        writer.record("trial", trial.nct_id, trial_triples(trial, vocab, resolutions),
                      trial.source)
        drugs, meshes = concepts_of_trial(trial, vocab)
        drug_keys |= drugs
        mesh_uis |= meshes
    root = str(resources.PROJECT_ROOT)
    for article in articles:
        triples = article_triples(article, trial_nodes=trial_ids, vocab=vocab)
        if article.source is not None:
            triples.extend(provenance_triples(article, article.source, project_root=root))
        writer.record("pubmed", article.pmid, triples, article.source)
        drugs, meshes = concepts_of_article(article, vocab)
        drug_keys |= drugs
        mesh_uis |= meshes
    if lit is not None and (lit.related or lit.neighbours):
        from kg.rdf.article import literature_link_triples

        writer.graph(iris.record_graph("links", "entrez-related"), literature_link_triples(
            lit.related, lit.neighbours, {a.pmid for a in articles}))
    # The vocabulary the records use (MeSH concepts with their ancestors, the release, the
    # curated drugs and classes), each concept its own graph: see kg.rdf.vocabulary.
    for graph, triples in reference_graphs(vocab, drug_keys, mesh_uis):
        writer.graph(graph, triples)
    writer.commit(build or BuildInfo([]))
    return {"trials": len(trials), "articles": len(articles),
            "records written": writer.written, "records unchanged": writer.unchanged}


class _RecordWriter:
    """Writes records into one store batch, skipping those whose content is unchanged, and
    notes each written one in the workspace manifest."""

    def __init__(self, store: Store):
        self.store = store
        self.pending: list[tuple[URIRef, str, str, list, object]] = []
        self.deleted: list[URIRef] = []

    def record(self, kind: str, identifier: str, triples, source=None) -> None:
        """A source record (trial, article): its shared parts go to shared graphs."""
        self.pending.append((iris.record_graph(kind, identifier), kind, identifier,
                             list(triples), source))

    def graph(self, graph: URIRef, triples) -> None:
        """A graph replaced whole (vocabulary, reference data, literature links)."""
        kind, _, identifier = str(graph).removeprefix(str(TKR["graph/"])).partition("/")
        self.pending.append((graph, kind, identifier, list(triples), None))

    def delete(self, graph: URIRef) -> None:
        """A record the sources withdrew: its graph and its manifest entry go."""
        self.deleted.append(graph)

    def commit(self, build: BuildInfo) -> None:
        from kg.rdf.partition import store_record
        from kg.store import manifest

        graphs = [graph for graph, *_ in self.pending]
        # A fresh build drops everything before it: nothing counts as already loaded.
        known = {} if build.fresh else manifest.stored_digests(self.store, graphs)
        entries = []
        self.written = self.unchanged = 0
        with self.store.batch():
            for graph, kind, ident, triples, source in self.pending:
                digest = manifest.digest(triples)
                if known.get(graph) == digest:
                    self.unchanged += 1
                    continue
                if kind in ("trial", "pubmed"):
                    store_record(self.store, kind, ident, triples)
                else:
                    self.store.replace_graph(graph, triples)
                self.written += 1
                entries.append(manifest.RecordEntry(
                    graph, kind, ident, digest,
                    _source_location(source), getattr(source, "kind", None)))
            if self.deleted:
                self.store.update(manifest.forget_update(self.deleted))
            manifest.write_entries(self.store, entries, build)


def _source_location(source) -> str | None:
    location = getattr(source, "location", None)
    if not location:
        return None
    path = Path(location)
    return _relative(path) if path.is_absolute() and path.exists() else location


def literature_service(network: str):
    """The Entrez-backed literature service for a network mode (the one place it is built)."""
    from kg.clients.cache import RequestCache, default_cache_dir
    from kg.clients.entrez.client import EntrezClient
    from kg.clients.entrez.config import EntrezConfig
    from kg.clients.entrez.service import LiteratureService
    from kg.clients.entrez.snapshot import Snapshot

    cache = RequestCache(default_cache_dir() / "entrez")
    client = None if network == "offline" else EntrezClient(EntrezConfig.from_env())
    return LiteratureService(client, Snapshot(), cache, mode=network)
