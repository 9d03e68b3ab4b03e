"""``kg related``: related trials and articles, ranked, with reasons."""

from __future__ import annotations

from pathlib import Path

import click

from kg.cli.options import FORMAT, built_store, records_options, store_option, trial_reference
from kg.extract.setting_concepts import CONCEPTS


@click.command()
@click.argument("seed_arg", required=False, metavar="[SEED]")
@click.option("--seed", default=None, metavar="NCT-ID|FILE",
              help="The trial to find studies related to (also the first argument): an NCT "
                   "id or a trial file (loaded like --trial). Default: the bundled "
                   "NCT05807880.")
@click.option("--drug", help="Only results whose evidence involves this drug.")
@click.option("--drug-class", "drug_class", help="Only results involving this drug class "
              "(e.g. anti-PD-1).")
@click.option("--condition", help="Only results sharing this condition (e.g. 'nasopharyngeal "
              "carcinoma').")
@click.option("--kind", type=click.Choice(["trial", "article"]), help="Only trials or articles.")
@click.option("--setting", type=click.Choice(list(CONCEPTS["disease-setting"])),
              help="Only studies whose record states this disease setting ('advanced' and "
                   "'curative' keep their whole family).")
@click.option("--line", type=click.Choice(list(CONCEPTS["line"])),
              help="Only studies whose record states this line of therapy ('pretreated' "
                   "keeps platinum-pretreated too).")
@click.option("--limit", type=click.IntRange(min=0), default=20, show_default=True,
              help="At most this many results; 0 for all (on a field graph: slow).")
@FORMAT
@records_options
@store_option
@click.option("--output", "output_csv", type=click.Path(path_type=Path),
              default=None, help="Also write the ranking as CSV to this file.")
def related(seed_arg, seed, drug, drug_class, condition, kind, setting, line, limit, fmt,
            trials, pubmed_files, store_spec, output_csv) -> None:
    """Rank trials and articles related to a trial (the SEED), with a score and the reasons
    for each."""
    from kg.io import atomic_write_text, check_output
    from kg.views.formats import render, to_csv
    from kg.views.related import find_related, to_query_result

    if seed_arg and seed and seed_arg != seed:
        raise click.UsageError("give the seed once: as the argument or as --seed")
    nct, load = trial_reference(seed_arg or seed)
    if output_csv is not None:
        check_output(output_csv)
    with built_store(store_spec, (*trials, *load), pubmed_files) as store:
        results = find_related(store, nct, drug=drug, drug_class=drug_class,
                               condition=condition, kind=kind, setting=setting, line=line,
                               limit=limit or None)
    table = to_query_result(results)
    if output_csv is not None:
        atomic_write_text(output_csv, to_csv(table))
    click.echo(render(table, fmt).rstrip("\n"))
