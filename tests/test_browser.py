"""The HTML report in a real headless Chromium: content in the DOM, numbers reveal their quotes, no console errors.

Uses Debian's chromium and chromium-driver (`.ci/run` installs them); skipped, saying why, when
either or selenium is missing.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import run

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install '.[test]')")
pytestmark = pytest.mark.skipif(
    not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()),
    reason=f"no browser: {CHROMIUM} or {CHROMEDRIVER} is missing (apt-get install chromium chromium-driver); only the browser tests are skipped",
)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from selenium.webdriver.chrome.service import Service

    target = tmp_path_factory.mktemp("report") / "report.html"
    result = run("report", "--html", str(target))
    assert result.exit_code == 0, result.stderr
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="tungsten-chromium-")
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
        "--window-size=1100,900",
    ):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        driver.get(target.as_uri())
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _pop(driver: Any) -> Any:
    return driver.find_element("id", "pop")


def test_deposits_deal_and_quotes_are_in_the_dom(browser: Any) -> None:
    deposits = browser.find_element("id", "deposits").text
    assert "Upper Kairakty" in deposits and "1,216,000 t WO3" in deposits
    featured = browser.find_element("css selector", "#deals article.featured").text
    assert "Cove Kaz Capital Group 70 %" in featured and "Tau-Ken Samruk 30 %" in featured
    assert "70% und dem kasachischen Staatsunternehmen Tau-Ken Samruk mit 30%" in browser.find_element(
        "id", "ev-cove-kaz-tau-ken-jv-2025-11"
    ).get_attribute("textContent")


def test_hovering_a_number_reveals_its_quote(browser: Any) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    number = browser.find_element("css selector", '#deposits a.num[data-ref="upper-kairakty"]')
    ActionChains(browser).move_to_element(number).perform()
    pop = _pop(browser)
    assert pop.is_displayed()
    assert "Reserven von 1.216 Millionen Tonnen" in pop.text and "SunSirs" in pop.text


def test_clicking_a_number_pins_its_quote_and_escape_closes_it(browser: Any) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    stake = browser.find_element("css selector", '#deals article.featured a.num[data-ref="cove-kaz-tau-ken-jv-2025-11"]')
    stake.click()
    assert "Tau-Ken Samruk mit 30%" in _pop(browser).text and "contradicted" in _pop(browser).text
    ActionChains(browser).move_to_element(browser.find_element("css selector", "header h1")).perform()
    assert _pop(browser).is_displayed(), "a click pins the pop-up"
    ActionChains(browser).send_keys(Keys.ESCAPE).perform()
    assert not _pop(browser).is_displayed()


def test_hovering_a_chart_bar_reveals_its_quote(browser: Any) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    bar = browser.find_element("css selector", '#production a.svgnum[data-ref="usgs-mine-production-cn-2024"] rect')
    ActionChains(browser).move_to_element(bar).perform()
    assert "67,000" in _pop(browser).text and "Mineral Commodity Summaries" in _pop(browser).text


def test_no_console_errors(browser: Any) -> None:
    browser.refresh()
    problems = [entry for entry in browser.get_log("browser") if entry["level"] in ("SEVERE", "WARNING")]
    assert problems == []


@pytest.mark.parametrize("width", [500, 1100])
def test_a_contents_jump_leaves_the_heading_below_the_sticky_menu(browser: Any, width: int) -> None:
    """In a narrow window the menu wraps onto several lines; a jump must not hide the heading under it."""
    browser.set_window_size(width, 900)
    try:
        for section in ("deals", "production", "sources"):
            browser.find_element("css selector", f'nav a[href="#{section}"]').click()
            heading, menu = browser.execute_script(
                "return [document.querySelector(arguments[0]).getBoundingClientRect().top,"
                " document.querySelector('nav').getBoundingClientRect().bottom]",
                f"#{section} h2",
            )
            assert heading >= menu, f"#{section}: heading at {heading}px, under the menu ending at {menu}px ({width}px window)"
    finally:
        browser.set_window_size(1100, 900)


def test_a_number_keeps_its_unit_on_its_line_in_a_narrow_window(browser: Any) -> None:
    """`70 %` must not end a line with `70` (it did at 360, 380 and 480 px): where a number breaks depends on the width, so sweep."""
    count = "return Array.from(document.querySelectorAll('a.num')).filter(n => n.getClientRects().length > 1).map(n => n.textContent)"
    try:
        for width in range(360, 561, 20):
            browser.set_window_size(width, 900)
            assert browser.execute_script(count) == [], f"numbers broken across lines at {width}px"
    finally:
        browser.set_window_size(1100, 900)
