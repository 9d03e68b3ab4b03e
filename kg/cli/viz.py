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


def focus_of(value: str | None) -> tuple[str | None, Path | None]:
    """``--focus`` as (the id to draw around, the trial file it came from). A trial page
    (.txt) or CT.gov study JSON gives its NCT id (and is loaded into the store); anything
    else is an id, and a path that names no file says so in one line."""
    if value is None:
        return None, None
    text = value.strip()
    path = Path(text).expanduser()
    if path.is_file():
        from kg.sources import load_trial_file

        return load_trial_file(path).nct_id, path  # TrialParseError: one line naming it
    if path.is_dir():
        raise VizError("is a directory; --focus takes an NCT id, PMID, drug key, MeSH id, "
                       "IRI or a trial file (.txt page or CT.gov JSON)", where=text)
    if not text.startswith(("http://", "https://")) and (
            "/" in text or "\\" in text or path.suffix.lower() in TRIAL_SUFFIXES):
        raise VizError("no such trial file, and not an NCT id, PMID, drug key, MeSH id or "
                       "IRI", where=text)
    return text, None


TRIAL_SUFFIXES = {".txt", ".json", ".md", ".xml"}


def _usage_exit(ctx: click.Context, message: str) -> None:
    click.echo(f"Usage: kg viz --output FILE.html [OPTIONS]  ({message})", err=True)
    ctx.exit(2)


@click.command("viz")
@click.option("--output", "html_path", type=click.Path(path_type=Path), default=None,
              metavar="FILE.html", help="The HTML page to write (required; `kg run` writes "
              "output/graph.html).")
@click.option("--focus", metavar="ID|FILE", help="Open the page on this node's "
              "neighbourhood and draw only what lies within --depth of it: an NCT id, PMID, "
              "drug key, MeSH id, IRI, or a trial file (.txt page or CT.gov JSON, loaded "
              "into the --store first). Default: the whole graph, opening on the bundled "
              "NCT05807880.")
@click.option("--depth", type=click.IntRange(min=0), default=2, show_default=True,
              help="Steps from --focus (breadth-first, ignoring edge direction).")
@click.option("--related", is_flag=True, help="Highlight studies related to the focus trial "
              "(default: the bundled NCT05807880), with their scores.")
@click.option("--max-nodes", type=click.IntRange(min=1), default=2000, show_default=True,
              help="Hard cap on drawn nodes; the most important are kept.")
@click.option("--graphml", "graphml_path", type=click.Path(path_type=Path), default=None,
              metavar="PATH", help="Also write the page's nodes and edges as GraphML "
              "(Cytoscape, Gephi).")
@click.option("--gexf", "gexf_path", type=click.Path(path_type=Path), default=None,
              metavar="PATH", help="Also write the page's nodes and edges as GEXF (Gephi).")
@click.option("--title", default=None, help="Page title.")
@click.option("--graph", "graph_path", type=click.Path(path_type=Path), default=None,
              help="An RDF file to draw (e.g. output/graph.ttl) instead of the --store graph.")
@store_option
@click.pass_context
def viz(ctx: click.Context, graph_path: Path | None, html_path: Path | None, focus: str | None,
        depth: int, related: bool, max_nodes: int, graphml_path: Path | None,
        gexf_path: Path | None, title: str | None, store_spec: str) -> None:
    """Draw the graph as one self-contained HTML page that works offline.

    The page opens on the neighbourhood of --focus (default: the bundled NCT05807880):
    its drugs, conditions, sponsors and related studies, labels apart; one click shows
    everything on the page. Search matches names, synonyms, code names and ids; click a
    node for its facts and links. Setting facts, mentions and eligibility constraints are
    shown on their record's or criterion's card, MeSH ancestors as tree paths, not drawn.
    Writes only the files asked for: --output, and the same nodes and edges as
    GraphML/GEXF with --graphml/--gexf.
    """
    from kg.io import check_output
    from kg.views.viz import DEFAULT_TITLE, write_viz

    # Every path given is checked first, so a bad --graphml is named even when --output
    # is missing too; then the missing --output is the one usage line.
    for path, option in ((html_path, "--output"), (graphml_path, "--graphml"),
                         (gexf_path, "--gexf")):
        if path is not None:
            check_output(path, option=option)
    if html_path is None:
        _usage_exit(ctx, "--output is required; `kg run` writes output/graph.html")
    focus, trial_file = focus_of(focus)
    store, notes = None, []
    if graph_path is not None:
        graph = load_graph(graph_path)
    else:
        # A trial file as focus is a record to load, as --trial is everywhere.
        store = open_built_store(store_spec, trials=(str(trial_file),) if trial_file else ())
        try:
            graph, focus, notes = _graph_of(store, focus, depth)
        except BaseException:
            store.close()
            raise
    try:
        results, seed = related_results(graph, focus, store) if related else (None, None)
    finally:
        if store is not None:
            store.close()
    heading = title or (f"{DEFAULT_TITLE} — around {focus}" if focus else DEFAULT_TITLE)
    summary = write_viz(graph, html_path, focus=focus, depth=depth, related=results,
                        related_to=seed, max_nodes=max_nodes, title=heading, notes=notes,
                        graphml_path=graphml_path, gexf_path=gexf_path)
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
    for path in (graphml_path, gexf_path):
        if path is not None:
            click.echo(f"wrote {path}: the same {summary.nodes_drawn:,} nodes and "
                       f"{summary.edges_drawn:,} edges")
