"""The Search page: ranked results with facets, adding results to a collection, saving a search."""

from __future__ import annotations

import pytest
from streamlit.proto.SelectWidgetFilterMode_pb2 import SelectWidgetFilterMode
from ui_support import app_test, shared_ui_library, texts, thin_ui_library

from retrieval.library.collections import Collections
from tests.library_support import NO_ABSTRACT, VITAMIN_D

SEARCH = "pages/search.py"


@pytest.fixture(scope="session")
def ui_library(library_factory):
    return shared_ui_library(library_factory)


def run_search(at, query: str):
    at.text_input(key="search_query").set_value(query)
    at.button[0].click().run()  # the form's Search button
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_results_with_titles_pmids_and_facets(fixture_library, monkeypatch):
    at = run_search(app_test(monkeypatch, fixture_library.settings.data_dir, SEARCH), "vitamin D fractures")
    shown = texts(at)
    assert "results\\*\\* for" in shown or "results** for" in shown
    first_titles = [m.value for m in at.markdown if m.value.startswith(("1\\.", "2\\.", "3\\."))]
    assert len(first_titles) == 3
    assert all("itamin D" in t or "hip fracture" in t.lower() for t in first_titles)
    assert {p for p in VITAMIN_D if f"PMID {p}" in shown} == set(VITAMIN_D)
    charts = at.get("vega_lite_chart")
    assert len(charts) == 3  # by year, by evidence level, top MeSH terms


def test_filters_narrow_the_results(fixture_library, monkeypatch):
    at = app_test(monkeypatch, fixture_library.settings.data_dir, SEARCH)
    at.multiselect(key="flt_types").set_value(["Meta-Analysis"])
    run_search(at, "vitamin D fractures")
    result_lines = [m.value for m in at.markdown if "PMID 9" in m.value]
    assert result_lines and all("SR/MA" in line for line in result_lines)


def test_select_results_into_a_new_collection_and_save_the_search(ui_library, monkeypatch):
    at = app_test(monkeypatch, ui_library.settings.data_dir, SEARCH)
    at.checkbox(key="flt_abstract").check()
    run_search(at, "influenza vaccine hospital admissions")
    at.checkbox(key="pick_92000002").check()
    at.selectbox(key="add_target").set_value("New collection…")
    at.text_input(key="add_new_name").set_value("Flu reading")
    next(b for b in at.button if b.label == "Add to collection").click().run()
    assert any("Added 1 article to “Flu reading”" in s.value for s in at.success)
    store = Collections(ui_library.store)
    assert store.pmids(store.get("Flu reading").id) == ["92000002"]

    at.text_input(key="save_name").set_value("Flu vaccine search")
    at.selectbox(key="save_collection").set_value("Flu reading")
    next(b for b in at.button if b.label == "Save search").click().run()
    assert any("Saved “Flu vaccine search”" in s.value for s in at.success)
    saved = store.saved_searches(store.get("Flu reading").id)[0]
    assert saved.query == "influenza vaccine hospital admissions"
    assert saved.result_pmids[0] == "92000002"
    assert saved.filters.get("has_abstract") is True, saved.filters
    assert saved.library_state["articles"] == 3


def test_a_saved_search_opens_with_its_query(ui_library, monkeypatch):
    store = Collections(ui_library.store)
    saved = store.save_search("Hand washing", "hand washing soap", {"has_abstract": True}, ["92000003"])
    at = app_test(monkeypatch, ui_library.settings.data_dir, SEARCH, saved=str(saved.id))
    assert at.text_input(key="search_query").value == "hand washing soap"
    assert at.checkbox(key="flt_abstract").value is True
    assert "Opened the saved search" in texts(at)


def test_the_publication_type_filter_offers_the_types_present_with_counts(ui_library, monkeypatch):
    at = app_test(monkeypatch, ui_library.settings.data_dir, SEARCH)
    options = at.multiselect(key="flt_types").options
    assert options[:2] == ["Journal Article (3)", "Randomized Controlled Trial (2)"]
    assert not any(o.startswith("Review") for o in options)


def test_the_year_filter_keeps_undated_articles_and_says_what_it_removed(ui_library, monkeypatch):
    at = app_test(monkeypatch, ui_library.settings.data_dir, SEARCH)
    assert at.checkbox(key="flt_undated").value is True
    at.slider(key="flt_years").set_value((2006, 2020)).run()
    assert "The filters leave out 1 of the library's 3 articles." in texts(at)


def test_choosing_a_mesh_term_selects_exactly_that_descriptor(ui_library, monkeypatch):
    at = app_test(monkeypatch, ui_library.settings.data_dir, SEARCH)
    mesh = at.multiselect(key="flt_mesh")
    # Typing filters by substring (not fuzzy), and Enter cannot pick a "Select N matches" entry.
    assert mesh.proto.filter_mode == SelectWidgetFilterMode.FILTER_MODE_CONTAINS
    assert mesh.proto.select_all == 0
    mesh.select("Influenza Vaccines").run()
    assert at.multiselect(key="flt_mesh").value == ["Influenza Vaccines"]
    run_search(at, "influenza vaccination")
    assert "PMID 92000002" in texts(at)


def test_collection_and_save_controls_come_before_the_results(ui_library, monkeypatch):
    at = run_search(app_test(monkeypatch, ui_library.settings.data_dir, SEARCH), "influenza vaccination")
    order = [getattr(e, "key", None) or getattr(e, "label", None) for e in at.main]
    first_pick = next(i for i, k in enumerate(order) if str(k).startswith("pick_"))
    assert order.index("add_target") < first_pick and order.index("save_name") < first_pick


def test_a_search_saved_with_no_collection_says_so_in_words(ui_library, monkeypatch):
    at = run_search(app_test(monkeypatch, ui_library.settings.data_dir, SEARCH), "hand washing diarrhoea")
    attach = at.selectbox(key="save_collection")
    assert attach.value is None and attach.options[0] == "No collection" and "None" not in attach.options
    at.text_input(key="save_name").set_value("Hand washing, unattached")
    next(b for b in at.button if b.label == "Save search").click().run()
    store = Collections(ui_library.store)
    assert any(s.name == "Hand washing, unattached" for s in store.unattached_saved_searches())


def test_a_result_without_abstract_says_so_instead_of_quoting_its_title(fixture_library, monkeypatch):
    at = run_search(app_test(monkeypatch, fixture_library.settings.data_dir, SEARCH), "hospital pharmacy staffing")
    shown = texts(at)
    assert f"PMID {NO_ABSTRACT}" in shown
    assert "No abstract: found by its title." in shown
    assert "… Hospital pharmacy staffing in rural hospitals …" not in shown


def test_the_year_facet_says_how_many_results_have_no_year(library_factory, monkeypatch):
    data_dir = thin_ui_library(library_factory).settings.data_dir
    at = run_search(app_test(monkeypatch, data_dir, SEARCH), "tranexamic acid")
    assert "**2 results**" in texts(at)
    assert "1 article without a publication year, not charted." in texts(at)
