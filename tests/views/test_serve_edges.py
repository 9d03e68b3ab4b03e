"""kg.views.serve at its edges: each test builds its own endpoint (so each calls the handler
factory, the constructor and the loop it checks) over a tiny synthetic graph, and most let
the server handle exactly one connection (``handle_request``), so no test waits on a
polling loop. Raw sockets, so what goes over the wire is what is checked."""

from __future__ import annotations

import json
import multiprocessing
import os
import pickle
import socket
import struct
import subprocess
import sys
import threading
import urllib.parse

import pytest
from rdflib import Literal, URIRef

from kg.cli import main
from kg.errors import QueryError
from kg.store import open_store
from kg.views import http_guard, serve
from kg.views.serve import ServeConfig, ServeError, SparqlServer, page_html

ASK = "ASK { ?s ?p ?o }"
ASK_ONE = "ASK { <urn:a> <urn:p> 'one' }"  # synthetic graph: one triple
READ_ONLY = b"this endpoint is read-only: SPARQL Update is refused\n"


@pytest.fixture(scope="module")
def store():
    store = open_store("memory")
    store.replace_graph(URIRef("urn:g1"), [(URIRef("urn:a"), URIRef("urn:p"), Literal("one"))])
    yield store
    store.close()


@pytest.fixture
def server(store):
    server = SparqlServer(store, config=ServeConfig(timeout=10, allowed_hosts=("kg.lab.example",)))
    yield server
    server.shutdown()


def exchange(server: SparqlServer, raw: bytes, *, abort: bool = False, half_close: bool = False
             ) -> tuple[int | None, list[str], bytes]:
    """Send ``raw`` on one connection, let the server handle that connection to its end and
    read everything it answers: (status or None, head lines as sent, body)."""
    host, port = server.httpd.server_address[:2]
    sock = socket.create_connection((host, port), timeout=5)
    sock.sendall(raw)
    if abort:  # a reset, as a killed client or a dropped network does
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()
    elif half_close:
        sock.shutdown(socket.SHUT_WR)
    before = set(threading.enumerate())
    server.httpd.handle_request()
    data = b""
    if not abort:
        with sock:
            while chunk := sock.recv(65536):
                data += chunk
    for thread in set(threading.enumerate()) - before:
        thread.join(10)
    if not data:
        return None, [], b""
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    return int(lines[0].split()[1]), lines, body


def get(target: str, host: str = "localhost", close: bool = True) -> bytes:
    lines = [f"GET {target} HTTP/1.1", f"Host: {host}"] + (["Connection: close"] if close else [])
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def post(body: bytes, ctype: str, path: str = "/sparql", close: bool = True) -> bytes:
    lines = [f"POST {path} HTTP/1.1", "Host: localhost", f"Content-Type: {ctype}",
             f"Content-Length: {len(body)}"] + (["Connection: close"] if close else [])
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def query(text: str, **params: str) -> str:
    return "/sparql?" + urllib.parse.urlencode({"query": text, **params})


# --------------------------------------------------------------------------- the page


def test_the_page_is_served_at_root_and_index_with_its_headers(server):
    for path in ("/", "/index.html"):
        status, head, body = exchange(server, get(path))
        assert status == 200 and body == page_html()
        assert head[0] == "HTTP/1.0 200 OK"
        assert "Content-Type: text/html; charset=utf-8" in head
        assert f"Content-Length: {len(body)}" in head
        assert "X-Content-Type-Options: nosniff" in head
        assert ("Content-Security-Policy: default-src 'self'; script-src 'unsafe-inline'; "
                "style-src 'unsafe-inline'; connect-src 'self'") in head
        assert [h for h in head if h.startswith("Server: ")][0].startswith(
            "Server: trialkg-sparql/0.1 ")
    status, _, _ = exchange(server, get("/INDEX.HTML"))
    assert status == 404  # paths are case-sensitive


def test_the_page_embeds_non_ascii_and_markup_in_examples_as_ascii_escapes(monkeypatch):
    """Synthetic library entries: the example blob is exactly json.dumps' ASCII form with
    every '<' written \\u003c, so no title or query can close the script element."""
    from kg.views import query as query_module

    class Q:
        def __init__(self, title, text):
            self.title, self.text = title, text

    examples = {"synthetic-a": Q("Überblick ≥ 2 arms", "SELECT * { ?s ?p '</script><b>' }")}
    monkeypatch.setattr(query_module, "library", lambda: examples)
    html = page_html().decode("utf-8")
    start = html.index('id="examples">') + len('id="examples">')
    blob = html[start:html.index("</script>", start)]
    assert blob == ('{"synthetic-a": {"title": "\\u00dcberblick \\u2265 2 arms", '
                    '"text": "SELECT * { ?s ?p \'\\u003c/script>\\u003cb>\' }"}}')
    assert json.loads(blob)["synthetic-a"]["text"] == "SELECT * { ?s ?p '</script><b>' }"


def test_the_page_is_the_same_under_an_ascii_locale():
    """The template holds non-ASCII text: it is read as UTF-8 whatever the machine's locale
    (here C without UTF-8 mode or coercion, where Python's default text encoding is ASCII)."""
    env = {**os.environ, "LC_ALL": "C", "LANG": "C", "PYTHONCOERCECLOCALE": "0",
           "PYTHONUTF8": "0"}
    code = "import sys; from kg.views.serve import page_html; sys.stdout.buffer.write(page_html())"
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    assert done.stdout == page_html() and "…".encode() in done.stdout


# --------------------------------------------------------------------------- refusals


def test_other_paths_are_404_naming_the_endpoint_and_close_the_connection(server):
    # No "Connection: close": the error itself must end the connection (read to its end).
    for raw in (get("/other", close=False), post(ASK.encode(), "application/sparql-query",
                                                 path="/other", close=False)):
        status, head, body = exchange(server, raw)
        assert (status, body) == (404, b"not found: the SPARQL endpoint is /sparql\n")
        assert "Content-Type: text/plain; charset=utf-8" in head
        assert f"Content-Length: {len(body)}" in head


def test_a_refused_body_is_never_read_as_the_next_request(server):
    """413 on a too-large Content-Length closes the connection, so what the client sent as
    its 'body' (here a second request) is never answered."""
    smuggled = get(query(ASK), close=False)
    raw = (b"POST /sparql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/sparql-query"
           b"\r\nContent-Length: 2000000\r\n\r\n" + smuggled)
    status, _, body = exchange(server, raw)
    assert (status, body) == (413, b"request body too large (2,000,000 bytes; limit "
                                   b"1,000,000)\n")  # one answer: no second status line


def test_unknown_host_is_421_quoting_100_characters_and_naming_the_allowed(server):
    long_host = "a" * 99 + "BC" + "d" * 49
    status, _, body = exchange(server, get(query(ASK), host=long_host, close=False))
    assert status == 421
    assert body == (f"unknown Host {long_host[:100]!r}: this endpoint answers only for "
                    "127.0.0.1, ::1, kg.lab.example, localhost (kg serve --allowed-host NAME "
                    "adds a name)\n").encode()
    status, _, body = exchange(server, get(query(ASK_ONE), host="KG.lab.example:8890"))
    assert status == 200 and json.loads(body)["boolean"] is True  # the configured name


def test_blank_parameters_still_count(server):
    cases = [
        (get(query(ASK, update="")), 403, READ_ONLY),
        (get(query(ASK, **{"default-graph-uri": ""})), 400,
         b"default-graph-uri and named-graph-uri are not supported: name graphs with "
         b"GRAPH <iri> { ... } in the query\n"),
        (get("/sparql?query="), 400, b"give exactly one 'query' parameter\n"),
        (post(b"query=ASK+%7B%7D&update=", "application/x-www-form-urlencoded"), 403,
         READ_ONLY),
    ]
    for raw, want_status, want_body in cases:
        status, _, body = exchange(server, raw)
        assert (status, body) == (want_status, want_body)


def test_post_bodies_by_media_type_parameters_and_bad_utf8(server):
    status, _, body = exchange(server, post(ASK_ONE.encode(),
                                            "application/sparql-query; charset=utf-8"))
    assert status == 200 and json.loads(body)["boolean"] is True
    # Bytes that are no UTF-8 become U+FFFD: the query runs (and matches nothing).
    status, _, body = exchange(server, post(b"ASK { ?s ?p '\xff' }", "application/sparql-query"))
    assert status == 200 and json.loads(body)["boolean"] is False
    status, _, body = exchange(server, post(b"ASK {}", "Text/Plain; charset=utf-8"))
    assert (status, body) == (415, b"unsupported content type 'text/plain'\n")


def test_a_graph_not_yet_built_is_a_400_saying_so():
    server = SparqlServer(None)
    try:
        status, _, body = exchange(server, get(query(ASK)))
        assert (status, body) == (400, b"the graph is still being built; try again in a "
                                       b"moment\n")
    finally:
        server.shutdown()


def test_a_stalled_client_is_dropped_after_the_read_timeout(server):
    assert server.httpd.RequestHandlerClass.timeout == http_guard.READ_TIMEOUT == 30.0


def accepting(raw: bytes, accept: str) -> bytes:
    return raw.replace(b"\r\n\r\n", f"\r\nAccept: {accept}\r\n\r\n".encode(), 1)


def test_answers_by_accept_header(server):
    select = get(query("SELECT ?o WHERE { <urn:a> <urn:p> ?o }"))
    status, head, body = exchange(server, accepting(select, "text/csv"))
    assert (status, body) == (200, b"o\r\none\r\n")
    assert "Content-Type: text/csv; charset=utf-8" in head
    # The endpoint's CSV is for programs: a value is written exactly, formula-like or not.
    status, head, body = exchange(server, accepting(select, "text/tab-separated-values"))
    assert (status, body) == (200, b'?o\n"one"\n')
    status, head, body = exchange(server, accepting(select, "application/xml"))
    assert status == 200 and "Content-Type: application/xml; charset=utf-8" in head
    assert b'<binding name="o"><literal>one</literal></binding>' in body
    formula = get(query("SELECT ?v WHERE { VALUES ?v { '=1+2' } }"))
    assert exchange(server, accepting(formula, "text/csv"))[2] == b"v\r\n=1+2\r\n"
    status, head, body = exchange(server, accepting(select, "image/png"))
    assert (status, body) == (406, b"acceptable: application/sparql-results+json, "
                                   b"application/json, application/sparql-results+xml, "
                                   b"application/xml, text/csv, text/tab-separated-values\n")
    # ASK has no CSV or TSV form: it is answered as SPARQL JSON.
    for accept in ("text/csv", "text/tab-separated-values"):
        status, head, body = exchange(server, accepting(get(query(ASK_ONE)), accept))
        assert status == 200 and json.loads(body) == {"head": {}, "boolean": True}
        assert "Content-Type: application/sparql-results+json; charset=utf-8" in head
    construct = get(query("CONSTRUCT WHERE { ?s ?p ?o }"))
    status, head, body = exchange(server, accepting(construct, "application/n-triples"))
    assert (status, body) == (200, b'<urn:a> <urn:p> "one" .\n')
    assert "Content-Type: application/n-triples; charset=utf-8" in head
    status, _, body = exchange(server, accepting(construct, "text/csv"))
    assert (status, body) == (406, b"acceptable: text/turtle, application/n-triples, "
                                   b"application/ld+json\n")


def test_a_row_cap_at_the_boundary(store):
    server = SparqlServer(store, config=ServeConfig(max_rows=2))
    try:
        for n, rows, header in ((2, 2, []), (3, 2, ["X-Result-Truncated: rows capped at 2"])):
            values = " ".join(map(str, range(n)))
            text = f"SELECT ?x WHERE {{ VALUES ?x {{ {values} }} }}"
            status, head, body = exchange(server, post(text.encode(), "application/sparql-query"))
            assert status == 200 and json.loads(body)["head"] == {"vars": ["x"]}
            assert [b["x"]["value"] for b in json.loads(body)["results"]["bindings"]] == \
                [str(i) for i in range(rows)]
            assert [h for h in head if h.startswith("X-Result-")] == header
    finally:
        server.shutdown()


def test_a_syntax_error_is_400_and_an_overlong_query_503(store):
    server = SparqlServer(store, config=ServeConfig(timeout=0.2))
    try:
        status, _, body = exchange(server, post(b"SELECT ?s WHERE {", "application/sparql-query"))
        assert status == 400 and body.startswith(b"SPARQL syntax error: ")
        values = " ".join(map(str, range(400)))  # 400^3 rows to count: far beyond 0.2 s
        slow = (f"SELECT (COUNT(*) AS ?n) WHERE {{ VALUES ?a {{ {values} }} VALUES ?b "
                f"{{ {values} }} VALUES ?c {{ {values} }} }}")
        status, _, body = exchange(server, post(slow.encode(), "application/sparql-query"))
        assert (status, body) == (503, b"query exceeded the 0.2 s time-out\n")
    finally:
        server.shutdown()


# --------------------------------------------------------------------------- clients that fail


def test_a_client_gone_mid_body_gets_no_answer_and_costs_no_line(server, capsys):
    partial = post(b"ASK", "application/sparql-query").replace(b"Length: 3", b"Length: 100")
    assert exchange(server, partial, half_close=True) == (None, [], b"")
    assert exchange(server, partial, abort=True) == (None, [], b"")
    assert capsys.readouterr().err == ""
    status, _, body = exchange(server, get(query(ASK_ONE)))  # still serving
    assert status == 200 and json.loads(body)["boolean"] is True


def test_a_request_that_fails_is_one_line_on_stderr(server, capsys, monkeypatch):
    def broken_page():
        raise FileNotFoundError("templates/sparql.html")

    monkeypatch.setattr(serve, "page_html", broken_page)
    assert exchange(server, get("/")) == (None, [], b"")
    assert capsys.readouterr().err == ("kg serve: a request from 127.0.0.1 failed: "
                                       "FileNotFoundError: templates/sparql.html\n")


# --------------------------------------------------------------------------- defaults


def test_defaults_loopback_a_free_port_and_the_documented_limits():
    first, second = SparqlServer(None), SparqlServer(None)  # port 0: each gets a free port
    try:
        assert first.url.startswith("http://127.0.0.1:") and first.loopback_only
        assert first.httpd.server_address[1] != second.httpd.server_address[1]
        assert first.config == ServeConfig(timeout=30.0, max_rows=10_000, max_concurrent=2,
                                           allowed_hosts=())
        assert first.allowed == {"localhost", "127.0.0.1", "::1"}
        cli = {p.name: p.default for p in main.commands["serve"].params}
        assert (cli["timeout"], cli["max_rows"]) == (first.config.timeout,
                                                     first.config.max_rows)
    finally:
        first.shutdown()
        second.shutdown()


def test_the_default_row_cap_cuts_at_10000_rows_and_says_so():
    store = open_store("oxigraph:")
    server = SparqlServer(store)
    try:
        for n, rows, header in ((10_000, 10_000, None), (10_001, 10_000, "rows capped at 10000")):
            values = " ".join(map(str, range(n)))
            text = f"SELECT ?x WHERE {{ VALUES ?x {{ {values} }} }}"
            status, head, body = exchange(server, post(text.encode(), "application/sparql-query"))
            assert status == 200 and len(json.loads(body)["results"]["bindings"]) == rows
            truncated = [h for h in head if h.startswith("X-Result-Truncated: ")]
            assert truncated == ([f"X-Result-Truncated: {header}"] if header else [])
    finally:
        server.shutdown()
        store.close()


def test_a_taken_port_is_one_line_naming_the_address():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(ServeError) as caught:
            SparqlServer(None, port=port)
    assert str(caught.value) == f"127.0.0.1:{port}: cannot listen here: Address already in use"


# --------------------------------------------------------------------------- the loop


def _returns(call) -> bool:
    """Whether ``call()`` returns (a shutdown that hangs is the failure being guarded)."""
    thread = threading.Thread(target=call, daemon=True)
    thread.start()
    thread.join(10)
    return not thread.is_alive()


def _answers(server: SparqlServer) -> bool:
    host, port = server.httpd.server_address[:2]
    with socket.create_connection((host, port), timeout=5) as sock:
        sock.sendall(get(query(ASK_ONE)))
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    return data.startswith(b"HTTP/1.0 200 ") and b'"boolean": true' in data


def test_shutdown_of_a_server_never_started_returns_and_frees_the_port():
    server = SparqlServer(None)
    port = server.httpd.server_address[1]
    assert _returns(server.shutdown) and _returns(server.shutdown)
    again = SparqlServer(None, port=port)  # the port is free again
    again.shutdown()


def test_start_background_serves_on_a_daemon_thread_until_shutdown(store):
    server = SparqlServer(store)
    thread = server.start_background()
    try:
        assert thread.daemon is True  # never keeps the process alive on exit
        assert _answers(server)
    finally:
        assert _returns(server.shutdown)
    thread.join(10)
    assert not thread.is_alive()
    assert _returns(server.shutdown)  # twice is harmless


def test_serve_forever_runs_until_shutdown(store):
    server = SparqlServer(store)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    assert _answers(server)
    assert _returns(server.shutdown)
    thread.join(10)
    assert not thread.is_alive()


# --------------------------------------------------------------------------- the query child


class _FailingStore:
    """Synthetic stand-in for a store that fails in a way that is no QueryError."""

    def query(self, text):
        raise RuntimeError(f"disk gone while reading {text!r}")


def _child_payload(store, text: str):
    receive, send = multiprocessing.Pipe(duplex=False)
    serve._child(store, text, send)  # in this process: what the forked child sends back
    payload = pickle.loads(receive.recv_bytes())
    with pytest.raises(EOFError):  # the child's end is closed after its one message
        receive.recv_bytes()
    receive.close()
    return payload


def test_the_query_child_sends_the_result_or_the_error_text(store):
    kind, result = _child_payload(store, "SELECT ?o WHERE { <urn:a> <urn:p> ?o }")
    assert kind == "ok" and result.kind == "select"
    assert [str(row["o"]) for row in result.rows] == ["one"]
    with pytest.raises(QueryError) as caught:
        store.query("SELECT ?s WHERE {")
    assert _child_payload(store, "SELECT ?s WHERE {") == ("query-error", str(caught.value))
    assert _child_payload(_FailingStore(), "ASK {}") == (
        "query-error", "RuntimeError: disk gone while reading 'ASK {}'")


class _DyingStore:
    """Synthetic stand-in for a store whose query takes its process down (as the OOM killer
    or a crashing native library would)."""

    def query(self, text):
        os._exit(3)


class _StuckStore:
    """Synthetic stand-in for a query that never ends."""

    def query(self, text):
        threading.Event().wait()


def test_the_query_child_answers_raises_or_is_killed_at_the_time_out(store):
    result = serve._query_in_child(store, "SELECT ?o WHERE { ?s ?p ?o }", 10)
    assert [str(row["o"]) for row in result.rows] == ["one"]
    with pytest.raises(QueryError) as caught:
        serve._query_in_child(_FailingStore(), "ASK {}", 10)
    assert str(caught.value) == "RuntimeError: disk gone while reading 'ASK {}'"
    with pytest.raises(TimeoutError) as caught:
        serve._query_in_child(_StuckStore(), "ASK {}", 0.3)
    assert str(caught.value) == "query exceeded the 0.3 s time-out"
    assert multiprocessing.active_children() == []  # every child reaped, the stuck one killed


def test_a_query_child_that_dies_is_a_query_error_saying_so():
    # Apart from the test above (half a second): cheap enough for every mutant's run.
    with pytest.raises(QueryError) as caught:
        serve._query_in_child(_DyingStore(), "ASK {}", 10)
    assert str(caught.value) == "the query process ended without an answer"
    assert multiprocessing.active_children() == []


def test_a_query_waits_for_a_slot_no_longer_than_the_time_out(store):
    server = SparqlServer(store, config=ServeConfig(timeout=0.3, max_concurrent=1))
    try:
        assert server._slots.acquire(timeout=1)  # the one slot, taken by a running query
        with pytest.raises(TimeoutError) as caught:
            server.run_query("ASK {}")
        assert str(caught.value) == "too many queries running; try again later"
        server._slots.release()
        assert server.run_query("ASK { <urn:a> <urn:p> 'one' }").kind == "ask"
    finally:
        server.shutdown()


JSON_RESULTS, XML_RESULTS = "application/sparql-results+json", "application/sparql-results+xml"
RESULT_TABLE = {JSON_RESULTS: "json", XML_RESULTS: "xml"}


@pytest.mark.parametrize(("accept", "chosen"), [
    (None, (JSON_RESULTS, "json")), ("", (JSON_RESULTS, "json")),
    # the highest q wins, "0.10" read as a tenth
    (f"{XML_RESULTS};q=0.9, {JSON_RESULTS};q=0.10", (XML_RESULTS, "xml")),
    # no q is q=1; at equal q the first listed wins
    (f"{XML_RESULTS};q=1, {JSON_RESULTS}", (XML_RESULTS, "xml")),
    (f"{JSON_RESULTS};q=1.0, {XML_RESULTS}", (JSON_RESULTS, "json")),
    (f"{XML_RESULTS} ; q=0.5 , {JSON_RESULTS};q=0.4", (XML_RESULTS, "xml")),
    # q=0 or an unreadable q: not that one
    (f"{XML_RESULTS};q=0", None), (f"{XML_RESULTS};q=oops", None),
    (f"{XML_RESULTS};q=0, */*;q=0.1", (JSON_RESULTS, "json")),
    # wildcards give the default; other types nothing
    ("application/*", (JSON_RESULTS, "json")), ("text/*", (JSON_RESULTS, "json")),
    ("image/png;q=0.9", None),
])
def test_negotiate_by_q_value_position_and_wildcard(accept, chosen):
    assert serve.negotiate(accept, RESULT_TABLE, JSON_RESULTS) == chosen


@pytest.mark.parametrize(("port", "ok"), [(0, True), (65535, True), (65536, False), (-1, False)])
def test_a_port_is_0_to_65535(port, ok):
    if ok:
        assert serve.check_port(port) == port
    else:
        with pytest.raises(ServeError) as caught:
            serve.check_port(port)
        assert str(caught.value) == (f"--port: not a port number: {port} (0 to 65535; 0 picks "
                                     "a free one)")


def test_what_a_request_leaves_out(server):
    # no query at all
    status, _, body = exchange(server, get("/sparql"))
    assert (status, body) == (400, b"give exactly one 'query' parameter\n")
    # a POST without a Content-Type is a form; the URL's parameters count, blank ones too
    form = b"query=" + urllib.parse.quote_plus(ASK).encode()
    raw = (b"POST /sparql HTTP/1.1\r\nHost: localhost\r\nContent-Length: %d\r\n"
           b"Connection: close\r\n\r\n" % len(form)) + form
    status, _, body = exchange(server, raw)
    assert status == 200 and json.loads(body)["boolean"] is True
    status, _, body = exchange(server, post(b"query=ASK+%7B%7D", "application/x-www-form-"
                                            "urlencoded", path="/sparql?named-graph-uri="))
    assert status == 400 and body.startswith(b"default-graph-uri and named-graph-uri are not")
    # a graph asked for without an Accept header comes as Turtle
    status, head, body = exchange(server, get(query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")))
    assert status == 200 and "Content-Type: text/turtle; charset=utf-8" in head
    assert b"ns1:a ns1:p \"one\" ." in body
