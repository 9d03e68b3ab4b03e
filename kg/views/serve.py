"""A read-only SPARQL 1.1 Protocol endpoint at ``/sparql`` over any Store.

- Queries by GET (``?query=``), POST form (``query=``) or POST ``application/sparql-query``.
- Results by content negotiation: SPARQL JSON (default), SPARQL XML, CSV, TSV; CONSTRUCT and
  DESCRIBE as Turtle (default), N-Triples or JSON-LD.
- Updates (``update=`` or ``application/sparql-update``) are refused with 403: the endpoint
  never changes the graph.
- A time-out per query (503 when exceeded) and a row cap (the answer is cut and says so in
  the ``X-Result-Truncated`` header). Neither rdflib nor pyoxigraph can interrupt a running
  query, so each query runs in a forked child process (copy-on-write: no copy of the graph)
  that is killed when its time is up; at most ``max_concurrent`` run at once. An on-disk
  Oxigraph store is served through a read-only handle (`kg serve` reopens one after building):
  a handle that writes keeps RocksDB's background threads busy, and a child forked while one
  of them holds a lock hangs on it.
- ``/`` is a query page that works offline: no CDN, results written with textContent.
- A closed box: queries read only the store (``kg.store.guard``: no SERVICE, FROM never
  loads a file or URL); requests are answered only for known Host names, bodies are capped
  whatever their framing, and a client that goes away costs no traceback
  (``kg.views.http_guard``). No CORS header is sent, so other sites' pages cannot read
  answers.

The standard library's HTTP server is enough for a local endpoint; a public deployment
should put the graph in a standard SPARQL server (Oxigraph server, Fuseki) instead.
"""

from __future__ import annotations

import json
import multiprocessing
import pickle
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from importlib import resources as importlib_resources
from urllib.parse import parse_qs, urlsplit

from kg.errors import KGError, QueryError
from kg.store import QueryResult, Store
from kg.views import http_guard
from kg.views.formats import to_csv, to_json, to_tsv, to_xml

RESULT_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
}


@dataclass
class ServeConfig:
    timeout: float = 30.0
    max_rows: int = 10_000
    max_concurrent: int = 2
    allowed_hosts: tuple[str, ...] = ()  # Host names answered besides this machine's own


class ServeError(KGError):
    """The endpoint cannot start: a port that is taken or not a port, an unknown address."""


def check_port(port: int) -> int:
    if not 0 <= port <= 65535:
        raise ServeError(f"not a port number: {port} (0 to 65535; 0 picks a free one)",
                         where="--port")
    return port


def negotiate(accept: str | None, table: dict[str, str], default: str) -> tuple[str, str] | None:
    """The best (media type, format) for an Accept header, honouring q-values; None if the
    client accepts nothing we can write."""
    if not accept:
        return default, table[default]
    choices = []
    for position, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media, q = fields[0].lower(), 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        if q > 0:  # q=0 (or an unreadable q) says "not this one" (RFC 9110, 12.4.2)
            choices.append((-q, position, media))
    for _, _, media in sorted(choices):
        if media in table:
            return media, table[media]
        if media in ("*/*", "application/*", "text/*"):
            return default, table[default]
    return None


def page_html() -> bytes:
    """The query page, with the query library embedded as JSON for its example menu.

    ``<`` is escaped inside the JSON so no query text can close the script element."""
    from kg.views.query import library

    template = (importlib_resources.files("kg.views") / "templates" / "sparql.html"
                ).read_text("utf-8")
    examples = {name: {"title": q.title, "text": q.text} for name, q in library().items()}
    blob = json.dumps(examples).replace("<", "\\u003c")  # json.dumps writes ASCII only
    return template.replace("/*EXAMPLES*/{}", blob).encode("utf-8")


def _child(store: Store, text: str, conn) -> None:
    try:
        result = store.query(text)
        payload = ("ok", result)
    except QueryError as exc:
        payload = ("query-error", str(exc))
    except Exception as exc:  # reported to the client as a 400, never crashes the server
        payload = ("query-error", f"{type(exc).__name__}: {exc}")
    try:
        conn.send_bytes(pickle.dumps(payload))
    finally:
        conn.close()


def _query_in_child(store: Store, text: str, timeout: float) -> QueryResult:
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(store, text, send), daemon=True)
    process.start()
    send.close()
    try:
        if not receive.poll(timeout):
            process.kill()
            raise TimeoutError(f"query exceeded the {timeout:g} s time-out")
        kind, value = pickle.loads(receive.recv_bytes())
    except EOFError:
        raise QueryError("the query process ended without an answer") from None
    finally:
        receive.close()
        process.join(timeout=1)
        if process.is_alive():
            process.kill()
    if kind == "query-error":
        raise QueryError(value)
    return value


class SparqlServer:
    """Binds at once, so a taken port is known before any graph is built; ``store`` may be
    given later (``server.store = ...``) for that reason."""

    def __init__(self, store: Store | None, host: str = "127.0.0.1", port: int = 0,
                 config: ServeConfig | None = None):
        self.store = store
        self.config = config or ServeConfig()
        self.allowed = http_guard.allowed_hosts(host, self.config.allowed_hosts)
        self._slots = threading.BoundedSemaphore(self.config.max_concurrent)
        self._running = False
        handler = _make_handler(self)
        where = f"{host}:{port}"
        try:
            self.httpd = http_guard.QuietHTTPServer((host, check_port(port)), handler)
        except OSError as exc:
            raise ServeError(f"cannot listen here: {exc.strerror or exc}", where=where) from None

    @property
    def loopback_only(self) -> bool:
        return http_guard.is_loopback(str(self.httpd.server_address[0]))

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def run_query(self, text: str) -> QueryResult:
        if self.store is None:
            raise QueryError("the graph is still being built; try again in a moment")
        if not self._slots.acquire(timeout=self.config.timeout):
            raise TimeoutError("too many queries running; try again later")
        try:
            return _query_in_child(self.store, text, self.config.timeout)
        finally:
            self._slots.release()

    def serve_forever(self) -> None:
        self._running = True
        self.httpd.serve_forever()

    def start_background(self) -> threading.Thread:
        self._running = True
        thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        thread.start()
        return thread

    def shutdown(self) -> None:
        # socketserver's shutdown() waits forever for a loop never run; once a loop has run
        # and stopped, it returns at once, so a second shutdown() is harmless.
        if self._running:
            self.httpd.shutdown()
        self.httpd.server_close()


def _make_handler(server: SparqlServer):
    class Handler(BaseHTTPRequestHandler):
        server_version = "trialkg-sparql/0.1"
        timeout = http_guard.READ_TIMEOUT  # a stalled client ends, it does not hold a thread

        def log_message(self, fmt, *args):  # quiet by default; the CLI says where it listens
            pass

        def _send(self, status: int, body: bytes, ctype: str, extra: dict | None = None):
            # A client that left before its answer raises ConnectionError here, which
            # QuietHTTPServer.handle_error drops without a word. (No HEAD: there is no do_HEAD.)
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("X-Content-Type-Options", "nosniff")
            for k, v in (extra or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def _error(self, status: int, message: str):
            self.close_connection = True
            self._send(status, (message + "\n").encode("utf-8"), "text/plain; charset=utf-8")

        def _known_host(self) -> bool:
            host = self.headers.get("Host")
            if http_guard.host_allowed(host, server.allowed):
                return True
            names = ", ".join(sorted(server.allowed))
            self._error(421, f"unknown Host {host[:100]!r}: this endpoint answers only for "
                             f"{names} (kg serve --allowed-host NAME adds a name)")
            return False

        def do_GET(self):
            if not self._known_host():
                return
            split = urlsplit(self.path)
            if split.path in ("/", "/index.html"):
                self._send(200, page_html(), "text/html; charset=utf-8",
                           {"Content-Security-Policy": "default-src 'self'; script-src "
                            "'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'"})
                return
            if split.path != "/sparql":
                self._error(404, "not found: the SPARQL endpoint is /sparql")
                return
            params = parse_qs(split.query, keep_blank_values=True)
            self._dispatch(params)

        def do_POST(self):
            if not self._known_host():
                return
            split = urlsplit(self.path)
            if split.path != "/sparql":
                self._error(404, "not found: the SPARQL endpoint is /sparql")
                return
            # A client that stalls or goes mid-body raises TimeoutError or ConnectionError
            # (QuietHTTPServer.handle_error: no word), or BodyError without a status.
            try:
                raw = http_guard.read_body(self.headers, self.rfile)
            except http_guard.BodyError as exc:
                if exc.status:
                    self._error(exc.status, str(exc))
                return  # status 0: the client is gone, there is no one to answer
            body = raw.decode(errors="replace")  # UTF-8, the default
            ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            params = parse_qs(split.query, keep_blank_values=True)
            if ctype == "application/sparql-update":
                params["update"] = [body]
            elif ctype == "application/sparql-query":
                params["query"] = [body]
            elif ctype in ("application/x-www-form-urlencoded", ""):
                for k, v in parse_qs(body, keep_blank_values=True).items():
                    params.setdefault(k, []).extend(v)
            else:
                self._error(415, f"unsupported content type {ctype!r}")
                return
            self._dispatch(params)

        def _dispatch(self, params: dict[str, list[str]]):
            if "update" in params:
                self._error(403, "this endpoint is read-only: SPARQL Update is refused")
                return
            if "default-graph-uri" in params or "named-graph-uri" in params:
                self._error(400, "default-graph-uri and named-graph-uri are not supported: "
                                 "name graphs with GRAPH <iri> { ... } in the query")
                return
            queries = params.get("query", [])
            if len(queries) != 1 or not queries[0].strip():
                self._error(400, "give exactly one 'query' parameter")
                return
            try:
                result = server.run_query(queries[0])
            except QueryError as exc:
                self._error(400, str(exc))
                return
            except TimeoutError as exc:
                self._error(503, str(exc))
                return
            self._answer(result)

        def _answer(self, result: QueryResult):
            accept = self.headers.get("Accept")
            if result.kind == "graph":
                chosen = negotiate(accept, GRAPH_TYPES, "text/turtle")
                if chosen is None:
                    self._error(406, "acceptable: " + ", ".join(GRAPH_TYPES))
                    return
                from kg.rdf.serialize import serialize

                media, fmt = chosen
                self._send(200, serialize(result.graph, fmt), f"{media}; charset=utf-8")
                return
            chosen = negotiate(accept, RESULT_TYPES, "application/sparql-results+json")
            if chosen is None:
                self._error(406, "acceptable: " + ", ".join(RESULT_TYPES))
                return
            media, fmt = chosen
            extra = {}
            if result.kind == "select" and len(result.rows) > server.config.max_rows:
                result = QueryResult("select", result.variables,
                                     result.rows[: server.config.max_rows])
                extra["X-Result-Truncated"] = f"rows capped at {server.config.max_rows}"
            if result.kind == "ask" and fmt in ("csv", "tsv"):
                fmt, media = "json", "application/sparql-results+json"
            # The endpoint's CSV is the standard format for programs: values exact (the
            # command line's --format csv is the spreadsheet-safe one).
            writers = {"json": to_json, "xml": to_xml, "tsv": to_tsv,
                       "csv": lambda r: to_csv(r, safe=False)}
            text = writers[fmt](result)
            self._send(200, text.encode("utf-8"), f"{media}; charset=utf-8", extra)

    return Handler
