"""Turn each backend's query answers into the one QueryResult shape."""

from __future__ import annotations

from rdflib import Graph

from kg.store import QueryResult


def from_rdflib(result) -> QueryResult:
    if result.type == "ASK":
        return QueryResult("ask", boolean=bool(result.askAnswer))
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        g = Graph()
        for triple in result.graph:
            g.add(triple)
        return QueryResult("graph", graph=g)
    variables = [str(v) for v in result.vars]
    rows = []
    for row in result:
        rows.append({v: row[v] for v in variables if row[v] is not None})
    return QueryResult("select", variables=variables, rows=rows)
