"""Field scale: a synthetic field of N trials and M articles (benchmarks/synthetic_field.py),
built through the real parsers, mapping and the bulk path (kg/pipeline/bulk.py) into an on-disk
Oxigraph store; then `kg related` and every library query on it. The first K trials and
L articles of the same field also go through the normal build into the rdflib memory store
and through the bulk path, for rdflib/Oxigraph ratios where rdflib finishes in its budget.

    python benchmarks/field.py --trials 1000 --articles 10000 [--seed 7] [--runs 3]

Figures, never assertions. Targets at 10,000 trials / 100,000 articles on 2 cores: peak RSS
<= 4 GB, `kg related` <= 1 s. The build is judged against peers measured in the same run on
real files instead (benchmarks/real_pubmed.py: pubmed_parser's parse-only time and the load
floor), not against a fixed number of seconds; here it is reported with its load floor.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import headline, ms, table  # noqa: E402
from benchmarks.synthetic_field import FieldFiles, generate  # noqa: E402
from kg.pipeline.bulk import BulkResult, build_field, open_field_store  # noqa: E402
from kg.views import query as q  # noqa: E402
from kg.views.related import find_related  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {"peak RSS MB": 4096.0, "kg related ms": 1000.0}
RELATED_LIMIT = 20  # what `kg related` shows by default


class _PeakRSS:
    """Samples the resident memory of this process and its children (their sum counts pages
    shared after fork twice, so it is an upper bound)."""

    def __init__(self, every: float = 0.2):
        self.peak, self._every, self._stop = 0, every, threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> _PeakRSS:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        try:
            import psutil
        except ImportError:
            return
        me = psutil.Process()
        while not self._stop.wait(self._every):
            total = 0
            for proc in [me, *me.children(recursive=True)]:
                with contextlib.suppress(psutil.Error):
                    total += proc.memory_info().rss
            self.peak = max(self.peak, total)


def _median(fn: Callable[[], object], runs: int) -> tuple[float, object]:
    times, answer = [], None
    for _ in range(runs):
        start = time.perf_counter()
        answer = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), answer


class _Budget(BaseException):  # not Exception: stores wrap those in QueryError
    pass


def _within(seconds: float, fn: Callable[[], object]) -> float | None:
    """Wall seconds of ``fn``, or None when it runs past the budget. The alarm interrupts
    Python code (rdflib); it cannot stop a call inside a native library."""

    def ring(_signum, _frame):
        raise _Budget

    previous = signal.signal(signal.SIGALRM, ring)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    start = time.perf_counter()
    try:
        fn()
        return time.perf_counter() - start
    except _Budget:
        return None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# --------------------------------------------------------------------------- build


def _build(field: FieldFiles, store: Path, workers: int | None) -> tuple[BulkResult, dict]:
    start = time.perf_counter()
    with _PeakRSS() as sampler:
        result = build_field(store, field.all_trial_files, field.all_pubmed_files,
                             workers=workers)
    wall = time.perf_counter() - start
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return result, {"wall": wall, "rss main": me, "rss worker": kids,
                    "rss sampled": sampler.peak / 2**20}


def _print_build(result: BulkResult, figures: dict) -> None:
    print(f"\nbuilt {result.trials:,} trials and {result.articles:,} articles: "
          f"{result.quads:,} quads in {figures['wall']:.1f} s "
          f"({result.quads / figures['wall']:,.0f} quads/s)")
    rows = [[stage, f"{secs:.1f}"] for stage, secs in result.seconds.items()]
    print(table(["stage (wall)", "s"], rows))
    rows = [[stage, f"{secs:.1f}"] for stage, secs in sorted(result.cpu.items(),
                                                             key=lambda kv: -kv[1])]
    rows.append(["TOTAL CPU", f"{sum(result.cpu.values()):.1f}"])
    print(table(["stage (CPU, all processes)", "s"], rows))
    print(f"peak RSS: main process {figures['rss main']:.0f} MB, largest worker "
          f"{figures['rss worker']:.0f} MB, sampled sum of all processes "
          f"{figures['rss sampled']:.0f} MB")


# --------------------------------------------------------------------------- queries


def _stage_times(store, runs: int, seed: str, label: str) -> list[list[str]]:
    """The finder's stages alone (what the seed has, the store's ranking, explaining the
    top), and the whole ranking unranked by the store, to say where the time goes."""
    from kg.views import related as r
    from kg.views.related_evidence import gather_evidence
    from kg.views.related_rank import shortlist
    from kg.vocab import default_vocabulary

    iri, vocab = r._seed_iri(seed), default_vocabulary()
    secs, tables = _median(lambda: r.SeedTables.of(store, iri), runs)
    rows = [[f"  seed look-ups ({label})", ms(secs),
             f"{len(tables.drugs) + len(tables.conditions):,}"]]
    secs, short = _median(lambda: shortlist(store, iri, tables, RELATED_LIMIT * 2) or [], runs)
    rows.append([f"  rank.rq: the store ranks ({label})", ms(secs), f"{len(short):,}"])
    secs, got = _median(lambda: gather_evidence(store, iri, vocab, tables, short), runs)
    rows.append([f"  evidence for the top {len(short)} ({label})", ms(secs),
                 f"{len(got[0].best):,}"])
    secs, every = _median(lambda: find_related(store, seed), 1)
    rows.append([f"kg related --limit 0: every candidate explained ({label})", ms(secs),
                 f"{len(every):,}"])
    return rows


_MOST_CITED_MESH = """
PREFIX tkg: <https://w3id.org/trialkg/vocab#>
PREFIX dcterms: <http://purl.org/dc/terms/>
SELECT ?id (COUNT(DISTINCT ?cited) AS ?n) WHERE {
  ?trial tkg:nctId ?id ; dcterms:references ?cited . ?cited dcterms:subject ?descriptor .
} GROUP BY ?id ORDER BY DESC(?n) ?id LIMIT 1
"""


def _synthetic_seed(store) -> str:
    """A generated trial whose citations carry MeSH, so the MeSH-overlap evidence (empty
    for the real seed: its snapshot records have no MeSH) is measured too."""
    rows = store.query(_MOST_CITED_MESH).rows
    return str(rows[0]["id"]) if rows else "NCT05807880"


# Each library query runs in a child process so that one which does not finish in its budget
# can be stopped: a query inside Oxigraph cannot be interrupted from Python.
_QUERY_CHILD = """
import json, statistics, sys, time
from kg.views import query as q
from kg.pipeline.bulk import open_field_store
target, name, runs, budget = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
store = open_field_store(target)
if name.startswith("related:"):
    from kg.views.related import find_related
    work = lambda: find_related(store, name.partition(":")[2], limit=20)
else:
    lq = q.library()[name]
    work = lambda: q.run(store, lq).rows
times, spent = [], 0.0
while len(times) < runs and (not times or spent + times[0] < budget / 2):
    start = time.perf_counter()
    rows = len(work())
    times.append(time.perf_counter() - start)
    spent += times[-1]
print(json.dumps({"seconds": statistics.median(times), "rows": rows, "runs": len(times)}))
"""


def _in_child(target: Path, name: str, runs: int, budget: float) -> dict | None:
    """Median seconds and rows of a library query (or ``related:NCT…``) on the store, run
    in a child process; None when it ran past the budget and was stopped."""
    try:
        done = subprocess.run([sys.executable, "-c", _QUERY_CHILD, str(target), name,
                               str(runs), str(budget)], capture_output=True, text=True,
                              timeout=budget + 15, cwd=ROOT, check=True)
    except subprocess.TimeoutExpired:
        return None
    except subprocess.CalledProcessError as exc:
        raise SystemExit(f"{name} failed: {exc.stderr.strip()[-500:]}") from None
    return json.loads(done.stdout.strip().splitlines()[-1])


def _library_times(target: Path, runs: int, budget: float) -> dict[str, dict | None]:
    return {name: _in_child(target, name, runs, budget) for name in q.library()}


def _query_rows(times: dict[str, dict | None], budget: float) -> list[list[str]]:
    rows = []
    for name, got in sorted(times.items(), key=lambda kv: -(kv[1] or {"seconds": 1e9})[
            "seconds"]):
        if got is None:
            rows.append([name, f"> {budget * 1000:,.0f} (stopped)", "-"])
        else:
            rows.append([name, ms(got["seconds"]), f"{got['rows']:,}"])
    return rows


def _print_related(results) -> None:
    print("\ntop 10 related to NCT05807880 on the field graph:")
    for rank, r in enumerate(results[:10], start=1):
        print(f"{rank:>2}. {r.score:>5g}  {r.kind:<7} {r.identifier:<12} {r.label[:70]}")
        for reason in r.reasons:
            print(f"{'':>18}- {reason}")


# --------------------------------------------------------------------------- rdflib share


def _subset(field: FieldFiles, out: Path, trials: int, articles: int) -> FieldFiles:
    """The first ``trials`` studies and the first PubMed files up to ``articles`` records."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / "trials-0000.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for line in _lines(field.trial_files, trials):
            handle.write(line)
    per_file = max(1, field.articles // max(1, len(field.pubmed_files)))
    pubmed = field.pubmed_files[: max(1, articles // per_file)]
    return FieldFiles(out, [path], pubmed, field.real_trial_files, field.real_pubmed_files,
                      trials, per_file * len(pubmed))


def _lines(files: list[Path], limit: int):
    count = 0
    for path in files:
        with path.open(encoding="utf-8") as handle:
            for line in handle:
                if count == limit:
                    return
                count += 1
                yield line


def _rdflib_store(field: FieldFiles, budget: float):
    """The normal build (kg.pipeline.build.load_into_store) into the rdflib memory store."""
    from kg.pipeline.build import load_into_store
    from kg.pipeline.bulk import iter_articles, iter_trials
    from kg.store.memory import MemoryStore
    from kg.vocab import default_vocabulary

    store = MemoryStore()

    def load() -> None:
        trials = [t for p in field.all_trial_files for t in iter_trials(p)]
        articles = [a for p in field.all_pubmed_files for a in iter_articles(p)]
        load_into_store(store, trials, articles, default_vocabulary())

    return store, _within(budget, load)


def _compare(field: FieldFiles, work: Path, args) -> list[list[str]]:
    small = _subset(field, work / "subset", args.rdflib_trials, args.rdflib_articles)
    print(f"\nrdflib comparison on the first {small.trials:,} trials and {small.articles:,} "
          f"articles (budget {args.budget:g} s per query)")
    start = time.perf_counter()
    build_field(work / "subset-store", small.all_trial_files, small.all_pubmed_files)
    bulk_secs = time.perf_counter() - start
    memory, rdflib_secs = _rdflib_store(small, args.build_budget)
    rows = [_ratio_row("build (parse, map, load)", rdflib_secs, bulk_secs, args.build_budget)]
    if rdflib_secs is None:
        return rows
    oxi = open_field_store(work / "subset-store")
    ox_secs, _ = _median(lambda: find_related(oxi, limit=RELATED_LIMIT), args.runs)
    oxi.close()
    rows.append(_ratio_row(f"kg related, top {RELATED_LIMIT}", _within(
        args.budget, lambda: find_related(memory, limit=RELATED_LIMIT)),
                           ox_secs, args.budget))
    ox_times = _library_times(work / "subset-store", args.runs, args.budget)
    for name, lq in q.library().items():
        rd_secs = _within(args.budget, lambda lq=lq: q.run(memory, lq))
        got = ox_times[name]
        rows.append(_ratio_row(name, rd_secs, got["seconds"] if got else None, args.budget))
    return rows


def _ratio_row(name: str, rdflib_secs: float | None, ox_secs: float | None,
               budget: float) -> list[str]:
    over = f"> {budget * 1000:,.0f} (stopped)"
    rd = ms(rdflib_secs) if rdflib_secs is not None else over
    ox = ms(ox_secs) if ox_secs is not None else over
    if rdflib_secs is None or ox_secs is None:
        return [name, rd, ox, "-"]
    return [name, rd, ox, f"{rdflib_secs / ox_secs:.1f}x"]


# --------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--trials", type=int, default=1000)
    ap.add_argument("--articles", type=int, default=10000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--runs", type=int, default=3, help="runs per timing (median)")
    ap.add_argument("--workers", type=int, default=None, help="default: one per core")
    ap.add_argument("--rdflib-trials", type=int, default=200)
    ap.add_argument("--rdflib-articles", type=int, default=2500)
    ap.add_argument("--budget", type=float, default=10.0,
                    help="seconds a query gets before it is stopped")
    ap.add_argument("--build-budget", type=float, default=120.0,
                    help="seconds the rdflib build of the subset gets")
    ap.add_argument("--work", type=Path, default=None,
                    help="keep the field and stores here (default: a temporary directory)")
    args = ap.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)
    work = args.work or Path(tempfile.mkdtemp(prefix="trialkg-field-"))
    try:
        return _run(args, work)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)


def _run(args, work: Path) -> int:
    start = time.perf_counter()
    field = generate(work / "field", args.trials, args.articles, args.seed)
    generation = time.perf_counter() - start
    print(f"generated {args.trials:,} synthetic trials and {args.articles:,} articles "
          f"(+ the real seed trial and snapshot) in {generation:.1f} s (not counted below)")
    result, figures = _build(field, work / "store", args.workers)
    _print_build(result, figures)
    store = open_field_store(work / "store")
    related_secs, results = _median(lambda: find_related(store, limit=RELATED_LIMIT),
                                    args.runs)
    _print_related(results)
    other = _synthetic_seed(store)
    evidence = [[f"kg related, top {RELATED_LIMIT} (real seed NCT05807880)", ms(related_secs),
                 f"{len(results):,}"],
                *_stage_times(store, args.runs, "NCT05807880", "real seed")]
    store.close()
    # A seed whose citations carry MeSH: its evidence may not finish, so it runs in a child.
    other_related = _in_child(work / "store", f"related:{other}", args.runs, args.budget)
    evidence += _query_rows({f"kg related, top {RELATED_LIMIT} (synthetic seed {other}, "
                             "citations with MeSH)": other_related},
                            args.budget)
    library = _library_times(work / "store", args.runs, args.budget)
    print(f"\n`kg related` on the field store, its evidence queries alone, and every library "
          f"query (on-disk Oxigraph, median of up to {args.runs}):")
    print(table(["query", "ms", "rows"], evidence + _query_rows(library, args.budget)))
    comparison = _compare(field, work, args)
    print(table(["step", "rdflib memory ms", "Oxigraph (bulk, on disk) ms", "ratio"],
                comparison))
    _summary(args, result, figures, related_secs, library)
    return 0


def _summary(args, result: BulkResult, figures: dict, related_secs: float,
             library: dict[str, dict | None]) -> None:
    measured = {"peak RSS MB": figures["rss sampled"]
                or figures["rss main"] + figures["rss worker"],
                "kg related ms": related_secs * 1000}
    rows = [["build s", f"{figures['wall']:,.1f}", "see real_pubmed.py", ""]]
    headline(f"field {args.trials:,} trials / {args.articles:,} articles: build s",
             f"{figures['wall']:,.1f}")
    for key, value in measured.items():
        verdict = "met" if value <= TARGETS[key] else "MISSED"
        rows.append([key, f"{value:,.1f}", f"{TARGETS[key]:,.0f}", verdict])
        headline(f"field {args.trials:,} trials / {args.articles:,} articles: {key}",
                 f"{value:,.1f} (target {TARGETS[key]:,.0f} at 10k/100k)")
    rows.append(["quads", f"{result.quads:,}", "", ""])
    rows.append(["CPU s (all processes)", f"{sum(result.cpu.values()):,.1f}", "", ""])
    stopped = sorted(name for name, got in library.items() if got is None)
    finished = {n: g for n, g in library.items() if g is not None}
    if finished:
        name, got = max(finished.items(), key=lambda kv: kv[1]["seconds"])
        rows.append([f"slowest finished query ({name}) ms", ms(got["seconds"]), "", ""])
    if stopped:
        rows.append([f"queries past {args.budget:g} s", ", ".join(stopped), "", ""])
    print(f"\nsummary: {args.trials:,} trials, {args.articles:,} articles "
          f"(targets are for 10,000 / 100,000 on 2 cores)")
    print(table(["measure", "value", "target", ""], rows))


if __name__ == "__main__":
    sys.exit(main())
