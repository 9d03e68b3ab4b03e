// trialkg graph page: the panels beside the drawing (a node's card, the legend, the related
// studies). Every string from the data goes in with textContent or as a vetted href;
// nothing here assigns to innerHTML.
(function () {
  "use strict";

  const GLYPH = { star: "★", diamond: "◆", square: "■", triangle: "▲", triangleDown: "▼",
                  hexagon: "⬢", dot: "●" };

  function el(tag, text, cls) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }

  function safeHref(url) {
    try {
      const parsed = new URL(url);
      return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
    } catch (err) {
      return null;
    }
  }

  const TIP_FACTS = 8;  // a hover tooltip shows this many facts; the details panel all

  // A node's name, kind, facts, reasons and links: the details panel, and (brief: the first
  // TIP_FACTS facts and a count of the rest) the hover tooltip.
  function card(raw, legend, brief) {
    const box = el("div", null, "kg-tip");
    box.appendChild(el("h3", raw.name || raw.label));
    const kind = legend.get(raw.kind);
    let kindText = kind ? kind.one : raw.kind;
    if (raw.seed) kindText += " · the page opens around it";
    box.appendChild(el("p", kindText, "kg-kind"));
    let facts = (raw.facts || []).slice();
    if (raw.related) facts.unshift(["related score", String(raw.related.score)]);
    const more = brief ? Math.max(0, facts.length - TIP_FACTS) : 0;
    if (more) facts = facts.slice(0, TIP_FACTS);
    if (facts.length) {
      const dl = el("dl");
      facts.forEach(function (fact) {
        dl.appendChild(el("dt", fact[0]));
        dl.appendChild(el("dd", fact[1]));
      });
      box.appendChild(dl);
    }
    if (more) {
      box.appendChild(el("p", more + " more " + (more === 1 ? "fact" : "facts") +
                         ": click the node to see them beside the drawing.", "kg-more"));
    }
    if (raw.related && raw.related.reasons.length) {
      const ul = el("ul");
      raw.related.reasons.forEach(function (r) { ul.appendChild(el("li", r)); });
      box.appendChild(ul);
    }
    const links = (raw.links || []).filter(function (l) { return safeHref(l[1]); });
    if (links.length) {
      const p = el("p", null, "kg-links");
      links.forEach(function (l) {
        const a = el("a", l[0]);
        a.href = safeHref(l[1]);
        a.target = "_blank";
        a.rel = "noopener noreferrer";
        p.appendChild(a);
      });
      box.appendChild(p);
    }
    return box;
  }

  // One checkbox per kind (its glyph in its colour), then one line per other visual code.
  function legend(page, onToggle) {
    const box = document.getElementById("kg-legend");
    page.legend.forEach(function (k) {
      const label = el("label");
      label.dataset.kind = k.kind;
      const input = el("input");
      input.type = "checkbox";
      input.checked = true;
      input.dataset.kind = k.kind;
      input.addEventListener("change", function () { onToggle(k.kind, input.checked); });
      const swatch = el("span", GLYPH[k.shape] || "●", "kg-swatch");
      swatch.style.color = k.colour;
      label.append(input, swatch, el("span", k.text), el("span", "(" + k.count + ")", "kg-count"));
      box.appendChild(label);
    });
    const codes = document.getElementById("kg-codes");
    page.codes.forEach(function (c) {
      const row = el("div", null, "kg-code");
      row.dataset.code = c.code;
      const mark = el("span", null, "kg-mark");
      let glyph;
      if (c.code === "seed" || c.code === "related-ring" || c.code === "selected") {
        glyph = el("span", null, "kg-ring");
        glyph.style.borderColor = c.colour;
      } else if (c.code === "related-edge") {
        glyph = el("span", null, "kg-dash");
        glyph.style.borderColor = c.colour;
      } else if (c.code === "fact-edge") {
        glyph = el("span", null, "kg-arrow");
        glyph.style.borderColor = c.colour;
      } else if (c.code === "author-group") {
        glyph = el("span", "●", "kg-swatch");
        glyph.style.color = c.colour;
      } else {
        glyph = el("span", "A+", "kg-zoom");
        glyph.style.color = c.colour;
      }
      mark.appendChild(glyph);
      row.append(mark, el("span", c.text));
      codes.appendChild(row);
    });
  }

  // "(3 of 13)" while only part of the page is drawn, "(13)" when all of a kind is.
  function counts(page, inScope) {
    document.querySelectorAll("#kg-legend label").forEach(function (label) {
      const total = page.legend.find(function (k) { return k.kind === label.dataset.kind; }).count;
      const n = inScope[label.dataset.kind] || 0;
      label.querySelector(".kg-count").textContent = "(" + (n === total ? n : n + " of " + total) + ")";
    });
  }

  function related(page, onPick) {
    if (!page.related.length) return;
    document.getElementById("kg-related-box").hidden = false;
    const list = document.getElementById("kg-related");
    page.related.forEach(function (r) {
      const li = el("li");
      const button = el("button");
      button.type = "button";
      button.dataset.id = r.id;
      const text = el("span", r.label, "kg-rel-label");
      if (r.setting) text.appendChild(el("span", r.setting, "kg-rel-setting"));
      button.append(el("span", String(r.score), "kg-score"), text);
      button.title = r.name + (r.reasons.length ? "\n" + r.reasons.join("; ") : "");
      button.addEventListener("click", function () { onPick(r.id); });
      li.appendChild(button);
      list.appendChild(li);
    });
  }

  window.kgPanels = { el: el, card: card, legend: legend, counts: counts, related: related };
})();
