"""Every namespace the graph uses, declared once. No other module spells a namespace IRI."""

from __future__ import annotations

from rdflib import Namespace as _RdflibNamespace
from rdflib import URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SDO, SKOS, XSD


class Namespace(_RdflibNamespace):
    """rdflib's Namespace, making each attribute term (``TKG.hasArm``) once: such terms are
    on the path of nearly every triple, and a fresh URIRef is checked every time it is made.
    Item access (``TKR[...]``), which mints per-record IRIs, is left uncached."""

    def __getattr__(self, name: str) -> URIRef:
        term = super().__getattr__(name)
        self.__dict__[name] = term
        return term


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
}

__all__ = ["RDF", "RDFS", "OWL", "XSD", "SKOS", "DCTERMS", "PROV", "SCHEMA", "PREFIXES", "TKG",
           "TKR", "BIBO", "MESH", "MESHV", "CTGOV", "PUBMED", "PMC", "DOI", "ORCID", "CHEBI",
           "NCIT", "DRUGBANK", "UNII", "CHEMBL", "RXNORM", "SH"]


def bind_prefixes(graph) -> None:
    for prefix, ns in PREFIXES.items():
        graph.bind(prefix, ns, override=True, replace=True)
