"""``kg serve``: the read-only SPARQL endpoint."""

from __future__ import annotations

import contextlib

import click

from kg.cli.options import built_store, records_options, store_option


def _port(ctx, param, value: int) -> int:
    """A port out of range is one line and exit 2 (KGError), not click's usage block."""
    from kg.views.serve import check_port

    return check_port(value)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8890, show_default=True, type=int, callback=_port,
              help="Port (0: any free).")
@click.option("--timeout", default=30.0, show_default=True, type=float,
              help="Seconds a query may run before the endpoint answers 503.")
@click.option("--max-rows", default=10_000, show_default=True, type=int,
              help="Rows returned at most; longer answers are cut and say so.")
@click.option("--allowed-host", "allowed_hosts", multiple=True, metavar="NAME",
              help="Also answer requests whose Host header is NAME (the name clients use "
                   "beyond loopback, e.g. behind a reverse proxy). Repeatable; '*' answers "
                   "any Host and gives up the DNS-rebinding defence.")
@records_options
@store_option
def serve(host, port, timeout, max_rows, allowed_hosts, trials, pubmed_files,
          store_spec) -> None:
    """Serve the graph as a read-only SPARQL 1.1 endpoint at /sparql, with a query page at /.

    Queries read only the graph: SERVICE is refused and FROM never loads a file or URL.
    Requests are answered only for this machine's loopback names (and --allowed-host)."""
    from kg.views.serve import ServeConfig, SparqlServer

    config = ServeConfig(timeout=timeout, max_rows=max_rows,
                         allowed_hosts=tuple(allowed_hosts))
    server = SparqlServer(None, host, port, config)  # bind first: a taken port fails fast
    try:
        with built_store(store_spec, trials, pubmed_files) as store:
            server.store = store
            click.echo(f"SPARQL endpoint: {server.url}/sparql  (query page: {server.url}/)  "
                       "Ctrl-C stops it.")
            if not server.loopback_only and not allowed_hosts:
                click.echo(f"kg serve: listening beyond loopback on {host}, but answering only "
                           "Host names of this machine's loopback; add --allowed-host NAME "
                           "for the name clients use (see README)", err=True)
            with contextlib.suppress(KeyboardInterrupt):
                server.serve_forever()
    finally:
        server.shutdown()
