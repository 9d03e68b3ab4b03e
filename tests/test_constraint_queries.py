"""The library queries over constraints: a trial's constraints, and trials by age limit and
prior-therapy exclusion (on rdflib and on Oxigraph)."""

from __future__ import annotations

import pytest

from kg.pipeline.build import BuildOptions, build
from kg.views import query as q


@pytest.fixture(scope="module", params=["memory", "oxigraph:"])
def store(request, default_build):
    if request.param == "memory":
        return default_build.store
    return build(BuildOptions(store="oxigraph:")).store


def rows(store, name, **params):
    result = q.run(store, q.get(name), {k: str(v) for k, v in params.items()})
    return [{k: str(v) for k, v in row.items()} for row in result.rows]


def _ncts(found):
    return {r["trial"].rsplit("/", 1)[-1] for r in found}


def test_eligibility_constraints_lists_a_trials_constraints(store):
    found = rows(store, "eligibility-constraints", trial="NCT05807880")
    hb = next(r for r in found if r["criterion"] == "inclusion 6.1.1")
    # Oxigraph writes the canonical decimal "90", rdflib the stored "90.0".
    assert (hb["key"], hb["kind"], hb["comparator"], float(hb["value"]), hb["unit"]) == \
        ("c1", "measurement", ">=", 90.0, "g/L")
    plt = next(r for r in found if r["criterion"] == "inclusion 6.1.3")
    assert "superscript" in plt["assumptions"] and plt["status"] == "assumed"
    tsh_alternatives = [r["key"] for r in found if r["criterion"] == "inclusion 6.5"]
    assert sorted(tsh_alternatives) == ["c1", "c1.u1", "c1.u2"]
    window = next(r for r in found if r["criterion"] == "inclusion 13" and r["key"] == "c2")
    assert (window["window"], float(window["windowAmount"]), window["windowUnit"],
            window["windowAnchor"]) == ("within", 30.0, "d", "inclusion")
    assert next(r for r in found if r["criterion"] == "fields")["key"] == "age"
    assert len(found) == len({(r["criterion"], r["key"]) for r in found})


def test_trials_admitting_a_70_year_old_without_anti_pd1_exclusion(store):
    found = rows(store, "trials-by-constraints", age=70, drugClass="anti-PD-1")
    ncts = _ncts(found)
    assert "NCT05807880" not in ncts  # 18-65, and it excludes prior checkpoint inhibitors
    assert "NCT05780372" in ncts  # 18-70: the limit is inclusive
    assert "NCT03707509" in ncts  # 18-75
    assert "NCT05780372" not in _ncts(rows(store, "trials-by-constraints", age=71,
                                           drugClass="anti-PD-1"))


def test_the_therapy_exclusion_is_what_removes_the_bundled_trial(store):
    by_pd1 = _ncts(rows(store, "trials-by-constraints", age=50, drugClass="anti-PD-1"))
    by_tki = _ncts(rows(store, "trials-by-constraints", age=50, drugClass="vegfr-tki"))
    assert "NCT05807880" not in by_pd1 and "NCT05807880" in by_tki
    assert by_tki - by_pd1 == {"NCT05807880"}
