"""End to end in a real browser: import, ask, open the cited article, collect it, export RIS; article links.

Each test starts ``streamlit run app.py`` on a free loopback port, drives
Debian's Chromium headless through the pages as a librarian would, and stops the
server at the end. The long walk starts from an empty library and saves a
screenshot of every page to ``$MEDLIT_SCREENSHOTS_DIR`` (the README's
docs/screenshots) or the test's tmp dir.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_support import NEEDS_CHROMIUM, Walk, chromium_page, serve
from ui_support import IMPORT_RECORDS, pubmed_xml

from tests.library_support import ASTHMA, FIXTURE_ARTICLES

pytestmark = [pytest.mark.browser, NEEDS_CHROMIUM]
SCRIPT_RECORD = {
    "pmid": "93000099",
    "title": "<script>window.pwned=1</script> Sleep **claims** in [brackets]",
    "year": 2021,
    "abstract": {"RESULTS": "An abstract that says <img src=x onerror=window.pwned=2> in plain text."},
    "mesh": ["Sleep"],
}


def test_import_ask_open_collect_export(server: str, shots: Path, tmp_path: Path):
    from playwright.sync_api import expect

    upload = tmp_path / "sepsis-and-sleep.xml"
    upload.write_bytes(pubmed_xml([*IMPORT_RECORDS, SCRIPT_RECORD]))

    with chromium_page(accept_downloads=True) as page:
        walk = Walk(page, shots)
        shoot, go = walk.shoot, walk.go

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
        go("Ask", "Ask the library")
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
        go("Search", "Search the library")
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

    assert {p.stem for p in shots.glob("*.png")} >= {"ask", "search", "article", "collections", "import", "library"}


def test_an_article_link_opened_first_on_a_fresh_server_shows_the_whole_app(fixture_library, tmp_path: Path):
    """Streamlit's legacy pages-folder mode would run pages/article.py alone here (see pages/_shared/boot.py)."""
    from playwright.sync_api import expect

    article = next(a for a in FIXTURE_ARTICLES if a.pmid == ASTHMA[0])
    with serve(fixture_library.settings.data_dir, tmp_path / "server.log") as url, chromium_page() as page:
        page.goto(f"{url}/article?pmid={article.pmid}")

        expect(page.get_by_role("heading", name=article.title)).to_be_visible()
        menu = page.get_by_test_id("stSidebarNav")
        expect(menu.get_by_role("link", name="Import", exact=True)).to_be_visible()  # app.py's titles, not file names
        expect(page.get_by_text(f"{len(FIXTURE_ARTICLES)} articles in the library")).to_be_visible()
        assert f"/article?pmid={article.pmid}" in page.url
        assert page.get_by_test_id("stException").count() == 0
