"""Typed literals made the same way everywhere (dates, numbers, text)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rdflib import Literal, URIRef
from rdflib.term import Node

from kg.rdf.namespaces import XSD

Triple = tuple[Node, Node, Node]

_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_YEAR_MONTH = re.compile(r"^\d{4}-\d{2}$")
_YEAR = re.compile(r"^\d{4}$")


def date_literal(value: str) -> Literal:
    """'2023-09-01' -> xsd:date, '2023-09' -> xsd:gYearMonth, '2023' -> xsd:gYear; other
    text is kept as a plain string rather than forced into a wrong type."""
    if _FULL_DATE.match(value):
        return Literal(value, datatype=XSD.date)
    if _YEAR_MONTH.match(value):
        return Literal(value, datatype=XSD.gYearMonth)
    if _YEAR.match(value):
        return Literal(value, datatype=XSD.gYear)
    return Literal(value)


def text(value: str) -> Literal:
    return Literal(value)


def integer(value: int) -> Literal:
    return Literal(value, datatype=XSD.integer)


def decimal(value: float) -> Literal:
    # xsd:decimal with a canonical lexical form: 10.0 -> "10.0", 0.5 -> "0.5".
    return Literal(repr(float(value)), datatype=XSD.decimal)


def boolean(value: bool) -> Literal:
    return Literal(bool(value), datatype=XSD.boolean)


# Building an rdflib Literal costs microseconds (it parses and re-casts its value), and a
# field build makes tens of millions; the same names, labels and small numbers recur on
# most records, so those are made once. Literals are immutable: sharing one is safe.
_TRUE, _FALSE = boolean(True), boolean(False)
_INTEGERS = {n: integer(n) for n in range(0, 101)}
_PLAIN: dict[str, Literal] = {}
_PLAIN_LIMIT = 100_000


def _plain(value: str) -> Literal:
    """``Literal(value)``, from a bounded cache when ``value`` is a short plain str (long
    texts such as abstracts rarely recur)."""
    if type(value) is not str or len(value) > 160:
        return Literal(value)
    term = _PLAIN.get(value)
    if term is None:
        if len(_PLAIN) >= _PLAIN_LIMIT:
            _PLAIN.clear()
        term = _PLAIN[value] = Literal(value)
    return term


def _integer(value: int) -> Literal:
    term = _INTEGERS.get(value) if type(value) is int else None
    return term if term is not None else integer(value)


class Triples:
    """A small accumulator that skips ``None`` objects, so mappings read as plain lists of
    facts without an ``if`` around every optional field."""

    def __init__(self) -> None:
        self._items: list[Triple] = []

    def add(self, s: URIRef, p: URIRef, o: Node | None) -> None:
        if o is not None:
            self._items.append((s, p, o))

    def text(self, s: URIRef, p: URIRef, value: str | None) -> None:
        if value is not None and value != "":
            self._items.append((s, p, _plain(value)))

    def date(self, s: URIRef, p: URIRef, value: str | None) -> None:
        if value:
            self._items.append((s, p, date_literal(value)))

    def integer(self, s: URIRef, p: URIRef, value: int | None) -> None:
        if value is not None:
            self._items.append((s, p, _integer(value)))

    def decimal(self, s: URIRef, p: URIRef, value: float | None) -> None:
        if value is not None:
            self._items.append((s, p, decimal(value)))

    def boolean(self, s: URIRef, p: URIRef, value: bool | None) -> None:
        if value is not None:
            self._items.append((s, p, _TRUE if value else _FALSE))

    def extend(self, triples) -> None:
        self._items.extend(triples)

    def __iter__(self) -> Iterator[Triple]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)
