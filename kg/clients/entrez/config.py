"""Settings for talking to NCBI E-utilities, read from the environment or given directly.

NCBI asks every caller to identify itself with ``tool`` and ``email``; without an email we
do not go online at all (offline is the default mode then), so a user never sends
anonymous traffic by accident.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

DEFAULT_BASE_URL = "https://eutils.ncbi.nlm.nih.gov/entrez/eutils"
DEFAULT_TOOL = "trialkg"
MODES = ("offline", "online", "refresh")

# NCBI allows 3 requests/s without a key and 10 with one. Biopython found that spacing
# requests exactly 1/3 s apart still drew 429s now and then and uses 0.37 s; we keep its
# margin for the keyless case and a similar one with a key.
INTERVAL_WITHOUT_KEY = 0.37
INTERVAL_WITH_KEY = 0.11


@dataclass(frozen=True)
class EntrezConfig:
    """Who we are to NCBI, where E-utilities live, and how hard to try.

    ``backoff_base``/``backoff_cap`` shape the retry delays (``base * 2**attempt``, capped);
    tests shrink them so a retry test takes milliseconds, not minutes.
    """

    email: str | None = None
    api_key: str | None = None
    tool: str = DEFAULT_TOOL
    base_url: str = DEFAULT_BASE_URL
    timeout: float = 30.0
    max_tries: int = 4
    backoff_base: float = 1.0
    backoff_cap: float = 30.0
    retry_after_cap: float = 120.0  # never sleep longer than this on a Retry-After header
    min_interval: float | None = None  # None: NCBI's limit for the key/no-key case
    efetch_batch: int = 200  # NCBI: send more than ~200 ids by POST; we never send more
    extra: Mapping[str, str] = field(default_factory=dict)  # added to every request

    def __post_init__(self) -> None:
        if self.tool and any(c.isspace() for c in self.tool):
            raise ValueError(f"NCBI tool name must not contain spaces: {self.tool!r}")
        if not 1 <= self.efetch_batch <= 200:
            raise ValueError("efetch_batch must be between 1 and 200")
        if self.max_tries < 1:
            raise ValueError("max_tries must be at least 1")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object
                 ) -> EntrezConfig:
        """``NCBI_EMAIL``, ``NCBI_API_KEY``, ``NCBI_TOOL``, ``NCBI_EUTILS_URL``; explicit
        keyword arguments win over the environment (``None`` means "not given")."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {
            "email": env.get("NCBI_EMAIL") or None,
            "api_key": env.get("NCBI_API_KEY") or None,
            "tool": env.get("NCBI_TOOL") or DEFAULT_TOOL,
            "base_url": env.get("NCBI_EUTILS_URL") or DEFAULT_BASE_URL,
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]

    @property
    def interval(self) -> float:
        """Seconds between request starts that keep us under NCBI's rate limit."""
        if self.min_interval is not None:
            return self.min_interval
        return INTERVAL_WITH_KEY if self.api_key else INTERVAL_WITHOUT_KEY

    @property
    def default_mode(self) -> str:
        """Offline unless the user told NCBI who they are."""
        return "online" if self.email else "offline"

    def identity(self) -> dict[str, str]:
        """Parameters NCBI wants on every request."""
        params = {"tool": self.tool}
        if self.email:
            params["email"] = self.email
        if self.api_key:
            params["api_key"] = self.api_key
        params.update(self.extra)
        return params

    def url(self, utility: str) -> str:
        """``esearch`` -> ``<base>/esearch.fcgi`` (ECitMatch alone is a ``.cgi``)."""
        suffix = ".cgi" if utility == "ecitmatch" else ".fcgi"
        return f"{self.base_url.rstrip('/')}/{utility}{suffix}"
