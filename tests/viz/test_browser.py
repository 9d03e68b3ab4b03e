"""The page in a real headless Chromium, opened from file:// with every outside host
unresolvable: it draws exactly the view model, fetches nothing, logs no error, its search
box and type filter change what is shown, and hostile text stays text.

What the researcher sees first is checked in tests/viz/test_first_view.py. Writes
output/graph.png (the default page as `kg run` writes it) for people to look at. No timing
assertions: the benchmark measures speed.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from kg import resources
from kg.io import atomic_write_bytes
from kg.rdf import iris
from kg.views.viz import write_viz
from kg.views.viz.synthetic import synthetic_graph
from tests.viz.browser import console_errors, open_page, outside_requests
from tests.viz.conftest import HOSTILE_DRUG, HOSTILE_TITLE
from tests.viz.pages import BOXES_JS, counts, overlapping_boxes, wait

pytestmark = pytest.mark.browser


def _assert_no_alert(driver) -> None:
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text  # noqa: B018


def test_draws_the_view_model_offline_without_errors(real_page):
    driver, model = real_page
    assert console_errors(driver) == []
    assert outside_requests(driver) == []
    data = driver.execute_script(
        "const n = kgViz.network; return [kgViz.nodes.length, kgViz.edges.length,"
        " Object.keys(n.body.nodes).sort(), n.physics.physicsEnabled]")
    assert data[:2] == [len(model.nodes), len(model.edges)]  # the whole page is embedded
    assert data[2] == sorted(model.near)  # and it opens on the neighbourhood
    assert data[3] is False  # physics off once settled
    legend = driver.find_elements(By.CSS_SELECTOR, "#kg-legend input[type=checkbox]")
    assert {e.get_attribute("data-kind") for e in legend} == {n.kind for n in model.nodes}
    atomic_write_bytes(resources.DEFAULT_OUTPUT / "graph.png", driver.get_screenshot_as_png())


def test_search_box_shows_matches_and_their_neighbours(real_page):
    driver, model = real_page
    total = len(model.nodes)
    box = driver.find_element(By.ID, "kg-search")
    box.send_keys("toripalimab")  # a drug outside the first view: the whole graph opens
    found = wait(driver, "const c = kgViz.counts(); return kgViz.ready && c.matches ? c : null")
    assert driver.execute_script("return kgViz.scope") == "all"
    assert found["inScope"] == total
    assert 0 < found["visible"] < total and found["hidden"] == total - found["visible"]
    assert "match" in driver.find_element(By.ID, "kg-status").text
    box.send_keys(Keys.ENTER)
    details = driver.find_element(By.CSS_SELECTOR, "#kg-details h3").text
    assert "toripalimab" in details.lower()
    box.clear()
    box.send_keys(" ", Keys.BACK_SPACE)
    wait(driver, "return kgViz.counts().hidden === 0")


def test_type_filter_hides_and_shows_a_kind(real_page):
    driver, model = real_page
    driver.find_element(By.ID, "kg-scope-all").click()
    wait(driver, "return kgViz.ready && kgViz.scope === 'all'")
    authors = sum(1 for n in model.nodes if n.kind == "author")
    toggle = driver.find_element(By.CSS_SELECTOR, "#kg-legend input[data-kind='author']")
    toggle.click()
    assert counts(driver)["hidden"] == authors
    toggle.click()
    assert counts(driver)["hidden"] == 0
    assert console_errors(driver) == [] and outside_requests(driver) == []


def test_related_studies_are_listed_with_scores(real_page):
    driver, model = real_page
    related = [n for n in model.nodes if n.related]
    if not related:
        pytest.skip("kg.views.related found nothing (or is not importable yet)")
    items = driver.find_elements(By.CSS_SELECTOR, "#kg-related li")
    assert len(items) == len(related)
    best = max(n.related[0] for n in related)
    assert items[0].find_element(By.CLASS_NAME, "kg-score").text == f"{best:g}"


def test_large_graph_is_capped_with_a_visible_message(chrome, tmp_path: Path):
    path = tmp_path / "big.html"
    summary = write_viz(synthetic_graph(1500), path, max_nodes=300)
    open_page(chrome, path)
    assert counts(chrome)["total"] == summary.nodes_drawn == 300
    # no bundled trial to open around: everything is drawn, and no scope switch is offered
    assert counts(chrome)["inScope"] == 300
    assert not chrome.find_element(By.ID, "kg-scope").is_displayed()
    notes = chrome.find_element(By.ID, "kg-notes").text
    assert "Left out" in notes and "--focus" in notes
    assert overlapping_boxes(chrome.execute_script(BOXES_JS)) == []  # labels apart here too
    assert "overlap" not in chrome.find_element(By.ID, "kg-status").text
    assert console_errors(chrome) == [] and outside_requests(chrome) == []


def test_hostile_text_shows_as_text_and_runs_nothing(chrome, hostile_graph, tmp_path: Path):
    path = tmp_path / "hostile.html"
    write_viz(hostile_graph, path, title=HOSTILE_TITLE)
    open_page(chrome, path)
    _assert_no_alert(chrome)
    assert chrome.title == HOSTILE_TITLE
    # the details panel, through the real search box
    box = chrome.find_element(By.ID, "kg-search")
    box.send_keys("NCT00000001", Keys.ENTER)
    heading = chrome.find_element(By.CSS_SELECTOR, "#kg-details h3")
    assert heading.text == HOSTILE_TITLE
    assert "<b>RECRUITING</b>" in chrome.find_element(By.ID, "kg-details").text
    # the hover tooltip, by moving the mouse onto the drug node
    drug = str(iris.drug("evil"))
    x, y = chrome.execute_script(
        "const p = kgViz.network.canvasToDOM(kgViz.network.getPosition(arguments[0]));"
        "return [p.x, p.y]", drug)
    canvas = chrome.find_element(By.CSS_SELECTOR, "#kg-network canvas")
    ActionChains(chrome).move_to_element_with_offset(
        canvas, int(x - canvas.size["width"] / 2), int(y - canvas.size["height"] / 2)).perform()
    tip = wait(chrome, "const t = document.querySelector('div.vis-tooltip');"
                       "return t && t.style.visibility !== 'hidden' ? t.textContent : null")
    assert HOSTILE_DRUG in tip
    injected = chrome.execute_script(
        "return document.querySelectorAll('img, svg, iframe, [onerror], [onload], "
        "a[href^=\"javascript\"]').length")
    assert injected == 0
    links = chrome.execute_script(
        "return [...document.querySelectorAll('a')].map(a => a.protocol)")
    assert set(links) <= {"https:", "http:"}
    _assert_no_alert(chrome)
    assert console_errors(chrome) == [] and outside_requests(chrome) == []


def test_the_request_detector_sees_outside_requests(chrome, tmp_path: Path):
    """Guards the assertions above: a page that does fetch from a host is caught."""
    path = tmp_path / "leaky.html"
    path.write_text('<html><body><img src="https://cdn.example.org/x.png"></body></html>',
                    encoding="utf-8")
    chrome.get_log("performance")
    chrome.get(path.as_uri())
    time.sleep(0.3)
    assert outside_requests(chrome) == ["https://cdn.example.org/x.png"]
    chrome.get_log("browser")  # its failed load is expected here
