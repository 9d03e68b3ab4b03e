"""The one place that mints IRIs.

Public, resolvable IRIs where they exist (ClinicalTrials.gov study pages, PubMed, MeSH,
DOI, ORCID, ChEBI…); the project namespace only for what has none (arms, regimens,
criteria, sponsors, sites). Every IRI is derived from identifiers or normalised names,
never from counters or memory addresses, so the same input gives the same IRIs.
"""

from __future__ import annotations

import hashlib
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
    LOINC,
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


def constraint(nct_id: str, section: str | None, number: str | None, key: str) -> URIRef:
    """A constraint of a criterion (section and number given) or of the record's structured
    eligibility fields (both None); nested parts and alternatives have dotted keys."""
    if section is None or number is None:
        return trial_part(nct_id, "eligibility", "constraint", key)
    return trial_part(nct_id, "eligibility", section, number, "constraint", key)


def loinc(code: str) -> URIRef:
    return LOINC[f"{code}/"]


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
    """DOI names are case-insensitive (DOI Handbook 2.2): one work, one IRI, in lower case
    as :func:`citation` keys it."""
    return DOI[_seg(value.lower()).replace("%2F", "/")]


def pmc(pmcid: str) -> URIRef:
    return PMC[pmcid]


def authorship(pmid: str, position: int) -> URIRef:
    return TKR[f"pubmed/{pmid}/author/{position}"]


def author(last_name: str | None, initials: str | None, orcid: str | None,
           collective: str | None = None, fore_name: str | None = None, *,
           pmid: str | None = None, position: int | None = None) -> URIRef:
    """Who an author is, as far as the record can tell:

    1. the ORCID iD, when the record gives one;
    2. else a collective's name;
    3. else the full fore name and last name ("Chaosu Hu" and "Chunhong Hu" are two people,
       though both are "Hu C");
    4. else (initials only: "Hu C") a person of this article alone (``pmid``, ``position``):
       initials are not evidence enough to merge people across articles.

    ``kg.rdf.article`` also makes sure two authorships of one article never share a node.
    """
    if orcid:
        return _orcid(orcid)
    if collective:
        return _named("collective", collective)
    if fore_name and last_name and has_full_fore_name(fore_name):
        return _named("author", f"{fore_name} {last_name}")
    if pmid is not None and position is not None:
        return article_person(pmid, position)
    return _named("author", " ".join(p for p in (last_name, initials) if p))


@_shared
def _orcid(orcid: str) -> URIRef:
    return ORCID[orcid]


@_shared
def _named(kind: str, name: str) -> URIRef:
    return TKR[f"{kind}/{slug(name)}"]


def article_person(pmid: str, position: int) -> URIRef:
    """A person known only by one authorship of one article."""
    return TKR[f"pubmed/{pmid}/person/{position}"]


_INITIAL = re.compile(r"^[A-Z]{1,3}$|^[A-Z]\.?$")


def has_full_fore_name(fore_name: str) -> bool:
    """'Chaosu', 'J Michael', 'Mary-Ann': yes; 'J', 'J A', 'JA', 'J.-P.': initials only."""
    parts = [p for p in re.split(r"[\s.\-]+", fore_name.strip()) if p]
    return any(len(p) >= 2 and not _INITIAL.match(p) for p in parts)


def mesh_heading(pmid: str, descriptor_ui: str) -> URIRef:
    return TKR[f"pubmed/{pmid}/mesh/{descriptor_ui}"]


@_shared
def journal(key: str) -> URIRef:
    return TKR[f"journal/{slug(key)}"]


def trial_mention(nct_id: str, field: str, kind: str, key: str, text: str) -> URIRef:
    """One concept found in one field of a trial, as written there."""
    return trial_part(nct_id, "mention", slug(field), kind, _seg(key), _text_key(text))


def article_mention(pmid: str, field: str, kind: str, key: str, text: str) -> URIRef:
    return TKR[f"pubmed/{pmid}/mention/{slug(field)}/{kind}/{_seg(key)}/{_text_key(text)}"]


def _text_key(text: str) -> str:
    """Readable and exact: 'NPC' and 'npc' are two spellings, two mentions."""
    return f"{slug(text)[:60]}-{hashlib.sha1(text.encode('utf-8')).hexdigest()[:8]}"


# --------------------------------------------------------------------------- vocabulary release
def vocabulary_release(slug_text: str) -> URIRef:
    """A loaded vocabulary release (e.g. MeSH 2024 from a given file)."""
    return TKR[f"vocabulary/{_seg(slug_text)}"]


def vocabulary_file(slug_text: str, sha256: str) -> URIRef:
    return TKR[f"vocabulary/{_seg(slug_text)}/file/{sha256}"]


def activity(kind: str, key: str) -> URIRef:
    return TKR[f"activity/{kind}/{_seg(key)}"]


def workspace() -> URIRef:
    """The workspace itself, as its bookkeeping graph describes it (kg.store.manifest)."""
    return TKR["workspace"]


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
