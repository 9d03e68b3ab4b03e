"""``kg export``: the graph in a standard format."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from kg.cli.options import built_store, records_options, store_option

EXPORT_FORMATS = {"turtle": ".ttl", "json-ld": ".jsonld", "nt": ".nt", "nquads": ".nq",
                  "graphml": ".graphml", "gexf": ".gexf"}


@click.command()
@click.option("--format", "fmt", type=click.Choice(list(EXPORT_FORMATS)), default="turtle",
              show_default=True, help="nquads keeps each record's named graph; graphml and "
              "gexf are for Gephi and Cytoscape.")
@click.option("--output", "output_path", type=click.Path(path_type=Path),
              default=None, help="The file to write (default: standard output).")
@click.option("--focus", metavar="ID", help="Export only the neighbourhood of an NCT id, "
              "PMID, drug key, MeSH id or IRI (as kg viz draws it).")
@click.option("--depth", type=click.IntRange(min=0), default=2, show_default=True,
              help="With --focus: steps from the focus.")
@records_options
@store_option
def export(fmt, output_path, focus, depth, trials, pubmed_files, store_spec) -> None:
    """Export the store's graph (the workspace unless --store), or a --focus part of it, in
    a standard format. Deterministic: the same graph gives the same bytes. The workspace's
    own bookkeeping (loading times) is left out. A field store (over 300,000 triples)
    exports as N-Quads only, streamed to a file."""
    from kg.io import check_output
    from kg.views.export import export_store

    if output_path is not None:
        check_output(output_path)
    with built_store(store_spec, trials, pubmed_files) as store:
        data = export_store(store, fmt, output_path, focus=focus, depth=depth)
    if data is not None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        click.echo(f"wrote {output_path}", err=True)
