// trialkg graph page. Every string from the data is put on the page with textContent or as
// a vetted href; nothing here assigns to innerHTML. Exposes window.kgViz for tests.
(function () {
  "use strict";

  function read(id) {
    return JSON.parse(document.getElementById(id).textContent);
  }
  const RAW_NODES = read("kg-nodes");
  const RAW_EDGES = read("kg-edges");
  const PAGE = read("kg-page");
  const BY_ID = new Map(RAW_NODES.map(function (n) { return [n.id, n]; }));
  const LEGEND = new Map(PAGE.legend.map(function (k) { return [k.kind, k]; }));
  const GLYPH = { star: "★", diamond: "◆", square: "■", triangle: "▲", triangleDown: "▼",
                  hexagon: "⬢", dot: "●" };

  const NEIGHBOURS = new Map();
  RAW_EDGES.forEach(function (e) {
    [[e.from, e.to], [e.to, e.from]].forEach(function (pair) {
      if (!NEIGHBOURS.has(pair[0])) NEIGHBOURS.set(pair[0], []);
      NEIGHBOURS.get(pair[0]).push(pair[1]);
    });
  });

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

  // A node's facts and links as DOM: used for the hover tooltip and the details panel.
  function card(raw) {
    const box = el("div", null, "kg-tip");
    box.appendChild(el("h3", raw.name || raw.label));
    const kind = LEGEND.get(raw.kind);
    box.appendChild(el("p", kind ? kind.text.replace(/s$/, "") : raw.kind, "kg-kind"));
    const facts = (raw.facts || []).slice();
    if (raw.related) facts.unshift(["related score", String(raw.related.score)]);
    if (facts.length) {
      const dl = el("dl");
      facts.forEach(function (fact) {
        dl.appendChild(el("dt", fact[0]));
        dl.appendChild(el("dd", fact[1]));
      });
      box.appendChild(dl);
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

  const nodes = new vis.DataSet(RAW_NODES);
  const edges = new vis.DataSet(RAW_EDGES);
  const container = document.getElementById("kg-network");
  const network = new vis.Network(container, { nodes: nodes, edges: edges }, PAGE.options);

  const state = { ready: false, hiddenKinds: new Set(), query: "", matches: [] };
  const status = document.getElementById("kg-status");
  const loading = document.getElementById("kg-loading");
  const loadingText = document.getElementById("kg-loading-text");

  // Tooltips are built when first hovered: building thousands up front costs seconds.
  network.on("hoverNode", function (params) {
    const item = nodes.get(params.node);
    if (item && !item.title) nodes.update({ id: item.id, title: card(BY_ID.get(item.id)) });
  });

  function showDetails(id) {
    const box = document.getElementById("kg-details");
    const raw = BY_ID.get(id);
    box.replaceChildren(raw ? card(raw) : el("p", "Nothing selected.", "kg-hint"));
  }
  network.on("click", function (params) {
    if (params.nodes.length) showDetails(params.nodes[0]);
  });

  function countVisible() {
    return nodes.get({ filter: function (n) { return !n.hidden; } }).length;
  }

  function updateStatus() {
    const shown = countVisible();
    let text = shown.toLocaleString("en") + " of " + RAW_NODES.length.toLocaleString("en") +
      " nodes shown";
    if (state.query) {
      text += " · " + state.matches.length + (state.matches.length === 1 ? " match" : " matches") +
        " for “" + state.query + "”";
    }
    status.textContent = text;
  }

  // Which nodes are visible: kind not unticked, and, while searching, a match or a
  // neighbour of one. Only changed nodes are updated.
  function apply(fit) {
    const q = state.query.toLowerCase();
    let keep = null;
    state.matches = [];
    if (q) {
      RAW_NODES.forEach(function (n) {
        if (state.hiddenKinds.has(n.kind)) return;
        const text = (n.label + " " + (n.name || "") + " " + n.id).toLowerCase();
        if (text.indexOf(q) >= 0) state.matches.push(n.id);
      });
      if (state.matches.length) {
        keep = new Set(state.matches);
        state.matches.forEach(function (id) {
          (NEIGHBOURS.get(id) || []).forEach(function (m) { keep.add(m); });
        });
      }
    }
    const changes = [];
    nodes.forEach(function (n) {
      const raw = BY_ID.get(n.id);
      const hidden = state.hiddenKinds.has(raw.kind) || (keep !== null && !keep.has(n.id));
      if (Boolean(n.hidden) !== hidden) changes.push({ id: n.id, hidden: hidden });
    });
    if (changes.length) nodes.update(changes);
    network.selectNodes(state.matches, false);
    if (fit && state.matches.length) {
      network.fit({ nodes: state.matches, animation: false, maxZoomLevel: 1.5 });
    }
    updateStatus();
  }

  function buildLegend() {
    const box = document.getElementById("kg-legend");
    PAGE.legend.forEach(function (k) {
      const label = el("label");
      const box_ = el("input");
      box_.type = "checkbox";
      box_.checked = true;
      box_.dataset.kind = k.kind;
      box_.addEventListener("change", function () {
        if (box_.checked) state.hiddenKinds.delete(k.kind);
        else state.hiddenKinds.add(k.kind);
        apply(false);
      });
      const swatch = el("span", GLYPH[k.shape] || "●", "kg-swatch");
      swatch.style.color = k.colour;
      label.append(box_, swatch, el("span", k.text), el("span", "(" + k.count + ")", "kg-count"));
      box.appendChild(label);
    });
  }

  function buildRelated() {
    if (!PAGE.related.length) return;
    document.getElementById("kg-related-box").hidden = false;
    const list = document.getElementById("kg-related");
    PAGE.related.forEach(function (r) {
      const li = el("li");
      const button = el("button");
      button.type = "button";
      const text = el("span", r.label, "kg-rel-label");
      button.append(el("span", String(r.score), "kg-score"), text);
      if (r.setting) text.appendChild(el("span", r.setting, "kg-rel-setting"));
      button.title = r.reasons.join("; ");
      button.addEventListener("click", function () {
        network.selectNodes([r.id]);
        network.focus(r.id, { scale: 1.2, animation: false });
        showDetails(r.id);
      });
      li.appendChild(button);
      list.appendChild(li);
    });
  }

  const search = document.getElementById("kg-search");
  let timer = null;
  search.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { state.query = search.value.trim(); apply(true); }, 200);
  });
  search.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") return;
    clearTimeout(timer);
    state.query = search.value.trim();
    apply(true);
    if (state.matches.length) {
      network.focus(state.matches[0], { scale: 1.2, animation: false });
      showDetails(state.matches[0]);
    }
  });

  function finish() {
    if (state.ready) return;
    network.setOptions({ physics: false });
    loading.classList.add("kg-done");
    state.ready = true;
    state.readyAt = performance.now();
    document.body.dataset.ready = "true";
    updateStatus();
  }
  network.on("stabilizationProgress", function (params) {
    loadingText.textContent = "Laying out " + RAW_NODES.length.toLocaleString("en") +
      " nodes… " + Math.round(100 * params.iterations / params.total) + "%";
  });
  network.once("stabilizationIterationsDone", finish);
  if (!RAW_NODES.length) {
    loadingText.textContent = "Nothing to draw.";
    finish();
  }

  buildLegend();
  buildRelated();
  updateStatus();

  window.kgViz = {
    network: network,
    nodes: nodes,
    edges: edges,
    page: PAGE,
    get ready() { return state.ready; },
    get readyAt() { return state.readyAt; },  // ms from navigation start to settled
    counts: function () {
      const visible = countVisible();
      return { total: nodes.length, visible: visible, hidden: nodes.length - visible,
               edges: edges.length, matches: state.matches.length };
    },
    search: function (q) { search.value = q; state.query = q.trim(); apply(true); },
    setKind: function (kind, shown) {
      const input = document.querySelector("#kg-legend input[data-kind='" + kind + "']");
      if (input && input.checked !== shown) input.click();
    },
  };
})();
