"""What ``kg build`` and ``kg run`` do, as library functions the CLI calls.

Outputs are written only after every stage succeeded, each file atomically, so a failure
leaves the previous outputs as they were and no half-written file.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kg.errors import ValidationError
from kg.pipeline.build import BuildOptions, BuildResult, build
from kg.rdf.serialize import write_graph

__all__ = ["BuildOptions", "run_build", "run_all", "write_graph_files"]

Echo = Callable[[str], None]


def write_graph_files(result: BuildResult, output_dir: Path) -> list[Path]:
    graph = result.store.union()
    written = []
    for name, fmt in (("graph.ttl", "turtle"), ("graph.jsonld", "json-ld")):
        path = output_dir / name
        with result.timings.stage(f"write {name}"):
            write_graph(graph, path, fmt)
        written.append(path)
    return written


def _report(result: BuildResult, echo: Echo, verbose: bool) -> None:
    c = result.counts
    echo(f"{c.get('trials', 0)} trial(s), {c.get('articles', 0)} article(s), "
         f"{c.get('triples', 0)} triples")
    if verbose:
        for stage, seconds in result.timings.stages.items():
            echo(f"  {stage:<28} {seconds * 1000:8.1f} ms")
        for key, value in sorted(c.items()):
            if key not in ("trials", "articles", "triples"):
                echo(f"  {key:<28} {value:8d}")
        if result.literature is not None:
            for line in result.literature.stats_lines:
                echo(f"  literature: {line}")


def run_build(options: BuildOptions, output_dir: Path, *, verbose: bool = False,
              echo: Echo = print) -> BuildResult:
    result = build(options)
    try:
        written = write_graph_files(result, output_dir)
    finally:
        result.store.close()
    _report(result, echo, verbose)
    for path in written:
        echo(f"wrote {path}")
    return result


def run_all(options: BuildOptions, output_dir: Path, *, verbose: bool = False,
            echo: Echo = print) -> BuildResult:
    result = build(options)
    try:
        return _run_all(result, output_dir, verbose, echo)
    finally:
        result.store.close()


def _run_all(result: BuildResult, output_dir: Path, verbose: bool, echo: Echo) -> BuildResult:
    from kg.rdf.validate import validate_graph

    with result.timings.stage("validate (SHACL)"):
        report = validate_graph(result.store.union())
    if not report.conforms:
        echo(report.text)
        raise ValidationError(f"the built graph has {report.violations} SHACL violation(s); "
                              "nothing was written")
    written = write_graph_files(result, output_dir)
    with result.timings.stage("library queries"):
        written += write_query_results(result, output_dir)
    with result.timings.stage("related studies"):
        written.append(write_related(result, output_dir))
    with result.timings.stage("interactive graph"):
        written += write_views(result, output_dir)
    _report(result, echo, verbose)
    queries = [p for p in written if p.parent.name == "queries"]
    for path in written:
        if path not in queries:
            echo(f"wrote {path}")
    if queries:
        echo(f"wrote {len(queries)} query results to {queries[0].parent}/")
    echo("graph conforms to the SHACL shapes")
    return result


def write_query_results(result: BuildResult, output_dir: Path) -> list[Path]:
    """Every library query's answer on the built graph, as CSV and Markdown."""
    from kg.io import atomic_write_text
    from kg.views import query as q
    from kg.views.formats import to_csv, to_markdown

    written = []
    for name, lq in q.library().items():
        answer = q.run(result.store, lq)
        for suffix, render in ((".csv", to_csv), (".md", to_markdown)):
            path = output_dir / "queries" / f"{name}{suffix}"
            atomic_write_text(path, render(answer))
            written.append(path)
    return written


def write_related(result: BuildResult, output_dir: Path) -> Path:
    from kg.io import atomic_write_text
    from kg.views.formats import to_csv
    from kg.views.related import find_related, to_query_result

    path = output_dir / "related.csv"
    atomic_write_text(path, to_csv(to_query_result(find_related(result.store))))
    return path


def write_views(result: BuildResult, output_dir: Path) -> list[Path]:
    """The interactive HTML graph (with related studies highlighted) and Gephi/Cytoscape
    exports."""
    from kg.views.related import find_related
    from kg.views.viz import write_exports, write_viz

    graph = result.store.union()
    html = output_dir / "graph.html"
    write_viz(graph, html, related=find_related(result.store))
    graphml, gexf = output_dir / "graph.graphml", output_dir / "graph.gexf"
    write_exports(graph, graphml, gexf)
    return [html, graphml, gexf]
