"""The dashboard in a real browser: Playwright drives Debian's Chromium against uvicorn.

Skipped (with the reason) only when /usr/bin/chromium is missing; with
``PARADIPLOMACY_REQUIRE_BROWSER=1`` (CI) a missing browser fails instead. Any console error or
page error fails the test. Screenshots go to ``test-output/screenshots/``.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"


def _browser_missing() -> str | None:
    if not CHROMIUM.exists():
        return f"browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "browser tests need the playwright package"
    return None


@pytest.fixture(scope="module")
def browser_available() -> None:
    reason = _browser_missing()
    if reason:
        if os.environ.get("PARADIPLOMACY_REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(web_app: FastAPI, browser_available: None) -> Iterator[str]:
    """The app served by uvicorn on 127.0.0.1 in a background thread; its base URL."""
    yield from _serve(web_app)


@pytest.fixture(scope="module")
def sparse_server(sparse_assessment, browser_available: None) -> Iterator[str]:
    """The dashboard of the sparse ``partner`` ledger (tests/sparse_ledgers.py), served."""
    from paradiplomacy.web import create_app

    yield from _serve(create_app(sparse_assessment("partner")))


def _serve(web_app: FastAPI) -> Iterator[str]:
    port = _free_port()
    config = uvicorn.Config(web_app, host="127.0.0.1", port=port, log_level="warning")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            if httpx.get(f"{base}/static/style.css", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline or not thread.is_alive():
            srv.should_exit = True
            pytest.fail("the dashboard server did not start")
        time.sleep(0.1)
    yield base
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser(browser_available: None) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, request) -> Iterator[object]:
    """A fresh page; fails the test on any console error or page error."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    problems: list[str] = []
    page.on(
        "console",
        lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None,
    )
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    yield page
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{request.node.name}.png"), full_page=True)
    context.close()
    assert not problems, "\n".join(problems)


def test_overview_then_click_a_tile_to_the_region_page(page, server, web_assessment):
    page.goto(f"{server}/")
    assert page.locator("#synthetic-banner").is_visible()
    tiles = page.locator("a.tile")
    assert tiles.count() == len(web_assessment.regions)
    page.screenshot(path=str(_shot("overview")), full_page=True)
    page.click('a.tile[data-code="RU-TA"]')
    page.wait_for_url(f"{server}/region/RU-TA")
    assert "Tatarstan" in page.locator("h1").inner_text()
    assert page.locator("#records-table tbody tr").count() > 0


def test_overview_filters_client_side(page, server, web_assessment):
    table = web_assessment.regions_table()
    level = int(table["level"].iloc[0])
    page.goto(f"{server}/")
    page.select_option('select[name="level"]', str(level))
    visible = page.locator("#rankings tbody tr:not([hidden])")
    assert visible.count() == int((table["level"] == level).sum())
    assert f"level={level}" in page.url
    page.check('input[name="colour"][value="level"]')


def test_scenario_runs_without_reloading(page, server):
    page.goto(f"{server}/scenario?partner=DE&level=0")
    url = page.url
    rows = page.locator("#scenario-table tbody tr")
    before = page.locator("#scenario-table tbody").inner_text()
    page.evaluate("window.__marker = 'same page'")
    page.select_option("#scenario-partner", "US")
    page.select_option("#scenario-level", "3")
    page.check('input[name="close"][value="trade"]')
    with page.expect_response(lambda r: "/api/scenario?" in r.url and r.status == 200):
        page.click("#scenario-run")
    page.wait_for_function(
        "b => document.querySelector('#scenario-table tbody').innerText !== b", arg=before
    )
    assert page.url == url
    assert page.evaluate("window.__marker") == "same page"  # no navigation happened
    assert rows.count() > 0
    assert page.locator("#scenario-table tbody").inner_text() != before
    assert "United States" in page.locator("#scenario-title").inner_text()


def test_language_switch(page, server):
    page.goto(f"{server}/region/RU-TA")
    page.click("#lang-ru")
    page.wait_for_url("**/region/RU-TA?lang=ru")
    assert page.locator("h1").inner_text().startswith("Республика Татарстан")
    assert "СИНТЕТИЧЕСКИЕ" in page.locator("#synthetic-banner").inner_text()
    page.click("header nav a >> nth=0")
    page.wait_for_url("**/?lang=ru")
    assert page.locator("h1").inner_text() == "Обзор"
    page.click("#lang-en")
    page.wait_for_url("**/?lang=en")
    assert page.locator("h1").inner_text() == "Overview"


def _shot(name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS / f"{name}.png"


def test_sparse_overview_shows_coverage_and_insufficient_evidence(
    page, sparse_server, sparse_assessment
):
    a = sparse_assessment("partner")
    table = a.regions_table()
    short = set(table.loc[table["evidence"] == "insufficient", "code"])
    low = table.loc[table["level"] == 4, "code"]
    assert short and len(low)
    page.goto(f"{sparse_server}/")
    notice = page.locator("#coverage-notice")
    assert notice.is_visible()
    box = notice.bounding_box()
    assert box is not None and box["y"] < 1000  # on the first screen
    assert a.data_label() in page.locator("#data-label").inner_text()
    legend = page.locator("#tile-legend")
    assert "Insufficient evidence" in legend.inner_text()
    hatch = legend.locator(".swatch.insufficient").evaluate(
        "e => getComputedStyle(e).backgroundImage"
    )
    assert "repeating-linear-gradient" in hatch
    assert page.locator("a.tile.insufficient").count() == len(short)
    page.check("input[name=colour][value=level]")
    style = "e => [getComputedStyle(e).backgroundColor, getComputedStyle(e).backgroundImage]"
    short_colour, short_image = page.locator(f'a.tile[data-code="{sorted(short)[0]}"]').evaluate(
        style
    )
    low_colour, low_image = page.locator(f'a.tile[data-code="{low.iloc[0]}"]').evaluate(style)
    assert short_colour != low_colour and "gradient" in short_image and low_image == "none"
    page.screenshot(path=str(_shot("sparse-overview")), full_page=False)
