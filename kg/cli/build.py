"""``kg build``, ``kg validate`` and ``kg run``: building the graph and writing output/."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from kg import resources
from kg.cli.options import network_mode, network_options, store_option, trial_option
from kg.clients.budget import request_budget
from kg.errors import ValidationError
from kg.io import check_output


def _setup_logging(verbose: bool) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")


@click.command()
@trial_option
@network_options
@click.option("--pubmed", "pubmed_files", multiple=True, type=click.Path(path_type=Path),
              help="A PubMed XML file whose articles to load: an EFetch answer or an NLM "
              "baseline/update file (.xml or .xml.gz, read without unpacking). Repeatable; "
              "applied in the order given (baseline first, then updates): the highest "
              "Version of a PMID is its article, DeleteCitation removes PMIDs from the store.")
@click.option("--skip-bad", is_flag=True,
              help="Skip PubMed records that cannot be parsed (no PMID, a PMID that is not a "
              "number...) and list them on stderr, instead of failing the build.")
@click.option("--fresh", is_flag=True, help="Start from an empty store: drop everything else "
              "(in the same transaction, on an on-disk store).")
@click.option("--output", "output_dir", type=click.Path(path_type=Path),
              default=None, help="Also write the whole graph as graph.ttl and graph.jsonld "
              "into this folder.")
@click.option("-v", "--verbose", is_flag=True, help="Print stage timings and counts.")
@click.option("-q", "--quiet", is_flag=True, help="Print nothing on success.")
@store_option
@click.option("--bulk", is_flag=True, help="Field scale: parse and map the --trial files "
              "(JSON lines of v2 studies, study JSON, trial pages) and --pubmed files in "
              "worker processes and bulk-load them into a new on-disk store, which replaces "
              "the one at --store oxigraph:PATH only once complete. Writes no graph files.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="With --bulk: worker processes (default: one per core).")
@click.option("--update", is_flag=True,
              help="With --bulk: apply the files to the store's last complete build (e.g. "
              "NLM update files on a baseline) instead of building anew; the result still "
              "replaces the store only once complete.")
@click.option("--allow-partial", is_flag=True,
              help="Import a trial page that ends early with the facts it has; the missing "
                   "sections are listed on stderr and in the graph (default: refuse it).")
@click.pass_context
def build(ctx, trials, online, offline, refresh, pubmed_files, skip_bad, fresh, output_dir,
          verbose, quiet, store_spec, bulk, workers, update, allow_partial) -> None:
    """Load records into the store (the workspace unless --store): the --trial and --pubmed
    given, each replacing its earlier version, the rest left as it is. With neither, the
    bundled trial NCT05807880 and its corpus.

    With --bulk, build a whole field from files into an on-disk Oxigraph store instead
    (kg build --bulk --store oxigraph:PATH --trial FILE ... --pubmed FILE ...).
    """
    if bulk:
        _refuse_with_bulk(ctx, online=online, offline=offline, refresh=refresh,
                          output_dir=output_dir, fresh=fresh, allow_partial=allow_partial)
        _bulk_build(store_spec, trials, pubmed_files, workers, verbose, quiet,
                    skip_bad=skip_bad, update=update)
        return
    if workers is not None or update:
        raise click.UsageError(f"{'--workers' if workers is not None else '--update'} "
                               "applies only with --bulk")
    if output_dir is not None:
        check_output(output_dir, folder=True)
    _setup_logging(verbose)
    from kg.pipeline.run import BuildOptions, run_build

    opts = BuildOptions(trials=list(trials), network=network_mode(online, offline, refresh),
                        pubmed_files=list(pubmed_files), allow_partial=allow_partial,
                        skip_bad=skip_bad)
    with request_budget() as budget:  # every HTTP request of the command counts
        result = run_build(opts, store_spec, output_dir, fresh=fresh, verbose=verbose,
                           echo=_quiet if quiet else click.echo)
    _warn_partial(result.trials)
    if result.pubmed is not None:
        _list_skipped(result.pubmed.skipped)
    if verbose and not quiet:
        click.echo(f"  {budget.line()}")


def _warn_partial(trials) -> None:
    """A trial imported with --allow-partial: one line on stderr saying what it lacks."""
    for trial in trials:
        if trial.missing_sections or trial.incomplete_sections:
            where = trial.source.location if trial.source else trial.nct_id
            cut = f"; cut mid-record: {', '.join(trial.incomplete_sections)}" \
                if trial.incomplete_sections else ""
            click.echo(f"kg: warning: {where}: imported as a partial record, missing: "
                       f"{', '.join(trial.missing_sections) or 'nothing after it'}{cut}",
                       err=True)


def _list_skipped(skipped) -> None:
    """What --skip-bad left out, one line each on stderr (also with --quiet: data was lost)."""
    for bad in skipped:
        click.echo(f"kg: skipped {bad.location}: {bad.describe()}", err=True)


def _quiet(_line: str) -> None:
    pass


def _refuse_with_bulk(ctx: click.Context, **given) -> None:
    """Options of the normal build that a bulk build would silently ignore."""
    from click.core import ParameterSource

    named = {"online": "--online", "offline": "--offline", "refresh": "--refresh",
             "output_dir": "--output", "fresh": "--fresh",
             "allow_partial": "--allow-partial"}
    for key in given:
        if ctx.get_parameter_source(key) not in (ParameterSource.DEFAULT, None):
            raise click.UsageError(f"{named[key]} does not apply with --bulk (it reads only "
                                   "the files given and writes only the store)")


def _bulk_build(store_spec: str, trials: tuple[str, ...], pubmed_files: tuple[Path, ...],
                workers: int | None, verbose: bool, quiet: bool, *, skip_bad: bool = False,
                update: bool = False) -> None:
    """``kg build --bulk``: ``kg.pipeline.bulk.build_field`` with progress lines on stderr
    (only on a terminal) and a summary on stdout."""
    import sys
    import time

    from kg.pipeline.bulk import BulkError, build_field

    kind, _, path = (store_spec or "").partition(":")
    if kind != "oxigraph" or not path:
        given = f"not {store_spec.split()[0]!r}" if store_spec else "it replaces the whole store"
        raise BulkError(f"--bulk builds an on-disk Oxigraph store: give --store oxigraph:PATH "
                        f"({given})")
    if not trials and not pubmed_files:
        raise click.UsageError("--bulk needs input files: --trial FILE and/or --pubmed FILE")
    show = not quiet and sys.stderr.isatty()

    def progress(line: str) -> None:
        if show:
            click.echo(f"build: {line}", err=True)

    start = time.perf_counter()
    result = build_field(Path(path), [Path(t) for t in trials], list(pubmed_files),
                         workers=workers, progress=progress, skip_bad=skip_bad, update=update)
    seconds = time.perf_counter() - start
    _list_skipped(result.skipped)
    if quiet:
        return
    changes = f", {result.deleted:,} PMID(s) deleted" if result.deleted else ""
    click.echo(f"{result.trials:,} trial(s), {result.articles:,} article(s){changes}, "
               f"{result.quads:,} quads in {seconds:.1f} s -> {store_spec}")
    if verbose:
        for stage, secs in result.seconds.items():
            click.echo(f"  {stage:<40} {secs:8.1f} s")
        for stage, secs in result.cpu.items():
            click.echo(f"  CPU {stage:<36} {secs:8.1f} s")


@click.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
@store_option
def validate(path: Path | None, store_spec: str | None) -> None:
    """Validate the store's graph (the workspace unless --store), or a graph file, against
    the SHACL shapes; exit 3 on violations."""
    from kg.rdf.validate import validate_file, validate_graph

    if path is not None:
        target, report = str(path), validate_file(path)
    else:
        from kg.cli.options import built_store
        from kg.store.workspace import choose

        with built_store(store_spec) as store:
            target, report = choose(store_spec).describe(), validate_graph(store.union())
    if not report.conforms:
        click.echo(report.text, err=True)
        raise ValidationError(f"{report.violations} SHACL violation(s)", where=target)
    click.echo(f"{target}: conforms to the SHACL shapes")


@click.command()
@trial_option
@network_options
@click.option("--output", "output_dir", type=click.Path(path_type=Path),
              default=resources.DEFAULT_OUTPUT, show_default=True, help="Where to write.")
@click.option("-v", "--verbose", is_flag=True, help="Print stage timings and counts.")
@store_option
@click.option("--allow-partial", is_flag=True,
              help="Import a trial page that ends early with the facts it has (see kg build).")
def run(trials, online, offline, refresh, output_dir, verbose, store_spec, allow_partial) -> None:
    """The main job: build the bundled trial (or the --trial given) into the store, validate
    the store's graph, and write every artifact to output/ (all or nothing)."""
    check_output(output_dir, folder=True)
    _setup_logging(verbose)
    from kg.pipeline.run import BuildOptions, run_all

    opts = BuildOptions(trials=list(trials), network=network_mode(online, offline, refresh),
                        allow_partial=allow_partial)
    with request_budget() as budget:
        result = run_all(opts, store_spec, output_dir, verbose=verbose, echo=click.echo)
    _warn_partial(result.trials)
    if verbose:
        click.echo(f"  {budget.line()}")
