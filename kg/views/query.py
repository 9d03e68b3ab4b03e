"""The SPARQL query library: ``queries/*.rq``, one question per file.

Each file starts with a header of ``# key: value`` comment lines:

    # title: Arms, drugs and regimens
    # purpose: ...
    # param: trial (trial, default NCT05807880) the trial to describe
    # example: kg query arms-drugs-regimens --param trial=NCT05807880

Parameters are bound through the store's binding mechanism (rdflib ``initBindings``,
Oxigraph ``substitutions``), never formatted into the query text, so a hostile value is
only ever a value. Oxigraph binds only projected variables, so every parameter variable of
a library query appears in its SELECT clause.

Portability notes for query authors: rdflib 7 raises on ``GROUP_CONCAT(DISTINCT ?x)`` when a
group has ``?x`` unbound everywhere, so the library writes ``GROUP_CONCAT(DISTINCT STR(?x))``.
Oxigraph's union default graph is a bag: a triple stated in two record graphs (an article's
PMID in the citing trial's graph and in the article's own) matches twice, so library queries
are ``SELECT DISTINCT`` or aggregate with ``COUNT(DISTINCT …)``. Virtuoso 7.2 gets ``MIN`` and
``MAX`` over plain literals wrong (empty, ``0`` or an arbitrary member) and right over
``STR(?x)``, so text is compared as ``MIN(STR(?x))`` (see ``kg.store.dialects``).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from kg import resources
from kg.errors import QueryError
from kg.rdf import iris
from kg.store import QueryResult, Store

PARAM_TYPES = ("trial", "iri", "string", "integer", "drug", "drug-class", "mesh", "pmid",
               "condition")
_HEADER = re.compile(r"^#\s*([A-Za-z-]+)\s*:\s*(.*)$")
_PARAM = re.compile(r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*\((?P<type>[a-z-]+)"
                    r"(?:\s*,\s*default\s+(?P<default>[^)]*))?\)\s*(?P<doc>.*)$")


@dataclass
class Param:
    name: str
    type: str
    default: str | None
    doc: str


@dataclass
class LibraryQuery:
    name: str
    path: Path | None
    text: str
    title: str = ""
    purpose: str = ""
    example: str = ""
    params: dict[str, Param] = field(default_factory=dict)


def parse_query_file(path: Path, *, check: bool = True) -> LibraryQuery:
    """A query file with its headers. ``check=False`` skips rdflib's grammar check, which
    costs 20-50 ms a query: for the project's own internal queries (the finder's, viz's),
    whose syntax the tests check, run several per command."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise QueryError(f"cannot read query file: {exc.strerror or exc}",
                         where=str(path)) from None
    return _parse_cached(text, path.stem, path, check)


@functools.lru_cache(maxsize=256)
def _parse_cached(text: str, name: str, path: Path, check: bool) -> LibraryQuery:
    """Each text is parsed once per process (keyed by its content)."""
    return parse_query_text(text, name=name, path=path, check=check)


def parse_query_text(text: str, *, name: str = "<query>", path: Path | None = None,
                     check: bool = True) -> LibraryQuery:
    q = LibraryQuery(name=name, path=path, text=text)
    for line in text.splitlines():
        m = _HEADER.match(line.strip())
        if not line.strip().startswith("#"):
            if line.strip():
                break
            continue
        if not m:
            continue
        key, value = m.group(1).lower(), m.group(2).strip()
        if key == "param":
            pm = _PARAM.match(value)
            if not pm or pm.group("type") not in PARAM_TYPES:
                raise QueryError(f"bad param header {value!r}; expected 'name (type[, default "
                                 f"X]) description' with type one of {', '.join(PARAM_TYPES)}",
                                 where=str(path or name))
            default = pm.group("default")
            q.params[pm.group("name")] = Param(pm.group("name"), pm.group("type"),
                                               default.strip() if default else None,
                                               pm.group("doc").strip())
        elif key in ("title", "purpose", "example"):
            setattr(q, key, (getattr(q, key) + " " + value).strip())
    if check:
        check_syntax(q)
    return q


def check_syntax(q: LibraryQuery) -> None:
    """Parse with rdflib's SPARQL grammar to report a syntax error with its file and line."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        parseQuery(q.text)
    except ParseException as exc:
        where = f"{q.path or q.name}:{exc.lineno}:{exc.col}"
        if _is_update(q.text):
            raise QueryError("the query interface is read-only: SPARQL Update is not run "
                             "here; add records with `kg build` and drop them with "
                             "`kg remove`", where=str(q.path or q.name)) from None
        raise QueryError(f"SPARQL syntax error: {exc.msg} (line {exc.lineno}: "
                         f"{exc.line.strip()!r})", where=where) from None


def _is_update(text: str) -> bool:
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parseUpdate(text)
    except Exception:  # neither a query nor an update: the query's syntax error stands
        return False
    return True


def library(directory: Path | None = None) -> dict[str, LibraryQuery]:
    directory = directory or resources.QUERIES
    return {p.stem: parse_query_file(p) for p in sorted(directory.glob("*.rq"))}


def get(name: str) -> LibraryQuery:
    path = resources.QUERIES / f"{name}.rq"
    if not path.exists():
        known = ", ".join(sorted(p.stem for p in resources.QUERIES.glob("*.rq")))
        raise QueryError(f"no library query named {name!r}; known: {known}")
    return parse_query_file(path)


def convert_param(param: Param, value: str) -> Node:
    """A user's string as a typed RDF term; the only way values enter a query."""
    v = value.strip()
    if param.type == "trial":
        if re.fullmatch(r"NCT\d{8}", v.upper()):
            return iris.trial(v.upper())
        if v.startswith(("http://", "https://")):
            return _iri(v, param)
        raise QueryError(f"parameter {param.name}: expected an NCT id or IRI, got {value!r}")
    if param.type == "iri":
        return _iri(v, param)
    if param.type == "integer":
        if not re.fullmatch(r"-?\d+", v):
            raise QueryError(f"parameter {param.name}: expected an integer, got {value!r}")
        return Literal(int(v), datatype=XSD.integer)
    if param.type == "drug":
        from kg.vocab import default_vocabulary

        vocab = default_vocabulary()
        keys = vocab.drug_keys_in(v)
        if v.lower() in vocab.drugs:
            return iris.drug(v.lower())
        if len(keys) == 1:
            return iris.drug(keys[0])
        raise QueryError(f"parameter {param.name}: unknown drug {value!r}")
    if param.type == "drug-class":
        from kg.vocab import default_vocabulary

        try:
            return iris.drug_class(default_vocabulary().resolve_class(v))
        except KeyError as exc:
            raise QueryError(f"parameter {param.name}: {exc.args[0]}") from None
    if param.type == "condition":  # issue 12: a MeSH UI, or a name the vocabulary resolves
        if re.fullmatch(r"[CD]\d{6,9}", v):
            return iris.mesh(v)
        from kg.vocab import default_vocabulary

        found = [m for m in default_vocabulary().name_mentions(v) if m.kind == "condition"]
        if len({m.mesh for m in found}) == 1:
            return iris.mesh(found[0].mesh)
        raise QueryError(f"parameter {param.name}: {value!r} names no one condition in MeSH")
    if param.type == "mesh":
        if not re.fullmatch(r"[CDQ]\d{6,9}", v):
            raise QueryError(f"parameter {param.name}: expected a MeSH UI like D009303")
        return iris.mesh(v)
    if param.type == "pmid":
        if not re.fullmatch(r"[1-9]\d{0,9}", v):
            raise QueryError(f"parameter {param.name}: expected a PMID, got {value!r}")
        return Literal(v)  # as the graph states it: bibo:pmid "34174189"
    return Literal(value)


def _iri(value: str, param: Param) -> URIRef:
    if not re.fullmatch(r"https?://[^\s<>\"{}|\\^`]+", value):
        raise QueryError(f"parameter {param.name}: not an IRI: {value!r}")
    return URIRef(value)


def bind(q: LibraryQuery, given: dict[str, str]) -> dict[str, Node]:
    unknown = sorted(set(given) - set(q.params))
    if unknown:
        known = ", ".join(q.params) or "none"
        raise QueryError(f"query {q.name!r} has no parameter(s) {', '.join(unknown)}; "
                         f"its parameters: {known}")
    bindings: dict[str, Node] = {}
    for name, param in q.params.items():
        value = given.get(name, param.default)
        if value is not None and value != "":
            bindings[name] = convert_param(param, value)
    return bindings


def run(store: Store, q: LibraryQuery, params: dict[str, str] | None = None) -> QueryResult:
    return store.query(q.text, bind(q, params or {}))


def parse_param_args(args: list[str]) -> dict[str, str]:
    out = {}
    for arg in args:
        name, sep, value = arg.partition("=")
        if not sep or not name:
            raise QueryError(f"--param expects NAME=VALUE, got {arg!r}")
        out[name.strip()] = value
    return out
