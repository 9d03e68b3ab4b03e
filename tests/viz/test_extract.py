"""RDF -> view graph: kinds, labels, plain-word edges, folded helper nodes, vetted links."""

from __future__ import annotations

from kg.rdf import iris
from kg.rdf import namespaces as ns
from kg.views.viz.extract import extract
from kg.views.viz.kinds import KINDS, predicate_words
from kg.views.viz.links import links_for, safe_url
from tests.viz.conftest import HOSTILE_LINK, HOSTILE_TITLE


def test_real_graph_kinds_labels_and_folded_helpers(real_graph):
    view = extract(real_graph)
    trial = view.nodes[str(iris.trial("NCT05807880"))]
    assert trial.kind == "trial" and trial.label == "NCT05807880"
    assert "Nasopharyngeal" in trial.name or "NPC" in trial.name
    assert ("ClinicalTrials.gov", "https://clinicaltrials.gov/study/NCT05807880") in trial.links
    kinds = {n.kind for n in view.nodes.values()}
    assert {"trial", "drug", "drug-class", "condition", "article", "author", "journal",
            "organisation", "site", "arm", "intervention", "regimen", "criterion"} <= kinds
    assert kinds <= set(KINDS)
    # Helper resources are folded into facts and edges, never drawn.
    assert not any("/author/" in n and "/pubmed/" in n for n in view.nodes)
    assert not any(n.endswith("/eligibility") for n in view.nodes)
    assert not any("/reference/" in n for n in view.nodes)


def test_edges_are_plain_words_and_contract_helpers(real_graph):
    view = extract(real_graph)
    trial = str(iris.trial("NCT05807880"))
    labels = {e.label for e in view.edges if e.source == trial}
    assert {"has arm", "has criterion", "cites"} <= labels
    # a drug's role (issue 13) runs parallel to the registered link: both words, one edge
    assert "experimental drug · studies drug" in labels
    assert any("lead sponsor" in label for label in labels)
    # 'lead sponsor' makes the parallel, less specific 'sponsored by' redundant.
    assert not any("sponsored by" in e.label and "lead sponsor" in e.label for e in view.edges)
    assert all(e.label and "http" not in e.label for e in view.edges)


def test_predicate_words_from_ontology_and_table():
    assert predicate_words(ns.TKG.studiesDrug) == "studies drug"  # rdfs:label in trialkg.ttl
    assert predicate_words(ns.DCTERMS.references) == "cites"
    assert predicate_words(ns.SCHEMA.sponsor) == "sponsored by"
    assert predicate_words(ns.TKG.somethingNew) == "something new"


def test_article_facts_and_links(real_graph):
    view = extract(real_graph)
    article = next(n for n in view.nodes.values() if n.kind == "article" and
                   any(text == "DOI" for text, _ in n.links))
    texts = [t for t, _ in article.links]
    assert "PubMed" in texts
    assert all(url.startswith("https://") for _, url in article.links)
    assert dict(article.facts).get("PMID")


def test_mesh_links_include_browser():
    links = links_for("http://id.nlm.nih.gov/mesh/D009303")
    assert ("MeSH Browser", "https://meshb.nlm.nih.gov/record/ui?ui=D009303") in links


def test_unsafe_urls_are_dropped(hostile_graph):
    for url in [HOSTILE_LINK, "data:text/html,x", "https://x.org/<a>", " https://x.org",
                "https://x.org/\"onmouseover=", "file:///etc/passwd", "//x.org/"]:
        assert safe_url(url) is None, url
    assert safe_url("https://doi.org/10.1/x") == "https://doi.org/10.1/x"
    view = extract(hostile_graph)
    article = view.nodes[str(iris.article("111"))]
    assert all(url.startswith("https://") for _, url in article.links)
    assert article.name == HOSTILE_TITLE  # kept verbatim: escaping is the page's job
