"""Fixtures for the visualisation tests: a hostile little graph, the real default graph,
and one offline headless Chromium per session."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from rdflib import Graph, Literal, URIRef

from kg.rdf import iris
from kg.rdf import namespaces as ns
from tests.viz.browser import missing_reason, offline_chrome

HOSTILE_TITLE = "<img src=x onerror=alert(1)> & <script>alert(2)</script>"
HOSTILE_DRUG = '"><svg onload=alert(3)>'
HOSTILE_LINK = "javascript:alert(4)"


@dataclass
class FakeRelated:
    """Shaped like kg.views.related.RelatedResult, for tests that must not depend on it."""

    iri: str
    kind: str
    label: str
    score: float
    reasons: list[str] = field(default_factory=list)


@pytest.fixture
def hostile_graph() -> Graph:
    g = Graph()
    trial = iris.trial("NCT00000001")
    drug = iris.drug("evil")
    article = iris.article("111")
    for node, cls in [(trial, ns.TKG.ClinicalTrial), (drug, ns.TKG.Drug),
                      (article, ns.SCHEMA.ScholarlyArticle)]:
        g.add((node, ns.RDF.type, cls))
    g.add((trial, ns.TKG.nctId, Literal("NCT00000001")))
    g.add((trial, ns.DCTERMS.title, Literal(HOSTILE_TITLE)))
    g.add((trial, ns.TKG.overallStatus, Literal("<b>RECRUITING</b>")))
    g.add((trial, ns.TKG.studiesDrug, drug))
    g.add((drug, ns.RDFS.label, Literal(HOSTILE_DRUG)))
    g.add((article, ns.DCTERMS.title, Literal(HOSTILE_TITLE)))
    g.add((article, ns.BIBO.pmid, Literal("111")))
    g.add((article, ns.SCHEMA.sameAs, URIRef(HOSTILE_LINK)))
    g.add((trial, ns.DCTERMS.references, article))
    return g


@pytest.fixture(scope="session")
def real_graph(default_build) -> Graph:
    """What `make run` builds: the bundled trial, its literature and the shipped corpus."""
    return default_build.store.union()


@pytest.fixture(scope="session")
def real_model_and_file(default_build, tmp_path_factory):
    """The page `kg run` writes (whole graph, related studies highlighted) and its model."""
    from kg.views.related import find_related
    from kg.views.viz import build_view, write_viz

    related = find_related(default_build.store)
    graph = default_build.store.union()
    path = tmp_path_factory.mktemp("viz") / "graph.html"
    write_viz(graph, path, related=related)
    return build_view(graph, related=related), path


@pytest.fixture
def real_page(chrome, real_model_and_file):
    """The default page freshly opened (so no test sees another's clicks)."""
    from tests.viz.browser import open_page

    model, path = real_model_and_file
    chrome.set_window_size(1600, 1000)
    chrome.get("about:blank")
    open_page(chrome, path)
    return chrome, model


@pytest.fixture(scope="session")
def chrome():
    reason = missing_reason()
    if reason:
        pytest.skip(f"browser tests need headless Chromium: {reason}")
    driver = offline_chrome()
    yield driver
    driver.quit()
