"""Helpers for the browser tests: waiting on the page, its counts, and where vis-network
really draws each node and label."""

from __future__ import annotations

import time

# Every visible node's box (shape plus label) as vis-network computes it when it draws the
# node. Drawn once at a zoom where every label is above its draw threshold (else vis skips
# sizing it), then the view is put back. Canvas units, so the same at every zoom.
BOXES_JS = """
const net = kgViz.network;
const ids = Object.keys(net.body.nodes).filter(id => !net.body.nodes[id].options.hidden);
const ctx = net.canvas.frame.canvas.getContext('2d');
const scale = net.getScale(), position = net.getViewPosition();
net.moveTo({scale: 20, animation: false});
ids.forEach(id => net.body.nodes[id].draw(ctx));
const boxes = ids.map(id => [id, Object.assign({}, net.getBoundingBox(id))]);
net.moveTo({scale: scale, position: position, animation: false});
net.redraw();
return boxes;
"""

# For each visible node: its label, the size its label is drawn at now (px on screen), the
# threshold under which vis does not draw it, and its centre on screen.
SHOWN_JS = """
const net = kgViz.network, scale = net.getScale();
return Object.keys(net.body.nodes).filter(id => !net.body.nodes[id].options.hidden)
  .map(id => { const n = net.body.nodes[id]; const p = net.canvasToDOM({x: n.x, y: n.y});
    return {id: id, label: n.options.label, px: n.labelModule.fontOptions.size * scale,
            threshold: n.options.scaling.label.drawThreshold - 1, x: p.x, y: p.y}; });
"""


def wait(driver, script: str, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = driver.execute_script(script)
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for: {script}")


def counts(driver) -> dict:
    return driver.execute_script("return kgViz.counts()")


def overlapping_boxes(boxes: list, slack: float = 0.5) -> list[tuple[str, str]]:
    """Pairs of (id, box) whose boxes overlap by more than ``slack`` on both axes."""
    out = []
    ordered = sorted(boxes, key=lambda b: b[1]["left"])
    for i, (a, ba) in enumerate(ordered):
        for b, bb in ordered[i + 1:]:
            if bb["left"] >= ba["right"] - slack:
                break
            dx = min(ba["right"], bb["right"]) - max(ba["left"], bb["left"])
            dy = min(ba["bottom"], bb["bottom"]) - max(ba["top"], bb["top"])
            if dx > slack and dy > slack:
                out.append((a, b))
    return out


def rect(driver, css: str) -> dict:
    return driver.execute_script(
        "const r = document.querySelector(arguments[0]).getBoundingClientRect();"
        "return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}", css)


def intersects(a: dict, b: dict) -> bool:
    return (min(a["right"], b["right"]) > max(a["left"], b["left"])
            and min(a["bottom"], b["bottom"]) > max(a["top"], b["top"]))
