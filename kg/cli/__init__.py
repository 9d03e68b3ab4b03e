"""The command line: argument parsing and output only. Each command calls a library
function; errors from any layer (``kg.errors.KGError``) become one clear line on stderr and
a non-zero exit code, here and nowhere else."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from kg import resources
from kg.cli.options import (
    FORMAT,
    built_store,
    network_mode,
    network_options,
    store_option,
    trial_option,
)
from kg.errors import KGError, OfflineMiss, ValidationError

EXIT_INPUT = 2  # bad input, unknown id
EXIT_INVALID = 3  # SHACL violations
EXIT_NETWORK = 4  # remote failure after retries, or an offline miss


class KGGroup(click.Group):
    """Turns KGError into one line and an exit code, for every command."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KGError as exc:
            click.echo(f"kg: error: {exc}", err=True)
            from kg.errors import NetworkError

            if isinstance(exc, ValidationError):
                code = EXIT_INVALID
            elif isinstance(exc, (NetworkError, OfflineMiss)):
                code = EXIT_NETWORK
            else:
                code = EXIT_INPUT
            ctx.exit(code)


@click.group(cls=KGGroup)
@click.version_option(package_name="trialkg")
def main() -> None:
    """trialkg: a clinical-trial knowledge graph and literature linker.

    Turns trials (the bundled NCT05807880 by default) and their PubMed references into a
    validated RDF graph in output/, and answers questions over it.
    """


def _setup_logging(verbose: bool) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")


@main.command()
@trial_option
@network_options
@click.option("--pubmed", "pubmed_files", multiple=True, type=click.Path(path_type=Path),
              help="A PubMed EFetch XML file to add to the graph. Repeatable.")
@click.option("--output", "output_dir", type=click.Path(path_type=Path),
              default=resources.DEFAULT_OUTPUT, show_default=True, help="Where to write.")
@click.option("-v", "--verbose", is_flag=True, help="Print stage timings and counts.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing on success.")
@store_option
@click.option("--bulk", is_flag=True, help="Field scale: parse and map the --trial files "
              "(JSON lines of v2 studies, study JSON, trial pages) and --pubmed files in "
              "worker processes and bulk-load them into a new on-disk store, which replaces "
              "the one at --store oxigraph:PATH only once complete. Writes no graph files.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="With --bulk: worker processes (default: one per core).")
@click.pass_context
def build(ctx, trials, online, offline, refresh, pubmed_files, output_dir, verbose, quiet,
          store_spec, bulk, workers) -> None:
    """Build the graph and write output/graph.ttl and output/graph.jsonld.

    With --bulk, build a whole field from files into an on-disk Oxigraph store instead
    (kg build --bulk --store oxigraph:PATH --trial FILE ... --pubmed FILE ...); then query
    it with --store oxigraph:PATH.
    """
    if bulk:
        _refuse_with_bulk(ctx, online=online, offline=offline, refresh=refresh,
                          output_dir=output_dir)
        _bulk_build(store_spec, trials, pubmed_files, workers, verbose, quiet)
        return
    if workers is not None:
        raise click.UsageError("--workers applies only with --bulk")
    _setup_logging(verbose)
    from kg.pipeline.run import BuildOptions, run_build

    opts = BuildOptions(trials=list(trials), network=network_mode(online, offline, refresh),
                        pubmed_files=list(pubmed_files), store=store_spec)
    run_build(opts, output_dir, verbose=verbose, echo=_quiet if quiet else click.echo)


def _quiet(_line: str) -> None:
    pass


def _refuse_with_bulk(ctx: click.Context, **given) -> None:
    """Options of the normal build that a bulk build would silently ignore."""
    from click.core import ParameterSource

    named = {"online": "--online", "offline": "--offline", "refresh": "--refresh",
             "output_dir": "--output"}
    for key in given:
        if ctx.get_parameter_source(key) not in (ParameterSource.DEFAULT, None):
            raise click.UsageError(f"{named[key]} does not apply with --bulk (it reads only "
                                   "the files given and writes only the store)")


def _bulk_build(store_spec: str, trials: tuple[str, ...], pubmed_files: tuple[Path, ...],
                workers: int | None, verbose: bool, quiet: bool) -> None:
    """``kg build --bulk``: ``kg.pipeline.bulk.build_field`` with progress lines on stderr
    (only on a terminal) and a summary on stdout."""
    import sys
    import time

    from kg.pipeline.bulk import BulkError, build_field

    kind, _, path = store_spec.partition(":")
    if kind != "oxigraph" or not path:
        raise BulkError(f"--bulk builds an on-disk Oxigraph store: give --store oxigraph:PATH "
                        f"(not {store_spec.split()[0]!r})")
    if not trials and not pubmed_files:
        raise click.UsageError("--bulk needs input files: --trial FILE and/or --pubmed FILE")
    show = not quiet and sys.stderr.isatty()

    def progress(line: str) -> None:
        if show:
            click.echo(f"build: {line}", err=True)

    start = time.perf_counter()
    result = build_field(Path(path), [Path(t) for t in trials], list(pubmed_files),
                         workers=workers, progress=progress)
    seconds = time.perf_counter() - start
    if quiet:
        return
    click.echo(f"{result.trials:,} trial(s), {result.articles:,} article(s), "
               f"{result.quads:,} quads in {seconds:.1f} s -> {store_spec}")
    if verbose:
        for stage, secs in result.seconds.items():
            click.echo(f"  {stage:<40} {secs:8.1f} s")
        for stage, secs in result.cpu.items():
            click.echo(f"  CPU {stage:<36} {secs:8.1f} s")


@main.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
def validate(path: Path | None) -> None:
    """Validate a graph file (default: output/graph.ttl) against the SHACL shapes."""
    from kg.rdf.validate import validate_file

    target = path or resources.DEFAULT_OUTPUT / "graph.ttl"
    report = validate_file(target)
    if not report.conforms:
        click.echo(report.text, err=True)
        raise ValidationError(f"{report.violations} SHACL violation(s)", where=str(target))
    click.echo(f"{target}: conforms to the SHACL shapes")


@main.command()
@trial_option
@network_options
@click.option("--output", "output_dir", type=click.Path(path_type=Path),
              default=resources.DEFAULT_OUTPUT, show_default=True, help="Where to write.")
@click.option("-v", "--verbose", is_flag=True, help="Print stage timings and counts.")
@store_option
def run(trials, online, offline, refresh, output_dir, verbose, store_spec) -> None:
    """The whole main job: build, validate, and write every artifact to output/."""
    _setup_logging(verbose)
    from kg.pipeline.run import BuildOptions, run_all

    opts = BuildOptions(trials=list(trials), network=network_mode(online, offline, refresh),
                        store=store_spec)
    run_all(opts, output_dir, verbose=verbose, echo=click.echo)



# --------------------------------------------------------------------------- queries
@main.command("queries")
def list_queries() -> None:
    """List the query library (queries/*.rq) with descriptions and parameters."""
    from kg.views.query import library

    for name, q in library().items():
        click.echo(f"{name}\n    {q.title}: {q.purpose}")
        for p in q.params.values():
            default = f", default {p.default}" if p.default else ""
            click.echo(f"    --param {p.name}=<{p.type}{default}>  {p.doc}")
        if q.example:
            click.echo(f"    e.g. {q.example}")


@main.command()
@click.argument("name", required=False)
@click.option("--file", "query_file", type=click.Path(path_type=Path),
              help="Run the SPARQL query in this file.")
@click.option("-e", "--expression", help="Run this SPARQL query text.")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind a parameter of a library query. Repeatable.")
@FORMAT
@trial_option
@store_option
def query(name, query_file, expression, params, fmt, trials, store_spec) -> None:
    """Run a library query by NAME, a query --file, or an -e expression over the graph.

    Parameters are bound as typed values, never pasted into the query text.
    """
    from kg.views import query as q
    from kg.views.formats import render

    chosen = [x for x in (name, query_file, expression) if x]
    if len(chosen) != 1:
        raise click.UsageError("give exactly one of NAME, --file or -e")
    if name:
        lib = q.get(name)
    elif query_file:
        lib = q.parse_query_file(query_file)
    else:
        lib = q.parse_query_text(expression, name="-e")
    with built_store(store_spec, trials) as store:
        result = q.run(store, lib, q.parse_param_args(list(params)))
    click.echo(render(result, fmt).rstrip("\n"))


@main.command()
@click.option("--trial", "seed", default=None, metavar="NCT-ID|IRI",
              help="The seed trial (default: the bundled NCT05807880).")
@click.option("--drug", help="Only results whose evidence involves this drug.")
@click.option("--drug-class", "drug_class", help="Only results involving this drug class "
              "(e.g. anti-PD-1).")
@click.option("--condition", help="Only results sharing this condition (e.g. 'nasopharyngeal "
              "carcinoma').")
@click.option("--kind", type=click.Choice(["trial", "article"]), help="Only trials or articles.")
@click.option("--limit", type=click.IntRange(min=0), default=20, show_default=True,
              help="At most this many results; 0 for all (on a field graph: slow).")
@FORMAT
@store_option
@click.option("--output", "output_csv", type=click.Path(path_type=Path), default=None,
              help="Also write the ranking as CSV here (default output/related.csv).")
def related(seed, drug, drug_class, condition, kind, limit, fmt, store_spec, output_csv) -> None:
    """Rank trials and articles related to a trial, with a score and the reasons for each."""
    from kg.io import atomic_write_text
    from kg.views.formats import render, to_csv
    from kg.views.related import find_related, to_query_result

    with built_store(store_spec) as store:
        results = find_related(store, seed, drug=drug, drug_class=drug_class,
                               condition=condition, kind=kind, limit=limit or None)
    table = to_query_result(results)
    atomic_write_text(output_csv or resources.DEFAULT_OUTPUT / "related.csv", to_csv(table))
    click.echo(render(table, fmt).rstrip("\n"))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8890, show_default=True, type=int, help="Port (0: any free).")
@click.option("--timeout", default=30.0, show_default=True, type=float,
              help="Seconds a query may run before the endpoint answers 503.")
@click.option("--max-rows", default=10_000, show_default=True, type=int,
              help="Rows returned at most; longer answers are cut and say so.")
@trial_option
@store_option
def serve(host, port, timeout, max_rows, trials, store_spec) -> None:
    """Serve the graph as a read-only SPARQL 1.1 endpoint at /sparql, with a query page at /."""
    from kg.views.serve import ServeConfig, SparqlServer

    with built_store(store_spec, trials) as store:
        server = SparqlServer(store, host, port, ServeConfig(timeout=timeout, max_rows=max_rows))
        click.echo(f"SPARQL endpoint: {server.url}/sparql  (query page: {server.url}/)  "
                   "Ctrl-C stops it.")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.shutdown()


EXPORT_FORMATS = {"turtle": ".ttl", "json-ld": ".jsonld", "nt": ".nt", "nquads": ".nq",
                  "graphml": ".graphml", "gexf": ".gexf"}


@main.command()
@click.option("--format", "fmt", type=click.Choice(list(EXPORT_FORMATS)), default="turtle",
              show_default=True, help="nquads keeps each record's named graph; graphml and "
              "gexf are for Gephi and Cytoscape.")
@click.option("--output", "output_path", type=click.Path(path_type=Path), default=None,
              help="Where to write (default output/graph.<ext>).")
@trial_option
@store_option
def export(fmt, output_path, trials, store_spec) -> None:
    """Export the graph in a standard format (deterministic: the same graph, the same bytes).
    A field store (over 300,000 triples) exports as N-Quads only, streamed."""
    from kg.views.export import export_store

    path = output_path or resources.DEFAULT_OUTPUT / f"graph{EXPORT_FORMATS[fmt]}"
    with built_store(store_spec, trials) as store:
        export_store(store, fmt, path)
    click.echo(f"wrote {path}")


def _register_subcommands() -> None:
    """Commands that live with their feature package."""
    from kg.cli.discover import discover
    from kg.cli.viz import viz

    main.add_command(viz)
    main.add_command(discover)


_register_subcommands()

