"""SPARQL results in the formats people paste into papers and notebooks: an aligned table
for terminals, CSV and TSV (as the SPARQL 1.1 CSV/TSV results spec writes them), SPARQL 1.1
JSON results, and Markdown."""

from __future__ import annotations

import csv
import io
import json
import re
from xml.sax.saxutils import escape, quoteattr

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from kg.rdf.namespaces import PREFIXES
from kg.store import QueryResult

FORMATS = ("table", "csv", "tsv", "json", "md")
_MAX_CELL = 80


def compact(term: Node) -> str:
    """A short, readable form for tables: prefixed names for IRIs, lexical form for text."""
    if isinstance(term, URIRef):
        value = str(term)
        best = None
        for prefix, ns in PREFIXES.items():
            if value.startswith(str(ns)) and (best is None or len(str(ns)) > len(best[1])):
                best = (prefix, str(ns))
        return f"{best[0]}:{value[len(best[1]):]}" if best else value
    return str(term)


def _json_term(term: Node) -> dict:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    assert isinstance(term, Literal)
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype is not None:
        out["datatype"] = str(term.datatype)
    return out


def to_json(result: QueryResult) -> str:
    if result.kind == "ask":
        return json.dumps({"head": {}, "boolean": bool(result.boolean)}, indent=1)
    doc = {"head": {"vars": result.variables},
           "results": {"bindings": [{k: _json_term(v) for k, v in row.items()}
                                    for row in result.rows]}}
    return json.dumps(doc, indent=1, ensure_ascii=False)


# A cell a spreadsheet would run as a formula (OWASP's "CSV injection" list: = + - @ and a
# leading tab or carriage return), unless the whole cell is a plain number.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def spreadsheet_safe(cell: str) -> str:
    """``cell`` with a leading apostrophe when a spreadsheet would read it as a formula
    (``=HYPERLINK(...)`` in a trial title, ``@SUM`` in an author's name); numbers such as
    ``-5`` stay as they are. Ten lines rather than the ``defusedcsv`` package: it patches
    the csv module as a whole, and the rule is all we need of it."""
    if cell.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def to_csv(result: QueryResult, *, safe: bool = True) -> str:
    """CSV as the SPARQL 1.1 CSV results spec writes it. ``safe`` (the default: CSV from
    the command line is for spreadsheets) neutralises formula cells with
    :func:`spreadsheet_safe`; the endpoint's ``text/csv`` passes ``safe=False`` and keeps
    every value exact, as do ``tsv`` and ``json``."""
    if result.kind == "ask":  # the SPARQL CSV format has no boolean: the word alone
        return _boolean(result) + "\r\n"
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    clean = spreadsheet_safe if safe else str
    writer.writerow([clean(v) for v in result.variables])
    for row in result.rows:
        writer.writerow([clean(str(row[v])) if v in row else "" for v in result.variables])
    return buf.getvalue()


def _boolean(result: QueryResult) -> str:
    return "true" if result.boolean else "false"


def to_tsv(result: QueryResult) -> str:
    if result.kind == "ask":
        return _boolean(result) + "\n"
    lines = ["\t".join(f"?{v}" for v in result.variables)]
    for row in result.rows:
        lines.append("\t".join(row[v].n3() if v in row else "" for v in result.variables))
    return "\n".join(lines) + "\n"


def to_xml(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results XML."""
    out = ['<?xml version="1.0"?>',
           '<sparql xmlns="http://www.w3.org/2005/sparql-results#">', "<head>"]
    if result.kind == "ask":
        out += ["</head>", f"<boolean>{'true' if result.boolean else 'false'}</boolean>",
                "</sparql>"]
        return "\n".join(out) + "\n"
    out += [f"<variable name={quoteattr(v)}/>" for v in result.variables]
    out += ["</head>", "<results>"]
    for row in result.rows:
        out.append("<result>")
        for name, term in row.items():
            out.append(f"<binding name={quoteattr(name)}>{_xml_term(term)}</binding>")
        out.append("</result>")
    out += ["</results>", "</sparql>"]
    return "\n".join(out) + "\n"


def _xml_term(term) -> str:
    if isinstance(term, URIRef):
        return f"<uri>{escape(str(term))}</uri>"
    if isinstance(term, BNode):
        return f"<bnode>{escape(str(term))}</bnode>"
    assert isinstance(term, Literal)
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{escape(str(term))}</literal>"
    if term.datatype is not None:
        return f"<literal datatype={quoteattr(str(term.datatype))}>{escape(str(term))}</literal>"
    return f"<literal>{escape(str(term))}</literal>"


def _cells(result: QueryResult, limit: int | None) -> list[list[str]]:
    rows = []
    for row in result.rows:
        cells = []
        for v in result.variables:
            text = compact(row[v]) if v in row else ""
            text = " ".join(text.split())
            if limit and len(text) > limit:
                text = text[: limit - 1] + "…"
            cells.append(text)
        rows.append(cells)
    return rows


def to_table(result: QueryResult) -> str:
    if result.kind == "ask":
        return _boolean(result)
    header = result.variables
    rows = _cells(result, _MAX_CELL)
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(header)]
    line = "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()
    rule = "  ".join("-" * w for w in widths)
    body = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]
    return "\n".join([line, rule, *body, f"({len(rows)} row{'s' if len(rows) != 1 else ''})"])


def to_markdown(result: QueryResult) -> str:
    if result.kind == "ask":
        return _boolean(result) + "\n"

    def esc(text: str) -> str:
        return text.replace("|", "\\|")

    rows = _cells(result, None)
    out = ["| " + " | ".join(result.variables) + " |",
           "|" + "|".join("---" for _ in result.variables) + "|"]
    out += ["| " + " | ".join(esc(c) for c in r) + " |" for r in rows]
    return "\n".join(out) + "\n"


def render(result: QueryResult, fmt: str) -> str:
    if result.kind == "graph":
        from kg.rdf.serialize import to_turtle

        return to_turtle(result.graph).decode("utf-8")
    if fmt == "table":
        return to_table(result)
    if fmt == "csv":
        return to_csv(result)
    if fmt == "tsv":
        return to_tsv(result)
    if fmt == "json":
        return to_json(result)
    if fmt == "md":
        return to_markdown(result)
    raise ValueError(f"unknown format {fmt!r}; choose from {', '.join(FORMATS)}")
