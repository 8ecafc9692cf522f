"""The Collections page: create, annotate, import PMIDs and RIS (fetching what is missing), export, rename, delete."""

from __future__ import annotations

import json

import pytest
from ui_support import app_test, shared_ui_library, texts

from pages._shared.jobs import _registry
from pages._shared.text import md
from retrieval.library import Library
from retrieval.library.collections import Collections
from retrieval.settings import Settings
from tests.fake_eutils import FakeEutils

COLLECTIONS = "pages/collections.py"


@pytest.fixture(scope="session")
def ui_library(library_factory):
    return shared_ui_library(library_factory)


def create(at, name: str):
    at.text_input(key="create_name").set_value(name)
    next(b for b in at.button if b.label == "Create").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_create_annotate_export_rename_delete(ui_library, monkeypatch):
    at = create(app_test(monkeypatch, ui_library.settings.data_dir, COLLECTIONS), "Vaccines 2025")
    store = Collections(ui_library.store)
    collection = store.get("Vaccines 2025")
    assert at.selectbox(key="coll_selected").value == collection.id

    at.text_area(key="import_pmids").set_value("92000002, PMID: 92000001\nhttps://pubmed.ncbi.nlm.nih.gov/92000002/")
    next(b for b in at.button if b.label == "Add to collection").click().run()
    assert any("Added 2 articles to “Vaccines 2025”" in s.value for s in at.success)
    assert store.pmids(collection.id) == ["92000001", "92000002"]
    assert not at.get("progress")  # both were in the library: nothing to fetch

    table = at.data_editor[0].value
    assert list(table["Title"])[1].startswith("Influenza vaccination of older adults")
    assert list(table["Evidence"]) == ["Not recorded", "RCT"]
    at.session_state[at.data_editor[0].key] = {
        "edited_rows": {1: {"Note": "Key trial", "Tags": "rct, older adults"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    next(b for b in at.button if b.label == "Save notes and tags").click().run()
    item = store.items(collection.id)[1]
    assert (item.note, item.tags) == ("Key trial", ("rct", "older adults"))

    labels = [b.label for b in at.download_button]
    assert {"RIS (Zotero, EndNote)", "BibTeX", "CSV (spreadsheet)", "MEDLINE (.nbib)", "PMID list"} <= set(labels)

    at.text_input(key=f"rename_{collection.id}").set_value("Vaccines (final)")
    next(b for b in at.button if b.label == "Save name and description").click().run()
    assert store.get(collection.id).name == "Vaccines (final)"

    at.checkbox(key=f"confirm_delete_{collection.id}").check().run()
    next(b for b in at.button if b.label == "Delete collection").click().run()
    assert store.find(collection.id) is None
    assert not at.exception


def test_ris_upload_adds_the_pmids_it_names(ui_library, monkeypatch):
    at = create(app_test(monkeypatch, ui_library.settings.data_dir, COLLECTIONS), "From Zotero")
    ris = "TY  - JOUR\nTI  - Hand washing\nAN  - 92000003\nER  - \n\nTY  - JOUR\nTI  - A book chapter\nER  - \n"
    at.file_uploader(key="import_ris").set_value(("library.ris", ris.encode(), "application/x-research-info-systems"))
    next(b for b in at.button if b.label == "Add to collection").click().run()
    store = Collections(ui_library.store)
    assert store.pmids(store.get("From Zotero").id) == ["92000003"]
    shown = texts(at)
    assert "library\\.ris: 2 records, 1 PMID found." in shown
    assert "1 record had no PMID and was skipped (A book chapter…)" in shown
    at.text_area(key="import_pmids").set_value("92000003")
    next(b for b in at.button if b.label == "Add to collection").click().run()
    assert "Nothing was added: the PMID is already in “From Zotero”." in texts(at)
    assert not any("Added 0" in s.value for s in at.success)


def test_missing_pmids_are_fetched_from_pubmed_then_in_the_collection(tmp_path, monkeypatch):
    data_dir = tmp_path / "library"
    with FakeEutils() as fake:
        for name, value in {"EUTILS_URL": fake.url, "API_KEY": "k", "EUTILS_BACKOFF_S": "0.01"}.items():
            monkeypatch.setenv(f"MEDLIT_{name}", value)
        wanted = sorted(fake.records)[:2]
        at = create(app_test(monkeypatch, data_dir, COLLECTIONS), "To fetch")
        assert any("library is empty" in i.value for i in at.info)
        at.text_area(key="import_pmids").set_value(" ".join([*wanted, "99999999"]))
        next(b for b in at.button if b.label == "Add to collection").click().run()
        assert any("being fetched from PubMed" in i.value for i in at.info)
        jobs = _registry(str(data_dir.resolve()))
        job = jobs.recent(1)[0]
        assert jobs.wait(job, timeout=240)
    assert job.state == "done", job.messages
    assert job.summary.added == 2
    assert any("99999999" in m for m in job.messages)  # NCBI does not know it: said so, and it stays listed
    library = Library(Settings(data_dir=data_dir))
    assert set(library.store.known_pmids(wanted)) == set(wanted)
    at.run()
    table = at.data_editor[0].value
    assert "(not in the library yet)" not in list(table["Title"])[:2]


def test_saved_searches_in_no_collection_are_shown_beside_collections(ui_library, monkeypatch):
    store = Collections(ui_library.store)
    store.create("Some other reading")
    store.save_search("Unattached flu search", "influenza", {}, ["92000001", "92000002"], None)
    at = app_test(monkeypatch, ui_library.settings.data_dir, COLLECTIONS)
    shown = texts(at)
    assert "Saved searches not in a collection" in shown
    assert "**Unattached flu search**" in shown


def test_a_saved_search_shows_its_filters_in_words(ui_library, monkeypatch):
    store = Collections(ui_library.store)
    filters = {"mesh": ["Aged"], "exclude_retracted": True, "year_from": 2010, "prefer_strong_designs": True}
    store.save_search("Filtered flu search", "influenza", filters, ["92000002"], None)
    at = app_test(monkeypatch, ui_library.settings.data_dir, COLLECTIONS)
    line = next(c.value for c in at.caption if c.value.startswith("Filters:") and "Aged" in c.value)
    assert line == "Filters: " + md("2010–… · MeSH: Aged · retracted excluded · stronger designs first")
    assert "True" not in line and "[" not in line


def test_renaming_a_collection_shows_the_new_name_in_the_selector(ui_library, monkeypatch):
    at = create(app_test(monkeypatch, ui_library.settings.data_dir, COLLECTIONS), "Before renaming")
    collection = Collections(ui_library.store).get("Before renaming")
    at.text_input(key=f"rename_{collection.id}").set_value("After renaming")
    next(b for b in at.button if b.label == "Save name and description").click().run()
    selector = at.selectbox(key="coll_selected")
    assert selector.value == collection.id
    assert "After renaming (0 articles)" in selector.options
    assert "Before renaming (0 articles)" not in selector.options
    # The browser keeps the label it shows until the page sends the value again.
    assert selector.proto.set_value and selector.proto.raw_value == "After renaming (0 articles)"


def test_saving_notes_and_tags_says_what_it_saved(ui_library, monkeypatch):
    at = create(app_test(monkeypatch, ui_library.settings.data_dir, COLLECTIONS), "Annotated")
    store = Collections(ui_library.store)
    collection = store.get("Annotated")
    store.add(collection.id, ["92000002", "92000003"])
    at.run()
    editor = at.data_editor[0].key
    at.session_state[editor] = {"edited_rows": {0: {"Note": "Read first"}}, "added_rows": [], "deleted_rows": []}
    next(b for b in at.button if b.label == "Save notes and tags").click().run()
    assert store.items(collection.id)[0].note == "Read first"
    # A new table: the browser does not clear the old one's edits with one more rerun that drops the message.
    assert at.data_editor[0].key != editor
    assert "Saved notes and tags of 1 article." in texts(at)
    assert "Nothing had changed." not in texts(at)
    next(b for b in at.button if b.label == "Save notes and tags").click().run()
    assert "Nothing had changed." in texts(at)


def test_a_rejected_new_collection_keeps_what_was_typed(ui_library, monkeypatch):
    at = create(app_test(monkeypatch, ui_library.settings.data_dir, COLLECTIONS), "Kept once")
    # Created: the page empties the form itself (a form's clear_on_submit, which the browser applies and AppTest
    # does not, would empty it after a rejected name too).
    assert at.text_input(key="create_name").value == ""
    at.text_input(key="create_name").set_value("Kept once")
    at.text_area(key="create_description").set_value("A second one with the same name")
    next(b for b in at.button if b.label == "Create").click().run()
    assert at.warning or at.error
    assert at.text_input(key="create_name").value == "Kept once"
    assert at.text_area(key="create_description").value == "A second one with the same name"
    at.text_input(key="create_name").set_value("x" * 500)
    next(b for b in at.button if b.label == "Create").click().run()
    assert at.text_input(key="create_name").value == "x" * 500


def test_the_collection_table_shows_no_none_year_and_wide_titles(ui_library, monkeypatch):
    at = create(app_test(monkeypatch, ui_library.settings.data_dir, COLLECTIONS), "Years and titles")
    store = Collections(ui_library.store)
    collection = store.get("Years and titles")
    store.add(collection.id, ["92000002", "99999998"])  # the second is not in the library: no year
    at.run()
    table = at.data_editor[0].value
    assert list(table["Year"]) == ["2019", ""]
    columns = json.loads(at.data_editor[0].proto.columns)
    assert columns["Title"]["width"] == "large"
