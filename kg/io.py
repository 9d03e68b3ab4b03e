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

from kg.errors import KGError


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


class OutputError(KGError):
    """An output path that cannot take the output: a folder where a file goes, a missing or
    unwritable parent folder."""


def check_output(path: str | Path, *, folder: bool = False, option: str = "--output") -> Path:
    """Refuse, before any work, an output path that cannot be written: one line naming it.

    ``folder``: the path is a folder of outputs, created when missing (its parent must
    exist). Otherwise it is a file, whose folder must exist: a typo in a parent does not
    silently grow a tree of folders. Whether the folder takes a file is tried for real (a
    temporary file, removed at once), since permission bits do not tell for root or for a
    read-only mount."""
    target = Path(path)
    where = f"{option} {target}"
    if folder:
        if target.exists() and not target.is_dir():
            raise OutputError("is a file; give a folder for the outputs", where=where)
        home = target if target.exists() else target.parent
    else:
        if target.is_dir():
            raise OutputError("is a folder; give a file name", where=where)
        home = target.parent
    if not home.exists():
        raise OutputError(f"the folder {home} does not exist", where=where)
    if not home.is_dir():
        raise OutputError(f"{home} is not a folder", where=where)
    try:
        fd, probe = tempfile.mkstemp(prefix=".trialkg-probe.", dir=home)
    except OSError as exc:
        raise OutputError(f"cannot write into {home}: {exc.strerror or exc}",
                          where=where) from None
    os.close(fd)
    os.unlink(probe)
    return target
