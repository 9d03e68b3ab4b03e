"""Discovering trials by condition and drug (or drug class) on ClinicalTrials.gov, or in
the shipped snapshot offline, and adding them and their literature to the graph.

Why a local matcher on top of the API's search: the API matches fuzzily (stems, synonyms,
any field), so every returned study is checked again against the curated vocabulary, and
the reason for each match (which name, as written, where) is kept to show the user. The
same matcher runs offline over the snapshot, so both modes agree on what a match is.

Change detection compares triples, not files: a study is *new* when the store has no
record graph for its NCT id, *unchanged* when the triples it maps to equal the stored ones,
and *updated* otherwise. That needs no extra vocabulary term, ignores what the graph does
not hold (retrieval times, field order), and notices curated-vocabulary changes that alter
the graph. Citation resolutions already stored (ECitMatch/ESearch outcomes) are carried
over into the comparison and the rewrite, so rediscovery neither loses nor "changes" them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field

from rdflib import Literal, URIRef

from kg.errors import KGError, OfflineMiss
from kg.model import Article, CitationResolution, Trial
from kg.rdf import iris
from kg.rdf.namespaces import PUBMED, TKG
from kg.rdf.terms import Triples
from kg.store import Store, Triple
from kg.vocab import Vocabulary

Progress = Callable[[str], None]

STATUSES = ("ACTIVE_NOT_RECRUITING", "COMPLETED", "ENROLLING_BY_INVITATION",
            "NOT_YET_RECRUITING", "RECRUITING", "SUSPENDED", "TERMINATED", "WITHDRAWN",
            "AVAILABLE", "NO_LONGER_AVAILABLE", "TEMPORARILY_NOT_AVAILABLE",
            "APPROVED_FOR_MARKETING", "WITHHELD", "UNKNOWN")  # the API's overallStatus enum

# Fixed text (no user input reaches it); the graph IRI is bound as a value (Oxigraph
# substitutes only projected variables, hence ?g in the projection).
_GRAPH_TRIPLES = "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"


class DiscoverError(KGError):
    """The search was asked for something it cannot mean (an unknown class or status)."""


def _quiet(_: str) -> None:
    pass


# --------------------------------------------------------------------------- criteria


@dataclass(frozen=True)
class Criteria:
    condition: str | None = None
    drugs: tuple[str, ...] = ()
    drug_classes: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()


@dataclass(frozen=True)
class Plan:
    """Criteria resolved against the vocabulary: curated keys where a name is known,
    literal text (matched as a whole word, case-insensitively) where it is not."""

    drug_keys: frozenset[str]
    drug_texts: tuple[str, ...]
    condition_keys: frozenset[str]
    condition_text: str | None
    statuses: tuple[str, ...]
    intervention_names: tuple[str, ...]  # every name sent in query.intr
    condition_names: tuple[str, ...]  # every name sent in query.cond


def plan(criteria: Criteria, vocab: Vocabulary) -> Plan:
    if not (criteria.condition or criteria.drugs or criteria.drug_classes):
        raise DiscoverError("give at least one of --condition, --drug or --drug-class")
    drug_keys: set[str] = set()
    for name in criteria.drug_classes:
        try:
            drug_keys.update(vocab.members(vocab.resolve_class(name)))
        except KeyError as exc:
            raise DiscoverError(str(exc.args[0])) from None
    drug_texts = []
    for name in criteria.drugs:
        keys = vocab.drug_keys_in(name)
        if keys:
            drug_keys.update(keys)
        else:
            drug_texts.append(name.strip())
    names = [n for k in sorted(drug_keys) for n in vocab.drugs[k].names] + drug_texts
    cond_keys, cond_text, cond_names = _condition_plan(criteria.condition, vocab)
    return Plan(frozenset(drug_keys), tuple(drug_texts), cond_keys, cond_text,
                tuple(_status(s) for s in criteria.statuses), tuple(dict.fromkeys(names)),
                cond_names)


def _condition_plan(text: str | None, vocab: Vocabulary
                    ) -> tuple[frozenset[str], str | None, tuple[str, ...]]:
    if not text:
        return frozenset(), None, ()
    keys = frozenset(vocab.condition_keys_in(text))
    if not keys:
        return keys, text.strip(), (text.strip(),)
    narrower = [k for k, c in vocab.conditions.items() if c.match_in_text
                and keys & set(vocab.condition_ancestors(k))]
    names = [text.strip()] + [n for k in sorted(narrower) for n in vocab.conditions[k].names]
    return keys, None, tuple(dict.fromkeys(names))


def _status(text: str) -> str:
    status = re.sub(r"[\s\-]+", "_", text.strip()).upper()
    if status not in STATUSES:
        raise DiscoverError(f"unknown status {text!r}; known: {', '.join(STATUSES)}")
    return status


def essie_phrase(text: str) -> str:
    """User text as one Essie phrase: quoted, inner quotes escaped with a backslash (the
    syntax's only escape inside quotes), backslashes dropped so none can escape the end."""
    cleaned = " ".join(text.replace("\\", " ").split())
    return '"' + cleaned.replace('"', '\\"') + '"'


def essie_any(names: Iterable[str]) -> str | None:
    phrases = list(dict.fromkeys(essie_phrase(n) for n in names if n.strip()))
    return " OR ".join(phrases) if phrases else None


# --------------------------------------------------------------------------- matching


@dataclass(frozen=True)
class Reason:
    kind: str  # "drug" or "condition"
    concept: str  # the curated label, or the literal text asked for
    surface: str  # the words as the record writes them
    where: str  # "intervention", "official title", ...

    def __str__(self) -> str:
        said = "" if self.surface.casefold() == self.concept.casefold() else f" as '{self.surface}'"
        return f"{self.concept}{said} in {self.where}"


def _drug_fields(trial: Trial) -> Iterator[tuple[str, str]]:
    for iv in trial.interventions:
        yield "intervention", iv.name
        for name in iv.other_names:
            yield "intervention other name", name
        yield "intervention description", iv.description or ""
    for arm in trial.arms:
        yield "arm group label", arm.label
    yield "title", trial.brief_title or ""
    yield "official title", trial.official_title or ""


def _condition_fields(trial: Trial) -> Iterator[tuple[str, str]]:
    for name in trial.conditions:
        yield "conditions", name
    for word in trial.keywords:
        yield "keywords", word
    yield "title", trial.brief_title or ""
    yield "official title", trial.official_title or ""


def _literal(text: str) -> re.Pattern[str]:
    body = r"[\s\-]+".join(re.escape(p) for p in re.split(r"[\s\-]+", text) if p)
    return re.compile(rf"(?<![A-Za-z0-9]){body}(?![A-Za-z0-9])", re.IGNORECASE)


def _drug_reasons(trial: Trial, p: Plan, vocab: Vocabulary) -> list[Reason]:
    found: dict[str, Reason] = {}
    for where, text in _drug_fields(trial):
        for m in vocab.find_drugs(text):
            if m.key in p.drug_keys:
                found.setdefault(m.key, Reason("drug", vocab.drugs[m.key].label, m.surface, where))
        for literal in p.drug_texts:
            hit = _literal(literal).search(text)
            if hit:
                found.setdefault(literal, Reason("drug", literal, hit.group(0), where))
    return list(found.values())


def _condition_reasons(trial: Trial, p: Plan, vocab: Vocabulary) -> list[Reason]:
    """The requested condition or a narrower one (MeSH tree): asking for nasopharyngeal
    neoplasms finds nasopharyngeal carcinoma trials, not the other way round."""
    for where, text in _condition_fields(trial):
        for m in vocab.find_conditions(text):
            if p.condition_keys & set(vocab.condition_ancestors(m.key)):
                return [Reason("condition", vocab.conditions[m.key].label, m.surface, where)]
        if p.condition_text:
            hit = _literal(p.condition_text).search(text)
            if hit:
                return [Reason("condition", p.condition_text, hit.group(0), where)]
    return []


def match(trial: Trial, p: Plan, vocab: Vocabulary) -> list[Reason] | None:
    """Why ``trial`` answers the plan, or None when it does not."""
    if p.statuses and (trial.overall_status or "").upper() not in p.statuses:
        return None
    reasons: list[Reason] = []
    if p.drug_keys or p.drug_texts:
        drugs = _drug_reasons(trial, p, vocab)
        if not drugs:
            return None
        reasons += drugs
    if p.condition_keys or p.condition_text:
        conditions = _condition_reasons(trial, p, vocab)
        if not conditions:
            return None
        reasons += conditions
    return reasons


# --------------------------------------------------------------------------- searching


@dataclass(frozen=True)
class ClientSettings:
    """How politely and how hard to ask ClinicalTrials.gov."""

    min_interval: float = 0.5  # seconds between requests
    retries: int = 4  # attempts per request, the first included
    backoff: float = 1.0  # first retry delay; doubles, capped by the client
    timeout: float = 30.0
    page_size: int = 100


@dataclass
class Found:
    trial: Trial
    reasons: list[Reason]
    origin: str  # "snapshot", "cache" or "network"


@dataclass
class SearchOutcome:
    found: list[Found] = field(default_factory=list)
    studies_read: int = 0
    pages: int = 0
    unreadable: list[str] = field(default_factory=list)  # "location: problem"
    notes: list[str] = field(default_factory=list)


def search(p: Plan, network: str, vocab: Vocabulary, *, settings: ClientSettings | None = None,
           limit: int | None = None, progress: Progress = _quiet) -> SearchOutcome:
    """Online: the API's pages (always asked afresh; a search goes stale as soon as any
    record changes) and cached for later. Offline: the snapshot plus any cached pages of
    the same search. Either way every study passes through :func:`match`."""
    out = SearchOutcome()
    candidates: dict[str, tuple[dict, str, str]] = {}
    if network == "offline":
        candidates.update(_snapshot_studies())
    api = _api_studies(p, network, settings or ClientSettings(), limit, out, progress)
    for i, (study, origin, location) in enumerate(api):
        candidates[_nct(study) or f"{location}#{i}"] = (study, origin, location)
    for study, origin, location in candidates.values():
        out.studies_read += 1
        trial = _parse(study, origin, location, out)
        reasons = match(trial, p, vocab) if trial else None
        if reasons:
            out.found.append(Found(trial, reasons, origin))
    out.found.sort(key=lambda f: f.trial.nct_id)
    progress(f"matched {len(out.found)} of {out.studies_read} studies")
    return out


def _snapshot_studies() -> dict[str, tuple[dict, str, str]]:
    from kg import resources

    out = {}
    for path in sorted(resources.SNAPSHOT_TRIALS.glob("NCT*.json")):
        study = json.loads(path.read_text(encoding="utf-8"))
        out[_nct(study) or str(path)] = (study, "snapshot", str(path))
    return out


def ctgov_client(settings: ClientSettings, network: str):
    from kg.clients.cache import RequestCache, default_cache_dir
    from kg.clients.ctgov import CTGovClient

    mode = "offline" if network == "offline" else "refresh"
    return CTGovClient(cache=RequestCache(default_cache_dir() / "ctgov"), mode=mode,
                       min_interval=settings.min_interval, retries=settings.retries,
                       backoff=settings.backoff, timeout=settings.timeout)


def _api_studies(p: Plan, network: str, settings: ClientSettings, limit: int | None,
                 out: SearchOutcome, progress: Progress) -> Iterator[tuple[dict, str, str]]:
    client = ctgov_client(settings, network)
    pages = client.search(condition=essie_any(p.condition_names),
                          intervention=essie_any(p.intervention_names), statuses=p.statuses,
                          page_size=settings.page_size, limit=limit)
    try:
        for page in pages:
            out.pages += 1
            total = f" of {page.total_count}" if page.total_count is not None else ""
            again = ", restarted after an expired page token" if page.restarted else ""
            progress(f"page {page.number}{again}: {len(page.studies)} studies{total} "
                     f"({page.source})")
            if page.note:
                out.notes.append(page.note)
            for study in page.studies:
                yield study, page.source, page.url
    except OfflineMiss as miss:
        if out.pages == 0:
            out.notes.append("no cached API search for these criteria; snapshot only")
        else:
            out.notes.append(f"cached search ends early: {miss.message}")


def _nct(study: object) -> str | None:
    try:
        return str(study["protocolSection"]["identificationModule"]["nctId"])  # type: ignore[index]
    except (KeyError, TypeError):
        return None


def _parse(study: dict, origin: str, location: str, out: SearchOutcome) -> Trial | None:
    from kg.errors import TrialParseError
    from kg.extract.regimen import complete_trial
    from kg.sources import ctgov

    kind = "ctgov-json" if origin == "snapshot" else "ctgov-api"
    try:
        return complete_trial(ctgov.parse(study, location=location, source_kind=kind))
    except TrialParseError as exc:
        out.unreadable.append(str(exc))
        return None


# --------------------------------------------------------------------------- the store


def graph_triples(store: Store, name: URIRef) -> list[Triple]:
    result = store.query(_GRAPH_TRIPLES, {"g": name})
    return [(r["s"], r["p"], r["o"]) for r in result.rows]


def _canonical(triples: Iterable[Triple]) -> set[tuple[object, ...]]:
    return {_key(t) for t in triples}


def _key(triple: Triple) -> tuple[object, ...]:
    """A triple as a comparable value. Typed literals compare by value: a store may
    rewrite the lexical form (Oxigraph writes the decimal 18.0 as "18")."""
    s, p, o = triple
    if isinstance(o, Literal) and o.datatype is not None:
        value = o.toPython()
        return s.n3(), p.n3(), str(o.datatype), value if value is not o else str(o)
    return s.n3(), p.n3(), o.n3()


def _stored_resolutions(stored: list[Triple], trial: Trial) -> dict[str, CitationResolution]:
    """Rebuild the citation resolutions the stored graph records, keyed like the mapping
    expects (by citation text)."""
    facts: dict[tuple[str, str], object] = {(str(s), str(p)): o for s, p, o in stored}
    out = {}
    for ref in trial.references:
        if ref.pmid:
            continue
        node = str(iris.citation(ref.doi, ref.citation))
        status = facts.get((node, str(TKG.resolutionStatus)))
        method = facts.get((node, str(TKG.resolutionMethod)))
        if status is None:
            continue
        target = facts.get((node, str(TKG.resolvedTo)))
        pmid = str(target)[len(str(PUBMED)):] if target is not None else None
        detail = facts.get((node, str(TKG.resolutionDetail)))
        out[ref.citation] = CitationResolution(ref, str(status), pmid,
                                               str(method) if method else None,
                                               str(detail) if detail else None)
    return out


def add_trials(store: Store, trials: list[Trial], vocab: Vocabulary) -> dict[str, str]:
    """Write each trial whose triples differ from the store's; say which were new,
    updated or unchanged."""
    from kg.rdf.partition import partition, store_record
    from kg.rdf.trial import trial_triples

    changes: dict[str, str] = {}
    for trial in trials:
        name = iris.record_graph("trial", trial.nct_id)
        stored = graph_triples(store, name)
        triples = trial_triples(trial, vocab, _stored_resolutions(stored, trial))
        # The record graph holds the triples about the nodes the trial owns; compare those.
        owned, _ = partition("trial", trial.nct_id, triples)
        if not stored:
            changes[trial.nct_id] = "new"
        elif _canonical(stored) == _canonical(owned):
            changes[trial.nct_id] = "unchanged"
            continue
        else:
            changes[trial.nct_id] = "updated"
        store_record(store, "trial", trial.nct_id, triples)
    return changes


def merge_reference_data(store: Store, vocab: Vocabulary, trials: list[Trial],
                         articles: list[Article]) -> None:
    """Add the vocabulary the new records use (drugs, classes, MeSH concepts with their
    ancestors). Each concept is its own named graph (see
    ``kg.rdf.vocabulary.reference_graphs``), so this never drops concepts other records
    still point at."""
    from kg.rdf.vocabulary import concepts_of_article, concepts_of_trial, reference_graphs

    drugs: set[str] = set()
    meshes: set[str] = set()
    for used in [*(concepts_of_trial(t, vocab) for t in trials),
                 *(concepts_of_article(a, vocab) for a in articles)]:
        drugs |= used[0]
        meshes |= used[1]
    for graph, triples in reference_graphs(vocab, drugs, meshes):
        store.replace_graph(graph, triples)


# --------------------------------------------------------------------------- literature


@dataclass
class LiteratureOutcome:
    articles: list[Article] = field(default_factory=list)
    registered: dict[str, list[str]] = field(default_factory=dict)  # NCT -> PMIDs naming it
    already: int = 0  # wanted PMIDs the store already held
    missing: list[str] = field(default_factory=list)  # offline misses and unknown PMIDs
    counts: dict[str, int] = field(default_factory=dict)


def si_term(nct_id: str) -> str:
    """``NCT…[si]``: PubMed's Secondary Source ID field holds the DataBank accessions, so
    it finds the articles that registered the trial. The id is checked, never user text."""
    from kg.sources.common import is_nct_id

    if not is_nct_id(nct_id):
        raise ValueError(f"not an NCT id: {nct_id!r}")
    return f"{nct_id}[si]"


def fetch_literature(store: Store, trials: list[Trial], network: str, *, si_retmax: int = 20,
                     batch: int = 200, progress: Progress = _quiet) -> LiteratureOutcome:
    """The trials' cited PMIDs and the articles whose DataBank names them, through the
    Entrez service (snapshot, cache, then batched, paced EFetch)."""
    from kg.pipeline.build import literature_service

    service = literature_service(network)
    out = LiteratureOutcome()
    wanted = [r.pmid for t in trials for r in t.references if r.pmid]
    for trial in trials:
        result = service.search(si_term(trial.nct_id), retmax=si_retmax)
        out.registered[trial.nct_id] = list(result.ids) if result else []
        wanted += out.registered[trial.nct_id]
    progress(f"literature: {len(dict.fromkeys(wanted))} PMIDs from references and [si] search")
    have = _graph_ids(store, "pubmed")
    wanted = list(dict.fromkeys(wanted))
    out.already = sum(1 for p in wanted if p in have)
    wanted = [p for p in wanted if p not in have]
    for start in range(0, len(wanted), batch):
        chunk = wanted[start:start + batch]
        out.articles += _fetch(service, chunk, out)
        progress(f"articles: {min(start + batch, len(wanted))} of {len(wanted)} fetched")
    st = service.stats
    out.counts = {"from snapshot": st.from_snapshot, "from cache": st.from_cache,
                  "from network": st.from_network, "requests": st.requests}
    return out


def _fetch(service, pmids: list[str], out: LiteratureOutcome) -> list[Article]:
    """One batch; offline, the PMIDs neither snapshot nor cache holds are set aside."""
    try:
        result = service.fetch_articles(pmids)
    except OfflineMiss as miss:
        out.missing += miss.missing
        rest = [p for p in pmids if p not in set(miss.missing)]
        return _fetch(service, rest, out) if rest else []
    out.missing += result.not_found
    return result.articles


def _graph_ids(store: Store, kind: str) -> set[str]:
    prefix = str(iris.record_graph(kind, ""))
    return {str(g)[len(prefix):] for g in store.graph_names() if str(g).startswith(prefix)}


def add_articles(store: Store, lit: LiteratureOutcome, vocab: Vocabulary) -> None:
    """Each article in its own graph; the [si] hits as ``tkg:registeredTrial`` links in one
    graph per trial, so a later search for another trial replaces none of them."""
    from kg import resources
    from kg.rdf.article import article_triples, provenance_triples
    from kg.rdf.partition import store_record

    trials = _graph_ids(store, "trial")
    # inside a batch the graphs written below are not listed until it commits
    present = _graph_ids(store, "pubmed") | {article.pmid for article in lit.articles}
    for article in lit.articles:
        triples = article_triples(article, trial_nodes=trials, vocab=vocab)
        if article.source is not None:
            triples.extend(provenance_triples(article, article.source,
                                              project_root=str(resources.PROJECT_ROOT)))
        store_record(store, "pubmed", article.pmid, triples)
    for nct, pmids in sorted(lit.registered.items()):
        links = Triples()
        for pmid in pmids:
            if pmid in present:
                links.add(iris.article(pmid), TKG.registeredTrial, iris.trial(nct))
        store.replace_graph(iris.record_graph("links", f"pubmed-si-{nct}"), links)


# --------------------------------------------------------------------------- all of it


@dataclass
class DiscoverOptions:
    criteria: Criteria
    network: str = "offline"  # "offline", "online" or "refresh"
    limit: int | None = None  # studies read from the API at most
    settings: ClientSettings = field(default_factory=ClientSettings)
    with_literature: bool = False


@dataclass
class DiscoverResult:
    search: SearchOutcome
    changes: dict[str, str]
    literature: LiteratureOutcome | None = None

    def count(self, change: str) -> int:
        return sum(1 for c in self.changes.values() if c == change)


def discover(options: DiscoverOptions, store: Store, vocab: Vocabulary | None = None,
             progress: Progress = _quiet) -> DiscoverResult:
    """Search, match, then write: trials first (so a literature failure loses none of
    them), then their articles, then the reference data both need. Each of the two writes
    is one transaction on a store that has them (``Store.batch``): an interrupted step
    leaves the store as it was before that step, and one commit costs less than a commit
    per record."""
    from kg.vocab import default_vocabulary

    vocab = vocab or default_vocabulary()
    p = plan(options.criteria, vocab)
    found = search(p, options.network, vocab, settings=options.settings, limit=options.limit,
                   progress=progress)
    trials = [f.trial for f in found.found]
    progress(f"loading {len(trials)} trials")
    with store.batch():
        changes = add_trials(store, trials, vocab)
        merge_reference_data(store, vocab, trials, [])
    result = DiscoverResult(found, changes)
    if options.with_literature and trials:
        result.literature = fetch_literature(store, trials, options.network, progress=progress)
        progress(f"loading {len(result.literature.articles)} articles")
        with store.batch():
            add_articles(store, result.literature, vocab)
            merge_reference_data(store, vocab, [], result.literature.articles)
    return result


def open_target(choice) -> Store:
    """The store found trials go into (a ``kg.store.workspace.StoreChoice``): the workspace
    by default, created on first use; 'memory': the bundled trial's graph (built offline)
    for this command only. Opened before any network work, so a bad path costs nothing."""
    if choice.spec == "memory":
        from kg.pipeline.build import BuildOptions, build

        return build(BuildOptions(corpus=False)).store
    from kg.pipeline.workspace import open_for_build

    return open_for_build(choice)
