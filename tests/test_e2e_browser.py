"""End to end in a real browser: import, ask, open the cited article, collect it, export RIS; article links.

Each test starts ``streamlit run app.py`` on a free loopback port, drives
Debian's Chromium headless through the pages as a librarian would, and stops the
server at the end. The long walk starts from an empty library and saves a
screenshot of every page to ``$MEDLIT_SCREENSHOTS_DIR`` (the README's
docs/screenshots) or the test's tmp dir.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest
from ui_support import IMPORT_RECORDS, ROOT, pubmed_xml

from tests.library_support import ASTHMA, FIXTURE_ARTICLES

CHROMIUM = "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed (apt-get install chromium)"
    ),
]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WAIT_MS = 120_000  # generous: two shared cores, and the first question loads the embedding model
SCRIPT_RECORD = {
    "pmid": "93000099",
    "title": "<script>window.pwned=1</script> Sleep **claims** in [brackets]",
    "year": 2021,
    "abstract": {"RESULTS": "An abstract that says <img src=x onerror=window.pwned=2> in plain text."},
    "mesh": ["Sleep"],
}


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


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    """The app with an empty library in ``tmp_path``; stopped after the test."""
    with serve(tmp_path / "library", tmp_path / "server.log") as url:
        yield url


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("MEDLIT_SCREENSHOTS_DIR") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_import_ask_open_collect_export(server: str, shots: Path, tmp_path: Path):
    from playwright.sync_api import expect, sync_playwright

    upload = tmp_path / "sepsis-and-sleep.xml"
    upload.write_bytes(pubmed_xml([*IMPORT_RECORDS, SCRIPT_RECORD]))

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        page.set_default_timeout(WAIT_MS)
        expect.set_options(timeout=WAIT_MS)

        def settle() -> None:
            """Wait until the app has finished running (no skeleton, spinner or running indicator)."""
            page.wait_for_function(
                "document.querySelector('[data-testid=stMain]') !== null"
                " && document.querySelectorAll('[data-testid=stSkeleton], [data-testid=stSpinner]').length == 0"
                " && document.querySelectorAll('[data-stale=true]').length == 0"
                " && !document.querySelector('[data-testid=stStatusWidgetRunningIcon]')"
            )

        def shoot(name: str) -> None:
            settle()
            height = page.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight")
            page.set_viewport_size({"width": 1400, "height": max(1000, min(height + 20, 4000))})
            page.screenshot(path=str(shots / f"{name}.png"))
            page.set_viewport_size({"width": 1400, "height": 1000})

        def go(title: str) -> None:
            page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
            settle()

        # A fresh server opened on a page's own address still shows the whole app (menu, sidebar).
        page.goto(f"{server}/library")
        expect(page.get_by_text("0 articles in the library")).to_be_visible()
        expect(page.get_by_test_id("stSidebarNav").get_by_role("link", name="Collections")).to_be_visible()

        # An empty library says what to do and links to Import.
        page.goto(server)
        expect(page.get_by_text("The library is empty")).to_be_visible()
        shoot("empty-library")
        page.get_by_role("link", name="Go to Import to add PubMed records").click()

        # Import: upload a PubMed XML file; it runs in the background with a progress bar.
        expect(page.get_by_role("heading", name="Import PubMed records")).to_be_visible()
        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(upload)
        expect(page.get_by_text("sepsis-and-sleep.xml")).to_be_visible()
        page.get_by_role("button", name="Import files").click()
        expect(page.get_by_text("Import finished")).to_be_visible()
        expect(page.get_by_text("11 added")).to_be_visible()
        expect(page.get_by_role("button", name="Cancel import")).to_have_count(0)  # the page redrew after the end
        shoot("import")

        # Ask: a cited answer from the imported records.
        go("Ask")
        page.get_by_label("Your question").fill("Does procalcitonin guidance shorten antibiotic treatment in sepsis?")
        page.get_by_role("button", name="Ask").click()
        expect(page.get_by_role("heading", name="Cited articles")).to_be_visible()
        first_source = page.get_by_test_id("stExpander").first
        expect(first_source).to_contain_text("Procalcitonin-guided antibiotic duration in sepsis")
        first_source.get_by_text("Procalcitonin-guided antibiotic duration in sepsis").click()
        expect(first_source.locator("mark, span").filter(has_text="shortened antibiotic therapy").first).to_be_visible()
        shoot("ask")

        # Open the cited article.
        first_source.get_by_role("link", name="Open full record").click()
        expect(page.get_by_role("heading", name="Procalcitonin-guided antibiotic duration in sepsis")).to_be_visible()
        expect(page.get_by_text("PMID", exact=False).first).to_be_visible()
        assert "pmid=93000001" in page.url

        # Add it to a new collection.
        page.get_by_label("…or a new collection").fill("Sepsis reading")
        page.get_by_role("button", name="Add", exact=True).click()
        expect(page.get_by_text("Added to “Sepsis reading”")).to_be_visible()
        shoot("article")

        # Collections: export RIS and read the downloaded file.
        go("Collections")
        expect(page.get_by_role("combobox", name="Collection")).to_have_value("Sepsis reading (1 article)")
        shoot("collections")
        page.get_by_role("tab", name="Export").click()
        with page.expect_download() as download:
            page.get_by_role("button", name="RIS (Zotero, EndNote)").click()
        ris = Path(download.value.path()).read_text(encoding="utf-8")
        assert download.value.suggested_filename == "sepsis-reading.ris"
        assert ris.startswith("TY  - JOUR\n")
        assert "TI  - Procalcitonin-guided antibiotic duration in sepsis" in ris
        assert "AN  - 93000001" in ris and "AU  - Lindqvist, B" in ris and "ER  - " in ris
        page.get_by_role("tab", name="Export").click()
        shoot("collections-export")

        # Record text is text: the <script> title shows literally and never runs.
        page.goto(f"{server}/article?pmid=93000099")
        expect(page.get_by_text("<script>window.pwned=1</script> Sleep **claims** in [brackets]")).to_be_visible()
        expect(page.get_by_text("<img src=x onerror=window.pwned=2>", exact=False)).to_be_visible()
        assert page.evaluate("window.pwned") is None

        # The other pages, for the record.
        go("Search")
        page.get_by_label("Search words").fill("sepsis antibiotics")
        page.get_by_role("button", name="Search").click()
        expect(page.get_by_text("Procalcitonin-guided antibiotic duration in sepsis").first).to_be_visible()
        shoot("search")
        go("Summaries")
        page.get_by_label("Topic").fill("sleep")
        page.get_by_role("button", name="Summarise").click()
        expect(page.get_by_text("Articles in this theme").first).to_be_visible()
        shoot("summaries")
        go("Library")
        expect(page.get_by_text("Store and index check")).to_be_visible()
        shoot("library")
        assert page.get_by_test_id("stException").count() == 0
        browser.close()

    assert {p.stem for p in shots.glob("*.png")} >= {"ask", "search", "article", "collections", "import", "library"}


def test_an_article_link_opened_first_on_a_fresh_server_shows_the_whole_app(fixture_library, tmp_path: Path):
    """Streamlit's legacy pages-folder mode would run pages/article.py alone here (see pages/_shared/boot.py)."""
    from playwright.sync_api import expect, sync_playwright

    article = next(a for a in FIXTURE_ARTICLES if a.pmid == ASTHMA[0])
    with serve(fixture_library.settings.data_dir, tmp_path / "server.log") as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(WAIT_MS)
        expect.set_options(timeout=WAIT_MS)

        page.goto(f"{url}/article?pmid={article.pmid}")

        expect(page.get_by_role("heading", name=article.title)).to_be_visible()
        menu = page.get_by_test_id("stSidebarNav")
        expect(menu.get_by_role("link", name="Import", exact=True)).to_be_visible()  # app.py's titles, not file names
        expect(page.get_by_text(f"{len(FIXTURE_ARTICLES)} articles in the library")).to_be_visible()
        assert f"/article?pmid={article.pmid}" in page.url
        assert page.get_by_test_id("stException").count() == 0
        browser.close()
