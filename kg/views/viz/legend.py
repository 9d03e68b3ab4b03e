"""The legend: one entry per visual code the page uses, each in plain words.

Kinds (shape and colour) come from ``kinds.KINDS``; the other codes (the seed's ring, the
gold ring and dashed line of related studies, grey fact arrows, author groups, labels that
appear on zooming in) are listed only when the page draws them, so every entry explains
something on screen and everything on screen has an entry.
"""

from __future__ import annotations

from typing import Any

from kg.views.viz.kinds import KINDS
from kg.views.viz.model import ViewModel, ViewNode

RELATED_BORDER = "#f5b700"  # gold: related studies and their links from the seed
SEED_BORDER = "#111111"
SELECTED_BORDER = "#1a73e8"  # blue: the clicked node, or the matches of a search
FACT_EDGE = "#b0b0b0"


def kind_entries(model: ViewModel) -> list[dict[str, Any]]:
    counts: dict[str, int] = {}
    for node in model.nodes:
        counts[node.kind] = counts.get(node.kind, 0) + 1
    return [{"kind": k.key, "text": k.legend, "one": k.one, "colour": k.colour,
             "shape": k.shape, "count": counts[k.key]} for k in KINDS.values() if k.key in counts]


def code_entries(model: ViewModel, seed: ViewNode | None) -> list[dict[str, str]]:
    """The non-kind visual codes this page uses, with what each means."""
    codes: list[dict[str, str]] = []
    if seed is not None:
        name = seed.label if seed.kind != "article" else "this article"
        codes.append({"code": "seed", "colour": SEED_BORDER,
                      "text": f"Thick dark ring, drawn larger: {name}, the node this page "
                              "opens around."})
    if any(n.related is not None for n in model.nodes):
        codes.append({"code": "related-ring", "colour": RELATED_BORDER,
                      "text": "Gold ring and ★N after the name: a study related to the seed "
                              "trial; N is its score (what it shares with the seed: "
                              "conditions, drugs, drug classes, citations). Listed under "
                              "Related studies."})
    if any(e.dashes for e in model.edges):
        codes.append({"code": "related-edge", "colour": RELATED_BORDER,
                      "text": "Dashed gold line: links the seed trial to a related study "
                              "(a score, not a fact in the graph)."})
    if any(not e.dashes for e in model.edges):
        codes.append({"code": "fact-edge", "colour": FACT_EDGE,
                      "text": "Grey arrow: a fact in the graph, read from the arrow's tail "
                              "to its head (e.g. trial → studies drug → drug). Its words "
                              "show on hover and when zoomed in."})
    if any(n.members for n in model.nodes):
        codes.append({"code": "author-group", "colour": KINDS["author"].colour,
                      "text": "'N authors': the authors of one article who appear nowhere "
                              "else, drawn as one node (click it for the names)."})
    if model.nodes:
        codes.append({"code": "selected", "colour": SELECTED_BORDER,
                      "text": "Blue ring: the node you clicked, or the matches of a search."})
        codes.append({"code": "zoom", "colour": "#555555",
                      "text": "Labels of smaller nodes appear as you zoom in (scroll or "
                              "pinch); hover or click any node for its details."})
    return codes
