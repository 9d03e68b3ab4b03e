"""``kg match``: which trials in the store a patient could enter, and why not."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from kg.cli.options import FORMAT, built_store, records_options, store_option


def _as_of(_ctx, _param, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


@click.command("match")
@click.option("--patient", "patient_file", required=True, type=click.Path(path_type=Path),
              help="A FHIR R4 Bundle (JSON) or a patient profile (YAML/JSON; see README).")
@click.argument("nct_ids", nargs=-1, metavar="[NCT-ID ...]")
@click.option("--as-of", "as_of", callback=_as_of, metavar="DATE",
              help="The date ages and time windows are measured from (default: today).")
@FORMAT
@records_options
@store_option
def match(patient_file, nct_ids, as_of, fmt, trials, pubmed_files, store_spec) -> None:
    """Check a patient against every trial in the store (or the NCT-IDs given).

    One row per trial: 'excluded' when at least one computable criterion fails on the
    patient's known data (each failure with the patient's value and the threshold),
    'not excluded' otherwise; criteria that could not be decided are listed with why
    (missing data or not computable). Missing data never excludes. --trial and --pubmed
    keep their meaning: records to load into the store first.
    """
    from kg.sources.patient import load_patient
    from kg.views.match import match as run_match
    from kg.views.match import render

    patient = load_patient(patient_file)
    for problem in patient.problems:
        click.echo(f"kg: warning: {patient_file}: {problem} (skipped; the rest is checked)",
                   err=True)
    with built_store(store_spec, trials, pubmed_files) as store:
        verdicts = run_match(store, patient, list(nct_ids) or None, as_of)
    click.echo(render(verdicts, fmt).rstrip("\n"))
