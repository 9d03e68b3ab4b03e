"""Every namespace the graph uses, declared once. No other module spells a namespace IRI."""

from __future__ import annotations

from rdflib import Namespace as _RdflibNamespace
from rdflib import URIRef
from rdflib import namespace as _rdflib_namespace
from rdflib.namespace import DefinedNamespace, DefinedNamespaceMeta


class Namespace(_RdflibNamespace):
    """rdflib's Namespace, making each attribute term (``TKG.hasArm``) once: such terms are
    on the path of nearly every triple, and a fresh URIRef is checked every time it is made.
    Item access (``TKR[...]``), which mints per-record IRIs, is left uncached."""

    def __getattr__(self, name: str) -> URIRef:
        term = super().__getattr__(name)
        self.__dict__[name] = term
        return term


def _prefetched(ns: type[DefinedNamespace]) -> type[DefinedNamespace]:
    """One of rdflib's closed namespaces with its declared terms as plain class attributes.
    rdflib resolves ``SDO.name`` through its metaclass on every access (about 1 µs, 20x a
    dictionary look-up), on the path of most triples; this subclass answers the same term
    object from its own dictionary and is otherwise the same namespace (an undeclared term
    still goes through rdflib, which warns)."""
    # rdflib's own list of non-term attributes (private, so a fallback if it goes away)
    reserved = getattr(_rdflib_namespace, "_DFNS_RESERVED_ATTRS",
                       {"_NS", "_fail", "_warn", "_underscore_num", "_extras"})
    terms = {name: ns[name] for name in ns.__annotations__ if name not in reserved}
    return DefinedNamespaceMeta(ns.__name__, (ns,), {"__module__": ns.__module__,
                                                     "__annotations__": ns.__annotations__,
                                                     **terms})


DCTERMS = _prefetched(_rdflib_namespace.DCTERMS)
OWL = _prefetched(_rdflib_namespace.OWL)
PROV = _prefetched(_rdflib_namespace.PROV)
RDF = _prefetched(_rdflib_namespace.RDF)
RDFS = _prefetched(_rdflib_namespace.RDFS)
SDO = _prefetched(_rdflib_namespace.SDO)
SKOS = _prefetched(_rdflib_namespace.SKOS)
XSD = _prefetched(_rdflib_namespace.XSD)

TKG = Namespace("https://w3id.org/trialkg/vocab#")  # the project's own small vocabulary
TKR = Namespace("https://w3id.org/trialkg/resource/")  # things with no public identifier
BIBO = Namespace("http://purl.org/ontology/bibo/")
MESH = Namespace("http://id.nlm.nih.gov/mesh/")
MESHV = Namespace("http://id.nlm.nih.gov/mesh/vocab#")
CTGOV = Namespace("https://clinicaltrials.gov/study/")
PUBMED = Namespace("https://pubmed.ncbi.nlm.nih.gov/")
PMC = Namespace("https://www.ncbi.nlm.nih.gov/pmc/articles/")
DOI = Namespace("https://doi.org/")
ORCID = Namespace("https://orcid.org/")
CHEBI = Namespace("http://purl.obolibrary.org/obo/CHEBI_")
NCIT = Namespace("http://purl.obolibrary.org/obo/NCIT_")
DRUGBANK = Namespace("https://go.drugbank.com/drugs/")
UNII = Namespace("https://precision.fda.gov/uniisearch/srs/unii/")
CHEMBL = Namespace("https://www.ebi.ac.uk/chembl/compound_report_card/")
RXNORM = Namespace("http://purl.bioontology.org/ontology/RXNORM/")
SH = Namespace("http://www.w3.org/ns/shacl#")
LOINC = Namespace("https://loinc.org/")  # lab analytes of eligibility constraints (issue 15)

SCHEMA = SDO

# Prefixes bound on every serialised graph, in a fixed order so output is stable.
PREFIXES: dict[str, Namespace] = {
    "tkg": TKG,
    "tkr": TKR,
    "schema": SCHEMA,
    "dcterms": DCTERMS,
    "prov": PROV,
    "bibo": BIBO,
    "skos": SKOS,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "mesh": MESH,
    "meshv": MESHV,
    "ctgov": CTGOV,
    "pubmed": PUBMED,
    "pmc": PMC,
    "doi": DOI,
    "orcid": ORCID,
    "chebi": CHEBI,
    "ncit": NCIT,
    "drugbank": DRUGBANK,
    "unii": UNII,
    "chembl": CHEMBL,
    "rxnorm": RXNORM,
    "loinc": LOINC,
}

__all__ = ["RDF", "RDFS", "OWL", "XSD", "SKOS", "DCTERMS", "PROV", "SCHEMA", "PREFIXES", "TKG",
           "TKR", "BIBO", "MESH", "MESHV", "CTGOV", "PUBMED", "PMC", "DOI", "ORCID", "CHEBI",
           "NCIT", "DRUGBANK", "UNII", "CHEMBL", "RXNORM", "SH", "LOINC"]


def bind_prefixes(graph) -> None:
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)
