"""Reading E-utilities answers: ``Bio.Entrez.read`` for ESearch/ELink/EPost/ESummary XML,
plain text for ECitMatch.

``Entrez.read`` needs a DTD for every document and fetches any DTD it does not bundle from
NCBI, which fails offline and would be a hidden network call. So before parsing we make sure
the document names a DTD Biopython ships: if its DOCTYPE is missing or names an unbundled
file, we point it at the bundled DTD of the same E-utility, chosen by the root element. A
root we do not know is refused rather than downloaded. ``validate=False`` lets NCBI add
elements newer than the bundled DTD; ``ignore_errors=True`` hands ``<ERROR>`` back to us so
the message can name the request.
"""

from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass, field
from typing import Any

from kg.errors import EntrezError

_FAMILY_DTD = {
    "eSearchResult": "esearch.dtd",
    "eLinkResult": "elink.dtd",
    "ePostResult": "epost.dtd",
    "eSummaryResult": "esummary-v1.dtd",
    "eInfoResult": "einfo.dtd",
}
_DECL = re.compile(rb"^\s*<\?xml[^>]*\?>")
_DOCTYPE = re.compile(rb"<!DOCTYPE\s+[^>\[]*>")
_SYSTEM_ID = re.compile(rb"[\"']([^\"']*)[\"']\s*>$")
_ROOT = re.compile(rb"<([A-Za-z_][\w.-]*)")
_NCBI_DTD_URL = "https://eutils.ncbi.nlm.nih.gov/eutils/dtd/"


@dataclass(frozen=True)
class SearchResult:
    count: int
    ids: list[str]
    webenv: str | None = None
    query_key: str | None = None
    translation: str | None = None
    warnings: list[str] = field(default_factory=list)  # e.g. "phrase not found: xyz"


@dataclass(frozen=True)
class PostResult:
    webenv: str
    query_key: str


@dataclass(frozen=True)
class CitationMatch:
    key: str
    status: str  # "found", "not-found", "ambiguous"
    pmid: str | None = None
    detail: str | None = None  # NCBI's own word when not found or ambiguous


# --------------------------------------------------------------------------- Entrez.read


def read_xml(body: bytes, what: str = "E-utilities answer") -> Any:
    """``Bio.Entrez.read`` over bytes, with DTD look-ups kept on this machine."""
    from Bio import Entrez  # 60 ms import: only when an answer is actually read

    prepared = _with_local_dtd(body, what)
    try:
        return Entrez.read(io.BytesIO(prepared), validate=False, ignore_errors=True)
    except (RuntimeError, ValueError) as exc:  # CorruptedXMLError, NotXMLError are ValueErrors
        raise EntrezError(f"unreadable {what}: {exc}") from None


def bundled_dtd(filename: str) -> bool:
    from Bio.Entrez.Parser import DataHandler

    dirs = [DataHandler.global_dtd_dir, DataHandler.local_dtd_dir]
    return any(d and os.path.isfile(os.path.join(d, filename)) for d in dirs)


def _with_local_dtd(body: bytes, what: str) -> bytes:
    decl = _DECL.match(body)
    prolog_end = decl.end() if decl else 0
    doctype = _DOCTYPE.search(body, prolog_end)
    if doctype:
        system = _SYSTEM_ID.search(doctype.group(0))
        if system and bundled_dtd(os.path.basename(system.group(1).decode("ascii", "replace"))):
            return body if decl else b'<?xml version="1.0"?>\n' + body
    root = _root_name(body, doctype.end() if doctype else prolog_end)
    family = _FAMILY_DTD.get(root or "")
    if family is None or not bundled_dtd(family):
        raise EntrezError(f"{what}: root <{root}> names no DTD that Biopython bundles; "
                          "not downloading one")
    # NCBI bumps DTD file names now and then; the bundled one of the same utility reads the
    # new answers because we parse with validate=False.
    line = f'<!DOCTYPE {root} PUBLIC "-//NLM//DTD {root}//EN" "{_NCBI_DTD_URL}{family}">'
    head = decl.group(0) if decl else b'<?xml version="1.0"?>'
    rest = body[doctype.end():] if doctype else body[prolog_end:]
    return head + b"\n" + line.encode("ascii") + rest


def _root_name(body: bytes, start: int) -> str | None:
    pos = start
    while True:
        match = _ROOT.search(body, pos)
        if match is None:
            return None
        before = body[match.start() + 1:match.start() + 2]
        if before not in (b"?", b"!"):
            return match.group(1).decode("ascii", "replace")
        pos = match.end()


# --------------------------------------------------------------------------- typed answers


def parse_esearch(body: bytes, about: str = "") -> SearchResult:
    """ESearch XML -> ids, count and history keys.

    ``<ErrorList><PhraseNotFound>`` is how NCBI says a word matched nothing: a warning and an
    empty result, not a failure. ``FieldNotFound`` means a field tag we built is wrong, which
    would silently widen the search, so it is an error.
    """
    record = read_xml(body, f"esearch answer ({about})" if about else "esearch answer")
    if record.get("ERROR"):
        raise EntrezError(f"esearch ({about}) refused: {record['ERROR']}")
    errors = record.get("ErrorList") or {}
    if errors.get("FieldNotFound"):
        fields = ", ".join(errors["FieldNotFound"])
        raise EntrezError(f"esearch ({about}): unknown search field(s) {fields}")
    warnings = [f"phrase not found: {p}" for p in errors.get("PhraseNotFound", [])]
    notes = record.get("WarningList") or {}
    warnings += [f"quoted phrase not found: {p}" for p in notes.get("QuotedPhraseNotFound", [])]
    warnings += [f"phrase ignored: {p}" for p in notes.get("PhraseIgnored", [])]
    warnings += [str(m) for m in notes.get("OutputMessage", [])]
    return SearchResult(
        count=int(record.get("Count", 0)),
        ids=[str(i) for i in record.get("IdList", [])],
        webenv=_opt(record.get("WebEnv")),
        query_key=_opt(record.get("QueryKey")),
        translation=_opt(record.get("QueryTranslation")),
        warnings=warnings,
    )


def parse_elink(body: bytes, linkname: str = "pubmed_pubmed") -> dict[str, list[str]]:
    """ELink XML -> {source id: linked ids} for one link name, in NCBI's order (by score).

    Send ids as repeated ``id=`` parameters to get one LinkSet per id; ``id=1,2`` makes NCBI
    merge them into one set. A record's own id heads its ``pubmed_pubmed`` list; dropped here.
    """
    out: dict[str, list[str]] = {}
    for linkset in read_xml(body, "elink answer"):
        if linkset.get("ERROR"):
            raise EntrezError(f"elink refused: {linkset['ERROR']}")
        sources = [str(i) for i in linkset.get("IdList", [])]
        key = ",".join(sources)
        linked: list[str] = []
        for db in linkset.get("LinkSetDb", []):
            if db.get("LinkName") == linkname:
                linked += [str(link["Id"]) for link in db.get("Link", [])]
        out[key] = [i for i in dict.fromkeys(linked) if i not in sources]
    return out


def parse_epost(body: bytes) -> PostResult:
    record = read_xml(body, "epost answer")
    if record.get("ERROR") or not record.get("WebEnv"):
        raise EntrezError(f"epost refused: {record.get('ERROR') or 'no WebEnv in answer'}")
    return PostResult(webenv=str(record["WebEnv"]), query_key=str(record["QueryKey"]))


def parse_esummary(body: bytes) -> list[dict[str, Any]]:
    records = read_xml(body, "esummary answer")
    if isinstance(records, dict) and records.get("ERROR"):
        raise EntrezError(f"esummary refused: {records['ERROR']}")
    return [dict(r) for r in records]


def parse_ecitmatch(body: bytes) -> list[CitationMatch]:
    """ECitMatch answers one line per citation: the seven input fields, the last one now
    holding the PMID, ``NOT_FOUND`` (sometimes with a reason), ``AMBIGUOUS`` (sometimes with
    candidates) or nothing. Plain text, whatever ``retmode`` asked for."""
    matches: list[CitationMatch] = []
    for line in body.decode("utf-8", "replace").splitlines():
        parts = line.strip().split("|")
        if len(parts) < 7:
            continue
        key, answer = parts[5].strip(), parts[6].strip()
        if answer.isdigit():
            matches.append(CitationMatch(key, "found", answer))
        elif answer.upper().startswith("AMBIGUOUS"):
            matches.append(CitationMatch(key, "ambiguous", None, answer))
        else:
            matches.append(CitationMatch(key, "not-found", None, answer or None))
    return matches


def _opt(value: object) -> str | None:
    return str(value) if value not in (None, "") else None
