"""The page loads nothing from outside the machine: every request a browser makes goes to the app's own host.

A clinic's browser must not tell a font service, an analytics host or a CDN that someone is
looking up a patient's condition. This drives Debian's Chromium through every page of a
running app (``streamlit run`` on a loopback port, started and stopped by the test), lists every
request and WebSocket the pages open, and finds only the app's own address. Usage statistics
are off in ``.streamlit/config.toml``.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from urllib.parse import urlparse

import pytest
from browser_support import CHROMIUM, CHROMIUM_ARGS, WAIT_MS
from ui_support import ROOT

PAGES = ["", "search", "article?pmid=1", "summaries", "collections", "whats_new", "import_records", "library"]


def test_usage_statistics_are_off() -> None:
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["browser"]["gatherUsageStats"] is False


@pytest.mark.browser
def test_every_request_goes_to_the_app_itself(server: str, tmp_path: Path) -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    own = urlparse(server).netloc
    seen: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.set_default_timeout(WAIT_MS)
        page.on("request", lambda request: seen.append(request.url))
        page.on("websocket", lambda socket: seen.append(socket.url))
        for path in PAGES:
            page.goto(f"{server}/{path}")
            expect(page.get_by_test_id("stSidebarNav")).to_be_visible(timeout=WAIT_MS)
            page.wait_for_function(
                "document.querySelectorAll('[data-testid=stSkeleton], [data-testid=stSpinner]').length == 0"
                " && !document.querySelector('[data-testid=stStatusWidgetRunningIcon]')"
            )
            page.wait_for_timeout(500)  # late requests (fonts, icons) of the page
        browser.close()
    outside = sorted(
        {url for url in seen if urlparse(url).scheme not in ("data", "blob") and urlparse(url).netloc != own}
    )
    assert seen and not outside, outside
    assert any(url.startswith("ws://") for url in seen)  # the app's own WebSocket was seen: the listing works
