"""Atomic file writes: a reader (or a crash) never sees half a file.

Every output and cache file goes through here. We write to a temporary file in the same
directory, flush and fsync it, then ``os.replace`` it over the target, which POSIX makes
atomic. A process killed mid-write leaves at most a stray ``.tmp`` file, never a truncated
target.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO


@contextlib.contextmanager
def atomic_writer(path: str | Path, mode: str = "wb", encoding: str | None = None
                  ) -> Iterator[IO]:
    """Open a temporary file beside ``path``; on clean exit, move it into place.

    On an exception the temporary file is removed and ``path`` is left as it was.
    """
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        # mkstemp creates 0600; give the file the permissions a plain open() would (umask).
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, mode, encoding=encoding) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp_name)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def atomic_write_bytes(path: str | Path, data: bytes) -> None:
    with atomic_writer(path, "wb") as handle:
        handle.write(data)


def atomic_write_text(path: str | Path, text: str) -> None:
    with atomic_writer(path, "w", encoding="utf-8") as handle:
        handle.write(text)


def check_output_file(path: str | Path) -> Path:
    """Refuse, before any work, an output file that could not be written: a folder, a
    missing folder, or one this user cannot write to."""
    from kg.errors import SourceError

    target = Path(path)
    if target.is_dir():
        raise SourceError("is a folder; give a file name for --output", where=str(target))
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise SourceError("its folder does not exist", where=str(target))
    if not os.access(parent, os.W_OK | os.X_OK):
        raise SourceError("its folder is not writable", where=str(target))
    return target


def check_output_dir(path: str | Path) -> Path:
    """Refuse, before any work, an output folder that is a file or cannot be written (a
    missing one is created when written to)."""
    from kg.errors import SourceError

    target = Path(path)
    if target.exists() and not target.is_dir():
        raise SourceError("is a file, not a folder; give a folder for --output",
                          where=str(target))
    existing = target
    while not existing.exists():
        existing = existing.parent
    if not os.access(existing, os.W_OK | os.X_OK):
        raise SourceError("is not writable", where=str(existing))
    return target
