"""The page as a file: self-contained, every data string escaped, settled-layout options."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.views.viz import build_view, write_viz
from kg.views.viz.page import render_page, script_safe, style_safe, vis_asset
from tests.viz.conftest import HOSTILE_DRUG, HOSTILE_TITLE


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.json_blocks: dict[str, str] = {}
        self._json_id: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        self.tags.append((tag, attributes))
        if tag == "script" and attributes.get("type") == "application/json":
            self._json_id = attributes.get("id")

    def handle_data(self, data):
        if self._json_id:
            self.json_blocks[self._json_id] = self.json_blocks.get(self._json_id, "") + data

    def handle_endtag(self, tag):
        if tag == "script":
            self._json_id = None


def _ours(html: str) -> str:
    """The page without the inlined vis-network library (whose code has '<b>' in it)."""
    html = html.replace(script_safe(vis_asset("vis-network.min.js")), "")
    return html.replace(style_safe(vis_asset("vis-network.css")), "")


def _parse(html: str) -> _Tags:
    parser = _Tags()
    parser.feed(html)
    return parser


def test_page_is_self_contained(real_graph, tmp_path: Path):
    path = tmp_path / "graph.html"
    write_viz(real_graph, path)
    html = path.read_text(encoding="utf-8")
    parsed = _parse(html)
    names = [t for t, _ in parsed.tags]
    assert "link" not in names and "iframe" not in names and "img" not in names
    assert all("src" not in attrs for t, attrs in parsed.tags if t == "script")
    assert "vis.Network" in html and "cdn" not in _ours(html).lower()
    assert not re.search(r"url\((?![\"']?data:)", html.split('id="kg-nodes"')[0])
    csp = next(a["content"] for t, a in parsed.tags if t == "meta"
               and a.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in csp and "connect-src 'none'" in csp
    assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]


def test_page_holds_exactly_the_view_model(real_graph):
    model = build_view(real_graph)
    blocks = _parse(render_page(model)).json_blocks
    nodes, edges = json.loads(blocks["kg-nodes"]), json.loads(blocks["kg-edges"])
    assert [n["id"] for n in nodes] == [n.id for n in model.nodes]
    assert len(edges) == len(model.edges)
    page = json.loads(blocks["kg-page"])
    options = page["options"]
    assert options["layout"]["improvedLayout"] is False
    assert options["edges"]["smooth"] is False
    assert options["physics"]["stabilization"]["iterations"] == 200
    assert {k["kind"] for k in page["legend"]} == {n.kind for n in model.nodes}
    assert page["near"] == model.near and page["seed"]["id"] == model.seed


def test_labels_are_wrapped_at_spaces_and_keep_whole_words(real_graph):
    """Every canvas label is lines of whole words of the node's short label (plus its
    related score), and the short label is whole words of the full name."""
    model = build_view(real_graph, related=_related(real_graph))
    by_id = {n.id: n for n in model.nodes}
    nodes = json.loads(_parse(render_page(model)).json_blocks["kg-nodes"])
    assert sum(1 for n in model.nodes if n.related) > 10
    wrapped = shortened = 0
    for node in nodes:
        view = by_id[node["id"]]
        lines = node["label"].split("\n")
        assert len(lines) <= (3 if view.kind == "article" else 2)
        assert all(len(line) <= 22 or " " not in line for line in lines)
        text = " ".join(lines)
        if view.related:  # the score always ends the label, whole
            assert text.endswith(f" ★{view.related[0]:g}") or lines[-1] == f"★{view.related[0]:g}"
            text = text.rsplit("★", 1)[0].rstrip()
        assert "……" not in text
        words = text.removesuffix("…").split()
        assert words == view.label.removesuffix("…").split()[: len(words)], (node["label"],)
        if view.name and view.label.endswith("…"):  # shortened from the name
            short = view.label.removesuffix("…").split()
            full = view.name.split()[: len(short)]
            assert short[:-1] == full[:-1], (view.label, view.name)
            assert short[-1] in (full[-1], full[-1].rstrip(",;:·-–—")), (view.label, view.name)
        wrapped += len(lines) > 1
        shortened += view.label.endswith("…")
    assert shortened > 5 and wrapped > 10  # article titles and long names do wrap


def _related(graph):
    from rdflib import URIRef

    from kg.store import open_store
    from kg.views.related import find_related

    store = open_store("memory")
    store.replace_graph(URIRef("urn:test:viz"), graph)
    return find_related(store)


def test_search_data_holds_synonyms_and_code_names(real_graph):
    model = build_view(real_graph)
    page = json.loads(_parse(render_page(model)).json_blocks["kg-page"])
    assert ["al3818", "anlotinib", "anlotinib dihydrochloride", "anlotinib hydrochloride",
            "anrotinib", "catequentinib"] in page["synonyms"]
    nodes = {n["id"]: n for n in json.loads(_parse(render_page(model)).json_blocks["kg-nodes"])}
    drug = nodes["https://w3id.org/trialkg/resource/drug/anlotinib"]
    assert {"AL3818", "anrotinib", "catequentinib"} <= set(drug["aliases"])
    trial = nodes["https://clinicaltrials.gov/study/NCT05981157"]
    assert "Anrotinib Combined With Tirelizumab in First-line Treatment of Recurrent/" \
           "Metastatic Nasopharyngeal Carcinoma" in trial["aliases"]  # its official title


def test_legend_codes_follow_what_the_page_draws(real_graph, hostile_graph):
    from tests.viz.conftest import FakeRelated

    seed = "https://clinicaltrials.gov/study/NCT05807880"
    plain = json.loads(_parse(render_page(build_view(real_graph))).json_blocks["kg-page"])
    assert [c["code"] for c in plain["codes"]] == ["seed", "fact-edge", "author-group",
                                                   "selected", "zoom"]
    other = "https://clinicaltrials.gov/study/NCT05981157"
    marked = build_view(real_graph, related=[FakeRelated(other, "trial", "x", 3.0)])
    codes = [c["code"] for c in json.loads(
        _parse(render_page(marked)).json_blocks["kg-page"])["codes"]]
    assert codes == ["seed", "related-ring", "related-edge", "fact-edge", "author-group",
                     "selected", "zoom"]
    assert "NCT05807880" in plain["codes"][0]["text"] and plain["seed"]["id"] == seed
    hostile = json.loads(_parse(render_page(build_view(hostile_graph))).json_blocks["kg-page"])
    assert [c["code"] for c in hostile["codes"]] == ["fact-edge", "selected", "zoom"]  # no seed
    assert hostile["seed"] is None and hostile["near"] == []


def test_hostile_strings_never_appear_as_markup(hostile_graph):
    model = build_view(hostile_graph, title=HOSTILE_TITLE)
    html = _ours(render_page(model))
    for raw in ("<img src=x", "<script>alert", "<svg onload", "javascript:alert", "<b>"):
        assert raw not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html  # the <title> and <h1>, as text
    nodes = json.loads(_parse(html).json_blocks["kg-nodes"])
    by_label = {n.get("name", n["label"]) for n in nodes}
    assert HOSTILE_TITLE in by_label and HOSTILE_DRUG in by_label  # intact after JSON.parse
    script = html.split('id="kg-page"')[1]
    assert ".innerHTML" not in script.split("</script>", 3)[-1]  # our own script


def test_empty_graph_still_makes_a_page(tmp_path: Path):
    from rdflib import Graph

    summary = write_viz(Graph(), tmp_path / "empty.html")
    assert summary.nodes_drawn == 0
    assert "Nothing to draw" in (tmp_path / "empty.html").read_text(encoding="utf-8")


@settings(max_examples=40, deadline=None)
@given(text=st.text(min_size=1, max_size=80))
def test_any_text_survives_as_data_and_never_as_markup(text):
    from rdflib import Graph, Literal

    from kg.rdf import iris
    from kg.rdf import namespaces as ns

    g = Graph()
    trial = iris.trial("NCT00000002")
    g.add((trial, ns.RDF.type, ns.TKG.ClinicalTrial))
    g.add((trial, ns.DCTERMS.title, Literal(text)))
    g.add((trial, ns.TKG.overallStatus, Literal(text)))
    html = render_page(build_view(g, title=text))
    ours = _ours(html)
    assert ours.count("<script") == ours.count("</script>") == 7  # 3 data, vis, 3 ours
    parsed = _parse(html)
    assert [t for t, _ in parsed.tags].count("script") == 7
    node = json.loads(parsed.json_blocks["kg-nodes"])[0]
    assert node.get("name", node["label"]) == text or not text.strip()
