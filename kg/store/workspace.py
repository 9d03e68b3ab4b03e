"""The workspace: one persistent store that every command uses unless told otherwise.

A researcher builds a graph up over days (their trial, the articles they found, a field
they discovered) and expects each command to see what the last one built, as a database
client does. So the default store is an on-disk Oxigraph store at ``output/store`` (or
``$TRIALKG_STORE``: a path, or any store spec such as ``memory``); ``--store`` chooses
another. The first command on a fresh clone creates it with the bundled default graph
(kg.pipeline.workspace does that; this module only finds and opens stores).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from kg import resources
from kg.errors import StoreError

ENV_STORE = "TRIALKG_STORE"


def default_spec() -> str:
    value = os.environ.get(ENV_STORE, "").strip()
    if not value:
        return f"oxigraph:{resources.DEFAULT_OUTPUT / 'store'}"
    if value == "memory" or value.startswith(("oxigraph:", "sparql:")):
        return value
    return f"oxigraph:{value}"


@dataclass(frozen=True)
class StoreChoice:
    """A store spec and whether it is the default workspace (which may bootstrap itself)."""

    spec: str
    is_default: bool

    @property
    def path(self) -> Path | None:
        """The folder of an on-disk Oxigraph store."""
        if self.spec.startswith("oxigraph:") and self.spec.partition(":")[2]:
            return Path(self.spec.partition(":")[2].split()[0])
        return None

    @property
    def exists(self) -> bool:
        from kg.store.oxigraph import is_oxigraph_dir

        return self.path is None or (self.path.is_dir() and is_oxigraph_dir(self.path))

    def describe(self) -> str:
        return str(self.path) if self.path is not None else self.spec.split()[0]


def choose(spec: str | None) -> StoreChoice:
    """``--store`` as given, else the workspace."""
    if spec:
        return StoreChoice(spec, False)
    return StoreChoice(default_spec(), True)


def open_choice(choice: StoreChoice, *, write: bool, create: bool = False):
    """Open a chosen store: read-only unless ``write``; a missing on-disk store is made
    only when ``create`` (commands that build)."""
    from kg.store import open_store

    return open_store(choice.spec, read_only=not write, create=create)


def store_size(path: Path) -> int:
    """Bytes on disk of a store folder (a bulk-built store is a link to its build)."""
    root = path.resolve()
    if not root.is_dir():
        return 0
    total = 0
    for entry in root.rglob("*"):
        try:
            if entry.is_file():
                total += entry.stat().st_size
        except OSError as exc:
            raise StoreError(f"cannot read the store: {exc.strerror}", where=str(entry)) from None
    return total
