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
from kg.views.viz.model import ViewModel, ViewNode

TEMPLATES = Path(__file__).resolve().parent / "templates"
RELATED_BORDER = "#f5b700"
LARGE = 1000  # above this many nodes, edges are hidden while dragging or zooming


def render_page(model: ViewModel) -> str:
    from pyvis.network import Network  # imports IPython: keep it off the CLI's start-up path

    net = Network(height="100%", width="100%", directed=True, heading=model.title,
                  cdn_resources="in_line")
    # Filled directly: add_node/add_edge check membership in lists, O(nodes x edges).
    net.nodes = [_vis_node(n) for n in model.nodes]
    net.edges = [_vis_edge(e.source, e.target, e.label, e.dashes) for e in model.edges]
    net.options = vis_options(len(model.nodes))
    scripts = {"vis": vis_asset("vis-network.min.js"), "app": _own("graph.js")}
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)),
                      autoescape=select_autoescape(default=True, default_for_string=True))
    env.globals.update(
        page=page_data(model, net.options),
        vis_css=Markup(style_safe(vis_asset("vis-network.css"))),
        app_css=Markup(style_safe(_own("graph.css"))),
        vis_js=Markup(script_safe(scripts["vis"])),
        app_js=Markup(script_safe(scripts["app"])),
        csp=_csp(script_safe(s) for s in scripts.values()),
    )
    net.templateEnv = env
    net.path = "graph.html"
    return net.generate_html()


def vis_options(n_nodes: int) -> dict[str, Any]:
    """Settles a few thousand nodes: no improved layout (quadratic), straight edges, 200
    stabilisation iterations in small batches so the page stays responsive; the page turns
    physics off once they are done."""
    large = n_nodes > LARGE
    return {
        "autoResize": True,
        "layout": {"improvedLayout": False, "randomSeed": 7},
        "nodes": {"borderWidth": 1, "font": {"size": 12, "strokeWidth": 3,
                                             "strokeColor": "#ffffff"}},
        "edges": {"smooth": False, "width": 1, "selectionWidth": 2,
                  "arrows": {"to": {"enabled": True, "scaleFactor": 0.4}},
                  "color": {"color": "#c4c4c4", "highlight": "#444444", "hover": "#888888",
                            "inherit": False},
                  "font": {"size": 9, "color": "#666666", "strokeWidth": 2, "align": "middle"}},
        "physics": {"enabled": True, "solver": "forceAtlas2Based",
                    "forceAtlas2Based": {"gravitationalConstant": -35, "centralGravity": 0.015,
                                         "springLength": 45, "springConstant": 0.08,
                                         "damping": 0.5, "avoidOverlap": 0.2},
                    "minVelocity": 1, "maxVelocity": 60, "timestep": 0.5,
                    "stabilization": {"enabled": True, "iterations": 200,
                                      "updateInterval": 10, "fit": True}},
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": large,
                        "hideEdgesOnZoom": large, "keyboard": False},
    }


def page_data(model: ViewModel, options: dict[str, Any]) -> dict[str, Any]:
    """Everything but the nodes and edges: legend, messages, related results, options."""
    counts: dict[str, int] = {}
    for node in model.nodes:
        counts[node.kind] = counts.get(node.kind, 0) + 1
    legend = [{"kind": k.key, "text": k.legend, "colour": k.colour, "shape": k.shape,
               "count": counts[k.key]} for k in KINDS.values() if k.key in counts]
    related = sorted((n for n in model.nodes if n.related is not None),
                     key=lambda n: (-n.related[0], n.id))  # type: ignore[index]
    return {
        "title": model.title,
        "legend": legend,
        "notes": model.notes,
        "related": [{"id": n.id, "label": n.name or n.label, "score": n.related[0],
                     "reasons": n.related[1], "setting": n.related_setting}
                    for n in related],  # type: ignore[index]
        "counts": {"nodes": len(model.nodes), "edges": len(model.edges),
                   "total_nodes": model.total_nodes, "total_edges": model.total_edges,
                   "omitted": sum(model.omitted_by_kind.values())},
        "options": options,
    }


def _vis_node(node: ViewNode) -> dict[str, Any]:
    kind = KINDS[node.kind]
    out: dict[str, Any] = {"id": node.id, "label": node.label, "kind": node.kind,
                           "shape": kind.shape, "size": kind.size, "color": kind.colour,
                           "font": {"size": kind.font}}
    if node.name:
        out["name"] = node.name
    if node.facts:
        out["facts"] = [list(f) for f in node.facts]
    if node.links:
        out["links"] = [list(link) for link in node.links]
    if node.members:
        out["size"] = kind.size + min(12, node.members // 3)
    if node.related is not None:
        score, reasons = node.related
        out["label"] = f"{node.label} ★{score:g}"
        out["related"] = {"score": score, "reasons": reasons}
        out["borderWidth"] = 4
        out["color"] = {"background": kind.colour, "border": RELATED_BORDER}
        out["size"] = kind.size + 6
    return out


def _vis_edge(source: str, target: str, label: str, dashes: bool) -> dict[str, Any]:
    out: dict[str, Any] = {"from": source, "to": target, "label": label}
    if dashes:
        out.update(dashes=True, color={"color": RELATED_BORDER, "inherit": False}, width=2)
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
