"""A real SPARQL server for the store tests: ``oxigraph serve`` (shipped by the ``oxigraph``
package next to the venv's python) on 127.0.0.1, one per test module, killed afterwards."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest


def oxigraph_binary() -> str | None:
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.exists() else shutil.which("oxigraph")


@dataclass
class OxigraphServer:
    url: str
    location: Path
    process: subprocess.Popen

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/", timeout=0.5):
            return True
    except (urllib.error.URLError, OSError):
        return False


def start_server(location: Path, *, read_only: bool = False) -> OxigraphServer:
    """Start ``oxigraph serve`` (or ``serve-read-only``) and wait until it answers; a port
    taken between choosing and binding it makes the server exit, so try another."""
    binary = oxigraph_binary()
    if binary is None:
        pytest.skip("the oxigraph server binary is not installed (pip install oxigraph)")
    command = "serve-read-only" if read_only else "serve"
    for _ in range(3):
        port = _free_port()
        process = subprocess.Popen([binary, command, "--location", str(location),
                                    "--bind", f"127.0.0.1:{port}"],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        server = OxigraphServer(f"http://127.0.0.1:{port}", location, process)
        deadline = time.monotonic() + 15
        while process.poll() is None and time.monotonic() < deadline:
            if _answers(server.url):
                return server
            time.sleep(0.05)
        server.stop()
    err = process.stderr.read().decode(errors="replace") if process.stderr else ""
    raise RuntimeError(f"oxigraph {command} did not start: {err.strip()[-500:]}")


@pytest.fixture(scope="module")
def oxigraph_server(tmp_path_factory) -> Iterator[OxigraphServer]:
    server = start_server(tmp_path_factory.mktemp("oxigraph-server"))
    yield server
    server.stop()


@pytest.fixture(scope="module")
def read_only_server(tmp_path_factory) -> Iterator[OxigraphServer]:
    """``serve-read-only`` over an (empty) store directory created beforehand."""
    if oxigraph_binary() is None:
        pytest.skip("the oxigraph server binary is not installed (pip install oxigraph)")
    location = tmp_path_factory.mktemp("oxigraph-read-only")
    subprocess.run([sys.executable, "-c", "import sys, pyoxigraph; "
                    "pyoxigraph.Store(sys.argv[1]).flush()", str(location)], check=True)
    server = start_server(location, read_only=True)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    """A fresh Virtuoso server per test module (tests/support/virtuoso.py); skipped with the
    reason when Virtuoso is not installed."""
    from tests.support.virtuoso import start

    server = start(tmp_path_factory.mktemp("virtuoso"))
    yield server
    server.stop()
