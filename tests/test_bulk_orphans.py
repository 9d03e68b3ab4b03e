"""A `kg build --bulk` killed with SIGKILL leaves no worker process behind: workers ask the
kernel to kill them when their parent dies (kg/pipeline/bulk.py, _die_with_parent)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "tests" / "fixtures" / "pubmed" / "nlm" / "pubmed20n0014-first3.xml.gz"

# The build holds on its first progress line (after the pool has started and indexed the
# files) and prints its workers' pids, so the test can kill it with its workers alive.
_HELD_BUILD = textwrap.dedent("""
    import os, sys, time
    from kg.pipeline.bulk import build_field

    def hold(line):
        me = os.getpid()
        kids = sorted(int(p) for p in os.listdir("/proc") if p.isdigit() and _ppid(p) == me)
        print("HELD", *kids, flush=True)
        time.sleep(300)

    def _ppid(pid):
        try:
            with open(f"/proc/{pid}/stat") as f:
                return int(f.read().rsplit(")", 1)[1].split()[1])
        except OSError:
            return None

    build_field(sys.argv[1], [], [sys.argv[2]], workers=2, progress=hold)
""")


def _alive(pid: int) -> bool:
    """Running, not a zombie waiting to be reaped."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_kill_9_of_a_bulk_build_leaves_no_worker(tmp_path):
    proc = subprocess.Popen([sys.executable, "-c", _HELD_BUILD, str(tmp_path / "store"),
                             str(BASELINE)], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                            start_new_session=True)
    workers: list[int] = []
    try:
        line = proc.stdout.readline().split()
        assert line[:1] == ["HELD"], line
        workers = [int(pid) for pid in line[1:]]
        assert len(workers) == 2 and all(_alive(pid) for pid in workers)
        os.kill(proc.pid, signal.SIGKILL)  # the build alone, not its process group
        proc.wait(timeout=10)
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [pid for pid in workers if _alive(pid)] == []
    finally:
        with_leftovers = [pid for pid in workers if _alive(pid)]
        for pid in with_leftovers:
            os.kill(pid, signal.SIGKILL)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
