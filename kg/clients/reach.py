"""Failures no retry can mend: the host name does not resolve, or nothing listens there.

Retrying those only makes a user without a network wait (23 s of back-off was seen for a
``kg build --refresh`` offline); time-outs, resets, 429 and 5xx answers keep their bounded
retries, since they pass.
"""

from __future__ import annotations

import socket
import urllib.error


def unreachable(exc: BaseException) -> str | None:
    """Why the host cannot be reached at all, or None when a retry may help."""
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, socket.gaierror):
        return "the host name does not resolve (no network, or a wrong address)"
    if isinstance(reason, ConnectionRefusedError):
        return "the connection was refused (nothing listens at that address)"
    return None
