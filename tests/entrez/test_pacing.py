"""kg.clients.entrez.pacing as a unit, on a clock that moves only when the pacer sleeps:
the wait it chooses, the file two processes share, and what happens when that file fails."""

from __future__ import annotations

import hashlib
import logging
import os
import stat

import pytest

from kg.clients.entrez import pacing
from kg.clients.entrez.pacing import Pacer, pacing_file, shared_pacer
from tests.support.clock import FakeClock


@pytest.fixture
def clock(monkeypatch) -> FakeClock:
    fake = FakeClock(500.0)
    monkeypatch.setattr(pacing, "time", fake)
    return fake


def test_a_pacer_waits_what_is_left_of_the_interval_after_the_last_request_ended(clock):
    pacer = Pacer(0.4)
    assert pacer.wait() == 0.0  # nothing before: no wait
    with pacer.turn() as waited:
        clock.now += 3.0  # a slow request: the next one is timed from its end
    assert waited == pytest.approx(0.4)
    clock.now += 0.1
    assert pacer.wait() == pytest.approx(0.3)
    clock.now += 0.4
    assert pacer.wait() == 0.0
    assert clock.sleeps == [0.4, 0.3]


def test_pacers_sharing_a_file_pace_each_other(clock, tmp_path):
    path = tmp_path / "pacing" / "ncbi.time"
    first, second = Pacer(0.5, path), Pacer(0.5, path)
    first.wait()
    assert path.read_bytes() == f"{500.0!r}\n".ljust(32).encode()
    assert second.wait() == pytest.approx(0.5)  # the other process's request counts
    assert float(path.read_text()) == pytest.approx(500.5)
    assert first.wait() == pytest.approx(0.5)
    assert clock.sleeps == [0.5, 0.5]


def test_a_time_from_before_a_reboot_costs_at_most_one_interval(clock, tmp_path):
    path = tmp_path / "ncbi.time"
    path.write_text(f"{1e9!r}\n")  # far in this clock's future
    assert Pacer(0.37, path).wait() == pytest.approx(0.37)


def test_the_file_and_its_missing_folders_are_made_for_this_user_alone(clock, tmp_path):
    path = tmp_path / "cache" / "pacing" / "ncbi.time"
    old = os.umask(0o022)
    try:
        Pacer(0.37, path).wait()
    finally:
        os.umask(old)
    assert float(path.read_text()) == 500.0
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_only_the_head_of_the_file_is_read(clock, tmp_path):
    # a record is 32 bytes; whatever lies past the first 64 is never read
    path = tmp_path / "ncbi.time"
    path.write_bytes(f"{499.8!r}".ljust(64).encode() + b"synthetic trailing junk")
    assert Pacer(0.5, path).wait() == pytest.approx(0.3)


@pytest.mark.parametrize("content", [b"", b"garbage\n", b"\xff\xfe", b"  \n"])
def test_a_damaged_file_reads_as_no_request(clock, tmp_path, content):
    path = tmp_path / "ncbi.time"
    path.write_bytes(content)
    assert Pacer(0.37, path).wait() == 0.0
    assert float(path.read_text()) == 500.0


def test_an_unusable_file_paces_this_process_alone_and_says_so_once(clock, tmp_path, caplog):
    blocker = tmp_path / "file"
    blocker.write_text("")
    pacer = Pacer(0.2, blocker / "pacing" / "ncbi.time")
    with caplog.at_level(logging.WARNING, logger="kg.clients.entrez.pacing"):
        assert pacer.wait() == 0.0
        assert pacer.wait() == pytest.approx(0.2)
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 1
    assert warnings[0].startswith(f"NCBI pacing file {blocker / 'pacing' / 'ncbi.time'} "
                                  "unusable (")
    assert warnings[0].endswith("): pacing this process alone")


def test_the_pacing_file_names_the_user_without_the_key(tmp_path):
    digest = hashlib.sha256(b"eutils.ncbi.nlm.nih.gov\nSECRET").hexdigest()[:20]
    path = pacing_file(tmp_path, "eutils.ncbi.nlm.nih.gov", "SECRET")
    assert path == tmp_path / "pacing" / f"ncbi-{digest}.time"
    keyless = hashlib.sha256(b"eutils.ncbi.nlm.nih.gov\n").hexdigest()[:20]
    assert pacing_file(tmp_path, "eutils.ncbi.nlm.nih.gov", None).name == f"ncbi-{keyless}.time"


def test_one_pacer_per_user_and_host(monkeypatch, tmp_path):
    monkeypatch.setenv("TRIALKG_CACHE", str(tmp_path))
    monkeypatch.setattr(pacing, "_shared", {})
    a = shared_pacer("h", "k", 0.11)
    assert shared_pacer("h", "k", 0.11) is a
    assert a.interval == 0.11 and a.path == pacing_file(tmp_path, "h", "k")
    assert shared_pacer("h", None, 0.11) is not a
    assert shared_pacer("h", "", 0.11) is shared_pacer("h", None, 0.11)  # no key either way
    assert shared_pacer("other", "k", 0.11) is not a
    assert shared_pacer("h", "k", 0.37) is not a
    monkeypatch.setenv("TRIALKG_CACHE", str(tmp_path / "elsewhere"))
    assert shared_pacer("h", "k", 0.11) is not a  # another cache, another file
