"""kg.views.match.units at the unit: UCUM codes read by ucumvert, conversions (with a molar
mass between mass and amount of substance), cached factors, the errors, and where the pint
registry keeps its cache."""

from __future__ import annotations

import logging

import pytest

from kg.views.match import units
from kg.views.match.units import Converter, UnitError, default_converter


@pytest.fixture(scope="module")
def conv():
    c = Converter()
    c.convert(1.0, "g/dL", "g/L")  # the registry is built before the timed tests
    return c


def test_check_accepts_ucum_and_names_what_it_cannot_read(conv):
    for code in ("g/L", "10*9/L", "mm[Hg]", "[iU]/mL", "%"):
        assert conv.check(code) is None
    with pytest.raises(UnitError, match=r"^'gm/dL' is not a UCUM unit ucumvert can read$"):
        conv.check("gm/dL")
    # ucumvert reads a bare annotation as a token, not a unit
    with pytest.raises(UnitError, match=r"^'\{copies\}' is not a UCUM unit ucumvert can read$"):
        conv.check("{copies}")


def test_conversions(conv):
    assert conv.convert(8.9, "g/dL", "g/L") == pytest.approx(89.0)
    assert conv.convert(4000, "/mm3", "10*9/L") == pytest.approx(4.0)
    assert conv.convert(0.48, "s", "ms") == pytest.approx(480.0)
    assert conv.convert(1.0, "mg/dL", "umol/L", 113.12) == pytest.approx(88.4017, rel=1e-5)
    assert conv.convert(1.0, "g/dL", "g/L", 113.12) == pytest.approx(10.0)  # same dimension
    assert conv.convert(7.5, "xyz", "xyz") == 7.5  # equal codes are never parsed


def test_factors_are_cached_per_units_and_molar_mass(conv):
    conv.convert(2.0, "mg/dL", "umol/L", 584.66)
    assert conv._factors[("mg/dL", "umol/L", 584.66)] == pytest.approx(17.1040, rel=1e-4)
    conv._factors[("mg/dL", "umol/L", 584.66)] = 3.0  # the cached factor is what is used
    assert conv.convert(2.0, "mg/dL", "umol/L", 584.66) == 6.0
    assert ("mg/dL", "umol/L", None) not in conv._factors


def test_units_that_do_not_convert(conv):
    with pytest.raises(UnitError, match=r"^mmol/L does not convert to g/L: Cannot convert"):
        conv.convert(1.0, "mmol/L", "g/L")
    with pytest.raises(UnitError, match=r"^'gm/dL' is not a UCUM unit"):
        conv.convert(1.0, "gm/dL", "g/L")
    with pytest.raises(UnitError, match=r"^mg does not convert to mL: "):
        conv.convert(1.0, "mg", "mL", 113.12)  # a molar mass does not make volume of mass


def test_the_registry_is_built_once_with_its_cache_under_the_cache_folder(tmp_path,
                                                                         monkeypatch):
    cache = tmp_path / "not" / "yet"
    monkeypatch.setenv("TRIALKG_CACHE", str(cache))
    logging.getLogger("ucumvert").setLevel(logging.DEBUG)
    c = Converter()
    reg = c._reg()
    assert reg is c._reg()
    assert logging.getLogger("ucumvert").level == logging.WARNING  # its set-up is not logged
    assert (cache / "pint").is_dir() and reg.cache_folder == cache / "pint"
    again = Converter()._reg()  # the folder exists now
    assert again.cache_folder == cache / "pint"
    assert again.from_ucum("g/L").dimensionality == reg.from_ucum("g/L").dimensionality


def test_without_a_writable_cache_the_registry_still_works(tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("TRIALKG_CACHE", str(blocked))
    c = Converter()
    assert c._reg().cache_folder is None
    assert c.convert(1.0, "g/dL", "g/L") == pytest.approx(10.0)


def test_default_converter_is_one_shared_instance(monkeypatch):
    monkeypatch.setattr(units, "_DEFAULT", None)
    first = default_converter()
    assert isinstance(first, Converter) and default_converter() is first


def test_a_factor_is_worked_out_once_per_units_and_molar_mass(monkeypatch):
    # Matching a cohort converts the same units thousands of times; pint takes ~1 ms each.
    worked = []
    converter = Converter()
    monkeypatch.setattr(converter, "_factor",
                        lambda source, target, mass: worked.append((source, target, mass)) or 10.0)
    assert converter.convert(2.0, "g/dL", "g/L") == 20.0
    assert converter.convert(3.0, "g/dL", "g/L") == 30.0
    assert converter.convert(3.0, "mg/dL", "umol/L", 113.12) == 30.0
    assert converter.convert(1.0, "g/L", "g/L") == 1.0
    assert worked == [("g/dL", "g/L", None), ("mg/dL", "umol/L", 113.12)]
