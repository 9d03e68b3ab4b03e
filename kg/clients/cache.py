"""A file cache of HTTP responses keyed by the request, shared by the Entrez and
ClinicalTrials.gov clients.

The key is a SHA-256 of the request's canonical form (service, endpoint, sorted
parameters), never of anything secret: ``api_key``, ``email`` and ``tool`` are dropped
before hashing so a cache is portable between users. Each entry is a body file plus a small
JSON sidecar (request, time, URL) written after it, both atomically; an entry counts only
when both are present and the body's digest matches the sidecar, so a kill between the two
writes, or a torn file, reads as a miss rather than as corrupt data.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path

from kg.io import atomic_write_bytes, atomic_write_text

_NOT_PART_OF_KEY = {"api_key", "email", "tool"}


def request_key(service: str, endpoint: str, params: dict[str, object]) -> str:
    canonical = {
        "service": service,
        "endpoint": endpoint,
        "params": {k: _canonical_value(v) for k, v in sorted(params.items())
                   if k not in _NOT_PART_OF_KEY and v is not None},
    }
    blob = json.dumps(canonical, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _canonical_value(value: object) -> object:
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return str(value)


@dataclass
class CacheEntry:
    body: bytes
    meta: dict


class RequestCache:
    def __init__(self, directory: str | Path):
        self.directory = Path(directory)

    def _paths(self, key: str) -> tuple[Path, Path]:
        shard = self.directory / key[:2]
        return shard / f"{key}.body", shard / f"{key}.json"

    def get(self, key: str) -> CacheEntry | None:
        body_path, meta_path = self._paths(key)
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            body = body_path.read_bytes()
        except (OSError, ValueError):
            return None
        if meta.get("sha256") != hashlib.sha256(body).hexdigest():
            return None  # torn or tampered entry: treat as a miss, it will be re-fetched
        return CacheEntry(body, meta)

    def put(self, key: str, body: bytes, meta: dict) -> None:
        body_path, meta_path = self._paths(key)
        record = dict(meta)
        record["sha256"] = hashlib.sha256(body).hexdigest()
        record.setdefault("stored", time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
        atomic_write_bytes(body_path, body)
        atomic_write_text(meta_path, json.dumps(record, sort_keys=True, indent=1))

    def __contains__(self, key: str) -> bool:
        return self.get(key) is not None


def default_cache_dir() -> Path:
    """``$TRIALKG_CACHE`` or ``~/.cache/trialkg``: outside the repo, shared across runs."""
    import os

    env = os.environ.get("TRIALKG_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "trialkg"
