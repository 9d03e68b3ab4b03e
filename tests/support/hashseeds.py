"""Run a snippet in fresh interpreters under different PYTHONHASHSEED values, concurrently.

Determinism checked inside one process cannot fail on what varies between processes (the
order of sets and dicts of strings follows the hash seed): compare outputs across processes.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def outputs_under_hash_seeds(code: str, seeds: tuple[str, ...] = ("0", "2024")) -> list[str]:
    """The standard output of ``python -c code`` under each seed (the test's environment,
    so its private cache, store and vocabulary settings, is inherited)."""
    runs = [subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, env={**os.environ, "PYTHONHASHSEED": seed})
            for seed in seeds]
    outputs = []
    for run in runs:
        out, err = run.communicate(timeout=300)
        assert run.returncode == 0, err.decode(errors="replace")[-3000:]
        outputs.append(out.decode())
    return outputs
