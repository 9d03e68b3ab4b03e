"""``kg export``: the graph in a standard format."""

from __future__ import annotations

from pathlib import Path

import click

from kg import resources
from kg.cli.options import built_store, store_option, trial_option

EXPORT_FORMATS = {"turtle": ".ttl", "json-ld": ".jsonld", "nt": ".nt", "nquads": ".nq",
                  "graphml": ".graphml", "gexf": ".gexf"}


@click.command()
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
    from kg.io import check_output
    from kg.views.export import export_store

    path = check_output(output_path or resources.DEFAULT_OUTPUT / f"graph{EXPORT_FORMATS[fmt]}")
    with built_store(store_spec, trials) as store:
        export_store(store, fmt, path)
    click.echo(f"wrote {path}")
