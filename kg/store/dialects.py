"""What differs between SPARQL 1.1 servers, in one place, so no query has to know.

``SparqlStore`` asks the server who it is once (the ``Server`` header of a first ``ASK {}``)
and picks a dialect; ``server=virtuoso`` or ``server=standard`` in the store spec skips the
question. The standard dialect is what Oxigraph (and Fuseki, RDF4J) do.

Virtuoso Open-Source 7.2 (Debian's ``virtuoso-opensource``), measured against its server:

- A query POSTed as ``application/sparql-query`` gets no answer at all (the connection stays
  open until the client gives up); the URL-encoded form (``query=...``), which the protocol
  also allows, is answered. Updates as ``application/sparql-update`` work.
- A query that names no graph sees every graph of the server: the data's named graphs (so
  the default graph is their union, as the other stores make it) and Virtuoso's own system
  graphs (``virtrdf#`` with 2,500 triples describing its RDF views, ``ldp#``, the service
  description). Virtuoso's pragmas that exclude graphs (``define
  input:default-graph-exclude``) would hide them, but with two or more exclusions its
  optimiser fails on ordinary queries ("SQ200: Stack Overflow in cost model", e.g. on
  ``articles-sharing-mesh``). So the store leaves queries alone (the library's queries
  match the project's vocabulary, which system graphs never use) and leaves the system
  graphs out where it enumerates everything itself: ``graph_names``, ``union``, ``len``
  and ``has_data``. A free query over ``?s ?p ?o`` on Virtuoso sees those graphs too.
- ``GRAPH ?g { }`` matches nothing, so graphs are listed with ``GRAPH ?g { ?s ?p ?o }``.
- An ``Accept`` header that lists SPARQL results first gets a CONSTRUCT answered as a table
  of ``?s ?p ?o``: the store asks for N-Triples alone when the query is a CONSTRUCT or
  DESCRIBE (right for every server). An ASK comes back as a table with one
  ``__ASK_RETVAL`` column (``1`` or ``0``); it is read as the boolean it is.
- ``xsd:boolean`` values come back as ``"1"`` and ``"0"``; they are read back as
  ``true``/``false``. (Decimals lose a trailing ``.0``, ``"200.0"`` -> ``"200"``, as
  Oxigraph's do; the value is the same.)
- Its SPARQL compiler fails on a group that holds only a ``VALUES`` block inside ``MINUS``
  or ``NOT EXISTS`` ("Internal error: sparp_find_qmv_of_var_or_retval(): side effect var
  passed"), which the related-study queries use to leave out MeSH check tags. Such a
  ``MINUS { VALUES ?v { t1 t2 } }`` is rewritten to the filter it means,
  ``FILTER(!BOUND(?v) || ?v NOT IN (t1, t2))`` (a row with ``?v`` unbound shares no variable
  with the block, so MINUS keeps it; ``UNDEF`` rows remove nothing).
- ``MIN``/``MAX`` over plain literals give empty, ``0`` or an arbitrary member; over
  ``STR(...)`` they are right. No rewrite can know a variable's type, so the query library
  writes ``MIN(STR(?x))`` where ``?x`` is text (see ``kg.views.query``).
"""

from __future__ import annotations

import re

from rdflib import Graph, Literal
from rdflib.term import Node

from kg.store import QueryResult

XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
# Graphs a Virtuoso server keeps for itself (its RDF views, LDP, the service description);
# data loaded by trialkg never lives under these.
VIRTUOSO_SYSTEM_PREFIXES = ("http://www.openlinksw.com/", "http://localuriqaserver/",
                            "http://www.w3.org/ns/ldp#")


class Dialect:
    """A standard SPARQL 1.1 server: nothing to adjust."""

    name = "standard"
    form_encoded_queries = False
    # Whether the store can run the related finder's ranking query (queries/related/rank.rq);
    # where it cannot, every candidate is explained instead (the same answer, slower).
    ranks_related = True

    def is_system_graph(self, iri: str) -> bool:
        return False

    def graph_filter(self, var: str) -> str:
        """A FILTER keeping ``?var`` to the data's graphs ("" when all are)."""
        return ""

    def rewrite(self, sparql: str) -> str:
        return sparql

    def graph_names_query(self) -> str:
        return "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }"

    def answer(self, answer: QueryResult) -> QueryResult:
        return answer


class Virtuoso(Dialect):
    name = "virtuoso"
    form_encoded_queries = True
    # Virtuoso 7.2 fails rank.rq's aggregates in its compiler, or runs it past any time-out
    # (and keeps running it after the client has gone, holding up the next writes).
    ranks_related = False

    def is_system_graph(self, iri: str) -> bool:
        return iri.startswith(VIRTUOSO_SYSTEM_PREFIXES)

    def graph_filter(self, var: str) -> str:
        tests = " && ".join(f'!STRSTARTS(STR(?{var}), "{prefix}")'
                            for prefix in VIRTUOSO_SYSTEM_PREFIXES)
        return f"FILTER({tests})"

    def rewrite(self, sparql: str) -> str:
        return minus_values_as_filter(sparql)

    def graph_names_query(self) -> str:
        return f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {self.graph_filter('g')} }}"

    def answer(self, answer: QueryResult) -> QueryResult:
        if answer.kind == "select" and answer.variables == ["__ASK_RETVAL"]:
            value = answer.rows[0].get("__ASK_RETVAL") if answer.rows else None
            return QueryResult("ask", boolean=value is not None and str(value) not in ("0", ""))
        answer.rows = [{k: self.term(v) for k, v in row.items()} for row in answer.rows]
        if answer.graph is not None:
            answer.graph = self.graph(answer.graph)
        return answer

    def term(self, term: Node) -> Node:
        if isinstance(term, Literal) and term.datatype is not None \
                and str(term.datatype) == XSD_BOOLEAN and str(term) in ("0", "1"):
            return Literal(str(term) == "1")
        return term

    def graph(self, graph: Graph) -> Graph:
        fixed = [(s, p, o) for s, p, o in graph if self.term(o) is not o]
        for s, p, o in fixed:
            graph.remove((s, p, o))
            graph.add((s, p, self.term(o)))
        return graph


DIALECTS = {"standard": Dialect, "virtuoso": Virtuoso}


def from_server_header(header: str | None) -> Dialect:
    """The dialect for a ``Server`` header such as ``Virtuoso/07.20.3229 (Linux) ...``."""
    if header and header.lower().startswith("virtuoso"):
        return Virtuoso()
    return Dialect()


# One RDF term as a query writes it in a VALUES row: kg.store.sparql.nt_term's forms and
# the usual shorthands (prefixed names, numbers, booleans, UNDEF).
_LITERAL_TAIL = r"""(?:@[A-Za-z0-9-]+|\^\^(?:<[^<>]*>|[\w.-]*:[\w.-]*))?"""
_TERM = re.compile(r"""'(?:[^'\\]|\\.)*'""" + _LITERAL_TAIL
                   + r'''|"(?:[^"\\]|\\.)*"''' + _LITERAL_TAIL
                   + r"|<[^<>\s]*>|[A-Za-z_][\w.-]*:[\w.:%-]*|:[\w.:%-]*"
                   + r"|[+-]?[\d.]+(?:[eE][+-]?\d+)?|\bUNDEF\b|\btrue\b|\bfalse\b")


def minus_values_as_filter(sparql: str) -> str:
    """``MINUS { VALUES ?v { t1 t2 } }`` -> ``FILTER(!BOUND(?v) || ?v NOT IN (t1, t2))``,
    found with the query tokenizer of kg.store.sparql (strings, IRIs and comments are not
    mistaken for keywords); anything else is left as it is."""
    from kg.store.sparql import _tokens

    tokens = _tokens(sparql)
    edits: list[tuple[int, int, str]] = []
    for i, (kind, word, start, _end, _depth) in enumerate(tokens):
        if kind != "word" or word.upper() != "MINUS" or i + 5 >= len(tokens):
            continue
        opening, values, inner = tokens[i + 1: i + 4]
        if opening[1] != "{" or values[0] != "word" or values[1].upper() != "VALUES" \
                or inner[1] != "{":
            continue
        end = next((j for j in range(i + 4, len(tokens)) if tokens[j][0] == "close"), None)
        if end is None or end + 1 >= len(tokens) or tokens[end + 1][1] != "}":
            continue
        closing, outer = tokens[end], tokens[end + 1]
        if sparql[opening[3]:values[2]].strip() or sparql[closing[3]:outer[2]].strip():
            continue  # the group holds more than the VALUES block
        head = re.fullmatch(r"\s*[?$](\w+)\s*", sparql[values[3]:inner[2]])
        body = sparql[inner[3]:closing[2]]
        terms = [m.group() for m in _TERM.finditer(body)]
        if head is None or "".join(terms) != "".join(body.split()):
            continue  # several variables, or text this rewrite does not understand
        kept = [t for t in terms if t != "UNDEF"]
        var = "?" + head.group(1)
        test = f"{var} NOT IN ({', '.join(kept)})" if kept else "true"
        edits.append((start, outer[3], f"FILTER(!BOUND({var}) || {test})"))
    for start, end, text in reversed(edits):
        sparql = sparql[:start] + text + sparql[end:]
    return sparql
