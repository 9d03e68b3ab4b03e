"""Recognising NCBI's ways of saying "no" inside an answer that may look like success.

E-utilities report trouble in several shapes, often with HTTP 200:

- an ``<ERROR>`` element in the XML (``<eFetchResult><ERROR>...``, ``<eSearchResult><ERROR>``);
- a JSON body such as ``{"error":"API rate limit exceeded","api-key":"1.2.3.4","count":"4",
  "limit":"3"}`` (with 429, but sometimes 200); the ``api-key`` field echoes the caller's
  key or IP address, so it is never repeated in our messages;
- an HTML error page from a proxy in front of E-utilities;
- an empty body, or XML cut off when a connection drops.

:func:`problem` turns each into a :class:`Problem` saying whether a retry may help. ESearch's
``<ErrorList>``/``<WarningList>`` are read later, with the parsed result
(:mod:`kg.clients.entrez.results`), because one of them, ``PhraseNotFound``, is a normal "no hits".
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from xml.parsers import expat

# ERROR texts that NCBI uses for its own back-end hiccups rather than for a bad request.
_TRANSIENT_ERRORS = ("backend", "proxy_stream", "failed to connect", "temporarily",
                     "timeout", "timed out", "unavailable", "try again")
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.I | re.S)


@dataclass(frozen=True)
class Problem:
    message: str
    retryable: bool
    retry_after: float | None = None


def problem(status: int, body: bytes, expect: str, retry_after: float | None = None
            ) -> Problem | None:
    """What is wrong with this answer, or None when it is usable.

    ``expect`` is "xml" (all E-utilities but one) or "text" (ECitMatch answers plain text
    whatever ``retmode`` says).
    """
    if status == 429:
        return Problem(f"HTTP 429 (rate limited){_json_detail(body)}", True, retry_after)
    if status >= 500:
        return Problem(f"HTTP {status}{_payload_detail(body)}", True, retry_after)
    if status >= 400:
        return Problem(f"HTTP {status}{_payload_detail(body)}", False)
    return body_problem(body, expect)


def body_problem(body: bytes, expect: str) -> Problem | None:
    head = body.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head:
        return Problem("empty body", True)
    if head.startswith((b"{", b"[")):
        return _json_problem(head)
    if _is_html(head):
        return Problem(f"HTML page instead of {expect.upper()}{_html_title(head)}", True)
    if expect == "text":
        return None
    if not head.startswith(b"<"):
        return Problem(f"not XML: {_snippet(head)}", False)
    return _xml_problem(body)


def _json_problem(head: bytes) -> Problem:
    try:
        data = json.loads(head)
    except (ValueError, RecursionError):
        return Problem(f"unreadable JSON body: {_snippet(head)}", True)
    error = data.get("error") if isinstance(data, dict) else None
    if not error:
        return Problem(f"JSON where XML was expected: {_snippet(head)}", False)
    limit = data.get("limit")
    detail = f" (limit {limit} requests/s)" if limit else ""
    rate = "rate limit" in str(error).lower()
    return Problem(f"NCBI error: {error}{detail}", rate)


def _xml_problem(body: bytes) -> Problem | None:
    """Well-formedness and ``<ERROR>`` in one expat pass (no DTD is read)."""
    errors: list[str] = []
    stack: list[list[str] | None] = []  # text of each open element, kept for ERROR only
    parser = expat.ParserCreate()

    def start(name: str, _attrs: dict) -> None:
        stack.append([] if name == "ERROR" else None)

    def end(name: str) -> None:
        text = stack.pop()
        if text is not None and "".join(text).strip():
            errors.append("".join(text).strip())

    def chars(data: str) -> None:
        top = stack[-1] if stack else None
        if top is not None:
            top.append(data)

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    try:
        parser.Parse(body, True)
    except expat.ExpatError as exc:
        return Problem(f"truncated or malformed XML ({expat.ErrorString(exc.code)} at line "
                       f"{exc.lineno}, column {exc.offset})", True)
    if errors:
        message = "; ".join(errors)
        transient = any(marker in message.lower() for marker in _TRANSIENT_ERRORS)
        return Problem(f"NCBI error: {message}", transient)
    return None


def _payload_detail(body: bytes) -> str:
    head = body.lstrip()
    if head.startswith(b"{"):
        return _json_detail(head)
    if head.startswith(b"<") and not _is_html(head):
        found = _xml_problem(body)
        if found and found.message.startswith("NCBI error"):
            return f": {found.message}"
    if _is_html(head):
        return _html_title(head)
    return ""


def _json_detail(body: bytes) -> str:
    head = body.lstrip()
    if not head.startswith(b"{"):
        return ""
    found = _json_problem(head)
    return f": {found.message}" if found.message.startswith("NCBI error") else ""


def _is_html(head: bytes) -> bool:
    start = head[:512].lower()
    return start.startswith((b"<!doctype html", b"<html")) or b"<html" in start


def _html_title(head: bytes) -> str:
    match = _TITLE.search(head[:4096])
    if not match:
        return ""
    title = re.sub(r"\s+", " ", match.group(1).decode("utf-8", "replace")).strip()
    return f" ({title})" if title else ""


def _snippet(data: bytes, size: int = 120) -> str:
    text = data[:size].decode("utf-8", "replace")
    return re.sub(r"\s+", " ", text).strip()


def retry_after_seconds(value: str | None) -> float | None:
    """``Retry-After`` as seconds; NCBI sends delta-seconds, HTTP also allows a date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    from datetime import datetime, timezone
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return max(0.0, (when - datetime.now(timezone.utc)).total_seconds())
