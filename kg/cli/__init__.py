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

    Turns trials (the bundled NCT05807880 by default) and their PubMed references into a
    validated RDF graph in output/, and answers questions over it.
    """



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
        main.add_command(command)
    # issue 12: the MeSH vocabulary
    from kg.cli.vocab import vocab

    main.add_command(vocab)


_register_subcommands()
