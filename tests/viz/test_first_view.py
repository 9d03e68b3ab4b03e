"""The page a researcher opens first (output/graph.html, as `kg run` writes it), in headless
Chromium: it opens readably on the seed trial's neighbourhood with the whole graph one
click away, nothing covers the drawing, a clicked study's details appear beside it, search
knows synonyms and code names, the legend explains every visual code, and no word is
broken anywhere."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from kg.rdf import iris
from kg.views.viz.kinds import KINDS
from kg.views.viz.legend import RELATED_BORDER, SEED_BORDER, SELECTED_BORDER
from tests.viz.browser import console_errors
from tests.viz.pages import (
    BOXES_JS,
    SHOWN_JS,
    counts,
    intersects,
    overlapping_boxes,
    rect,
    wait,
)

pytestmark = pytest.mark.browser
SEED = str(iris.trial("NCT05807880"))
ANROTINIB_TRIAL = str(iris.trial("NCT05981157"))  # registered as "Anrotinib and Tirelizumab…"
ANLOTINIB = str(iris.drug("anlotinib"))


def _drawn_ids(driver) -> set[str]:
    return set(driver.execute_script("return Object.keys(kgViz.network.body.nodes)"))


def _show_all(driver) -> None:
    driver.find_element(By.ID, "kg-scope-all").click()
    wait(driver, "return kgViz.ready && kgViz.scope === 'all'")


def test_opens_on_the_seed_neighbourhood_and_the_whole_graph_is_one_click_away(real_page):
    driver, model = real_page
    kinds = {n.id: n.kind for n in model.nodes}
    near = _drawn_ids(driver)
    assert SEED in near and near == set(model.near)
    touching = {e.target for e in model.edges if e.source == SEED} | \
               {e.source for e in model.edges if e.target == SEED}
    related = {n.id for n in model.nodes if n.related}
    assert near <= touching | related | {SEED}
    assert {kinds[n] for n in near} >= {"trial", "drug", "condition", "article"}
    assert "criterion" not in {kinds[n] for n in near}  # forty of them would bury the rest
    assert len(near) < len(model.nodes) / 3
    assert "around NCT05807880" in driver.find_element(By.ID, "kg-status").text
    whole = driver.find_element(By.ID, "kg-scope-all")
    assert whole.is_displayed() and f"{len(model.nodes)} nodes" in whole.text
    _show_all(driver)
    assert _drawn_ids(driver) == set(kinds)
    assert whole.get_attribute("aria-pressed") == "true"
    driver.find_element(By.ID, "kg-scope-near").click()
    wait(driver, "return kgViz.ready && kgViz.scope === 'near'")
    assert _drawn_ids(driver) == near
    assert console_errors(driver) == []


@pytest.mark.parametrize("scope", ["near", "all"])
def test_no_two_nodes_or_labels_overlap(real_page, scope):
    driver, _ = real_page
    if scope == "all":
        _show_all(driver)
    boxes = driver.execute_script(BOXES_JS)
    assert len(boxes) == counts(driver)["visible"] > 20
    labelled = [b for b in boxes if b[1]["bottom"] - b[1]["top"] > 2 * 6]
    assert len(labelled) == len(boxes)  # every box includes its label below the node
    assert overlapping_boxes(boxes) == []


def test_the_first_view_labels_are_drawn_readably_inside_the_drawing(real_page):
    driver, model = real_page
    kinds = {n.id: n.kind for n in model.nodes}
    canvas = rect(driver, "#kg-network")
    shown = driver.execute_script(SHOWN_JS)
    for node in shown:
        assert 0 <= node["x"] <= canvas["right"] - canvas["left"], node["id"]
        assert 0 <= node["y"] <= canvas["bottom"] - canvas["top"], node["id"]
    major = [n for n in shown if kinds[n["id"]] in ("trial", "drug", "condition", "article")]
    assert major and all(n["px"] >= n["threshold"] + 1 and n["px"] >= 9 for n in major)
    seed = next(n for n in shown if n["id"] == SEED)
    assert seed["label"] == "NCT05807880" and seed["px"] >= 14
    assert _label_boxes_outside(driver) == []
    # zoomed out to the whole graph, the trials, drugs, drug classes and conditions keep
    # readable labels, and no label runs off the drawing
    _show_all(driver)
    shown = driver.execute_script(SHOWN_JS)
    big = ("trial", "drug", "drug-class", "condition")
    major = [n for n in shown if kinds[n["id"]] in big]
    assert len(major) == sum(1 for k in kinds.values() if k in big)
    assert all(n["px"] >= n["threshold"] + 1 and n["px"] >= 9 for n in major), major
    assert _label_boxes_outside(driver) == []


def _label_boxes_outside(driver) -> list[str]:
    """Nodes whose box (shape and label, as vis-network draws them) is not wholly inside
    the drawing at the current view."""
    boxes = driver.execute_script(BOXES_JS)
    return driver.execute_script("""
        const net = kgViz.network, c = document.getElementById('kg-network');
        return arguments[0].filter(([id, b]) => {
          const tl = net.canvasToDOM({x: b.left, y: b.top});
          const br = net.canvasToDOM({x: b.right, y: b.bottom});
          return tl.x < 0 || tl.y < 0 || br.x > c.clientWidth || br.y > c.clientHeight;
        }).map(([id]) => id);""", boxes)


def test_nothing_covers_the_drawing(real_page):
    driver, model = real_page
    assert model.notes  # the real page has notes (collapsed authors): they sit in a panel
    network = rect(driver, "#kg-network")
    for panel in ("#kg-notes", "#kg-details", "#kg-side", "header"):
        assert not intersects(rect(driver, panel), network), panel
    covered = driver.execute_script("""
        const r = document.getElementById('kg-network').getBoundingClientRect();
        const out = [];
        for (let i = 1; i < 20; i++) for (let j = 1; j < 20; j++) {
          const x = r.left + r.width * i / 20, y = r.top + r.height * j / 20;
          const top = document.elementFromPoint(x, y);
          if (!top || !document.getElementById('kg-network').contains(top))
            out.push([x, y, top ? top.tagName + '#' + top.id + '.' + top.className : null]);
        }
        return out;""")
    assert covered == []


def test_clicking_a_related_study_shows_its_details_beside_the_drawing(real_page):
    driver, model = real_page
    best = max((n for n in model.nodes if n.related), key=lambda n: (n.related[0], n.id))
    button = driver.find_element(By.CSS_SELECTOR, f"#kg-related button[data-id='{best.id}']")
    button.click()
    assert driver.find_element(By.CSS_SELECTOR, "#kg-details h3").text == (best.name or best.label)
    assert driver.execute_script("return kgViz.network.getSelectedNodes()") == [best.id]
    network, details = rect(driver, "#kg-network"), rect(driver, "#kg-details h3")
    height = driver.execute_script("return window.innerHeight")
    assert details["left"] >= network["right"] - 1  # beside the drawing, not below it
    assert network["top"] <= details["top"] < height / 2  # near the top: no scrolling
    x, y = driver.execute_script(
        "const p = kgViz.network.canvasToDOM(kgViz.network.getPosition(arguments[0]));"
        "return [p.x, p.y]", best.id)
    assert 0 < x < network["right"] - network["left"] and 0 < y < network["bottom"] - network["top"]


def test_clicking_a_node_in_the_drawing_shows_its_details(real_page):
    driver, model = real_page
    drug = next(n for n in model.nodes if n.id == ANLOTINIB)
    x, y = driver.execute_script(
        "const p = kgViz.network.canvasToDOM(kgViz.network.getPosition(arguments[0]));"
        "return [p.x, p.y]", drug.id)
    canvas = driver.find_element(By.CSS_SELECTOR, "#kg-network canvas")
    ActionChains(driver).move_to_element_with_offset(
        canvas, int(x - canvas.size["width"] / 2), int(y - canvas.size["height"] / 2)
    ).click().perform()
    details = wait(driver, "const h = document.querySelector('#kg-details h3');"
                           "return h && h.textContent === 'anlotinib' ? h.parentNode.textContent"
                           " : null")
    assert "AL3818" in details and "anrotinib" in details  # its code name and synonyms


def test_a_criterion_card_lists_its_constraints_beside_the_drawing(real_page):
    driver, _ = real_page
    criterion = str(iris.criterion("NCT05807880", "inclusion", "6.1.1"))
    driver.execute_script("kgViz.pick(arguments[0])", criterion)
    wait(driver, "return kgViz.ready && kgViz.scope === 'all'")
    card = driver.find_element(By.ID, "kg-details")
    assert card.find_element(By.CSS_SELECTOR, "h3").text == "Hemoglobin (HB) ≥ 90g/L;"
    assert card.find_element(By.CLASS_NAME, "kg-kind").text == "eligibility criterion"
    rows = list(zip([dt.text for dt in card.find_elements(By.TAG_NAME, "dt")],
                    [dd.text for dd in card.find_elements(By.TAG_NAME, "dd")], strict=True))
    assert ("requires", "hemoglobin ≥ 90 g/L") in rows
    # the constraint is a row of the card, not a node of the drawing
    assert not any("/constraint/" in n for n in _drawn_ids(driver))


def test_hover_shows_a_brief_card_and_the_details_panel_all_of_it(real_page):
    driver, model = real_page
    seed = next(n for n in model.nodes if n.id == SEED)
    assert len(seed.facts) > 8
    x, y = driver.execute_script(
        "const p = kgViz.network.canvasToDOM(kgViz.network.getPosition(arguments[0]));"
        "return [p.x, p.y]", SEED)
    canvas = driver.find_element(By.CSS_SELECTOR, "#kg-network canvas")
    ActionChains(driver).move_to_element_with_offset(
        canvas, int(x - canvas.size["width"] / 2), int(y - canvas.size["height"] / 2)).perform()
    tip = wait(driver, "const t = document.querySelector('div.vis-tooltip');"
                       "return t && t.style.visibility !== 'hidden' ? t : null")
    assert len(tip.find_elements(By.TAG_NAME, "dt")) == 8
    more = len(seed.facts) - 8
    assert tip.find_element(By.CLASS_NAME, "kg-more").text == (
        f"{more} more facts: click the node to see them beside the drawing.")
    panel = driver.find_elements(By.CSS_SELECTOR, "#kg-details dt")
    assert len(panel) == len(seed.facts)  # the seed's card is open beside the drawing
    settings = [dd.text for dd in driver.find_elements(By.CSS_SELECTOR, "#kg-details dd")]
    assert any(t.startswith("recurrent/metastatic (from briefSummary:") for t in settings)


def test_search_finds_a_trial_by_a_drug_synonym_and_code_name(real_page):
    driver, model = real_page
    trial = next(n for n in model.nodes if n.id == ANROTINIB_TRIAL)
    own_text = " ".join([trial.label, trial.name, trial.id, *trial.aliases]).lower()
    assert "anrotinib" in own_text and "anlotinib" not in own_text and "al3818" not in own_text
    for query in ("anlotinib", "AL3818"):
        driver.execute_script("kgViz.search(arguments[0])", query)
        matches = wait(driver, "return kgViz.ready && kgViz.counts().matches ?"
                               " kgViz.network.getSelectedNodes() : null")
        assert ANROTINIB_TRIAL in matches and ANLOTINIB in matches, query
    # a synonym is matched as a whole word: 'tki' expands to 'tyrosine kinase inhibitor' but
    # a query matching nothing finds nothing
    driver.execute_script("kgViz.search('zzqx')")
    assert counts(driver)["matches"] == 0
    box = driver.find_element(By.ID, "kg-search")
    box.clear()
    box.send_keys("catequentinib", Keys.ENTER)  # another synonym, through the real box
    wait(driver, f"return kgViz.network.getSelectedNodes().includes('{ANROTINIB_TRIAL}')")


def test_legend_explains_every_visual_code(real_page):
    driver, model = real_page
    used = driver.execute_script("""
        const codes = new Set();
        kgViz.nodes.forEach(n => {
          if (n.seed) codes.add('seed');
          if (n.related) codes.add('related-ring');
          if (/#authors$/.test(n.id)) codes.add('author-group');
        });
        kgViz.edges.forEach(e => codes.add(e.dashes ? 'related-edge' : 'fact-edge'));
        return [...codes];""")
    assert set(used) == {"seed", "related-ring", "author-group", "related-edge", "fact-edge"}
    rows = {e.get_attribute("data-code"): e for e in
            driver.find_elements(By.CSS_SELECTOR, "#kg-codes .kg-code")}
    assert set(used) <= set(rows)
    assert "zoom" in rows  # labels that appear zooming in are explained too
    driver.execute_script("kgViz.pick(arguments[0])", SEED)  # a selected node: blue ring
    selected = driver.execute_script(
        "return kgViz.network.body.nodes[arguments[0]].options.color.highlight.border", SEED)
    blue = rows["selected"].find_element(By.CLASS_NAME, "kg-ring")
    colour = "return getComputedStyle(arguments[0]).borderTopColor"
    assert driver.execute_script(colour, blue) == _rgb(selected) == _rgb(SELECTED_BORDER)
    ring = rows["related-ring"].find_element(By.CLASS_NAME, "kg-ring")
    assert driver.execute_script(colour, ring) == _rgb(RELATED_BORDER)
    seed_ring = rows["seed"].find_element(By.CLASS_NAME, "kg-ring")
    assert driver.execute_script(colour, seed_ring) == _rgb(SEED_BORDER)
    dash = rows["related-edge"].find_element(By.CLASS_NAME, "kg-dash")
    assert driver.execute_script("return getComputedStyle(arguments[0]).borderTopStyle",
                                 dash) == "dashed"
    assert "gold" in rows["related-ring"].text.lower()
    assert "dashed" in rows["related-edge"].text.lower()
    assert "NCT05807880" in rows["seed"].text
    # every kind on the page: its glyph in its colour
    for label in driver.find_elements(By.CSS_SELECTOR, "#kg-legend label"):
        kind = KINDS[label.get_attribute("data-kind")]
        swatch = label.find_element(By.CLASS_NAME, "kg-swatch")
        assert driver.execute_script("return getComputedStyle(arguments[0]).color",
                                     swatch) == _rgb(kind.colour)
        assert kind.legend in label.text
    # and the drawing uses exactly those colours and shapes for the kinds
    groups = driver.execute_script("return kgViz.page.options.groups")
    assert all(groups[k]["color"]["background"] == KINDS[k].colour
               and groups[k]["shape"] == KINDS[k].shape for k in groups)


def _rgb(hex_colour: str) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


# Every word of every text in the panels, the header and an open tooltip must lie on one
# line: a Range over the word has one client rect (two when it is split). A break after a
# hyphen a title already has ("first-|line") is allowed; no hyphen may be added.
BROKEN_WORDS_JS = r"""
const out = [];
const roots = [...document.querySelectorAll(arguments[0])];
for (const root of roots) {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    if (!node.parentElement || !node.parentElement.getClientRects().length) continue;
    const re = /[^\s-]+-?/g;
    let m;
    while ((m = re.exec(node.data))) {
      const range = document.createRange();
      range.setStart(node, m.index);
      range.setEnd(node, m.index + m[0].length);
      const lines = new Set([...range.getClientRects()].filter(r => r.width > 0)
                            .map(r => Math.round(r.top)));
      if (lines.size > 1) out.push(m[0]);
    }
  }
}
const styles = [...document.querySelectorAll('body *')].map(e => getComputedStyle(e))
  .filter(s => s.overflowWrap === 'anywhere' || s.overflowWrap === 'break-word' ||
               s.wordBreak === 'break-all' || s.wordBreak === 'break-word' ||
               s.hyphens === 'auto');
return [out, styles.length];
"""


@pytest.mark.parametrize("width", [1600, 1100])
def test_no_word_is_broken_mid_word(real_page, width):
    driver, model = real_page
    driver.set_window_size(width, 900)
    # the longest card: the seed's (its description), then a tooltip on hover
    driver.execute_script("kgViz.pick(arguments[0])", SEED)
    x, y = driver.execute_script(
        "const p = kgViz.network.canvasToDOM(kgViz.network.getPosition(arguments[0]));"
        "return [p.x, p.y]", SEED)
    canvas = driver.find_element(By.CSS_SELECTOR, "#kg-network canvas")
    ActionChains(driver).move_to_element_with_offset(
        canvas, int(x - canvas.size["width"] / 2), int(y - canvas.size["height"] / 2)).perform()
    wait(driver, "const t = document.querySelector('div.vis-tooltip');"
                 "return t && t.style.visibility !== 'hidden'")
    broken, bad_styles = driver.execute_script(
        BROKEN_WORDS_JS, "header, #kg-side, #kg-info, div.vis-tooltip")
    assert broken == [] and bad_styles == 0
    # canvas labels are wrapped in Python at spaces: tests/viz/test_page.py checks them
