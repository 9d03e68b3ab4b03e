"""``kg serve``: the read-only SPARQL endpoint."""

from __future__ import annotations

import click

from kg.cli.options import built_store, records_options, store_option


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8890, show_default=True, type=int, help="Port (0: any free).")
@click.option("--timeout", default=30.0, show_default=True, type=float,
              help="Seconds a query may run before the endpoint answers 503.")
@click.option("--max-rows", default=10_000, show_default=True, type=int,
              help="Rows returned at most; longer answers are cut and say so.")
@records_options
@store_option
def serve(host, port, timeout, max_rows, trials, pubmed_files, store_spec) -> None:
    """Serve the graph as a read-only SPARQL 1.1 endpoint at /sparql, with a query page at /."""
    from kg.views.serve import ServeConfig, SparqlServer

    with built_store(store_spec, trials, pubmed_files) as store:
        server = SparqlServer(store, host, port, ServeConfig(timeout=timeout, max_rows=max_rows))
        click.echo(f"SPARQL endpoint: {server.url}/sparql  (query page: {server.url}/)  "
                   "Ctrl-C stops it.")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.shutdown()
