"""``kg queries`` and ``kg query``: the SPARQL query library on the command line."""

from __future__ import annotations

import contextlib
from pathlib import Path

import click

from kg.cli.options import FORMAT, built_store, records_options, store_option


@click.command("queries")
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


@click.command()
@click.argument("name", required=False)
@click.option("--file", "query_file", type=click.Path(path_type=Path),
              help="Run the SPARQL query in this file.")
@click.option("-e", "--expression", help="Run this SPARQL query text.")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind a parameter of a library query. Repeatable.")
@click.option("--allow-service", is_flag=True,
              help="Let SERVICE call other SPARQL endpoints (refused by default: a query "
                   "reads only the store). FROM never loads files or URLs.")
@FORMAT
@records_options
@store_option
def query(name, query_file, expression, params, allow_service, fmt, trials, pubmed_files,
          store_spec) -> None:
    """Run a library query by NAME, a query --file, or an -e expression over the graph.

    Parameters are bound as typed values, never pasted into the query text.
    """
    from kg.store.guard import service_allowed
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
    federation = service_allowed() if allow_service else contextlib.nullcontext()
    with built_store(store_spec, trials, pubmed_files) as store, federation:
        result = q.run(store, lib, q.parse_param_args(list(params)))
    click.echo(render(result, fmt).rstrip("\n"))
