"""`kg match` on the command line: formats, bad input (exit 2, one line naming the file and
the problem), a bad resource reported while the rest is checked, --as-of and NCT filters."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from kg import resources
from kg.cli import EXIT_INPUT, main

PATIENTS = Path(__file__).parent / "fixtures" / "patients"
BUNDLE = str(PATIENTS / "synthetic-bundle.json")
BASELINE = str(PATIENTS / "synthetic-baseline.yaml")
SEED = ["--store", "memory", resources.BUNDLED_NCT]  # the bundled graph holds its corpus too


def invoke(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_help_documents_the_verdicts_and_options():
    out = invoke("match", "--help").output
    for word in ("--patient", "--as-of", "--format", "--trial", "--store", "excluded",
                 "Missing data never excludes"):
        assert word in out
    assert "match" in invoke("--help").output


def test_bundle_with_a_bad_resource_is_reported_and_checked(tmp_path):
    result = invoke("match", "--patient", BUNDLE, "--as-of", "2026-12-01", "--format", "json",
                    *SEED)
    assert result.exit_code == 0
    warnings = [line for line in result.stderr.splitlines() if line.startswith("kg: warning:")]
    assert warnings == [
        f"kg: warning: {BUNDLE}: Observation/alt-garbled: valueQuantity.value: Value error, "
        "Decimal value string does not match spec regex. (skipped; the rest is checked)",
        f"kg: warning: {BUNDLE}: Observation/ast-novalue: value[x]: the Observation has no "
        "value (skipped; the rest is checked)"]
    (verdict,) = json.loads(result.stdout)
    assert verdict["trial"] == "NCT05807880" and verdict["verdict"] == "excluded"
    details = {(r["criterion"], r["constraint"]): r["detail"] for r in verdict["reasons"]}
    assert set(details) == {("incl 6.1.1", "c1"), ("incl 6.2.1", "c1"), ("excl 3", "c1")}
    assert details[("incl 6.1.1", "c1")] == ("hemoglobin 8.9 g/dL (Observation/hb) = 89 g/L; "
                                             "threshold >= 90 g/L")
    assert "1.9 mg/dL (Observation/tbil) = 1.55 x ULN" in details[("incl 6.2.1", "c1")]
    assert "20 mg/day prednisone-equivalent; threshold > 10 mg/day" in \
        details[("excl 3", "c1")]
    whys = {u["why"] for u in verdict["undetermined"]}
    assert whys == {"missing data", "not computable"}


def test_table_and_csv_formats(tmp_path):
    table = invoke("match", "--patient", BASELINE, "--as-of", "2026-12-01", *SEED).stdout
    lines = table.splitlines()
    assert lines[0].startswith("NCT05807880  not excluded  (0 failed, ")
    assert lines[-1] == "(1 trial)"
    assert any(line.startswith("    undetermined: incl 3: needs a tumour assessment")
               for line in lines)
    csv = invoke("match", "--patient", BASELINE, "--as-of", "2026-12-01", "--format", "csv",
                 *SEED).stdout
    assert csv.splitlines()[0] == "trial,verdict,reasons,undetermined"
    assert csv.splitlines()[1].startswith("NCT05807880,not excluded,,")
    md = invoke("match", "--patient", BASELINE, "--as-of", "2026-12-01", "--format", "md",
                *SEED).stdout
    assert md.startswith("| trial | verdict | reasons | undetermined |")


def test_as_of_changes_the_age_verdict():
    young = invoke("match", "--patient", BASELINE, "--as-of", "2026-12-01", "--format", "json",
                   *SEED)
    old = invoke("match", "--patient", BASELINE, "--as-of", "2036-12-01", "--format", "json",
                 *SEED)
    assert json.loads(young.stdout)[0]["verdict"] == "not excluded"
    reasons = json.loads(old.stdout)[0]["reasons"]
    assert reasons[0]["criterion"] == "eligibility fields"
    assert reasons[0]["detail"] == "age 68; threshold 18-65"


def test_unusable_file_exits_2_with_one_line(tmp_path):
    bad = tmp_path / "synthetic-observation.json"
    bad.write_text('{"resourceType": "Observation"}', encoding="utf-8")
    result = invoke("match", "--patient", str(bad), *SEED)
    assert result.exit_code == EXIT_INPUT
    assert result.stderr.strip() == (f"kg: error: {bad}: not a FHIR Bundle (resourceType is "
                                     "'Observation')")
    assert result.stdout == ""


def test_bundle_without_patient_exits_2(tmp_path):
    bad = tmp_path / "synthetic-nopatient.json"
    bad.write_text(json.dumps({"resourceType": "Bundle", "entry": []}), encoding="utf-8")
    result = invoke("match", "--patient", str(bad), *SEED)
    assert result.exit_code == EXIT_INPUT
    assert "the Bundle has no usable Patient resource" in result.stderr


def test_unknown_nct_and_bad_date_exit_2():
    result = invoke("match", "--patient", BASELINE, "NCT00000001", *SEED)
    assert result.exit_code == EXIT_INPUT
    assert "not in the store: NCT00000001" in result.stderr
    bad_date = invoke("match", "--patient", BASELINE, "--as-of", "1 Dec 2026", *SEED)
    assert bad_date.exit_code == 2 and "'1 Dec 2026' is not a date (YYYY-MM-DD)" in \
        bad_date.stderr


def test_named_trials_only_on_an_oxigraph_store(tmp_path):
    store = f"oxigraph:{tmp_path / 'store'}"
    built = invoke("build", "--store", store)
    assert built.exit_code == 0, built.output
    every = json.loads(invoke("match", "--patient", BASELINE, "--as-of", "2026-12-01",
                              "--format", "json", "--store", store).stdout)
    assert len(every) > 1 and "NCT05807880" in [v["trial"] for v in every]
    only = json.loads(invoke("match", "--patient", BASELINE, "NCT05807880", "--as-of",
                             "2026-12-01", "--format", "json", "--store", store).stdout)
    assert [v["trial"] for v in only] == ["NCT05807880"]
    assert only[0] == next(v for v in every if v["trial"] == "NCT05807880")
