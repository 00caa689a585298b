"""`tungsten serve`: the facts in Datasette on a loopback port, searched and followed to their citations
in headless Debian chromium; without Datasette, one line saying how to install it.

The server runs on a free 127.0.0.1 port, every wait is bounded, and the server's process group is
always killed. Skipped, saying why, only where chromium, chromedriver, selenium or the web extra is missing.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import CHROMEDRIVER, CHROMIUM, headless_chromium, run

START_TIMEOUT = 60.0
WAIT = 20.0


def test_without_datasette_one_line_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    from tungsten_cli.commands import serve

    monkeypatch.setattr(serve, "datasette_missing", lambda: True)
    result = run("serve")
    assert result.exit_code == 2
    assert result.stderr == f"tungsten: error: {serve.INSTALL}\n" and "pip install 'tungsten-cli[web]'" in result.stderr
    assert result.stdout == ""


def test_the_server_binds_loopback_unless_told_otherwise() -> None:
    from tungsten_cli.commands.serve import datasette_argv, is_loopback

    argv = datasette_argv(Path("t.db"), Path("m.json"), "127.0.0.1", 8001, open_browser=False)
    assert argv[argv.index("--host") + 1] == "127.0.0.1" and "--open" not in argv and "-i" in argv
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("example.org")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`tungsten serve` on a free loopback port until the module's tests are done, then killed."""
    pytest.importorskip("datasette", reason="the web extra is not installed (pip install '.[web]')")
    port = _free_port()
    env = {**os.environ, "TUNGSTEN_CACHE_DIR": str(tmp_path_factory.mktemp("serve-cache"))}
    log = tmp_path_factory.mktemp("serve-log") / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "tungsten_cli", "serve", "--port", str(port)],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                with urllib.request.urlopen(f"{url}/-/versions.json", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            assert server.poll() is None, log.read_text(errors="replace")
            assert time.monotonic() < deadline, f"no answer on {url} within {START_TIMEOUT:g} s: {log.read_text(errors='replace')}"
            time.sleep(0.2)
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)


def test_serve_answers_on_loopback_with_the_metadata(served: str) -> None:
    with urllib.request.urlopen(f"{served}/-/metadata.json", timeout=WAIT) as answer:
        assert b"fts_table" in answer.read()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install '.[test]')")
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.skip(f"no browser: {CHROMIUM} or {CHROMEDRIVER} is missing (apt-get install chromium chromium-driver)")
    with headless_chromium(1200, 900) as driver:
        driver.set_page_load_timeout(WAIT)
        yield driver


def test_search_kairakty_and_follow_it_to_its_citations(served: str, browser: Any) -> None:
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    wait = WebDriverWait(browser, WAIT)
    browser.get(f"{served}/tungsten/records")
    box = browser.find_element("css selector", 'input[name="_search"]')
    box.send_keys("kairakty")
    box.submit()
    wait.until(expected_conditions.url_contains("_search=kairakty"))
    table = browser.find_element("css selector", "table.rows-and-columns").text
    assert "Upper Kairakty" in table
    assert "Wabtec" not in table, "the search narrows the rows"
    browser.find_element("css selector", 'a[href$="/tungsten/records/upper-kairakty"]').click()
    wait.until(expected_conditions.url_contains("/tungsten/records/upper-kairakty"))
    assert "Links from other tables" in browser.find_element("tag name", "body").text
    browser.find_element("css selector", 'a[href$="/tungsten/citations?record_id=upper-kairakty"]').click()
    wait.until(expected_conditions.url_contains("/tungsten/citations?record_id=upper-kairakty"))
    citations = browser.find_element("css selector", "table.rows-and-columns").text
    assert "Upper Kairakty" in citations, "the deposit's quotes name it"
    assert "sunsirs-2025-11-21" in citations
