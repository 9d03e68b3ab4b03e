"""Links shown in tooltips: only http(s) URLs, each named by the site it goes to.

The page builds every link as an ``<a>`` element with ``textContent`` and this vetted
``href``; nothing here is ever parsed as HTML. A URL that is not plain http(s) (a
``javascript:`` IRI in hostile data, say) is dropped, not escaped.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from kg.rdf.namespaces import (
    CHEBI,
    CHEMBL,
    CTGOV,
    DOI,
    DRUGBANK,
    MESH,
    NCIT,
    ORCID,
    PMC,
    PUBMED,
    RXNORM,
    TKR,
    UNII,
)

SITES: list[tuple[str, str]] = [
    (str(CTGOV), "ClinicalTrials.gov"),
    (str(PUBMED), "PubMed"),
    (str(PMC), "PubMed Central"),
    (str(DOI), "DOI"),
    (str(MESH), "MeSH (RDF)"),
    (str(ORCID), "ORCID"),
    (str(CHEBI), "ChEBI"),
    (str(NCIT), "NCI Thesaurus"),
    (str(DRUGBANK), "DrugBank"),
    (str(UNII), "FDA UNII"),
    (str(CHEMBL), "ChEMBL"),
    (str(RXNORM), "RxNorm"),
]
MESH_BROWSER = "https://meshb.nlm.nih.gov/record/ui?ui="
_MESH_UI = re.compile(r"^[CDQ]\d{6,9}$")
_UNSAFE = re.compile(r"[\s\x00-\x1f\x7f<>\"'`\\]")


def safe_url(url: str) -> str | None:
    """The URL if it is a plain http(s) URL with a host, else None."""
    if not url or _UNSAFE.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return url


def links_for(iri: str, same_as: list[str] | tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """Named links for a node: its own IRI when it is a public page, its MeSH browser page,
    and its ``schema:sameAs`` / ``skos:exactMatch`` targets. Project-internal IRIs (tkr:)
    resolve nowhere and are left out."""
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for candidate in (iri, *same_as):
        if candidate.startswith(str(TKR)):
            continue
        url = safe_url(candidate)
        if url is None or url in seen:
            continue
        seen.add(url)
        out.append((site_name(url), url))
        if url.startswith(str(MESH)):
            ui = url[len(str(MESH)):]
            if _MESH_UI.match(ui):
                out.append(("MeSH Browser", MESH_BROWSER + ui))
    return out


def site_name(url: str) -> str:
    for prefix, name in SITES:
        if url.startswith(prefix):
            return name
    return urlsplit(url).netloc or "link"
