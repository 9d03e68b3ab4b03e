"""Who may use an on-disk store at once: many readers, or one writer.

RocksDB's own lock guards only read-write opens; a read-only open (``kg query`` beside a
running ``kg serve``) takes none, and a writer changing files under a reader is undefined
behaviour in RocksDB. So every open also takes an advisory ``flock`` on a file beside the
store (``PATH.lock``): shared for readers, exclusive for writers, released by the kernel
when the process ends, however it ends. A lock file that cannot be created (a read-only
file system) means no writer can exist either, so readers go on without it.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from kg.errors import StoreError


def lock_path(store_path: Path) -> Path:
    return store_path.parent / f"{store_path.name}.lock"


class StoreLock:
    def __init__(self, store_path: Path, *, exclusive: bool):
        self.path = lock_path(store_path)
        self.exclusive = exclusive
        self._fd: int | None = None

    def acquire(self) -> StoreLock:
        try:
            if self.exclusive:  # a writer may be about to create the store's folder
                self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError:
            if self.exclusive:
                raise StoreError("cannot create the lock file beside the store (is the "
                                 "folder read-only?)", where=str(self.path)) from None
            return self  # read-only file system: no writer can exist
        try:
            fcntl.flock(self._fd, (fcntl.LOCK_EX if self.exclusive else fcntl.LOCK_SH)
                        | fcntl.LOCK_NB)
        except BlockingIOError:
            self.release()
            store = self.path.with_name(self.path.name[: -len(".lock")])
            if self.exclusive:
                raise StoreError("the store is in use by another kg process (a kg serve, "
                                 "query or build); stop it or wait, then try again",
                                 where=str(store)) from None
            raise StoreError("the store is being written by another kg process (a build); "
                             "try again when it has finished", where=str(store)) from None
        return self

    def __del__(self) -> None:  # a store dropped without close() still lets go
        self.release()

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor drops the flock
            self._fd = None
