"""The one place that mints IRIs.

Public, resolvable IRIs where they exist (ClinicalTrials.gov study pages, PubMed, MeSH,
DOI, ORCID, ChEBI…); the project namespace only for what has none (arms, regimens,
criteria, sponsors, sites). Every IRI is derived from identifiers or normalised names,
never from counters or memory addresses, so the same input gives the same IRIs.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from urllib.parse import quote

from rdflib import URIRef

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

# The IRIs of nodes many records share (MeSH descriptors, authors, drugs, journals, sponsors,
# sites) recur on nearly every record of a field: each is made once and handed out again (a
# URIRef is immutable), which also lets the bulk writer find it by identity.
_shared = lru_cache(maxsize=1 << 16)

_DEGREE = re.compile(r",?\s*\b(M\.?\s?D|Ph\.?\s?D|M\.?\s?S|MPH|MBBS|FRCP\w*)\.?\s*$", re.I)


@lru_cache(maxsize=1 << 16)  # author, sponsor and site names recur on most records
def slug(text: str) -> str:
    """A readable, stable IRI segment: 'Sun Yat-sen University' -> 'sun-yat-sen-university'."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    cleaned = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")
    if cleaned:
        return cleaned
    # Names with no ASCII letters (e.g. Chinese) still need a stable, distinct segment.
    return "u-" + quote(text.strip(), safe="").lower()


def _seg(text: str) -> str:
    """Percent-encode an identifier for use as one path segment (DOIs contain '/')."""
    return quote(text, safe="-._~()")


def person_name_key(name: str) -> str:
    """'Jun Ma, MD' and 'Jun Ma, M.D.' name the same person on one record."""
    stripped = name
    while True:
        shorter = _DEGREE.sub("", stripped).strip().rstrip(",").strip()
        if shorter == stripped:
            return slug(stripped)
        stripped = shorter


# --------------------------------------------------------------------------- trials
def trial(nct_id: str) -> URIRef:
    return CTGOV[nct_id]


def trial_part(nct_id: str, *parts: str) -> URIRef:
    return TKR[f"{nct_id}/" + "/".join(parts)]


def arm(nct_id: str, label: str) -> URIRef:
    return trial_part(nct_id, "arm", slug(label))


def intervention(nct_id: str, name: str) -> URIRef:
    return trial_part(nct_id, "intervention", slug(name))


def regimen(nct_id: str, arm_label: str, drug_key: str, phase: str) -> URIRef:
    return trial_part(nct_id, "arm", slug(arm_label), "regimen", f"{phase}-{drug_key}")


def eligibility(nct_id: str) -> URIRef:
    return trial_part(nct_id, "eligibility")


def criterion(nct_id: str, section: str, number: str) -> URIRef:
    return trial_part(nct_id, "eligibility", section, number)


def official(nct_id: str, name: str) -> URIRef:
    return trial_part(nct_id, "person", person_name_key(name))


def responsible_party(nct_id: str) -> URIRef:
    return trial_part(nct_id, "responsible-party")


def trial_reference(nct_id: str, key: str) -> URIRef:
    return trial_part(nct_id, "reference", _seg(key))


def secondary_id(nct_id: str, value: str) -> URIRef:
    return trial_part(nct_id, "identifier", slug(value))


@_shared
def organization(name: str) -> URIRef:
    return TKR[f"organization/{slug(name)}"]


@_shared
def site(facility: str, city: str | None, country: str | None) -> URIRef:
    parts = [slug(facility)] + [slug(p) for p in (city, country) if p]
    return TKR["site/" + "/".join(parts)]


@_shared
def condition_text(name: str) -> URIRef:
    """A condition as registered when it maps to no curated MeSH descriptor."""
    return TKR[f"condition/{slug(name)}"]


# --------------------------------------------------------------------------- vocabulary
@_shared
def drug(key: str) -> URIRef:
    return TKR[f"drug/{key}"]


def drug_class(key: str) -> URIRef:
    return TKR[f"drug-class/{key}"]


@_shared
def mesh(ui: str) -> URIRef:
    return MESH[ui]


_SCHEME_NS = {
    "mesh": MESH,
    "drugbank": DRUGBANK,
    "unii": UNII,
    "rxnorm": RXNORM,
}


def external(scheme: str, identifier: str) -> URIRef:
    """The resolvable IRI of a curated identifier ('chebi', 'CHEBI:123' -> obo CHEBI_123)."""
    if scheme == "chebi":
        return CHEBI[identifier.split(":", 1)[-1]]
    if scheme == "ncit":
        return NCIT[identifier.split(":", 1)[-1]]
    if scheme == "chembl":
        return CHEMBL[identifier]
    if scheme in _SCHEME_NS:
        return _SCHEME_NS[scheme][identifier]
    raise ValueError(f"no IRI pattern for identifier scheme {scheme!r}")


# --------------------------------------------------------------------------- literature
def article(pmid: str) -> URIRef:
    return PUBMED[pmid]


def citation(doi: str | None, text: str) -> URIRef:
    """A cited work with no PMID: named by its DOI, else by a slug of its citation text."""
    if doi:
        return TKR[f"citation/doi/{_seg(doi.lower())}"]
    return TKR[f"citation/text/{slug(text)[:120]}"]


def doi(value: str) -> URIRef:
    return DOI[_seg(value).replace("%2F", "/")]


def pmc(pmcid: str) -> URIRef:
    return PMC[pmcid]


def authorship(pmid: str, position: int) -> URIRef:
    return TKR[f"pubmed/{pmid}/author/{position}"]


@_shared
def author(last_name: str | None, initials: str | None, orcid: str | None,
           collective: str | None = None) -> URIRef:
    """ORCID when the record gives one; else a name key (last name + initials).

    Name keys merge namesakes ("Ma J" is many people): co-authorship built on them is an
    upper bound, and the ORCID, when present, always wins.
    """
    if orcid:
        return ORCID[orcid]
    if collective:
        return TKR[f"collective/{slug(collective)}"]
    name = " ".join(p for p in (last_name, initials) if p)
    return TKR[f"author/{slug(name)}"]


def mesh_heading(pmid: str, descriptor_ui: str) -> URIRef:
    return TKR[f"pubmed/{pmid}/mesh/{descriptor_ui}"]


@_shared
def journal(key: str) -> URIRef:
    return TKR[f"journal/{slug(key)}"]


def activity(kind: str, key: str) -> URIRef:
    return TKR[f"activity/{kind}/{_seg(key)}"]


def record_graph(kind: str, identifier: str) -> URIRef:
    """The named graph holding one source record's triples (re-import replaces only it)."""
    return TKR[f"graph/{kind}/{_seg(identifier)}"]


# --------------------------------------------------------------------------- clinical setting
# (issue 13)
def setting_concept(local_name: str) -> URIRef:
    """A value of a setting aspect (tkg:FirstLine, tkg:RecurrentMetastaticDisease, ...),
    declared in ontologies/trialkg.ttl."""
    from kg.rdf.namespaces import TKG

    return TKG[local_name]


def setting_fact(owner: str, aspect: str, value: str, source_field: str,
                 drug_key: str | None = None) -> URIRef:
    """One setting fact of a trial (``owner`` its NCT id) or article (``pubmed/PMID``):
    one per aspect, value, drug and source field, so each keeps its own source."""
    parts = [owner, "setting", aspect, value, *([drug_key] if drug_key else []),
             slug(source_field)]
    return TKR["/".join(parts)]
