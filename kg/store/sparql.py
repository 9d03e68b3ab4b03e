"""Any SPARQL 1.1 server as the store, over HTTP with the standard library only.

Queries go over the SPARQL 1.1 Protocol (POST ``application/sparql-query``, or form-encoded
for servers that need it); a record's graph
is written over the Graph Store HTTP Protocol (one ``PUT ?graph=<name>`` of N-Triples) or, with
no GSP endpoint, one SPARQL Update request (``DROP SILENT GRAPH <g> ; INSERT DATA {...}``).

Endpoints: a base URL means Oxigraph's layout (``/query``, ``/update``, ``/store``); other
servers name them, e.g. Fuseki ``query_url=.../ds/sparql update_url=.../ds/update
gsp_url=.../ds/data``, Virtuoso ``query_url=.../sparql update_url=.../sparql
gsp_url=.../sparql-graph-crud``. What differs between servers (Virtuoso's system graphs,
answer forms, compiler gaps) is handled by a dialect, kg.store.dialects, chosen from the
server's ``Server`` header (asked once) or ``server=virtuoso|standard`` in the spec.

The default graph must be the union of the named graphs, as in the other stores. With the
Oxigraph layout every query carries Oxigraph's ``union-default-graph`` URL parameter; other
servers are configured instead (Fuseki: ``tdb2:unionDefaultGraph true`` on the dataset;
Virtuoso and RDF4J/GraphDB already query all graphs when a query names none), or pass
``union_default_graph=True`` for a server that understands Oxigraph's parameter.

``union()`` is one CONSTRUCT over every named graph: fine for a trial's neighbourhood; export
a whole field with the server's own dump instead.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg.errors import NetworkError, QueryError, StoreError
from kg.store import QueryResult, Triple
from kg.store.dialects import DIALECTS, Dialect, from_server_header

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
OXIGRAPH_PATHS = {"query_url": "/query", "update_url": "/update", "gsp_url": "/store"}
ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8"
DEFAULT_TIMEOUT = 30.0

# An absolute IRI with none of the characters N-Triples and SPARQL forbid inside <...>.
_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\x00-\x20<>\"{}|^`\\\x7f-\x9f\ud800-\udfff]*")
_LANG = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*")
_VARNAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NEEDS_ESCAPE = re.compile(r"[\x00-\x1f\x7f\"\\\ud800-\udfff]")
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


class TermError(ValueError):
    """A term that cannot be written as one N-Triples / SPARQL term token."""


# --------------------------------------------------------------------------- terms
def _escape_char(m: re.Match) -> str:
    ch = m.group()
    if "\ud800" <= ch <= "\udfff":
        raise TermError("a lone surrogate is not a character")
    return _ESCAPES.get(ch) or f"\\u{ord(ch):04X}"


def check_iri(value: str) -> str:
    if not _IRI.fullmatch(value):
        raise TermError(f"not an absolute IRI: {value!r}")
    return value


def nt_term(term: Node) -> str:
    """One term as a single N-Triples token (also valid SPARQL): the lexical form is quoted
    with every quote, backslash and control character escaped; IRIs are validated, never
    escaped, so nothing in a value can end the token early."""
    if isinstance(term, URIRef):
        return f"<{check_iri(str(term))}>"
    if isinstance(term, Literal):
        quoted = '"' + _NEEDS_ESCAPE.sub(_escape_char, str(term)) + '"'
        if term.language:
            if not _LANG.fullmatch(term.language):
                raise TermError(f"not a language tag: {term.language!r}")
            return f"{quoted}@{term.language}"
        if term.datatype is not None and str(term.datatype) not in (XSD_STRING, RDF_LANG_STRING):
            return f"{quoted}^^<{check_iri(str(term.datatype))}>"
        return quoted
    if isinstance(term, BNode):
        label = str(term)
        if not re.fullmatch(r"[A-Za-z0-9]+", label):
            label = "b" + hashlib.sha256(label.encode("utf-8", "surrogatepass")).hexdigest()[:32]
        return f"_:{label}"
    raise TermError(f"cannot write a {type(term).__name__}: {term!r}")


def ntriples(triples: Iterable[Triple]) -> str:
    return "".join(f"{nt_term(s)} {nt_term(p)} {nt_term(o)} .\n" for s, p, o in triples)


# --------------------------------------------------------------------------- bindings
_TOKEN = re.compile("|".join([
    r"(?P<skip>#[^\n]*",
    r"'''(?:[^'\\]|\\.|'(?!''))*'''", r'"""(?:[^"\\]|\\.|"(?!""))*"""',
    r"'(?:[^'\\\n\r]|\\.)*'", r'"(?:[^"\\\n\r]|\\.)*"',
    r"<[^<>\"{}|^`\\\x00-\x20]*>", r"[?$]\w+", r"(?:[A-Za-z][\w.-]*)?:[\w.:%\\-]*)",
    r"(?P<word>[A-Za-z_]\w*)", r"(?P<open>[{(])", r"(?P<close>[})])", r"(?P<other>\S)", r"\s+",
]), re.DOTALL)


def _tokens(sparql: str) -> list[tuple[str, str, int, int, int]]:
    """(kind, text, start, end, depth before the token), strings, IRIs and comments skipped."""
    out, depth = [], 0
    for m in _TOKEN.finditer(sparql):
        kind = m.lastgroup
        if kind is None or kind == "skip":
            continue
        if kind == "close":
            depth -= 1
        out.append((kind, m.group(), m.start(), m.end(), depth))
        if kind == "open":
            depth += 1
    return out


def _where_group(tokens: list) -> tuple[int, int]:
    """Token indexes of the braces around the query's own WHERE pattern."""
    top = [i for i, t in enumerate(tokens) if t[4] == 0]
    where = next((i for i in top if tokens[i][0] == "word" and tokens[i][1].upper() == "WHERE"),
                 None)
    if where is not None and where > 0 and tokens[where - 1][1].upper() == "CONSTRUCT":
        raise QueryError("cannot bind parameters of a CONSTRUCT WHERE short form; write "
                         "CONSTRUCT { ... } WHERE { ... }")
    opening = next((i for i in top if tokens[i][1] == "{" and (where is None or i > where)), None)
    if opening is None:
        raise QueryError("cannot bind parameters: the query has no WHERE pattern")
    closing = next((i for i in range(opening + 1, len(tokens))
                    if tokens[i][4] == 0 and tokens[i][0] == "close"), None)
    if closing is None:
        raise QueryError("cannot bind parameters: the WHERE pattern is not closed")
    return opening, closing


def values_block(bindings: Mapping[str, Node]) -> str:
    names = sorted(bindings)
    for name in names:
        if not _VARNAME.fullmatch(name):
            raise QueryError(f"not a variable name: {name!r}")
    try:
        row = " ".join(_value_token(bindings[n]) for n in names)
    except TermError as exc:
        raise QueryError(f"parameter value refused: {exc}") from None
    return f"VALUES ({' '.join('?' + n for n in names)}) {{ ({row}) }}"


def _value_token(term: Node) -> str:
    if isinstance(term, BNode):
        raise TermError("a blank node cannot be a parameter value")
    return nt_term(term)


def bind(sparql: str, bindings: Mapping[str, Node] | None) -> str:
    """The query with its parameters bound by a one-row ``VALUES`` block placed first inside
    the query's own WHERE pattern.

    The protocol has no parameter binding, so the values travel in the text; this is still
    binding, not formatting: each value is exactly one RDF term token (quotes, backslashes and
    newlines escaped, IRIs checked against a strict pattern, variable names checked), so no
    value can close the block or add a pattern. Why not a trailing ``VALUES`` after the
    query: by the SPARQL algebra (18.2.4) a trailing block is joined *after* GROUP BY and
    HAVING (though before ORDER BY and LIMIT), so ``HAVING (COUNT(?a) >= COALESCE(?min, 1))``
    would never see ``?min``. Inside the WHERE pattern the values are in scope for every
    pattern, FILTER, OPTIONAL, BIND, GROUP BY and HAVING, as with rdflib's ``initBindings``
    and Oxigraph's ``substitutions``; ORDER BY and LIMIT then apply to the bound answer. A
    WHERE pattern that is a sub-SELECT is wrapped, since a VALUES block may not sit beside it.
    """
    if not bindings:
        return sparql
    block = values_block(bindings)
    tokens = _tokens(sparql)
    opening, closing = _where_group(tokens)
    at, end = tokens[opening][3], tokens[closing][2]
    first = tokens[opening + 1] if opening + 1 < closing else None
    if first is not None and first[0] == "word" and first[1].upper() == "SELECT":
        return f"{sparql[:at]} {block} {{{sparql[at:end]}}}{sparql[end:]}"
    return f"{sparql[:at]} {block}\n{sparql[at:]}"


_VALUES_HEAD = re.compile(r"\s*(?:\(((?:\s*[?$]\w+)*)\s*\)|[?$](\w+))\s*")
# What an empty VALUES block becomes for rdflib, whose evaluator fails on ``{ }`` (7.x):
# one row of an IRI no graph holds, which joins with nothing, as no rows would.
NO_VALUE = URIRef("urn:trialkg:no-value")


def _values_blocks(sparql: str) -> Iterator[tuple[tuple[str, ...], int, int]]:
    """(variables, start, end of the rows between the braces) of each VALUES block."""
    tokens = _tokens(sparql)
    for i, (kind, word, _start, end, _depth) in enumerate(tokens):
        if kind != "word" or word.upper() != "VALUES":
            continue
        head = _VALUES_HEAD.match(sparql, end)
        if head is None:
            raise QueryError("cannot read a VALUES block's variables")
        names = tuple(v.lstrip("?$") for v in (head.group(1) or "").split()) or (head.group(2),)
        opening = next((j for j in range(i + 1, len(tokens)) if tokens[j][2] >= head.end()),
                       None)
        if opening is None or tokens[opening][1] != "{":
            raise QueryError("cannot read a VALUES block: no '{' after its variables")
        closing = next((j for j in range(opening + 1, len(tokens))
                        if tokens[j][0] == "close" and tokens[j][4] == tokens[opening][4]), None)
        if closing is None:
            raise QueryError("a VALUES block is not closed")
        yield names, tokens[opening][3], tokens[closing][2]


def fill_values(sparql: str, tables: Mapping[tuple[str, ...], Iterable[tuple[Node | None, ...]]]
                ) -> str:
    """The query with the rows of its ``VALUES`` blocks given: each key names a block's
    variables in order, and every block declaring exactly those gets the rows (``None`` is
    ``UNDEF``). A query keeps its own rows, often ``{ UNDEF }`` (no restriction) or ``{ }``
    (nothing), for the tables it is not given, so the file runs on its own.

    Why blocks the query declares rather than ``bind``'s block at the top: a table often
    belongs inside a sub-SELECT or one branch of a UNION, where only the query's author
    knows to put it. Values are escaped term by term as in ``bind``."""
    edits: list[tuple[int, int, str]] = []
    found: set[tuple[str, ...]] = set()
    for names, start, end in _values_blocks(sparql):
        if names in tables:
            found.add(names)
            edits.append((start, end, _rows_text(names, tables[names])))
    missing = [" ".join("?" + n for n in names) for names in tables if names not in found]
    if missing:
        raise QueryError(f"the query has no VALUES block for ({'; '.join(missing)})")
    return _apply(sparql, edits)


def without_empty_values(sparql: str) -> str:
    """Empty VALUES blocks given one row of ``NO_VALUE`` (same answers; see NO_VALUE)."""
    if "values" not in sparql.lower():
        return sparql
    edits = [(start, end, _rows_text(names, [(NO_VALUE,) * len(names)]))
             for names, start, end in _values_blocks(sparql) if not sparql[start:end].strip()]
    return _apply(sparql, edits)


def _apply(sparql: str, edits: list[tuple[int, int, str]]) -> str:
    for start, end, text in reversed(edits):
        sparql = f"{sparql[:start]} {text} {sparql[end:]}"
    return sparql


def _rows_text(names: tuple[str, ...], rows: Iterable[tuple[Node | None, ...]]) -> str:
    single = len(names) == 1
    out = []
    try:
        for row in rows:
            if len(row) != len(names):
                raise QueryError(f"a row of {len(row)} values for {len(names)} variables")
            cells = " ".join("UNDEF" if term is None else _value_token(term) for term in row)
            out.append(cells if single else f"({cells})")
    except TermError as exc:
        raise QueryError(f"table value refused: {exc}") from None
    return " ".join(out)


# --------------------------------------------------------------------------- answers
def _from_json_term(b: dict) -> Node:
    kind, value = b.get("type"), b.get("value", "")
    if kind == "uri":
        return URIRef(value)
    if kind in ("literal", "typed-literal"):
        if b.get("xml:lang"):
            return Literal(value, lang=b["xml:lang"])
        datatype = b.get("datatype")
        if datatype and datatype not in (XSD_STRING, RDF_LANG_STRING):
            return Literal(value, datatype=URIRef(datatype))
        return Literal(value)
    if kind == "bnode":
        return BNode(value)
    raise StoreError(f"unsupported term in a SPARQL answer: {b!r}")


def parse_answer(content_type: str, body: bytes, where: str) -> QueryResult:
    try:
        if content_type in ("application/sparql-results+json", "application/json"):
            doc = json.loads(body)
            if "boolean" in doc:
                return QueryResult("ask", boolean=bool(doc["boolean"]))
            variables = list(doc["head"].get("vars", []))
            rows = [{k: _from_json_term(v) for k, v in b.items()}
                    for b in doc["results"]["bindings"]]
            return QueryResult("select", variables=variables, rows=rows)
        fmt = {"application/n-triples": "nt", "text/plain": "nt", "text/turtle": "turtle"}
        if content_type in fmt:
            from kg.rdf.namespaces import bind_prefixes

            g = Graph()
            bind_prefixes(g)
            g.parse(data=body.decode("utf-8"), format=fmt[content_type])
            return QueryResult("graph", graph=g)
    except RecursionError:
        raise NetworkError("unreadable answer from the SPARQL server: nested too deeply",
                           where=where) from None
    except (ValueError, KeyError, TypeError, SyntaxError) as exc:
        raise NetworkError(f"unreadable answer from the SPARQL server: {exc}",
                           where=where) from None
    raise NetworkError(f"the SPARQL server answered {content_type or 'no content type'}, not "
                       "SPARQL results or N-Triples", where=where)


def _accept(sparql: str) -> str:
    """What to ask for: N-Triples for a CONSTRUCT or DESCRIBE, results otherwise (a server
    may answer a CONSTRUCT with a results table if those come first: Virtuoso does)."""
    form = next((t[1].upper() for t in _tokens(sparql) if t[4] == 0 and t[0] == "word"
                 and t[1].upper() in ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")), None)
    if form in ("CONSTRUCT", "DESCRIBE"):
        return "application/n-triples, text/turtle;q=0.8"
    return "application/sparql-results+json"


# --------------------------------------------------------------------------- HTTP
class _Status(Exception):
    def __init__(self, code: int, message: str):
        super().__init__(f"HTTP {code}: {message}")
        self.code = code


def _message(body: bytes, fallback: str) -> str:
    text = " ".join(body.decode("utf-8", "replace").split())
    return (text[:300] + "…" if len(text) > 300 else text) or fallback


@dataclass(frozen=True)
class Endpoints:
    query_url: str
    update_url: str | None = None
    gsp_url: str | None = None
    union_default_graph: bool = False


def endpoints(base_url: str | None = None, *, query_url: str | None = None,
              update_url: str | None = None, gsp_url: str | None = None,
              union_default_graph: bool | None = None) -> Endpoints:
    """Explicit endpoints win; missing ones follow Oxigraph's layout under ``base_url``."""
    base = (base_url or "").rstrip("/")
    given = {"query_url": query_url, "update_url": update_url, "gsp_url": gsp_url}
    urls = {k: v or (base + OXIGRAPH_PATHS[k] if base else None) for k, v in given.items()}
    if not urls["query_url"]:
        raise StoreError("a sparql: store needs a server URL (sparql:http://host:port) or a "
                         "query URL")
    for url in urls.values():
        if url and urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            raise StoreError("not an http(s) URL", where=url)
    if union_default_graph is None:
        union_default_graph = query_url is None  # Oxigraph's layout: Oxigraph's parameter
    return Endpoints(urls["query_url"], urls["update_url"], urls["gsp_url"], union_default_graph)


def _with_params(url: str, params: dict[str, str]) -> str:
    return url + ("&" if urllib.parse.urlsplit(url).query else "?") + urllib.parse.urlencode(
        params)


def rewrite_subjects_text(name: URIRef, subjects: Iterable[URIRef],
                          triples: Iterable[Triple]) -> str:
    """The SPARQL Update that ``rewrite_subjects`` means (for stores whose parser is not
    rdflib's, which recurses too deeply on a long INSERT DATA)."""
    graph = nt_term(name)
    parts = [f"DELETE WHERE {{ GRAPH {graph} {{ {nt_term(s)} ?p ?o }} }}" for s in subjects]
    data = ntriples(triples)
    if data:
        parts.append(f"INSERT DATA {{ GRAPH {graph} {{\n{data}}} }}")
    return " ;\n".join(parts)


class SparqlStore:
    """The Store protocol over a SPARQL 1.1 server (see the module docstring)."""

    def __init__(self, base_url: str | None = None, *, query_url: str | None = None,
                 update_url: str | None = None, gsp_url: str | None = None,
                 timeout: float = DEFAULT_TIMEOUT, union_default_graph: bool | None = None,
                 server: str | None = None):
        self.endpoints = endpoints(base_url, query_url=query_url, update_url=update_url,
                                   gsp_url=gsp_url, union_default_graph=union_default_graph)
        self.timeout = timeout  # seconds per blocking socket step (connect, each read)
        self._dialect: Dialect | None = None
        if server is not None:
            if server not in DIALECTS:
                raise StoreError(f"unknown server kind {server!r}; use "
                                 f"{' or '.join(sorted(DIALECTS))}")
            self._dialect = DIALECTS[server]()
        elif self.endpoints.union_default_graph:
            self._dialect = Dialect()  # Oxigraph's layout: Oxigraph

    @property
    def dialect(self) -> Dialect:
        """The server's dialect (kg.store.dialects), from its ``Server`` header, asked once."""
        if self._dialect is None:
            url = _with_params(self.endpoints.query_url, {"query": "ASK {}"})
            try:
                _, _, server = self._request("GET", url, self.endpoints.query_url, None,
                                             {"Accept": ACCEPT})
            except _Status:
                server = None  # answered, if not to this: a standard server
            self._dialect = from_server_header(server)
        return self._dialect

    def __repr__(self) -> str:
        return f"SparqlStore({self.endpoints.query_url!r})"

    # ---- HTTP
    def _send(self, method: str, url: str, where: str, body: bytes | None,
              headers: dict[str, str]) -> tuple[str, bytes]:
        content_type, data, _ = self._request(method, url, where, body, headers)
        return content_type, data

    def _request(self, method: str, url: str, where: str, body: bytes | None,
                 headers: dict[str, str]) -> tuple[str, bytes, str | None]:
        """(content type, body, Server header) of one request."""
        request = urllib.request.Request(url, data=body, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return (response.headers.get_content_type(), response.read(),
                        response.headers.get("Server"))
        except urllib.error.HTTPError as exc:
            raise _Status(exc.code, _message(exc.read(), exc.reason or "")) from None
        except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
            reason = getattr(exc, "reason", exc)
            if isinstance(reason, TimeoutError):
                raise NetworkError(f"no answer from the SPARQL server within {self.timeout:g} s",
                                   where=where) from None
            raise NetworkError(f"cannot reach the SPARQL server: {reason}", where=where) from None

    def _write(self, method: str, url: str, where: str, body: bytes | None,
               content_type: str | None) -> None:
        headers = {"Content-Type": content_type} if content_type else {}
        try:
            self._send(method, url, where, body, headers)
        except _Status as exc:
            if method == "DELETE" and exc.code == 404:
                return
            if exc.code >= 500:
                raise NetworkError(f"the SPARQL server failed the update: {exc}",
                                   where=where) from None
            raise StoreError(f"the SPARQL server refused the update: {exc}",
                             where=where) from None

    def _update(self, text: str) -> None:
        url = self.endpoints.update_url
        if not url:
            raise StoreError("read-only: no update or Graph Store endpoint was given",
                             where=self.endpoints.query_url)
        self._write("POST", url, url, text.encode("utf-8"), "application/sparql-update")

    # ---- Store protocol
    def replace_graph(self, name: URIRef, triples: Iterable[Triple]) -> None:
        """Atomic per record: the whole graph travels in one request, which the server applies
        in one transaction (Oxigraph 0.5.13, measured: readers see the old graph until the
        PUT commits; a malformed or cut-off upload leaves it unchanged). No chunking: several
        requests could leave a graph half-replaced."""
        try:
            graph = f"<{check_iri(str(name))}>"
            body = ntriples(triples)
        except TermError as exc:
            raise StoreError(f"cannot store graph {name}: {exc}") from None
        gsp = self.endpoints.gsp_url
        if not body:  # PUT of nothing would leave an empty named graph behind
            if self.endpoints.update_url or not gsp:
                self._update(f"DROP SILENT GRAPH {graph}")
            else:
                self._write("DELETE", _with_params(gsp, {"graph": str(name)}), gsp, None, None)
        elif gsp:
            self._write("PUT", _with_params(gsp, {"graph": str(name)}), gsp,
                        body.encode("utf-8"), "application/n-triples")
        else:
            self._update(f"DROP SILENT GRAPH {graph} ;\nINSERT DATA {{ GRAPH {graph} {{\n"
                         f"{body}}} }}")

    def add_to_graph(self, name: URIRef, triples: Iterable[Triple]) -> None:
        """Add to a shared entity's graph: a Graph Store POST (which merges), or one
        INSERT DATA."""
        try:
            graph = f"<{check_iri(str(name))}>"
            body = ntriples(triples)
        except TermError as exc:
            raise StoreError(f"cannot store graph {name}: {exc}") from None
        if not body:
            return
        gsp = self.endpoints.gsp_url
        if gsp:
            self._write("POST", _with_params(gsp, {"graph": str(name)}), gsp,
                        body.encode("utf-8"), "application/n-triples")
        else:
            self._update(f"INSERT DATA {{ GRAPH {graph} {{\n{body}}} }}")

    def rewrite_subjects(self, name: URIRef, subjects: Iterable[URIRef],
                         triples: Iterable[Triple]) -> None:
        """In graph ``name``: drop every triple about ``subjects``, then add ``triples``."""
        self._update(rewrite_subjects_text(name, subjects, triples))

    def update(self, sparql: str) -> None:
        """A SPARQL Update of the project's own (the views refuse users' updates)."""
        self._update(sparql)

    def batch(self):
        """A server applies each request on its own: records stay atomic one by one (see
        replace_graph), a whole build does not."""
        return contextlib.nullcontext()

    def query(self, sparql: str, bindings: Mapping[str, Node] | None = None) -> QueryResult:
        """FROM / FROM NAMED and SERVICE are refused before anything is sent (see
        kg.store.guard): what a server does with them is its own setting."""
        from kg.store.guard import DATASET_REFUSE, check

        check(sparql, dataset_clause=DATASET_REFUSE)
        dialect = self.dialect
        return self._query(dialect.rewrite(bind(sparql, bindings)), dialect)

    def _query(self, text: str, dialect: Dialect) -> QueryResult:
        where = self.endpoints.query_url
        url = _with_params(where, {"union-default-graph": ""}) \
            if self.endpoints.union_default_graph else where
        if dialect.form_encoded_queries:
            body = urllib.parse.urlencode({"query": text}).encode("ascii")
            kind = "application/x-www-form-urlencoded"
        else:
            body, kind = text.encode("utf-8"), "application/sparql-query"
        headers = {"Content-Type": kind, "Accept": _accept(text)}
        try:
            content_type, body = self._send("POST", url, where, body, headers)
        except _Status as exc:
            if exc.code == 400:
                raise QueryError(f"the SPARQL server rejected the query: {exc}",
                                 where=where) from None
            if exc.code >= 500:
                raise NetworkError(f"the SPARQL server failed the query: {exc}",
                                   where=where) from None
            raise StoreError(f"the SPARQL server refused the query: {exc}", where=where) from None
        return dialect.answer(parse_answer(content_type, body, where))

    def graph_names(self) -> list[URIRef]:
        rows = self.query(self.dialect.graph_names_query()).rows
        return sorted(r["g"] for r in rows if isinstance(r.get("g"), URIRef)
                      and not self.dialect.is_system_graph(str(r["g"])))

    def union(self) -> Graph:
        """Every record's triples (the workspace's bookkeeping left out)."""
        from kg.store.manifest import MANIFEST_GRAPH

        keep = self.dialect.graph_filter("g")
        graph = self.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {keep} "
                           f"FILTER(?g != {nt_term(MANIFEST_GRAPH)}) }}").graph
        return graph if graph is not None else Graph()

    def __len__(self) -> int:
        keep = self.dialect.graph_filter("g")
        rows = self.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {keep} }}"
                          ).rows
        return int(rows[0]["n"].toPython()) if rows else 0

    def has_data(self) -> bool:
        """Whether a data graph holds a triple (a server's system graphs do not count)."""
        keep = self.dialect.graph_filter("g")
        return bool(self.query(f"ASK {{ GRAPH ?g {{ ?s ?p ?o }} {keep} }}").boolean)

    def close(self) -> None:
        """Nothing to release: every request opens and closes its own connection."""


def parse_spec(spec: str) -> tuple[str, dict[str, str]]:
    """``sparql:URL key=value ...`` -> (URL, options). URLs hold no spaces, so words after
    the URL can carry query_url, update_url, gsp_url and timeout in one --store string."""
    head, *words = spec.split()
    options = {}
    for word in words:
        key, sep, value = word.partition("=")
        if not sep or key not in (*OXIGRAPH_PATHS, "timeout", "server"):
            raise StoreError(f"unknown sparql store option {word!r}; use query_url=, "
                             "update_url=, gsp_url=, timeout= or server=")
        options[key] = value
    return head.partition(":")[2], options


def open_sparql_store(spec: str, **overrides: str | float | None) -> SparqlStore:
    base, options = parse_spec(spec)
    options.update({k: v for k, v in overrides.items() if v is not None})
    try:
        timeout = float(options.pop("timeout", DEFAULT_TIMEOUT))
    except ValueError:
        raise StoreError("timeout must be a number of seconds", where=spec) from None
    return SparqlStore(base or None, timeout=timeout, **options)
