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
            self._items.append((s, p, Literal(value)))

    def date(self, s: URIRef, p: URIRef, value: str | None) -> None:
        if value:
            self._items.append((s, p, date_literal(value)))

    def integer(self, s: URIRef, p: URIRef, value: int | None) -> None:
        if value is not None:
            self._items.append((s, p, integer(value)))

    def decimal(self, s: URIRef, p: URIRef, value: float | None) -> None:
        if value is not None:
            self._items.append((s, p, decimal(value)))

    def boolean(self, s: URIRef, p: URIRef, value: bool | None) -> None:
        if value is not None:
            self._items.append((s, p, boolean(value)))

    def extend(self, triples) -> None:
        self._items.extend(triples)

    def __iter__(self) -> Iterator[Triple]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)
