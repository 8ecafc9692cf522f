"""Drugs and diseases on the web pages: facets on Search, highlights and adverse effects on the Article page."""

from __future__ import annotations

import pytest
from test_entities import ARTICLES
from ui_support import app_test, texts


@pytest.fixture(scope="module")
def entity_ui_library(library_factory):
    return library_factory(ARTICLES)


def test_article_page_highlights_entities_and_lists_adverse_effects(entity_ui_library, monkeypatch):
    at = app_test(monkeypatch, entity_ui_library.settings.data_dir, "pages/article.py", pmid="101")
    shown = texts(at)
    assert ":blue-background[cisplatin]" in shown  # the drug in the abstract, escaped inside its mark
    assert ":red-background[" in shown
    assert "Drugs: " in shown and "Diseases: " in shown
    assert any("Reported adverse effects of cisplatin" in e.label for e in at.expander)
    assert not at.exception


def test_search_shows_drug_and_disease_facets_and_filters(entity_ui_library, monkeypatch):
    at = app_test(monkeypatch, entity_ui_library.settings.data_dir, "pages/search.py")
    assert "cisplatin" in at.multiselect(key="flt_drugs").options
    at.multiselect(key="flt_drugs").set_value(["cisplatin"])
    at.text_input(key="search_query").set_value("toxicity in children")
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    shown = texts(at)
    assert "**Drugs** :blue-badge[cisplatin · " in shown and "**Diseases** " in shown
    assert "PMID 102" in shown or "PMID 101" in shown


def test_a_saved_search_restores_and_applies_its_drug_and_disease_filters(entity_ui_library, monkeypatch):
    from retrieval.library.collections import Collections

    diseases = app_test(monkeypatch, entity_ui_library.settings.data_dir, "pages/search.py").multiselect(
        key="flt_diseases"
    )
    disease = next(d for d in diseases.options if "ototox" in d.lower() or "hearing" in d.lower())
    saved = Collections(entity_ui_library.store).save_search(
        "Cisplatin harms", "cisplatin", {"drugs": ["cisplatin"], "diseases": [disease]}, ["103"]
    )
    at = app_test(monkeypatch, entity_ui_library.settings.data_dir, "pages/search.py", saved=str(saved.id))
    assert at.multiselect(key="flt_drugs").value == ["cisplatin"]
    assert at.multiselect(key="flt_diseases").value == [disease]
    next(b for b in at.button if b.label == "Search").click().run()
    assert not at.exception, [e.value for e in at.exception]
    shown = texts(at)
    assert f"drug\\: cisplatin · disease\\: {disease}" in shown  # the line describing the active filters
    assert "PMID 103" in shown and "PMID 101" not in shown and "PMID 102" not in shown
