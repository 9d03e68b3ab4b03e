"""kg.views.match (match, verdicts and their renderings) and kg.views.match.read at the unit:
SYNTHETIC trials written straight into a memory store as the ``tkg:matchIndex`` literal the
graph builder writes (kg/rdf/constraints.py), matched against SYNTHETIC patients built in
code: which criteria fail, which are undetermined and why, the NCT filter, the as-of default,
and the table, JSON and CSV outputs."""

from __future__ import annotations

import datetime as dt
import gc
import json

import pytest
from rdflib import RDF, Literal, URIRef

from kg.errors import NotFoundError
from kg.model import Coding, PatientObservation, TimeWindow
from kg.rdf import iris
from kg.rdf.namespaces import TKG
from kg.store import open_store
from kg.views.match import Finding, TrialVerdict, as_query_result, match, render, to_json, to_table
from kg.views.match.read import StoredCriterion, constraint_from_dict, parse_index, read_trials
from tests.support.match import AS_OF, patient

HB = {"key": "c1", "kind": "measurement", "effect": "require", "concept": "hemoglobin",
      "label": "hemoglobin", "comparator": ">=", "value": 90, "unit": "g/L"}
SEX = {"key": "c1", "kind": "sex", "effect": "require", "concept": "female"}
HIV = {"key": "c2", "kind": "condition", "effect": "exclude", "concept": "hiv-infection",
       "label": "HIV infection", "text": "HIV infection"}


def criterion(section, number, *constraints, kind=None, not_computable=None):
    item = {"section": section, "number": number, "kind": kind or section or "inclusion",
            "constraints": json.dumps(list(constraints))}
    if not_computable:
        item["not_computable"] = not_computable
    return item


def index(nct, *criteria, condition_keys=()):
    return json.dumps({"nct": nct, "condition_keys": list(condition_keys),
                       "criteria": list(criteria)})


def store_of(*docs):
    store = open_store("memory")
    for doc in docs:
        nct = json.loads(doc)["nct"]
        store.add_to_graph(URIRef(f"urn:synthetic:{nct}"),
                           [(iris.eligibility(nct), TKG.matchIndex,
                             Literal(doc, datatype=RDF.JSON))])
    return store


TRIAL = index("NCT00000002",
              criterion(None, None, SEX),
              criterion("inclusion", "1", HB),
              criterion("inclusion", "2", not_computable="needs a tumour assessment"),
              criterion("inclusion", "3"),
              criterion("inclusion", "4", not_computable="introduces 4.1-4.2"),
              criterion("inclusion", "5", HIV, kind="exclusion"),
              criterion("exclusion", "1", {**HIV, "key": "c1", "applies_to": "male"}))


def hb(value, date="2026-11-28"):
    return PatientObservation("Observation/hb", codings=[Coding("trialkg", "hemoglobin")],
                              value=value, unit="g/L", date=date)


def test_a_failed_criterion_excludes_and_the_rest_is_listed_with_why():
    (v,) = match(store_of(TRIAL), patient(sex="female", observations=[hb(85)]), as_of=AS_OF)
    assert (v.trial, v.verdict) == ("NCT00000002", "excluded")
    assert v.reasons == [Finding("incl 1", "c1", "hemoglobin 85 g/L (Observation/hb); "
                                                 "threshold >= 90 g/L")]
    assert v.undetermined == [
        Finding("incl 2", "", "needs a tumour assessment", "not computable"),
        Finding("incl 3", "", "no constraint read", "not computable"),
        Finding("incl 5 (exclusion)", "c2", "no record of HIV infection", "missing data")]


def test_a_patient_passing_every_decided_criterion_is_not_excluded():
    (v,) = match(store_of(TRIAL), patient(sex="female", observations=[hb(90)]), as_of=AS_OF)
    assert (v.verdict, v.reasons) == ("not excluded", [])
    unknown = match(store_of(TRIAL), patient(observations=[hb(90)]), as_of=AS_OF)[0]
    assert Finding("eligibility fields", "c1", "sex not recorded", "missing data") in \
        unknown.undetermined
    assert Finding("excl 1", "c1", "applies to male patients; the patient's sex is not "
                                   "recorded", "missing data") in unknown.undetermined
    male = match(store_of(TRIAL), patient(sex="male", observations=[hb(90)]), as_of=AS_OF)[0]
    assert [(f.criterion, f.constraint) for f in male.reasons] == [("eligibility fields", "c1")]


def test_not_computable_constraints_are_undetermined_not_missing():
    nc = {"key": "c1", "kind": "measurement", "effect": "require", "status": "not-computable",
          "reason": "a dipstick grade", "text": "urine protein 2+"}
    (v,) = match(store_of(index("NCT00000003", criterion("exclusion", "1", nc))), patient(),
                 as_of=AS_OF)
    assert v.undetermined == [Finding("excl 1", "c1", "not computable: a dipstick grade",
                                      "not computable")]


def test_a_trial_without_criteria_text_says_so():
    (v,) = match(store_of(index("NCT00000004", criterion(None, None, SEX))),
                 patient(sex="female"), as_of=AS_OF)
    assert v.verdict == "not excluded"
    assert v.undetermined == [Finding("eligibility", "", "the record gives no eligibility "
                                                         "criteria text", "not computable")]


def test_a_record_without_structured_limits_still_has_its_criteria_checked():
    (v,) = match(store_of(index("NCT00000005", criterion(None, None),
                                criterion("inclusion", "1", HB))),
                 patient(observations=[hb(85)]), as_of=AS_OF)
    assert (v.verdict, [f.criterion for f in v.reasons], v.undetermined) == (
        "excluded", ["incl 1"], [])


def test_trials_come_sorted_and_the_filter_is_case_blind():
    store = store_of(index("NCT00000009", criterion("inclusion", "1", HB)), TRIAL)
    assert [v.trial for v in match(store, patient(), as_of=AS_OF)] == ["NCT00000002",
                                                                      "NCT00000009"]
    assert [v.trial for v in match(store, patient(), ["nct00000009"], AS_OF)] == \
        ["NCT00000009"]
    with pytest.raises(NotFoundError) as err:
        match(store, patient(), ["NCT00000009", "nct00000001", "NCT00000005"], AS_OF)
    assert str(err.value.args[0]) == ("not in the store: NCT00000001, NCT00000005 (load them "
                                      "with kg build --trial ...)")
    assert err.value.where == "NCT00000001"


def test_as_of_defaults_to_today():
    store = store_of(index("NCT00000009", criterion("inclusion", "1", HB)))
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    (v,) = match(store, patient(observations=[hb(50, tomorrow)]))
    assert v.verdict == "not excluded"  # a result dated tomorrow is not yet on the record
    (v,) = match(store, patient(observations=[hb(50, dt.date.today().isoformat())]))
    assert v.verdict == "excluded"


def test_the_trials_own_disease_is_passed_to_other_malignancy():
    mal = {"key": "c1", "kind": "condition", "effect": "exclude", "concept": "malignancy",
           "text": "other malignancy"}
    from kg.model import PatientCondition

    p = patient(conditions=[PatientCondition("Condition/npc", text="nasopharyngeal carcinoma",
                                             onset="2025-01-01")])
    store = store_of(index("NCT00000010", criterion("exclusion", "1", mal),
                           condition_keys=["nasopharyngeal-carcinoma"]),
                     index("NCT00000011", criterion("exclusion", "1", mal)))
    assert [v.verdict for v in match(store, p, as_of=AS_OF)] == ["not excluded", "excluded"]


@pytest.mark.parametrize("was_enabled", [True, False])
def test_match_leaves_the_garbage_collector_as_it_found_it(was_enabled):
    store = store_of(TRIAL)
    (gc.enable if was_enabled else gc.disable)()
    try:
        match(store, patient(), as_of=AS_OF)
        assert gc.isenabled() is was_enabled
    finally:
        gc.enable()


# ------------------------------------------------------------------ renderings
VERDICTS = [
    TrialVerdict("NCT00000002", "excluded",
                 [Finding("incl 1", "c1", "hemoglobin 85 g/L; threshold ≥ 90 g/L"),
                  Finding("excl 3", "c2", "age 70")],
                 [Finding("incl 2", "", "needs RECIST", "not computable"),
                  Finding("incl 5", "c1", "no record of HIV", "missing data")]),
    TrialVerdict("NCT00000009", "not excluded"),
]


def test_finding_lines():
    assert Finding("incl 1", "c1", "detail").line() == "incl 1 c1: detail"
    assert Finding("incl 1", "", "detail", "missing data").line() == \
        "incl 1: detail [missing data]"


def test_table():
    assert to_table(VERDICTS) == "\n".join([
        "NCT00000002  excluded  (2 failed, 2 undetermined)",
        "    reason: incl 1 c1: hemoglobin 85 g/L; threshold ≥ 90 g/L",
        "    reason: excl 3 c2: age 70",
        "    undetermined: incl 2: needs RECIST [not computable]",
        "    undetermined: incl 5 c1: no record of HIV [missing data]",
        "NCT00000009  not excluded  (0 failed, 0 undetermined)",
        "(2 trials)"])
    assert to_table(VERDICTS[1:]).splitlines()[-1] == "(1 trial)"
    assert to_table([]) == "(0 trials)"
    assert render(VERDICTS, "table") == to_table(VERDICTS)


def test_json_keeps_every_field_readable():
    text = to_json(VERDICTS)
    assert text.startswith('[\n {\n  "trial": "NCT00000002",\n')  # one space per level
    assert "threshold ≥ 90 g/L" in text  # not \u2265
    assert json.loads(text)[0]["undetermined"][1] == {
        "criterion": "incl 5", "constraint": "c1", "detail": "no record of HIV",
        "why": "missing data"}
    assert render(VERDICTS, "json") == text


def test_one_row_per_trial_for_the_tabular_formats():
    result = as_query_result(VERDICTS)
    assert (result.kind, result.variables) == ("select", ["trial", "verdict", "reasons",
                                                          "undetermined"])
    assert result.rows[0] == {
        "trial": Literal("NCT00000002"), "verdict": Literal("excluded"),
        "reasons": Literal("incl 1 c1: hemoglobin 85 g/L; threshold ≥ 90 g/L; excl 3 c2: "
                           "age 70"),
        "undetermined": Literal("incl 2: needs RECIST [not computable]; incl 5 c1: no "
                                "record of HIV [missing data]")}
    assert result.rows[1]["reasons"] == Literal("")
    csv = render(VERDICTS, "csv").splitlines()
    assert csv[0] == "trial,verdict,reasons,undetermined"
    assert csv[2] == "NCT00000009,not excluded,,"


# ------------------------------------------------------------------ read
def test_criterion_labels():
    assert StoredCriterion(None, None, "inclusion").label == "eligibility fields"
    assert StoredCriterion("inclusion", "6.1", "inclusion").label == "incl 6.1"
    assert StoredCriterion("exclusion", "3", "exclusion").label == "excl 3"
    assert StoredCriterion("inclusion", "9", "exclusion").label == "incl 9 (exclusion)"
    assert StoredCriterion("other", "2", "inclusion").label == "other 2 (inclusion)"


def test_parse_index_shares_equal_criteria_and_constraints():
    shared: dict = {}
    a = parse_index(index("NCT00000002", criterion("inclusion", "1", HB),
                          criterion("inclusion", "2", HB),
                          condition_keys=["carcinoma"]), shared)
    b = parse_index(index("NCT00000003", criterion("inclusion", "1", HB)), shared)
    assert (a.nct_id, a.condition_keys, b.condition_keys) == ("NCT00000002", ["carcinoma"], [])
    assert b.criteria[0] is a.criteria[0]  # the same criterion: one object
    assert a.criteria[1] is not a.criteria[0]  # another number
    assert a.criteria[1].constraints is a.criteria[0].constraints  # the same constraints
    (c,) = a.criteria[0].constraints
    assert (c.key, c.kind, c.concept, c.value, c.unit, c.text) == (
        "c1", "measurement", "hemoglobin", 90, "g/L", "hemoglobin")
    item = {"section": "exclusion", "number": "2"}  # no kind, no constraints
    (bare,) = parse_index(json.dumps({"nct": "NCT1", "criteria": [item]})).criteria
    assert (bare.kind, bare.constraints, bare.not_computable) == ("inclusion", [], None)
    assert parse_index(json.dumps({"nct": "NCT1"})).criteria == []


def test_constraint_from_dict_rebuilds_windows_parts_and_alternatives():
    c = constraint_from_dict({
        "key": "c1", "kind": "any-of", "effect": "exclude", "ignored": 1,
        "parts": [{"key": "c1.1", "kind": "condition", "effect": "exclude",
                   "concept": "hiv-infection"},
                  {"key": "c1.2", "kind": "therapy", "effect": "exclude",
                   "window": {"relation": "within", "amount": 4, "unit": "wk"}}],
        "unless": [{"key": "u", "kind": "age", "effect": "require", "label": "adult"}]})
    assert (c.text, c.window) == ("any-of", None)
    assert [p.text for p in c.parts] == ["hiv-infection", "therapy"]
    assert c.parts[1].window == TimeWindow("within", 4, "wk", "inclusion")
    assert (c.unless[0].text, c.unless[0].parts) == ("adult", [])
    kept = constraint_from_dict({"key": "c", "kind": "condition", "effect": "exclude",
                                 "text": "Active TB", "label": "tuberculosis"})
    assert kept.text == "Active TB"


def test_read_trials_reads_every_index_or_the_ones_asked_for():
    store = store_of(TRIAL, index("NCT00000009", criterion("inclusion", "1", HB)))
    assert sorted(read_trials(store)) == ["NCT00000002", "NCT00000009"]
    assert list(read_trials(store, ["NCT00000009"])) == ["NCT00000009"]
    assert read_trials(store, ["NCT00000001"]) == {}
    trial = read_trials(store)["NCT00000002"]
    assert [c.label for c in trial.criteria][:3] == ["eligibility fields", "incl 1", "incl 2"]
