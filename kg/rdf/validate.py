"""SHACL validation of a graph against ``ontologies/shapes.ttl`` (pySHACL)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from kg import resources
from kg.errors import SourceError


@dataclass
class ValidationReport:
    conforms: bool
    violations: int
    text: str


def load_shapes(path: Path | None = None) -> Graph:
    shapes = Graph()
    shapes.parse(path or resources.SHAPES_TTL, format="turtle")
    return shapes


def validate_graph(data: Graph, shapes: Graph | None = None) -> ValidationReport:
    from pyshacl import validate

    ontology = Graph()
    ontology.parse(resources.VOCABULARY_TTL, format="turtle")
    conforms, report_graph, report_text = validate(
        data, shacl_graph=shapes or load_shapes(), ont_graph=ontology, inference="none",
        abort_on_first=False, allow_warnings=True)
    from rdflib.namespace import SH

    violations = len(set(report_graph.subjects(SH.resultSeverity, SH.Violation)))
    return ValidationReport(bool(conforms), violations, report_text)


def validate_file(path: str | Path) -> ValidationReport:
    p = Path(path)
    data = Graph()
    fmt = "json-ld" if p.suffix == ".jsonld" else "nt" if p.suffix == ".nt" else "turtle"
    try:
        data.parse(p, format=fmt)
    except FileNotFoundError:
        raise SourceError("no such file", where=str(p)) from None
    except Exception as exc:  # rdflib raises many parser-specific types
        raise SourceError(f"not a readable {fmt} graph: {exc}", where=str(p)) from None
    return validate_graph(data)
