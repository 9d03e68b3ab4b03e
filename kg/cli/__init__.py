"""The command line: argument parsing and output only. Each command calls a library
function; errors from any layer (``kg.errors.KGError``) become one clear line on stderr and
a non-zero exit code, here and nowhere else."""

from __future__ import annotations

import click

from kg.errors import KGError, OfflineMiss, ValidationError

EXIT_INPUT = 2  # bad input, unknown id
EXIT_INVALID = 3  # SHACL violations
EXIT_NETWORK = 4  # remote failure after retries, or an offline miss
EXIT_INTERRUPTED = 130  # Ctrl-C (SIGINT), as shells report it


class KGGroup(click.Group):
    """Turns KGError into one line and an exit code, for every command."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KeyboardInterrupt:
            # What was being written is left as it was (atomic writes, store batches).
            click.echo("kg: interrupted; nothing half-written was kept", err=True)
            ctx.exit(EXIT_INTERRUPTED)
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

    Every command works on one store, the workspace (output/store, or $TRIALKG_STORE;
    --store picks another): created on first use with the bundled trial NCT05807880 and
    its corpus, added to by kg build, read by every other command.
    """



# One line per command in `kg --help`, short enough that click never cuts it ("...").
SHORT_HELP = {
    "build": "Load trials and PubMed files into the store",
    "validate": "Check the graph against the SHACL shapes",
    "run": "Build, validate and write every artifact to output/",
    "queries": "List the SPARQL query library",
    "query": "Run a library query, a query file or -e text",
    "related": "Rank studies related to a trial, with reasons",
    "serve": "Serve the graph as a read-only SPARQL endpoint",
    "export": "Write the graph as Turtle, JSON-LD, N-Quads, GraphML, GEXF",
    "viz": "Draw the graph as an interactive offline page",
    "discover": "Find trials on ClinicalTrials.gov and add them",
    "status": "Say what the store holds and where it came from",
    "remove": "Drop trials or articles from the store",
    "match": "Check a patient against every trial's eligibility",
    "vocab": "Show or build the MeSH vocabulary index",
}


def _register_subcommands() -> None:
    """Each command lives in its own module of kg.cli."""
    from kg.cli.build import build, run, validate
    from kg.cli.discover import discover
    from kg.cli.export import export
    from kg.cli.match import match
    from kg.cli.query import list_queries, query
    from kg.cli.related import related
    from kg.cli.serve import serve
    from kg.cli.viz import viz
    from kg.cli.workspace import remove, status

    for command in (build, validate, run, list_queries, query, related, serve, export, viz,
                    discover, status, remove, match):
        command.short_help = SHORT_HELP[command.name]
        main.add_command(command)
    # issue 12: the MeSH vocabulary
    from kg.cli.vocab import vocab

    vocab.short_help = SHORT_HELP[vocab.name]
    main.add_command(vocab)


_register_subcommands()
