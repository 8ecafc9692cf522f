"""A newcomer's walk in a real browser on a library of thin records: no year, type, MeSH or abstract.

Much of real PubMed is thin (in-process records carry no year, no publication
type, no MeSH), so every page the walk visits must say what is missing in words:
the walk fails on a traceback, on the apology shown for a bug, and on Python's
``None`` anywhere on a page. The library is imported from PubMed XML by the
app's own import code; the walk saves ``thin-*.png`` screenshots.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_support import NEEDS_CHROMIUM, Walk, chromium_page, serve
from ui_support import pubmed_xml

from ingest.imports import import_files
from ingest.progress import SilentReporter
from retrieval.library import Library
from retrieval.settings import Settings

pytestmark = [pytest.mark.browser, NEEDS_CHROMIUM]
TRIAL, NO_ABSTRACT, REVIEW = "94000001", "94000002", "94000003"
THIN_RECORDS = [
    {
        "pmid": TRIAL,
        "title": "Tranexamic acid in bleeding trauma patients",
        "abstract": {
            "": "In this randomised placebo-controlled trial of 20,211 adults with traumatic bleeding, tranexamic "
            "acid given within three hours of injury reduced death due to bleeding (4.9% versus 5.7%)."
        },
        "types": [],
    },
    {"pmid": NO_ABSTRACT, "title": "Tranexamic acid after injury: a commentary", "types": []},
    {
        "pmid": REVIEW,
        "title": "Antifibrinolytic drugs for acute traumatic injury",
        "abstract": {
            "": "This Cochrane systematic review of randomised trials found that tranexamic acid safely reduces "
            "mortality in bleeding trauma patients without increasing vascular occlusive events."
        },
        "types": [],
        "authors": [("Ker", "Katharine")],
    },
    {
        "pmid": "94000004",
        "title": "Prehospital tranexamic acid and mortality in injured adults: a cohort study",
        "year": 2018,
        "abstract": {
            "RESULTS": "Among 1,900 injured adults, prehospital tranexamic acid was associated with lower "
            "30-day mortality (adjusted odds ratio 0.7)."
        },
        "types": ["Journal Article", "Observational Study"],
        "mesh": ["Tranexamic Acid", "Wounds and Injuries"],
    },
    {
        "pmid": "94000005",
        "title": "Thromboembolic events after tranexamic acid in hip fracture surgery",
        "year": 2021,
        "abstract": {"": "Venous thromboembolism was not more frequent after tranexamic acid in 640 patients."},
        "types": [],
    },
    {"pmid": "94000006", "title": "Seizures after high-dose tranexamic acid in cardiac surgery", "types": []},
]


@pytest.fixture(scope="module")
def thin_library(tmp_path_factory) -> Path:
    """The data folder of a library imported from ``THIN_RECORDS`` as an uploaded PubMed XML file would be."""
    folder = tmp_path_factory.mktemp("thin")
    upload = folder / "thin-records.xml"
    upload.write_bytes(pubmed_xml(THIN_RECORDS))
    library = Library(Settings(data_dir=folder / "library"))
    result = import_files(library, [upload], SilentReporter(), kind="upload")
    assert result.summary.added == len(THIN_RECORDS), result
    return folder / "library"


def test_a_newcomer_walks_a_library_of_thin_records(thin_library: Path, shots: Path, tmp_path: Path):
    from playwright.sync_api import expect

    log = tmp_path / "server.log"
    with serve(thin_library, log) as url, chromium_page() as page:
        walk = Walk(page, shots)
        main = page.get_by_test_id("stMain")  # the sidebar has a Collection filter of its own

        # Ask: the answer style stays chosen when its selected option is clicked again (issue 11 item 9).
        page.goto(url)
        expect(page.get_by_role("heading", name="Ask the library")).to_be_visible()
        walk.check_shown("The Ask page")
        extractive = page.get_by_role("radiogroup", name="Answer style").get_by_role("radio", name="Extractive")
        expect(extractive).to_have_attribute("aria-checked", "true")
        extractive.click()
        walk.settle()
        expect(extractive).to_have_attribute("aria-checked", "true")

        page.get_by_label("Your question").fill("Does tranexamic acid reduce death from bleeding after trauma?")
        page.get_by_role("button", name="Ask").click()
        expect(page.get_by_role("heading", name="Cited articles")).to_be_visible()
        source = page.get_by_test_id("stExpander").first
        source.locator("summary").click()
        expect(source.get_by_role("link", name="Open full record")).to_be_visible()
        walk.check_shown("An answer from thin records")
        walk.shoot("thin-ask")

        # The cited article: no year, no type, no MeSH; collect it into a new collection.
        source.get_by_role("link", name="Open full record").click()
        expect(page.get_by_text("Open a PMID")).to_be_visible()
        expect(page.get_by_text("the sentence the answer quoted")).to_be_visible()
        walk.check_shown("A thin article")
        page.get_by_label("…or a new collection").fill("Trauma bleeding")
        page.get_by_role("button", name="Add", exact=True).click()
        expect(page.get_by_text("Added to “Trauma bleeding”")).to_be_visible()
        walk.check_shown("A thin article, collected")
        walk.shoot("thin-article")

        # An article without abstract, opened by typing its PMID.
        page.get_by_label("Open a PMID").fill(NO_ABSTRACT)
        page.get_by_label("Open a PMID").press("Enter")
        expect(page.get_by_text("This record has no abstract.")).to_be_visible()
        expect(
            page.get_by_text("Not recorded in this PubMed record: publication year, publication type")
        ).to_be_visible()
        walk.check_shown("An article without abstract")

        # Search: tick a result, add it to the collection, save the search attached to no collection.
        walk.go("Search", "Search the library")
        page.get_by_label("Search words").fill("tranexamic acid")
        page.get_by_role("button", name="Search").click()
        expect(page.get_by_text("Tranexamic acid in bleeding trauma patients").first).to_be_visible()
        expect(page.get_by_text("No abstract: found by its title.").first).to_be_visible()
        page.get_by_label(f"Select PMID {REVIEW}").check(force=True)  # the answer cited and collected the trial
        page.get_by_text("Add ticked results to a collection, or save this search").click()
        walk.check_shown("Search results of thin records")
        expect(main.get_by_role("combobox", name="Collection", exact=True)).to_have_value("Trauma bleeding")
        page.get_by_role("button", name="Add to collection").click()
        expect(page.get_by_text("Added 1 article to “Trauma bleeding”")).to_be_visible()
        page.get_by_label("Name", exact=True).fill("Tranexamic acid, all records")
        page.get_by_role("button", name="Save search").click()
        expect(page.get_by_text("Saved “Tranexamic acid, all records”")).to_be_visible()
        walk.check_shown("Search, after adding and saving")
        walk.shoot("thin-search")

        # Collections: create one, then look at the one filled from the article and the search.
        walk.go("Collections")
        page.get_by_text("New collection").click()
        # the new collection's own field: the chosen collection's rename field is also labelled "Name", and
        # which of the two comes first depends on how far the page has drawn
        name = page.get_by_placeholder("e.g. Sepsis guideline 2025")
        name.fill("Postpartum haemorrhage")
        walk.settle()
        # Enter submits the form, as the field's hint says; a click on Create straight after typing was lost now
        # and then (the field loses focus, its hint goes, the button moves under the pointer)
        name.press("Enter")
        expect(page.get_by_text("Created “Postpartum haemorrhage”")).to_be_visible()
        walk.check_shown("A new, empty collection")
        chooser = main.get_by_role("combobox", name="Collection", exact=True)
        chooser.click()
        page.get_by_role("option", name="Trauma bleeding (2 articles)").click()
        expect(chooser).to_have_value("Trauma bleeding (2 articles)")
        expect(page.locator("[role=gridcell]", has_text="RCT (inferred)")).to_be_attached()  # the table has drawn
        unfiled = page.get_by_text("Saved searches not in a collection")
        expect(unfiled).to_have_count(1)  # a rerun briefly keeps the last run's copy beside the new one
        expect(unfiled).to_be_visible()
        walk.check_shown("A collection of thin records")
        walk.shoot("thin-collections")
        for tab in ("Add PMIDs or RIS", "Export", "Saved searches", "Rename or delete"):
            page.get_by_role("tab", name=tab).click()
            walk.check_shown(f"The collection's {tab} tab")

        # Summaries of a topic, then of the collection.
        walk.go("Summaries")
        topic = page.get_by_role("radiogroup", name="Summarise").get_by_role("radio", name="A topic")
        topic.click()
        walk.settle()
        expect(topic).to_have_attribute("aria-checked", "true")
        page.get_by_label("Topic").fill("tranexamic acid")
        page.get_by_role("button", name="Summarise").click()
        expect(page.get_by_text("articles without a publication year")).to_be_visible()
        page.get_by_text("Articles in this theme").first.click()
        walk.check_shown("A summary of thin records")
        walk.shoot("thin-summaries")
        page.get_by_role("radio", name="A collection").click()
        main.get_by_role("combobox", name="Collection", exact=True).click()
        page.get_by_role("option", name="Trauma bleeding").click()
        page.get_by_role("button", name="Summarise").click()
        expect(page.get_by_text("Summary of the collection “Trauma bleeding”")).to_be_visible()
        walk.check_shown("A summary of a collection of thin records")

        # Library: what it holds, and the store and index check.
        walk.go("Library")
        page.get_by_role("button", name="Run the check").click()
        expect(page.get_by_text("Store and index agree.")).to_be_visible()
        expect(page.locator("[role=gridcell]", has_text="thin-records.xml")).to_be_attached()  # the imports table
        walk.check_shown("The library page")
        walk.shoot("thin-library")

        # The librarian's other pages, for a newcomer who looks around.
        walk.go("What's new")
        walk.check_shown("What's new")
        walk.go("Import", "Import PubMed records")
        expect(page.locator("[role=gridcell]", has_text="thin-records.xml")).to_be_attached()
        walk.check_shown("The Import page")

    assert "Traceback" not in log.read_text()
