"""Shared helpers for the Entrez tests: fixtures and fast client settings."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from kg.clients.entrez import EntrezClient, EntrezConfig, pacing, transport
from kg.clients.entrez.pacing import Pacer
from tests.support.clock import FakeClock
from tests.support.standin import Handler, Reply, StandIn, stand_in

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "entrez"
EMAIL = "tests@example.org"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def config(url: str, **overrides: object) -> EntrezConfig:
    """Settings for a stand-in: no pacing and millisecond back-off unless a test wants them."""
    values: dict[str, object] = {
        "email": EMAIL, "base_url": url, "timeout": 2.0, "max_tries": 3,
        "backoff_base": 0.01, "backoff_cap": 0.05, "min_interval": 0.0,
    }
    values.update(overrides)
    return EntrezConfig(**values)  # type: ignore[arg-type]


def client(url: str, **overrides: object) -> EntrezClient:
    cfg = config(url, **overrides)
    return EntrezClient(cfg, pacer=Pacer(cfg.interval))


@pytest.fixture(scope="module", name="standin_server")
def standin_server_fixture() -> Iterator[StandIn]:
    """One stand-in per test module (starting and stopping one costs ~0.5 s)."""
    with stand_in(lambda _req: Reply(500, "no handler set")) as server:
        yield server


@pytest.fixture(name="serve")
def serve_fixture(standin_server: StandIn) -> Callable[[Handler], StandIn]:
    """``serve(handler)``: the module's stand-in, answering with ``handler``, no requests yet."""

    def use(handler: Handler) -> StandIn:
        standin_server.handler = handler
        standin_server.requests.clear()
        return standin_server

    return use


@pytest.fixture(name="clock")
def clock_fixture(monkeypatch) -> FakeClock:
    """The transport's and the pacer's ``time``, moving only when they sleep."""
    # far past any time a pacing file of an earlier test may hold
    fake = FakeClock(time.monotonic() + 10_000.0)
    monkeypatch.setattr(transport, "time", fake)
    monkeypatch.setattr(pacing, "time", fake)
    return fake
