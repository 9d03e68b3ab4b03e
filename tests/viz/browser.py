"""Headless Chromium for the page tests and the benchmark, with the network cut off.

Debian's ``chromium`` and ``chromium-driver`` (``/usr/bin/chromium``,
``/usr/bin/chromedriver``); the driver path goes to a Service so Selenium Manager never
downloads anything. ``--host-resolver-rules="MAP * ~NOTFOUND"`` makes every outside host
fail to resolve, so a page that needed a CDN would visibly break.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import time
from pathlib import Path

CHROMIUM_CANDIDATES = ["/usr/bin/chromium", "chromium", "chromium-browser"]
DRIVER_CANDIDATES = ["/usr/bin/chromedriver", "chromedriver"]
FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", "--host-resolver-rules=MAP * ~NOTFOUND"]


def _which(candidates: list[str]) -> str | None:
    for name in candidates:
        found = shutil.which(name) or (name if Path(name).is_file() else None)
        if found:
            return found
    return None


def missing_reason() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    if _which(CHROMIUM_CANDIDATES) is None:
        return "no chromium binary (as root: apt-get install -y chromium chromium-driver)"
    if _which(DRIVER_CANDIDATES) is None:
        return "no chromedriver (as root: apt-get install -y chromium-driver)"
    return None


def offline_chrome(width: int = 1600, height: int = 1000):
    """A fresh headless Chromium (own profile directory) that cannot reach any host."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = _which(CHROMIUM_CANDIDATES) or ""
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--window-size={width},{height}")
    options.add_argument(f"--user-data-dir={tempfile.mkdtemp(prefix='kg-chrome-')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    return webdriver.Chrome(service=Service(_which(DRIVER_CANDIDATES)), options=options)


def open_page(driver, path: Path, timeout: float = 120.0) -> float:
    """Open a page from file:// and wait for its 'ready' flag (layout settled, physics off).
    Returns the seconds from navigation to ready."""
    driver.get_log("browser")  # drop messages from before this page
    driver.get_log("performance")
    start = time.perf_counter()
    driver.get(path.resolve().as_uri())
    deadline = start + timeout
    while time.perf_counter() < deadline:
        if driver.execute_script("return Boolean(window.kgViz && window.kgViz.ready)"):
            return time.perf_counter() - start
        time.sleep(0.05)
    raise TimeoutError(f"{path} was not ready after {timeout:.0f} s")


def outside_requests(driver) -> list[str]:
    """Every URL the browser asked for since the last call that is not file:, data:,
    about: or the browser's own chrome: pages."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            url = message["params"]["request"]["url"]
            if not url.startswith(("file:", "data:", "about:", "chrome:", "chrome-")):
                urls.append(url)
    return urls


def console_errors(driver) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
