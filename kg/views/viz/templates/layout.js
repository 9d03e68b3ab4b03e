// trialkg graph page: after the force layout settles, move nodes apart until no two of them
// (shape plus the label drawn under it) overlap. vis-network's physics keeps nodes apart but
// knows nothing of labels, which is what makes a hairball unreadable. Boxes are in canvas
// units, so they stay apart at every zoom; which labels show depends only on the zoom.
(function () {
  "use strict";

  const PAD = 6;        // canvas units kept free between two boxes
  const LINE = 1.2;     // line height, in font sizes
  const SLACK = 1;      // overlaps this small are done; each push goes this much further
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
  // overlap (or maxRounds). A sweep over boxes sorted by left edge finds the pairs.
  // aspect > 1 favours sideways pushes, so the picture grows to fit a wide screen.
  // Returns {id: {x, y}} for the nodes it moved and how many rounds it took.
  function separate(items, positions, groups, maxRounds, aspect) {
    const wide = aspect || 1;
    const boxes = items.map(function (item, i) {
      const b = box(item, groups);
      const p = positions[item.id];
      return { id: item.id, i: i, x: p.x, y: p.y, half: b.half, above: b.above,
               below: b.below, moved: false };
    });
    let round = 0;
    for (; round < (maxRounds || 1500); round++) {
      boxes.sort(function (a, b) { return (a.x - a.half) - (b.x - b.half) || a.i - b.i; });
      let overlaps = 0;
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
          a.moved = b.moved = true;
        }
      }
      if (!overlaps) break;
    }
    const out = {};
    boxes.forEach(function (b) { if (b.moved) out[b.id] = { x: b.x, y: b.y }; });
    return { moved: out, rounds: round };
  }

  window.kgLayout = { box: box, separate: separate };
})();
