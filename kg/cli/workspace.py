"""``kg status`` and ``kg remove``: know and edit the store (the workspace by default)."""

from __future__ import annotations

import click

from kg.cli.options import FORMAT, built_store, store_option


@click.command()
@click.option("--records", "show_records", is_flag=True,
              help="List every record with its source and loading time.")
@FORMAT
@store_option
def status(show_records: bool, fmt: str, store_spec: str | None) -> None:
    """What the store holds: trials, articles, concepts, the last build and its inputs, the
    store's place and size, and (--records) each record's source and time."""
    from kg.store.workspace import choose, store_size
    from kg.views.formats import render
    from kg.views.status import records_table, store_status, summary_lines

    choice = choose(store_spec)
    with built_store(store_spec) as store:
        size = store_size(choice.path) if choice.path is not None else None
        info = store_status(store, choice.describe(), size)
    for line in summary_lines(info):
        click.echo(line)
    if show_records:
        click.echo(render(records_table(info), fmt).rstrip("\n"))
    else:
        click.echo(f"{len(info.records):,} record(s) noted; --records lists them")


@click.command()
@click.argument("identifiers", nargs=-1, required=True, metavar="NCT-ID|PMID...")
@store_option
def remove(identifiers: tuple[str, ...], store_spec: str | None) -> None:
    """Drop records (trials by NCT id, articles by PMID) from the store, with the shared
    nodes (journals, authors, sites, drug reference data) only they used."""
    from kg.pipeline.remove import remove_records
    from kg.store.workspace import choose, open_choice

    choice = choose(store_spec)
    if choice.spec == "memory":
        raise click.UsageError("a memory store lives only for one command: nothing to remove")
    store = open_choice(choice, write=True, create=False)  # never creates a store to empty
    try:
        removal = remove_records(store, list(identifiers))
    finally:
        store.close()
    click.echo(f"removed {', '.join(removal.records)} from {choice.describe()} "
               f"(and {len(removal.shared_graphs)} shared node graph(s) only they used)")
