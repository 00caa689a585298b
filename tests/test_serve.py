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


def _started(monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[list[str], Any]:
    """What `tungsten serve ARGS` would run, and its result, with Datasette's start replaced by a recorder."""
    from tungsten_cli.commands import serve

    started: list[list[str]] = []
    monkeypatch.setattr(serve, "datasette_missing", lambda: False)
    monkeypatch.setattr(serve, "run_datasette", started.append)
    result = run("serve", *args)
    assert result.exit_code == 0, result.stderr
    (argv,) = started
    assert argv[1:4] == ["-m", "datasette", "serve"]
    return argv[3:], result


def test_serve_binds_loopback_by_default_on_a_fresh_export(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TUNGSTEN_CACHE_DIR", str(tmp_path))
    argv, result = _started(monkeypatch)
    assert argv[argv.index("--host") + 1] == "127.0.0.1" and argv[argv.index("--port") + 1] == "8001"
    assert "--open" not in argv and "-i" in argv, "read-only"
    database = Path(argv[argv.index("-i") + 1])
    assert database == tmp_path / "serve" / "tungsten.db" and database.stat().st_size > 0
    assert Path(argv[argv.index("-m") + 1]) == tmp_path / "serve" / "metadata.json"
    assert result.stderr == f"serving {database} at http://127.0.0.1:8001/tungsten/records (Ctrl-C stops)\n"


def test_without_a_cache_folder_one_line_says_what_to_change(monkeypatch: pytest.MonkeyPatch) -> None:
    from tungsten_cli.commands import serve

    monkeypatch.setattr(serve, "datasette_missing", lambda: False)
    monkeypatch.setenv("TUNGSTEN_NO_CACHE", "1")
    result = run("serve")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == (
        "tungsten: error: tungsten serve writes its database into the cache folder, and this run has none: "
        "drop --no-cache and TUNGSTEN_NO_CACHE, or set TUNGSTEN_CACHE_DIR\n"
    )


def test_another_host_is_an_explicit_choice_and_warned_about(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TUNGSTEN_CACHE_DIR", str(tmp_path))
    argv, result = _started(monkeypatch, "--host", "0.0.0.0", "--port", "9000", "--open")
    assert argv[argv.index("--host") + 1] == "0.0.0.0" and "--open" in argv
    assert result.stderr.startswith("tungsten: warning: --host 0.0.0.0: other machines can reach this server\n")
    from tungsten_cli.commands.serve import is_loopback

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
