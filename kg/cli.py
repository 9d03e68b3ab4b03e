"""The command line: argument parsing and output only. Each command calls a library
function; errors from any layer (``kg.errors.KGError``) become one clear line on stderr and
a non-zero exit code, here and nowhere else."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click

from kg import resources
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


def _network_mode(online: bool, offline: bool, refresh: bool) -> str:
    if sum([online, offline, refresh]) > 1:
        raise click.UsageError("choose one of --online, --offline, --refresh")
    if refresh:
        return "refresh"
    if online:
        return "online"
    return "offline"


def _trial_option(f):
    return click.option("--trial", "trials", multiple=True, metavar="PATH|NCT-ID",
                        help="A trial page (.txt), a CT.gov v2 study JSON, or an NCT id. "
                             "Repeatable. Default: the bundled NCT05807880.")(f)


def _network_options(f):
    f = click.option("--refresh", is_flag=True, help="Re-fetch everything live, overwriting "
                     "the cache.")(f)
    f = click.option("--offline", is_flag=True, help="Never touch the network: snapshot and "
                     "cache only (the default).")(f)
    f = click.option("--online", is_flag=True, help="Fetch what the snapshot and cache lack "
                     "from ClinicalTrials.gov and NCBI.")(f)
    return f


@main.command()
@_trial_option
@_network_options
@click.option("--pubmed", "pubmed_files", multiple=True, type=click.Path(path_type=Path),
              help="A PubMed EFetch XML file to add to the graph. Repeatable.")
@click.option("--output", "output_dir", type=click.Path(path_type=Path),
              default=resources.DEFAULT_OUTPUT, show_default=True, help="Where to write.")
@click.option("-v", "--verbose", is_flag=True, help="Print stage timings and counts.")
def build(trials, online, offline, refresh, pubmed_files, output_dir, verbose) -> None:
    """Build the graph and write output/graph.ttl and output/graph.jsonld."""
    _setup_logging(verbose)
    from kg.pipeline import BuildOptions, run_build

    opts = BuildOptions(trials=list(trials), network=_network_mode(online, offline, refresh),
                        pubmed_files=list(pubmed_files))
    run_build(opts, output_dir, verbose=verbose, echo=click.echo)


@main.command()
@click.argument("path", required=False, type=click.Path(path_type=Path))
def validate(path: Path | None) -> None:
    """Validate a graph file (default: output/graph.ttl) against the SHACL shapes."""
    from kg.validate import validate_file

    target = path or resources.DEFAULT_OUTPUT / "graph.ttl"
    report = validate_file(target)
    if not report.conforms:
        click.echo(report.text, err=True)
        raise ValidationError(f"{report.violations} SHACL violation(s)", where=str(target))
    click.echo(f"{target}: conforms to the SHACL shapes")


@main.command()
@_trial_option
@_network_options
@click.option("--output", "output_dir", type=click.Path(path_type=Path),
              default=resources.DEFAULT_OUTPUT, show_default=True, help="Where to write.")
@click.option("-v", "--verbose", is_flag=True, help="Print stage timings and counts.")
def run(trials, online, offline, refresh, output_dir, verbose) -> None:
    """The whole main job: build, validate, and write every artifact to output/."""
    _setup_logging(verbose)
    from kg.pipeline import BuildOptions, run_all

    opts = BuildOptions(trials=list(trials), network=_network_mode(online, offline, refresh))
    run_all(opts, output_dir, verbose=verbose, echo=click.echo)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
