"""A real Virtuoso Open-Source 7 server for the store tests: Debian's ``virtuoso-t`` started
on 127.0.0.1 with its own temporary database and ini file (nothing under /etc or /var is
read or written), SPARQL Update and Graph Store writes granted to the anonymous endpoint
user (a throw-away server on loopback), stopped afterwards. ``make test`` installs
``virtuoso-opensource-7-bin`` when run as root; otherwise the tests that need it skip."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

INSTALL_HINT = ("Virtuoso is not installed (Debian: apt-get install "
                "virtuoso-opensource-7-bin; `make test` installs it when run as root)")

# The least a database needs, every path inside the temporary directory. The thread
# stacks are Virtuoso's defaults; CheckpointInterval 0: nothing here outlives the test run.
_INI = """\
[Database]
DatabaseFile = {d}/virtuoso.db
ErrorLogFile = {d}/virtuoso.log
LockFile = {d}/virtuoso.lck
TransactionFile = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {d}/virtuoso-temp.db
TransactionFile = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableTcpSocket = 0
ServerThreads = 10
CheckpointInterval = 0
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = {d}

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {d}
MaxClientConnections = 8
ServerThreads = 8

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
MaxQueryCostEstimationTime = 0
"""
# Write access for the SPARQL endpoint's anonymous user: Update at /sparql, Graph Store
# writes at /sparql-graph-crud.
_GRANTS = ('GRANT SPARQL_UPDATE TO "SPARQL"; '
           "DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7);")


@dataclass
class VirtuosoServer:
    base: str  # http://127.0.0.1:PORT
    directory: Path
    process: subprocess.Popen

    @property
    def spec(self) -> str:
        """The --store value: Virtuoso's query, update and Graph Store URLs."""
        return (f"sparql:{self.base} query_url={self.base}/sparql "
                f"update_url={self.base}/sparql gsp_url={self.base}/sparql-graph-crud")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


def binaries() -> tuple[str, str] | None:
    server, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt")
    return (server, isql) if server and isql else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _answers(base: str) -> bool:
    try:
        with urllib.request.urlopen(base + "/sparql?query=ASK%7B%7D", timeout=1):
            return True
    except (urllib.error.URLError, OSError):
        return False


def start(directory: Path) -> VirtuosoServer:
    """Start a server in ``directory`` and wait until it answers SPARQL (about 3 s)."""
    found = binaries()
    if found is None:
        pytest.skip(INSTALL_HINT)
    server, isql = found
    for _ in range(3):  # a port taken between choosing and binding it: try others
        sql_port, http_port = _free_port(), _free_port()
        ini = directory / "virtuoso.ini"
        ini.write_text(_INI.format(d=directory, sql_port=sql_port, http_port=http_port))
        process = subprocess.Popen([server, "+configfile", str(ini), "+foreground"],
                                   cwd=directory, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        running = VirtuosoServer(f"http://127.0.0.1:{http_port}", directory, process)
        deadline = time.monotonic() + 60
        while process.poll() is None and time.monotonic() < deadline:
            if _answers(running.base):
                subprocess.run([isql, f"127.0.0.1:{sql_port}", "dba", "dba",
                                f"exec={_GRANTS}"], check=True, timeout=60,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                return running
            time.sleep(0.1)
        running.stop()
        for leftover in directory.iterdir():
            if leftover.is_file():
                leftover.unlink()
    log = directory / "virtuoso.log"
    tail = log.read_text(errors="replace")[-500:] if log.exists() else ""
    raise RuntimeError(f"virtuoso-t did not start: {tail}")
