"""Computable eligibility: constraint extraction for the bundled trial, and `kg match` of one
patient against every trial of a synthetic field store (benchmarks/synthetic_field.py, built
through the bulk path into on-disk Oxigraph).

    python benchmarks/match_bench.py --trials 10000 [--runs 5] [--seed 7]

Figures, never assertions. Targets (issue 15): extraction < 50 ms for the bundled trial;
matching one patient against the 10,000-trial field < 2 s. Peers measured in the same run:
extraction against the criteria parse that precedes it (kg.sources.eligibility), matching
against the floor of reading the same constraint rows from the store without checking them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import headline, interleaved, ms, table  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 12, 1)


def synthetic_patient():
    """A synthetic patient (no real person): 58, female, past childbearing potential, with
    results that pass some thresholds and fail others."""
    from kg.model import Coding, Patient, PatientCondition, PatientMedication, PatientObservation

    def obs(code: str, value: float, unit: str, high: float | None = None):
        return PatientObservation(f"synthetic/{code}", [Coding("loinc", code)], value=value,
                                  unit=unit, high=high, high_unit=unit, date="2026-11-25")

    return Patient(
        id="synthetic-benchmark", birth_date="1968-03-02", sex="female",
        childbearing_potential=False,
        observations=[obs("718-7", 11.2, "g/dL"), obs("777-3", 85000, "/mm3"),
                      obs("1975-2", 1.1, "mg/dL", 1.2), obs("8480-6", 142, "mm[Hg]"),
                      PatientObservation("synthetic/ecog", [Coding("trialkg", "ecog")],
                                         value=1.0)],
        conditions=[PatientCondition("synthetic/c1", text="nasopharyngeal carcinoma",
                                     onset="2025-06-01")],
        medications=[PatientMedication("synthetic/m1", text="pembrolizumab",
                                       start="2025-08-01", end="2026-01-15")])


def extraction(runs: int) -> list[list[str]]:
    from kg import resources
    from kg.extract.constraints import extract_constraints
    from kg.sources import load_trial_file
    from kg.sources.eligibility import parse_criteria

    trial = load_trial_file(resources.BUNDLED_TRIAL)
    text = trial.eligibility.text or ""
    times = interleaved({"extract": lambda: extract_constraints(trial),
                         "parse": lambda: parse_criteria(text)}, runs)
    count = sum(len(c.constraints) for c in _walk(trial.eligibility.criteria))
    headline("constraint extraction, bundled trial (ms)", ms(times["extract"]))
    return [["extract constraints, bundled trial (target < 50 ms)", ms(times["extract"]),
             f"{count} constraints"],
            ["peer: parse its criteria text", ms(times["parse"]),
             f"x{times['extract'] / times['parse']:.1f}"]]


def _walk(criteria):
    for c in criteria:
        yield c
        yield from _walk(c.children)


def matching(trials: int, runs: int, seed: int) -> list[list[str]]:
    from benchmarks.synthetic_field import generate
    from kg.pipeline.bulk import build_field, open_field_store
    from kg.views.match import match
    from kg.views.match.read import read_trials
    from kg.views.match.units import Converter

    with tempfile.TemporaryDirectory(prefix="match-bench-") as tmp:
        work = Path(tmp)
        field = generate(work / "field", trials, 10, seed)  # a few articles: citations need some
        start = time.perf_counter()
        build_field(work / "store", field.all_trial_files, field.all_pubmed_files)
        print(f"built a {trials:,}-trial field store in {time.perf_counter() - start:.1f} s")
        store = open_field_store(work / "store")
        patient = synthetic_patient()
        import kg.views.match.units as units

        units._DEFAULT = Converter()  # cold: the unit registry is built inside the first call
        start = time.perf_counter()
        verdicts = match(store, patient, as_of=AS_OF)
        cold = time.perf_counter() - start
        warm = statistics.median(_timed(lambda: match(store, patient, as_of=AS_OF), runs))
        floor = statistics.median(_timed(lambda: read_trials(store), runs))
        store.close()
    excluded = sum(v.verdict == "excluded" for v in verdicts)
    headline(f"kg match, one patient x {trials:,} trials (ms)", ms(warm))
    return [[f"match one patient x {trials:,} trials, first call (unit registry built)",
             ms(cold), f"{excluded:,} excluded"],
            [f"match one patient x {trials:,} trials (target < 2000 ms)", ms(warm),
             f"{len(verdicts):,} verdicts"],
            ["floor: read the same constraints from the store", ms(floor),
             f"match/floor x{warm / floor:.2f}"]]


def _timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    rows = extraction(max(args.runs, 20))
    rows += matching(args.trials, args.runs, args.seed)
    print(table(["measure", "ms", "note"], rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
