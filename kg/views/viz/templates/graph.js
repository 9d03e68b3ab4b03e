// trialkg graph page. Opens on the seed's neighbourhood (page.near); the whole page is one
// click away. Search, the kind filter, details and the related-study list act on it.
// Every string from the data reaches the page with textContent (kgPanels) or as a vetted
// href; nothing here assigns to innerHTML. Exposes window.kgViz for tests.
(function () {
  "use strict";

  const P = window.kgPanels;
  function read(id) { return JSON.parse(document.getElementById(id).textContent); }
  const RAW_NODES = read("kg-nodes");
  const RAW_EDGES = read("kg-edges");
  const PAGE = read("kg-page");
  const BY_ID = new Map(RAW_NODES.map(function (n) { return [n.id, n]; }));
  const LEGEND = new Map(PAGE.legend.map(function (k) { return [k.kind, k]; }));
  const NEAR = new Set(PAGE.near);
  const GROUPS = PAGE.options.groups;
  const FIT_MAX_ZOOM = 1.5;  // a page of a few nodes is not blown up beyond this
  const FIT_MARGIN = 0.97;   // share of the drawing the picture fills

  const NEIGHBOURS = new Map();
  RAW_EDGES.forEach(function (e) {
    [[e.from, e.to], [e.to, e.from]].forEach(function (pair) {
      if (!NEIGHBOURS.has(pair[0])) NEIGHBOURS.set(pair[0], []);
      NEIGHBOURS.get(pair[0]).push(pair[1]);
    });
  });

  // What search looks in: every name a node goes by (label, full name, synonyms, code
  // names, ids, its IRI), lower-cased and with label line breaks undone.
  const TEXT = new Map(RAW_NODES.map(function (n) {
    const parts = [n.label, n.name || "", n.id].concat(n.aliases || []);
    return [n.id, parts.join(" | ").replace(/\n/g, " ").toLowerCase()];
  }));
  const SYNONYMS = PAGE.synonyms.map(function (g) { return g.map(function (s) { return s.toLowerCase(); }); });

  function escapeRegExp(text) { return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }

  // A query of 3+ characters that starts a word of one of a thing's names also finds the
  // thing's other names, as whole words ("anlotinib" finds "Anrotinib" and "AL3818").
  function synonymPatterns(q) {
    if (q.length < 3) return [];
    const starts = new RegExp("(^|[^a-z0-9])" + escapeRegExp(q));
    const names = new Set();
    SYNONYMS.forEach(function (group) {
      if (group.some(function (name) { return starts.test(name); })) {
        group.forEach(function (name) { if (name.indexOf(q) < 0) names.add(name); });
      }
    });
    return Array.from(names).sort().map(function (name) {
      return new RegExp("(^|[^a-z0-9])" + escapeRegExp(name) + "($|[^a-z0-9])");
    });
  }

  const nodes = new vis.DataSet(RAW_NODES);
  const edges = new vis.DataSet(RAW_EDGES);
  const state = { scope: NEAR.size ? "near" : "all", ready: false, busy: true, then: [],
                  hiddenKinds: new Set(), query: "", matches: [], positions: {} };
  function inScope(id) { return state.scope === "all" || NEAR.has(id); }
  const nodeView = new vis.DataView(nodes, { filter: function (n) { return inScope(n.id); } });
  const edgeView = new vis.DataView(edges, {
    filter: function (e) { return inScope(e.from) && inScope(e.to); } });
  const container = document.getElementById("kg-network");
  const network = new vis.Network(container, { nodes: nodeView, edges: edgeView }, PAGE.options);

  const status = document.getElementById("kg-status");
  const loading = document.getElementById("kg-loading");
  const loadingText = document.getElementById("kg-loading-text");
  const details = document.getElementById("kg-details");
  const search = document.getElementById("kg-search");
  const nearButton = document.getElementById("kg-scope-near");
  const allButton = document.getElementById("kg-scope-all");

  function scopeIds() { return nodeView.getIds(); }

  function countVisible() {
    return nodeView.get({ filter: function (n) { return !n.hidden; } }).length;
  }

  function updateStatus() {
    let text = countVisible().toLocaleString("en") + " of " +
      RAW_NODES.length.toLocaleString("en") + " nodes shown";
    if (NEAR.size) text += state.scope === "near" ? " · around " + PAGE.seed.label : " · whole graph";
    if (state.overlapsLeft) text += " · some labels overlap: zoom in to read them";
    if (state.query) {
      text += " · " + state.matches.length + (state.matches.length === 1 ? " match" : " matches") +
        " for “" + state.query + "”";
    }
    status.textContent = text;
    const inScopeByKind = {};
    scopeIds().forEach(function (id) {
      const kind = BY_ID.get(id).kind;
      inScopeByKind[kind] = (inScopeByKind[kind] || 0) + 1;
    });
    P.counts(PAGE, inScopeByKind);
  }

  function showDetails(id) {
    const raw = BY_ID.get(id);
    details.replaceChildren(raw ? P.card(raw, LEGEND) : P.el("p", "Nothing selected.", "kg-hint"));
  }

  // Zoom so the whole scope fits, labels included: vis-network's own fit measures the
  // shapes only, and a wide label at the picture's edge would be cut off.
  function fitScope() {
    const items = nodeView.get({ filter: function (n) { return !n.hidden; } });
    if (!items.length) return;
    const at = network.getPositions(items.map(function (n) { return n.id; }));
    let left = Infinity, right = -Infinity, top = Infinity, bottom = -Infinity;
    items.forEach(function (item) {
      const b = window.kgLayout.box(item, GROUPS);
      const p = at[item.id];
      left = Math.min(left, p.x - b.half); right = Math.max(right, p.x + b.half);
      top = Math.min(top, p.y - b.above); bottom = Math.max(bottom, p.y + b.below);
    });
    const scale = Math.min(FIT_MAX_ZOOM,
      FIT_MARGIN * container.clientWidth / Math.max(1, right - left),
      FIT_MARGIN * container.clientHeight / Math.max(1, bottom - top));
    network.moveTo({ position: { x: (left + right) / 2, y: (top + bottom) / 2 },
                     scale: scale, animation: false });
  }

  // Layout of the current scope: force layout (vis physics), then labels moved apart.
  function settle() {
    if (!state.busy) return;
    network.setOptions({ physics: false });
    const items = nodeView.get();
    const aspect = container.clientWidth / Math.max(1, container.clientHeight);
    const positions = window.kgLayout.fitAspect(
      network.getPositions(items.map(function (n) { return n.id; })), aspect);
    const started = performance.now();
    const result = window.kgLayout.separate(items, positions, GROUPS, 1500, aspect);
    state.separationMs = performance.now() - started;
    Object.keys(result.positions).forEach(function (id) {
      network.moveNode(id, result.positions[id].x, result.positions[id].y);
    });
    state.positions[state.scope] = network.getPositions(items.map(function (n) { return n.id; }));
    state.separationRounds = result.rounds;
    state.overlapsLeft = result.overlaps;
    fitScope();
    done();
  }

  function done() {
    loading.classList.add("kg-done");
    state.busy = false;
    if (!state.ready) {
      state.ready = true;
      state.readyAt = performance.now();
      document.body.dataset.ready = "true";
    }
    updateStatus();
    const queued = state.then;
    state.then = [];
    queued.forEach(function (f) { f(); });
  }

  // Run f now, or once the layout in progress is done.
  function whenSettled(f) {
    if (state.busy) state.then.push(f); else f();
  }

  function setScope(name, then) {
    if (state.busy) { whenSettled(function () { setScope(name, then); }); return; }
    if (name === state.scope || (name === "near" && !NEAR.size)) {
      if (then) then();
      return;
    }
    const known = network.getPositions();
    state.scope = name;
    nearButton.setAttribute("aria-pressed", String(name === "near"));
    allButton.setAttribute("aria-pressed", String(name === "all"));
    const cached = state.positions[name];
    const start = cached || known;
    nodes.update(Object.keys(start).map(function (id) {
      return { id: id, x: start[id].x, y: start[id].y };
    }));
    nodeView.refresh();
    edgeView.refresh();
    if (then) state.then.push(then);
    if (cached) {
      fitScope();
      done();
      return;
    }
    state.busy = true;
    loadingText.textContent = "Laying out " + scopeIds().length.toLocaleString("en") + " nodes…";
    loading.classList.remove("kg-done");
    const physics = name === "all" ? PAGE.physics_all : PAGE.options.physics;
    network.setOptions({ physics: physics });
    network.stabilize(physics.stabilization.iterations);
  }

  // Which nodes are visible: kind not unticked and, while searching, a match or a
  // neighbour of one. Search looks at the whole page: a match outside the neighbourhood
  // switches to the whole graph first.
  function apply(fit) {
    if (state.busy) { whenSettled(function () { apply(fit); }); return; }
    const q = state.query.toLowerCase();
    const patterns = synonymPatterns(q);
    state.matches = [];
    if (q) {
      RAW_NODES.forEach(function (n) {
        if (state.hiddenKinds.has(n.kind)) return;
        const text = TEXT.get(n.id);
        if (text.indexOf(q) >= 0 || patterns.some(function (p) { return p.test(text); })) {
          state.matches.push(n.id);
        }
      });
    }
    if (state.matches.some(function (id) { return !inScope(id); })) {
      setScope("all", function () { apply(fit); });
      return;
    }
    let keep = null;
    if (state.matches.length) {
      keep = new Set(state.matches);
      state.matches.forEach(function (id) {
        (NEIGHBOURS.get(id) || []).forEach(function (m) { keep.add(m); });
      });
    }
    const changes = [];
    nodes.forEach(function (n) {
      const hidden = state.hiddenKinds.has(n.kind) || (keep !== null && !keep.has(n.id));
      if (Boolean(n.hidden) !== hidden) changes.push({ id: n.id, hidden: hidden });
    });
    if (changes.length) nodes.update(changes);
    network.selectNodes(state.matches, false);
    if (fit && state.matches.length) {
      network.fit({ nodes: state.matches, animation: false, maxZoomLevel: 1.5 });
    }
    updateStatus();
  }

  // Show one node: bring it into the picture if search, the kind filter or the scope hides
  // it, select and centre it, and put its card in the details panel beside the drawing.
  function pick(id) {
    const raw = BY_ID.get(id);
    if (!raw) return;
    if (state.busy) { whenSettled(function () { pick(id); }); return; }
    if (!inScope(id)) { setScope("all", function () { pick(id); }); return; }
    if (state.hiddenKinds.has(raw.kind)) kgViz.setKind(raw.kind, true);
    if (nodes.get(id).hidden) { search.value = ""; state.query = ""; apply(false); }
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 1.0), animation: false });
    showDetails(id);
  }

  // Tooltips are built when first hovered: building thousands up front costs seconds.
  network.on("hoverNode", function (params) {
    const item = nodes.get(params.node);
    if (item && !item.title) nodes.update({ id: item.id, title: P.card(BY_ID.get(item.id), LEGEND, true) });
  });
  network.on("hoverEdge", function (params) {
    const item = edges.get(params.edge);
    if (item && !item.title) edges.update({ id: item.id, title: P.el("div", item.label, "kg-tip") });
  });
  network.on("click", function (params) {
    if (params.nodes.length) showDetails(params.nodes[0]);
  });
  network.on("stabilizationProgress", function (params) {
    loadingText.textContent = "Laying out " + scopeIds().length.toLocaleString("en") +
      " nodes… " + Math.round(100 * params.iterations / params.total) + "%";
  });
  network.on("stabilizationIterationsDone", settle);

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
    whenSettled(function () {
      if (state.matches.length) {
        network.focus(state.matches[0], { scale: Math.max(network.getScale(), 1.0),
                                          animation: false });
        showDetails(state.matches[0]);
      }
    });
  });

  if (NEAR.size) {
    document.getElementById("kg-scope").hidden = false;
    nearButton.textContent = "Around " + PAGE.seed.label;
    allButton.textContent = (PAGE.focus ? "All within " + PAGE.depth + " steps (" :
      "Whole graph (") + RAW_NODES.length.toLocaleString("en") + " nodes)";
    nearButton.addEventListener("click", function () { setScope("near"); });
    allButton.addEventListener("click", function () { setScope("all"); });
  }
  P.legend(PAGE, function (kind, shown) {
    if (shown) state.hiddenKinds.delete(kind); else state.hiddenKinds.add(kind);
    apply(false);
  });
  P.related(PAGE, pick);
  if (PAGE.seed) showDetails(PAGE.seed.id);
  if (!RAW_NODES.length) {
    loadingText.textContent = "Nothing to draw.";
    network.setOptions({ physics: false });
    state.busy = false;
    state.ready = true;
    state.readyAt = performance.now();
  }
  updateStatus();

  window.kgViz = {
    network: network,
    nodes: nodes,
    edges: edges,
    page: PAGE,
    get ready() { return state.ready && !state.busy; },
    get readyAt() { return state.readyAt; },  // ms from navigation start to first settled
    get scope() { return state.scope; },
    get separationRounds() { return state.separationRounds; },
    get separationMs() { return state.separationMs; },  // moving labels apart took
    counts: function () {
      const inView = scopeIds().length;
      const visible = countVisible();
      return { total: nodes.length, inScope: inView, visible: visible, hidden: inView - visible,
               edges: edgeView.length, matches: state.matches.length };
    },
    search: function (q) { search.value = q; state.query = q.trim(); apply(true); },
    setKind: function (kind, shown) {
      const input = document.querySelector("#kg-legend input[data-kind='" + kind + "']");
      if (input && input.checked !== shown) input.click();
    },
    setScope: function (name) { setScope(name); },
    pick: pick,
  };
})();
