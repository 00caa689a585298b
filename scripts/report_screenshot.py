#!/usr/bin/env python3
"""Regenerate docs/report.png, the picture in docs/report.md: the deals section in a 960x637
window of headless Chromium, with the 70 % stake's evidence pinned open.

    python scripts/report_screenshot.py            # needs chromium, chromium-driver and selenium

Run it after a change to the page (report.html, html.py) or to the deals it shows, and look at it.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "docs" / "report.png"
WIDTH, HEIGHT = 960, 637


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="tungsten-shot-"))
    try:
        page = work / "report.html"
        subprocess.run([sys.executable, "-m", "tungsten_cli", "report", "--html", str(page)], check=True)
        options = webdriver.ChromeOptions()
        options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
        for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars"):
            options.add_argument(arg)
        options.add_argument(f"--user-data-dir={work / 'profile'}")
        options.add_argument(f"--window-size={WIDTH},{HEIGHT}")
        options.add_argument("--force-device-scale-factor=1")
        driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)
        try:
            driver.get(page.as_uri())
            inner_w, inner_h = driver.execute_script("return [window.innerWidth, window.innerHeight]")
            driver.set_window_size(WIDTH + WIDTH - inner_w, HEIGHT + HEIGHT - inner_h)  # the page, not the window, is 960x637
            driver.find_element("css selector", 'nav a[href="#deals"]').click()
            driver.find_element("css selector", '#deals article.featured a.num[data-ref="cove-kaz-tau-ken-jv-2025-11"]').click()
            driver.save_screenshot(str(TARGET))
        finally:
            driver.quit()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"wrote {TARGET.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
