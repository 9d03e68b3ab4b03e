"""``kg viz``: argument parsing and output only; the work is in ``kg.views.viz``.

Registered on the main group by ``main.add_command(viz)``, so KGError from any layer is
turned into one line and an exit code there.
"""

from __future__ import annotations

from pathlib import Path

import click

from kg import resources
from kg.cli.options import open_built_store, store_option
from kg.views.viz.errors import VizError

OUT = resources.DEFAULT_OUTPUT
# Related studies highlighted: the best this many. On a field graph nearly every article
# shares something with the seed; ranking them all would take seconds and swamp the page.
RELATED_LIMIT = 200


def load_graph(path: Path):
    """An RDF file (Turtle, N-Triples, JSON-LD, RDF/XML…) as an rdflib Graph."""
    from rdflib import Graph
    from rdflib.util import guess_format

    if not path.exists():
        raise VizError("no graph file here; run `kg build` first or pass --graph", where=str(path))
    graph = Graph()
    try:
        graph.parse(path, format=guess_format(str(path)) or "turtle")
    except Exception as exc:  # rdflib raises many kinds; all mean "unreadable graph"
        raise VizError(f"cannot read the graph: {str(exc).splitlines()[0][:200]}",
                       where=str(path)) from None
    return graph


def related_results(graph, focus: str | None, store=None) -> tuple[list, str]:
    """Run the related-study finder; seed: the focus if it names a trial, else the bundled
    trial. ``store``: the store the graph came from (else a memory store of ``graph``)."""
    from rdflib import URIRef

    from kg.rdf import iris
    from kg.store import open_store

    try:
        from kg.views.related import find_related
    except ImportError as exc:
        raise VizError(
            f"--related needs the related-study finder (kg.views.related): {exc}") from None

    seed = iris.trial(resources.BUNDLED_NCT)
    if focus and focus.strip().upper().startswith("NCT"):
        seed = iris.trial(focus.strip().upper())
    elif focus and focus.startswith(str(iris.trial(""))):
        seed = URIRef(focus)
    if (seed, None, None) not in graph:
        raise VizError("no such trial in the graph to find related studies for",
                       where=str(seed))
    if store is None:
        store = open_store("memory")
        store.replace_graph(URIRef("urn:trialkg:viz"), graph)
    return find_related(store, seed, limit=RELATED_LIMIT), str(seed)


def _graph_of(store, focus: str | None, depth: int):
    """(graph, focus, notes): the whole store as a Graph when it is small; else the
    neighbourhood of the focus (default: the bundled trial) fetched from it, since copying
    a field store would take minutes and gigabytes."""
    import kg.store
    from kg.views.viz import neighbourhood as nb

    if not kg.store.is_large(store):
        return store.union(), focus, []
    try:
        node = nb.find_focus(store, focus or resources.BUNDLED_NCT)
    except VizError:
        if focus:
            raise
        raise VizError(f"the store holds more than {kg.store.LARGE_STORE:,} triples: give --focus "
                       "(an NCT id, PMID, drug key or MeSH id) to draw one neighbourhood",
                       where="--store") from None
    fetched = nb.fetch(store, node, depth)
    note = (f"The store holds more than {kg.store.LARGE_STORE:,} triples: drawing the "
            f"neighbourhood of {node} ({depth} step(s)) fetched from it.")
    return fetched.graph, str(node), [note, *fetched.notes]


@click.command("viz")
@click.option("--graph", "graph_path", type=click.Path(path_type=Path), default=None,
              help="An RDF file to draw (e.g. output/graph.ttl) instead of the --store graph.")
@click.option("--output", "html_path", type=click.Path(path_type=Path),
              default=OUT / "graph.html", show_default=True, help="The HTML page to write.")
@click.option("--focus", metavar="ID", help="Draw only the neighbourhood of an NCT id, "
              "PMID, drug key, MeSH id or IRI.")
@click.option("--depth", type=click.IntRange(min=0), default=2, show_default=True,
              help="Steps from --focus (breadth-first, ignoring edge direction).")
@click.option("--related", is_flag=True, help="Highlight studies related to the focus trial "
              "(default: the bundled NCT05807880), with their scores.")
@click.option("--max-nodes", type=click.IntRange(min=1), default=2000, show_default=True,
              help="Hard cap on drawn nodes; the most important are kept.")
@click.option("--graphml", "graphml_path", type=click.Path(path_type=Path),
              default=OUT / "graph.graphml", show_default=True, help="GraphML export.")
@click.option("--gexf", "gexf_path", type=click.Path(path_type=Path),
              default=OUT / "graph.gexf", show_default=True, help="GEXF export (Gephi).")
@click.option("--no-exports", is_flag=True, help="Write only the HTML page.")
@click.option("--title", default=None, help="Page title.")
@store_option
def viz(graph_path: Path | None, html_path: Path, focus: str | None, depth: int,
        related: bool, max_nodes: int, graphml_path: Path, gexf_path: Path, no_exports: bool,
        title: str | None, store_spec: str) -> None:
    """Draw the graph as one self-contained HTML page, and export GraphML and GEXF."""
    from kg.io import check_output
    from kg.views.viz import DEFAULT_TITLE, write_exports, write_viz

    check_output(html_path)
    if not no_exports:
        check_output(graphml_path, option="--graphml")
        check_output(gexf_path, option="--gexf")
    store, notes = None, []
    if graph_path is not None:
        graph = load_graph(graph_path)
    else:
        store = open_built_store(store_spec)
        graph, focus, notes = _graph_of(store, focus, depth)
    try:
        results, seed = related_results(graph, focus, store) if related else (None, None)
    finally:
        if store is not None:
            store.close()
    heading = title or (f"{DEFAULT_TITLE} — around {focus}" if focus else DEFAULT_TITLE)
    summary = write_viz(graph, html_path, focus=focus, depth=depth, related=results,
                        related_to=seed, max_nodes=max_nodes, title=heading, notes=notes)
    for note in notes:
        click.echo(note)
    line = (f"wrote {html_path}: {summary.nodes_drawn:,} nodes, {summary.edges_drawn:,} edges "
            f"drawn of {summary.total_nodes:,} / {summary.total_edges:,}")
    if summary.nodes_omitted:
        line += f"; {summary.nodes_omitted:,} nodes left out (--max-nodes {max_nodes})"
    if summary.authors_collapsed:
        line += f"; {summary.authors_collapsed:,} authors collapsed into count nodes"
    click.echo(line)
    if results is not None:
        click.echo(f"highlighted {len(results)} related studies of {seed}")
    if not no_exports:
        write_exports(graph, graphml_path, gexf_path)
        click.echo(f"wrote {graphml_path}")
        click.echo(f"wrote {gexf_path}")
