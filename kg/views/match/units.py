"""UCUM unit conversion for the matcher: ucumvert parses UCUM codes into pint units.

What the libraries lack and is written here: nothing of UCUM itself. Mass <-> amount of
substance ("mg/dL" <-> "umol/L" for bilirubin and creatinine) needs a molar mass, which
pint's own "chemistry" context takes as a parameter; this module passes the analyte's molar
mass from the curated concepts. Factors are cached per (from, to, molar mass), so a field of
trials costs one pint conversion per distinct pair; the registry (about 0.5-1 s to build) is
made only when a conversion between two different units is first needed.
"""

from __future__ import annotations

import logging
import threading


class UnitError(Exception):
    """A unit that is not UCUM, or two units that do not convert."""


class Converter:
    def __init__(self) -> None:
        self._registry = None
        self._factors: dict[tuple[str, str, float | None], float] = {}
        self._lock = threading.Lock()

    def convert(self, value: float, source: str, target: str,
                molar_mass: float | None = None) -> float:
        if source == target:
            return value
        key = (source, target, molar_mass)
        factor = self._factors.get(key)
        if factor is None:
            factor = self._factors[key] = self._factor(source, target, molar_mass)
        return value * factor

    def check(self, unit: str) -> None:
        """Raise UnitError unless ``unit`` is a UCUM code ucumvert reads."""
        self._unit(unit)

    def _factor(self, source: str, target: str, molar_mass: float | None) -> float:
        import pint

        reg = self._reg()
        src, dst = self._unit(source), self._unit(target)
        quantity = reg.Quantity(1.0, src)
        try:
            if molar_mass is not None:  # pint applies a context only between dimensions
                return float(quantity.to(dst, "chemistry", mw=molar_mass * reg("g/mol"))
                             .magnitude)
            return float(quantity.to(dst).magnitude)
        except pint.errors.PintError as exc:
            raise UnitError(f"{source} does not convert to {target}: {exc}") from None

    def _unit(self, code: str):
        reg = self._reg()
        try:
            unit = reg.from_ucum(code)
        except Exception as exc:  # ucumvert raises lark errors and, for some codes, others
            raise UnitError(f"{code!r} is not a UCUM unit ucumvert can read") from exc
        if not hasattr(unit, "dimensionality"):
            raise UnitError(f"{code!r} is not a UCUM unit ucumvert can read")
        return unit

    def _reg(self):
        with self._lock:
            if self._registry is None:
                from kg.clients.cache import default_cache_dir

                # ucumvert logs its grammar set-up at INFO on the root logger.
                logging.getLogger("ucumvert").setLevel(logging.WARNING)
                from ucumvert import PintUcumRegistry

                folder = default_cache_dir() / "pint"
                try:
                    folder.mkdir(parents=True, exist_ok=True)
                    self._registry = PintUcumRegistry(cache_folder=folder)
                except OSError:
                    self._registry = PintUcumRegistry()
            return self._registry


_DEFAULT: Converter | None = None


def default_converter() -> Converter:
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Converter()
    return _DEFAULT
