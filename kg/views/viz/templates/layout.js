// trialkg graph page: after the force layout settles, move nodes apart until no two of them
// (shape plus the label drawn under it) overlap. vis-network's physics keeps nodes apart but
// knows nothing of labels, which is what makes a hairball unreadable. Boxes are in canvas
// units, so they stay apart at every zoom; which labels show depends only on the zoom.
(function () {
  "use strict";

  const PAD = 6;        // canvas units kept free between two boxes
  const LINE = 1.2;     // line height, in font sizes
  const SLACK = 1;      // overlaps this small are done; each push goes this much further
  const STALL = 40;     // rounds of pushing before the picture is spread out a little
  const SPREAD = 1.03;  // by this factor (pages of a few hundred nodes: spreading in small
                        // steps leaves the picture no larger than it must be, so it is
                        // drawn larger; measured on the bundled page, whole graph +17%)
  const SPREAD_LARGE = 1.08;  // pages of LOOSEN_FROM nodes or more: fewer rounds
  const SIDEWAYS = 1.3; // label boxes are wide and short, so the cheapest push is mostly
                        // vertical and the picture grows tall; pushes sideways are favoured
                        // by the screen's aspect times this, so it fills a wide screen
  const DENSITY = 0.3;  // share of the picture the boxes may cover before pushing starts
  const LOOSEN_FROM = 400;  // nodes; fewer are pushed apart from where the forces left them
  const BUDGET_MS = 3000;  // a page of thousands of nodes stops pushing after this
  let measurer = null;

  function textWidth(text, size) {
    if (measurer === null) measurer = document.createElement("canvas").getContext("2d");
    measurer.font = size + "px arial";
    return measurer.measureText(text).width;
  }

  // The box a node and its label take, relative to the node's centre (label below it, as
  // vis-network draws it for every shape this page uses).
  function box(item, groups) {
    const group = groups[item.group] || {};
    const size = item.size || group.size || 10;
    const font = (item.font && item.font.size) || (group.font && group.font.size) || 12;
    const lines = String(item.label || "").split("\n").filter(function (l) { return l; });
    let half = size;
    lines.forEach(function (line) { half = Math.max(half, textWidth(line, font) / 2 + 2); });
    const below = size + (lines.length ? 6 + lines.length * font * LINE : 0);
    return { half: half, above: size, below: below };
  }

  // Push overlapping boxes apart along the axis where they overlap least, until none
  // overlap. A sweep over boxes sorted by left edge finds the pairs. In a crowd, pushes can
  // go round in circles; every STALL rounds without an end the whole picture is spread out
  // a little about its centre (labels keep their size, so that always ends it).
  // aspect > 1 favours sideways pushes (times SIDEWAYS), so the picture grows to fit a
  // wide screen.
  // Returns every node's new {x, y}, the rounds taken and the overlaps left (0 unless
  // maxRounds or the time budget ran out: then the page says so).
  function separate(items, positions, groups, maxRounds, aspect) {
    const wide = (aspect || 1) * SIDEWAYS;
    const step = items.length >= LOOSEN_FROM ? SPREAD_LARGE : SPREAD;
    const boxes = items.map(function (item, i) {
      const b = box(item, groups);
      const p = positions[item.id];
      return { id: item.id, i: i, x: p.x, y: p.y, half: b.half, above: b.above,
               below: b.below };
    });
    loosen(boxes);
    const deadline = performance.now() + BUDGET_MS;
    let round = 0;
    let overlaps = 0;
    for (; round < (maxRounds || 1500) && performance.now() < deadline; round++) {
      if (round && round % STALL === 0) spread(boxes, step);
      boxes.sort(function (a, b) { return (a.x - a.half) - (b.x - b.half) || a.i - b.i; });
      overlaps = 0;
      for (let i = 0; i < boxes.length; i++) {
        const a = boxes[i];
        for (let j = i + 1; j < boxes.length; j++) {
          const b = boxes[j];
          if (b.x - b.half >= a.x + a.half + PAD) break;
          const dx = Math.min(a.x + a.half, b.x + b.half) - Math.max(a.x - a.half, b.x - b.half) + PAD;
          const dy = Math.min(a.y + a.below, b.y + b.below) - Math.max(a.y - a.above, b.y - b.above) + PAD;
          if (dx <= SLACK || dy <= SLACK) continue;
          overlaps++;
          const first = a.i < b.i ? a : b;
          const second = first === a ? b : a;
          if (dx < dy * wide) {
            const left = second.x >= first.x ? first : second;
            const right = left === first ? second : first;
            left.x -= dx / 2 + SLACK; right.x += dx / 2 + SLACK;
          } else {
            // compare the boxes' middles, not the nodes': a label hangs below its node
            const midFirst = first.y + (first.below - first.above) / 2;
            const midSecond = second.y + (second.below - second.above) / 2;
            const top = midSecond >= midFirst ? first : second;
            const bottom = top === first ? second : first;
            top.y -= dy / 2 + SLACK; bottom.y += dy / 2 + SLACK;
          }
        }
      }
      if (!overlaps) break;
    }
    const out = {};
    boxes.forEach(function (b) { out[b.id] = { x: b.x, y: b.y }; });
    return { positions: out, rounds: round, overlaps: overlaps };
  }

  // A force layout of thousands of nodes packs their labels far closer than they fit; push
  // pairs apart from there and it takes thousands of rounds. So first spread the picture
  // until the boxes could cover at most DENSITY of its area (pages of LOOSEN_FROM or more).
  function loosen(boxes) {
    if (boxes.length < LOOSEN_FROM) return;  // a few hundred untangle quickly, and tighter
    let area = 0;
    let left = Infinity, right = -Infinity, top = Infinity, bottom = -Infinity;
    boxes.forEach(function (b) {
      area += 2 * b.half * (b.above + b.below);
      left = Math.min(left, b.x); right = Math.max(right, b.x);
      top = Math.min(top, b.y); bottom = Math.max(bottom, b.y);
    });
    const room = Math.max(1, right - left) * Math.max(1, bottom - top);
    if (room * DENSITY < area) spread(boxes, Math.sqrt(area / (room * DENSITY)));
  }

  function spread(boxes, factor) {
    let cx = 0, cy = 0;
    boxes.forEach(function (b) { cx += b.x; cy += b.y; });
    cx /= boxes.length; cy /= boxes.length;
    boxes.forEach(function (b) { b.x = cx + (b.x - cx) * factor; b.y = cy + (b.y - cy) * factor; });
  }

  // The force layout comes out round; a screen is wide. Squeeze the layout's height (about
  // its centre) until its shape matches the screen's, before labels are moved apart: the
  // picture then fills the screen and is drawn larger.
  function fitAspect(positions, aspect) {
    const ids = Object.keys(positions);
    if (ids.length < 3) return positions;
    const xs = ids.map(function (id) { return positions[id].x; });
    const ys = ids.map(function (id) { return positions[id].y; });
    const width = Math.max.apply(null, xs) - Math.min.apply(null, xs);
    const height = Math.max.apply(null, ys) - Math.min.apply(null, ys);
    if (!width || !height || width / height >= aspect) return positions;
    const squeeze = (width / height) / aspect;
    const middle = (Math.max.apply(null, ys) + Math.min.apply(null, ys)) / 2;
    const out = {};
    ids.forEach(function (id) {
      out[id] = { x: positions[id].x, y: middle + (positions[id].y - middle) * squeeze };
    });
    return out;
  }

  window.kgLayout = { box: box, separate: separate, fitAspect: fitAspect };
})();
