"""Options and helpers shared by every command module, kept apart from ``kg.cli`` so
feature commands (``kg.cli.discover``, ``kg.cli.viz``) import them without an import cycle."""

from __future__ import annotations

import contextlib
import functools

import click


def network_mode(online: bool, offline: bool, refresh: bool) -> str:
    if sum([online, offline, refresh]) > 1:
        raise click.UsageError("choose one of --online, --offline, --refresh")
    if refresh:
        return "refresh"
    if online:
        return "online"
    if offline:
        return "offline"
    # No flag: offline unless the user has told NCBI who they are (NCBI_EMAIL).
    import os

    return "online" if os.environ.get("NCBI_EMAIL") else "offline"


def trial_option(f):
    return click.option("--trial", "trials", multiple=True, metavar="PATH|NCT-ID",
                        help="A trial page (.txt), a CT.gov v2 study JSON, or an NCT id. "
                             "Repeatable. Default: the bundled NCT05807880.")(f)


def network_options(f):
    f = click.option("--refresh", is_flag=True, help="Re-fetch everything live, overwriting "
                     "the cache.")(f)
    f = click.option("--offline", is_flag=True, help="Never touch the network: snapshot and "
                     "cache only (the default unless NCBI_EMAIL is set).")(f)
    f = click.option("--online", is_flag=True, help="Fetch what the snapshot and cache lack "
                     "from ClinicalTrials.gov and NCBI.")(f)
    return f


FORMAT = click.option("--format", "fmt", type=click.Choice(["table", "csv", "tsv", "json", "md"]),
                       default="table", show_default=True, help="Output format.")


def store_option(f):
    """--store plus the endpoint options of a remote SPARQL server, folded into one store
    spec (``sparql:URL query_url=…``) so every command hands the build one string."""

    @functools.wraps(f)
    def wrapper(*args, store_spec, query_url, update_url, gsp_url, **kwargs):
        return f(*args, store_spec=compose_store_spec(store_spec, query_url, update_url,
                                                      gsp_url), **kwargs)

    for option in (
        click.option("--gsp-url", help="Graph Store Protocol URL of a sparql: store "
                     "(e.g. Fuseki's /ds/data)."),
        click.option("--update-url", help="SPARQL Update URL of a sparql: store."),
        click.option("--query-url", help="SPARQL query URL of a sparql: store "
                     "(e.g. Fuseki's /ds/sparql); an Oxigraph server needs only its base URL."),
        click.option("--store", "store_spec", default="memory", show_default=True,
                     metavar="memory|oxigraph:PATH|sparql:URL",
                     help="Where the graph lives. 'memory' builds it now; 'oxigraph:PATH' and "
                          "'sparql:URL' are reused when they hold a graph, built otherwise."),
    ):
        wrapper = option(wrapper)
    return wrapper


def compose_store_spec(store: str, query_url: str | None, update_url: str | None,
                       gsp_url: str | None) -> str:
    words = [f"{k}={v}" for k, v in (("query_url", query_url), ("update_url", update_url),
                                     ("gsp_url", gsp_url)) if v]
    if words and not store.startswith("sparql:"):
        from kg.errors import StoreError

        raise StoreError("--query-url, --update-url and --gsp-url need a 'sparql:' --store")
    return " ".join([store, *words])


@contextlib.contextmanager
def built_store(store_spec: str, trials: tuple[str, ...] = (), network: str = "offline"):
    """``open_built_store`` that closes the store afterwards (releasing an on-disk lock)."""
    store = open_built_store(store_spec, trials, network)
    try:
        yield store
    finally:
        store.close()


def open_built_store(store_spec: str, trials: tuple[str, ...] = (), network: str = "offline"):
    """A store holding the graph: a persistent or remote store that already has data is
    reused as it is; otherwise the graph is built into it now from the trials (default: the
    bundled trial and its corpus)."""
    from kg.pipeline.build import BuildOptions, build
    from kg.store import has_data, open_store

    if store_spec.startswith(("oxigraph:", "sparql:")) and not trials:
        store = open_store(store_spec)
        if has_data(store):
            return store
        store.close()
    return build(BuildOptions(trials=list(trials), network=network, store=store_spec)).store
