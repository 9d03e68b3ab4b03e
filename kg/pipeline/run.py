"""What ``kg build`` and ``kg run`` do, as library functions the CLI calls.

``kg run`` writes every artifact into a staging folder beside ``output/`` and moves them
into place only when all are written, with SIGINT and SIGTERM held back for the moment the
moves take: an interrupted run leaves ``output/`` wholly as it was or wholly new.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from rdflib import Graph

from kg.errors import StoreError, ValidationError
from kg.pipeline.build import BuildOptions, BuildResult
from kg.rdf.serialize import write_graph
from kg.store import Store

__all__ = ["BuildOptions", "run_build", "run_all", "write_graph_files", "summary_line"]

Echo = Callable[[str], None]


def write_graph_files(store: Store, output_dir: Path, graph: Graph | None = None
                      ) -> list[Path]:
    """graph.ttl and graph.jsonld of the store's union (``graph``, when already drawn)."""
    graph = store.union() if graph is None else graph
    written = []
    for name, fmt in (("graph.ttl", "turtle"), ("graph.jsonld", "json-ld")):
        path = output_dir / name
        write_graph(graph, path, fmt)
        written.append(path)
    return written


def store_counts(store: Store) -> tuple[int, int, int]:
    """(quads, distinct triples, named graphs): what the summary counts, by name, since a
    triple several records state is one triple and several quads."""
    quads = store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }").rows
    triples = store.query("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o "
                          "WHERE { GRAPH ?g { ?s ?p ?o } } }").rows
    return (int(quads[0]["n"]) if quads else 0, int(triples[0]["n"]) if triples else 0,
            len(store.graph_names()))


def summary_line(result: BuildResult, store: Store) -> str:
    c = result.counts
    line = (f"{c.get('trials', 0)} trial(s), {c.get('articles', 0)} article(s): "
            f"{c.get('records written', 0)} graph(s) written, "
            f"{c.get('records unchanged', 0)} unchanged")
    from kg.store import is_large

    if not is_large(store):
        quads, triples, graphs = store_counts(store)
        line += (f"; the store holds {quads:,} quads in {graphs:,} named graphs "
                 f"({triples:,} distinct triples)")
    return line


def _report(result: BuildResult, store: Store, echo: Echo, verbose: bool) -> None:
    echo(summary_line(result, store))
    if verbose:
        for stage, seconds in result.timings.stages.items():
            echo(f"  {stage:<28} {seconds * 1000:8.1f} ms")
        for key, value in sorted(result.counts.items()):
            if key not in ("trials", "articles", "records written", "records unchanged"):
                echo(f"  {key:<28} {value:8d}")
        if result.literature is not None:
            for line in result.literature.stats_lines:
                echo(f"  literature: {line}")


def run_build(options: BuildOptions, store_spec: str | None, output_dir: Path | None, *,
              fresh: bool = False, verbose: bool = False, echo: Echo = print) -> BuildResult:
    """``kg build``: the records into the store; graph files only when ``output_dir``."""
    from kg.pipeline.workspace import build_into
    from kg.store.workspace import choose

    choice = choose(store_spec)
    result = build_into(choice, options, fresh=fresh)
    try:
        written = write_graph_files(result.store, output_dir) if output_dir else []
        _report(result, result.store, echo, verbose)
        echo(f"-> {choice.describe()}")
        if choice.spec == "memory" and not output_dir:
            echo("note: --store memory keeps the graph for this command only; give --output "
                 "DIR to write it")
    finally:
        result.store.close()
    for path in written:
        echo(f"wrote {path}")
    return result


def run_all(options: BuildOptions, store_spec: str | None, output_dir: Path, *,
            verbose: bool = False, echo: Echo = print) -> BuildResult:
    """``kg run``: build into the store, validate it, then write every artifact."""
    from kg.pipeline.workspace import build_into
    from kg.store.workspace import choose

    result = build_into(choose(store_spec), options, command="run")
    try:
        with result.timings.stage("validate (SHACL)"):
            from kg.rdf.validate import validate_graph

            # drawn once: validation, the graph files and the views read the same union
            graph = result.store.union()
            report = validate_graph(graph)
        if not report.conforms:
            echo(report.text)
            raise ValidationError(f"the built graph has {report.violations} SHACL "
                                  "violation(s); nothing was written")
        with staged_output(output_dir) as staging:
            write_artifacts(result, staging, graph)
        _report(result, result.store, echo, verbose)
    finally:
        result.store.close()
    echo(f"wrote graph.ttl, graph.jsonld, related.csv, graph.html, graph.graphml, graph.gexf "
         f"and the library queries' answers (queries/) to {output_dir}/")
    echo("graph conforms to the SHACL shapes")
    return result


def write_artifacts(result: BuildResult, directory: Path, graph: Graph) -> None:
    """Every artifact of ``kg run`` from the store and ``graph``, its union."""
    with result.timings.stage("graph files"):
        write_graph_files(result.store, directory, graph)
    with result.timings.stage("library queries"):
        write_query_results(result.store, directory)
    with result.timings.stage("related studies"):
        related = write_related(result.store, directory)
    with result.timings.stage("interactive graph"):
        write_views(directory, related, graph)


@contextlib.contextmanager
def staged_output(output_dir: Path) -> Iterator[Path]:
    """A staging folder beside ``output_dir``; on success its files replace theirs."""
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".run-", dir=output_dir))
    except OSError as exc:
        raise StoreError(f"cannot write here: {exc.strerror or exc}",
                         where=str(output_dir)) from None
    try:
        yield staging
        with _signals_held():
            _swap_in(staging, output_dir)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """SIGINT and SIGTERM wait until the block ends (then arrive as usual)."""
    held = {signal.SIGINT, signal.SIGTERM}
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _swap_in(staging: Path, output_dir: Path) -> None:
    """Files by ``os.replace``; a folder (queries/) by moving the old one aside first."""
    for entry in sorted(staging.iterdir()):
        target = output_dir / entry.name
        if entry.is_dir():
            old = output_dir / f".{entry.name}.old-{os.getpid()}"
            if target.exists():
                os.replace(target, old)
            os.replace(entry, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(entry, target)


def write_query_results(store: Store, output_dir: Path) -> list[Path]:
    """Every library query's answer on the built graph, as CSV and Markdown."""
    from kg.io import atomic_write_text
    from kg.views import query as q
    from kg.views.formats import to_csv, to_markdown

    written = []
    for name, lq in q.library().items():
        answer = q.run(store, lq)
        for suffix, render in ((".csv", to_csv), (".md", to_markdown)):
            path = output_dir / "queries" / f"{name}{suffix}"
            atomic_write_text(path, render(answer))
            written.append(path)
    return written


def write_related(store: Store, output_dir: Path) -> list:
    from kg.io import atomic_write_text
    from kg.views.formats import to_csv
    from kg.views.related import find_related, to_query_result

    results = find_related(store)
    atomic_write_text(output_dir / "related.csv", to_csv(to_query_result(results)))
    return results


def write_views(output_dir: Path, related: list, graph: Graph) -> list[Path]:
    """The interactive HTML graph of ``graph`` (the store's union, related studies
    highlighted) and its Gephi/Cytoscape exports."""
    from kg.views.viz import write_exports, write_viz

    html = output_dir / "graph.html"
    write_viz(graph, html, related=related)
    graphml, gexf = output_dir / "graph.graphml", output_dir / "graph.gexf"
    write_exports(graph, graphml, gexf)
    return [html, graphml, gexf]
