"""Options and helpers shared by every command module, kept apart from ``kg.cli`` so
feature commands (``kg.cli.discover``, ``kg.cli.viz``) import them without an import cycle."""

from __future__ import annotations

import contextlib
import functools
import re
from collections.abc import Sequence
from pathlib import Path

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
                        help="A trial to load first: a trial page (.txt), a CT.gov v2 study "
                             "JSON, or an NCT id. Repeatable.")(f)


def records_options(f):
    """--trial and --pubmed: records to load into the store before the command runs (the
    same meaning in every command)."""
    f = click.option("--pubmed", "pubmed_files", multiple=True,
                     type=click.Path(path_type=Path),
                     help="A PubMed XML file whose articles to load first. Repeatable.")(f)
    return trial_option(f)


def trial_reference(value: str | None) -> tuple[str | None, tuple[str, ...]]:
    """A seed or focus trial as the user gave it: (NCT id or IRI, files to load first).
    An NCT id or trial IRI is taken as it is; a trial file is parsed for its NCT id and
    loaded like --trial; anything else that looks like a path is one clear error."""
    if value is None:
        return None, ()
    text = value.strip()
    if re.fullmatch(r"(?i)NCT\d{8}", text):
        return text.upper(), ()
    if text.startswith(("http://", "https://")):
        return text, ()
    path = Path(text)
    if path.is_file():
        from kg.sources import load_trial_file

        return load_trial_file(path).nct_id, (str(path),)
    from kg.errors import SourceError

    if path.exists():
        raise SourceError("is a folder, not a trial file or NCT id", where=text)
    raise SourceError("neither an NCT id (NCT followed by 8 digits), a trial IRI nor an "
                      "existing trial file", where=text)


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
        click.option("--store", "store_spec", default=None,
                     metavar="memory|oxigraph:PATH|sparql:URL",
                     help="Where the graph lives. Default: the workspace (output/store, or "
                          "$TRIALKG_STORE), created on first use with the bundled trial. "
                          "'memory' builds the bundled graph for this command only."),
    ):
        wrapper = option(wrapper)
    return wrapper


def compose_store_spec(store: str | None, query_url: str | None, update_url: str | None,
                       gsp_url: str | None) -> str | None:
    """None (the workspace) when no --store is given."""
    words = [f"{k}={v}" for k, v in (("query_url", query_url), ("update_url", update_url),
                                     ("gsp_url", gsp_url)) if v]
    if not words:
        return store
    if not (store or "").startswith("sparql:"):
        from kg.errors import StoreError

        raise StoreError("--query-url, --update-url and --gsp-url need a 'sparql:' --store")
    return " ".join([store, *words])


@contextlib.contextmanager
def built_store(store_spec: str | None, trials: Sequence[str] = (),
                pubmed: Sequence[Path] = (), network: str = "offline"):
    """The store a command works on (the workspace by default), with ``trials`` and
    ``pubmed`` loaded first; closed afterwards, which releases its lock."""
    from kg.pipeline.workspace import workspace

    with workspace(store_spec, trials, pubmed, network) as store:
        yield store


def open_built_store(store_spec: str | None, trials: Sequence[str] = (),
                     pubmed: Sequence[Path] = (), network: str = "offline"):
    """``built_store`` for a caller that closes the store itself."""
    from kg.pipeline.workspace import open_workspace

    return open_workspace(store_spec, trials, pubmed, network)
