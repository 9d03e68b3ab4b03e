"""The endpoint is a closed box (issue 11): queries read only the store on every store,
request bodies are capped whatever their framing, only known Host names are answered, a
client that leaves costs no traceback, and start-up faults are one line. Raw sockets where
a well-behaved client could not send the hostile request."""

from __future__ import annotations

import inspect
import json
import os
import re
import socket
import struct
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Literal, URIRef

from kg.cli import main
from kg.store import open_store
from kg.views import http_guard
from kg.views.serve import ServeConfig, SparqlServer
from tests.store.conftest import start_server
from tests.support.listener import listening

SECRET = "trialkg-secret-5b8d"
ROOT = Path(__file__).resolve().parents[2]
TRIAL = str(ROOT / "tests/fixtures/trials/synthetic-two-arms.txt")
ASK = "ASK { ?s ?p ?o }"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


# --------------------------------------------------------------------------- helpers


def http(server_url: str, raw: bytes, timeout: float = 10) -> tuple[int, dict, bytes]:
    """Send ``raw`` bytes as they are; (status, headers, body) of the answer."""
    host, port = urllib.parse.urlsplit(server_url).netloc.split(":")
    with socket.create_connection((host, int(port)), timeout=timeout) as sock:
        sock.sendall(raw)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in
               (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, body


def post(body: bytes, *headers: str, host: str = "localhost") -> bytes:
    lines = ["POST /sparql HTTP/1.1", f"Host: {host}",
             "Content-Type: application/sparql-query", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def get(query: str, host: str | None = "localhost", path: str = "/sparql") -> bytes:
    target = f"{path}?query={urllib.parse.quote(query)}" if path == "/sparql" else path
    lines = [f"GET {target} HTTP/1.1"] + ([f"Host: {host}"] if host is not None else [])
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def chunked(*parts: bytes) -> bytes:
    return b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in parts) + b"0\r\n\r\n"


# --------------------------------------------------------------------------- closed box


@pytest.fixture(scope="module")
def secret(tmp_path_factory):
    path = tmp_path_factory.mktemp("private") / "secret.nt"
    path.write_text(f'<urn:s> <urn:p> "{SECRET}" .\n', encoding="utf-8")
    return path


@pytest.fixture(scope="module", params=["memory", "oxigraph-memory", "oxigraph-disk", "sparql"])
def served(request, tmp_path_factory):
    """An endpoint over each kind of store, each holding two tiny graphs."""
    remote = None
    if request.param == "memory":
        spec = "memory"
    elif request.param == "oxigraph-memory":
        spec = "oxigraph:"
    elif request.param == "oxigraph-disk":
        spec = f"oxigraph:{tmp_path_factory.mktemp('disk') / 'store'}"
    else:
        remote = start_server(tmp_path_factory.mktemp("oxigraph-server"))
        spec = f"sparql:{remote.url}"
    store = open_store(spec)
    store.replace_graph(URIRef("urn:g1"), [(URIRef("urn:a"), URIRef("urn:p"), Literal("one"))])
    if request.param == "oxigraph-disk":  # served read-only, as `kg serve` does after a build
        store.close()
        store = open_store(spec, read_only=True)
    server = SparqlServer(store, config=ServeConfig(timeout=10))
    server.start_background()
    server.kind = request.param
    yield server
    server.shutdown()
    store.close()
    if remote is not None:
        remote.stop()


def test_from_a_local_file_or_url_never_reaches_the_answer(served, secret):
    with listening() as listener:
        for iri in (secret.as_uri(), f"{listener.url}/data.nt"):
            for clause in (f"FROM <{iri}>", f"FROM NAMED <{iri}>"):
                query = (f"SELECT ?o {clause} WHERE {{ {{ ?s ?p ?o }} UNION "
                         "{ GRAPH ?g { ?s ?p ?o } } }")
                status, _, body = http(served.url, get(query))
                assert SECRET.encode() not in body
                if served.kind == "sparql":
                    assert status == 400
                    assert b"FROM / FROM NAMED is refused on a sparql: store" in body
                else:  # FROM selects graphs of the store: this one it does not hold
                    assert status == 200, body
                    assert json.loads(body)["results"]["bindings"] == []
        assert listener.settle() == 0


def test_service_is_refused_and_nothing_is_called(served):
    with listening() as listener:
        for query in (f"SELECT * WHERE {{ SERVICE <{listener.url}/sparql> {{ ?s ?p ?o }} }}",
                      f"ASK {{ SERVICE SILENT <{listener.url}/sparql> {{ ?s ?p ?o }} }}"):
            status, _, body = http(served.url, get(query))
            assert status == 400
            assert body.startswith(b"SERVICE (a federated query to another endpoint) is "
                                   b"refused")
        assert listener.settle() == 0


def test_load_and_other_updates_stay_refused(served, secret):
    load = f"LOAD <{secret.as_uri()}> INTO GRAPH <urn:stolen>".encode()
    status, _, body = http(served.url, post(load, f"Content-Length: {len(load)}").replace(
        b"application/sparql-query", b"application/sparql-update"))
    assert (status, body) == (403, b"this endpoint is read-only: SPARQL Update is refused\n")
    status, _, body = http(served.url, get(load.decode()))  # an update sent as a query
    assert status == 400 and SECRET.encode() not in body
    status, _, body = http(served.url, get("ASK { GRAPH <urn:stolen> { ?s ?p ?o } }"))
    assert json.loads(body)["boolean"] is False


def test_dataset_protocol_parameters_are_refused(served):
    target = "/sparql?query=" + urllib.parse.quote(ASK) + "&default-graph-uri=file%3A%2F%2F%2Fx"
    status, _, body = http(served.url, f"GET {target} HTTP/1.1\r\nHost: localhost\r\n\r\n"
                           .encode())
    assert status == 400 and b"default-graph-uri and named-graph-uri are not supported" in body


# --------------------------------------------------------------------------- HTTP framing


@pytest.fixture(scope="module")
def endpoint():
    store = open_store("memory")
    store.replace_graph(URIRef("urn:g1"), [(URIRef("urn:a"), URIRef("urn:p"), Literal("one"))])
    server = SparqlServer(store, config=ServeConfig(timeout=10,
                                                    allowed_hosts=("kg.lab.example",)))
    server.start_background()
    yield server
    server.shutdown()


@pytest.mark.parametrize(("length", "status", "message"), [
    ("-5", 400, b"Content-Length must be a number of bytes, not '-5'"),
    ("abc", 400, b"Content-Length must be a number of bytes, not 'abc'"),
    ("1e3", 400, b"Content-Length must be a number of bytes, not '1e3'"),
    ("1000001", 413, b"request body too large (1,000,001 bytes; limit 1,000,000)"),
    ("9" * 5000, 413, b"request body too large (limit 1,000,000 bytes)"),
])
def test_bad_content_length(endpoint, length, status, message):
    got, _, body = http(endpoint.url, post(b"", f"Content-Length: {length}"))
    assert (got, body.strip()) == (status, message)


def test_conflicting_lengths_and_framings_are_refused(endpoint):
    q = ASK.encode()
    got, _, body = http(endpoint.url, post(q, "Content-Length: 16", "Content-Length: 17"))
    assert (got, body.strip()) == (400, b"conflicting Content-Length headers")
    got, _, body = http(endpoint.url, post(chunked(q), "Transfer-Encoding: chunked",
                                           f"Content-Length: {len(q)}"))
    assert (got, body.strip()) == (400, b"give Content-Length or Transfer-Encoding, not both")
    got, _, body = http(endpoint.url, post(q, "Transfer-Encoding: gzip, chunked"))
    assert got == 501 and b"unsupported transfer coding 'gzip, chunked'" in body


def test_chunked_body_is_read_and_capped(endpoint):
    q = ASK.encode()
    got, _, body = http(endpoint.url, post(chunked(q[:5], q[5:]), "Transfer-Encoding: chunked"))
    assert got == 200 and json.loads(body)["boolean"] is True
    # One chunk announcing more than the cap: refused before any of it is read.
    got, _, body = http(endpoint.url, post(b"F4241\r\n", "Transfer-Encoding: chunked"))
    assert (got, body.strip()) == (413, b"request body too large (over 1,000,000 bytes)")
    # Chunks within the cap one by one, over it together.
    parts = b"".join(b"%x\r\n%s\r\n" % (100_000, b"#" * 100_000) for _ in range(10))
    got, _, body = http(endpoint.url, post(parts + b"1\r\n", "Transfer-Encoding: chunked"))
    assert got == 413
    got, _, body = http(endpoint.url, post(b"zz\r\n", "Transfer-Encoding: chunked"))
    assert (got, body.strip()) == (400, b"malformed chunked body: a chunk size is not "
                                        b"hexadecimal")


# --------------------------------------------------------------------------- Host header


@pytest.mark.parametrize("host", ["localhost", "localhost:8890", "127.0.0.1:1", "[::1]:8890",
                                  "LOCALHOST.", "kg.lab.example", None])
def test_loopback_names_and_allowed_hosts_are_answered(endpoint, host):
    status, _, body = http(endpoint.url, get(ASK, host))
    assert status == 200 and json.loads(body)["boolean"] is True


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8890", "127.0.0.1.evil.example",
                                  "localhost.evil.example", "10.0.0.5"])
def test_unknown_host_names_get_nothing(endpoint, host):
    """DNS rebinding: a page whose name now points at 127.0.0.1 still sends its own name."""
    for request in (get(ASK, host), get("", host, path="/"), post(b"", "Content-Length: 0",
                                                                  host=host)):
        status, _, body = http(endpoint.url, request)
        assert status == 421
        assert body.startswith(f"unknown Host {host!r}: this endpoint answers only for "
                               "127.0.0.1, ::1, kg.lab.example, localhost".encode())


def test_allowed_hosts_per_bind():
    assert http_guard.allowed_hosts("127.0.0.1") == {"localhost", "127.0.0.1", "::1"}
    assert http_guard.allowed_hosts("0.0.0.0") == {"localhost", "127.0.0.1", "::1"}
    assert http_guard.allowed_hosts("192.168.1.20", ["Lab.Example:80"]) == {
        "localhost", "127.0.0.1", "::1", "192.168.1.20", "lab.example"}
    assert http_guard.host_allowed("anything", http_guard.allowed_hosts("::", ["*"]))
    assert not http_guard.is_loopback("0.0.0.0") and http_guard.is_loopback("127.0.0.2")


def test_no_cors_header_and_loopback_by_default(endpoint):
    for request in (get(ASK), post(ASK.encode(), f"Content-Length: {len(ASK)}"),
                    b"OPTIONS /sparql HTTP/1.1\r\nHost: localhost\r\nOrigin: http://evil.example"
                    b"\r\nAccess-Control-Request-Method: POST\r\n\r\n"):
        _, headers, _ = http(endpoint.url, request)
        assert not [h for h in headers if h.startswith("access-control-")]
    default = {p.name: p.default for p in main.commands["serve"].params}
    assert default["host"] == "127.0.0.1"
    assert inspect.signature(SparqlServer).parameters["host"].default == "127.0.0.1"


# --------------------------------------------------------------------------- start-up faults


def test_busy_port_is_one_line_before_any_build():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        started = time.monotonic()
        result = CliRunner().invoke(main, ["serve", "--port", str(port), "--store", "memory"])
        seconds = time.monotonic() - started
    assert result.exit_code == 2
    assert result.output == f"kg: error: 127.0.0.1:{port}: cannot listen here: Address " \
                            "already in use\n"
    assert seconds < 5  # it did not build the graph first (the build alone takes longer)


@pytest.mark.parametrize("port", ["70000", "-1"])
def test_invalid_port_is_one_line(port):
    result = CliRunner().invoke(main, ["serve", "--port", port, "--store", "memory"])
    assert result.exit_code == 2
    assert result.output == (f"kg: error: --port: not a port number: {port} (0 to 65535; 0 "
                             "picks a free one)\n")


def test_unknown_address_is_one_line():
    result = CliRunner().invoke(main, ["serve", "--host", "no-such-host.invalid", "--port", "0",
                                       "--store", "memory"])
    assert result.exit_code == 2
    assert result.output.startswith("kg: error: no-such-host.invalid:0: cannot listen here: ")
    assert len(result.output.splitlines()) == 1


# --------------------------------------------------------------------------- clients that leave


def _abort(sock: socket.socket) -> None:
    """Close with a reset (SO_LINGER 0), as a killed client or a dropped network does."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def test_clients_that_leave_cost_no_traceback(tmp_path):
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", "--port", "0", "--timeout", "1.5", "--store",
         "memory", "--trial", TRIAL], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        url = re.search(r"(http://127\.0\.0\.1:\d+)/sparql", line).group(1)
        host, port = "127.0.0.1", int(url.rsplit(":", 1)[1])
        # 1. gone mid-query: the answer (a 503 after the time-out) meets a reset socket.
        sock = socket.create_connection((host, port), timeout=5)
        sock.sendall(get(SLOW))
        time.sleep(0.3)
        _abort(sock)
        # 2. gone mid-body: Content-Length promised more than was sent.
        sock = socket.create_connection((host, port), timeout=5)
        sock.sendall(post(b"ASK", "Content-Length: 100"))
        _abort(sock)
        # 3. a read that is never collected
        for _ in range(3):
            sock = socket.create_connection((host, port), timeout=5)
            sock.sendall(get(ASK))
            _abort(sock)
        time.sleep(2.5)  # past the query time-out: the server has tried to answer
        status, _, body = http(url, get(ASK))
        assert status == 200 and json.loads(body)["boolean"] is True  # still serving
    finally:
        process.terminate()
        _, err = process.communicate(timeout=10)
    assert "Traceback" not in err and "Error" not in err, err
