"""``kg discover``: argument parsing and output for :mod:`kg.pipeline.discover`.

Results go to stdout in the chosen format; progress (only on a terminal) and the summary
line go to stderr, so ``--format json`` output stays machine-readable. ``-q`` prints
nothing on success: the trials still land in the store.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rdflib import Literal

from kg.cli.options import FORMAT as _FORMAT
from kg.cli.options import network_mode as _network_mode
from kg.cli.options import store_option
from kg.clients.budget import DEFAULT_MAX_REQUESTS, request_budget
from kg.pipeline.discover import ClientSettings, Criteria, DiscoverOptions, DiscoverResult
from kg.store import QueryResult
from kg.store.workspace import choose

COLUMNS = ["nct_id", "change", "status", "title", "drugs", "condition", "why", "source"]


class _Progress:
    """Progress lines on stderr, only when a person is watching a terminal."""

    def __init__(self, enabled: bool):
        self.enabled = enabled

    def __call__(self, message: str) -> None:
        if self.enabled:
            click.echo(f"discover: {message}", err=True)


def _on_terminal() -> bool:
    return sys.stderr.isatty()


def to_table(result: DiscoverResult) -> QueryResult:
    """The matches as a store-neutral table, so every ``--format`` renderer applies."""
    rows = []
    for found in result.search.found:
        t = found.trial
        drugs = sorted({r.concept for r in found.reasons if r.kind == "drug"})
        conditions = [r.concept for r in found.reasons if r.kind == "condition"]
        cells = {"nct_id": t.nct_id, "change": result.changes.get(t.nct_id, ""),
                 "status": t.overall_status or "", "title": t.brief_title or "",
                 "drugs": ", ".join(drugs), "condition": ", ".join(conditions),
                 "why": "; ".join(str(r) for r in found.reasons), "source": found.origin}
        rows.append({k: Literal(v) for k, v in cells.items()})
    return QueryResult("select", variables=list(COLUMNS), rows=rows)


def summary(result: DiscoverResult, store_spec: str, written: list[Path]) -> str:
    s = result.search
    pages = f" in {s.pages} page(s)" if s.pages else ""
    line = (f"discover: {len(s.found)} matching trial(s) of {s.studies_read} studies read"
            f"{pages}: {result.count('new')} new, {result.count('updated')} updated, "
            f"{result.count('unchanged')} unchanged")
    if result.literature is not None:
        lit = result.literature
        line += (f"; {len(lit.articles)} article(s) added ({lit.already} already held, "
                 f"{len(lit.missing)} unavailable)")
    if s.unreadable:
        line += f"; {len(s.unreadable)} unreadable record(s) skipped"
    target = ", ".join(str(p) for p in written) if written else store_spec
    return line + f" -> {target}"


@click.command()
@click.option("--condition", metavar="TEXT", help="A condition; narrower ones match too "
              "(e.g. 'nasopharyngeal carcinoma').")
@click.option("--drug", "drugs", multiple=True, metavar="NAME",
              help="A drug by any curated name or code (Tirelizumab, AK105). Repeatable.")
@click.option("--drug-class", "drug_classes", multiple=True, metavar="CLASS",
              help="A drug class, expanded to its members' names (e.g. anti-PD-1). Repeatable.")
@click.option("--status", "statuses", multiple=True, metavar="S",
              help="Overall status, e.g. RECRUITING. Repeatable.")
@click.option("--limit", type=click.IntRange(min=1), default=None,
              help="Read at most this many studies from the API.")
@click.option("--online", is_flag=True, help="Search ClinicalTrials.gov now "
              "(CTGOV_BASE_URL overrides the base URL).")
@click.option("--offline", is_flag=True, help="Search the shipped snapshot and cached "
              "searches only (the default unless NCBI_EMAIL is set).")
@click.option("--with-literature", is_flag=True, help="Also fetch the trials' references "
              "and the PubMed articles that name them (NCT…[si]).")
@_FORMAT
@store_option
@click.option("--output", "output_dir", type=click.Path(path_type=Path),
              default=None, help="Also write the store's whole graph as graph.ttl and "
              "graph.jsonld into this folder.")
@click.option("--page-size", type=click.IntRange(1, 1000), default=100, show_default=True)
@click.option("--interval", type=click.FloatRange(min=0), default=0.5, show_default=True,
              help="Seconds between requests to ClinicalTrials.gov.")
@click.option("--retries", type=click.IntRange(min=1), default=4, show_default=True,
              help="Attempts per request, the first included.")
@click.option("--backoff", type=click.FloatRange(min=0), default=1.0, hidden=True)
@click.option("--max-requests", type=click.IntRange(min=1), default=DEFAULT_MAX_REQUESTS,
              show_default=True, help="HTTP requests this command may send in all "
              "(ClinicalTrials.gov and NCBI, retries included); past it, it stops.")
@click.option("-q", "--quiet", is_flag=True, help="No progress or summary lines (the "
              "results are still printed).")
@click.option("-v", "--verbose", is_flag=True, help="Also say how many HTTP requests were "
              "sent, to whom, and the cap.")
def discover(condition, drugs, drug_classes, statuses, limit, online, offline,
             with_literature, fmt, store_spec, output_dir, page_size, interval, retries,
             backoff, max_requests, quiet, verbose) -> None:
    """Find trials by condition and drug or drug class, say why each matched and whether it
    is new, updated or unchanged, and add them (and with --with-literature, their articles)
    to the graph."""
    from kg.pipeline.discover import discover as run
    from kg.pipeline.discover import open_target
    from kg.views.formats import render

    criteria = Criteria(condition=condition, drugs=tuple(drugs),
                        drug_classes=tuple(drug_classes), statuses=tuple(statuses))
    settings = ClientSettings(min_interval=interval, retries=retries, backoff=backoff,
                              page_size=page_size)
    options = DiscoverOptions(criteria, network=_network_mode(online, offline, False),
                              limit=limit, settings=settings, with_literature=with_literature)
    progress = _Progress(not quiet and _on_terminal())
    if output_dir is not None:
        from kg.io import check_output

        check_output(output_dir, folder=True)
    choice = choose(store_spec)
    store = open_target(choice)
    try:
        with request_budget(max_requests) as budget:
            result = run(options, store, progress=progress)
        written = []
        if output_dir is not None:
            progress(f"writing {output_dir}/graph.ttl and graph.jsonld")
            from kg.pipeline.run import write_graph_files

            written = write_graph_files(store, output_dir)
    finally:
        store.close()
    click.echo(render(to_table(result), fmt).rstrip("\n"))
    requests = f"discover: {budget.line()}"
    if quiet:
        if verbose:
            click.echo(requests, err=True)
        return
    for note in result.search.notes:
        click.echo(f"discover: {note}", err=True)
    click.echo(summary(result, choice.describe(), written), err=True)
    if verbose:
        click.echo(requests, err=True)
