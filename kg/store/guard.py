"""What a query may make a store do: read the store, nothing else. Every store's ``query``
calls :func:`check` first (the memory store :func:`parse`, then :func:`enforce`), so the
policy lives here and nowhere else; ``kg query``, ``kg serve`` and every view get it
through the store.

What the engines do on their own (measured with rdflib 7.6, pyoxigraph 0.5.13 and
``oxigraph serve`` 0.5.13):

- rdflib: ``FROM <iri>`` / ``FROM NAMED <iri>`` naming a graph the store lacks parses the IRI
  as a document (``file:`` paths and URLs alike; ``SPARQL_LOAD_GRAPHS`` is on by default),
  so ``FROM <file:///etc/…>`` returns a local file's triples. ``SERVICE <iri>`` calls
  ``urlopen`` on the IRI, without a time-out.
- pyoxigraph: ``SERVICE <iri>`` sends an HTTP request from Oxigraph's own client, and its
  failures surface while the answer is iterated. ``FROM`` never loads anything: it selects
  graphs of the store, but only when ``use_default_graph_as_union`` is off (with it on, the
  union wins and ``FROM`` is silently ignored).
- ``oxigraph serve``: the same SERVICE requests; ``FROM`` ignored under its
  ``union-default-graph`` parameter. Other servers differ (Virtuoso's Sponger can fetch
  FROM IRIs when allowed to), and a client cannot know which.

So, per store:

- ``SERVICE`` is refused everywhere, unless the caller opens :func:`service_allowed`
  (``kg query --allow-service``; the endpoint never does);
- ``FROM`` / ``FROM NAMED`` select graphs of the store on the memory and Oxigraph stores
  (rdflib's loading is switched off below; Oxigraph is queried without the union then) and
  are refused on a ``sparql:`` store, where the server decides what they do;
- ``LOAD`` and every other SPARQL Update are refused: stores are queried, never changed,
  through ``query``.

How a query is inspected: a text whose body (after its leading comment lines) contains
none of the letters ``FROM``, ``SERVICE`` or ``LOAD`` in any case, and no ``\\u`` escape,
cannot hold those keywords for any SPARQL parser, so it passes at the cost of one
``upper()``. Anything else is parsed with rdflib's SPARQL 1.1 grammar and the parse tree
is searched; a text that grammar cannot read is refused with its syntax error. Why not a
token scanner: ``<`` is both an IRI opener and less-than, so a scanner and an engine can
disagree on where an IRI, a string or a comment ends, and a keyword hides in the gap.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

import rdflib.plugins.sparql

from kg.errors import QueryError

# Second lock for the memory store: even a FROM that slipped past the check would select
# from the store instead of parsing the IRI as a document.
rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False

DATASET_SELECT = "select"  # FROM / FROM NAMED pick graphs of the store
DATASET_REFUSE = "refuse"  # FROM / FROM NAMED are refused (a remote server decides)

_WORDS = ("FROM", "SERVICE", "LOAD")
# Leading comment lines, exactly as the grammar has them: WS is space, tab, CR, LF; a
# comment runs from '#' to the first CR or LF.
_LEADING_COMMENTS = re.compile(r"\A(?:[ \t\r\n]*#[^\r\n]*)*")
_service_allowed: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "trialkg_service_allowed", default=False)


@dataclass(frozen=True)
class Facts:
    """What a query text asks for, whatever the store."""

    dataset: bool = False  # FROM or FROM NAMED
    service: bool = False  # a SERVICE pattern anywhere
    update: str | None = None  # the update operation, when the text is an update


_PLAIN = Facts()


@contextlib.contextmanager
def service_allowed() -> Iterator[None]:
    """Let SERVICE through for the queries run inside (``kg query --allow-service``)."""
    token = _service_allowed.set(True)
    try:
        yield
    finally:
        _service_allowed.reset(token)


def check(sparql: str, *, dataset_clause: str = DATASET_SELECT) -> Facts:
    """The query's facts, or QueryError when the policy refuses it (see module docstring)."""
    return enforce(facts(sparql), dataset_clause)


def parse(sparql: str):
    """(rdflib parse tree, facts) of a fresh parse (translating a tree mutates it), for the
    memory store, which evaluates that very tree; it must :func:`enforce` the facts on every
    call, since whether SERVICE is allowed depends on the caller, not the text."""
    return _parse(sparql)


def facts(sparql: str) -> Facts:
    if "\\u" not in sparql and "\\U" not in sparql:
        body = sparql[_LEADING_COMMENTS.match(sparql).end():].upper()
        if not any(word in body for word in _WORDS):
            return _PLAIN
    return _cached_facts(sparql)


@functools.lru_cache(maxsize=512)
def _cached_facts(sparql: str) -> Facts:
    return _parse(sparql)[1]


def enforce(found: Facts, dataset_clause: str = DATASET_SELECT) -> Facts:
    if found.update:
        raise QueryError(f"SPARQL Update ({found.update}) is refused: a query only reads the "
                         "store, and nothing here changes it through a query")
    if found.service and not _service_allowed.get():
        raise QueryError("SERVICE (a federated query to another endpoint) is refused: a query "
                         "reads only this store (kg query --allow-service permits it on the "
                         "command line)")
    if found.dataset and dataset_clause == DATASET_REFUSE:
        raise QueryError("FROM / FROM NAMED is refused on a sparql: store, whose server may "
                         "fetch the IRI from the web or a file; name graphs with "
                         "GRAPH <iri> { ... } instead")
    return found


def _parse(sparql: str):
    """(rdflib parse tree or None, facts); QueryError for a text that is no SPARQL 1.1 query
    or update."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        tree = parseQuery(sparql)
    except ParseException as exc:
        update = _update_name(sparql, parseUpdate)
        if update:
            return None, Facts(update=update)
        raise QueryError(f"SPARQL syntax error: {exc.msg} (line {exc.lineno}, column "
                         f"{exc.col})") from None
    except RecursionError:
        raise QueryError("the query is nested too deeply to read") from None
    return tree, _search(tree)


def _update_name(sparql: str, parse_update) -> str | None:
    try:
        update = parse_update(sparql)
    except Exception:  # not an update either: the query's own syntax error is the one to show
        return None
    # A text of prefixes alone parses as an update of no request: no update, a syntax error.
    names = dict.fromkeys(request.name for request in update.request or ())
    return ", ".join(names) or None


def _search(tree) -> Facts:
    """Walk the whole parse tree (iteratively: a hostile query may nest deeply)."""
    from rdflib.plugins.sparql.parserutils import CompValue

    dataset = service = False
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):  # a CompValue is a dict; any other dict is walked too
            if isinstance(node, CompValue):
                if node.name == "ServiceGraphPattern":
                    service = True
                # CompValue.get answers the key itself for a missing key: test membership
                if "datasetClause" in node:
                    dataset = True
            stack.extend(node.values())
        elif isinstance(node, (list, tuple)) or type(node).__name__ == "ParseResults":
            stack.extend(node)
    return Facts(dataset=dataset, service=service)
