"""ViewModel -> one self-contained HTML page, drawn by vis-network through pyvis.

pyvis holds the node and edge lists and renders our template (kg/views/viz/templates/graph.html)
through its own Jinja environment. Nothing is fetched when the page opens: vis-network's JS
and CSS are read from the installed pyvis package and inlined, and the template has no
``<link>`` or ``<script src>`` at all (pyvis's own template pulls Bootstrap and tom-select
from CDNs). A Content-Security-Policy allows only the page's own scripts, by hash, and no
connections, so even an injected element could neither run nor fetch anything.

Data reaches the page only as JSON in ``<script type="application/json">`` blocks (escaped
by Jinja's ``tojson``, which turns ``<`` into ``\\u003c``). Our script builds every tooltip
from DOM nodes with ``textContent``; no data string is ever assigned to ``innerHTML``, and
pyvis's tooltip code (which does) is not used.
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from kg.views.viz.errors import VizError
from kg.views.viz.kinds import KINDS
from kg.views.viz.legend import (
    FACT_EDGE,
    RELATED_BORDER,
    SEED_BORDER,
    SELECTED_BORDER,
    code_entries,
    kind_entries,
)
from kg.views.viz.model import ViewModel, ViewNode
from kg.views.viz.text import shorten, wrap_label

TEMPLATES = Path(__file__).resolve().parent / "templates"
LARGE = 1000  # above this many nodes, edges are hidden while dragging or zooming
LABEL_WIDTH = 22  # characters per label line
LABEL_LINES = {"article": 3}  # lines per label: article titles get three, the rest two
# A label is drawn only when it would be at least this many px on screen, so zoomed out
# only the big labels (trials, drugs, conditions) show, and smaller ones appear zooming in.
MIN_LABEL_PX = 7
EDGE_LABEL_ZOOM = 1.6  # edge words show from this zoom on (always on hover)
SCRIPTS = ("panels.js", "layout.js", "graph.js")  # our own, in load order


def render_page(model: ViewModel) -> str:
    from pyvis.network import Network  # imports IPython: keep it off the CLI's start-up path

    net = Network(height="100%", width="100%", directed=True, heading=model.title,
                  cdn_resources="in_line")
    # Filled directly: add_node/add_edge check membership in lists, O(nodes x edges).
    net.nodes = [_vis_node(n, n.id == model.seed) for n in model.nodes]
    net.edges = [_vis_edge(i, e.source, e.target, e.label, e.dashes)
                 for i, e in enumerate(model.edges)]
    net.options = vis_options(len(model.nodes), roomy=bool(model.near))
    scripts = [vis_asset("vis-network.min.js"), *(_own(name) for name in SCRIPTS)]
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)),
                      autoescape=select_autoescape(default=True, default_for_string=True))
    env.globals.update(
        page=page_data(model, net.options),
        vis_css=Markup(style_safe(vis_asset("vis-network.css"))),
        app_css=Markup(style_safe(_own("graph.css"))),
        scripts=[Markup(script_safe(s)) for s in scripts],
        csp=_csp(script_safe(s) for s in scripts),
    )
    net.templateEnv = env
    net.path = "graph.html"
    return net.generate_html()


def vis_options(n_nodes: int, roomy: bool = False) -> dict[str, Any]:
    """Settles a few thousand nodes: no improved layout (quadratic), straight edges,
    stabilisation in small batches so the page stays responsive; the page turns physics off
    once done and then moves nodes apart until no two labels overlap. Each kind is a vis
    group (shape, colour, size, label size)."""
    large = n_nodes > LARGE
    return {
        "autoResize": True,
        "layout": {"improvedLayout": False, "randomSeed": 7},
        "groups": {k.key: {"shape": k.shape, "size": k.size, "color": colours(k.colour),
                           "font": {"size": k.font}} for k in KINDS.values()},
        "nodes": {"borderWidth": 1, "borderWidthSelected": 3,
                  "font": {"size": 12, "face": "arial", "strokeWidth": 3,
                           "strokeColor": "#ffffff", "color": "#222222"},
                  "scaling": {"label": {"drawThreshold": MIN_LABEL_PX + 1, "maxVisible": 40}}},
        "edges": {"smooth": False, "width": 1, "selectionWidth": 2,
                  "arrows": {"to": {"enabled": True, "scaleFactor": 0.4}},
                  "color": {"color": FACT_EDGE, "highlight": "#444444", "hover": "#777777",
                            "inherit": False},
                  "font": {"size": 10, "color": "#555555", "strokeWidth": 3, "align": "middle"},
                  "scaling": {"label": {"drawThreshold": 10 * EDGE_LABEL_ZOOM + 1}}},
        "physics": physics(roomy),
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": large,
                        "hideEdgesOnZoom": large, "keyboard": False},
    }


def colours(fill: str, border: str | None = None) -> dict[str, Any]:
    """A node's colours when plain, selected and hovered: the fill stays its kind's colour
    (vis-network would turn a selected node pale blue); a selected node gets a blue ring."""
    return {"background": fill, "border": border or fill,
            "highlight": {"background": fill, "border": SELECTED_BORDER},
            "hover": {"background": fill, "border": border or fill}}


def physics(roomy: bool) -> dict[str, Any]:
    """Force layout: roomy for the few dozen nodes around the seed, tighter for the whole
    page (the label pass then opens up only the crowded parts)."""
    spread = ({"gravitationalConstant": -60, "centralGravity": 0.01, "springLength": 90}
              if roomy else
              {"gravitationalConstant": -30, "centralGravity": 0.015, "springLength": 50})
    return {"enabled": True, "solver": "forceAtlas2Based",
            "forceAtlas2Based": {**spread, "springConstant": 0.06, "damping": 0.5,
                                 "avoidOverlap": 0.5},
            "minVelocity": 1, "maxVelocity": 60, "timestep": 0.5,
            "stabilization": {"enabled": True, "iterations": 200, "updateInterval": 10,
                              "fit": True}}


def page_data(model: ViewModel, options: dict[str, Any]) -> dict[str, Any]:
    """Everything but the nodes and edges: legend, messages, related results, the first
    view (the seed's neighbourhood), synonyms for search, options."""
    related = sorted((n for n in model.nodes if n.related is not None),
                     key=lambda n: (-n.related[0], n.id))  # type: ignore[index]
    seed = next((n for n in model.nodes if n.id == model.seed), None)
    return {
        "title": model.title,
        "legend": kind_entries(model),
        "codes": code_entries(model, seed),
        "notes": model.notes,
        "seed": {"id": seed.id, "label": seed.label} if seed else None,
        "near": model.near,
        "focus": model.focus,
        "depth": model.depth,
        "synonyms": model.synonyms,
        "related": [{"id": n.id, "label": shorten(n.name or n.label, 90),
                     "name": n.name or n.label, "score": n.related[0],
                     "reasons": n.related[1], "setting": n.related_setting}
                    for n in related],  # type: ignore[index]
        "counts": {"nodes": len(model.nodes), "edges": len(model.edges),
                   "total_nodes": model.total_nodes, "total_edges": model.total_edges,
                   "omitted": sum(model.omitted_by_kind.values())},
        "options": options,
        "physics_all": physics(roomy=False),
    }


def _vis_node(node: ViewNode, seed: bool) -> dict[str, Any]:
    kind = KINDS[node.kind]
    score = ""
    out: dict[str, Any] = {"id": node.id, "kind": node.kind, "group": node.kind}
    if node.name:
        out["name"] = node.name
    if node.aliases:
        out["aliases"] = node.aliases
    if node.facts:
        out["facts"] = [list(f) for f in node.facts]
    if node.links:
        out["links"] = [list(link) for link in node.links]
    if node.members:
        out["size"] = kind.size + min(12, node.members // 3)
    if node.related is not None:
        value, reasons = node.related
        out["related"] = {"score": value, "reasons": reasons}
        score = f"★{value:g}"
        out["borderWidth"] = 4
        out["color"] = colours(kind.colour, RELATED_BORDER)
        out["size"] = kind.size + 6
    if seed:
        out["seed"] = True
        out["borderWidth"] = 5
        out["color"] = colours(kind.colour, SEED_BORDER)
        out["size"] = kind.size + 12
        out["font"] = {"size": kind.font + 4}
    out["label"] = wrap_label(node.label, LABEL_WIDTH, LABEL_LINES.get(node.kind, 2), score)
    if "name" not in out and out["label"] != node.label:
        out["name"] = node.label  # the label unwrapped, for cards and search
    return out


def _vis_edge(index: int, source: str, target: str, label: str,
              dashes: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"id": f"e{index}", "from": source, "to": target, "label": label}
    if dashes:
        out.update(dashes=True, color={"color": RELATED_BORDER, "inherit": False}, width=1.5)
    return out


@cache
def vis_asset(name: str) -> str:
    """A file of the vis-network build that pyvis ships (the newest one it has)."""
    import pyvis

    lib = Path(pyvis.__file__).resolve().parent / "templates" / "lib"
    builds = sorted(lib.glob("vis-*/"), key=lambda p: [int(x) for x in
                                                        p.name[4:].split(".") if x.isdigit()])
    for build in reversed(builds):
        if (build / name).exists():
            return (build / name).read_text(encoding="utf-8")
    raise VizError(f"pyvis ships no {name}; reinstall pyvis", where=str(lib))


def _own(name: str) -> str:
    return (TEMPLATES / name).read_text(encoding="utf-8")


def script_safe(text: str) -> str:
    return text.replace("</script", "<\\/script")


def style_safe(text: str) -> str:
    return text.replace("</style", "<\\/style")


def _csp(scripts) -> str:
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'"
        for s in scripts)
    return ("default-src 'none'; " f"script-src {hashes}; style-src 'unsafe-inline'; "
            "img-src data:; font-src 'none'; connect-src 'none'; base-uri 'none'; "
            "form-action 'none'")
