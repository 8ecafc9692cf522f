"""What the browser tests share: a served app, Debian's Chromium, and a walk that waits, screenshots and checks.

Each server is ``streamlit run app.py`` on a free loopback port, stopped when its
``with`` block ends (the ``server`` and ``shots`` fixtures are in conftest). ``Walk``
holds one page: it waits until the app has finished running, saves screenshots, and
fails a page that shows a traceback, an apology for a bug, or a Python value such as ``None``.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from ui_support import ROOT

if TYPE_CHECKING:
    from playwright.sync_api import Page

CHROMIUM = "/usr/bin/chromium"
NEEDS_CHROMIUM = pytest.mark.skipif(
    not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (apt-get install chromium)"
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WAIT_MS = 120_000  # generous: two shared cores, and the first question loads the embedding model
# What a user must never read: Python's None, True or False, a list's brackets and quotes, a traceback, the
# apology shown for a bug.
NOT_FOR_USERS = re.compile(r"\b(None|True|False)\b|\['|Traceback \(most recent call last\)|Something went wrong")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(
    data_dir: Path, log_path: Path, port: int | None = None, args: Sequence[str] = (), env: dict[str, str] | None = None
) -> Iterator[str]:
    """A fresh ``streamlit run app.py`` on ``port`` (a free one by default), reading the library in ``data_dir``,
    with extra command-line ``args`` and environment variables ``env``; stopped on exit."""
    with server_process(data_dir, log_path, port, args, env) as (_, url):
        yield url


@contextmanager
def server_process(
    data_dir: Path, log_path: Path, port: int | None = None, args: Sequence[str] = (), env: dict[str, str] | None = None
) -> Iterator[tuple[subprocess.Popen, str]]:
    """``serve``, with the server's process too, for tests that kill it; stopped on exit if it still runs."""
    port = port or free_port()
    env = {**os.environ, **(env or {}), "MEDLIT_DATA_DIR": str(data_dir)}
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.address", "127.0.0.1"]
    command += ["--server.port", str(port), "--server.headless", "true", *args]
    log = log_path.open("w")
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                    if answer.read() == b"ok":
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(log_path.read_text()) from None
                time.sleep(0.3)
        yield process, url
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@contextmanager
def chromium_page(**options) -> Iterator[Page]:
    """One page of a headless Chromium (``options`` go to ``new_page``), with the tests' generous timeouts."""
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, **options)
        page.set_default_timeout(WAIT_MS)
        expect.set_options(timeout=WAIT_MS)
        try:
            yield page
        finally:
            browser.close()


def compact(path: Path) -> None:
    """Rewrite a screenshot in 128 colours: a third of the size in the repository, and text stays sharp (no
    dithering)."""
    from PIL import Image

    with Image.open(path) as shot:
        fewer = shot.convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    fewer.save(path, optimize=True)


class Walk:
    """A person's way through the app in one page: go to a page, wait for it, screenshot it, check what it shows."""

    def __init__(self, page: Page, shots: Path):
        self.page, self.shots = page, shots

    def settle(self) -> None:
        """Wait until the app has finished running (no skeleton, spinner or running indicator)."""
        self.page.wait_for_function(
            "document.querySelector('[data-testid=stMain]') !== null"
            " && document.querySelectorAll('[data-testid=stSkeleton], [data-testid=stSpinner]').length == 0"
            " && document.querySelectorAll('[data-stale=true]').length == 0"
            " && !document.querySelector('[data-testid=stStatusWidgetRunningIcon]')"
        )

    def shoot(self, name: str) -> None:
        """A screenshot of the whole page (up to 4,000 pixels high) as ``<name>.png``."""
        self.settle()
        self.page.wait_for_timeout(500)  # an expander just clicked opens with an animation
        height = self.page.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight")
        self.page.set_viewport_size({"width": 1400, "height": max(1000, min(height + 20, 4000))})
        path = self.shots / f"{name}.png"
        self.page.screenshot(path=str(path))
        self.page.set_viewport_size({"width": 1400, "height": 1000})
        compact(path)

    def go(self, title: str, heading: str | None = None) -> None:
        """Open a page from the sidebar menu, as a person would, and wait for its ``heading`` (the page title by
        default): until the new page has drawn, the old one is still there to be clicked by mistake."""
        from playwright.sync_api import expect

        self.page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
        expect(self.page.get_by_role("heading", name=heading or title, exact=True)).to_be_visible()
        self.settle()

    def shown_text(self) -> str:
        """What the page shows: its visible text, the values in its text boxes and selects, its table cells."""
        return self.page.evaluate(
            """() => [
                document.body.innerText,
                ...[...document.querySelectorAll(
                    'input:not([type=checkbox]):not([type=radio]):not([type=file]):not([type=hidden]), textarea'
                )].map(e => e.value),
                ...[...document.querySelectorAll('[role=gridcell]')].map(e => e.textContent),
            ].join('\\n')"""
        )

    def check_shown(self, where: str) -> None:
        """Fail when the page shows an exception, a traceback, the apology for a bug or a Python value as written."""
        self.settle()
        shown = self.shown_text()
        found = NOT_FOR_USERS.search(shown)
        context = shown[max(0, found.start() - 200) : found.end() + 200] if found else ""
        assert found is None, f"{where} shows {found.group()!r}: …{context}…"
        assert self.page.get_by_test_id("stException").count() == 0, where
