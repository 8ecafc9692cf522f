"""The Summaries page: a topic or a collection in, themes with cited findings and charts out."""

from __future__ import annotations

import pytest
from ui_support import app_test, shared_ui_library, texts

from retrieval.library.collections import Collections
from tests.library_support import ASTHMA, MIGRAINE

SUMMARIES = "pages/summaries.py"


def test_topic_summary_shows_themes_with_cited_findings_and_charts(fixture_library, monkeypatch):
    at = app_test(monkeypatch, fixture_library.settings.data_dir, SUMMARIES)
    at.text_input(key="summary_topic").set_value("migraine prevention")
    at.slider(key="summary_k").set_value(10)
    next(b for b in at.button if b.label == "Summarise").click().run()
    assert not at.exception, [e.value for e in at.exception]
    shown = texts(at)
    assert "**4 articles** in" in shown and "passed the relevance bar" in shown  # the migraine articles only
    assert any(f"article?pmid={p}" in shown for p in MIGRAINE)
    assert len(at.get("vega_lite_chart")) == 2  # by year and by evidence level


def test_collection_summary(fixture_library, monkeypatch):
    at = app_test(monkeypatch, fixture_library.settings.data_dir, SUMMARIES)
    at.segmented_control(key="summary_source").set_value("A collection").run()
    at.selectbox(key="summary_collection").set_value("asthma reading")
    next(b for b in at.button if b.label == "Summarise").click().run()
    shown = texts(at)
    assert "the collection “asthma reading”" in shown
    assert "**3 articles** in" in shown
    assert {p for p in ASTHMA[:3] if f"pmid={p}" in shown} == set(ASTHMA[:3])


@pytest.fixture(scope="session")
def ui_library(library_factory):
    return shared_ui_library(library_factory)


def test_collection_summary_says_how_many_pmids_are_not_in_the_library(ui_library, monkeypatch):
    store = Collections(ui_library.store)
    store.add(store.create("Partly imported").id, ["92000002", "92000003", "99999997"])
    at = app_test(monkeypatch, ui_library.settings.data_dir, SUMMARIES)
    at.segmented_control(key="summary_source").set_value("A collection").run()
    at.selectbox(key="summary_collection").set_value("Partly imported")
    next(b for b in at.button if b.label == "Summarise").click().run()
    assert not at.exception, [e.value for e in at.exception]
    shown = texts(at)
    assert "**2 articles** in" in shown
    assert "1 PMID of the collection is not in the library (99999997), so not summarised" in shown


def test_summaries_on_an_empty_library(tmp_path, monkeypatch):
    at = app_test(monkeypatch, tmp_path / "empty", SUMMARIES)
    assert any("library is empty" in i.value for i in at.info)


def test_the_summary_source_cannot_be_switched_off(fixture_library, monkeypatch):
    """Clicking the chosen option again keeps it chosen (the thin-records browser walk clicks it)."""
    at = app_test(monkeypatch, fixture_library.settings.data_dir, SUMMARIES)
    source = at.segmented_control(key="summary_source")
    assert source.proto.required and source.value == "A topic"
