#!/usr/bin/env python3
"""Regenerate the pictures of the report in docs/, in headless Chromium:

- docs/report.png (in docs/report.md): the deals section of the full report in a 960x637 page, the 70 % stake's evidence pinned open;
- docs/report-kz-1280.png: the first screen of `report --country KZ` at 1280x900 (the summary);
- docs/report-kz-390.png: the same on a 390x844 phone (device emulation, the page's viewport meta honoured).

    python scripts/report_screenshot.py            # needs chromium, chromium-driver and selenium

Run it after a change to the page (report.html, html.py) or to the records it shows, and look at them.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"


def _page(work: Path, name: str, *args: str) -> Path:
    page = work / f"{name}.html"
    subprocess.run([sys.executable, "-m", "tungsten_cli", "report", "--html", str(page), *args], check=True)
    return page


def _viewport(driver: Any, width: int, height: int) -> None:
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600}
    )


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="tungsten-shot-"))
    try:
        full, kz = _page(work, "report"), _page(work, "kz", "--country", "KZ")
        options = webdriver.ChromeOptions()
        options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
        for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars"):
            options.add_argument(arg)
        options.add_argument(f"--user-data-dir={work / 'profile'}")
        options.add_argument("--window-size=1280,1000")
        options.add_argument("--force-device-scale-factor=1")
        driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)
        try:
            driver.get(full.as_uri())
            _viewport(driver, 960, 637)
            driver.find_element("css selector", 'nav a[href="#deals"]').click()
            driver.find_element("css selector", '#deals article.featured a.num[data-ref="cove-kaz-tau-ken-jv-2025-11"]').click()
            driver.save_screenshot(str(DOCS / "report.png"))
            driver.get(kz.as_uri())
            for width, height in ((1280, 900), (390, 844)):
                _viewport(driver, width, height)
                driver.execute_script("window.scrollTo(0, 0)")
                driver.save_screenshot(str(DOCS / f"report-kz-{width}.png"))
        finally:
            driver.quit()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("wrote docs/report.png, docs/report-kz-1280.png, docs/report-kz-390.png", file=sys.stderr)


if __name__ == "__main__":
    main()
